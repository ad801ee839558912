"""Reads about scrutiny, already scoped to the person asking (and, for the public pages, to
what is published)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from tendercare.core.audit import history_for
from tendercare.organisations.models import Organisation
from tendercare.organisations.queries import organisation_family
from tendercare.programmes.queries import programmes_visible_to

from . import rules
from .models import (
    Action,
    AgendaItem,
    Committee,
    CommitteeDecision,
    Declaration,
    Meeting,
    Member,
    Report,
    WorkProgrammeItem,
)


def _family(user) -> list[int]:
    return organisation_family(getattr(user, "organisation", None))


def committees_visible_to(user) -> QuerySet[Committee]:
    if not rules.may_see_scrutiny(user):
        return Committee.objects.none()
    return Committee.objects.filter(owner_id__in=_family(user)).select_related("owner")


def meetings_visible_to(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(committee__in=committees_visible_to(user)).select_related(
        "committee"
    )


def actions_visible_to(user) -> QuerySet[Action]:
    return Action.objects.filter(committee__in=committees_visible_to(user))


def reports_visible_to(user) -> QuerySet[Report]:
    if not rules.may_see_scrutiny(user):
        return Report.objects.none()
    family = _family(user)
    return Report.objects.filter(
        Q(programme__owner_id__in=family) | Q(committee__owner_id__in=family)
    ).select_related("programme", "committee")


def published_reports() -> QuerySet[Report]:
    return Report.objects.filter(status=Report.Status.PUBLISHED).select_related("programme")


# ---------------------------------------------------------------------------------------------
# Scrutiny records (committees, meetings, agenda, decisions, actions, declarations, work
# programme): reads for the committee pages, their API and the reports.


def can_manage(user, committee: Committee) -> bool:
    """May this person change the committee's records (councillors never may)."""
    return bool(rules.can_manage_owned(user, committee))


def may_create_committee(user) -> bool:
    return bool(rules.may_manage_scrutiny(user)) and bool(getattr(user, "organisation_id", None))


def committee_list(user) -> QuerySet[Committee]:
    return committees_visible_to(user).annotate(
        member_count=Count("members", distinct=True),
        meeting_count=Count("meetings", distinct=True),
    )


def members_visible_to(user) -> QuerySet:
    return Member.objects.filter(committee__in=committees_visible_to(user)).select_related(
        "committee"
    )


def agenda_items_visible_to(user) -> QuerySet:
    return AgendaItem.objects.filter(meeting__in=meetings_visible_to(user)).select_related(
        "meeting", "meeting__committee", "programme"
    )


def decisions_visible_to(user) -> QuerySet:
    return CommitteeDecision.objects.filter(item__in=agenda_items_visible_to(user)).select_related(
        "item", "item__meeting", "item__meeting__committee", "item__programme"
    )


def declarations_visible_to(user) -> QuerySet:
    return Declaration.objects.filter(meeting__in=meetings_visible_to(user)).select_related(
        "member", "item"
    )


def work_programme_visible_to(user) -> QuerySet:
    return WorkProgrammeItem.objects.filter(
        committee__in=committees_visible_to(user)
    ).select_related("committee", "programme", "meeting")


