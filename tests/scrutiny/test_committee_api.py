"""The read-only scrutiny records API at /api/v1/scrutiny, scoped like the pages."""

import datetime as dt

import pytest

from tendercare.organisations.services import api_token_issue
from tendercare.scrutiny import services

from .test_committee_support import *  # noqa: F403 - fixtures

TODAY = dt.date.today()


def bearer(user):
    _, key = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def records(committee, chair, held_meeting, item):
    services.decision_record(
        item=item, kind="referred", text="Referred", referred_to="Secretary of State"
    )
    services.declaration_record(
        meeting=held_meeting, member=chair, kind="pecuniary", interest="Shares"
    )
    late = services.action_add(
        committee=committee,
        item=item,
        description="Provide ward-level data to the member",
        owner_name="BI team",
        due_on=TODAY - dt.timedelta(days=1),
    )
    services.action_add(
        committee=committee,
        description="Circulate the revised milestones table",
        owner_name="PMO",
        due_on=TODAY + dt.timedelta(days=9),
    )
    services.work_programme_item_add(
        committee=committee, title="Award outcome", planned_for=TODAY + dt.timedelta(days=40)
    )
    return late


def test_committees_meetings_and_agenda(client, councillor, committee, held_meeting, records):
    headers = bearer(councillor)
    body = client.get("/api/v1/scrutiny/committees", **headers).json()
    assert [c["name"] for c in body] == [committee.name]
    detail = client.get(f"/api/v1/scrutiny/committees/{committee.pk}", **headers).json()
    assert detail["members"][0]["role"] == "chair"
    assert [m["id"] for m in detail["meetings"]] == [held_meeting.pk]
    meeting = client.get(f"/api/v1/scrutiny/meetings/{held_meeting.pk}", **headers).json()
    item = meeting["items"][0]
    assert item["programme"] == "Home care from November 2026"
    assert item["decisions"][0]["referred_to"] == "Secretary of State"
    assert meeting["declarations"][0]["member"] == "Cllr Ada Wren"


def test_actions_filter_by_status_and_mark_overdue(client, councillor, committee, records):
    headers = bearer(councillor)
    body = client.get("/api/v1/scrutiny/actions", **headers).json()
    assert [(a["description"][:7], a["overdue"]) for a in body] == [
        ("Provide", True),
        ("Circula", False),
    ]
    overdue = client.get("/api/v1/scrutiny/actions?status=overdue", **headers).json()
    assert [a["id"] for a in overdue] == [records.pk]
    url = f"/api/v1/scrutiny/committees/{committee.pk}/actions?status=done"
    assert client.get(url, **headers).json() == []
    assert client.get("/api/v1/scrutiny/actions?status=late", **headers).status_code == 422
    assert client.get("/api/v1/scrutiny/actions?programme=abc", **headers).status_code == 422
    assert client.get("/api/v1/scrutiny/actions?programme=999999", **headers).status_code == 404


def test_work_programme(client, commissioner, committee, records):
    url = f"/api/v1/scrutiny/committees/{committee.pk}/work-programme?upcoming=true"
    body = client.get(url, **bearer(commissioner)).json()
    assert [e["title"] for e in body] == ["Award outcome"]


@pytest.mark.parametrize("who", ["provider_user", "evaluator", "other_commissioner"])
def test_out_of_scope_is_404(client, request, who, committee, held_meeting, records):
    headers = bearer(request.getfixturevalue(who))
    assert client.get("/api/v1/scrutiny/committees", **headers).json() == []
    assert client.get("/api/v1/scrutiny/actions", **headers).json() == []
    for path in (
        f"/api/v1/scrutiny/committees/{committee.pk}",
        f"/api/v1/scrutiny/meetings/{held_meeting.pk}",
        f"/api/v1/scrutiny/committees/{committee.pk}/actions",
        f"/api/v1/scrutiny/committees/{committee.pk}/work-programme",
    ):
        assert client.get(path, **headers).status_code == 404, path


def test_anonymous_is_refused(client, committee):
    assert client.get("/api/v1/scrutiny/committees").status_code == 401
