"""JSON API for programmes with their milestones, at /api/v1/programmes. Scoped like the pages:
a programme the caller may not see is 404; reading is not the same as changing (403)."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from tendercare.core.errors import DomainError, NotAllowed

from . import queries, services

router = Router(tags=["programmes"])


class Problem(Schema):
    detail: str


class RevisionOut(Schema):
    id: int
    previous_date: dt.date
    new_date: dt.date
    days: int
    reason: str
    revised_by: str
    revised_at: dt.datetime


class MilestoneOut(Schema):
    id: int
    name: str
    order: int
    baseline_date: dt.date
    current_date: dt.date
    completed_on: dt.date | None
    slip_days: int
    slip_working_days: int = Field(description="England working days: weekdays less bank holidays")
    rag: str
    revisions: list[RevisionOut]


class RiskOut(Schema):
    id: int
    title: str
    likelihood: int
    impact: int
    score: int
    rating: str
    owner: str
    mitigation: str
    status: str


class ContractRef(Schema):
    id: int
    reference: str
    title: str


class ProgrammeOut(Schema):
    id: int
    name: str
    owner_id: int
    owner: str
    status: str
    summary: str
    start_date: dt.date | None
    target_date: dt.date | None


class ProgrammeDetail(ProgrammeOut):
    contracts: list[ContractRef]
    milestones: list[MilestoneOut]
    risks: list[RiskOut]


class RevisionIn(Schema):
    new_date: dt.date
    reason: str = Field(min_length=1, max_length=2000)


def _programme_out(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "owner_id": p.owner_id,
        "owner": p.owner.name,
        "status": p.status,
        "summary": p.summary,
        "start_date": p.start_date,
        "target_date": p.target_date,
    }


def _revision_out(r) -> dict:
    return {
        "id": r.pk,
        "previous_date": r.previous_date,
        "new_date": r.new_date,
        "days": r.days,
        "reason": r.reason,
        "revised_by": r.revised_by_label,
        "revised_at": r.revised_at,
    }


@router.get("", response=list[ProgrammeOut], summary="Programmes you may see")
def programme_list(request):
    return [_programme_out(p) for p in queries.programmes_visible_to(request.user)]


@router.get(
    "/{programme_id}",
    response={200: ProgrammeDetail, 404: Problem},
    summary="A programme with its contracts in scope, milestones (baseline, current, slip, "
    "revisions) and risks",
)
def programme_detail(request, programme_id: int):
    programme = get_object_or_404(queries.programmes_visible_to(request.user), pk=programme_id)
    milestones = []
    for row in queries.milestone_rows(programme):
        m = row.milestone
        milestones.append(
            {
                "id": m.pk,
                "name": m.name,
                "order": m.order,
                "baseline_date": row.baseline,
                "current_date": row.current,
                "completed_on": row.completed_on,
                "slip_days": row.slip_days,
                "slip_working_days": row.slip_working_days,
                "rag": row.rag,
                "revisions": [_revision_out(r) for r in m.revisions.all()],
            }
        )
    risks = [
        {
            "id": r.pk,
            "title": r.title,
            "likelihood": r.likelihood,
            "impact": r.impact,
            "score": r.score,
            "rating": r.rating[1],
            "owner": r.owner_display,
            "mitigation": r.mitigation,
            "status": r.status,
        }
        for r in queries.risks_for(programme)
    ]
    contracts = [
        {"id": c.pk, "reference": c.reference, "title": c.title}
        for c in queries.contracts_in_scope(request.user, programme)
    ]
    return {
        **_programme_out(programme),
        "contracts": contracts,
        "milestones": milestones,
        "risks": risks,
    }


@router.post(
    "/{programme_id}/milestones/{milestone_id}/revisions",
    response={201: RevisionOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Revise a milestone's date, with the reason",
)
def milestone_revise(request, programme_id: int, milestone_id: int, payload: RevisionIn):
    programme = get_object_or_404(queries.programmes_visible_to(request.user), pk=programme_id)
    milestone = get_object_or_404(queries.milestones_visible_to(request.user), pk=milestone_id)
    if milestone.programme_id != programme.pk:
        return 404, {"detail": "Not found"}
    if not queries.can_edit(request.user, programme):
        return 403, {"detail": "You can read this programme but not change it"}
    try:
        revision = services.milestone_revise(
            milestone=milestone, new_date=payload.new_date, reason=payload.reason, by=request.user
        )
    except NotAllowed as exc:
        return 403, {"detail": exc.message}
    except DomainError as exc:
        return 422, {"detail": exc.message}
    return 201, _revision_out(revision)
