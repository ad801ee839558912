import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.evaluation import queries, services
from tendercare.evaluation.models import ModeratedScore, Score

from .conftest import declare, score_all


def record(bid, question, person, score=3, rationale="Clear evidence of a single number"):
    return services.score_record(
        bid=bid, question=question, evaluator=person, score=score, rationale=rationale
    )


def test_assignment_needs_managing_staff_and_an_evaluator(
    procurement, model, commissioner, evaluator, councillor, provider_user, other_commissioner
):
    with pytest.raises(NotAllowed):
        services.assignment_add(
            procurement=procurement, question=model["q1"], evaluator=evaluator, by=evaluator
        )
    with pytest.raises(NotAllowed):
        services.assignment_add(
            procurement=procurement,
            question=model["q1"],
            evaluator=evaluator,
            by=other_commissioner,
        )
    for person in (councillor, provider_user):
        with pytest.raises(DomainError, match="cannot evaluate"):
            services.assignment_add(
                procurement=procurement, question=model["q1"], evaluator=person, by=commissioner
            )
    a = services.assignment_add(
        procurement=procurement, question=model["q1"], evaluator=evaluator, by=commissioner
    )
    assert AuditLog.objects.filter(
        object_type="evaluation.assignment", object_id=str(a.pk)
    ).exists()
    with pytest.raises(DomainError, match="already assigned"):
        services.assignment_add(
            procurement=procurement, question=model["q1"], evaluator=evaluator, by=commissioner
        )


def test_declaration_is_made_once_and_must_be_coherent(assigned, evaluator, bidders):
    with pytest.raises(DomainError, match="Name each bidder"):
        services.declaration_make(
            procurement=assigned, evaluator=evaluator, no_conflicts=False, conflicts=[]
        )
    with pytest.raises(DomainError, match="no conflicts but named"):
        services.declaration_make(
            procurement=assigned,
            evaluator=evaluator,
            no_conflicts=True,
            conflicts=[(bidders[0], "friend")],
        )
    with pytest.raises(DomainError, match="Describe"):
        services.declaration_make(
            procurement=assigned,
            evaluator=evaluator,
            no_conflicts=False,
            conflicts=[(bidders[0], "  ")],
        )
    d = declare(assigned, evaluator, conflicts=[bidders[0]])
    assert d.conflicts.get().provider == bidders[0]
    assert AuditLog.objects.filter(object_type="evaluation.conflict").count() == 1
    with pytest.raises(DomainError, match="already declared"):
        declare(assigned, evaluator)


def test_people_not_involved_cannot_declare(procurement, provider_user, councillor):
    for person in (provider_user, councillor):
        with pytest.raises(NotAllowed):
            declare(procurement, person)


def test_no_scoring_before_declaration(assigned, bids, model, evaluator):
    with pytest.raises(NotAllowed, match="Declare your interests"):
        record(bids[0], model["q1"], evaluator)
    assert queries.bids_to_score(evaluator, assigned) == []
    assert not queries.bids_visible_to(evaluator, assigned).exists()


def test_scoring_before_the_deadline_is_refused(declared, bids, model, evaluator):
    declared.bid_deadline = timezone.now() + dt.timedelta(days=2)
    declared.save()
    bids[0].refresh_from_db()
    with pytest.raises(DomainError, match="sealed"):
        record(bids[0], model["q1"], evaluator)
    assert queries.bids_to_score(evaluator, declared) == []
    assert queries.lot_results(bids[0].lot) == []
    assert not queries.bids_open(declared).exists()


def test_conflicted_evaluator_cannot_see_or_score_that_bidder(
    assigned, bids, bidders, model, evaluator
):
    declare(assigned, evaluator, conflicts=[bidders[0]])
    with pytest.raises(NotAllowed, match="conflict"):
        record(bids[0], model["q1"], evaluator)
    visible = set(queries.bids_visible_to(evaluator, assigned))
    assert bids[0] not in visible and bids[1] in visible
    assert all(t.bid != bids[0] for t in queries.bids_to_score(evaluator, assigned))
    record(bids[1], model["q1"], evaluator)


def test_only_assigned_evaluators_score(declared, bids, model, commissioner, other_commissioner):
    with pytest.raises(NotAllowed, match="not assigned"):
        record(bids[0], model["q1"], commissioner)
    with pytest.raises(NotAllowed):
        record(bids[0], model["q1"], other_commissioner)


def test_score_needs_rationale_and_scale(declared, bids, model, evaluator):
    with pytest.raises(DomainError, match="rationale"):
        record(bids[0], model["q1"], evaluator, rationale="   ")
    for junk in (6, -1, "3.5", "three", "NaN", "Infinity", ""):
        with pytest.raises(DomainError, match="whole number"):
            record(bids[0], model["q1"], evaluator, score=junk)
    with pytest.raises(DomainError, match="pass or 0"):
        record(bids[0], model["pf"], evaluator, score=3)
    record(bids[0], model["sv"], evaluator, score=85)
    first = record(bids[0], model["q1"], evaluator, score=2)
    again = record(bids[0], model["q1"], evaluator, score=4, rationale="Re-read the answer")
    assert first.pk == again.pk and again.score == 4
    assert AuditLog.objects.filter(
        object_type="evaluation.score", object_id=str(first.pk), action="update"
    ).exists()


