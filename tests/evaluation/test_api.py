import json

import pytest

from tendercare.evaluation.models import Score
from tendercare.organisations.services import api_token_issue

from .conftest import declare

BASE = "/api/v1/evaluation"


def bearer(user):
    _, key = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post_score(client, procurement, body, **headers):
    return client.post(
        f"{BASE}/procurements/{procurement.reference}/scores",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_needs_authentication(client, assigned):
    assert client.get(f"{BASE}/worklist").status_code == 401


def test_worklist(client, assigned, evaluator):
    body = client.get(f"{BASE}/worklist", **bearer(evaluator)).json()
    assert body[0]["reference"] == "MC-2026-001"
    assert body[0]["status"] == "Declare your interests first" and not body[0]["declared"]


def test_score_by_api_for_assigned_declared_evaluator(client, declared, bids, model, evaluator):
    body = {
        "bid_id": bids[0].pk,
        "question_id": model["q1"].pk,
        "score": 4,
        "rationale": "Named coordinator",
    }
    response = post_score(client, declared, body, **bearer(evaluator))
    assert response.status_code == 201, response.content
    assert Score.objects.get().rationale == "Named coordinator"
    bad = post_score(client, declared, {**body, "score": 7}, **bearer(evaluator))
    assert bad.status_code == 400 and "whole number" in bad.json()["detail"]
    bad = post_score(client, declared, {**body, "rationale": " "}, **bearer(evaluator))
    assert bad.status_code == 400
    assert (
        post_score(client, declared, {**body, "score": "x"}, **bearer(evaluator)).status_code == 422
    )
    assert post_score(client, declared, {"junk": 1}, **bearer(evaluator)).status_code == 422


def test_conflicted_evaluator_cannot_score_that_bidder_by_api(
    client, assigned, bids, bidders, model, evaluator
):
    body = {"bid_id": bids[0].pk, "question_id": model["q1"].pk, "score": 4, "rationale": "r"}
    # Before declaring: nothing to open
    assert post_score(client, assigned, body, **bearer(evaluator)).status_code == 404
    declare(assigned, evaluator, conflicts=[bidders[0]])
    assert post_score(client, assigned, body, **bearer(evaluator)).status_code == 404
    body["bid_id"] = bids[1].pk
    assert post_score(client, assigned, body, **bearer(evaluator)).status_code == 201


def test_results_for_staff_after_lock_only(client, scored, locked, commissioner, evaluator):
    response = client.get(f"{BASE}/procurements/{locked.reference}/results", **bearer(commissioner))
    assert response.status_code == 200
    lots = response.json()["lots"]
    assert [r["rank"] for r in lots[0]["results"]] == [1, 2, 3]
    assert lots[0]["blockers"] == []
    assert (
        client.get(
            f"{BASE}/procurements/{locked.reference}/results", **bearer(evaluator)
        ).status_code
        == 404
    )


def test_results_before_lock_are_404(client, scored, commissioner):
    url = f"{BASE}/procurements/{scored.reference}/results"
    assert client.get(url, **bearer(commissioner)).status_code == 404


@pytest.mark.parametrize("who", ["provider_user", "councillor", "other_commissioner"])
def test_outsiders_get_nothing(client, request, locked, bids, model, who):
    person = request.getfixturevalue(who)
    headers = bearer(person)
    worklist = client.get(f"{BASE}/worklist", **headers)
    if who == "other_commissioner":
        assert worklist.json() == []
    else:
        assert worklist.status_code == 404
    assert (
        client.get(f"{BASE}/procurements/{locked.reference}/results", **headers).status_code == 404
    )
    body = {"bid_id": bids[0].pk, "question_id": model["q1"].pk, "score": 4, "rationale": "r"}
    assert post_score(client, locked, body, **headers).status_code == 404
    assert client.get(f"{BASE}/procurements/NOPE/results", **headers).status_code == 404
