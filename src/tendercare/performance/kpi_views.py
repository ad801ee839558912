"""KPI pages: results by provider, zone and month; one KPI over months with its rating and a
drill-down to the visits; one KPI over months for a contract (a community return's figures,
or a visit KPI over the contract's zones); a contract's KPI schedule; community returns.
Thin: parse, call queries / schedules / kpi_engine, render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tendercare.core.forms import run_service
from tendercare.organisations.rules import is_provider_user

from . import kpi_engine, kpis, queries, rules, schedules, spc_chart
from .kpi_forms import ReturnFileForm, ReturnForm, ScheduleForm

DRILL_LIMIT = 500
LONDON = ZoneInfo("Europe/London")


def _uk(value) -> str:
    """A naive UTC time from the store as UK wall-clock time, with GMT or BST."""
    if value is None:
        return ""
    local = value.replace(tzinfo=dt.UTC).astimezone(LONDON)
    return f"{local:%d %b %Y %H:%M} {local.tzname()}"


def _span(start, end, missing: str) -> str:
    if start is None:
        return missing
    return f"{_uk(start)} to {_uk(end) if end else 'no end recorded'}"


def _may_see(user) -> bool:
    return bool(is_provider_user(user) or rules.may_see_monitoring(user))


@dataclass
class Rated:
    """A result as a page shows it: value with unit, the thresholds used and the rating."""

    result: object
    target: Decimal
    amber: Decimal
    scheduled: bool
    rating: str

    @property
    def value_text(self) -> str:
        value = self.result.value
        if value is None:
            return "No figure"
        unit = self.result.kpi.unit
        if unit == "percent":
            return f"{value:.1f}%"
        if unit.startswith("percent"):
            return f"{value:.1f}% {unit.removeprefix('percent ')}"
        return f"{value:.2f} {unit}"

    @property
    def tag(self) -> str:
        return {
            "green": "govuk-tag--green",
            "amber": "govuk-tag--yellow",
            "red": "govuk-tag--red",
        }.get(self.rating, "govuk-tag--grey")


def _schedule_map(user) -> dict:
    return {(s.contract_id, s.kpi_id): s for s in queries.schedules_visible_to(user)}


def _rate(result, schedule_map) -> Rated:
    schedule = schedule_map.get((result.contract_id, result.kpi_id))
    kpi = result.kpi
    target = schedule.target if schedule else kpi.default_target
    amber = schedule.amber if schedule else kpi.default_amber
    rating = kpis.rate(result.value, target=target, amber=amber, better=kpi.better)
    return Rated(result, target, amber, schedule is not None, rating)


def _int(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def _month(value) -> dt.date | None:
    try:
        return schedules.parse_month(value) if value else None
    except Exception:  # noqa: BLE001 - a bad filter is ignored, never a 500
        return None


@login_required
@require_GET
def results(request):
    user = request.user
    if not _may_see(user):
        raise Http404
    visible = queries.results_visible_to(user)
    chosen = {
        "kpi": request.GET.get("kpi", ""),
        "provider": _int(request.GET.get("provider")),
        "zone": _int(request.GET.get("zone")),
        "month": _month(request.GET.get("month")),
    }
    filtered = visible
    if chosen["kpi"]:
        filtered = filtered.filter(kpi__code=chosen["kpi"])
    if chosen["provider"]:
        filtered = filtered.filter(provider_id=chosen["provider"])
    if chosen["zone"]:
        filtered = filtered.filter(zone_id=chosen["zone"])
    if chosen["month"]:
        filtered = filtered.filter(month=chosen["month"])
    filtered = filtered.order_by("-month", "kpi__code", "provider__name", "zone__name")
    page = Paginator(filtered, 100).get_page(request.GET.get("page"))
    schedule_map = _schedule_map(user)
    options = {
        "kpis": list(queries.kpi_definitions()),
        "providers": sorted(
            set(visible.values_list("provider_id", "provider__name")), key=lambda p: p[1]
        ),
        "zones": sorted(
            set(visible.exclude(zone=None).values_list("zone_id", "zone__name")),
            key=lambda z: z[1],
        ),
        "months": sorted(set(visible.values_list("month", flat=True)), reverse=True),
    }
    return render(
        request,
        "performance/kpi_list.html",
        {
            "page": page,
            "rows": [_rate(r, schedule_map) for r in page.object_list],
            "chosen": chosen,
            "options": options,
            "total": page.paginator.count,
        },
    )


@login_required
@require_GET
def kpi_detail(request, code, provider_pk, zone_pk):
    user = request.user
    if not _may_see(user):
        raise Http404
    found = list(
        queries.results_visible_to(user)
        .filter(kpi__code=code, provider_id=provider_pk, zone_id=zone_pk)
        .order_by("month")
    )
    if not found:
        raise Http404
    schedule_map = _schedule_map(user)
    rows = [_rate(r, schedule_map) for r in found]
    latest = rows[-1]
    definition = found[0].kpi
    builtin = kpis.BY_CODE.get(code)
    series = [(r.result.month, r.result.value) for r in rows]
    return render(
        request,
        "performance/kpi_detail.html",
        {
            "kpi": definition,
            "builtin": builtin,
            "provider": found[0].provider,
            "zone": found[0].zone,
            "rows": rows,
            "latest": latest,
            "contract": found[-1].contract,
            "series": series,
            # The XmR chart of the monthly values, with the data table beside it.
            "spc_panel": spc_chart.panel(
                series,
                better=definition.better,
                target=latest.target,
                unit=definition.unit,
                title=f"{definition.name}: {found[0].provider}, {found[0].zone}",
            ),
        },
    )


@dataclass
class ContractMonth:
    """One month of a KPI on a contract: a return's figure, or a visit KPI pooled over the
    contract's zones (sum of numerators over sum of denominators, as the statement pays it)."""

    month: dt.date
    numerator: Decimal
    denominator: Decimal
    value: Decimal | None
    kpi: object
    results: list

    @property
    def zones(self) -> list[str]:
        return sorted(r.zone.name for r in self.results if r.zone_id)

    @property
    def kpi_return(self):
        return next((r.kpi_return for r in self.results if r.kpi_return_id), None)


