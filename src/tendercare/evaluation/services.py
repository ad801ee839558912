"""Writes for evaluation. Keyword-only, one transaction each, each audited.

Decisions worth knowing:
- Everyone who opens bids (assigned evaluators and moderating staff) declares interests first;
  a declared conflict keeps that person from that bidder for scoring and moderation alike.
- Quality lock needs every expected individual score (each assigned evaluator x each bid they
  may score) and a moderated score wherever the spread is flagged. Elsewhere the final score
  is the mean of the individual scores unless a moderator records a consensus score.
- A rejected price clarification excludes the bid from ranking (lot_results says why); the bid
  row itself is left to the bidding app.
- The procurement's state follows procurement.lifecycle, moved only through procurement.services:
  scoring is allowed only in evaluation ('score'), consensus scores only in moderation
  ('moderate'). The first score after the bid deadline closes bids and starts evaluation; the
  first consensus score (once every expected score is in) or the quality lock starts
  moderation where the route has it. Anything else is refused with the lifecycle's message.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.procurement import lifecycle
from tendercare.procurement import services as procurement_services
from tendercare.procurement.models import Procurement, Question, State

from . import queries, rules, scoring
from .models import Assignment, Conflict, Declaration, ModeratedScore, PriceClarification, Score

CLOSED_STATES = (State.CANCELLED, State.AWARDED, State.CONTRACTED, State.INTENTION_TO_AWARD)


def _text(value: str | None, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _score(value, scale: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not scoring.score_in_scale(number, scale):
        top = scoring.scale_max(scale)
        if scale == "pass_fail":
            raise DomainError("Enter 1 for pass or 0 for fail")
        raise DomainError(f"Enter a whole number from 0 to {top}")
    return number


def _require_manager(by, procurement: Procurement, doing: str) -> None:
    if not queries.can_manage(by, procurement):
        raise NotAllowed(f"Only commissioning staff of {procurement.owner} can {doing}")


def _require_open(procurement: Procurement) -> None:
    if not queries.deadline_passed(procurement):
        raise DomainError("Bids are sealed until the bid deadline has passed")
    if procurement.state in CLOSED_STATES:
        raise DomainError(f"This procurement is {procurement.get_state_display().lower()}")


def _require_unlocked(procurement: Procurement) -> None:
    if procurement.quality_locked_at:
        raise DomainError("Quality scores are locked: they can no longer change")


def _require_clear(person, bid, procurement: Procurement) -> None:
    if queries.declaration_for(person, procurement) is None:
        raise NotAllowed("Declare your interests for this procurement before opening any bid")
    if bid.provider_id in queries.conflicted_provider_ids(person, procurement):
        raise NotAllowed(f"You declared a conflict of interest with {bid.provider}")


def _require_scored_question(question: Question, bid) -> None:
    if question.criterion.procurement_id != bid.lot.procurement_id:
        raise DomainError("That question belongs to another procurement")
    if question.criterion.kind not in queries.SCORED_KINDS:
        raise DomainError("Price is scored by formula, not by evaluators")
    if not queries.applies_to(question, bid.lot_id):
        raise DomainError(f"{question.number} does not apply to {bid.lot}")
    if not queries.bids_open(bid.lot.procurement).filter(pk=bid.pk).exists():
        raise DomainError("That bid is not open for evaluation")


def _lifecycle_refusal(procurement: Procurement, action: str) -> str | None:
    try:
        lifecycle.require(procurement.state, procurement.route, action)
    except lifecycle.IllegalAction as exc:
        return str(exc)
    return None


def _require_action(procurement: Procurement, action: str) -> None:
    refusal = _lifecycle_refusal(procurement, action)
    if refusal:
        raise DomainError(refusal)


def _require_evaluating(procurement: Procurement) -> None:
    """Evaluation or moderation: where scores are locked and prices checked."""
    if _lifecycle_refusal(procurement, "score") and _lifecycle_refusal(procurement, "moderate"):
        _require_action(procurement, "moderate" if procurement.route else "score")


def _move(procurement: Procurement, to_state: str, *, by, note: str) -> None:
    """Move the procurement through the procurement app's lifecycle; a refusal is raised."""
    procurement_services.procurement_transition(
        procurement=procurement, to_state=to_state, by=by, note=note
    )
    procurement.refresh_from_db()


def _start_evaluation(procurement: Procurement, *, evaluator) -> None:
    """The first score after the bid deadline closes bids (if still open) and starts evaluation,
    as the system: the evaluator does not run the procurement. Elsewhere 'score' must be
    allowed by the lifecycle, or its message is raised (e.g. during dialogue)."""
    procurement.refresh_from_db()
    if procurement.state in (State.PUBLISHED, State.BIDS_CLOSED) and queries.deadline_passed(
        procurement
    ):
        if procurement.state == State.PUBLISHED:
            procurement_services.close_bids(procurement=procurement, by=None)
        _move(
            procurement,
            State.EVALUATION,
            by=None,
            note=f"Evaluation started: first score recorded by {evaluator}",
        )
    _require_action(procurement, "score")


