"""Read-only JSON API for monitoring, at /api/v1/performance. Scoped like the pages, through
queries.py: commissioning staff and councillors see their organisation family's zones, results,
statements and visit imports; a provider sees only its own results, statements and status rows;
evaluators see empty lists. A record the caller may not see is 404. Money is a string (Decimal).
"""

import datetime as dt
import re

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from . import kpis, queries

router = Router(tags=["performance"])

MAX_ROWS = 1000
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Problem(Schema):
    detail: str


class StatusOut(Schema):
    provider_id: int
    provider: str
    status: str
    since: dt.date


class ZoneOut(Schema):
    id: int
    name: str
    owner_id: int
    owner: str
    statuses: list[StatusOut]


class KpiResultOut(Schema):
    id: int
    kpi: str
    provider_id: int
    provider: str
    zone_id: int | None
    zone: str | None
    contract_reference: str | None
    month: str
    numerator: str
    denominator: str
    value: str | None
    rating: str
    rated_against: str


class KpiResultPage(Schema):
    count: int
    offset: int
    limit: int
    next_offset: int | None
    note: str
    results: list[KpiResultOut]


class KpiResultFilter(Schema):
    zone: int | None = None
    provider: int | None = None
    kpi: str | None = Field(None, max_length=40)
    month: str | None = Field(None, description="YYYY-MM")
    offset: int = Field(0, ge=0)
    limit: int = Field(MAX_ROWS, ge=1, le=MAX_ROWS)


class StatementOut(Schema):
    id: int
    contract_reference: str
    provider_id: int
    provider: str
    month: str
    status: str
    commissioned_amount: str
    delivered_amount: str
    adjustments_total: str
    total: str


class StatementLineOut(Schema):
    band: str
    commissioned_hours: str
    delivered_hours: str
    rate: str
    amount: str


class AdjustmentOut(Schema):
    id: int
    kpi: str
    rating: str
    percent: str
    amount: str
    reason: str


class StatementDetail(StatementOut):
    lines: list[StatementLineOut]
    adjustments: list[AdjustmentOut]


class VisitImportOut(Schema):
    id: int
    filename: str
    status: str
    rows: int
    stored: int
    months: list[str]
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _money(value) -> str | None:
    return None if value is None else str(value)


