"""Open-book submissions and commissioned hours: imports (all or nothing, audited) and the
reads the open-book pages need.

A provider user sends its own organisation's costs to a named commissioner; commissioning staff
who may edit pricing record a submission on a provider's behalf for their own family. A
submission may point at a bid, but only a bid the person may read and only once the bid
deadline has passed: before it, bids are sealed (bidding/queries.py is the one place that
decides, and is the only way in here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

from tendercare.bidding import queries as bidding
from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.imports import (
    CellError,
    Columns,
    ImportResult,
    Invalid,
    Row,
    RowError,
    Written,
    run_import,
)
from tendercare.geography.models import Locality
from tendercare.organisations.models import Organisation
from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import is_provider_user

from . import open_book, rules
from .models import BANDS, CommissionedHours, CostLine, CostSubmission

BAND_KEYS = tuple(key for key, _ in BANDS)
BAND_HELP = "Leave it blank for every band, or use urban, fringe, rural or isolated"
SUBMISSION_COLUMNS = Columns(required=("item", "value"), optional=("band", "note"))
HOURS_COLUMNS = Columns(
    required=("year", "zone", "band", "hours", "current_spend"), optional=("locality",)
)
MAX_VALUE = Decimal("1e8")


# --- reading numbers -------------------------------------------------------------------------


def _number(text: str, column: str, *, places: str = "0.0001") -> Decimal | CellError:
    """A non-negative number; '£1,234.50' and '15%' read as numbers."""
    cleaned = re.sub(r"[£,\s%]", "", text or "")
    if not cleaned:
        return CellError(column, f"Enter a number in {column}")
    try:
        value = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        return CellError(column, f"'{text}' is not a number")
    if not value.is_finite():
        return CellError(column, f"'{text}' is not a number")
    if value < 0:
        return CellError(column, f"{column} cannot be negative ({text})")
    if value >= MAX_VALUE:
        return CellError(column, f"{text} is too large")
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _band(text: str, *, required: bool) -> str | CellError:
    band = (text or "").strip().lower()
    if band in ("", "all", "all bands"):
        if required:
            return CellError("band", "Enter a band: urban, fringe, rural or isolated")
        return ""
    if band not in BAND_KEYS:
        if required:
            return CellError("band", f"Unknown band '{text}'. Use urban, fringe, rural or isolated")
        return CellError("band", f"Unknown band '{text}'. {BAND_HELP}")
    return band


# --- cost submissions --------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanLine:
    row: int
    band: str
    key: str
    value: Decimal


def check_submission_row(row: Row) -> CleanLine | Invalid:
    errors = Invalid()
    key = (row.get("item") or "").strip().lower()
    item = open_book.ITEM_KEYS.get(key)
    if not key:
        errors.append(CellError("item", "Enter an item, for example pay_rate"))
    elif item is None:
        errors.append(
            CellError(
                "item",
                f"Unknown item '{row.get('item')}'. The items are: "
                + ", ".join(open_book.ITEM_KEYS),
            )
        )
    band = _band(row.get("band", ""), required=False)
    if isinstance(band, CellError):
        errors.append(band)
    value = _number(row.get("value", ""), "value")
    if isinstance(value, CellError):
        errors.append(value)
    elif item is not None:
        if item.percent and value > 100:
            errors.append(CellError("value", f"{item.label} is a percentage: 100 or less"))
        if key == "travel_paid" and value not in (0, 1):
            errors.append(CellError("value", "travel_paid is 1 (travel paid) or 0 (not paid)"))
    if errors:
        return errors
    return CleanLine(row.number, band, key, value)


def check_submission_file(pairs: list[tuple[Row, CleanLine]]) -> list[RowError]:
    seen: dict[tuple[str, str], int] = {}
    errors = []
    for row, line in pairs:
        where = (line.key, line.band)
        if where in seen:
            errors.append(
                RowError(
                    row.number,
                    "item",
                    f"{line.key} for {line.band or 'all bands'} is already given on row "
                    f"{seen[where]}",
                )
            )
        else:
            seen[where] = row.number
    return errors


def _is_commissioner(org: Organisation) -> bool:
    return org.kind in Organisation.COMMISSIONER_KINDS


def may_upload(user) -> bool:
    return bool(is_provider_user(user) or rules.may_edit_pricing(user))


def _check_submitter(by, *, provider: Organisation, commissioner: Organisation) -> None:
    if not _is_commissioner(commissioner):
        raise DomainError(f"{commissioner} is not a commissioning body")
    if _is_commissioner(provider):
        raise DomainError(f"{provider} is a commissioning body, not a provider")
    if by is None:
        return
    if is_provider_user(by):
        if provider.pk != by.organisation_id:
            raise NotAllowed("You can send cost submissions only for your own organisation")
        return
    if not rules.may_edit_pricing(by):
        raise NotAllowed("Your role cannot record cost submissions")
    if commissioner.pk not in organisation_family(by.organisation):
        raise NotAllowed("You can record cost submissions only for your own organisation")


def linkable_bid(by, pk):
    """A bid that a submission may point at: one the person may read (bidding decides), past
    its deadline, tendered (not a draft or withdrawn). None otherwise, or for any junk id."""
    text = str(pk).strip()
    if not text.isdigit() or len(text) > 11:
        return None
    # The system (a management command) is bound by the deadline like everyone else.
    bid = bidding.bid_for(by, int(text)) if by is not None else _system_bid(int(text))
    if bid is None or bid.status not in bidding.RECEIVED:
        return None
    if not bidding.deadline_passed(bid.lot.procurement):
        return None
    return bid


def _system_bid(pk: int):
    from tendercare.bidding.models import Bid

    bid = Bid.objects.select_related("lot__procurement", "provider").filter(pk=pk).first()
    if bid is None or not bidding.deadline_passed(bid.lot.procurement):
        return None
    return bid


def linkable_bids(user):
    """The bids a person could link a submission to (for the upload form)."""
    return (
        bidding.bids_visible_to(user)
        .filter(
            status__in=bidding.RECEIVED,
            lot__procurement__bid_deadline__lte=timezone.now(),
        )
        .select_related("lot__procurement", "provider")
        .order_by("lot__procurement__reference", "lot__number", "provider__name")
    )


@dataclass
class SubmissionImport:
    result: ImportResult
    submission: CostSubmission | None = None


def cost_submission_import(
    *,
    file,
    filename: str,
    by=None,
    provider: Organisation,
    commissioner: Organisation,
    source: str,
    year: int,
    bid_id=None,
    dry_run: bool = False,
    progress=None,
) -> SubmissionImport:
    """Import a provider's open-book costs: every row checked; nothing saved unless every row
    is right. Raises DomainError (before reading the file) when the person, the organisations
    or the bid are wrong."""
    if source not in CostSubmission.Source.values:
        raise DomainError("Say whether the costs come from a bid or an annual return")
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not (2000 <= year <= 2100):
        raise DomainError("Enter the financial year as four digits, for example 2025")
    _check_submitter(by, provider=provider, commissioner=commissioner)
    bid = None
    if bid_id not in (None, ""):
        if source != CostSubmission.Source.BID:
            raise DomainError("Only costs from a bid can be linked to a bid")
        bid = linkable_bid(by, bid_id)
        if bid is None:
            raise DomainError(
                "That bid cannot be linked: it does not exist, you cannot see it, or its bid "
                "deadline has not passed (bids stay sealed until then)"
            )
        if bid.provider_id != provider.pk:
            raise DomainError(f"That bid was made by {bid.provider}, not {provider}")
    outcome = SubmissionImport(ImportResult())

    def write(lines: list[CleanLine]) -> Written:
        submission = CostSubmission.objects.create(
            provider=provider,
            commissioner=commissioner,
            source=source,
            bid=bid,
            year=year,
            filename=(filename or "upload")[:255],
            uploaded_by=by if by is not None and by.is_authenticated else None,
        )
        created = CostLine.objects.bulk_create(
            CostLine(submission=submission, band=line.band, key=line.key, value=line.value)
            for line in lines
        )
        auditor = Auditor(by=by)
        auditor.created(
            submission,
            summary=f"Open-book costs from {provider} to {commissioner} for "
            f"{open_book.financial_year(year)}: {len(created)} lines from {filename}",
        )
        auditor.bulk_created(created, summary=f"Open-book line from {filename}")
        if not dry_run:
            outcome.submission = submission
        return Written(created=len(created))

    outcome.result = run_import(
        file,
        filename=filename,
        columns=SUBMISSION_COLUMNS,
        validate=check_submission_row,
        write=write,
        check_all=check_submission_file,
        dry_run=dry_run,
        progress=progress,
    )
    return outcome


def lines_of(submission: CostSubmission) -> dict[tuple[str, str], Decimal]:
    """{(item, band): value}, as open_book.compare reads them."""
    return {(line.key, line.band): line.value for line in submission.lines.all()}


def bid_prices_for(user, submission: CostSubmission) -> dict[str, Decimal]:
    """The linked bid's hourly prices by band, only when the bidding rules let this person read
    them now (its provider; the buyer's staff after the deadline). Otherwise nothing."""
    bid = submission.bid
    if bid is None or not bidding.deadline_passed(bid.lot.procurement):
        return {}
    if not bidding.bid_prices_visible(user, bid):
        return {}
    return {
        band: Decimal(amount)
        for band, amount in bidding.prices_of(bid).items()
        if band in BAND_KEYS
    }


# --- commissioned hours ------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanHours:
    row: int
    year: int
    locality: Locality | None
    zone: str
    band: str
    hours: Decimal
    current_spend: Decimal


def _check_hours_row(row: Row, localities: dict[str, list[Locality]]) -> CleanHours | Invalid:
    errors = Invalid()
    year_text = (row.get("year") or "").strip()
    # "2025/26" reads as 2025, the year the financial year starts.
    match = re.fullmatch(r"(\d{4})(?:\s*[/-]\s*\d{2,4})?", year_text)
    year = int(match.group(1)) if match else None
    if year is None or not (2000 <= year <= 2100):
        errors.append(
            CellError("year", f"'{year_text}' is not a financial year: use 2025 for 2025/26")
        )
    name = (row.get("locality") or "").strip()
    locality = None
    if name:
        found = localities.get(name.lower(), [])
        if not found:
            errors.append(CellError("locality", f"There is no locality called '{name}'"))
        elif len(found) > 1:
            errors.append(CellError("locality", f"More than one locality is called '{name}'"))
        else:
            locality = found[0]
    zone = (row.get("zone") or "").strip()
    if not zone and not name:
        errors.append(CellError("zone", "Enter a zone or a locality"))
    if len(zone) > 200:
        errors.append(CellError("zone", "A zone name has 200 characters at most"))
    band = _band(row.get("band", ""), required=True)
    if isinstance(band, CellError):
        errors.append(band)
    hours = _number(row.get("hours", ""), "hours", places="0.1")
    if isinstance(hours, CellError):
        errors.append(hours)
    spend = _number(row.get("current_spend", ""), "current_spend", places="0.01")
    if isinstance(spend, CellError):
        errors.append(spend)
    if errors:
        return errors
    return CleanHours(row.number, year, locality, zone, band, hours, spend)


def _check_hours_file(pairs: list[tuple[Row, CleanHours]]) -> list[RowError]:
    seen: dict[tuple, int] = {}
    errors = []
    for row, clean in pairs:
        key = (clean.year, clean.locality.pk if clean.locality else None, clean.zone, clean.band)
        if key in seen:
            errors.append(
                RowError(
                    row.number,
                    "band",
                    f"The same year, locality, zone and band are already given on row {seen[key]}",
                )
            )
        else:
            seen[key] = row.number
    return errors


def commissioned_hours_import(
    *, file, filename: str, owner: Organisation, by=None, dry_run: bool = False, progress=None
) -> ImportResult:
    """Import a year's commissioned hours and current spend. A row for a year, locality, zone
    and band already held replaces it; nothing is saved unless every row is right."""
    if by is not None and not rules.can_edit_pricing(by, CommissionedHours(owner=owner)):
        raise NotAllowed("You cannot change commissioned hours for this organisation")
    localities: dict[str, list[Locality]] = {}
    for locality in Locality.objects.all():
        localities.setdefault(locality.name.lower(), []).append(locality)

    def write(rows: list[CleanHours]) -> Written:
        auditor = Auditor(by=by)
        written = Written()
        for clean in rows:
            existing = CommissionedHours.objects.filter(
                owner=owner,
                year=clean.year,
                locality=clean.locality,
                zone=clean.zone,
                band=clean.band,
            ).first()
            if existing is None:
                obj = CommissionedHours.objects.create(
                    owner=owner,
                    year=clean.year,
                    locality=clean.locality,
                    zone=clean.zone,
                    band=clean.band,
                    hours=clean.hours,
                    current_spend=clean.current_spend,
                )
                auditor.created(obj, summary=f"Commissioned hours imported from {filename}")
                written.created += 1
            else:
                before = snapshot(existing)
                existing.hours, existing.current_spend = clean.hours, clean.current_spend
                existing.save(update_fields=["hours", "current_spend"])
                auditor.updated(
                    existing, before=before, summary=f"Commissioned hours updated from {filename}"
                )
                written.updated += 1
        return written

    return run_import(
        file,
        filename=filename,
        columns=HOURS_COLUMNS,
        validate=lambda row: _check_hours_row(row, localities),
        write=write,
        check_all=_check_hours_file,
        dry_run=dry_run,
        progress=progress,
    )


def hours_years(user) -> list[int]:
    from .queries import commissioned_hours_visible_to

    return sorted(
        set(commissioned_hours_visible_to(user).values_list("year", flat=True)), reverse=True
    )