def _missing_scores(procurement: Procurement) -> list:
    return [r for r in queries.moderation_rows_all(procurement) if r.expected and not r.complete]


def _start_moderation(procurement: Procurement, *, by, note: str) -> None:
    """From evaluation to moderation, where the route has it, once every expected score is in
    (evaluators score only during evaluation)."""
    procurement.refresh_from_db()
    if procurement.state != State.EVALUATION:
        return
    if "start_moderation" not in lifecycle.allowed_actions(procurement.state, procurement.route):
        return
    missing = _missing_scores(procurement)
    if missing:
        example = missing[0]
        raise DomainError(
            "Moderation starts once every evaluator has scored: "
            f"{len(missing)} bid and question pair(s) still need scores (for example "
            f"{example.question.number} for {example.bid.provider})"
        )
    _move(procurement, State.MODERATION, by=by, note=note)


# ---------------------------------------------------------------------------------------------


@transaction.atomic
def assignment_add(*, procurement: Procurement, question: Question, evaluator, by) -> Assignment:
    _require_manager(by, procurement, "assign evaluators")
    _require_unlocked(procurement)
    if question.criterion.procurement_id != procurement.pk:
        raise DomainError("That question belongs to another procurement")
    if question.criterion.kind not in queries.SCORED_KINDS:
        raise DomainError("Price is scored by formula: assign evaluators to quality questions")
    if not rules.may_be_evaluator(evaluator):
        raise DomainError(
            f"{evaluator} cannot evaluate: they need the evaluator role "
            "or to be commissioning staff"
        )
    if Assignment.objects.filter(question=question, evaluator=evaluator).exists():
        raise DomainError(f"{evaluator} is already assigned to {question.number}")
    assignment = Assignment.objects.create(
        procurement=procurement, question=question, evaluator=evaluator
    )
    Auditor(by=by).created(assignment, summary=f"Assigned {evaluator} to {question.number}")
    return assignment


@transaction.atomic
def declaration_make(
    *,
    procurement: Procurement,
    evaluator,
    no_conflicts: bool,
    conflicts: list[tuple] | None = None,
    statement: str = "",
) -> Declaration:
    """An evaluator's (or moderator's) one declaration of interests for a procurement.
    conflicts: [(provider organisation, description)]."""
    conflicts = list(conflicts or [])
    if not queries.may_declare(evaluator, procurement):
        raise NotAllowed("Only people evaluating this procurement declare interests for it")
    if Declaration.objects.filter(procurement=procurement, evaluator=evaluator).exists():
        raise DomainError("You have already declared your interests for this procurement")
    if no_conflicts and conflicts:
        raise DomainError("You said you have no conflicts but named a bidder: choose one")
    if not no_conflicts and not conflicts:
        raise DomainError("Name each bidder you have a conflict with, or declare none")
    seen = set()
    cleaned = []
    for provider, description in conflicts:
        if provider is None or not provider.is_provider:
            raise DomainError("A conflict is declared with a provider organisation")
        if provider.pk in seen:
            raise DomainError(f"{provider} is named twice")
        seen.add(provider.pk)
        cleaned.append(
            (provider, _text(description, f"Describe your conflict of interest with {provider}"))
        )
    declaration = Declaration.objects.create(
        procurement=procurement,
        evaluator=evaluator,
        no_conflicts=bool(no_conflicts),
        statement=(statement or "").strip(),
    )
    auditor = Auditor(by=evaluator)
    auditor.created(
        declaration,
        summary="No conflicts declared" if no_conflicts else f"{len(cleaned)} conflict(s) declared",
    )
    for provider, description in cleaned:
        conflict = Conflict.objects.create(
            declaration=declaration, provider=provider, description=description
        )
        auditor.created(conflict, summary=f"Conflict declared with {provider}")
    return declaration


@transaction.atomic
def score_record(*, bid, question: Question, evaluator, score, rationale: str) -> Score:
    procurement = bid.lot.procurement
    if not Assignment.objects.filter(question=question, evaluator=evaluator).exists():
        raise NotAllowed(f"You are not assigned to score {question.number}")
    _require_open(procurement)
    _require_clear(evaluator, bid, procurement)
    _require_unlocked(procurement)
    _require_scored_question(question, bid)
    value = _score(score, question.scale)
    rationale = _text(rationale, "Write the rationale for your score")
    _start_evaluation(procurement, evaluator=evaluator)
    auditor = Auditor(by=evaluator)
    existing = Score.objects.filter(bid=bid, question=question, evaluator=evaluator).first()
    if existing:
        before = snapshot(existing)
        existing.score, existing.rationale = value, rationale
        existing.save()
        auditor.updated(existing, before=before, summary=f"Rescored {question.number}")
        record = existing
    else:
        record = Score.objects.create(
            bid=bid, question=question, evaluator=evaluator, score=value, rationale=rationale
        )
        auditor.created(record, summary=f"Scored {question.number}")
    return record


