"""Evaluation moves the procurement only as procurement.lifecycle allows, through
procurement.services; a refusal reaches the person with the lifecycle's message, never silence."""

import pytest

from tendercare.core.errors import DomainError
from tendercare.core.models import AuditLog
from tendercare.evaluation import services
from tendercare.evaluation.models import ModeratedScore, Score
from tendercare.procurement.models import State, StateChange

from .conftest import score_all

pytestmark = pytest.mark.django_db


def record(bid, question, person, score=3):
    return services.score_record(
        bid=bid, question=question, evaluator=person, score=score, rationale="Clear evidence"
    )


def _set(procurement, **fields):
    for name, value in fields.items():
        setattr(procurement, name, value)
    procurement.save()
    return procurement


def _moves(procurement):
    return list(
        StateChange.objects.filter(procurement=procurement)
        .order_by("at", "id")
        .values_list("from_state", "to_state")
    )


def test_scoring_during_dialogue_is_refused_with_the_lifecycle_message(
    declared, bids, model, evaluator
):
    _set(declared, route="competitive_flexible", state=State.DIALOGUE)
    with pytest.raises(DomainError) as refused:
        record(bids[0], model["q1"], evaluator)
    message = str(refused.value)
    assert "dialogue or negotiation, so you cannot score bids" in message
    assert "Allowed now: invite final tenders" in message
    assert not Score.objects.exists()
    declared.refresh_from_db()
    assert declared.state == State.DIALOGUE and _moves(declared) == []


def test_first_score_after_the_deadline_closes_bids_then_starts_evaluation(
    declared, bids, model, evaluator
):
    _set(declared, state=State.PUBLISHED)
    record(bids[0], model["q1"], evaluator)
    declared.refresh_from_db()
    assert declared.state == State.EVALUATION
    assert _moves(declared) == [("published", "bids_closed"), ("bids_closed", "evaluation")]
    note = StateChange.objects.get(procurement=declared, to_state="evaluation").note
    assert evaluator.username in note or str(evaluator) in note
    record(bids[1], model["q1"], evaluator)  # already in evaluation: no further move
    assert len(_moves(declared)) == 2


def test_moderation_starts_only_once_every_score_is_in(
    declared, bids, model, evaluator, second_evaluator, commissioner
):
    for person in (evaluator, second_evaluator):
        record(bids[0], model["q1"], person, score=1 if person == evaluator else 4)
    with pytest.raises(DomainError, match="Moderation starts once every evaluator has scored"):
        services.moderation_record(
            bid=bids[0], question=model["q1"], score=3, reason="Agreed", by=commissioner
        )
    declared.refresh_from_db()
    assert declared.state == State.EVALUATION
    assert not ModeratedScore.objects.exists()


def test_no_scoring_once_moderation_has_started(
    declared, bids, model, evaluator, second_evaluator, commissioner
):
    score_all(bids, model, [evaluator, second_evaluator])
    services.moderation_record(
        bid=bids[0], question=model["q1"], score=3, reason="Agreed", by=commissioner
    )
    declared.refresh_from_db()
    assert declared.state == State.MODERATION
    assert _moves(declared)[-1] == ("evaluation", "moderation")
    with pytest.raises(DomainError, match="moderation, so you cannot score bids"):
        record(bids[1], model["q2"], evaluator, score=5)
    assert Score.objects.get(bid=bids[1], question=model["q2"], evaluator=evaluator).score == 3


def test_quality_lock_moves_a_competitive_procedure_to_moderation(locked):
    assert locked.state == State.MODERATION
    change = StateChange.objects.get(procurement=locked, to_state="moderation")
    assert change.note == "Moderation started: quality scores locked"
    assert AuditLog.objects.filter(summary="Quality scores locked").exists()


def test_a_route_without_moderation_scores_and_locks_in_evaluation(
    declared, bids, model, evaluator, second_evaluator, commissioner
):
    _set(declared, route="psr_direct_c", regime="psr2023", state=State.EVALUATION)
    score_all(bids, model, [evaluator, second_evaluator])
    # No moderation state on a direct route: a consensus score is recorded during evaluation
    # (so a flagged spread can be settled) and the procurement stays in evaluation.
    services.moderation_record(
        bid=bids[0], question=model["q1"], score=3, reason="Agreed", by=commissioner
    )
    declared.refresh_from_db()
    assert declared.state == State.EVALUATION
    services.quality_lock(procurement=declared, by=commissioner)
    declared.refresh_from_db()
    assert declared.state == State.EVALUATION and declared.quality_locked_at is not None


def test_lock_refused_outside_evaluation_with_the_lifecycle_message(declared, commissioner):
    _set(declared, route="competitive_flexible", state=State.DIALOGUE)
    with pytest.raises(DomainError, match="dialogue or negotiation, so you cannot"):
        services.quality_lock(procurement=declared, by=commissioner)
