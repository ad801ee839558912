import pytest

from tendercare.core.models import AuditLog
from tendercare.geography.models import Locality, Place, Ward
from tendercare.geography.services import locality_create


@pytest.fixture
def place_with_wards(db):
    place = Place.objects.create(code="E06000035", name="Medway")
    for code, name in [("E05000001", "Strood West"), ("E05000002", "Strood Rural")]:
        Ward.objects.create(code=code, name=name, place=place)
    other = Place.objects.create(code="E07000108", name="Dover")
    Ward.objects.create(code="E05000099", name="Dover Town", place=other)
    return place


@pytest.fixture
def locality(place_with_wards, commissioner):
    return locality_create(
        place=place_with_wards, name="Strood", ward_codes=["E05000001"], by=commissioner
    )


def test_commissioner_changes_a_localitys_wards(signed_in, locality):
    url = f"/areas/localities/{locality.pk}/edit/"
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(
        url, {"name": "Strood and Rural", "description": "", "wards": ["E05000001", "E05000002"]}
    )
    assert response.status_code == 302
    locality.refresh_from_db()
    assert locality.name == "Strood and Rural"
    assert sorted(locality.wards.values_list("code", flat=True)) == ["E05000001", "E05000002"]
    assert AuditLog.objects.filter(object_type="geography.locality").count() >= 2


def test_wards_from_elsewhere_or_none_are_refused(signed_in, locality):
    url = f"/areas/localities/{locality.pk}/edit/"
    text = signed_in.post(url, {"name": "Strood", "wards": ["E05000099"]}).content.decode()
    assert "Choose wards from this local authority" in text
    text = signed_in.post(url, {"name": "", "wards": []}).content.decode()
    assert "Enter the locality&#39;s name" in text and "Choose at least one ward" in text
    assert list(Locality.objects.get(pk=locality.pk).wards.values_list("code", flat=True)) == [
        "E05000001"
    ]


def test_councillor_cannot_change_a_locality(client, councillor, locality):
    client.force_login(councillor)
    url = f"/areas/localities/{locality.pk}/edit/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "X", "wards": ["E05000002"]}).status_code == 403
