"""Scrutiny record pages: committees, members, meetings with their agenda, decisions and
declarations, the action log and the work programme. Thin: parse, call a query or service,
render. Out of scope is 404; a councillor (or anyone who may read but not change) gets 403 on
every page that changes something."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from tendercare.core.forms import form_page, run_service
from tendercare.core.history import history_url

from . import forms, queries, rules, services
from .models import Action, Meeting

NOT_YOURS = "You can read this committee's records but not change them"
READ_METHODS = ["GET", "HEAD"]


def _committee(request, pk: int):
    return get_object_or_404(queries.committees_visible_to(request.user), pk=pk)


def _meeting(request, meeting_id: int):
    return get_object_or_404(queries.meetings_visible_to(request.user), pk=meeting_id)


def _must_see(request) -> None:
    """Providers and evaluators see nothing of scrutiny: its lists are not found, like its
    records (engagement answers the same)."""
    if not rules.may_see_scrutiny(request.user):
        raise Http404("Not found")


def _editable(request, committee):
    if not queries.can_manage(request.user, committee):
        raise PermissionDenied(NOT_YOURS)
    return committee


def _programmes(request, committee):
    return queries.programmes_for_linking(request.user, committee)


def _chosen(queryset, value):
    """The object a validated select chose (its pk as text), or None for the blank choice."""
    return queryset.filter(pk=int(value)).first() if value else None


def _programme_choices(request, committee):
    return [
        (p.pk, f"{p.name} ({p.ref})" if p.ref else p.name) for p in _programmes(request, committee)
    ]


def _committee_url(committee) -> str:
    return reverse("scrutiny:committee", args=[committee.pk])


def _meeting_url(meeting) -> str:
    return reverse("scrutiny:meeting", args=[meeting.pk])


def _action_url(action) -> str:
    return reverse("scrutiny:action", args=[action.pk])


def _context(request, committee, **extra):
    return {
        "committee": committee,
        "can_manage": queries.can_manage(request.user, committee),
        "history_url": history_url,
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# Committees and members


@login_required
@require_safe
def committee_list(request):
    _must_see(request)
    return render(
        request,
        "scrutiny/committee_list.html",
        {
            "committees": queries.committee_list(request.user),
            "can_create": queries.may_create_committee(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_create(request):
    _must_see(request)
    if not queries.may_create_committee(request.user):
        raise PermissionDenied("Only commissioning staff can add a committee")
    form = forms.CommitteeForm(request.POST or None, initial={"published": True})
    return form_page(
        request,
        form,
        save=lambda data: services.committee_create(
            owner=request.user.organisation,
            name=data["name"],
            remit=data["remit"],
            joint=data["joint"],
            published=data["published"],
            by=request.user,
        ),
        message=lambda committee: f"Committee '{committee.name}' added",
        success_url=_committee_url,
        template="scrutiny/committee_form.html",
        context={"committee": None},
    )


@login_required
def committee_detail(request, pk: int):
    committee = _committee(request, pk)  # out of scope is 404 whatever the method
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    upcoming, past = queries.meetings_of(committee)
    return render(
        request,
        "scrutiny/committee_detail.html",
        _context(
            request,
            committee,
            members=queries.members_of(committee),
            upcoming=upcoming,
            past=past,
            actions=queries.action_log(request.user, committee=committee),
            overdue_count=queries.overdue_actions(request.user, committee=committee).count(),
            work_programme=queries.work_programme_of(committee),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_edit(request, pk: int):
    committee = _editable(request, _committee(request, pk))
    form = forms.CommitteeForm(
        request.POST or None,
        initial={
            "name": committee.name,
            "remit": committee.remit,
            "joint": committee.joint,
            "published": committee.published,
        },
    )
    return form_page(
        request,
        form,
        save=lambda data: services.committee_update(
            committee=committee,
            name=data["name"],
            remit=data["remit"],
            joint=data["joint"],
            published=data["published"],
            by=request.user,
        ),
        message="Committee details saved",
        success_url=_committee_url(committee),
        template="scrutiny/committee_form.html",
        context=_context(request, committee),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, pk: int):
    committee = _editable(request, _committee(request, pk))
    form = forms.MemberForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: services.member_add(
            committee=committee,
            name=data["name"],
            role=data["role"],
            since=data["since"],
            until=data["until"],
            by=request.user,
        ),
        message=lambda member: f"{member.name} added to the committee",
        success_url=_committee_url(committee),
        template="scrutiny/committee_member_form.html",
        context=_context(request, committee, member=None),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int, member_id: int):
    committee = _editable(request, _committee(request, pk))
    member = get_object_or_404(queries.members_of(committee), pk=member_id)
    form = forms.MemberForm(
        request.POST or None, initial={"name": member.name, "role": member.role}
    )
    form.date_initial("since", member.since)
    form.date_initial("until", member.until)
    return form_page(
        request,
        form,
        save=lambda data: services.member_update(
            member=member,
            name=data["name"],
            role=data["role"],
            since=data["since"],
            until=data["until"],
            by=request.user,
        ),
        message=lambda saved: f"{saved.name}'s membership saved",
        success_url=_committee_url(committee),
        template="scrutiny/committee_member_form.html",
        context=_context(request, committee, member=member),
    )


# ---------------------------------------------------------------------------------------------
# Meetings, agenda items, decisions and declarations


@login_required
@require_http_methods(["GET", "POST"])
def meeting_add(request, pk: int):
    committee = _editable(request, _committee(request, pk))
    form = forms.MeetingForm(request.POST or None, initial={"time": "18:00"})
    return form_page(
        request,
        form,
        save=lambda data: services.meeting_create(
            committee=committee,
            starts_at=data["starts_at"],
            venue=data["venue"],
            status=data["status"],
            by=request.user,
        ),
        message="Meeting added",
        success_url=_meeting_url,
        template="scrutiny/meeting_form.html",
        context=_context(request, committee, meeting=None),
    )


@login_required
def meeting_detail(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)  # out of scope is 404 whatever the method
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    committee = meeting.committee
    return render(
        request,
        "scrutiny/meeting_detail.html",
        _context(
            request,
            committee,
            meeting=meeting,
            items=queries.agenda_of(meeting),
            declarations=queries.declarations_at(meeting),
            work_programme=meeting.planned_items.all(),
            held=Meeting.Status.HELD,
            cancelled=Meeting.Status.CANCELLED,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    committee = _editable(request, meeting.committee)
    form = forms.MeetingForm(
        request.POST or None, initial={"venue": meeting.venue, "status": meeting.status}
    )
    form.set_start(meeting.starts_at)
    return form_page(
        request,
        form,
        save=lambda data: services.meeting_update(
            meeting=meeting,
            starts_at=data["starts_at"],
            venue=data["venue"],
            status=data["status"],
            by=request.user,
        ),
        message="Meeting saved",
        success_url=_meeting_url(meeting),
        template="scrutiny/meeting_form.html",
        context=_context(request, committee, meeting=meeting),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_add(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    committee = _editable(request, meeting.committee)
    form = forms.AgendaItemForm(request.POST or None)
    form.set_choices("programme", _programme_choices(request, committee), "No programme")
    return form_page(
        request,
        form,
        save=lambda data: services.agenda_item_add(
            meeting=meeting,
            number=data["number"],
            title=data["title"],
            programme=_chosen(_programmes(request, committee), data["programme"]),
            summary=data["summary"],
            by=request.user,
        ),
        message=lambda item: f"Item {item.number} added to the agenda",
        success_url=_meeting_url(meeting),
        template="scrutiny/meeting_item_form.html",
        context=_context(request, committee, meeting=meeting, item=None),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, meeting_id: int, item_id: int):
    meeting = _meeting(request, meeting_id)
    committee = _editable(request, meeting.committee)
    item = get_object_or_404(queries.agenda_of(meeting), pk=item_id)
    form = forms.AgendaItemForm(
        request.POST or None,
        initial={
            "number": item.number,
            "title": item.title,
            "programme": str(item.programme_id or ""),
            "summary": item.summary,
        },
    )
    form.set_choices("programme", _programme_choices(request, committee), "No programme")
    return form_page(
        request,
        form,
        save=lambda data: services.agenda_item_update(
            item=item,
            number=data["number"],
            title=data["title"],
            programme=_chosen(_programmes(request, committee), data["programme"]),
            summary=data["summary"],
            by=request.user,
        ),
        message=lambda saved: f"Item {saved.number} saved",
        success_url=_meeting_url(meeting),
        template="scrutiny/meeting_item_form.html",
        context=_context(request, committee, meeting=meeting, item=item),
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_add(request, meeting_id: int, item_id: int):
    meeting = _meeting(request, meeting_id)
    committee = _editable(request, meeting.committee)
    item = get_object_or_404(queries.agenda_of(meeting), pk=item_id)
    form = forms.DecisionForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: services.decision_record(
            item=item,
            kind=data["kind"],
            text=data["text"],
            decided_on=data["decided_on"],
            is_substantial=form.answer(),
            reasons=data["reasons"],
            referred_to=data["referred_to"],
            by=request.user,
        ),
        message=f"Decision on item {item.number} recorded",
        success_url=_meeting_url(meeting),
        template="scrutiny/meeting_decision_form.html",
        context=_context(request, committee, meeting=meeting, item=item),
    )


@login_required
@require_http_methods(["GET", "POST"])
def declaration_add(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    committee = _editable(request, meeting.committee)
    members = queries.members_of(committee)
    items = queries.agenda_of(meeting)
    form = forms.DeclarationForm(request.POST or None)
    form.set_choices("member", [(m.pk, m.name) for m in members], "Choose the member")
    form.set_choices(
        "item", [(i.pk, f"{i.number}. {i.title}") for i in items], "Not about one item"
    )
    return form_page(
        request,
        form,
        save=lambda data: services.declaration_record(
            meeting=meeting,
            member=_chosen(members, data["member"]),
            item=_chosen(items, data["item"]),
            kind=data["kind"],
            interest=data["interest"],
            left_the_room=data["left_the_room"],
            by=request.user,
        ),
        message=lambda declaration: f"Declaration by {declaration.member.name} recorded",
        success_url=_meeting_url(meeting),
        template="scrutiny/meeting_declaration_form.html",
        context=_context(request, committee, meeting=meeting),
    )


# ---------------------------------------------------------------------------------------------
# Actions


STATUS_FILTERS = [
    ("", "All"),
    ("outstanding", "Open or in progress"),
    ("overdue", "Overdue"),
    *Action.Status.choices,
]


@login_required
@require_safe
def action_list(request):
    """The action log, across the committees the person may see, filtered by committee,
    programme and status. An unknown filter value is ignored, never an error."""
    _must_see(request)
    committees = queries.committees_visible_to(request.user)
    committee = _pick(committees, request.GET.get("committee"))
    programme_choices = queries.programmes_visible_to(request.user).order_by("name")
    programme = _pick(programme_choices, request.GET.get("programme"))
    status = request.GET.get("status", "")
    if status not in dict(STATUS_FILTERS):
        status = ""
    actions = queries.action_log(
        request.user, committee=committee, programme=programme, status=status or None
    )
    return render(
        request,
        "scrutiny/action_log.html",
        {
            "actions": actions,
            "committees": committees,
            "committee": committee,
            "programmes": programme_choices,
            "programme": programme,
            "status": status,
            "statuses": STATUS_FILTERS,
        },
    )


def _pick(queryset, value):
    return queryset.filter(pk=int(value)).first() if value and value.isdigit() else None


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request, pk: int):
    committee = _editable(request, _committee(request, pk))
    items = queries.agenda_items_visible_to(request.user).filter(meeting__committee=committee)
    form = forms.ActionForm(request.POST or None, initial={"item": request.GET.get("item", "")})
    form.set_choices(
        "item",
        [(i.pk, f"{i.meeting.starts_at:%d/%m/%Y} item {i.number}: {i.title}") for i in items],
        "Not from one agenda item",
    )
    form.set_choices(
        "programme", _programme_choices(request, committee), "The agenda item's programme, if any"
    )
    return form_page(
        request,
        form,
        save=lambda data: services.action_add(
            committee=committee,
            description=data["description"],
            owner_name=data["owner_name"],
            due_on=data["due_on"],
            item=_chosen(items, data["item"]),
            programme=_chosen(_programmes(request, committee), data["programme"]),
            by=request.user,
        ),
        message="Action added",
        success_url=_action_url,
        template="scrutiny/action_form.html",
        context=_context(request, committee),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request, action_id: int):
    action = get_object_or_404(queries.action_log(request.user), pk=action_id)
    committee = action.committee
    form = forms.ActionUpdateForm(
        request.POST or None, initial={"status": action.status, "owner_name": action.owner_name}
    )
    form.date_initial("due_on", action.due_on)
    form.date_initial("completed_on", action.completed_on)
    if request.method == "POST":
        _editable(request, committee)
    return form_page(
        request,
        form,
        save=lambda data: services.action_update(
            action=action,
            status=data["status"],
            update=data["update"],
            completed_on=data["completed_on"],
            due_on=data["due_on"],
            owner_name=data["owner_name"],
            by=request.user,
        ),
        message="Action updated",
        success_url=_action_url(action),
        template="scrutiny/action_detail.html",
        context=_context(request, committee, action=action, history=queries.action_history(action)),
    )


# ---------------------------------------------------------------------------------------------
# Work programme


@login_required
@require_http_methods(["GET", "POST"])
def work_programme_add(request, pk: int):
    committee = _editable(request, _committee(request, pk))
    form = forms.WorkProgrammeItemForm(request.POST or None)
    form.set_choices("programme", _programme_choices(request, committee), "No programme")
    return form_page(
        request,
        form,
        save=lambda data: services.work_programme_item_add(
            committee=committee,
            title=data["title"],
            planned_for=data["planned_for"],
            programme=_chosen(_programmes(request, committee), data["programme"]),
            notes=data["notes"],
            by=request.user,
        ),
        message=lambda entry: f"'{entry.title}' added to the work programme",
        success_url=_committee_url(committee),
        template="scrutiny/work_programme_form.html",
        context=_context(request, committee),
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_programme_item(request, pk: int, entry_id: int):
    committee = _committee(request, pk)
    entry = get_object_or_404(queries.work_programme_of(committee), pk=entry_id)
    meetings = queries.choosable_meetings(committee)
    step = request.POST.get("step", "edit") if request.method == "POST" else None
    edit = forms.WorkProgrammeEditForm(
        request.POST if step == "edit" else None,
        initial={
            "title": entry.title,
            "programme": str(entry.programme_id or ""),
            "notes": entry.notes,
            "status": entry.status,
        },
    )
    edit.month_initial(entry.planned_for)
    edit.set_choices("programme", _programme_choices(request, committee), "No programme")
    schedule = forms.ScheduleForm(request.POST if step == "schedule" else None)
    schedule.set_choices(
        "meeting",
        [(m.pk, f"{timezone.localtime(m.starts_at):%d/%m/%Y %H:%M} {m.venue}") for m in meetings],
        "Choose a meeting",
    )
    if step is not None:
        _editable(request, committee)
        done = None
        if step == "edit" and edit.is_valid():
            data = edit.cleaned_data
            done = run_service(
                edit,
                lambda: services.work_programme_item_update(
                    entry=entry,
                    title=data["title"],
                    planned_for=data["planned_for"],
                    status=data["status"],
                    programme=_chosen(_programmes(request, committee), data["programme"]),
                    notes=data["notes"],
                    by=request.user,
                ),
            )
        elif step == "schedule" and schedule.is_valid():
            data = schedule.cleaned_data
            done = run_service(
                schedule,
                lambda: services.work_programme_item_schedule(
                    entry=entry,
                    meeting=_chosen(meetings, data["meeting"]),
                    add_to_agenda=data["add_to_agenda"],
                    by=request.user,
                ),
            )
        if done:
            messages.success(request, f"'{entry.title}' saved")
            return redirect("scrutiny:committee", committee.pk)
    return render(
        request,
        "scrutiny/work_programme_item.html",
        _context(request, committee, entry=entry, edit=edit, schedule=schedule, meetings=meetings),
    )