@login_required
@require_GET
def kpi_contract(request, code, contract_pk):
    """A KPI by month for one contract: the page of a community contract's return KPI (no
    zone), and of a visit KPI over all the contract's zones."""
    user = request.user
    if not _may_see(user):
        raise Http404
    contract = queries.contracts_monitored_by(user).filter(pk=contract_pk).first()
    if contract is None:
        raise Http404
    found = list(
        queries.results_visible_to(user)
        .filter(kpi__code=code, contract=contract)
        .select_related("kpi_return", "kpi_return__entered_by")
        .order_by("month", "zone__name")
    )
    if not found:
        raise Http404
    definition = found[0].kpi
    by_month: dict[dt.date, list] = {}
    for result in found:
        by_month.setdefault(result.month, []).append(result)
    schedule = _schedule_map(user).get((contract.pk, definition.pk))
    target = schedule.target if schedule else definition.default_target
    amber = schedule.amber if schedule else definition.default_amber
    rows = []
    for month, results in by_month.items():
        numerator = sum((r.numerator for r in results), Decimal(0))
        denominator = sum((r.denominator for r in results), Decimal(0))
        value = (
            results[0].value
            if len(results) == 1
            else kpi_engine.value_for(definition, numerator, denominator)
        )
        pooled = ContractMonth(month, numerator, denominator, value, definition, results)
        rating = kpis.rate(value, target=target, amber=amber, better=definition.better)
        rows.append(Rated(pooled, target, amber, schedule is not None, rating))
    series = [(r.result.month, r.result.value) for r in rows]
    return render(
        request,
        "performance/kpi_contract.html",
        {
            "kpi": definition,
            "contract": contract,
            "provider": found[-1].provider,
            "rows": rows,
            "latest": rows[-1],
            "from_returns": definition.kind == "return",
            "pooled": any(len(r.result.results) > 1 for r in rows),
            "spc_panel": spc_chart.panel(
                series,
                better=definition.better,
                target=target,
                unit=definition.unit,
                title=f"{definition.name}: {contract.reference}, {found[-1].provider}",
            ),
        },
    )


