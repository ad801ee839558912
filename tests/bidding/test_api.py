import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tendercare.bidding import services
from tendercare.bidding.models import Bid
from tendercare.organisations.services import api_token_issue

from .conftest import close_bids

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _, key = api_token_issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_opportunities_need_sign_in_and_list_open_procurements(procurement, provider_user):
    assert Client().get("/api/v1/bidding/opportunities").status_code == 401
    data = api(provider_user).get("/api/v1/bidding/opportunities").json()
    assert [o["reference"] for o in data] == ["MC-2026-001"]
    assert [lot["number"] for lot in data[0]["lots"]] == [1, 2]
    assert data[0]["lots"][1]["priced_by_band"] is True


def test_evaluators_get_no_opportunities(procurement, evaluator):
    assert api(evaluator).get("/api/v1/bidding/opportunities").json() == []


def test_submit_through_the_api(make_bid, lot, provider_user):
    bid = make_bid(provider_user, lot, submit=False)
    client = api(provider_user)
    response = client.post(f"/api/v1/bidding/bids/{bid.pk}/submit")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "submitted" and data["prices"] == {"total": "1250000.00"}
    assert data["documents"][0]["sha256"] == bid.documents.get().sha256


def test_incomplete_bid_is_a_400_with_what_is_missing(lot, provider_user):
    bid = services.bid_start(lot=lot, by=provider_user)
    response = api(provider_user).post(f"/api/v1/bidding/bids/{bid.pk}/submit")
    assert response.status_code == 400
    assert "Enter the total price" in response.json()["detail"]


def test_late_submission_through_the_api_is_refused(make_bid, lot, provider_user):
    bid = make_bid(provider_user, lot, submit=False)
    lot.procurement.bid_deadline = timezone.make_aware(dt.datetime(2026, 3, 3, 14, 0))
    lot.procurement.save()
    response = api(provider_user).post(f"/api/v1/bidding/bids/{bid.pk}/submit")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Bids closed at 14:00 on 3 March 2026; late bids cannot be accepted"
    )
    assert Bid.objects.get().status == "draft"


def test_staff_submit_is_404_before_and_403_after(sealed_bid, commissioner):
    client = api(commissioner)
    assert client.post(f"/api/v1/bidding/bids/{sealed_bid.pk}/submit").status_code == 404
    close_bids(sealed_bid.lot.procurement)
    assert client.post(f"/api/v1/bidding/bids/{sealed_bid.pk}/submit").status_code == 403


def test_bid_list_filters_by_procurement(sealed_bid, provider_user):
    client = api(provider_user)
    assert len(client.get("/api/v1/bidding/bids", {"procurement": "MC-2026-001"}).json()) == 1
    assert client.get("/api/v1/bidding/bids", {"procurement": "OTHER"}).json() == []


def test_session_post_needs_csrf(make_bid, lot, provider_user):
    bid = make_bid(provider_user, lot, submit=False)
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider_user)
    response = client.post(f"/api/v1/bidding/bids/{bid.pk}/submit")
    assert response.status_code in (401, 403)
    assert Bid.objects.get().status == "draft"
