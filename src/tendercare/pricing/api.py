"""JSON API for pricing scenarios, at /api/v1/pricing. Scoped like the pages: a scenario the
caller may not see is 404; people who may not see pricing at all get 404 for the list too."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from . import defaults, presenters, queries, rules

router = Router(tags=["pricing"])


class Problem(Schema):
    detail: str


class VersionRef(Schema):
    id: int
    number: int
    reason: str
    created_by: str
    created_at: dt.datetime


class ScenarioOut(Schema):
    id: int
    name: str
    description: str
    owner_id: int
    owner: str
    used_for_monitoring: bool
    current_version: VersionRef | None
    rate: Decimal | None


class LineOut(Schema):
    key: str
    label: str
    working: str
    amount: Decimal
    share: Decimal


class BandRateOut(Schema):
    band: str
    visit_minutes: int
    rate: Decimal
    high_dependency: Decimal
    double_up: Decimal
    reason: str


class ParameterOut(Schema):
    key: str
    label: str
    band: str
    value: Decimal
    unit: str
    source: str
    source_date: dt.date


class SensitivityOut(Schema):
    key: str
    label: str
    rate_at_minus_10_percent: Decimal
    rate_at_plus_10_percent: Decimal


class ScenarioDetail(ScenarioOut):
    care_worker_cost: Decimal | None
    hca_minimum_price: Decimal
    difference_from_hca: Decimal | None
    build_up: list[LineOut]
    band_rates: list[BandRateOut]
    parameters: list[ParameterOut]
    sensitivity: list[SensitivityOut]
    versions: list[VersionRef]


def _version_ref(version) -> dict | None:
    if version is None:
        return None
    return {
        "id": version.pk,
        "number": version.number,
        "reason": version.reason,
        "created_by": presenters.VersionRow(version, None).created_by,
        "created_at": version.created_at,
    }


def _scenario_out(scenario, version, shown) -> dict:
    return {
        "id": scenario.pk,
        "name": scenario.name,
        "description": scenario.description,
        "owner_id": scenario.owner_id,
        "owner": scenario.owner.name,
        "used_for_monitoring": scenario.used_for_monitoring,
        "current_version": _version_ref(version),
        "rate": shown.rate if shown else None,
    }


def _require_pricing(request) -> None:
    if not rules.may_see_pricing(request.user):
        raise Http404("No pricing here")


@router.get(
    "/scenarios",
    response={200: list[ScenarioOut], 404: Problem},
    summary="Pricing scenarios you may see, each with its current version and rate for all bands",
)
def scenario_list(request):
    _require_pricing(request)
    out = []
    for scenario in queries.scenarios_visible_to(request.user):
        version = queries.current_version(scenario)
        out.append(_scenario_out(scenario, version, presenters.for_version(version)))
    return out


@router.get(
    "/scenarios/{scenario_id}",
    response={200: ScenarioDetail, 404: Problem},
    summary="A scenario's current version: build-up lines, rates by band and visit length, "
    "parameters with their sources, sensitivity and version history",
)
def scenario_detail(request, scenario_id: int):
    _require_pricing(request)
    scenario = get_object_or_404(queries.scenarios_visible_to(request.user), pk=scenario_id)
    version = queries.current_version(scenario)
    shown = presenters.for_version(version)
    check = shown.hca_check if shown else None
    versions = queries.versions_visible_to(request.user).filter(scenario=scenario)
    return {
        **_scenario_out(scenario, version, shown),
        "care_worker_cost": shown.care_worker_cost if shown else None,
        "hca_minimum_price": defaults.HCA_MINIMUM_PRICE_2025,
        "difference_from_hca": check.difference if check else None,
        "build_up": [
            {
                "key": line.key,
                "label": line.label,
                "working": line.working,
                "amount": line.amount,
                "share": line.share.quantize(Decimal("0.0001")),
            }
            for line in (shown.lines if shown else [])
        ],
        "band_rates": [
            {
                "band": r.band,
                "visit_minutes": r.visit_minutes,
                "rate": r.rate,
                "high_dependency": r.high_dependency,
                "double_up": r.double_up,
                "reason": r.reason,
            }
            for r in (shown.band_rates if shown else [])
        ],
        "parameters": [
            {
                "key": p.key,
                "label": p.label,
                "band": p.band,
                "value": p.value,
                "unit": p.unit,
                "source": p.source,
                "source_date": p.source_date,
            }
            for p in (shown.parameter_rows if shown else [])
        ],
        "sensitivity": [
            {
                "key": s.key,
                "label": s.label,
                "rate_at_minus_10_percent": s.low,
                "rate_at_plus_10_percent": s.high,
            }
            for s in (shown.sensitivity if shown else [])
        ],
        "versions": [_version_ref(v) for v in versions],
    }
