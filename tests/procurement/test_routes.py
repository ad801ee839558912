import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tendercare.core import calendar
from tendercare.procurement import routes as r

SRC = Path(__file__).resolve().parents[2] / "src" / "tendercare" / "procurement"


@pytest.mark.parametrize("name", ["routes.py", "lifecycle.py", "evaluation_model.py"])
def test_pure_modules_do_not_import_django(name):
    text = (SRC / name).read_text()
    assert not re.search(r"^\s*(from|import)\s+(django|rules|ninja)\b", text, re.MULTILINE)


def psr(**flags):
    return r.advise(r.Answers(service_kind=r.HEALTHCARE, estimated_value=Decimal("5e6"), **flags))


def act(kind=r.SOCIAL_CARE, value="5000000", **flags):
    return r.advise(r.Answers(service_kind=kind, estimated_value=Decimal(value), **flags))


def test_psr_direct_award_a_when_only_the_existing_provider_can_provide():
    advice = psr(only_existing_provider_capable=True, patient_choice=True)
    assert advice.recommended_route == r.PSR_DIRECT_A
    assert advice.regime == r.PROVIDER_SELECTION
    assert advice.allowed_routes == (r.PSR_DIRECT_A,)
    assert "must be followed (regulation 6(3))" in advice.text()
    assert "no standstill" in advice.text()
    assert advice.rules.standstill is None


def test_psr_direct_award_b_for_patient_choice():
    advice = psr(patient_choice=True)
    assert advice.recommended_route == r.PSR_DIRECT_B
    assert "not process A" in advice.text()
    assert "regulation 6(4)" in advice.text()


def test_psr_direct_award_c_keeps_the_other_processes_open_and_names_key_criteria():
    advice = psr(existing_provider_satisfactory_and_unchanged=True)
    assert advice.recommended_route == r.PSR_DIRECT_C
    assert advice.allowed_routes == (r.PSR_DIRECT_C, r.PSR_MOST_SUITABLE, r.PSR_COMPETITIVE)
    text = advice.text()
    assert "not process A" in text and "not process B" in text
    assert "quality and innovation" in text and "social value" in text
    assert "integration, collaboration and service sustainability" in text
    assert "improving access, reducing health inequalities and facilitating choice" in text
    assert "regulation 12" in advice.standstill


def test_psr_most_suitable_provider():
    advice = psr(most_suitable_identifiable=True)
    assert advice.recommended_route == r.PSR_MOST_SUITABLE
    assert "not process C" in advice.text()
    assert [n.code for n in advice.notices] == [r.PSR_INTENTION, r.PSR_AWARD]


def test_psr_competitive_process_otherwise():
    advice = psr()
    assert advice.recommended_route == r.PSR_COMPETITIVE
    assert "cannot be identified without a competition" in advice.text()
    assert [n.code for n in advice.notices] == [r.PSR_CONTRACT_NOTICE, r.PSR_INTENTION, r.PSR_AWARD]
    assert advice.key_criteria == tuple(r.PSR_KEY_CRITERIA)


def test_home_care_over_the_light_touch_threshold_goes_open_under_the_act():
    advice = act(value="663540")
    assert advice.regime == r.PROCUREMENT_ACT
    assert advice.light_touch and advice.above_threshold
    assert advice.recommended_route == r.OPEN
    text = advice.text()
    assert "light touch service" in text
    assert "The estimated value, GBP 663,540 including VAT" in text
    assert "at or above the light touch threshold of GBP 663,540" in text
    assert [n.code for n in advice.notices] == ["UK2", "UK4", "UK6", "UK7"]
    assert "s.51" in advice.standstill


def test_home_care_needing_dialogue_goes_competitive_flexible():
    advice = act(needs_dialogue=True)
    assert advice.recommended_route == r.COMPETITIVE_FLEXIBLE
    assert "dialogue or negotiation" in advice.text()
    assert any("Dialogue or negotiation rounds" in s for s in advice.steps)
    assert advice.rules.dialogue


def test_direct_award_under_the_act_uses_a_transparency_notice():
    advice = act(direct_award_justified=True)
    assert advice.recommended_route == r.DIRECT_AWARD
    assert [n.code for n in advice.notices] == ["UK5", "UK6", "UK7"]


def test_home_care_below_threshold():
    advice = act(value="663539.99", needs_dialogue=True)
    assert not advice.above_threshold
    assert advice.recommended_route == r.OPEN
    assert r.COMPETITIVE_FLEXIBLE not in advice.allowed_routes
    assert "below the light touch threshold" in advice.text()
    assert "Part 6" in advice.text()
    assert "no standstill" in advice.standstill


