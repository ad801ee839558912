"""The JSON API as a whole: its description, its authentication and its scoping."""

import pytest

from tendercare.core.models import AuditLog
from tendercare.organisations import services
from tendercare.organisations.models import ApiToken


@pytest.mark.django_db
def test_openapi_describes_contracts_programmes_and_areas(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/contracts" in paths
    assert any(p.startswith("/api/v1/programmes") for p in paths)
    assert any(p.startswith("/api/v1/areas") for p in paths)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/contracts", "/api/v1/programmes", "/api/v1/areas/places"])
def test_api_needs_a_session_or_a_token(client, url):
    assert client.get(url).status_code == 401
    bad = client.get(url, HTTP_AUTHORIZATION="Bearer tc_not-a-real-token")
    assert bad.status_code == 401


@pytest.mark.django_db
def test_token_works_until_revoked(client, commissioner):
    token, key = services.api_token_issue(user=commissioner, name="report")
    assert key not in ApiToken.objects.values_list("key_hash", flat=True)  # only a hash is kept
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/contracts", **auth).status_code == 200
    services.api_token_revoke(token=token, by=commissioner)
    assert client.get("/api/v1/contracts", **auth).status_code == 401


@pytest.mark.django_db
def test_person_issues_and_revokes_their_own_token(signed_in, commissioner, other_commissioner):
    page = signed_in.post("/organisations/account/api-tokens/", {"name": ""})
    assert "Enter a name for the token" in page.content.decode()
    page = signed_in.post("/organisations/account/api-tokens/", {"name": "Power BI"})
    text = page.content.decode()
    token = ApiToken.objects.get(user=commissioner)
    key = text.split('<code class="tc-token">')[1].split("</code>")[0]
    assert ApiToken.hash(key) == token.key_hash
    assert AuditLog.objects.filter(object_type="organisations.apitoken").count() == 1

    theirs, _ = services.api_token_issue(user=other_commissioner, name="theirs")
    assert (
        signed_in.post(f"/organisations/account/api-tokens/{theirs.pk}/revoke/").status_code == 404
    )
    assert signed_in.get(f"/organisations/account/api-tokens/{token.pk}/revoke/").status_code == 405
    signed_in.post(f"/organisations/account/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked
