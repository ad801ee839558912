"""Sealed bids: before the deadline nobody but the bidding provider can read a bid, its prices
or its documents, by any path. After it, commissioning staff of the owner can."""

import pytest
from django.test import Client

from tendercare.bidding import queries
from tendercare.bidding.models import Bid
from tendercare.organisations.models import Role
from tendercare.organisations.services import api_token_issue
from tendercare.procurement.models import State
from tests.factories import UserFactory

from .conftest import close_bids

pytestmark = pytest.mark.django_db

ROLES = [
    "administrator",
    "commissioner",
    "procurement_lead",
    "contract_manager",
    "councillor",
    "evaluator",
    "other_provider_user",
    "other_commissioner",
]
# Who opens bids after the deadline: commissioning staff of the owner's family.
OPENERS = {"administrator", "commissioner", "procurement_lead", "contract_manager"}


@pytest.fixture
def lay_evaluator(db):
    return UserFactory(
        username="lay", role=Role.EVALUATOR, organisation=None, is_lay_evaluator=True
    )


@pytest.fixture
def who(request):
    return request.getfixturevalue(request.param)


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_client(user) -> Client:
    _, key = api_token_issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


SECRETS = ("1,250,000", "1250000", "Our answer to Q1", "method.pdf")


def read_paths(bid):
    doc = bid.documents.get()
    return [
        f"/bidding/bids/{bid.pk}/",
        f"/bidding/documents/{doc.pk}/",
        f"/history/bidding.bid/{bid.pk}/",
        f"/history/bidding.biddocument/{doc.pk}/",
        f"/api/v1/bidding/bids/{bid.pk}",
    ]


@pytest.mark.parametrize("who", ROLES, indirect=True)
def test_before_the_deadline_nobody_else_can_read_a_bid_by_any_path(sealed_bid, who):
    client = session(who)
    for path in read_paths(sealed_bid):
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
        body = response.content.decode(errors="replace")
        assert not any(s in body for s in SECRETS), path
    listing = client.get("/api/v1/bidding/bids")
    assert listing.status_code == 200 and listing.json() == []
    listing = token_client(who).get(
        "/api/v1/bidding/bids", {"procurement": sealed_bid.lot.procurement.reference}
    )
    assert listing.json() == []
    assert token_client(who).get(f"/api/v1/bidding/bids/{sealed_bid.pk}").status_code == 404


@pytest.mark.parametrize("who", ROLES, indirect=True)
def test_before_the_deadline_nobody_else_can_change_a_bid(sealed_bid, who):
    client = session(who)
    doc = sealed_bid.documents.get()
    for path in (
        f"/bidding/bids/{sealed_bid.pk}/",
        f"/bidding/bids/{sealed_bid.pk}/submit/",
        f"/bidding/bids/{sealed_bid.pk}/withdraw/",
        f"/bidding/bids/{sealed_bid.pk}/documents/",
        f"/bidding/documents/{doc.pk}/remove/",
    ):
        assert client.post(path, {"price_total": "1"}).status_code == 404, path
    response = token_client(who).post(f"/api/v1/bidding/bids/{sealed_bid.pk}/submit")
    assert response.status_code == 404
    sealed_bid.refresh_from_db()
    assert sealed_bid.status == Bid.Status.SUBMITTED
    assert sealed_bid.documents.count() == 1


def test_lay_evaluator_cannot_read_either(sealed_bid, lay_evaluator):
    client = session(lay_evaluator)
    for path in read_paths(sealed_bid):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("role", ["administrator", "commissioner", "procurement_lead"])
