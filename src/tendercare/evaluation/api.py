"""JSON API for evaluation at /api/v1/evaluation. Scoped like the pages: what a person may not
see is 404 (providers and councillors get nothing, ever); a broken rule is 4xx with detail."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema

from . import queries, services

router = Router(tags=["evaluation"])


class Problem(Schema):
    detail: str


class QuestionRef(Schema):
    id: int
    number: str


class WorklistOut(Schema):
    reference: str
    title: str
    bid_deadline: dt.datetime | None
    declared: bool
    status: str
    questions: list[QuestionRef]
    to_score: int
    scored: int


class ResultOut(Schema):
    bid_id: int
    provider: str
    rank: int | None
    quality: Decimal
    social_value: Decimal
    price: Decimal
    total: Decimal
    evaluated_price: Decimal | None
    passed: bool
    abnormally_low: bool
    price_clarified: bool
    excluded_reason: str
    failures: list[str]


class LotResultsOut(Schema):
    lot: int
    title: str
    blockers: list[str]
    results: list[ResultOut]


class ResultsOut(Schema):
    reference: str
    tie_break: str
    lots: list[LotResultsOut]


class ScoreIn(Schema):
    bid_id: int
    question_id: int
    score: Decimal
    rationale: str


class ScoreOut(Schema):
    id: int
    bid_id: int
    question_id: int
    score: Decimal
    rationale: str
    scored_at: dt.datetime


def _user(request):
    user = request.user
    if not queries.may_use_evaluation(user):
        raise Http404("Not found")
    return user


@router.get("/worklist", response={200: list[WorklistOut], 404: Problem})
def worklist(request):
    user = _user(request)
    return [
        {
            "reference": item.procurement.reference,
            "title": item.procurement.title,
            "bid_deadline": item.procurement.bid_deadline,
            "declared": item.declared,
            "status": item.status,
            "questions": [{"id": q.pk, "number": q.number} for q in item.questions],
            "to_score": item.tasks,
            "scored": item.done,
        }
        for item in queries.evaluator_worklist(user)
    ]


@router.get("/procurements/{ref}/results", response={200: ResultsOut, 404: Problem})
def results(request, ref: str):
    """Weighted totals and ranking per lot: staff of the owner's family, after quality lock."""
    user = _user(request)
    procurement = queries.procurement_by_reference(user, ref)
    if procurement is None or not queries.prices_visible(user, procurement):
        raise Http404("Not found")
    return {
        "reference": procurement.reference,
        "tie_break": queries.scoring.TIE_BREAK,
        "lots": [
            {
                "lot": lot.number,
                "title": lot.title,
                "blockers": blockers,
                "results": [
                    {
                        "bid_id": r.bid.pk,
                        "provider": r.bid.provider.name,
                        "rank": r.rank,
                        "quality": r.quality,
                        "social_value": r.social_value,
                        "price": r.price,
                        "total": r.total,
                        "evaluated_price": r.evaluated_price,
                        "passed": r.passed,
                        "abnormally_low": r.abnormally_low,
                        "price_clarified": r.price_clarified,
                        "excluded_reason": r.excluded_reason,
                        "failures": list(r.failures),
                    }
                    for r in rows
                ],
            }
            for lot, rows, blockers in queries.results_for(user, procurement)
        ],
    }


@router.post(
    "/procurements/{ref}/scores",
    response={201: ScoreOut, 400: Problem, 403: Problem, 404: Problem},
)
def score(request, ref: str, payload: ScoreIn):
    """Record (or change) your score: assigned evaluators, after the deadline, once declared,
    never for a bidder you declared a conflict with."""
    user = _user(request)
    procurement = queries.procurement_by_reference(user, ref)
    if procurement is None:
        raise Http404("Not found")
    bid = queries.bid_for(user, procurement, payload.bid_id)
    question = next(
        (q for q in queries.assigned_questions(user, procurement) if q.pk == payload.question_id),
        None,
    )
    if bid is None or question is None:
        raise Http404("Not found")
    record = services.score_record(
        bid=bid,
        question=question,
        evaluator=user,
        score=payload.score,
        rationale=payload.rationale,
    )
    return 201, {
        "id": record.pk,
        "bid_id": record.bid_id,
        "question_id": record.question_id,
        "score": record.score,
        "rationale": record.rationale,
        "scored_at": record.scored_at,
    }
