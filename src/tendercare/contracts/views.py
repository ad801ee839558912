"""Thin views: parse, call a query or service, render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tendercare.core import exports
from tendercare.core.errors import DomainError
from tendercare.core.history import history_url

from . import queries, services
from . import register_rules as rr
from .forms import BaselineForm, ContractForm, ImportForm, RuleParametersForm, VariationForm
from .importing import COLUMNS, TEMPLATE_HEADER
from .rules import can_change_register, can_see_register

PAGE_SIZE = 50


def _visible_contract(request, reference: str):
    contract = queries.contract_for(request.user, reference)
    if contract is None:
        raise Http404("No such contract")
    return contract


def _editable_contract(request, reference: str):
    contract = _visible_contract(request, reference)
    if not queries.user_can_edit(request.user, contract):
        raise PermissionDenied("You can read this contract but not change it")
    return contract


def _register_inputs(request):
    filters = queries.RegisterFilters.from_params(request.GET)
    rules_form = RuleParametersForm(request.GET or None)
    params = rules_form.parameters() if request.GET else rr.RuleParameters()
    return filters, rules_form, params


def _sort_headers(request, filters):
    headers = []
    for key, label in queries.SORT_LABELS.items():
        current = filters.sort == key
        direction = "desc" if current and filters.direction == "asc" else "asc"
        aria = "none"
        if current:
            aria = "ascending" if filters.direction == "asc" else "descending"
        headers.append({"key": key, "label": label, "direction": direction, "aria_sort": aria})
    return headers


@login_required
def register(request):
    today = dt.date.today()
    filters, rules_form, params = _register_inputs(request)
    contracts = queries.register_search(request.user, filters, params=params, today=today)
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.register_rows(request.user, page.object_list, params=params, today=today)
    unfiltered = queries.contracts_visible_to(request.user)
    return render(
        request,
        "contracts/register.html",
        {
            "rows": rows,
            "page": page,
            "filters": filters,
            "options": queries.filter_options(request.user),
            "rules_form": rules_form,
            "params": params,
            "rules": rr.describe_rules(params),
            "counts": queries.warning_counts(
                queries.register_search(
                    request.user,
                    queries.RegisterFilters(**{**filters.__dict__, "warning": ""}),
                    params=params,
                    today=today,
                ),
                params=params,
                today=today,
            ),
            "total": page.paginator.count,
            "visible_total": unfiltered.count(),
            "headers": _sort_headers(request, filters),
            "can_see": can_see_register(request.user),
            "can_add": can_change_register(request.user),
            "light_touch": rr.LIGHT_TOUCH_THRESHOLD,
            "round_figure": rr.COUNCILLORS_ROUND_FIGURE,
            "today": today,
        },
    )


@login_required
def contract_detail(request, reference: str):
    contract = _visible_contract(request, reference)
    params = rr.RuleParameters()
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "shares": list(contract.shares.all()),
            "variations": queries.contract_variations(contract),
            "novations": queries.contract_novations(contract),
            "baseline": queries.contract_baseline(contract),
            "warnings": rr.warnings_for(
                queries.facts_for(contract), today=dt.date.today(), params=params
            ),
            "rules": rr.describe_rules(params),
            "can_edit": queries.user_can_edit(request.user, contract),
            "history_url": history_url(contract),
        },
    )


def _form_page(request, template, form, **context):
    return render(request, template, {"form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
def contract_add(request):
    if not can_change_register(request.user):
        raise PermissionDenied("Your role cannot add contracts")
    initial = {"commissioners": request.user.organisation.name if request.user.organisation else ""}
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        family = queries.editing_family(request.user)
        if not any(o.pk in family for o, _ in data["commissioners"]):
            form.add_error("commissioners", "Your organisation must be one of the commissioners")
        else:
            try:
                contract = services.contract_create(
                    reference=data["reference"],
                    title=data["title"],
                    provider=data["provider"],
                    service=data["service"],
                    annual_value=data["annual_value"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    extension_months=data["extension_months"] or 0,
                    procurement_route=data["procurement_route"],
                    status=data["status"],
                    last_competed_on=data["last_competed_on"],
                    notes=data["notes"],
                    shares=data["commissioners"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Contract {contract.reference} added")
                return redirect("contracts:detail", reference=contract.reference)
    return _form_page(request, "contracts/add.html", form)


@login_required
@require_http_methods(["GET", "POST"])
def contract_vary(request, reference: str):
    contract = _editable_contract(request, reference)
    form = VariationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_vary(contract=contract, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Variation recorded")
            return redirect("contracts:detail", reference=contract.reference)
    return _form_page(request, "contracts/vary.html", form, contract=contract)


@login_required
@require_http_methods(["GET", "POST"])
def baseline_record(request, reference: str):
    contract = _editable_contract(request, reference)
    current = queries.contract_baseline(contract)
    initial = {}
    if current:
        initial = {
            "annual_cost": current.annual_cost,
            "activity": current.activity,
            "activity_unit": current.activity_unit,
            "service_model_notes": current.service_model_notes,
            "recorded_on": current.recorded_on,
        }
    else:
        initial = {"recorded_on": dt.date.today()}
    form = BaselineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.baseline_record(contract=contract, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Baseline recorded")
            return redirect("contracts:detail", reference=contract.reference)
    return _form_page(request, "contracts/baseline.html", form, contract=contract)


@login_required
@require_http_methods(["GET", "POST"])
def contract_import(request):
    if not can_change_register(request.user):
        raise PermissionDenied("Your role cannot import contracts")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.contracts_import(
            file=upload,
            filename=upload.name,
            by=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
    return render(
        request,
        "contracts/import.html",
        {
            "form": form,
            "result": result,
            "template_header": TEMPLATE_HEADER,
            "optional_columns": COLUMNS.optional,
            "shares_help": rr.SHARES_HELP,
        },
    )


def _export(request, fmt: str):
    today = dt.date.today()
    filters, _, params = _register_inputs(request)
    contracts = queries.register_search(request.user, filters, params=params, today=today)
    body = exports.export(
        fmt, queries.EXPORT_HEADER, queries.export_rows(contracts), sheet_title="Contracts"
    )
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="contracts-{today:%Y-%m-%d}.{fmt}"'
    return response


@login_required
def export_csv(request):
    return _export(request, "csv")


@login_required
def export_xlsx(request):
    return _export(request, "xlsx")
