"""Thin views for engagement activities, participation, survey imports and reach: parse, call a
query or service, render. Everything is read through queries.py (scoped to the user); a record
out of scope is 404, a record that may be read but not changed is 403 on a write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tendercare.core.charts import Bar, bar_chart
from tendercare.core.forms import run_service
from tendercare.core.history import history_url

from . import forms, queries, rules, services, survey_rows
from .groups import BY_CODE
from .reach import whole_percent


def _activity(request, pk: int):
    activity = queries.activity_for(request.user, pk)
    if activity is None:
        raise Http404("No such activity")
    return activity


def _manageable(request, activity):
    if not queries.can_manage_activity(request.user, activity):
        raise PermissionDenied("You can read this activity but not change it")
    return activity


def _must_see(request) -> None:
    if not rules.may_see_engagement(request.user):
        raise Http404("Not found")


def _posted(request, *, files: bool = False) -> tuple:
    """The form's data when posted (even an empty post, so that it shows its errors)."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def _programme_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_safe
def activity_list(request):
    _must_see(request)
    programmes = list(queries.programmes_for_engagement(request.user))
    chosen_id = _programme_id(request.GET.get("programme"))
    chosen = next((p for p in programmes if p.pk == chosen_id), None)
    return render(
        request,
        "engagement/activity_list.html",
        {
            "activities": queries.activity_list(request.user, programme=chosen),
            "programmes": programmes,
            "chosen": chosen,
            "can_create": queries.can_record_engagement(request.user),
        },
    )


def _activity_values(form) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "kind": data["kind"],
        "channel": data["channel"],
        "starts_on": data["starts_on"],
        "ends_on": data["ends_on"],
        "place": data["place"],
        "organiser": data["organiser"],
        "summary": data["summary"],
        "programme": data["programme"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    _must_see(request)
    if not queries.can_record_engagement(request.user):
        raise PermissionDenied("Only commissioning staff can record engagement")
    programmes = list(queries.programmes_for_engagement(request.user))
    initial = {}
    wanted = _programme_id(request.GET.get("programme"))
    if any(p.pk == wanted for p in programmes):
        initial["programme"] = str(wanted)
    form = forms.ActivityForm(*_posted(request), programmes=programmes, initial=initial)
    if request.method == "POST" and form.is_valid():
        activity = run_service(
            form,
            lambda: services.activity_create(
                owner=request.user.organisation, by=request.user, **_activity_values(form)
            ),
        )
        if activity:
            messages.success(request, f"Activity '{activity.title}' recorded")
            return redirect("engagement:activity", activity.pk)
    return render(request, "engagement/activity_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    activity = _manageable(request, _activity(request, pk))
    programmes = list(queries.programmes_for_engagement(request.user))
    form = forms.ActivityForm(
        *_posted(request),
        programmes=programmes,
        initial={
            "title": activity.title,
            "kind": activity.kind,
            "channel": activity.channel,
            "place": activity.place,
            "organiser": activity.organiser,
            "summary": activity.summary,
            "programme": str(activity.programme_id or ""),
        },
    )
    form.date_initial("starts_on", activity.starts_on)
    form.date_initial("ends_on", activity.ends_on)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.activity_update(
                activity=activity, by=request.user, **_activity_values(form)
            ),
        )
        if done:
            messages.success(request, "Activity saved")
            return redirect("engagement:activity", activity.pk)
    return render(request, "engagement/activity_form.html", {"form": form, "activity": activity})


@login_required
@require_safe
def activity_detail(request, pk: int):
    activity = _activity(request, pk)
    total, tables = queries.participation_table(activity)
    return render(
        request,
        "engagement/activity_detail.html",
        {
            "activity": activity,
            "total": total,
            "tables": tables,
            "imports": list(queries.survey_imports_of(activity)[:20]),
            "can_manage": queries.can_manage_activity(request.user, activity),
            "history_url": history_url,
        },
    )


@login_required
@require_POST
def activity_publish(request, pk: int):
    activity = _manageable(request, _activity(request, pk))
    action = request.POST.get("action")
    if action == "publish":
        services.activity_publish(activity=activity, by=request.user)
        messages.success(request, "Published: the activity shows on the public pages")
    elif action == "unpublish":
        services.activity_unpublish(activity=activity, by=request.user)
        messages.success(request, "Taken off the public pages")
    else:
        raise Http404("Unknown action")
    return redirect("engagement:activity", activity.pk)


@login_required
@require_http_methods(["GET", "POST"])
def participation_edit(request, pk: int, dimension: str):
    activity = _manageable(request, _activity(request, pk))
    if dimension not in BY_CODE:
        raise Http404("No such dimension")
    recorded = queries.participation_recorded(activity).get(dimension, {})
    form = forms.ParticipationForm(
        *_posted(request),
        dimension=dimension,
        initial={f"g_{group}": n for group, n in recorded.items()},
    )
    total, tables = queries.participation_table(activity)
    others = [t for t in tables if t.recorded and t.code != dimension]
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.participation_set(
                activity=activity, dimension=dimension, counts=form.counts(), by=request.user
            ),
        )
        if done is not None:
            messages.success(request, f"Participation by {BY_CODE[dimension].label.lower()} saved")
            return redirect("engagement:activity", activity.pk)
    return render(
        request,
        "engagement/activity_participation.html",
        {
            "activity": activity,
            "form": form,
            "dimension": BY_CODE[dimension],
            "total": total if others else None,
        },
    )


