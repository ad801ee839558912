import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tendercare.bidding import services
from tendercare.organisations.models import Role
from tendercare.procurement.models import (
    Criterion,
    Lot,
    LotBandVolume,
    Procurement,
    Question,
    Requirement,
    State,
)
from tests.factories import ProviderOrgFactory, UserFactory

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def media_root(settings):
    return settings.MEDIA_ROOT


@pytest.fixture
def procurement(db, council):
    """Published, questions open for three days and bids for a week. Created with the ORM
    until procurement.services exists."""
    now = timezone.now()
    procurement = Procurement.objects.create(
        reference="MC-2026-001",
        title="Home care in Medway",
        owner=council,
        state=State.PUBLISHED,
        route="open",
        clarification_deadline=now + dt.timedelta(days=3),
        bid_deadline=now + dt.timedelta(days=7),
    )
    requirement = Requirement.objects.create(
        procurement=procurement, code="R1", title="Single point of access", text="One number."
    )
    Lot.objects.create(procurement=procurement, number=1, title="Medway town")
    lot2 = Lot.objects.create(
        procurement=procurement, number=2, title="Rural Medway", priced_by_band=True
    )
    for band, hours in [("urban", 1000), ("fringe", 500), ("rural", 300), ("isolated", 50)]:
        LotBandVolume.objects.create(lot=lot2, band=band, hours=Decimal(hours))
    quality = Criterion.objects.create(
        procurement=procurement, name="Quality", kind=Criterion.Kind.QUALITY, weight=60
    )
    Criterion.objects.create(
        procurement=procurement, name="Price", kind=Criterion.Kind.PRICE, weight=40, order=1
    )
    q1 = Question.objects.create(criterion=quality, number="Q1", text="How will you staff it?")
    q1.requirements.add(requirement)
    q2 = Question.objects.create(
        criterion=quality, number="Q2", text="How will you reach villages?"
    )
    q2.lots.add(lot2)
    return procurement


@pytest.fixture
def lot(procurement):
    return procurement.lots.get(number=1)


@pytest.fixture
def banded_lot(procurement):
    return procurement.lots.get(number=2)


@pytest.fixture
def other_provider_org(db):
    return ProviderOrgFactory(name="Hilltop Homecare Ltd")


@pytest.fixture
def other_provider_user(db, other_provider_org):
    return UserFactory(username="hilltop", role=Role.PROVIDER, organisation=other_provider_org)


@pytest.fixture
def administrator(db, council):
    return UserFactory(username="admin", role=Role.ADMINISTRATOR, organisation=council)


@pytest.fixture
def procurement_lead(db, council):
    return UserFactory(username="lead", role=Role.PROCUREMENT_LEAD, organisation=council)


@pytest.fixture
def contract_manager(db, council):
    return UserFactory(username="cm", role=Role.CONTRACT_MANAGER, organisation=council)


def answers_for(lot):
    from tendercare.bidding import queries

    return {str(q.pk): f"Our answer to {q.number}" for q in queries.questions_for_lot(lot)}


def pdf_upload(name="method.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def make_bid():
    """make_bid(user, lot, submit=True): a complete bid with a document, through the services."""

    def make(user, lot, *, submit=True, price="1250000.00", document=True):
        services.interest_register(procurement=lot.procurement, by=user)
        bid = services.bid_start(lot=lot, by=user)
        prices = (
            dict.fromkeys(("urban", "fringe", "rural", "isolated"), "24.50")
            if lot.priced_by_band
            else {"total": price}
        )
        bid = services.bid_save(bid=bid, answers=answers_for(lot), prices=prices, by=user)
        if document:
            services.bid_document_add(bid=bid, uploaded_file=pdf_upload(), by=user)
        if submit:
            bid = services.bid_submit(bid=bid, by=user)
        return bid

    return make


@pytest.fixture
def sealed_bid(make_bid, provider_user, lot):
    """Riverside Care's submitted bid for lot 1, before the deadline."""
    return make_bid(provider_user, lot)


def close_bids(procurement, *, state=None):
    """Move the deadline into the past (no sleeping): bids may now be opened."""
    procurement.bid_deadline = timezone.now() - dt.timedelta(minutes=1)
    procurement.clarification_deadline = timezone.now() - dt.timedelta(days=1)
    if state:
        procurement.state = state
    procurement.save()
    return procurement