@login_required
@require_GET
def result_visits(request, pk):
    user = request.user
    result = queries.results_visible_to(user).filter(pk=pk).first()
    if result is None:
        raise Http404
    if result.zone_id is None and result.contract_id is not None:
        # A community return's figure: no visits behind it; its contract's page has the figure.
        return redirect(
            "performance:kpi-contract", code=result.kpi.code, contract_pk=result.contract_id
        )
    rated = _rate(result, _schedule_map(user))
    visits = kpi_engine.visits_behind(result, limit=DRILL_LIMIT)
    for v in visits:
        v["planned_text"] = _span(v["planned_start"], v["planned_end"], "")
        v["actual_text"] = _span(v["actual_start"], v["actual_end"], "Nothing recorded")
    return render(
        request,
        "performance/kpi_visits.html",
        {
            "rated": rated,
            "result": result,
            "visits": visits,
            "limit": DRILL_LIMIT,
            "counted": sum(1 for v in visits if v.get("counted")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request, contract_pk):
    user = request.user
    contract = queries.contracts_monitored_by(user).filter(pk=contract_pk).first()
    if contract is None:
        raise Http404
    may_edit = schedules.may_manage(user, contract)
    definitions = list(queries.kpi_definitions())
    by_code = {d.code: d for d in definitions}
    form = ScheduleForm(definitions=definitions)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("You can read this but not change it")
        if request.POST.get("action") in ("visits", "return"):
            added = schedules.schedule_add_defaults(
                contract=contract, kind=request.POST["action"], by=user
            )
            messages.success(request, f"{added} KPIs added at their default targets")
            return redirect("performance:schedule", contract_pk=contract.pk)
        form = ScheduleForm(request.POST, definitions=definitions)
        if form.is_valid():
            data = form.cleaned_data
            saved = run_service(
                form,
                lambda: schedules.schedule_set(
                    contract=contract,
                    kpi=by_code[data["kpi"]],
                    target=data["target"],
                    amber=data["amber"],
                    weight=data["weight"],
                    by=user,
                ),
            )
            if saved is not None:
                messages.success(request, f"{saved.kpi.name}: schedule saved")
                return redirect("performance:schedule", contract_pk=contract.pk)
    rows = list(queries.schedules_visible_to(user).filter(contract=contract).order_by("kpi__code"))
    return render(
        request,
        "performance/kpi_schedule.html",
        {
            "contract": contract,
            "rows": rows,
            "total_weight": sum((s.weight for s in rows), Decimal(0)),
            "form": form,
            "may_edit": may_edit,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def returns(request):
    user = request.user
    if not _may_see(user):
        raise Http404
    managed = [c for c in queries.contracts_monitored_by(user) if schedules.may_manage(user, c)]
    definitions = list(queries.kpi_definitions().filter(kind="return"))
    entry = ReturnForm(contracts=managed, definitions=definitions)
    upload = ReturnFileForm()
    result = None
    posted = request.method == "POST"
    if posted and not managed:
        raise PermissionDenied("You can read this but not change it")
    if posted and request.POST.get("action") == "import":
        upload = ReturnFileForm(request.POST, request.FILES)
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            result = run_service(
                upload,
                lambda: schedules.returns_import(
                    file=file,
                    filename=file.name,
                    by=user,
                    dry_run=upload.cleaned_data["dry_run"],
                ),
            )
    elif posted:
        entry = ReturnForm(request.POST, contracts=managed, definitions=definitions)
        if entry.is_valid():
            data = entry.cleaned_data
            contract = next(c for c in managed if str(c.pk) == data["contract"])
            kpi = next(d for d in definitions if d.code == data["kpi"])
            saved = run_service(
                entry,
                lambda: schedules.return_enter(
                    contract=contract,
                    kpi=kpi,
                    month=data["month"],
                    numerator=data["numerator"],
                    denominator=data["denominator"],
                    by=user,
                ),
            )
            if saved is not None:
                messages.success(request, f"{kpi.name} for {saved.month:%B %Y} saved")
                return redirect("performance:returns")
    listed = (
        queries.returns_visible_to(user)
        .select_related("contract", "kpi")
        .order_by("-month", "contract__reference", "kpi__code")[:200]
    )
    bad = (entry.is_bound and entry.errors) or (upload.is_bound and upload.errors)
    bad = bad or (result is not None and not result.ok)
    return render(
        request,
        "performance/kpi_returns.html",
        {
            "entry": entry,
            "upload": upload,
            "result": result,
            "returns": listed,
            "may_enter": bool(managed),
            "columns": schedules.RETURN_COLUMNS,
        },
        status=400 if bad else 200,
    )
