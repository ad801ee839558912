"""Scenario pages: the list, a scenario's build-up and band rates, changing a value, comparing
two versions. Thin: parse, call a query or service, hand a presenter to the template.

People who may not see pricing at all (providers, evaluators) get 404, as does a scenario of
another organisation; people who may read but not change (councillors, contract managers) get
403 on the change pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tendercare.core.errors import DomainError
from tendercare.core.formats import gbp
from tendercare.core.forms import run_service
from tendercare.core.history import history_url

from . import cost_model, forms, presenters, queries, rules, services


def _may_see_pricing(request) -> None:
    if not rules.may_see_pricing(request.user):
        raise Http404("No pricing here")


def _scenario(request, pk: int):
    _may_see_pricing(request)
    return get_object_or_404(queries.scenarios_visible_to(request.user), pk=pk)


def _editable(request, scenario):
    if not services.can_edit_scenario(request.user, scenario):
        raise PermissionDenied("You can read this scenario but not change it")
    return scenario


def _version_label(version) -> str:
    return f"{version.scenario.name}, version {version.number}"


@login_required
@require_GET
def scenario_list(request):
    _may_see_pricing(request)
    rows = []
    for scenario in queries.scenarios_visible_to(request.user):
        version = queries.current_version(scenario)
        shown = presenters.for_version(version)
        rows.append((scenario, version, shown))
    return render(
        request,
        "pricing/scenario_list.html",
        {
            "rows": rows,
            "can_create": services.can_create_scenario(request.user),
            "hca": presenters.HCA_LABEL,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scenario_create(request):
    _may_see_pricing(request)
    if not services.can_create_scenario(request.user):
        raise PermissionDenied("Your role can read scenarios but not create them")
    versions = {
        str(scenario.pk): version
        for scenario in queries.scenarios_visible_to(request.user)
        if (version := queries.current_version(scenario))
    }
    copy_choices = [(pk, _version_label(v)) for pk, v in versions.items()]
    form = forms.ScenarioCreateForm(
        request.POST or None,
        copy_choices=copy_choices,
        initial={"starting_point": services.HCA_NLW},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "owner": request.user.organisation,
            "name": data["name"],
            "description": data["description"],
            "by": request.user,
        }
        point = data["starting_point"]

        def create():
            if point == services.COPY:
                return services.scenario_copy(from_version=versions[data["copy_from"]], **common)
            return services.scenario_create(
                starting_values=services.starting_values(point),
                reason=f"First version: {services.STARTING_POINTS[point]}",
                **common,
            )

        scenario = run_service(form, create)
        if scenario:
            messages.success(request, f"Scenario '{scenario.name}' created")
            return redirect("pricing:scenario", scenario.pk)
    return render(request, "pricing/scenario_create.html", {"form": form})


@login_required
@require_GET
def scenario_detail(request, pk: int):
    scenario = _scenario(request, pk)
    version = queries.current_version(scenario)
    versions = list(queries.versions_visible_to(request.user).filter(scenario=scenario))
    return render(
        request,
        "pricing/scenario_detail.html",
        {
            "scenario": scenario,
            "version": version,
            "shown": presenters.for_version(version),
            "versions": presenters.version_rows(versions),
            "can_edit": services.can_edit_scenario(request.user, scenario),
            "monitoring_scenario": queries.scenario_for_monitoring(scenario.owner),
            "history_url": history_url(scenario),
            "hca_source": presenters.HCA_LABEL,
        },
    )


@login_required
@require_POST
def scenario_use_for_monitoring(request, pk: int):
    scenario = _editable(request, _scenario(request, pk))
    services.scenario_use_for_monitoring(scenario=scenario, by=request.user)
    messages.success(
        request, f"Monitoring now measures carers' paid travel against {scenario.name}"
    )
    return redirect("pricing:scenario", pk=scenario.pk)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_change(request, pk: int):
    scenario = _editable(request, _scenario(request, pk))
    version = queries.current_version(scenario)
    initial = {"key": request.GET.get("key", ""), "band": request.GET.get("band", "")}
    form = forms.ChangeValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = services.Change(
            key=data["key"],
            band=data["band"],
            value=data["value"],
            source=data["source"],
            source_date=data["source_date"],
        )
        try:
            new = services.scenario_revise(
                scenario=scenario, by=request.user, changes=[change], reason=data["reason"]
            )
        except services.ChangeRefused as error:
            form.add_error(error.field, error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            rate = presenters.for_version(new).rate
            before = presenters.for_version(version)
            was = f" (it was {gbp(before.rate)})" if before and before.rate is not None else ""
            messages.success(
                request,
                f"Version {new.number} saved. "
                f"The hourly rate for all bands is now {gbp(rate)}{was}",
            )
            return redirect("pricing:scenario", scenario.pk)
    return render(
        request,
        "pricing/scenario_change.html",
        {
            "scenario": scenario,
            "form": form,
            "shown": presenters.for_version(version),
            "band_keys": [spec.label for spec in cost_model.PARAMETERS if spec.by_band],
        },
    )


@login_required
@require_GET
def scenario_compare(request):
    _may_see_pricing(request)
    visible = {v.pk: v for v in queries.versions_visible_to(request.user)}
    choices = [
        (pk, _version_label(v))
        for pk, v in sorted(visible.items(), key=lambda kv: (kv[1].scenario.name, -kv[1].number))
    ]
    form = forms.CompareForm(request.GET or None, version_choices=choices)
    compared = None
    if form.is_bound and form.is_valid():
        a, b = visible[form.cleaned_data["a"]], visible[form.cleaned_data["b"]]
        compared = presenters.ComparePresenter(presenters.for_version(a), presenters.for_version(b))
    return render(
        request,
        "pricing/scenario_compare.html",
        {"form": form, "compared": compared, "version_label": _version_label},
    )
