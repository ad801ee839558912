import pytest

from tendercare.geography.models import Locality, Lsoa
from tendercare.organisations.services import api_token_issue

MEDWAY, DOVER = "E06000035", "E07000108"
pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.django_db
def test_api_needs_authentication(client):
    for url in ["/api/v1/areas/places", "/api/v1/areas/wards/E05014449"]:
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["detail"]


@pytest.mark.django_db
def test_places_list_and_detail(signed_in):
    places = signed_in.get("/api/v1/areas/places").json()
    medway = next(p for p in places if p["code"] == MEDWAY)
    assert medway["lsoa_count"] == 169 and medway["ward_count"] == 24
    assert medway["population"] == sum(
        Lsoa.objects.filter(place_id=MEDWAY).values_list("pop_total", flat=True)
    )
    detail = signed_in.get(f"/api/v1/areas/places/{MEDWAY}").json()
    assert len(detail["wards"]) == 24 and len(detail["localities"]) == 6
    assert signed_in.get("/api/v1/areas/places/E99999999").status_code == 404


@pytest.mark.django_db
def test_ward_and_locality_profiles(signed_in):
    ward = signed_in.get("/api/v1/areas/wards/E05014449").json()
    assert ward["name"] == "All Saints" and ward["place"]["code"] == MEDWAY
    assert sum(b["population"] for b in ward["age_bands"]) == ward["population"]
    assert 0 < ward["share_65_plus"] < 1
    assert len(ward["imd_deciles"]) == 10
    assert "English Indices of Deprivation 2025, MHCLG" in ward["sources"]
    locality = Locality.objects.get(place_id=DOVER, name="Dover and the villages")
    body = signed_in.get(f"/api/v1/areas/localities/{locality.pk}").json()
    assert body["kind"] == "locality" and len(body["wards"]) == 9
    assert sum(r["lsoas"] for r in body["rurality"]) == len(body["lsoas"])
    assert signed_in.get("/api/v1/areas/localities/999999").status_code == 404
    assert signed_in.get("/api/v1/areas/wards/E05999999").status_code == 404


@pytest.mark.django_db
def test_postcode_endpoint(signed_in):
    body = signed_in.get("/api/v1/areas/postcodes/me44tr").json()
    assert body["postcode"] == "ME4 4TR"
    assert body["lsoa"]["code"] == "E01035297" and body["lsoa"]["band"] == "urban"
    assert body["ward"]["name"] == "Fort Pitt" and body["place"]["code"] == MEDWAY
    unknown = signed_in.get("/api/v1/areas/postcodes/SW1A1AA")
    assert (
        unknown.status_code == 404
        and "not a postcode in the loaded areas" in unknown.json()["detail"]
    )
    assert signed_in.get("/api/v1/areas/postcodes/nonsense").status_code == 422


@pytest.mark.django_db
def test_bearer_token_works_for_any_role(client, provider_user):
    _, key = api_token_issue(user=provider_user, name="test")
    response = client.get("/api/v1/areas/places", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and len(response.json()) == 2
