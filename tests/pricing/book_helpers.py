"""Helpers for the budget and open-book tests: files, a scenario, and a bid on either side of its
deadline, built with the ORM so that they depend only on earlier stages' tables."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook

from tendercare.bidding.models import Bid, PriceLine
from tendercare.pricing import services
from tendercare.procurement.models import Lot, Procurement, State

GOOD_SUBMISSION = [
    ["band", "item", "value"],
    ["", "pay_rate", "12.50"],
    ["", "travel_paid", "1"],
    ["", "travel_minutes", "15"],
    ["rural", "travel_minutes", "22"],
    ["", "overheads", "8.00"],
    ["", "return_rate", "4"],
    ["urban", "hourly_price", "31.00"],
    ["rural", "hourly_price", "36.00"],
]


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def scenario_for(owner, name="HCA 2025/26"):
    return services.scenario_create(owner=owner, name=name)


def bid_with_prices(owner, provider, *, deadline_passed=True, prices=None, reference="MC-BK-1"):
    """A submitted bid, its deadline a day ago (or a day ahead), priced by band."""
    moment = timezone.now() + dt.timedelta(days=-1 if deadline_passed else 1)
    procurement = Procurement.objects.create(
        reference=reference,
        title="Home care by zone",
        owner=owner,
        route="open",
        regime="pa2023",
        state=State.BIDS_CLOSED if deadline_passed else State.PUBLISHED,
        bid_deadline=moment,
    )
    lot = Lot.objects.create(procurement=procurement, number=1, title="North", priced_by_band=True)
    bid = Bid.objects.create(
        lot=lot, provider=provider, status="submitted", submitted_at=timezone.now()
    )
    for band, amount in (prices or {"urban": "29.00", "rural": "34.00"}).items():
        PriceLine.objects.create(bid=bid, band=band, amount=Decimal(amount))
    return bid
