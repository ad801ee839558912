"""Writes about scrutiny records: committees, members, meetings, agenda items, decisions,
actions, declarations of interest and the work programme. Each is one transaction and leaves an
audit record.

The `by` user, when given, must be allowed to manage the committee (commissioning staff who may
edit the register, of the committee owner's organisation family); councillors read and never
change. `by=None` is the system (the demo generator, management commands).

Every rule the database also enforces (a substantial-variation determination has its answer and
reasons; a referral names where; a done action has its completion date) is checked here first,
so that people get a sentence they can act on rather than an integrity error.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.organisations.models import Organisation
from tendercare.organisations.queries import organisation_family
from tendercare.programmes.models import Programme

from . import rules
from .models import (
    Action,
    AgendaItem,
    Committee,
    CommitteeDecision,
    Declaration,
    Meeting,
    Member,
    WorkProgrammeItem,
)
from .queries import programmes_scrutinised_by

OPEN_ACTION_STATUSES = (Action.Status.OPEN, Action.Status.IN_PROGRESS)


def _require_manage(by, committee: Committee) -> None:
    if by is not None and not rules.can_manage_owned(by, committee):
        raise NotAllowed("You cannot change this committee's records")


def _text(value: str | None, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _date(value, message: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(message)
    return value


def _choice(value: str, choices, what: str) -> str:
    if value not in choices.values:
        raise DomainError(f"'{value}' is not a {what}")
    return value


def _programme(programme: Programme | None, by, committee: Committee) -> Programme | None:
    """A linked programme must be one the committee scrutinises: commissioned by its owner's
    family, or serving its owner's area (queries.programmes_scrutinised_by)."""
    if programme is None:
        return None
    if not programmes_scrutinised_by(committee).filter(pk=programme.pk).exists():
        raise DomainError(
            f"{programme} is neither commissioned by {committee.owner} nor serves its area"
        )
    return programme


def _today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Committees and members


def committee_create(
    *,
    owner: Organisation,
    name: str,
    remit: str = "",
    joint: bool = False,
    published: bool = True,
    by=None,
) -> Committee:
    name = _text(name, "Enter the committee's name")
    if not owner.is_commissioner:
        raise DomainError("A committee belongs to a council or another commissioning body")
    if by is not None and not (
        rules.may_manage_scrutiny(by) and owner.pk in organisation_family(by.organisation)
    ):
        raise NotAllowed("You cannot create committees for that organisation")
    if Committee.objects.filter(owner=owner, name__iexact=name).exists():
        raise DomainError(f"{owner} already has a committee called {name}")
    with transaction.atomic():
        committee = Committee.objects.create(
            owner=owner,
            name=name,
            remit=(remit or "").strip(),
            joint=bool(joint),
            published=bool(published),
        )
        Auditor(by=by).created(committee)
    return committee


def committee_update(
    *,
    committee: Committee,
    name: str,
    remit: str = "",
    joint: bool = False,
    published: bool = True,
    by=None,
) -> Committee:
    _require_manage(by, committee)
    name = _text(name, "Enter the committee's name")
    clash = Committee.objects.filter(owner=committee.owner, name__iexact=name).exclude(
        pk=committee.pk
    )
    if clash.exists():
        raise DomainError(f"{committee.owner} already has a committee called {name}")
    with transaction.atomic():
        before = snapshot(committee)
        committee.name, committee.remit = name, (remit or "").strip()
        committee.joint, committee.published = bool(joint), bool(published)
        committee.save()
        Auditor(by=by).updated(committee, before=before)
    return committee


def _member_fields(name, role, since, until) -> tuple[str, str]:
    name = _text(name, "Enter the member's name")
    role = _choice(role, Member.Role, "committee role")
    if since is not None:
        _date(since, "Enter the date the member joined as a date")
    if until is not None:
        _date(until, "Enter the date the member left as a date")
    if since and until and until < since:
        raise DomainError("The date the member left must be on or after the date they joined")
    return name, role


def _one_chair(committee: Committee, role: str, until, exclude_pk=None) -> None:
    if role != Member.Role.CHAIR or until is not None:
        return
    chairs = committee.members.filter(role=Member.Role.CHAIR, until__isnull=True)
    if exclude_pk is not None:
        chairs = chairs.exclude(pk=exclude_pk)
    current = chairs.first()
    if current is not None:
        raise DomainError(
            f"{current.name} is the chair; give the date they stood down before adding another"
        )


def member_add(
    *,
    committee: Committee,
    name: str,
    role: str = Member.Role.MEMBER,
    since: dt.date | None = None,
    until: dt.date | None = None,
    user=None,
    by=None,
) -> Member:
    _require_manage(by, committee)
    name, role = _member_fields(name, role, since, until)
    _one_chair(committee, role, until)
    with transaction.atomic():
        member = Member.objects.create(
            committee=committee, name=name, role=role, since=since, until=until, user=user
        )
        Auditor(by=by).created(member, summary=f"{member.get_role_display()} of {committee}")
    return member


