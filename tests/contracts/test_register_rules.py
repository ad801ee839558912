import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tendercare.contracts import register_rules as rr

TODAY = dt.date(2025, 6, 15)


def facts(**kw):
    base = {
        "reference": "X",
        "end_date": dt.date(2030, 1, 1),
        "whole_life_value": Decimal("1000000"),
        "last_competed_on": dt.date(2024, 1, 1),
        "is_live": True,
    }
    base.update(kw)
    return rr.ContractFacts(**base)


def test_ending_exactly_at_the_end_of_the_lead_time_warns():
    exactly = rr.add_months(TODAY, 18)
    assert exactly == dt.date(2026, 12, 15)
    assert rr.ends_within_lead_time(facts(end_date=exactly), today=TODAY, lead_time_months=18)
    day_after = exactly + dt.timedelta(days=1)
    assert not rr.ends_within_lead_time(facts(end_date=day_after), today=TODAY, lead_time_months=18)


def test_ended_or_expired_contracts_do_not_warn():
    yesterday = TODAY - dt.timedelta(days=1)
    assert not rr.ends_within_lead_time(facts(end_date=yesterday), today=TODAY, lead_time_months=18)
    assert rr.ends_within_lead_time(facts(end_date=TODAY), today=TODAY, lead_time_months=18)
    soon = facts(end_date=TODAY + dt.timedelta(days=30), is_live=False)
    assert not rr.ends_within_lead_time(soon, today=TODAY, lead_time_months=18)
    assert rr.warnings_for(facts(last_competed_on=None, is_live=False), today=TODAY) == []


def test_never_competed_over_threshold_warns():
    assert rr.over_threshold_not_competed(
        facts(last_competed_on=None), today=TODAY, threshold=rr.LIGHT_TOUCH_THRESHOLD, years=5
    )


def test_competed_six_years_ago_warns_but_five_years_ago_does_not():
    six = facts(last_competed_on=dt.date(2019, 6, 15))
    five = facts(last_competed_on=dt.date(2020, 6, 15))
    kw = {"today": TODAY, "threshold": rr.LIGHT_TOUCH_THRESHOLD, "years": 5}
    assert rr.over_threshold_not_competed(six, **kw)
    assert not rr.over_threshold_not_competed(five, **kw)
    assert rr.over_threshold_not_competed(five, **{**kw, "years": 4})


def test_threshold_is_inclusive_and_parameterised():
    at = facts(whole_life_value=Decimal("663540"), last_competed_on=None)
    below = facts(whole_life_value=Decimal("663539.99"), last_competed_on=None)
    kw = {"today": TODAY, "years": 5}
    assert rr.over_threshold_not_competed(at, threshold=rr.LIGHT_TOUCH_THRESHOLD, **kw)
    assert not rr.over_threshold_not_competed(below, threshold=rr.LIGHT_TOUCH_THRESHOLD, **kw)
    assert rr.over_threshold_not_competed(below, threshold=Decimal("650000"), **kw)


def test_warnings_for_names_both_and_their_parameters():
    f = facts(end_date=dt.date(2026, 1, 1), last_competed_on=None)
    found = rr.warnings_for(f, today=TODAY, params=rr.RuleParameters(lead_time_months=12))
    assert [w.code for w in found] == [rr.ENDING_SOON, rr.NOT_COMPETED]
    assert "12-month" in found[0].detail
    assert "663,540" in found[1].detail
    text = " ".join(t for _, t in rr.describe_rules(rr.RuleParameters(years=7)))
    assert "7 years" in text and "18 months" in text


def test_threshold_constant_cites_its_source():
    import inspect

    source = inspect.getsource(rr)
    assert "663,540" in source and "Procurement Act 2023" in source


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (dt.date(2024, 4, 1), dt.date(2027, 3, 31), 36),
        (dt.date(2024, 4, 1), dt.date(2024, 4, 30), 1),
        (dt.date(2024, 1, 31), dt.date(2024, 2, 28), 1),
        (dt.date(2024, 4, 1), dt.date(2024, 4, 10), 0),
        (dt.date(2024, 4, 1), dt.date(2024, 5, 20), 2),
    ],
)
def test_term_months(start, end, months):
    assert rr.term_months(start, end) == months


def test_whole_life_value_rounds_to_pence():
    assert rr.whole_life_value(Decimal("100000"), 36, 24) == Decimal("500000.00")
    assert rr.whole_life_value(Decimal("100.01"), 7) == Decimal("58.34")


