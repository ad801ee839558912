"""Travel run pages: the list, uploading a zone-week, a run's results by band, one carer's run
(table and map), and applying a run to a scenario. Thin: parse, call travel.py, render.

People who may not see pricing (providers, evaluators) and runs of other organisations get 404;
councillors read but may not upload or apply (403).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tendercare.core.forms import GovukForm, run_service

from . import queries, rules, travel


def _may_see(request) -> None:
    if not rules.may_see_pricing(request.user):
        raise Http404("No pricing here")


def _run(request, pk):
    _may_see(request)
    run = travel.travel_run_for(request.user, pk)
    if run is None:
        raise Http404("No such travel run")
    return run


def _may_edit(request, obj=None) -> None:
    if not rules.may_edit_pricing(request.user) or (
        obj is not None and not rules.can_edit_pricing(request.user, obj)
    ):
        raise PermissionDenied("You can read travel runs but not create or apply them")


def _speed_field(band: str) -> forms.DecimalField:
    label = f"The {band} speed"
    return forms.DecimalField(
        required=False,
        min_value=travel.MIN_SPEED_MPH,
        max_value=travel.MAX_SPEED_MPH,
        max_digits=4,
        decimal_places=1,
        error_messages={
            "invalid": f"{label} must be a number of miles per hour, like "
            f"{travel.DEFAULT_SPEEDS[band]}",
            "min_value": f"{label} must be {travel.MIN_SPEED_MPH} miles per hour or more",
            "max_value": f"{label} must be {travel.MAX_SPEED_MPH} miles per hour or less",
            "max_digits": f"{label} must be {travel.MAX_SPEED_MPH} miles per hour or less",
            "max_decimal_places": f"{label} can have at most one decimal place",
            "max_whole_digits": f"{label} must be {travel.MAX_SPEED_MPH} miles per hour or less",
        },
    )


class UploadForm(GovukForm):
    date_fields = {"week_start": ("Week starting", True)}
    zone = forms.CharField(max_length=200, error_messages={"required": "Enter the zone's name"})
    visits = forms.FileField(error_messages={"required": "Choose the visits file"})
    carers = forms.FileField(error_messages={"required": "Choose the carers file"})
    matrix = forms.FileField(required=False)
    seconds_per_day = forms.IntegerField(
        min_value=1,
        max_value=60,
        initial=5,
        error_messages={
            "required": "Enter the seconds to search for each day",
            "invalid": "Seconds per day must be a whole number",
            "min_value": "Seconds per day must be 1 or more",
            "max_value": "Seconds per day must be 60 or less",
        },
    )
    # Optional: blank means the default shown in the hint.
    detour = forms.DecimalField(
        required=False,
        min_value=travel.MIN_DETOUR,
        max_value=travel.MAX_DETOUR,
        max_digits=3,
        decimal_places=2,
        error_messages={
            "invalid": f"The detour factor must be a number, like {travel.DEFAULT_DETOUR}",
            "min_value": f"The detour factor must be {travel.MIN_DETOUR} or more",
            "max_value": f"The detour factor must be {travel.MAX_DETOUR} or less",
            "max_digits": f"The detour factor must be {travel.MAX_DETOUR} or less",
            "max_decimal_places": "The detour factor can have at most two decimal places",
            "max_whole_digits": f"The detour factor must be {travel.MAX_DETOUR} or less",
        },
    )
    speed_urban = _speed_field("urban")
    speed_fringe = _speed_field("fringe")
    speed_rural = _speed_field("rural")
    speed_isolated = _speed_field("isolated")

    def speeds(self) -> dict[str, object]:
        return {
            band: self.cleaned_data[f"speed_{band}"]
            for band in travel.BANDS
            if self.cleaned_data.get(f"speed_{band}") is not None
        }


class ApplyForm(GovukForm):
    scenario = forms.ChoiceField(error_messages={"required": "Choose a scenario"})
    reason = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, scenarios=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = [("", "Choose a scenario")] + [
            (str(s.pk), s.name) for s in scenarios
        ]
        self.fields["scenario"].error_messages["invalid_choice"] = "Choose a scenario"


def _editable_scenarios(user):
    return [s for s in queries.scenarios_visible_to(user) if rules.can_edit_pricing(user, s)]


@login_required
@require_GET
def run_list(request):
    _may_see(request)
    return render(
        request,
        "pricing/travel_list.html",
        {
            "runs": list(queries.travel_runs_visible_to(request.user)),
            "can_create": bool(rules.may_edit_pricing(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def run_upload(request):
    _may_see(request)
    _may_edit(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matrix = data.get("matrix")
        result = run_service(
            form,
            lambda: travel.travel_import(
                owner=request.user.organisation,
                by=request.user,
                zone=data["zone"],
                week_start=data["week_start"],
                visits=data["visits"],
                visits_filename=data["visits"].name,
                carers=data["carers"],
                carers_filename=data["carers"].name,
                matrix=matrix,
                matrix_filename=matrix.name if matrix else "",
                seconds_per_day=data["seconds_per_day"],
                detour=data.get("detour"),
                speeds=form.speeds(),
            ),
        )
        if result is not None and result.ok:
            travel.travel_run_enqueue(result.run)
            messages.success(request, f"Travel run {result.run.pk} is queued")
            return redirect("pricing:travel-run", result.run.pk)
    return render(
        request,
        "pricing/travel_upload.html",
        {
            "form": form,
            "result": result,
            "default_detour": travel.DEFAULT_DETOUR,
            "default_speeds": travel.DEFAULT_SPEEDS,
        },
    )


@login_required
@require_GET
def run_detail(request, pk: int):
    run = _run(request, pk)
    unserved = travel.unserved_summary(run) if run.status == run.Status.DONE else None
    can_apply = (
        bool(rules.can_edit_pricing(request.user, run))
        and travel.feasibility_passed(run)
        and not (unserved and unserved.too_many)
    )
    scenarios = _editable_scenarios(request.user) if can_apply else []
    return render(
        request,
        "pricing/travel_run.html",
        {
            "run": run,
            "running": run.status in (run.Status.QUEUED, run.Status.RUNNING),
            "results": list(run.band_results.all()),
            "carers": travel.carer_summaries(run) if run.status == run.Status.DONE else [],
            "source": travel.source_line(run),
            "feasible": travel.feasibility_passed(run),
            "unserved": unserved,
            "form": ApplyForm(scenarios=scenarios) if can_apply and scenarios else None,
            "can_apply": can_apply,
        },
    )


@login_required
@require_POST
def run_apply(request, pk: int):
    run = _run(request, pk)
    _may_edit(request, run)
    scenarios = _editable_scenarios(request.user)
    form = ApplyForm(request.POST, scenarios=scenarios)
    if form.is_valid():
        scenario = queries.scenario_for(request.user, form.cleaned_data["scenario"])
        version = run_service(
            form,
            lambda: travel.travel_apply(
                run=run, scenario=scenario, by=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if version is not None:
            messages.success(
                request, f"{scenario.name} version {version.number} uses travel run {run.pk}"
            )
            return redirect("pricing:scenario", scenario.pk)
    return render(
        request,
        "pricing/travel_run.html",
        {
            "run": run,
            "running": False,
            "results": list(run.band_results.all()),
            "carers": travel.carer_summaries(run),
            "source": travel.source_line(run),
            "feasible": travel.feasibility_passed(run),
            "unserved": travel.unserved_summary(run),
            "form": form,
            "can_apply": True,
        },
        status=400,
    )


@dataclass
class MapPoint:
    x: float
    y: float
    label: str


def _project(points: list[tuple[float, float]], width=560, height=400, pad=24):
    """Equirectangular: x from longitude shrunk by cos(mean latitude), y from latitude."""
    if not points:
        return []
    mid = math.radians(sum(p[0] for p in points) / len(points))
    xs = [p[1] * math.cos(mid) for p in points]
    ys = [p[0] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-3)
    scale = min(width - 2 * pad, height - 2 * pad) / span
    # Centre the drawing, so a run inside one LSOA sits in the middle rather than a corner.
    left = (width - (max(xs) - min(xs)) * scale) / 2
    bottom = (height - (max(ys) - min(ys)) * scale) / 2
    return [
        (round(left + (x - min(xs)) * scale, 1), round(height - bottom - (y - min(ys)) * scale, 1))
        for x, y in zip(xs, ys, strict=True)
    ]


@login_required
@require_GET
def carer_detail(request, pk: int, carer_pk: int):
    carer = travel.run_carer_for(request.user, pk, carer_pk)
    if carer is None:
        _may_see(request)
        raise Http404("No such carer in this run")
    stops = travel.carer_stops(carer)
    places = travel.centroids(
        [carer.start_lsoa_code] + [s.visit.lsoa_code for s in stops], owner_id=carer.run.owner_id
    )
    codes = [carer.start_lsoa_code] + [s.visit.lsoa_code for s in stops] + [carer.start_lsoa_code]
    known = [c for c in codes if c in places]
    xy = _project([places[c][:2] for c in known])
    labels = ["Home"] + [f"{i}. {s.visit.ref}" for i, s in enumerate(stops, start=1)] + ["Home"]
    points = [MapPoint(x, y, label) for (x, y), label in zip(xy, labels, strict=False)]
    rows = [
        {
            "stop": stop,
            "band": places.get(stop.visit.lsoa_code, ("", "", stop.visit.band))[2],
        }
        for stop in stops
    ]
    return render(
        request,
        "pricing/travel_carer.html",
        {
            "run": carer.run,
            "carer": carer,
            "rows": rows,
            "points": points,
            "polyline": " ".join(f"{p.x},{p.y}" for p in points),
            "other_shifts": travel.other_shifts(carer),
            "total_minutes": sum(s.travel_minutes for s in stops[1:]),
            "total_miles": sum(s.travel_miles for s in stops[1:]),
        },
    )