def member_update(
    *,
    member: Member,
    name: str,
    role: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
    by=None,
) -> Member:
    _require_manage(by, member.committee)
    name, role = _member_fields(name, role, since, until)
    _one_chair(member.committee, role, until, exclude_pk=member.pk)
    with transaction.atomic():
        before = snapshot(member)
        member.name, member.role, member.since, member.until = name, role, since, until
        member.save()
        Auditor(by=by).updated(member, before=before)
    return member


# ---------------------------------------------------------------------------------------------
# Meetings and agenda items


def _meeting_fields(starts_at, status, now) -> str:
    if not isinstance(starts_at, dt.datetime):
        raise DomainError("Enter the date and time the meeting starts")
    if timezone.is_naive(starts_at):
        raise DomainError("The meeting's start needs a time zone")
    status = _choice(status, Meeting.Status, "meeting status")
    now = now or timezone.now()
    if status == Meeting.Status.HELD and starts_at > now:
        raise DomainError("A meeting that has not started yet cannot have been held")
    return status


def meeting_create(
    *,
    committee: Committee,
    starts_at: dt.datetime,
    venue: str = "",
    status: str = Meeting.Status.SCHEDULED,
    by=None,
    now: dt.datetime | None = None,
) -> Meeting:
    _require_manage(by, committee)
    status = _meeting_fields(starts_at, status, now)
    if committee.meetings.filter(starts_at=starts_at).exists():
        raise DomainError("The committee already has a meeting at that date and time")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            committee=committee, starts_at=starts_at, venue=(venue or "").strip(), status=status
        )
        Auditor(by=by).created(meeting, summary=meeting.get_status_display())
    return meeting


def meeting_update(
    *,
    meeting: Meeting,
    starts_at: dt.datetime,
    venue: str = "",
    status: str,
    by=None,
    now: dt.datetime | None = None,
) -> Meeting:
    _require_manage(by, meeting.committee)
    status = _meeting_fields(starts_at, status, now)
    clash = meeting.committee.meetings.filter(starts_at=starts_at).exclude(pk=meeting.pk)
    if clash.exists():
        raise DomainError("The committee already has a meeting at that date and time")
    if (
        status == Meeting.Status.CANCELLED
        and meeting.items.filter(decisions__isnull=False).exists()
    ):
        raise DomainError("Decisions were recorded at this meeting, so it cannot be cancelled")
    with transaction.atomic():
        before = snapshot(meeting)
        was = meeting.get_status_display()
        meeting.starts_at, meeting.venue, meeting.status = starts_at, (venue or "").strip(), status
        meeting.save()
        summary = (
            ""
            if was == meeting.get_status_display()
            else f"{was} to {meeting.get_status_display()}"
        )
        Auditor(by=by).updated(meeting, before=before, summary=summary)
    return meeting


def _item_number(meeting: Meeting, number, exclude_pk=None) -> int:
    if number in (None, ""):
        last = meeting.items.order_by("-number").values_list("number", flat=True).first()
        return (last or 0) + 1
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 999:
        raise DomainError("The item number must be a whole number from 1 to 999")
    taken = meeting.items.filter(number=number)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise DomainError(f"Item {number} is already on this agenda; choose another number")
    return number


def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    programme: Programme | None = None,
    summary: str = "",
    number: int | None = None,
    by=None,
) -> AgendaItem:
    """Put an item on a meeting's agenda; without a number it goes at the end."""
    _require_manage(by, meeting.committee)
    title = _text(title, "Enter the item's title")
    if meeting.status == Meeting.Status.CANCELLED:
        raise DomainError("This meeting was cancelled; put the item on another meeting")
    programme = _programme(programme, by, meeting.committee)
    with transaction.atomic():
        number = _item_number(meeting, number)
        item = AgendaItem.objects.create(
            meeting=meeting,
            number=number,
            title=title,
            programme=programme,
            summary=(summary or "").strip(),
        )
        Auditor(by=by).created(item, summary=f"Item {number} at {meeting}")
    return item


def agenda_item_update(
    *,
    item: AgendaItem,
    title: str,
    number: int | None,
    programme: Programme | None = None,
    summary: str = "",
    by=None,
) -> AgendaItem:
    meeting = item.meeting
    _require_manage(by, meeting.committee)
    title = _text(title, "Enter the item's title")
    programme = _programme(programme, by, meeting.committee)
    with transaction.atomic():
        number = item.number if number in (None, "") else _item_number(meeting, number, item.pk)
        before = snapshot(item)
        item.title, item.number, item.programme = title, number, programme
        item.summary = (summary or "").strip()
        item.save()
        Auditor(by=by).updated(item, before=before)
    return item


