"""/api/v1/procurements/{ref}/ocds: public without sign-in for published procurements."""

import pytest

from tendercare.procurement.models import State

pytestmark = pytest.mark.django_db


def test_release_package_is_public(client, confirmed):
    response = client.get("/api/v1/procurements/HC-2026-01/ocds")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    package = response.json()
    assert package["uri"] == "http://testserver/api/v1/procurements/HC-2026-01/ocds"
    assert [r["tag"][0] for r in package["releases"]] == [
        "planning",
        "tender",
        "award",
        "award",
        "contract",
    ]


def test_record_package_is_public(client, confirmed):
    response = client.get("/api/v1/procurements/HC-2026-01/ocds/record")
    assert response.status_code == 200
    (record,) = response.json()["records"]
    assert record["ocid"] == "ocds-tcare-HC-2026-01"
    assert len(record["compiledRelease"]["contracts"]) == 4


def test_draft_and_unknown_are_404(client, procurement):
    procurement.state = State.DRAFT
    procurement.save()
    assert client.get("/api/v1/procurements/HC-2026-01/ocds").status_code == 404
    assert client.get("/api/v1/procurements/HC-2026-01/ocds/record").status_code == 404
    assert client.get("/api/v1/procurements/NOPE/ocds").status_code == 404


def test_no_user_data_in_the_api_output(client, confirmed, commissioner):
    text = client.get("/api/v1/procurements/HC-2026-01/ocds").content.decode()
    assert commissioner.username not in text
    assert commissioner.last_name not in text
