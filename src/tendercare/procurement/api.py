"""Public JSON API for published procurements at /api/v1/procurements, readable without
signing in, as published notices are. Nothing sealed (bids, prices) and nothing personal (who
decided or changed what) is in it; drafts and procurements whose route is only decided are 404.
The OCDS endpoints under /api/v1/procurements/{ref}/ocds are the award app's."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema

from . import lifecycle, queries
from . import routes as r

router = Router(tags=["procurements"])


class BandHoursOut(Schema):
    band: str
    hours: Decimal


class LotOut(Schema):
    number: int
    title: str
    kind: str
    locality: str | None
    service: str | None
    in_scope: str
    excluded: str
    annual_value: Decimal
    priced_by_band: bool
    band_hours: list[BandHoursOut]


class NoticeOut(Schema):
    code: str
    title: str
    published_at: dt.datetime


class ProcurementOut(Schema):
    reference: str
    title: str
    buyer: str
    regime: str
    route: str
    light_touch: bool
    state: str
    state_label: str
    stage: str
    clarification_deadline: dt.datetime | None
    bid_deadline: dt.datetime | None
    standstill_ends: dt.date | None
    lots: list[LotOut]


class ProcurementDetail(ProcurementOut):
    description: str
    estimated_value: Decimal
    price_formula: str
    notices: list[NoticeOut]
    steps: list[str]


def _lots(procurement) -> list[dict]:
    return [
        {
            "number": lot.number,
            "title": lot.title,
            "kind": lot.kind,
            "locality": lot.locality.name if lot.locality else None,
            "service": lot.service.name if lot.service else None,
            "in_scope": lot.in_scope,
            "excluded": lot.excluded,
            "annual_value": lot.annual_value,
            "priced_by_band": lot.priced_by_band,
            "band_hours": [{"band": v.band, "hours": v.hours} for v in lot.band_volumes.all()],
        }
        for lot in queries.lots_of(procurement)
    ]


def _summary(p) -> dict:
    return {
        "reference": p.reference,
        "title": p.title,
        "buyer": p.owner.name,
        "regime": p.regime,
        "route": p.route,
        "light_touch": p.light_touch,
        "state": p.state,
        "state_label": lifecycle.STATE_LABELS.get(p.state, p.state),
        "stage": p.stage,
        "clarification_deadline": p.clarification_deadline,
        "bid_deadline": p.bid_deadline,
        "standstill_ends": p.standstill_ends,
        "lots": _lots(p),
    }


@router.get("", response=list[ProcurementOut], auth=None, summary="Published procurements")
def procurement_list(request):
    return [_summary(p) for p in queries.published_procurements().order_by("reference")]


@router.get("/{ref}", response=ProcurementDetail, auth=None, summary="One published procurement")
def procurement_detail(request, ref: str):
    procurement = queries.public_procurement(ref)
    if procurement is None:
        raise Http404("No such published procurement")
    rules = r.ROUTES.get(procurement.route)
    return {
        **_summary(procurement),
        "description": procurement.description,
        "estimated_value": procurement.estimated_value,
        "price_formula": procurement.price_formula,
        "notices": [
            {"code": n.code, "title": n.title, "published_at": n.published_at}
            for n in queries.notices_of(procurement)
        ],
        "steps": list(rules.steps) if rules else [],
    }