def members_of(committee: Committee) -> QuerySet:
    """Current members first (no leaving date or a leaving date still to come), chair first."""
    order = Case(
        When(role=Member.Role.CHAIR, then=Value(0)),
        When(role=Member.Role.VICE_CHAIR, then=Value(1)),
        When(role=Member.Role.MEMBER, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return committee.members.annotate(role_order=order).order_by("until", "role_order", "name")


def current_members_of(committee: Committee, *, today=None) -> QuerySet:
    today = today or dt.date.today()
    return members_of(committee).filter(Q(until__isnull=True) | Q(until__gte=today))


def meetings_of(committee: Committee, *, now=None) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, past): upcoming soonest first, past most recent first. A meeting is past
    once its start has passed, whatever its status."""
    now = now or timezone.now()
    meetings = committee.meetings.annotate(item_count=Count("items"))
    upcoming = list(meetings.filter(starts_at__gte=now).order_by("starts_at"))
    past = list(meetings.filter(starts_at__lt=now).order_by("-starts_at"))
    return upcoming, past


def choosable_meetings(committee: Committee) -> QuerySet[Meeting]:
    """Meetings still to be held, onto which a work programme item may be scheduled."""
    return committee.meetings.filter(status=Meeting.Status.SCHEDULED).order_by("starts_at")


def agenda_of(meeting: Meeting) -> QuerySet:
    """The meeting's agenda in order, each item with its decisions, declarations and actions."""
    return meeting.items.select_related("programme", "report").prefetch_related(
        Prefetch("decisions", queryset=CommitteeDecision.objects.order_by("decided_on", "pk")),
        "declarations__member",
        "actions",
    )


def declarations_at(meeting: Meeting) -> QuerySet:
    return meeting.declarations.select_related("member", "item").order_by("pk")


def _with_overdue(actions: QuerySet[Action], today) -> QuerySet[Action]:
    """Overdue is worked out when read: still open or in progress and its due date passed."""
    today = today or dt.date.today()
    return actions.annotate(
        overdue=Case(
            When(
                status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS],
                due_on__lt=today,
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).select_related("committee", "programme", "item", "item__meeting")


def action_log(
    user,
    *,
    committee: Committee | None = None,
    programme=None,
    status: str | None = None,
    today=None,
) -> QuerySet[Action]:
    """The actions the person may see, each with `overdue` worked out as of today. `status` is
    one of Action.Status's values, or "outstanding" (open or in progress) or "overdue"."""
    actions = actions_visible_to(user)
    if committee is not None:
        actions = actions.filter(committee=committee)
    if programme is not None:
        actions = actions.filter(programme=programme)
    actions = _with_overdue(actions, today)
    if status == "outstanding":
        actions = actions.filter(status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS])
    elif status == "overdue":
        actions = actions.filter(overdue=True)
    elif status:
        actions = actions.filter(status=status)
    return actions.order_by("due_on", "pk")


def open_actions(user, *, committee: Committee | None = None, programme=None, today=None):
    """Actions open or in progress, with `overdue` worked out, soonest due first."""
    return action_log(
        user, committee=committee, programme=programme, status="outstanding", today=today
    )


def overdue_actions(user, *, committee: Committee | None = None, programme=None, today=None):
    return action_log(user, committee=committee, programme=programme, status="overdue", today=today)


def action_history(action: Action):
    """Every change to the action, oldest first: the audit trail keeps each update note."""
    return history_for(action).order_by("at", "pk")


def work_programme_of(committee: Committee, *, upcoming_only: bool = False, today=None):
    """The committee's work programme in month order; upcoming_only keeps the items still
    planned or on an agenda for this month or later."""
    items = committee.work_programme.select_related("programme", "meeting")
    if upcoming_only:
        today = today or dt.date.today()
        items = items.filter(
            status__in=[WorkProgrammeItem.Status.PLANNED, WorkProgrammeItem.Status.SCHEDULED],
            planned_for__gte=today.replace(day=1),
        )
    return items.order_by("planned_for", "pk")


def work_programme_upcoming(user, *, committee: Committee | None = None, today=None):
    """Items planned or on an agenda from this month on, across the committees the person may
    see (or one of them)."""
    today = today or dt.date.today()
    items = work_programme_visible_to(user).filter(
        status__in=[WorkProgrammeItem.Status.PLANNED, WorkProgrammeItem.Status.SCHEDULED],
        planned_for__gte=today.replace(day=1),
    )
    if committee is not None:
        items = items.filter(committee=committee)
    return items.order_by("planned_for", "pk")


def programmes_scrutinised_by(committee: Committee):
    """Programmes a committee may scrutinise: those its owner's family commissions, and those
    of any other body (an ICB, an NHS trust) that serve its owner's area (Programme.places
    holds the owner's ONS code): a council's health scrutiny committee scrutinises the NHS."""
    from tendercare.programmes.models import Programme

    family = organisation_family(committee.owner)
    codes = [
        code
        for code in Organisation.objects.filter(pk__in=family).values_list("ons_code", flat=True)
        if code
    ]
    return (
        Programme.objects.filter(Q(owner_id__in=family) | Q(places__code__in=codes))
        .distinct()
        .order_by("name")
    )


def programmes_for_linking(user, committee: Committee):
    """Programmes an agenda item, action or work programme item may be linked to: the ones the
    committee scrutinises, when the person may see the committee."""
    if not committees_visible_to(user).filter(pk=committee.pk).exists():
        return programmes_scrutinised_by(committee).none()
    return programmes_scrutinised_by(committee)


@dataclass(frozen=True)
class ProgrammeScrutiny:
    """What the committees a person may see have done about one programme.

    agenda_items: AgendaItem rows linked to the programme, meeting order (oldest first), each
        with .meeting and .meeting.committee selected;
    decisions: CommitteeDecision rows on those items, in date order, each with .item,
        .item.meeting and .item.meeting.committee selected (.kind, .text, .is_substantial,
        .reasons, .referred_to, .decided_on);
    open_actions: Action rows about the programme still open or in progress, soonest due
        first, each with a computed boolean .overdue (as of `today`);
    upcoming: WorkProgrammeItem rows for the programme planned or scheduled from this month.
    """

    agenda_items: list
    decisions: list
    open_actions: list
    upcoming: list


def programme_scrutiny(programme, user, *, today=None) -> ProgrammeScrutiny:
    """Agenda items, decisions, open actions and planned work programme items about a
    programme. From the committees `user` may see and, when `user` may see the programme (or is
    None: the public report), from every published committee that took it up: a committee's
    decisions are a public record, and an ICB's report must say what the council's committee
    asked of it. See ProgrammeScrutiny for the shape."""
    if programme is None:
        return ProgrammeScrutiny([], [], [], [])
    committee_ids = set(committees_visible_to(user).values_list("pk", flat=True))
    if user is None or programmes_visible_to(user).filter(pk=programme.pk).exists():
        committee_ids |= set(Committee.objects.filter(published=True).values_list("pk", flat=True))
    items = list(
        AgendaItem.objects.filter(meeting__committee_id__in=committee_ids, programme=programme)
        .select_related("meeting", "meeting__committee", "programme")
        .order_by("meeting__starts_at", "number")
    )
    decisions = list(
        CommitteeDecision.objects.filter(item__in=[i.pk for i in items])
        .select_related("item", "item__meeting", "item__meeting__committee", "item__programme")
        .order_by("decided_on", "item__meeting__starts_at", "item__number", "pk")
    )
    actions = list(
        _with_overdue(
            Action.objects.filter(
                committee_id__in=committee_ids,
                programme=programme,
                status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS],
            ),
            today,
        ).order_by("due_on", "pk")
    )
    today = today or dt.date.today()
    upcoming = list(
        WorkProgrammeItem.objects.filter(
            committee_id__in=committee_ids,
            programme=programme,
            status__in=[WorkProgrammeItem.Status.PLANNED, WorkProgrammeItem.Status.SCHEDULED],
            planned_for__gte=today.replace(day=1),
        )
        .select_related("committee", "programme", "meeting")
        .order_by("planned_for", "pk")
    )
    return ProgrammeScrutiny(items, decisions, actions, upcoming)