def test_quality_lock_needs_all_scores_and_moderated_spreads(
    declared, bids, model, evaluator, second_evaluator, commissioner
):
    score_all(bids, model, [evaluator])
    with pytest.raises(DomainError, match="still need scores"):
        services.quality_lock(procurement=declared, by=commissioner)
    score_all(bids, model, [second_evaluator])
    # A spread of 3 on Q1 for the first bid
    record(bids[0], model["q1"], evaluator, score=1, rationale="No evidence")
    rows = [r for r in queries.moderation_rows_all(declared) if r.flagged]
    assert [(r.bid, r.question, r.spread) for r in rows] == [(bids[0], model["q1"], Decimal(3))]
    with pytest.raises(DomainError, match="flagged spread"):
        services.quality_lock(procurement=declared, by=commissioner)
    with pytest.raises(NotAllowed):
        services.quality_lock(procurement=declared, by=evaluator)
    with pytest.raises(DomainError, match="reason"):
        services.moderation_record(
            bid=bids[0], question=model["q1"], score=3, reason="", by=commissioner
        )
    with pytest.raises(NotAllowed):
        services.moderation_record(
            bid=bids[0], question=model["q1"], score=3, reason="x", by=evaluator
        )
    services.moderation_record(
        bid=bids[0],
        question=model["q1"],
        score=3,
        reason="Evidence of a single number, but no out-of-hours cover",
        by=commissioner,
    )
    services.quality_lock(procurement=declared, by=commissioner)
    declared.refresh_from_db()
    assert declared.quality_locked_at is not None
    with pytest.raises(DomainError, match="locked"):
        record(bids[0], model["q1"], evaluator, score=5)
    with pytest.raises(DomainError, match="locked"):
        services.moderation_record(
            bid=bids[0], question=model["q1"], score=4, reason="late", by=commissioner
        )
    with pytest.raises(DomainError, match="locked"):
        services.quality_lock(procurement=declared, by=commissioner)


def test_moderator_must_declare_and_not_be_conflicted(
    assigned, bids, bidders, model, evaluator, second_evaluator, commissioner
):
    declare(assigned, evaluator)
    declare(assigned, second_evaluator)
    score_all(bids, model, [evaluator, second_evaluator])
    with pytest.raises(NotAllowed, match="Declare"):
        services.moderation_record(
            bid=bids[0], question=model["q1"], score=3, reason="x", by=commissioner
        )
    declare(assigned, commissioner, conflicts=[bidders[0]])
    with pytest.raises(NotAllowed, match="conflict"):
        services.moderation_record(
            bid=bids[0], question=model["q1"], score=3, reason="x", by=commissioner
        )
    m = services.moderation_record(
        bid=bids[1], question=model["q1"], score=3, reason="Agreed", by=commissioner
    )
    assert ModeratedScore.objects.get() == m


def test_moderation_waits_for_every_score(declared, bids, model, evaluator, commissioner):
    record(bids[0], model["q1"], evaluator)
    with pytest.raises(DomainError, match="1 of 2"):
        services.moderation_record(
            bid=bids[0], question=model["q1"], score=3, reason="x", by=commissioner
        )


def test_price_clarification_only_after_lock_and_only_for_flagged(
    declared, lot, bidders, model, evaluator, second_evaluator, commissioner
):
    from .conftest import make_bid

    bids = [
        make_bid(lot, bidders[0], price="500000"),
        make_bid(lot, bidders[1], price="1000000"),
        make_bid(lot, bidders[2], price="1100000"),
    ]
    score_all(bids, model, [evaluator, second_evaluator])
    with pytest.raises(DomainError, match="after quality"):
        services.price_clarification_record(
            bid=bids[0], explanation="x", outcome="accepted", by=commissioner
        )
    services.quality_lock(procurement=declared, by=commissioner)
    with pytest.raises(DomainError, match="not flagged"):
        services.price_clarification_record(
            bid=bids[1], explanation="x", outcome="accepted", by=commissioner
        )
    with pytest.raises(DomainError, match="accepted or rejected"):
        services.price_clarification_record(
            bid=bids[0], explanation="x", outcome="maybe", by=commissioner
        )
    with pytest.raises(NotAllowed):
        services.price_clarification_record(
            bid=bids[0], explanation="x", outcome="accepted", by=evaluator
        )
    services.price_clarification_record(
        bid=bids[0],
        explanation="Rates below the cost of care; travel time not paid",
        outcome="rejected",
        by=commissioner,
    )
    with pytest.raises(DomainError, match="already recorded"):
        services.price_clarification_record(
            bid=bids[0], explanation="x", outcome="accepted", by=commissioner
        )
    assert AuditLog.objects.filter(summary__startswith="Bid excluded").exists()


def test_scores_are_audited(scored):
    assert AuditLog.objects.filter(object_type="evaluation.score").count() == Score.objects.count()
