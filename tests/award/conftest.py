"""An evaluated procurement built with the ORM: two lots (a home-care zone and a service line),
four bidders, bids closed, ready for award. Other apps' services are being written in parallel,
so this does not depend on them."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tendercare.bidding.models import Bid, PriceLine
from tendercare.contracts import services as contract_services
from tendercare.contracts.models import ProcurementRoute
from tendercare.procurement.models import (
    Lot,
    LotBandVolume,
    Procurement,
    Regime,
    Route,
    State,
    StateChange,
)
from tests.factories import ProviderOrgFactory

PROVIDERS = ["Riverside Care Ltd", "Hilltop Homecare", "Valley Support CIC", "Coastline Care"]


@pytest.fixture
def bidders(db, provider_org):
    return [provider_org] + [ProviderOrgFactory(name=name) for name in PROVIDERS[1:]]


@pytest.fixture
def old_contract(db, council, bidders):
    service, _ = contract_services.service_line_get_or_create(name="Home care")
    return contract_services.contract_create(
        reference="HC-OLD-1",
        title="Home care, North zone (2021)",
        provider=bidders[3],
        service=service,
        annual_value=Decimal("900000"),
        start_date=dt.date(2021, 4, 1),
        end_date=dt.date(2027, 3, 31),
        procurement_route=ProcurementRoute.OPEN,
        shares=[(council, Decimal("100"))],
    )


@pytest.fixture
def procurement(db, council, commissioner, bidders, old_contract):
    service = old_contract.service
    p = Procurement.objects.create(
        reference="HC-2026-01",
        title="Home care in the North zone",
        description="Home care for adults in the North zone, hours commissioned by the council.",
        owner=council,
        service=service,
        estimated_value=Decimal("2400000"),
        regime=Regime.PROCUREMENT_ACT,
        route=Route.OPEN,
        light_touch=True,
        state=State.MODERATION,
        bid_deadline=timezone.now() - dt.timedelta(days=30),
        clarification_deadline=timezone.now() - dt.timedelta(days=40),
        supplementary_per_lot=2,
    )
    p.replaces.add(old_contract)
    StateChange.objects.create(
        procurement=p, from_state=State.ROUTE_DECIDED, to_state=State.PUBLISHED, by=commissioner
    )
    zone = Lot.objects.create(
        procurement=p,
        number=1,
        title="North zone",
        kind=Lot.Kind.ZONE,
        annual_value=Decimal("700000"),
        priced_by_band=True,
    )
    for band, hours in [("urban", "20000"), ("rural", "5000")]:
        LotBandVolume.objects.create(lot=zone, band=band, hours=Decimal(hours))
    Lot.objects.create(
        procurement=p,
        number=2,
        title="Night sitting",
        kind=Lot.Kind.SERVICE_LINE,
        annual_value=Decimal("100000"),
    )
    return p


def _bid(lot, provider, *, status=Bid.Status.SUBMITTED, **prices):
    bid = Bid.objects.create(
        lot=lot,
        provider=provider,
        status=status,
        submitted_at=timezone.now() - dt.timedelta(days=31),
    )
    for band, amount in prices.items():
        PriceLine.objects.create(bid=bid, band=band, amount=Decimal(amount))
    return bid


@pytest.fixture
def bids(procurement, bidders):
    """Zone bids in rank order (four, so the fourth gets nothing), night-sitting bids (two)."""
    zone, line = procurement.lots.order_by("number")
    rates = [("24.10", "27.50"), ("25.40", "28.90"), ("26.15", "29.05"), ("23.00", "26.00")]
    zone_bids = [
        _bid(zone, provider, urban=urban, rural=rural)
        for provider, (urban, rural) in zip(bidders, rates, strict=True)
    ]
    line_bids = [_bid(line, bidders[1], total="98000.00"), _bid(line, bidders[2], total="91234.56")]
    return SimpleNamespace(zone=zone, line=line, zone_bids=zone_bids, line_bids=line_bids)


def result(bid, rank, quality, price, social_value, passed=True, excluded_reason=""):
    """An evaluation result shaped like evaluation.queries.BidResult."""
    q, p, s = Decimal(quality), Decimal(price), Decimal(social_value)
    return SimpleNamespace(
        bid=bid,
        quality=q,
        price=p,
        social_value=s,
        total=q + p + s,
        rank=rank,
        passed=passed,
        abnormally_low=False,
        price_clarified=False,
        excluded_reason=excluded_reason,
    )


@pytest.fixture
def results(bids):
    z, n = bids.zone_bids, bids.line_bids
    return {
        "zone": [
            result(z[0], 1, "52.50", "28.10", "9.00"),
            result(z[1], 2, "50.00", "27.00", "8.00"),
            result(z[2], 3, "47.25", "26.30", "7.50"),
            result(z[3], 4, "41.00", "29.90", "6.00"),
        ],
        "line": [
            result(n[0], 1, "55.00", "27.10", "8.50"),
            result(n[1], 2, "49.00", "30.00", "7.00"),
        ],
    }


@pytest.fixture
def proposed(procurement, bids, results, commissioner):
    from tendercare.award import services

    services.award_propose(
        procurement=procurement, lot=bids.zone, ranked_bids=results["zone"], by=commissioner
    )
    services.award_propose(
        procurement=procurement, lot=bids.line, ranked_bids=results["line"], by=commissioner
    )
    return procurement


@pytest.fixture
def issued(proposed, results, commissioner):
    from tendercare.award import services

    services.letters_issue(
        procurement=proposed,
        by=commissioner,
        summaries=results["zone"] + results["line"],
        issued_on=dt.date(2026, 12, 18),
    )
    proposed.refresh_from_db()
    return proposed


@pytest.fixture
def confirmed(issued, commissioner):
    from tendercare.award import services

    contracts = services.award_confirm(
        procurement=issued,
        by=commissioner,
        today=dt.date(2027, 1, 5),
        start_date=dt.date(2027, 4, 1),
        end_date=dt.date(2030, 3, 31),
    )
    issued.refresh_from_db()
    return SimpleNamespace(procurement=issued, contracts=contracts)
