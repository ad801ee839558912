import datetime as dt
import json

import pytest

from tendercare.core.models import AuditLog
from tendercare.organisations.services import api_token_issue
from tendercare.programmes import services
from tendercare.programmes.models import MilestoneRevision

D = dt.date


@pytest.fixture
def revised(milestone, commissioner):
    services.milestone_revise(
        milestone=milestone,
        new_date=D(2026, 4, 13),
        reason="NHS England assurance",
        by=commissioner,
    )
    services.risk_add(
        programme=milestone.programme,
        title="Too few bidders",
        likelihood=4,
        impact=4,
        owner_name="Jo Patel",
        by=commissioner,
    )
    return milestone


def bearer(user):
    _, key = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post_revision(client, programme, milestone, body, **headers):
    return client.post(
        f"/api/v1/programmes/{programme.pk}/milestones/{milestone.pk}/revisions",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_needs_authentication(client, programme):
    assert client.get("/api/v1/programmes").status_code == 401


def test_list_and_detail_with_session(signed_in, programme, other_programme, revised):
    listing = signed_in.get("/api/v1/programmes").json()
    assert [p["name"] for p in listing] == ["Home care from November 2026"]
    detail = signed_in.get(f"/api/v1/programmes/{programme.pk}").json()
    (m,) = detail["milestones"]
    assert m["baseline_date"] == "2026-03-02" and m["current_date"] == "2026-04-13"
    assert m["slip_days"] == 42 and m["slip_working_days"] == 28
    assert m["rag"] in ("amber", "overdue")
    assert m["revisions"][0]["reason"] == "NHS England assurance"
    assert detail["risks"][0]["score"] == 16 and detail["risks"][0]["rating"] == "High"


def test_detail_with_bearer_token(client, commissioner, programme, revised):
    response = client.get(f"/api/v1/programmes/{programme.pk}", **bearer(commissioner))
    assert response.status_code == 200
    assert response.json()["milestones"][0]["revisions"][0]["revised_by"]


def test_other_council_gets_404(client, other_commissioner, programme, milestone):
    headers = bearer(other_commissioner)
    assert client.get(f"/api/v1/programmes/{programme.pk}", **headers).status_code == 404
    assert client.get("/api/v1/programmes", **headers).json() == []
    response = post_revision(
        client, programme, milestone, {"new_date": "2026-05-01", "reason": "x"}, **headers
    )
    assert response.status_code == 404 and response.json()["detail"]


def test_provider_sees_none(client, provider_user, programme):
    headers = bearer(provider_user)
    assert client.get("/api/v1/programmes", **headers).json() == []
    assert client.get(f"/api/v1/programmes/{programme.pk}", **headers).status_code == 404


def test_post_revision_with_token(client, commissioner, programme, milestone):
    response = post_revision(
        client,
        programme,
        milestone,
        {"new_date": "2026-04-13", "reason": "Six-week delay for NHS England assurance"},
        **bearer(commissioner),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["previous_date"] == "2026-03-02" and body["days"] == 42
    revision = MilestoneRevision.objects.get()
    assert revision.revised_by == commissioner
    assert AuditLog.objects.filter(object_type="programmes.milestonerevision").exists()


def test_post_revision_with_session(signed_in, programme, milestone):
    response = post_revision(
        signed_in, programme, milestone, {"new_date": "2026-04-13", "reason": "Assurance"}
    )
    assert response.status_code == 201, response.content


def test_councillor_cannot_post(client, councillor, programme, milestone):
    headers = bearer(councillor)
    assert client.get(f"/api/v1/programmes/{programme.pk}", **headers).status_code == 200
    response = post_revision(
        client, programme, milestone, {"new_date": "2026-05-01", "reason": "x"}, **headers
    )
    assert response.status_code == 403 and response.json()["detail"]
    assert not MilestoneRevision.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"new_date": "2026-02-31", "reason": "Assurance"},
        {"new_date": "not a date", "reason": "Assurance"},
        {"new_date": "2026-05-01", "reason": ""},
        {"new_date": "2026-05-01", "reason": "   "},
        {"new_date": "2026-03-02", "reason": "Same date"},
        {"reason": "No date"},
    ],
)
def test_bad_revision_is_422_with_detail(client, commissioner, programme, milestone, body):
    response = post_revision(client, programme, milestone, body, **bearer(commissioner))
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert not MilestoneRevision.objects.exists()


def test_milestone_of_another_programme_is_404(client, commissioner, programme, milestone, council):
    second = services.programme_create(owner=council, name="Second", by=commissioner)
    response = post_revision(
        client,
        second,
        milestone,
        {"new_date": "2026-05-01", "reason": "x"},
        **bearer(commissioner),
    )
    assert response.status_code == 404
