"""The procurement state machine: which states follow which, per route, and which actions each
state allows. Pure, no Django. Anything not listed is refused with a message naming the current
state and what is allowed.

Competitive routes (open, competitive flexible, PSR competitive process):
    draft -> route_decided -> published [-> dialogue -> published ...] -> bids_closed
          -> evaluation -> moderation -> intention_to_award -> awarded -> contracted
Direct routes never publish a tender notice; the authority invites the chosen provider(s) to
make an offer instead ("invite_offer"), which reuses the bidding states: 'published' then means
"open for offers from the invited providers only" (procurement.services.direct_offer_invite),
with the offer sealed until its deadline like any bid. They have no moderation state: a flagged
spread of scores is moderated during evaluation.
Direct routes with a standstill (Act direct award, PSR C, most suitable provider):
    draft -> route_decided -> published (offer invited) -> bids_closed -> evaluation
          -> intention_to_award -> awarded -> contracted
PSR A and B have no standstill:
    draft -> route_decided -> published (offer invited) -> bids_closed -> evaluation
          -> awarded -> contracted
route_decided -> evaluation stays open to direct routes (an offer already in hand, recorded
outside Tendercare).
Any state before award may be cancelled. During a standstill the authority may go back to
evaluation to reconsider (PSR regulation 12(4)(d)(ii); the same is prudent under the Act).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import routes as r

DRAFT = "draft"
ROUTE_DECIDED = "route_decided"
PUBLISHED = "published"
DIALOGUE = "dialogue"
BIDS_CLOSED = "bids_closed"
EVALUATION = "evaluation"
MODERATION = "moderation"
INTENTION_TO_AWARD = "intention_to_award"
AWARDED = "awarded"
CONTRACTED = "contracted"
CANCELLED = "cancelled"

STATE_LABELS = {
    DRAFT: "Draft",
    ROUTE_DECIDED: "Route decided",
    PUBLISHED: "Open for bids",
    DIALOGUE: "Dialogue or negotiation",
    BIDS_CLOSED: "Bids closed",
    EVALUATION: "Evaluation",
    MODERATION: "Moderation",
    INTENTION_TO_AWARD: "Intention to award (standstill)",
    AWARDED: "Awarded",
    CONTRACTED: "Contracts in the register",
    CANCELLED: "Cancelled",
}
STATES = frozenset(STATE_LABELS)
TERMINAL = frozenset({CONTRACTED, CANCELLED})
CANCELLABLE = frozenset(STATES - {AWARDED, CONTRACTED, CANCELLED})
# Before this the procurement is private to its owner; from here it is public (notices out).
NOT_YET_PUBLIC = frozenset({DRAFT, ROUTE_DECIDED})


class IllegalAction(ValueError):
    """An action the current state does not allow; the message says what is allowed."""


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    label: str


ACTION_LABELS = {
    "decide_route": "decide the route",
    "publish": "publish the tender notice and open for bids",
    "invite_offer": "invite the chosen providers to make an offer",
    "start_dialogue": "start dialogue or negotiation",
    "invite_final_tenders": "invite final tenders",
    "close_bids": "close bids",
    "start_evaluation": "start evaluation",
    "start_moderation": "start moderation",
    "intend_award": "publish the intention to award and start standstill",
    "reconsider": "go back to evaluation to reconsider",
    "award": "award",
    "contract": "record the contracts in the register",
    "cancel": "cancel the procurement",
    # actions that do not change state
    "edit_setup": "change lots, requirements or the evaluation model",
    "set_stage": "set the stage of the procedure",
    "register_interest": "register interest",
    "ask_clarification": "ask or answer clarification questions",
    "submit_bid": "submit a bid",
    "score": "score bids",
    "moderate": "moderate scores",
    "make_representation": "make representations",
}

# Actions that do not move the procurement, and the states in which they are allowed.
_STAYING_ACTIONS: dict[str, frozenset[str]] = {
    "edit_setup": frozenset({DRAFT, ROUTE_DECIDED}),
    "register_interest": frozenset({PUBLISHED, DIALOGUE}),
    "ask_clarification": frozenset({PUBLISHED, DIALOGUE}),
    "submit_bid": frozenset({PUBLISHED}),
    "score": frozenset({EVALUATION}),
    "moderate": frozenset({MODERATION}),
    "make_representation": frozenset({INTENTION_TO_AWARD}),
}


def _t(action: str, source: str, target: str) -> Transition:
    return Transition(action, source, target, ACTION_LABELS[action])


def _cancels() -> list[Transition]:
    return [_t("cancel", state, CANCELLED) for state in sorted(CANCELLABLE)]


def transitions(route: str) -> list[Transition]:
    """Every transition of a route ("" while the route is undecided)."""
    first = [_t("decide_route", DRAFT, ROUTE_DECIDED)]
    if not route:
        return first + [_t("cancel", DRAFT, CANCELLED)]
    rules = r.route(route)
    steps = list(first)
    if rules.competitive:
        steps += [
            _t("publish", ROUTE_DECIDED, PUBLISHED),
            _t("close_bids", PUBLISHED, BIDS_CLOSED),
            _t("start_evaluation", BIDS_CLOSED, EVALUATION),
            _t("start_moderation", EVALUATION, MODERATION),
            _t("intend_award", MODERATION, INTENTION_TO_AWARD),
        ]
        if rules.dialogue:
            steps += [
                _t("start_dialogue", PUBLISHED, DIALOGUE),
                _t("invite_final_tenders", DIALOGUE, PUBLISHED),
            ]
    else:
        steps += [
            _t("invite_offer", ROUTE_DECIDED, PUBLISHED),
            _t("close_bids", PUBLISHED, BIDS_CLOSED),
            _t("start_evaluation", BIDS_CLOSED, EVALUATION),
            _t("start_evaluation", ROUTE_DECIDED, EVALUATION),
        ]
        if rules.standstill:
            steps.append(_t("intend_award", EVALUATION, INTENTION_TO_AWARD))
    if rules.standstill:
        steps += [
            _t("reconsider", INTENTION_TO_AWARD, EVALUATION),
            _t("award", INTENTION_TO_AWARD, AWARDED),
        ]
    else:
        steps.append(_t("award", EVALUATION, AWARDED))
    steps.append(_t("contract", AWARDED, CONTRACTED))
    return steps + _cancels()


def allowed_transitions(state: str, route: str) -> list[Transition]:
    return [t for t in transitions(route) if t.source == state]


def allowed_actions(state: str, route: str) -> list[str]:
    actions = [t.action for t in allowed_transitions(state, route)]
    if state == ROUTE_DECIDED:
        actions.insert(0, "decide_route")  # the route can be decided again before publishing
    for action, states in _STAYING_ACTIONS.items():
        if state in states:
            actions.append(action)
    if route and r.route(route).dialogue and state in (PUBLISHED, DIALOGUE):
        actions.append("set_stage")
    if route and not r.route(route).competitive and state == EVALUATION:
        actions.append("moderate")  # no moderation state: flagged spreads are settled here
    return actions


def _refuse(state: str, route: str, wanted: str) -> IllegalAction:
    allowed = [ACTION_LABELS[a] for a in allowed_actions(state, route)]
    now = f"The procurement is {STATE_LABELS.get(state, state).lower()}"
    options = "; ".join(allowed) if allowed else "nothing: it is finished"
    return IllegalAction(f"{now}, so you cannot {wanted}. Allowed now: {options}.")


def require(state: str, route: str, action: str) -> None:
    """Refuse an action the state does not allow."""
    if state not in STATES:
        raise IllegalAction(f"Unknown state {state!r}")
    if action not in ACTION_LABELS:
        raise IllegalAction(f"Unknown action {action!r}")
    if action not in allowed_actions(state, route):
        raise _refuse(state, route, ACTION_LABELS[action])


def transition_to(state: str, route: str, target: str) -> Transition:
    """The transition from state to target, or IllegalAction naming what is allowed."""
    if state not in STATES:
        raise IllegalAction(f"Unknown state {state!r}")
    if target not in STATES:
        raise IllegalAction(f"Unknown state {target!r}")
    for t in allowed_transitions(state, route):
        if t.target == target:
            return t
    raise _refuse(state, route, f"move it to '{STATE_LABELS[target].lower()}'")


def perform(state: str, route: str, action: str) -> str:
    """The state after an action (the same state for actions that do not move it)."""
    require(state, route, action)
    for t in allowed_transitions(state, route):
        if t.action == action:
            return t.target
    return state


def standstill_last_day(route: str, notice_date: dt.date) -> dt.date | None:
    """Last day of the route's standstill after its trigger notice (None if it has none)."""
    rule = r.route(route).standstill
    return rule.last_day(notice_date) if rule else None


def reachable_states(route: str) -> set[str]:
    seen, todo = {DRAFT}, [DRAFT]
    while todo:
        state = todo.pop()
        for t in allowed_transitions(state, route):
            if t.target not in seen:
                seen.add(t.target)
                todo.append(t.target)
    return seen