def _month_text(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def _parse_month(text: str) -> dt.date | None:
    match = MONTH.match(text.strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or year < 1900:
        return None
    return dt.date(year, month, 1)


@router.get(
    "/zones",
    response=list[ZoneOut],
    summary="Zones you may see, each with the providers' current statuses (a provider sees only "
    "its own status)",
)
def zone_list(request):
    today = timezone.localdate()
    current: dict[int, list[dict]] = {}
    for s in (
        queries.statuses_visible_to(request.user)
        .filter(since__lte=today)
        .exclude(until__lte=today)
        .order_by("zone_id", "status", "provider__name")
    ):
        current.setdefault(s.zone_id, []).append(
            {
                "provider_id": s.provider_id,
                "provider": s.provider.name,
                "status": s.status,
                "since": s.since,
            }
        )
    return [
        {
            "id": z.pk,
            "name": z.name,
            "owner_id": z.owner_id,
            "owner": z.owner.name,
            "statuses": current.get(z.pk, []),
        }
        for z in queries.zones_visible_to(request.user).select_related("owner").order_by("name")
    ]


def _rater(user):
    """Rate a result against its contract's schedule, or the KPI's default thresholds."""
    schedules = {(s.contract_id, s.kpi_id): s for s in queries.schedules_visible_to(user)}

    def rate(result) -> tuple[str, str]:
        schedule = schedules.get((result.contract_id, result.kpi_id))
        kpi = result.kpi
        target = schedule.target if schedule else kpi.default_target
        amber = schedule.amber if schedule else kpi.default_amber
        rating = kpis.rate(result.value, target=target, amber=amber, better=kpi.better)
        return rating, "schedule" if schedule else "default"

    return rate


@router.get(
    "/kpi-results",
    response={200: KpiResultPage, 404: Problem, 422: Problem},
    summary="KPI results you may see, newest month first, at most 1,000 a page (offset and "
    "limit); filter by zone id, provider id, KPI code and month (YYYY-MM)",
)
def kpi_result_list(request, filters: Query[KpiResultFilter]):
    results = queries.results_visible_to(request.user).select_related("contract")
    if filters.month:
        month = _parse_month(filters.month)
        if month is None:
            return 422, {"detail": "month must be a month as YYYY-MM, for example 2026-04"}
        results = results.filter(month=month)
    if filters.kpi:
        if not queries.kpi_definitions().filter(code=filters.kpi).exists():
            return 422, {"detail": f"There is no KPI with the code {filters.kpi!r}"}
        results = results.filter(kpi__code=filters.kpi)
    if filters.zone is not None:
        if not queries.zones_visible_to(request.user).filter(pk=filters.zone).exists():
            return 404, {"detail": "No such zone"}
        results = results.filter(zone_id=filters.zone)
    if filters.provider is not None:
        results = results.filter(provider_id=filters.provider)
    results = results.order_by("-month", "kpi__code", "provider__name", "zone__name", "pk")
    count = results.count()
    page = list(results[filters.offset : filters.offset + filters.limit])
    following = filters.offset + len(page)
    rate = _rater(request.user)
    rows = []
    for r in page:
        rating, against = rate(r)
        rows.append(
            {
                "id": r.pk,
                "kpi": r.kpi.code,
                "provider_id": r.provider_id,
                "provider": r.provider.name,
                "zone_id": r.zone_id,
                "zone": r.zone.name if r.zone else None,
                "contract_reference": r.contract.reference if r.contract else None,
                "month": _month_text(r.month),
                "numerator": str(r.numerator),
                "denominator": str(r.denominator),
                "value": _money(r.value),
                "rating": rating,
                "rated_against": against,
            }
        )
    return 200, {
        "count": count,
        "offset": filters.offset,
        "limit": filters.limit,
        "next_offset": following if following < count else None,
        "note": f"At most {MAX_ROWS:,} results a page: ask for the next with offset="
        "next_offset. rating is against the contract's schedule, or the KPI's default "
        "thresholds when it has none (rated_against); empty when there is no value.",
        "results": rows,
    }


def _statement_out(s) -> dict:
    return {
        "id": s.pk,
        "contract_reference": s.contract.reference,
        "provider_id": s.provider_id,
        "provider": s.provider.name,
        "month": _month_text(s.month),
        "status": s.status,
        "commissioned_amount": str(s.commissioned_amount),
        "delivered_amount": str(s.delivered_amount),
        "adjustments_total": str(s.adjustments_amount),
        "total": str(s.total),
    }


@router.get(
    "/statements",
    response=list[StatementOut],
    summary="Monthly statements you may see (a provider: only those that pay it), newest first",
)
def statement_list(request):
    return [
        _statement_out(s)
        for s in queries.statements_visible_to(request.user).order_by(
            "-month", "contract__reference"
        )
    ]


@router.get(
    "/statements/{statement_id}",
    response={200: StatementDetail, 404: Problem},
    summary="A statement with its lines by band and its penalties and rewards",
)
def statement_detail(request, statement_id: int):
    statement = get_object_or_404(queries.statements_visible_to(request.user), pk=statement_id)
    lines = [
        {
            "band": line.band,
            "commissioned_hours": str(line.commissioned_hours),
            "delivered_hours": str(line.delivered_hours),
            "rate": str(line.rate),
            "amount": str(line.amount),
        }
        for line in statement.lines.all()
    ]
    adjustments = [
        {
            "id": a.pk,
            "kpi": a.kpi_result.kpi.code,
            "rating": a.rule.rating,
            "percent": str(a.percent),
            "amount": str(a.amount),
            "reason": a.reason,
        }
        for a in statement.adjustments.select_related("kpi_result__kpi", "rule")
    ]
    return 200, {**_statement_out(statement), "lines": lines, "adjustments": adjustments}


@router.get(
    "/visit-imports",
    response=list[VisitImportOut],
    summary="Visit file imports of your organisation family, newest first (commissioning staff "
    "and councillors; empty for anyone else)",
)
def visit_import_list(request):
    return [
        {
            "id": i.pk,
            "filename": i.filename,
            "status": i.status,
            "rows": i.rows,
            "stored": i.stored,
            "months": [str(m) for m in i.months or []],
            "created_at": i.created_at,
            "finished_at": i.finished_at,
        }
        for i in queries.imports_visible_to(request.user).order_by("-created_at", "-pk")
    ]
