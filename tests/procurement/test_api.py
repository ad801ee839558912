import json

from tendercare.procurement import services
from tendercare.procurement.models import State

from .conftest import publish


def test_public_list_without_sign_in_shows_published_only(client, ready, commissioner, db):
    other = services.procurement_create(
        owner=ready.owner,
        reference="MED-DRAFT",
        title="Secret draft",
        estimated_value=1,
        by=commissioner,
    )
    assert client.get("/api/v1/procurements").json() == []
    publish(ready, commissioner)
    body = client.get("/api/v1/procurements").json()
    assert [p["reference"] for p in body] == ["MED-HC-2026"]
    item = body[0]
    assert item["state"] == State.PUBLISHED and item["route"] == "open" and item["light_touch"]
    assert item["bid_deadline"] and item["clarification_deadline"]
    lot = item["lots"][0]
    assert lot["title"] == "North zone" and lot["locality"] == "Medway North"
    assert {b["band"] for b in lot["band_hours"]} == {"urban", "rural"}
    assert other.reference not in json.dumps(body)


def test_public_detail_has_notices_and_nothing_personal(client, ready, commissioner):
    assert client.get("/api/v1/procurements/MED-HC-2026").status_code == 404
    publish(ready, commissioner)
    response = client.get("/api/v1/procurements/MED-HC-2026")
    assert response.status_code == 200
    body = response.json()
    assert [n["code"] for n in body["notices"]] == ["UK4"]
    assert body["buyer"] == "Medway Council"
    assert body["steps"][1].startswith("Publish the UK4 tender notice")
    text = json.dumps(body)
    assert "commissioner" not in text  # no usernames, no decided_by, no state history
    assert "rationale" not in text


def test_unknown_and_draft_references_are_404(client, procurement):
    assert client.get("/api/v1/procurements/NOPE").status_code == 404
    assert client.get("/api/v1/procurements/MED-HC-2026").status_code == 404
