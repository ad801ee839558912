import datetime as dt
import json
from decimal import Decimal

import pytest

from tendercare.contracts import register_rules as rr
from tendercare.core.models import AuditLog
from tendercare.organisations.services import api_token_issue

TODAY = dt.date.today()


@pytest.fixture
def contracts(make_contract, other_council, council, icb):
    make_contract(
        "A/1",
        end_date=rr.add_months(TODAY, 3),
        shares=[(council, Decimal("60")), (icb, Decimal("40"))],
    )
    make_contract(
        "KENT-1", shares=[(other_council, Decimal("100"))], end_date=rr.add_months(TODAY, 60)
    )


def bearer(user):
    _, key = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_list_with_session_is_scoped_and_has_shares_and_warnings(signed_in, contracts):
    response = signed_in.get("/api/v1/contracts")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["reference"] == "A/1"
    assert [s["organisation"] for s in item["shares"]] == [
        "Medway Council",
        "NHS Kent and Medway ICB",
    ]
    assert Decimal(item["shares"][0]["share_percent"]) == 60
    assert item["warnings"][0]["code"] == "ending_soon"
    assert data["parameters"]["lead_time_months"] == 18


def test_list_with_bearer_token_and_filters(client, other_commissioner, contracts):
    headers = bearer(other_commissioner)
    data = client.get("/api/v1/contracts?sort=reference&direction=desc", **headers).json()
    assert [c["reference"] for c in data["results"]] == ["KENT-1"]
    data = client.get("/api/v1/contracts?warning=ending_soon", **headers).json()
    assert data["count"] == 0


def test_junk_parameters_are_not_a_500(signed_in, contracts):
    ok = signed_in.get("/api/v1/contracts?sort=nonsense&page=abc&page_size=-4&provider=x")
    assert ok.status_code == 200
    bad = signed_in.get("/api/v1/contracts?threshold=xyz")
    assert bad.status_code == 400 and "threshold" in bad.json()["detail"]


def test_anonymous_and_bad_token_are_401(client, contracts):
    assert client.get("/api/v1/contracts").status_code == 401
    assert client.get("/api/v1/contracts", HTTP_AUTHORIZATION="Bearer tc_nope").status_code == 401


def test_detail_scoped(client, signed_in, other_commissioner, contracts):
    from django.test import Client

    assert signed_in.get("/api/v1/contracts/A/1").json()["title"] == "Contract A/1"
    headers = bearer(other_commissioner)
    response = Client().get("/api/v1/contracts/A/1", **headers)
    assert response.status_code == 404 and response.json() == {"detail": "Not found"}


def test_variation_with_token(client, commissioner, contracts):
    headers = bearer(commissioner)
    payload = {
        "effective_on": TODAY.isoformat(),
        "annual_value_change": "5000.00",
        "reason": "Extra winter capacity",
    }
    response = client.post(
        "/api/v1/contracts/A/1/variations",
        data=json.dumps(payload),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    assert Decimal(response.json()["annual_value"]) == Decimal("105000.00")
    assert AuditLog.objects.filter(object_type="contracts.contractvariation").count() == 1
    bad = client.post(
        "/api/v1/contracts/A/1/variations",
        data=json.dumps({**payload, "reason": ""}),
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422 and "reason" in bad.json()["detail"]
    junk = client.post(
        "/api/v1/contracts/A/1/variations",
        data=json.dumps({**payload, "effective_on": "soon"}),
        content_type="application/json",
        **headers,
    )
    assert junk.status_code == 422


def test_councillor_cannot_post_a_variation(client, councillor, contracts):
    payload = {"effective_on": TODAY.isoformat(), "annual_value_change": "1", "reason": "x"}
    response = client.post(
        "/api/v1/contracts/A/1/variations",
        data=json.dumps(payload),
        content_type="application/json",
        **bearer(councillor),
    )
    assert response.status_code == 403 and "not change" in response.json()["detail"]


def test_other_council_variation_is_404(client, other_commissioner, contracts):
    payload = {"effective_on": TODAY.isoformat(), "annual_value_change": "1", "reason": "x"}
    response = client.post(
        "/api/v1/contracts/A/1/variations",
        data=json.dumps(payload),
        content_type="application/json",
        **bearer(other_commissioner),
    )
    assert response.status_code == 404


def test_session_post_needs_csrf(commissioner, contracts):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(commissioner)
    payload = {"effective_on": TODAY.isoformat(), "annual_value_change": "1", "reason": "x"}
    response = client.post(
        "/api/v1/contracts/A/1/variations",
        data=json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


def test_evaluator_sees_nothing(client, evaluator, contracts):
    data = client.get("/api/v1/contracts", **bearer(evaluator)).json()
    assert data["count"] == 0
