"""/api/v1/contracts: the register as JSON, scoped exactly like the pages."""

import datetime as dt
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import Http404
from ninja import Router, Schema

from tendercare.core.errors import DomainError

from . import queries, services
from . import register_rules as rr
from .forms import RuleParametersForm

router = Router(tags=["contracts"])

MAX_PAGE_SIZE = 500


class ShareOut(Schema):
    organisation: str
    share_percent: Decimal


class WarningOut(Schema):
    code: str
    label: str
    detail: str


class ContractOut(Schema):
    reference: str
    title: str
    provider: str
    service: str
    service_group: str
    annual_value: Decimal
    whole_life_value: Decimal
    start_date: dt.date
    end_date: dt.date
    extension_months: int
    procurement_route: str
    status: str
    last_competed_on: dt.date | None
    shares: list[ShareOut]
    warnings: list[WarningOut]


class ContractPage(Schema):
    count: int
    page: int
    pages: int
    parameters: dict
    results: list[ContractOut]


class VariationIn(Schema):
    effective_on: dt.date
    annual_value_change: Decimal
    reason: str


class VariationOut(Schema):
    reference: str
    effective_on: dt.date
    annual_value_change: Decimal
    whole_life_value_change: Decimal
    reason: str
    annual_value: Decimal
    whole_life_value: Decimal


class Problem(Schema):
    detail: str


def _out(contract, warnings) -> dict:
    return {
        "reference": contract.reference,
        "title": contract.title,
        "provider": contract.provider.name,
        "service": contract.service.name,
        "service_group": contract.service.group,
        "annual_value": contract.annual_value,
        "whole_life_value": contract.whole_life_value,
        "start_date": contract.start_date,
        "end_date": contract.end_date,
        "extension_months": contract.extension_months,
        "procurement_route": contract.procurement_route,
        "status": contract.status,
        "last_competed_on": contract.last_competed_on,
        "shares": [
            {"organisation": s.organisation.name, "share_percent": s.share_percent}
            for s in contract.shares.all()
        ],
        "warnings": [{"code": w.code, "label": w.label, "detail": w.detail} for w in warnings],
    }


def _parameters(request) -> rr.RuleParameters:
    form = RuleParametersForm(request.GET)
    params = form.parameters()
    if form.errors:
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        raise DomainError(detail)
    return params


def _whole(text, default: int, *, maximum: int) -> int:
    text = (text or "").strip()
    return (
        min(int(text), maximum) if text.isdigit() and 0 < len(text) < 7 and int(text) else default
    )


@router.get("", response={200: ContractPage, 400: Problem})
def contract_list(request):
    """Contracts you may see. Filters: q, group, provider, commissioner (ids), status, route,
    warning (ending_soon, not_competed); sort (reference, title, provider, annual_value,
    whole_life_value, end_date) and direction (asc, desc); warning rule parameters
    lead_time_months, threshold, years; page and page_size (at most 500)."""
    today = dt.date.today()
    params = _parameters(request)
    filters = queries.RegisterFilters.from_params(request.GET)
    contracts = queries.register_search(request.user, filters, params=params, today=today)
    size = _whole(request.GET.get("page_size"), 100, maximum=MAX_PAGE_SIZE)
    page = Paginator(contracts, size).get_page(request.GET.get("page"))
    rows = queries.register_rows(request.user, page.object_list, params=params, today=today)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "parameters": {
            "lead_time_months": params.lead_time_months,
            "threshold": str(params.threshold),
            "years": params.years,
            "today": today.isoformat(),
        },
        "results": [_out(row.contract, row.warnings) for row in rows],
    }


def _contract(request, reference: str):
    contract = queries.contract_for(request.user, reference)
    if contract is None:
        raise Http404
    return contract


@router.post(
    "/{path:reference}/variations",
    response={201: VariationOut, 403: Problem, 404: Problem, 422: Problem},
)
def contract_vary(request, reference: str, payload: VariationIn):
    """Record a variation: the annual value changes from effective_on, for a reason."""
    contract = _contract(request, reference)
    if not queries.user_can_edit(request.user, contract):
        return 403, {"detail": "You can read this contract but not change it"}
    try:
        variation = services.contract_vary(
            contract=contract,
            effective_on=payload.effective_on,
            annual_value_change=payload.annual_value_change,
            reason=payload.reason,
            by=request.user,
        )
    except DomainError as exc:
        return 422, {"detail": exc.message}
    return 201, {
        "reference": contract.reference,
        "effective_on": variation.effective_on,
        "annual_value_change": variation.annual_value_change,
        "whole_life_value_change": variation.whole_life_value_change,
        "reason": variation.reason,
        "annual_value": contract.annual_value,
        "whole_life_value": contract.whole_life_value,
    }


@router.get("/{path:reference}", response={200: ContractOut, 404: Problem})
def contract_detail(request, reference: str):
    contract = _contract(request, reference)
    warnings = rr.warnings_for(
        queries.facts_for(contract), today=dt.date.today(), params=rr.RuleParameters()
    )
    return _out(contract, warnings)
