"""The pure rules: roles in rank order, contract references, letters."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tendercare.award import allocation
from tendercare.procurement import routes


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


def test_the_award_app_never_counts_the_standstill_itself():
    """One count in the code base: the award app reads the route's rule (Act s.51, PSR
    regulation 12, in procurement/routes.py) and never counts working days itself."""
    award = Path(allocation.__file__).parent
    counting = [
        path.name
        for path in award.rglob("*.py")
        if "add_working_days" in path.read_text(encoding="utf-8")
        or "working_days_between" in path.read_text(encoding="utf-8")
    ]
    assert counting == []
    assert not hasattr(allocation, "standstill")
    assert "add_working_days(" in Path(routes.__file__).read_text(encoding="utf-8")


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
        standstill_rule=routes.PSR_STANDSTILL.description,
    )
    assert "Outcome of your bid" in body
    assert "Total: 70.00" in body and "Total: 89.60" in body
    assert "ranked 3" in body
    assert "4 January 2027" in body


def test_letter_states_the_routes_standstill_rule():
    body = allocation.letter_body(
        provider_name="Coastline Care",
        procurement_reference="HC-1",
        procurement_title="Home care",
        outcomes=[allocation.LotOutcome("Lot 1: North", allocation.SOLE, None, None)],
        standstill_ends=dt.date(2026, 12, 31),
        standstill_rule=routes.ACT_STANDSTILL.description,
    )
    assert "ends on 31 December 2026" in body
    assert "beginning with the day the UK6 contract award notice is published" in body
    assert "s.51" in body
