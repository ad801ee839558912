"""/api/v1/bidding: opportunities, published clarifications and bids, sealed exactly like the
pages (a bid you may not see is 404, never 403)."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema

from . import queries, services

router = Router(tags=["bidding"])


class Problem(Schema):
    detail: str


class LotOut(Schema):
    number: int
    title: str
    annual_value: Decimal
    priced_by_band: bool


class OpportunityOut(Schema):
    reference: str
    title: str
    owner: str
    state: str
    clarification_deadline: dt.datetime | None
    bid_deadline: dt.datetime | None
    lots: list[LotOut]


class ClarificationOut(Schema):
    number: int
    question: str
    answer: str
    answered_at: dt.datetime | None


class DocumentOut(Schema):
    id: int
    filename: str
    size: int
    sha256: str


class BidOut(Schema):
    id: int
    procurement: str
    lot: int
    provider: str
    status: str
    submitted_at: dt.datetime | None
    answers: dict[str, str]
    prices: dict[str, Decimal] | None
    documents: list[DocumentOut]


def _bid_out(user, bid) -> dict:
    return {
        "id": bid.pk,
        "procurement": bid.lot.procurement.reference,
        "lot": bid.lot.number,
        "provider": bid.provider.name,
        "status": bid.status,
        "submitted_at": bid.submitted_at,
        "answers": {str(k): str(v) for k, v in (bid.answers or {}).items()},
        "prices": queries.prices_of(bid) if queries.bid_prices_visible(user, bid) else None,
        "documents": [
            {"id": d.pk, "filename": d.filename, "size": d.size, "sha256": d.sha256}
            for d in queries.documents_of(bid)
        ],
    }


@router.get("/opportunities", response=list[OpportunityOut])
def opportunity_list(request):
    """Procurements open for bids, soonest deadline first."""
    return [
        {
            "reference": p.reference,
            "title": p.title,
            "owner": p.owner.name,
            "state": p.state,
            "clarification_deadline": p.clarification_deadline,
            "bid_deadline": p.bid_deadline,
            "lots": [
                {
                    "number": lot.number,
                    "title": lot.title,
                    "annual_value": lot.annual_value,
                    "priced_by_band": lot.priced_by_band,
                }
                for lot in queries.lots_of(p)
            ],
        }
        for p in queries.opportunities(request.user)
    ]


@router.get(
    "/procurements/{path:reference}/clarifications",
    response={200: list[ClarificationOut], 404: Problem},
)
def clarification_list(request, reference: str):
    """Published questions and answers. Who asked is never given."""
    procurement = queries.procurement_for(request.user, reference)
    if procurement is None:
        raise Http404
    return [c.__dict__ for c in queries.published_clarifications(procurement)]


@router.get("/bids", response=list[BidOut])
def bid_list(request, procurement: str = ""):
    """Your organisation's bids (providers); for commissioning staff, the bids received on
    your procurements once their deadline has passed. Filter by procurement reference."""
    return [_bid_out(request.user, b) for b in queries.bids_for_api(request.user, procurement)]


@router.get("/bids/{bid_id}", response={200: BidOut, 404: Problem})
def bid_detail(request, bid_id: str):
    bid = queries.bid_for(request.user, bid_id)
    if bid is None:
        raise Http404
    return _bid_out(request.user, bid)


@router.post(
    "/bids/{bid_id}/submit", response={200: BidOut, 400: Problem, 403: Problem, 404: Problem}
)
def bid_submit(request, bid_id: str):
    """Submit your bid. Refused after the deadline or when prices or answers are missing."""
    bid = queries.bid_for(request.user, bid_id)
    if bid is None:
        raise Http404
    bid = services.bid_submit(bid=bid, by=request.user)
    return _bid_out(request.user, bid)