def test_other_services_use_the_general_services_threshold():
    advice = act(kind=r.OTHER, value="300000")
    assert not advice.light_touch and advice.above_threshold
    assert "GBP 207,720" in advice.text()


def test_notice_codes_and_names_as_on_find_a_tender():
    assert {c: n.name for c, n in r.ACT_NOTICES.items()} == {
        "UK1": "Pipeline notice",
        "UK2": "Preliminary market engagement notice",
        "UK3": "Planned procurement notice",
        "UK4": "Tender notice",
        "UK5": "Transparency notice",
        "UK6": "Contract award notice",
        "UK7": "Contract details notice",
        "UK8": "Payments compliance notice",
        "UK9": "Contract performance notice",
        "UK10": "Contract change notice",
        "UK11": "Contract termination notice",
        "UK12": "Procurement termination notice",
    }
    assert "find-tender.service.gov.uk" in r.__doc__


def test_every_route_names_known_notices_and_its_regime():
    for code, rules in r.ROUTES.items():
        assert rules.code == code
        assert all(n in r.ALL_NOTICES for n in rules.notices)
        table = r.ACT_NOTICES if rules.regime == r.PROCUREMENT_ACT else r.PSR_NOTICES
        assert all(n in table for n in rules.notices)
        assert rules.steps


def test_standstill_across_christmas_2026():
    notice = dt.date(2026, 12, 22)  # a Tuesday
    # Act: 22, 23, 24 Dec, then 29, 30, 31 Dec (25 Dec, Boxing Day on Saturday 26 with its
    # substitute on 28 Dec, weekends skipped), 1 Jan is a holiday, then 4 and 5 Jan.
    assert r.ACT_STANDSTILL.last_day(notice) == dt.date(2027, 1, 5)
    # PSR: begins 23 Dec; 8 working days after it: 24, 29, 30, 31 Dec, 4, 5, 6, 7 Jan.
    assert r.PSR_STANDSTILL.last_day(notice) == dt.date(2027, 1, 7)


def test_act_standstill_from_a_weekend_notice_starts_counting_on_monday():
    assert r.standstill_last_day(dt.date(2026, 3, 7), "act") == dt.date(2026, 3, 18)


def test_unknown_counting_is_refused():
    with pytest.raises(ValueError):
        r.standstill_last_day(dt.date(2026, 3, 2), "other")


days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2028, 11, 30))


@given(days)
def test_act_standstill_is_eight_working_days_beginning_with_the_notice_day(day):
    last = r.standstill_last_day(day, "act")
    assert calendar.is_working_day(last)
    counted = calendar.working_days_between(day - dt.timedelta(days=1), last)
    assert counted == 8


@given(days)
def test_psr_standstill_ends_on_the_eighth_working_day_after_it_begins(day):
    last = r.standstill_last_day(day, "psr")
    assert calendar.is_working_day(last)
    assert calendar.working_days_between(day + dt.timedelta(days=1), last) == 8
    assert last > r.standstill_last_day(day, "act") or not calendar.is_working_day(day)


answers = st.builds(
    r.Answers,
    service_kind=st.sampled_from(list(r.SERVICE_KINDS)),
    estimated_value=st.decimals(min_value=0, max_value=10**9, places=2),
    only_existing_provider_capable=st.booleans(),
    patient_choice=st.booleans(),
    existing_provider_satisfactory_and_unchanged=st.booleans(),
    most_suitable_identifiable=st.booleans(),
    needs_dialogue=st.booleans(),
    direct_award_justified=st.booleans(),
)


@given(answers)
def test_advice_is_always_consistent(a):
    advice = r.advise(a)
    assert advice.allowed_routes[0] == advice.recommended_route
    assert all(r.ROUTES[c].regime == advice.regime for c in advice.allowed_routes)
    assert (advice.regime == r.PROVIDER_SELECTION) == (a.service_kind == r.HEALTHCARE)
    assert advice.light_touch == (a.service_kind == r.SOCIAL_CARE)
    assert advice.explanation and advice.steps and advice.notices
    assert r.Answers.from_dict(a.as_dict()) == a


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"service_kind": "plumbing"},
        {"service_kind": "social_care", "estimated_value": "lots"},
        {"service_kind": "social_care", "estimated_value": "-1"},
        {"service_kind": "social_care", "estimated_value": "NaN"},
    ],
)
def test_unusable_answers_are_refused(data):
    with pytest.raises(ValueError):
        r.Answers.from_dict(data)
