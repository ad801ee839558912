"""Writes of the bidding stage. Each is one transaction and leaves an audit record."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.organisations import services as org_services
from tendercare.organisations.models import Organisation, ProviderLocation, Role
from tendercare.organisations.queries import organisation_by_name, username_taken
from tendercare.procurement import queries as procurement_queries
from tendercare.procurement.models import PRICING_BANDS, Lot, Procurement

from . import documents, queries
from .models import Bid, BidDocument, Clarification, Interest, PriceLine

PROVIDER_KINDS = (
    Organisation.Kind.INDEPENDENT,
    Organisation.Kind.VCSE,
    Organisation.Kind.NHS_TRUST,
)
BANDS = [band for band, _ in PRICING_BANDS]
MAX_ANSWER = 50_000
MAX_QUESTION = 5_000
MAX_PRICE = Decimal("99999999999999.99")


# Registration and interest -----------------------------------------------------------------


def provider_register(
    *,
    organisation_name: str,
    kind: str,
    cqc_location_id: str = "",
    username: str,
    password: str,
    email: str,
    first_name: str,
    last_name: str,
):
    """A provider signs itself up: a provider organisation and its first provider user."""
    if kind not in PROVIDER_KINDS:
        raise DomainError("Choose independent provider, VCSE or NHS trust")
    if organisation_by_name(organisation_name or ""):
        raise DomainError(
            f"{organisation_name.strip()} is already registered: ask someone there to add you, "
            "or sign in"
        )
    if username_taken(username or ""):
        raise DomainError("That username is already taken: choose another")
    cqc_location_id = (cqc_location_id or "").strip().upper()
    with transaction.atomic():
        organisation = org_services.organisation_create(name=organisation_name, kind=kind)
        if cqc_location_id:
            if ProviderLocation.objects.filter(cqc_location_id=cqc_location_id).exists():
                raise DomainError(
                    f"CQC location {cqc_location_id} is already registered to another provider"
                )
            org_services.provider_location_add(
                organisation=organisation,
                cqc_location_id=cqc_location_id,
                name=organisation.name,
            )
        user = org_services.user_create(
            username=username.strip(),
            role=Role.PROVIDER,
            organisation=organisation,
            password=password,
            email=email,
            first_name=first_name,
            last_name=last_name,
        )
        Auditor(by=user).event(organisation, summary="Provider registered through the public form")
    return user


def _require_provider(by) -> int:
    if not (by and by.is_authenticated and by.role == Role.PROVIDER and by.organisation_id):
        raise NotAllowed("Only a provider's own staff can do this for their organisation")
    return by.organisation_id


def _current(procurement: Procurement) -> Procurement:
    # Read state and deadlines from the database, not from an object loaded earlier.
    return Procurement.objects.get(pk=procurement.pk)


def _require_open(procurement: Procurement, *, now: dt.datetime | None = None) -> None:
    procurement = _current(procurement)
    if not queries.is_open(procurement):
        raise DomainError(
            f"{procurement.reference} is not open for bids ({procurement.get_state_display()})"
        )
    if queries.deadline_passed(procurement, now=now):
        raise DomainError(
            f"Bids closed at {queries.format_moment(procurement.bid_deadline)}; "
            "late bids cannot be accepted"
        )


DIRECT_REFUSAL = "This is a direct award: only invited providers can make an offer"


def _require_invited(procurement: Procurement, organisation_id: int) -> None:
    """On a direct route only the providers invited to make an offer take part."""
    if procurement_queries.is_direct(procurement) and not procurement_queries.is_invited(
        procurement, organisation_id
    ):
        raise DomainError(DIRECT_REFUSAL)


def interest_register(*, procurement: Procurement, by, at: dt.datetime | None = None) -> Interest:
    """`at` is when the provider acted (default now): imports and the demo record past actions,
    checked against the deadlines as they stood then."""
    org = _require_provider(by)
    _require_invited(procurement, org)
    _require_open(procurement, now=at)
    existing = procurement.interests.filter(provider_id=org).first()
    if existing:
        return existing
    with transaction.atomic():
        interest = Interest.objects.create(
            procurement=procurement, provider_id=org, registered_by=by
        )
        Auditor(by=by).created(interest, summary="Interest registered")
    return interest


# Clarifications ----------------------------------------------------------------------------


def clarification_ask(
    *, procurement: Procurement, question: str, by, at: dt.datetime | None = None
) -> Clarification:
    org = _require_provider(by)
    _require_invited(procurement, org)
    _require_open(procurement, now=at)
    deadline = _current(procurement).clarification_deadline
    if deadline and (at or timezone.now()) >= deadline:
        raise DomainError(
            f"Clarification questions closed at {queries.format_moment(deadline)}; "
            "you can still read the published answers"
        )
    if not queries.has_interest(org, procurement):
        raise DomainError("Register your interest in this procurement before asking a question")
    question = (question or "").strip()
    if not question:
        raise DomainError("Enter your question")
    if len(question) > MAX_QUESTION:
        raise DomainError(f"Your question must be {MAX_QUESTION:,} characters or fewer")
    with transaction.atomic():
        clarification = Clarification.objects.create(
            procurement=procurement, asked_by_id=org, asked_by_user=by, question=question
        )
        Auditor(by=by).created(clarification, summary="Clarification question asked")
    return clarification


def clarification_answer(
    *, clarification: Clarification, answer: str, publish: bool, by
) -> Clarification:
    if not queries.can_run(by, clarification.procurement):
        raise NotAllowed(
            "Only commissioners, procurement leads and administrators of the procuring "
            "organisation can answer clarification questions"
        )
    answer = (answer or "").strip()
    if not answer:
        raise DomainError("Enter an answer")
    with transaction.atomic():
        before = snapshot(clarification)
        clarification.answer = answer
        clarification.answered_by = by
        clarification.answered_at = timezone.now()
        clarification.published = bool(publish)
        clarification.save()
        Auditor(by=by).updated(
            clarification,
            before=before,
            summary="Answered and published to every bidder" if publish else "Answered",
        )
    return clarification


# Bids -------------------------------------------------------------------------------------


def _own_bid(bid: Bid, by) -> None:
    org = _require_provider(by)
    if bid.provider_id != org:
        raise NotAllowed("You can only change your own organisation's bids")


def bid_start(*, lot: Lot, by, at: dt.datetime | None = None) -> Bid:
    """The provider's bid for a lot: a new draft, or the one already started (a withdrawn bid
    becomes a draft again)."""
    org = _require_provider(by)
    procurement = lot.procurement
    _require_invited(procurement, org)
    _require_open(procurement, now=at)
    auditor = Auditor(by=by)
    with transaction.atomic():
        if not queries.has_interest(org, procurement):
            interest = Interest.objects.create(
                procurement=procurement, provider_id=org, registered_by=by
            )
            auditor.created(interest, summary="Interest registered on starting a bid")
        bid = Bid.objects.select_for_update().filter(lot=lot, provider_id=org).first()
        if bid is None:
            bid = Bid.objects.create(lot=lot, provider_id=org)
            auditor.created(bid, summary="Bid started")
        elif bid.status == Bid.Status.WITHDRAWN:
            before = snapshot(bid)
            bid.status = Bid.Status.DRAFT
            bid.save(update_fields=["status"])
            auditor.updated(bid, before=before, summary="Withdrawn bid reopened as a draft")
    return bid


def parse_amount(value, label: str) -> Decimal:
    """A price in pounds: positive, at most two decimal places. Messages say what to enter."""
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value).strip().replace(",", "").replace("£", "")
        try:
            amount = Decimal(text)
        except (InvalidOperation, ValueError) as exc:
            raise DomainError(f"{label} must be an amount in pounds, like 24.50") from exc
    if not amount.is_finite():
        raise DomainError(f"{label} must be an amount in pounds, like 24.50")
    if amount <= 0:
        raise DomainError(f"{label} must be more than £0")
    if amount > MAX_PRICE:
        raise DomainError(f"{label} is too large")
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise DomainError(f"{label} must have no more than 2 decimal places (pounds and pence)")
    return amount.quantize(Decimal("0.01"))


def _band_label(band: str) -> str:
    return "Total price" if band == "total" else f"{dict(PRICING_BANDS)[band]} hourly rate"


def bid_save(
    *,
    bid: Bid,
    answers: dict | None = None,
    prices: dict | None = None,
    by,
    at: dt.datetime | None = None,
) -> Bid:
    """Save answers ({question id: text}) and prices ({band or "total": amount}). An empty
    answer or price clears it. A change to a submitted bid returns it to draft: the provider
    must submit again before the deadline."""
    _own_bid(bid, by)
    lot = bid.lot
    _require_invited(lot.procurement, bid.provider_id)
    _require_open(lot.procurement, now=at)
    if bid.status not in (Bid.Status.DRAFT, Bid.Status.SUBMITTED):
        raise DomainError(f"This bid is {bid.get_status_display().lower()}; start it again")
    answers = answers or {}
    prices = prices or {}
    question_ids = {str(pk) for pk in queries.questions_for_lot(lot).values_list("pk", flat=True)}
    new_answers = dict(bid.answers or {})
    for key, text in answers.items():
        key = str(key)
        if key not in question_ids:
            raise DomainError(f"Question {key} is not one of this lot's questions")
        text = (text or "").strip()
        if len(text) > MAX_ANSWER:
            raise DomainError(f"Answers must be {MAX_ANSWER:,} characters or fewer")
        if text:
            new_answers[key] = text
        else:
            new_answers.pop(key, None)
    allowed = BANDS if lot.priced_by_band else ["total"]
    new_prices: dict[str, Decimal | None] = {}
    for band, value in prices.items():
        if band not in allowed:
            expected = "an hourly rate per band" if lot.priced_by_band else "one total price"
            raise DomainError(f"This lot is priced with {expected}; '{band}' is not one of them")
        if value is None or (isinstance(value, str) and not value.strip()):
            new_prices[band] = None
        else:
            new_prices[band] = parse_amount(value, _band_label(band))
    current = queries.prices_of(bid)
    changed = new_answers != (bid.answers or {}) or any(
        current.get(band) != amount for band, amount in new_prices.items()
    )
    if not changed:
        return bid
    auditor = Auditor(by=by)
    with transaction.atomic():
        before = snapshot(bid)
        for band, amount in new_prices.items():
            if amount is None:
                PriceLine.objects.filter(bid=bid, band=band).delete()
            else:
                PriceLine.objects.update_or_create(bid=bid, band=band, defaults={"amount": amount})
        bid.answers = new_answers
        summary = "Bid saved"
        if bid.status == Bid.Status.SUBMITTED:
            bid.status = Bid.Status.DRAFT
            summary = "Bid changed after submission: back to draft until submitted again"
        bid.save(update_fields=["answers", "status"])
        auditor.updated(bid, before=before, summary=summary)
        auditor.event(
            bid,
            summary="Prices saved",
            data={band: str(amount) for band, amount in queries.prices_of(bid).items()},
        )
    return bid


def bid_missing(bid: Bid) -> list[str]:
    """What still has to be given before the bid can be submitted, as sentences."""
    lot = bid.lot
    missing = []
    prices = queries.prices_of(bid)
    if lot.priced_by_band:
        for band, label in PRICING_BANDS:
            if band not in prices:
                missing.append(f"Enter the {label.lower()} hourly rate")
    elif "total" not in prices:
        missing.append("Enter the total price")
    answers = bid.answers or {}
    for question in queries.questions_for_lot(lot):
        if not str(answers.get(str(question.pk), "")).strip():
            missing.append(f"Answer question {question.number}")
    return missing


def bid_submit(*, bid: Bid, by, at: dt.datetime | None = None) -> Bid:
    _own_bid(bid, by)
    at = at or timezone.now()
    procurement = bid.lot.procurement
    _require_invited(procurement, bid.provider_id)
    _require_open(procurement, now=at)
    if bid.status not in (Bid.Status.DRAFT, Bid.Status.SUBMITTED):
        raise DomainError(f"This bid is {bid.get_status_display().lower()}; start it again")
    missing = bid_missing(bid)
    if missing:
        raise DomainError("Your bid is not complete: " + "; ".join(missing))
    with transaction.atomic():
        before = snapshot(bid)
        bid.status = Bid.Status.SUBMITTED
        bid.submitted_at = at
        bid.submitted_by = by
        bid.save(update_fields=["status", "submitted_at", "submitted_by"])
        Auditor(by=by).updated(bid, before=before, summary="Bid submitted")
    return bid


def bid_withdraw(*, bid: Bid, by) -> Bid:
    _own_bid(bid, by)
    procurement = _current(bid.lot.procurement)
    if queries.deadline_passed(procurement):
        raise DomainError(
            f"Bids closed at {queries.format_moment(procurement.bid_deadline)}; a bid cannot "
            "be withdrawn after the deadline: write to the procurement lead"
        )
    if bid.status == Bid.Status.WITHDRAWN:
        return bid
    with transaction.atomic():
        before = snapshot(bid)
        bid.status = Bid.Status.WITHDRAWN
        bid.save(update_fields=["status"])
        Auditor(by=by).updated(bid, before=before, summary="Bid withdrawn")
    return bid


# Documents ---------------------------------------------------------------------------------


def bid_document_add(*, bid: Bid, uploaded_file, by) -> BidDocument:
    """Check size, type (extension and content) and name, then store it with its SHA-256.
    Nothing is written when a check fails."""
    _own_bid(bid, by)
    _require_invited(bid.lot.procurement, bid.provider_id)
    _require_open(bid.lot.procurement)
    if bid.status not in (Bid.Status.DRAFT, Bid.Status.SUBMITTED):
        raise DomainError(f"This bid is {bid.get_status_display().lower()}; start it again")
    if uploaded_file is None:
        raise DomainError("Choose a file to upload")
    if getattr(uploaded_file, "size", None) is None:
        raise DomainError("Choose a file to upload")
    uploaded_file.seek(0)
    head = uploaded_file.read(documents.HEAD_BYTES)
    uploaded_file.seek(0)
    try:
        checked = documents.check(
            name=getattr(uploaded_file, "name", "") or "", size=uploaded_file.size, head=head
        )
    except documents.Refused as exc:
        raise DomainError(str(exc)) from exc
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    auditor = Auditor(by=by)
    with transaction.atomic():
        before = snapshot(bid)
        document = BidDocument(
            bid=bid,
            filename=checked.filename,
            sha256=digest.hexdigest(),
            size=checked.size,
            content_type=checked.content_type,
        )
        # Stored under a random name: the provider's filename never becomes a path.
        document.file.save(f"{uuid.uuid4().hex}.{checked.extension}", uploaded_file, save=False)
        try:
            document.save()
            auditor.created(document, summary=f"Document {checked.filename} uploaded")
            if bid.status == Bid.Status.SUBMITTED:
                bid.status = Bid.Status.DRAFT
                bid.save(update_fields=["status"])
                auditor.updated(
                    bid, before=before, summary="Document added after submission: back to draft"
                )
        except Exception:
            document.file.delete(save=False)
            raise
    return document


def bid_document_remove(*, document: BidDocument, by) -> None:
    bid = document.bid
    _own_bid(bid, by)
    _require_open(bid.lot.procurement)
    with transaction.atomic():
        before = snapshot(bid)
        Auditor(by=by).deleted(document, summary=f"Document {document.filename} removed")
        name = document.file.name
        storage = document.file.storage
        document.delete()
        if bid.status == Bid.Status.SUBMITTED:
            bid.status = Bid.Status.DRAFT
            bid.save(update_fields=["status"])
            Auditor(by=by).updated(
                bid, before=before, summary="Document removed after submission: back to draft"
            )
        transaction.on_commit(lambda: storage.delete(name))