@transaction.atomic
def moderation_record(*, bid, question: Question, score, reason: str, by) -> ModeratedScore:
    procurement = bid.lot.procurement
    _require_manager(by, procurement, "moderate scores")
    _require_open(procurement)
    _require_clear(by, bid, procurement)
    _require_unlocked(procurement)
    _require_scored_question(question, bid)
    rows = [
        r
        for r in queries.moderation_rows_all(procurement)
        if r.bid.pk == bid.pk and r.question.pk == question.pk
    ]
    if not rows or not rows[0].scores:
        raise DomainError("There are no individual scores to moderate yet")
    if not rows[0].complete:
        raise DomainError(
            f"Wait for every evaluator's score: {len(rows[0].scores)} of {rows[0].expected} in"
        )
    value = _score(score, question.scale)
    reason = _text(reason, "Give the reason for the consensus score")
    _start_moderation(procurement, by=by, note="Moderation started")
    _require_action(procurement, "moderate")
    auditor = Auditor(by=by)
    existing = ModeratedScore.objects.filter(bid=bid, question=question).first()
    if existing:
        before = snapshot(existing)
        existing.score, existing.reason, existing.moderated_by = value, reason, by
        existing.save()
        auditor.updated(existing, before=before, summary=f"Moderated {question.number} again")
        record = existing
    else:
        record = ModeratedScore.objects.create(
            bid=bid, question=question, score=value, reason=reason, moderated_by=by
        )
        auditor.created(record, summary=f"Moderated {question.number}")
    return record


@transaction.atomic
def quality_lock(*, procurement: Procurement, by) -> Procurement:
    """Lock quality scores; prices open to staff. Needs every expected score and a moderated
    score for every flagged spread."""
    _require_manager(by, procurement, "lock quality scores")
    _require_open(procurement)
    _require_unlocked(procurement)
    _require_evaluating(procurement)
    rows = queries.moderation_rows_all(procurement)
    if not rows:
        raise DomainError("There are no bids to evaluate")
    unassigned = sorted({r.question.number for r in rows if r.expected == 0})
    missing = [r for r in rows if r.expected and not r.complete]
    unmoderated = [r for r in rows if r.needs_moderation]
    problems = []
    if unassigned:
        problems.append("no evaluator is assigned to " + ", ".join(unassigned))
    if missing:
        example = missing[0]
        problems.append(
            f"{len(missing)} bid and question pair(s) still need scores "
            f"(for example {example.question.number} for {example.bid.provider})"
        )
    if unmoderated:
        example = unmoderated[0]
        problems.append(
            f"{len(unmoderated)} flagged spread(s) need a moderated score "
            f"(for example {example.question.number} for {example.bid.provider})"
        )
    if problems:
        raise DomainError("Quality cannot be locked yet: " + "; ".join(problems))
    # Locked scores end individual scoring: where the route moderates, moderation (and the
    # intention to award after it) comes next.
    _start_moderation(procurement, by=by, note="Moderation started: quality scores locked")
    before = snapshot(procurement)
    procurement.quality_locked_at = timezone.now()
    procurement.save(update_fields=["quality_locked_at"])
    Auditor(by=by).updated(procurement, before=before, summary="Quality scores locked")
    return procurement


@transaction.atomic
def price_clarification_record(*, bid, explanation: str, outcome: str, by) -> PriceClarification:
    procurement = bid.lot.procurement
    _require_manager(by, procurement, "record price clarifications")
    _require_open(procurement)
    _require_evaluating(procurement)
    if not procurement.quality_locked_at:
        raise DomainError("Prices open after quality scores are locked")
    if bid.provider_id in queries.conflicted_provider_ids(by, procurement):
        raise NotAllowed(f"You declared a conflict of interest with {bid.provider}")
    if not queries.bids_open(procurement).filter(pk=bid.pk).exists():
        raise DomainError("That bid is not open for evaluation")
    if not queries.is_abnormally_low(bid):
        raise DomainError("This price is not flagged as abnormally low")
    if PriceClarification.objects.filter(bid=bid).exists():
        raise DomainError("A clarification is already recorded for this bid")
    if outcome not in PriceClarification.Outcome.values:
        raise DomainError("Choose whether the explanation is accepted or rejected")
    explanation = _text(explanation, "Record the bidder's explanation and your assessment of it")
    record = PriceClarification.objects.create(
        bid=bid, explanation=explanation, outcome=outcome, recorded_by=by
    )
    auditor = Auditor(by=by)
    auditor.created(record, summary=f"Price clarification: {record.get_outcome_display()}")
    if outcome == PriceClarification.Outcome.REJECTED:
        auditor.event(bid, summary="Bid excluded: abnormally low price not explained")
    return record