# ---------------------------------------------------------------------------------------------
# Decisions


def decision_record(
    *,
    item: AgendaItem,
    kind: str,
    text: str,
    decided_on: dt.date | None = None,
    is_substantial: bool | None = None,
    reasons: str = "",
    referred_to: str = "",
    by=None,
) -> CommitteeDecision:
    """Record what the committee decided on an item: noted it, determined whether the proposal
    is a substantial development or variation of the health service (yes or no, with reasons),
    referred it (naming where, e.g. the Secretary of State) or made a recommendation.

    The yes/no answer is kept only on a determination, and where it was referred only on a
    referral, so that a decision never carries a stray answer from a form; reasons are
    optional on the other kinds."""
    meeting = item.meeting
    _require_manage(by, meeting.committee)
    kind = _choice(kind, CommitteeDecision.Kind, "kind of decision")
    text = _text(text, "Enter what the committee decided")
    reasons = (reasons or "").strip()
    referred_to = (referred_to or "").strip()
    if meeting.status == Meeting.Status.CANCELLED:
        raise DomainError("This meeting was cancelled, so no decision was made at it")
    meeting_day = timezone.localtime(meeting.starts_at).date()
    if decided_on is None:
        decided_on = meeting_day
    decided_on = _date(decided_on, "Enter the date of the decision")
    if decided_on < meeting_day:
        raise DomainError("A decision cannot be dated before the meeting it was made at")
    if decided_on > _today():
        raise DomainError("The date of the decision cannot be in the future")
    if kind == CommitteeDecision.Kind.SUBSTANTIAL_VARIATION:
        if is_substantial is None:
            raise DomainError(
                "Say whether the committee determined the proposal is a substantial "
                "development or variation"
            )
        if not reasons:
            raise DomainError("Enter the committee's reasons for its determination")
    else:
        is_substantial = None
    if kind == CommitteeDecision.Kind.REFERRED:
        if not referred_to:
            raise DomainError(
                "Enter where the matter was referred, for example the Secretary of State"
            )
    else:
        referred_to = ""
    with transaction.atomic():
        decision = CommitteeDecision.objects.create(
            item=item,
            kind=kind,
            text=text,
            is_substantial=is_substantial,
            reasons=reasons,
            referred_to=referred_to,
            decided_on=decided_on,
        )
        summary = decision.get_kind_display()
        if is_substantial is not None:
            summary += f": {'substantial' if is_substantial else 'not substantial'}"
        if referred_to:
            summary += f" to {referred_to}"
        Auditor(by=by).created(decision, summary=summary)
    return decision


# ---------------------------------------------------------------------------------------------
# Actions


def action_add(
    *,
    committee: Committee,
    description: str,
    owner_name: str,
    due_on: dt.date,
    item: AgendaItem | None = None,
    programme: Programme | None = None,
    by=None,
) -> Action:
    """An action the committee asked for ("provide ward-level data to the member"). With an
    agenda item and no programme, the action is about the item's programme."""
    _require_manage(by, committee)
    description = _text(description, "Enter what is to be done")
    owner_name = _text(owner_name, "Enter who owns the action")
    due_on = _date(due_on, "Enter the date the action is due")
    if item is not None and item.meeting.committee_id != committee.pk:
        raise DomainError("Choose an agenda item of this committee's meetings")
    if programme is None and item is not None:
        programme = item.programme
    programme = _programme(programme, by, committee)
    with transaction.atomic():
        action = Action.objects.create(
            committee=committee,
            item=item,
            programme=programme,
            description=description,
            owner_name=owner_name,
            due_on=due_on,
        )
        Auditor(by=by).created(action, summary=f"Owner {owner_name}, due {due_on.isoformat()}")
    return action


def action_update(
    *,
    action: Action,
    status: str,
    update: str,
    completed_on: dt.date | None = None,
    due_on: dt.date | None = None,
    owner_name: str | None = None,
    by=None,
) -> Action:
    """Move an action on: its status, due date or owner, with an update for the committee.
    The update is shown as the action's latest and kept, with the change, in the audit trail,
    so the log shows how each action moved. Done needs the date it was done. Whether an action
    is overdue is worked out when it is read, never stored."""
    _require_manage(by, action.committee)
    status = _choice(status, Action.Status, "action status")
    update = _text(update, "Enter an update saying what has happened")
    new_due = action.due_on if due_on is None else _date(due_on, "Enter the due date as a date")
    new_owner = (
        action.owner_name if owner_name is None else _text(owner_name, "Enter who owns the action")
    )
    if status == Action.Status.DONE:
        if completed_on is None:
            raise DomainError("Enter the date the action was done")
        completed_on = _date(completed_on, "Enter the date the action was done")
        if completed_on > _today():
            raise DomainError("The date the action was done cannot be in the future")
    else:
        completed_on = None
    with transaction.atomic():
        before = snapshot(action)
        was = action.get_status_display()
        action.status, action.completed_on, action.update = status, completed_on, update
        action.due_on, action.owner_name = new_due, new_owner
        action.save()
        now = action.get_status_display()
        moved = now if was == now else f"{was} to {now}"
        Auditor(by=by).updated(action, before=before, summary=f"{moved}: {update}")
    return action


