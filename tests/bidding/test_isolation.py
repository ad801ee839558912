"""A provider can never see another provider's bid, question or document, by URL or API,
before or after the deadline."""

import pytest
from django.test import Client

from tendercare.bidding import services
from tendercare.organisations.services import api_token_issue
from tendercare.procurement.models import State

from .conftest import close_bids

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverside(sealed_bid, provider_user, procurement):
    """Riverside's bid, document and an unpublished question."""
    question = services.clarification_ask(
        procurement=procurement,
        question="Riverside asks: is our Gillingham office close enough?",
        by=provider_user,
    )
    return {"bid": sealed_bid, "doc": sealed_bid.documents.get(), "question": question}


def endpoints(r):
    bid, doc, q = r["bid"], r["doc"], r["question"]
    return [
        ("get", f"/bidding/bids/{bid.pk}/"),
        ("post", f"/bidding/bids/{bid.pk}/"),
        ("post", f"/bidding/bids/{bid.pk}/submit/"),
        ("post", f"/bidding/bids/{bid.pk}/withdraw/"),
        ("post", f"/bidding/bids/{bid.pk}/documents/"),
        ("get", f"/bidding/documents/{doc.pk}/"),
        ("post", f"/bidding/documents/{doc.pk}/remove/"),
        ("get", f"/bidding/clarifications/{q.pk}/answer/"),
        ("post", f"/bidding/clarifications/{q.pk}/answer/"),
        ("get", f"/history/bidding.bid/{bid.pk}/"),
        ("get", f"/history/bidding.clarification/{q.pk}/"),
        ("get", f"/api/v1/bidding/bids/{bid.pk}"),
        ("post", f"/api/v1/bidding/bids/{bid.pk}/submit"),
    ]


API_INDEXES = [11, 12]
MATRIX = [("session", i) for i in range(13)] + [("token", i) for i in API_INDEXES]


@pytest.mark.parametrize("after_deadline", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("auth,index", MATRIX)
def test_another_provider_gets_404_everywhere(
    riverside, other_provider_user, procurement, index, after_deadline, auth
):
    if after_deadline:
        close_bids(procurement, state=State.BIDS_CLOSED)
    method, path = endpoints(riverside)[index]
    if auth == "session":
        client = Client()
        client.force_login(other_provider_user)
    else:
        _, key = api_token_issue(user=other_provider_user, name="t")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = getattr(client, method)(path, {"answer": "x", "publish": "on"})
    assert response.status_code == 404, (method, path, response.status_code)
    body = response.content.decode(errors="replace")
    assert "Riverside" not in body and "Gillingham" not in body


@pytest.mark.parametrize("after_deadline", [False, True], ids=["before", "after"])
def test_another_providers_lists_never_include_riverside(
    riverside, other_provider_user, procurement, after_deadline
):
    if after_deadline:
        close_bids(procurement, state=State.BIDS_CLOSED)
    client = Client()
    client.force_login(other_provider_user)
    assert client.get("/api/v1/bidding/bids").json() == []
    clar = client.get(f"/api/v1/bidding/procurements/{procurement.reference}/clarifications")
    assert clar.json() == []  # unpublished: nobody else sees it
    page = client.get(f"/bidding/opportunities/{procurement.reference}/").content.decode()
    assert "Gillingham" not in page and "Riverside" not in page
    lot_page = client.get(f"/bidding/opportunities/{procurement.reference}/lots/1/")
    assert "Riverside" not in lot_page.content.decode()


def test_a_provider_can_see_its_own_unpublished_question(riverside, provider_user, procurement):
    client = Client()
    client.force_login(provider_user)
    page = client.get(f"/bidding/opportunities/{procurement.reference}/").content.decode()
    assert "Gillingham office" in page and "waiting for an answer" in page
