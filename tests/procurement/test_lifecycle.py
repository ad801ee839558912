import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tendercare.procurement import lifecycle as lc
from tendercare.procurement import routes as r
from tendercare.procurement.models import State

ROUTES = ["", *r.ROUTES]


def test_states_match_the_model():
    assert set(State.values) == lc.STATES
    assert {k: str(v) for k, v in lc.STATE_LABELS.items()} == dict(State.choices)


@pytest.mark.parametrize("route", ROUTES)
def test_every_illegal_transition_is_refused_with_a_message(route):
    legal = {(t.source, t.target) for t in lc.transitions(route)}
    for source in lc.STATES:
        for target in lc.STATES:
            if (source, target) in legal:
                assert lc.transition_to(source, route, target).target == target
                continue
            with pytest.raises(lc.IllegalAction) as refused:
                lc.transition_to(source, route, target)
            message = str(refused.value)
            assert lc.STATE_LABELS[source].lower() in message
            assert "Allowed now:" in message


def test_message_names_the_state_and_what_is_allowed():
    with pytest.raises(lc.IllegalAction) as refused:
        lc.require(lc.DRAFT, "", "submit_bid")
    assert str(refused.value) == (
        "The procurement is draft, so you cannot submit a bid. Allowed now: decide the route; "
        "cancel the procurement; change lots, requirements or the evaluation model."
    )


def test_finished_procurements_allow_nothing():
    with pytest.raises(lc.IllegalAction, match="nothing: it is finished"):
        lc.require(lc.CANCELLED, r.OPEN, "publish")


@pytest.mark.parametrize(
    "route", [r.DIRECT_AWARD, r.PSR_DIRECT_A, r.PSR_DIRECT_B, r.PSR_DIRECT_C, r.PSR_MOST_SUITABLE]
)
def test_direct_routes_never_publish_but_invite_an_offer(route):
    reachable = lc.reachable_states(route)
    assert not reachable & {lc.DIALOGUE, lc.MODERATION}
    with pytest.raises(lc.IllegalAction):
        lc.require(lc.ROUTE_DECIDED, route, "publish")
    assert lc.perform(lc.ROUTE_DECIDED, route, "start_evaluation") == lc.EVALUATION
    state = lc.perform(lc.ROUTE_DECIDED, route, "invite_offer")
    assert state == lc.PUBLISHED
    assert "submit_bid" in lc.allowed_actions(state, route)
    state = lc.perform(state, route, "close_bids")
    assert lc.perform(state, route, "start_evaluation") == lc.EVALUATION
    # No moderation state on these routes: a flagged spread is moderated during evaluation.
    assert "moderate" in lc.allowed_actions(lc.EVALUATION, route)


@pytest.mark.parametrize("route", [r.OPEN, r.COMPETITIVE_FLEXIBLE, r.PSR_COMPETITIVE])
def test_competitive_routes_cannot_invite_a_direct_offer(route):
    with pytest.raises(lc.IllegalAction):
        lc.require(lc.ROUTE_DECIDED, route, "invite_offer")
    assert "moderate" not in lc.allowed_actions(lc.EVALUATION, route)


@pytest.mark.parametrize("route", [r.PSR_DIRECT_A, r.PSR_DIRECT_B])
def test_psr_a_and_b_award_without_standstill(route):
    assert lc.INTENTION_TO_AWARD not in lc.reachable_states(route)
    assert lc.perform(lc.EVALUATION, route, "award") == lc.AWARDED


def test_only_competitive_flexible_has_dialogue_rounds():
    for route in r.ROUTES:
        has = lc.DIALOGUE in lc.reachable_states(route)
        assert has == (route == r.COMPETITIVE_FLEXIBLE)
    state = lc.perform(lc.PUBLISHED, r.COMPETITIVE_FLEXIBLE, "start_dialogue")
    assert "set_stage" in lc.allowed_actions(state, r.COMPETITIVE_FLEXIBLE)
    assert lc.perform(state, r.COMPETITIVE_FLEXIBLE, "invite_final_tenders") == lc.PUBLISHED
    with pytest.raises(lc.IllegalAction):
        lc.perform(lc.PUBLISHED, r.OPEN, "start_dialogue")


def test_open_procedure_happy_path():
    state = lc.DRAFT
    for action in [
        "decide_route",
        "publish",
        "close_bids",
        "start_evaluation",
        "start_moderation",
        "intend_award",
        "award",
        "contract",
    ]:
        state = lc.perform(state, r.OPEN, action)
    assert state == lc.CONTRACTED


def test_actions_that_do_not_move_keep_the_state():
    assert lc.perform(lc.PUBLISHED, r.OPEN, "submit_bid") == lc.PUBLISHED
    assert lc.perform(lc.ROUTE_DECIDED, r.OPEN, "decide_route") == lc.ROUTE_DECIDED
    with pytest.raises(lc.IllegalAction):
        lc.require(lc.PUBLISHED, r.OPEN, "edit_setup")


def test_unknown_state_or_action_is_refused():
    with pytest.raises(lc.IllegalAction):
        lc.require("limbo", r.OPEN, "publish")
    with pytest.raises(lc.IllegalAction):
        lc.require(lc.DRAFT, r.OPEN, "fly")
    with pytest.raises(lc.IllegalAction):
        lc.transition_to(lc.DRAFT, r.OPEN, "limbo")


def test_standstill_last_day_per_route():
    day = dt.date(2026, 12, 22)
    assert lc.standstill_last_day(r.OPEN, day) == dt.date(2027, 1, 5)
    assert lc.standstill_last_day(r.PSR_COMPETITIVE, day) == dt.date(2027, 1, 7)
    assert lc.standstill_last_day(r.PSR_DIRECT_A, day) is None


@pytest.mark.parametrize("route", list(r.ROUTES))
def test_every_route_can_reach_contracted_and_cancelled(route):
    assert {lc.CONTRACTED, lc.CANCELLED} <= lc.reachable_states(route)


ACTIONS = sorted(lc.ACTION_LABELS)


@given(st.sampled_from(ROUTES), st.lists(st.sampled_from(ACTIONS), max_size=40))
def test_random_action_sequences_never_reach_an_undefined_state(route, actions):
    state = lc.DRAFT
    for action in actions:
        allowed = lc.allowed_actions(state, route)
        try:
            new = lc.perform(state, route, action)
        except lc.IllegalAction as refused:
            assert action not in allowed
            assert lc.STATE_LABELS[state].lower() in str(refused)
            continue
        assert action in allowed
        assert new in lc.STATES
        if state in lc.TERMINAL:
            assert new == state
        state = new
    assert state in lc.reachable_states(route)
