"""The pure rules: roles in rank order, standstill over weekends and bank holidays, letters."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tendercare.award import allocation
from tendercare.core.calendar import is_working_day, working_days_between


def test_zone_gets_a_prime_then_n_supplementary_in_rank_order():
    assert allocation.roles_for(5, zone=True, supplementary=2) == [
        "prime",
        "supplementary",
        "supplementary",
    ]


def test_zone_with_fewer_bids_than_places_awards_every_bid():
    assert allocation.roles_for(2, zone=True, supplementary=3) == ["prime", "supplementary"]


def test_service_line_lot_has_one_sole_provider():
    assert allocation.roles_for(4, zone=False, supplementary=2) == ["sole"]
    assert allocation.roles_for(0, zone=True, supplementary=2) == []


@given(st.integers(0, 30), st.booleans(), st.integers(0, 10))
def test_roles_never_exceed_bids_or_places(count, zone, supplementary):
    roles = allocation.roles_for(count, zone=zone, supplementary=supplementary)
    assert len(roles) <= count
    assert len(roles) <= (1 + supplementary if zone else 1)
    if count:
        assert roles[0] == ("prime" if zone else "sole")
        assert all(r == "supplementary" for r in roles[1:])


def test_standstill_skips_christmas_bank_holidays_and_the_weekend():
    # Friday 18 December 2026: 21-24 Dec are days 1-4; 25 Dec (Christmas), 26-27 (weekend) and
    # 28 Dec (Boxing Day substitute) do not count; 29-31 Dec are 5-7; 1 Jan is New Year's Day,
    # 2-3 Jan the weekend; Monday 4 January 2027 is the eighth working day.
    starts, ends = allocation.standstill(dt.date(2026, 12, 18))
    assert starts == dt.date(2026, 12, 21)
    assert ends == dt.date(2027, 1, 4)


def test_standstill_across_an_ordinary_weekend():
    starts, ends = allocation.standstill(dt.date(2026, 3, 4))  # a Wednesday
    assert (starts, ends) == (dt.date(2026, 3, 5), dt.date(2026, 3, 16))


@given(st.dates(dt.date(2024, 1, 1), dt.date(2028, 11, 30)))
def test_standstill_is_always_eight_working_days(issued):
    starts, ends = allocation.standstill(issued)
    assert working_days_between(issued, ends) == 8
    assert is_working_day(starts) and is_working_day(ends)
    assert issued < starts <= ends


def test_contract_references_name_the_lot_and_role():
    assert allocation.contract_reference("HC-1", 2, "sole", 0) == "HC-1-L2"
    assert allocation.contract_reference("HC-1", 1, "prime", 0) == "HC-1-L1-PRIME"
    assert allocation.contract_reference("HC-1", 1, "supplementary", 2) == "HC-1-L1-SUP2"


@given(
    st.dictionaries(
        st.sampled_from(["urban", "fringe", "rural", "isolated"]),
        st.decimals(0, 100, places=2),
        min_size=1,
    )
)
def test_banded_price_is_rate_times_hours(rates):
    hours = {band: Decimal(1000) for band in rates}
    assert allocation.banded_price(rates, hours) == sum(r * 1000 for r in rates.values())


def test_unsuccessful_letter_gives_own_and_winning_scores_but_not_the_winner():
    own = allocation.Scores(Decimal("40"), Decimal("25"), Decimal("5"), Decimal("70"), 3)
    best = allocation.Scores(Decimal("52.5"), Decimal("28.1"), Decimal("9"), Decimal("89.6"), 1)
    body = allocation.letter_body(
        provider_name="Coastline Care",
        procurement_reference="HC-1",
        procurement_title="Home care",
        outcomes=[allocation.LotOutcome("Lot 1: North", None, own, best)],
        standstill_ends=dt.date(2027, 1, 4),
    )
    assert "Outcome of your bid" in body
    assert "Total: 70.00" in body and "Total: 89.60" in body
    assert "ranked 3" in body
    assert "4 January 2027" in body