def test_staff_bids_page_shows_only_counts_before_the_deadline(
    request, sealed_bid, make_bid, other_provider_user, banded_lot, role
):
    make_bid(other_provider_user, banded_lot)
    user = request.getfixturevalue(role)
    procurement = sealed_bid.lot.procurement
    response = session(user).get(f"/bidding/received/{procurement.reference}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 bids received; they stay sealed until" in body
    assert queries.format_moment(procurement.bid_deadline) in body
    for secret in (*SECRETS, "Riverside", "Hilltop", f"/bidding/bids/{sealed_bid.pk}/"):
        assert secret not in body


@pytest.mark.parametrize(
    "who", ["councillor", "evaluator", "provider_user", "other_commissioner"], indirect=True
)
def test_bids_received_page_is_for_owner_staff_only(sealed_bid, who):
    reference = sealed_bid.lot.procurement.reference
    assert session(who).get(f"/bidding/received/{reference}/").status_code == 404


def test_sealing_queries_return_nothing_before_the_deadline(sealed_bid, administrator):
    procurement = sealed_bid.lot.procurement
    assert list(queries.bids_openable(procurement)) == []
    assert queries.bid_for(administrator, sealed_bid.pk) is None
    assert not queries.bid_prices_visible(administrator, sealed_bid)
    assert queries.document_for(administrator, sealed_bid.documents.get().pk) is None
    assert queries.document_openable(procurement, sealed_bid.documents.get().pk) is None
    assert list(queries.bids_visible_to(administrator)) == []
    # The deadline is the moment: one microsecond before, still sealed
    just_before = procurement.bid_deadline - __import__("datetime").timedelta(microseconds=1)
    assert list(queries.bids_openable(procurement, now=just_before)) == []
    assert list(queries.bids_openable(procurement, now=procurement.bid_deadline)) == [sealed_bid]


def test_the_provider_always_sees_its_own_bid(sealed_bid, provider_user):
    client = session(provider_user)
    for path in read_paths(sealed_bid)[:3] + read_paths(sealed_bid)[4:]:
        assert client.get(path).status_code == 200, path
    data = client.get(f"/api/v1/bidding/bids/{sealed_bid.pk}").json()
    assert data["prices"] == {"total": "1250000.00"}
    assert [b["id"] for b in client.get("/api/v1/bidding/bids").json()] == [sealed_bid.pk]


@pytest.mark.parametrize("who", ROLES, indirect=True)
def test_after_the_deadline_only_owner_staff_open_bids(sealed_bid, who):
    close_bids(sealed_bid.lot.procurement, state=State.BIDS_CLOSED)
    client = session(who)
    opener = who.username in {"admin", "commissioner", "lead", "cm"}
    expected = 200 if opener else 404
    for path in read_paths(sealed_bid):
        if path.startswith("/history/bidding.biddocument"):
            continue  # documents have no history page of their own
        assert client.get(path).status_code == expected, (path, who.role)
    listed = [b["id"] for b in client.get("/api/v1/bidding/bids").json()]
    assert listed == ([sealed_bid.pk] if opener else [])
    if opener:
        detail = client.get(f"/api/v1/bidding/bids/{sealed_bid.pk}").json()
        assert detail["prices"] == {"total": "1250000.00"}
        assert detail["answers"]
        page = client.get(f"/bidding/bids/{sealed_bid.pk}/").content.decode()
        assert "£1,250,000.00" in page and "Our answer to Q1" in page
        received = client.get(
            f"/bidding/received/{sealed_bid.lot.procurement.reference}/"
        ).content.decode()
        assert "Riverside Care Ltd" in received


def test_after_the_deadline_staff_download_the_document(sealed_bid, procurement_lead):
    close_bids(sealed_bid.lot.procurement)
    doc = sealed_bid.documents.get()
    response = session(procurement_lead).get(f"/bidding/documents/{doc.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_drafts_and_withdrawn_bids_are_never_opened(
    make_bid, provider_user, other_provider_user, lot, administrator
):
    draft = make_bid(provider_user, lot, submit=False)
    from tendercare.bidding import services

    withdrawn = make_bid(other_provider_user, lot)
    services.bid_withdraw(bid=withdrawn, by=other_provider_user)
    close_bids(lot.procurement)
    assert list(queries.bids_openable(lot.procurement)) == []
    assert queries.bid_for(administrator, draft.pk) is None
    assert queries.bid_for(administrator, withdrawn.pk) is None


def test_evaluators_see_prices_only_after_quality_is_locked(sealed_bid, evaluator, administrator):
    procurement = sealed_bid.lot.procurement
    close_bids(procurement)
    assert not queries.bid_prices_visible(evaluator, sealed_bid)
    from django.utils import timezone

    procurement.quality_locked_at = timezone.now()
    procurement.save()
    sealed_bid.lot.procurement.refresh_from_db()
    assert queries.bid_prices_visible(evaluator, sealed_bid)
    # ... but the evaluation app hands them bids; bid_for itself never does
    assert queries.bid_for(evaluator, sealed_bid.pk) is None


def test_other_family_staff_never_open_bids(sealed_bid, other_commissioner):
    close_bids(sealed_bid.lot.procurement)
    assert queries.bid_for(other_commissioner, sealed_bid.pk) is None
    assert not queries.bid_prices_visible(other_commissioner, sealed_bid)


def test_staff_of_a_merged_predecessor_family_open_after_the_deadline(sealed_bid, council):
    """The owner's family: staff of the successor body see bids of procurements owned by a
    body merged into it."""
    import datetime as dt

    from tests.factories import CommissionerOrgFactory

    icb = CommissionerOrgFactory(name="NHS Kent and Medway ICB", kind="icb")
    council.merged_into = icb
    council.merged_on = dt.date(2025, 4, 1)
    council.save()
    lead = UserFactory(username="icblead", role=Role.PROCUREMENT_LEAD, organisation=icb)
    assert queries.bid_for(lead, sealed_bid.pk) is None
    close_bids(sealed_bid.lot.procurement)
    assert queries.bid_for(lead, sealed_bid.pk) == sealed_bid