@login_required
@require_POST
def participation_clear(request, pk: int):
    activity = _manageable(request, _activity(request, pk))
    services.participation_clear(activity=activity, by=request.user)
    messages.success(request, "Participation cleared: enter it again")
    return redirect("engagement:activity", activity.pk)


@login_required
@require_http_methods(["GET", "POST"])
def survey_upload(request, pk: int):
    activity = _manageable(request, _activity(request, pk))
    form = forms.SurveyUploadForm(*_posted(request, files=True))
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.survey_import(
            activity=activity, file=upload, filename=upload.name, by=request.user
        )
        if result.ok:
            text = result.summary() if result.created else "Nothing was imported."
            for note in result.notes:
                text += f" {note[:1].upper()}{note[1:]}."
            messages.success(request, text)
            return redirect("engagement:activity", activity.pk)
    return render(
        request,
        "engagement/activity_survey.html",
        {
            "activity": activity,
            "form": form,
            "result": result,
            "columns": survey_rows.TEMPLATE_HEADER.split(","),
        },
    )


@login_required
@require_safe
def survey_template(request):
    _must_see(request)
    response = HttpResponse(
        survey_rows.TEMPLATE_HEADER + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="survey-responses-template.csv"'
    return response


# Short names for the chart's labels (the table beside it has the full Census names).
SHORT_LABELS = {
    "asian": "Asian",
    "black": "Black",
    "mixed": "Mixed",
    "white": "White",
    "other": "Other",
    "disabled": "Disabled",
    "not_disabled": "Not disabled",
    "carer": "Carer",
    "not_carer": "Not a carer",
}


def _reach_chart(dimension) -> object | None:
    groups = [r for r in dimension.groups if r.population_share is not None]
    if not groups or dimension.compared == 0:
        return None
    bars = []
    for r in groups:
        label = SHORT_LABELS.get(r.group, r.label)
        bars.append(
            Bar(
                f"{label}: residents",
                float(r.population_share * 100),
                whole_percent(r.population_share),
            )
        )
        bars.append(
            Bar(
                f"{label}: taking part",
                float(r.participant_share * 100),
                whole_percent(r.participant_share),
            )
        )
    return bar_chart(
        bars,
        chart_id=f"reach-{dimension.code.replace('_', '-')}",
        title=f"{dimension.label}: share of residents and of participants",
        description=(
            f"For each group by {dimension.label.lower()}, two bars: its share of the residents "
            "of the areas served and its share of the participants who said."
        ),
        label_width=260,
        width=720,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reach_page(request, programme_id: int):
    """The programme's reach; a POST sets the ages it serves (people who may manage its
    engagement; 403 for one who may only read it)."""
    _must_see(request)
    programme = queries.programme_for_reach(request.user, programme_id)
    if programme is None:
        raise Http404("No such programme")
    can_set_ages = queries.can_set_ages_served(request.user, programme)
    if request.method == "POST" and not can_set_ages:
        raise PermissionDenied("You can read this programme's reach but not change it")
    form = forms.AgesServedForm(
        *_posted(request), initial={"youngest_age": programme.youngest_age_served}
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.programme_set_ages_served(
                programme=programme,
                youngest_age=form.cleaned_data["youngest_age"],
                by=request.user,
            ),
        )
        if done is not None:
            messages.success(
                request, f"People this programme serves: {done.get_youngest_age_served_display()}"
            )
            return redirect("engagement:reach", programme.pk)
    result = queries.programme_reach(programme)
    charts = {d.code: _reach_chart(d) for d in result.dimensions}
    return render(
        request,
        "engagement/reach_programme.html",
        {
            "programme": programme,
            "reach": result,
            "charts": charts,
            "form": form if can_set_ages else None,
            "channel_table": _channel_table(result),
        },
    )


def _channel_table(result) -> list[dict]:
    """Rows of the reach-by-channel table: each group with a population share, and for each
    channel its participants' share and ratio (None where nobody of that channel said)."""
    rows = []
    by_code = [{d.code: d for d in c.dimensions} for c in result.channels]
    for d in result.dimensions:
        for r in d.groups:
            if r.population_share is None:
                continue
            cells = []
            for dims in by_code:
                match = next(x for x in dims[d.code].rows if x.group == r.group)
                cells.append(match)
            rows.append({"dimension": d.label, "row": r, "channels": cells})
    return rows
