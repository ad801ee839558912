"""Read-only JSON for the scrutiny records, at /api/v1/scrutiny: committees, meetings with their
agenda, decisions and declarations, the action log (filtered by status) and the work programme.
Scoped like the pages: a committee or meeting the caller may not see is 404."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from . import queries
from .models import Action

router = Router()

ACTION_STATUSES = [*Action.Status.values, "outstanding", "overdue"]


class Problem(Schema):
    detail: str


class MemberOut(Schema):
    id: int
    name: str
    role: str
    since: dt.date | None
    until: dt.date | None


class MeetingOut(Schema):
    id: int
    committee_id: int
    starts_at: dt.datetime
    venue: str
    status: str


class CommitteeOut(Schema):
    id: int
    name: str
    owner: str
    remit: str
    joint: bool


class CommitteeDetail(CommitteeOut):
    members: list[MemberOut]
    meetings: list[MeetingOut]


class DecisionOut(Schema):
    id: int
    kind: str
    text: str
    is_substantial: bool | None
    reasons: str
    referred_to: str
    decided_on: dt.date


class DeclarationOut(Schema):
    id: int
    member: str
    kind: str
    interest: str
    item_number: int | None
    left_the_room: bool


class ItemOut(Schema):
    id: int
    number: int
    title: str
    summary: str
    programme_id: int | None
    programme: str | None
    decisions: list[DecisionOut]


class MeetingDetail(MeetingOut):
    committee: str
    items: list[ItemOut]
    declarations: list[DeclarationOut]


class ActionOut(Schema):
    id: int
    committee_id: int
    item_id: int | None
    programme_id: int | None
    description: str
    owner_name: str
    due_on: dt.date
    status: str
    completed_on: dt.date | None
    update: str
    overdue: bool


class WorkProgrammeOut(Schema):
    id: int
    title: str
    planned_for: dt.date
    status: str
    programme_id: int | None
    meeting_id: int | None
    notes: str


class ActionFilter(Schema):
    status: str | None = None
    programme: int | None = None


def _committee_out(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "owner": c.owner.name,
        "remit": c.remit,
        "joint": c.joint,
    }


def _meeting_out(m) -> dict:
    return {
        "id": m.pk,
        "committee_id": m.committee_id,
        "starts_at": m.starts_at,
        "venue": m.venue,
        "status": m.status,
    }


def _action_out(a) -> dict:
    return {
        "id": a.pk,
        "committee_id": a.committee_id,
        "item_id": a.item_id,
        "programme_id": a.programme_id,
        "description": a.description,
        "owner_name": a.owner_name,
        "due_on": a.due_on,
        "status": a.status,
        "completed_on": a.completed_on,
        "update": a.update,
        "overdue": bool(a.overdue),
    }


@router.get("/committees", response=list[CommitteeOut], summary="Committees you may see")
def committee_list(request):
    return [_committee_out(c) for c in queries.committees_visible_to(request.user)]


@router.get(
    "/committees/{committee_id}",
    response={200: CommitteeDetail, 404: Problem},
    summary="A committee with its members and meetings (oldest first)",
)
def committee_detail(request, committee_id: int):
    committee = get_object_or_404(queries.committees_visible_to(request.user), pk=committee_id)
    members = [
        {"id": m.pk, "name": m.name, "role": m.role, "since": m.since, "until": m.until}
        for m in queries.members_of(committee)
    ]
    meetings = [_meeting_out(m) for m in committee.meetings.order_by("starts_at")]
    return {**_committee_out(committee), "members": members, "meetings": meetings}


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetail, 404: Problem},
    summary="A meeting with its agenda, the decisions on each item and declarations of interest",
)
def meeting_detail(request, meeting_id: int):
    meeting = get_object_or_404(queries.meetings_visible_to(request.user), pk=meeting_id)
    items = [
        {
            "id": i.pk,
            "number": i.number,
            "title": i.title,
            "summary": i.summary,
            "programme_id": i.programme_id,
            "programme": i.programme.name if i.programme else None,
            "decisions": [
                {
                    "id": d.pk,
                    "kind": d.kind,
                    "text": d.text,
                    "is_substantial": d.is_substantial,
                    "reasons": d.reasons,
                    "referred_to": d.referred_to,
                    "decided_on": d.decided_on,
                }
                for d in i.decisions.all()
            ],
        }
        for i in queries.agenda_of(meeting)
    ]
    declarations = [
        {
            "id": d.pk,
            "member": d.member.name,
            "kind": d.kind,
            "interest": d.interest,
            "item_number": d.item.number if d.item else None,
            "left_the_room": d.left_the_room,
        }
        for d in queries.declarations_at(meeting)
    ]
    return {
        **_meeting_out(meeting),
        "committee": meeting.committee.name,
        "items": items,
        "declarations": declarations,
    }


def _actions(request, filters: ActionFilter, committee=None):
    if filters.status and filters.status not in ACTION_STATUSES:
        return 422, {"detail": f"status must be one of {', '.join(ACTION_STATUSES)}"}
    programme = None
    if filters.programme is not None:
        programme = queries.programmes_visible_to(request.user).filter(pk=filters.programme).first()
        if programme is None:
            return 404, {"detail": "No such programme"}
    actions = queries.action_log(
        request.user, committee=committee, programme=programme, status=filters.status
    )
    return 200, [_action_out(a) for a in actions]


@router.get(
    "/actions",
    response={200: list[ActionOut], 404: Problem, 422: Problem},
    summary="The action log across the committees you may see; status is open, in_progress, "
    "done, dropped, outstanding (open or in progress) or overdue",
)
def action_list(request, filters: Query[ActionFilter]):
    return _actions(request, filters)


@router.get(
    "/committees/{committee_id}/actions",
    response={200: list[ActionOut], 404: Problem, 422: Problem},
    summary="A committee's action log, filtered like /actions",
)
def committee_actions(request, committee_id: int, filters: Query[ActionFilter]):
    committee = get_object_or_404(queries.committees_visible_to(request.user), pk=committee_id)
    return _actions(request, filters, committee)


@router.get(
    "/committees/{committee_id}/work-programme",
    response={200: list[WorkProgrammeOut], 404: Problem},
    summary="A committee's work programme in month order",
)
def work_programme(request, committee_id: int, upcoming: bool = False):
    committee = get_object_or_404(queries.committees_visible_to(request.user), pk=committee_id)
    return [
        {
            "id": e.pk,
            "title": e.title,
            "planned_for": e.planned_for,
            "status": e.status,
            "programme_id": e.programme_id,
            "meeting_id": e.meeting_id,
            "notes": e.notes,
        }
        for e in queries.work_programme_of(committee, upcoming_only=upcoming)
    ]