# ---------------------------------------------------------------------------------------------
# Declarations of interest


def declaration_record(
    *,
    meeting: Meeting,
    member: Member,
    kind: str,
    interest: str,
    item: AgendaItem | None = None,
    left_the_room: bool = False,
    by=None,
) -> Declaration:
    _require_manage(by, meeting.committee)
    kind = _choice(kind, Declaration.Kind, "kind of interest")
    interest = _text(interest, "Enter the interest declared")
    if member.committee_id != meeting.committee_id:
        raise DomainError(f"{member.name} is not a member of {meeting.committee}")
    if item is not None and item.meeting_id != meeting.pk:
        raise DomainError("Choose an item on this meeting's agenda")
    with transaction.atomic():
        declaration = Declaration.objects.create(
            meeting=meeting,
            member=member,
            item=item,
            kind=kind,
            interest=interest,
            left_the_room=bool(left_the_room),
        )
        Auditor(by=by).created(declaration, summary=declaration.get_kind_display())
    return declaration


# ---------------------------------------------------------------------------------------------
# Work programme


def work_programme_item_add(
    *,
    committee: Committee,
    title: str,
    planned_for: dt.date,
    programme: Programme | None = None,
    notes: str = "",
    by=None,
) -> WorkProgrammeItem:
    """A future item the committee means to consider, planned for a month (kept as the first
    day of that month)."""
    _require_manage(by, committee)
    title = _text(title, "Enter the item's title")
    planned_for = _date(planned_for, "Enter the month the item is planned for").replace(day=1)
    programme = _programme(programme, by, committee)
    with transaction.atomic():
        entry = WorkProgrammeItem.objects.create(
            committee=committee,
            title=title,
            programme=programme,
            planned_for=planned_for,
            notes=(notes or "").strip(),
        )
        Auditor(by=by).created(entry, summary=f"Planned for {planned_for:%B %Y}")
    return entry


def work_programme_item_update(
    *,
    entry: WorkProgrammeItem,
    title: str,
    planned_for: dt.date,
    status: str,
    programme: Programme | None = None,
    notes: str = "",
    by=None,
) -> WorkProgrammeItem:
    _require_manage(by, entry.committee)
    title = _text(title, "Enter the item's title")
    planned_for = _date(planned_for, "Enter the month the item is planned for").replace(day=1)
    status = _choice(status, WorkProgrammeItem.Status, "work programme status")
    if status == WorkProgrammeItem.Status.SCHEDULED and entry.meeting_id is None:
        raise DomainError("Schedule the item onto a meeting to put it on an agenda")
    programme = _programme(programme, by, entry.committee)
    with transaction.atomic():
        before = snapshot(entry)
        entry.title, entry.planned_for, entry.status = title, planned_for, status
        entry.programme, entry.notes = programme, (notes or "").strip()
        if status == WorkProgrammeItem.Status.PLANNED:
            entry.meeting = None
        entry.save()
        Auditor(by=by).updated(entry, before=before)
    return entry


def work_programme_item_schedule(
    *, entry: WorkProgrammeItem, meeting: Meeting, add_to_agenda: bool = True, by=None
) -> WorkProgrammeItem:
    """Put a planned item onto one of the committee's coming meetings; by default it also goes
    at the end of that meeting's agenda, linked to the same programme."""
    _require_manage(by, entry.committee)
    if meeting.committee_id != entry.committee_id:
        raise DomainError("Choose one of this committee's meetings")
    if meeting.status != Meeting.Status.SCHEDULED:
        raise DomainError("Choose a meeting that is still to be held")
    if entry.status in (WorkProgrammeItem.Status.DONE, WorkProgrammeItem.Status.WITHDRAWN):
        raise DomainError(
            f"This item is {entry.get_status_display().lower()}; it cannot be scheduled"
        )
    with transaction.atomic():
        before = snapshot(entry)
        entry.meeting, entry.status = meeting, WorkProgrammeItem.Status.SCHEDULED
        entry.planned_for = timezone.localtime(meeting.starts_at).date().replace(day=1)
        entry.save()
        Auditor(by=by).updated(entry, before=before, summary=f"Scheduled for {meeting}")
        if add_to_agenda:
            agenda_item_add(
                meeting=meeting,
                title=entry.title,
                programme=entry.programme,
                summary=entry.notes,
                by=by,
            )
    return entry