@given(
    annual=st.decimals(min_value=0, max_value=10**9, places=2),
    months=st.integers(0, 240),
    extension=st.integers(0, 120),
)
def test_whole_life_value_properties(annual, months, extension):
    value = rr.whole_life_value(annual, months, extension)
    assert value >= 0
    assert value == value.quantize(Decimal("0.01"))
    assert rr.whole_life_value(annual, months, extension + 1) >= value
    assert abs(value - annual * (months + extension) / 12) <= Decimal("0.005")
    assert rr.whole_life_value(annual, 12) == annual


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_dates_parse_in_both_forms(day):
    assert rr.parse_date(day.isoformat()) == day
    assert rr.parse_date(day.strftime("%d/%m/%Y")) == day


@given(st.text(max_size=20))
def test_parse_date_never_crashes_otherwise(text):
    try:
        rr.parse_date(text)
    except ValueError as exc:
        assert "YYYY-MM-DD or DD/MM/YYYY" in str(exc)


@pytest.mark.parametrize("text", ["31/02/2024", "2024-13-01", "1 April 2024", "04/01/24", ""])
def test_bad_dates_say_what_to_do(text):
    with pytest.raises(ValueError, match="YYYY-MM-DD or DD/MM/YYYY"):
        rr.parse_date(text)


@given(st.dates(), st.integers(-600, 600))
def test_add_months_properties(day, months):
    try:
        later = rr.add_months(day, months)
    except ValueError:
        return  # beyond year 1..9999
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day <= day.day


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 1, 1)), st.integers(0, 60))
def test_ending_soon_boundary_is_monotonic(today, lead):
    edge = rr.add_months(today, lead)
    assert rr.ends_within_lead_time(facts(end_date=edge), today=today, lead_time_months=lead)
    assert not rr.ends_within_lead_time(
        facts(end_date=edge + dt.timedelta(days=1)), today=today, lead_time_months=lead
    )
    assert rr.ends_within_lead_time(facts(end_date=edge), today=today, lead_time_months=lead + 1)


def test_shares_parse_plain_name_and_joint():
    assert rr.parse_shares("Medway Council") == [("Medway Council", Decimal("100"))]
    assert rr.parse_shares("Medway Council 60%; NHS Kent and Medway ICB 40%") == [
        ("Medway Council", Decimal("60")),
        ("NHS Kent and Medway ICB", Decimal("40")),
    ]
    assert rr.parse_shares("A Council (33.34%); B ICB: 66.66%")[1] == ("B ICB", Decimal("66.66"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A Council 60%; B ICB 30%", "add up to 90%"),
        ("A Council 60%; B ICB", "Give a percentage share for 'B ICB'"),
        ("A Council 50%; a council 50%", "more than once"),
        ("", "Enter the commissioner"),
    ],
)
def test_shares_errors(text, message):
    with pytest.raises(ValueError, match=message):
        rr.parse_shares(text)


@given(
    st.lists(
        st.text(alphabet="abcdefghij KLMN", min_size=1, max_size=12).map(str.strip).filter(bool),
        min_size=1,
        max_size=4,
        unique_by=str.casefold,
    )
)
def test_shares_round_trip(names):
    n = len(names)
    shares = [
        (name, Decimal(100 // n) + (Decimal(100 % n) if i == 0 else 0))
        for i, name in enumerate(names)
    ]
    assert rr.parse_shares(rr.format_shares(shares)) == shares


def test_kinds_and_groups_from_names():
    assert rr.provider_kind_for("Kent Community Health NHS Foundation Trust") == "nhs_trust"
    assert rr.provider_kind_for("Trustworthy Care Ltd") == "independent"
    assert rr.commissioner_kind_for("Medway Council") == "council"
    assert rr.commissioner_kind_for("NHS Kent and Medway Integrated Care Board") == "icb"
    assert rr.commissioner_kind_for("NHS Swale CCG") == "ccg"
    assert rr.commissioner_kind_for("Riverside Care Ltd") is None
    assert rr.service_group_for("Domiciliary care, north") == "home_care"
    assert rr.service_group_for("Community physiotherapy") == "therapy"
    assert rr.service_group_for("Meals on wheels") == "other"


def test_choice_accepts_code_or_label():
    choices = [("open", "Open procedure"), ("light_touch", "Light-touch regime")]
    assert rr.choice_for("OPEN", choices) == "open"
    assert rr.choice_for("light-touch regime", choices) == "light_touch"
    with pytest.raises(ValueError, match="open \\(Open procedure\\)"):
        rr.choice_for("tender", choices)


@pytest.mark.parametrize(
    ("text", "value"), [("£1,234.50", Decimal("1234.50")), ("250000", Decimal("250000.00"))]
)
def test_money(text, value):
    assert rr.parse_money(text) == value


@pytest.mark.parametrize("text", ["abc", "-5", "1.234", "NaN", "Infinity", "1e20"])
def test_bad_money(text):
    with pytest.raises(ValueError):
        rr.parse_money(text)
