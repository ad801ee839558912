"""Only the bodies that serve a place change its localities: its own council, its county council
(for a district) and its integrated care board. On Medway and Dover loaded from the extracts."""

import datetime as dt

import pytest

from tendercare.core.errors import NotAllowed
from tendercare.core.models import AuditLog
from tendercare.geography import queries, services
from tendercare.geography.models import Locality, LocalityWard, Place
from tendercare.geography.rules import can_change_localities_of
from tendercare.organisations.models import Role
from tests.factories import CommissionerOrgFactory, UserFactory

from .conftest import DOVER, MEDWAY

pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.django_db]


def _medway_locality() -> Locality:
    return Locality.objects.get(place_id=MEDWAY, name="Chatham")


def _dover_locality() -> Locality:
    return Locality.objects.filter(place_id=DOVER).order_by("name").first()


def _state(locality: Locality):
    locality = Locality.objects.get(pk=locality.pk)
    wards = sorted(locality.wards.values_list("code", flat=True))
    return locality.name, locality.description, wards


def _locality_audit() -> int:
    return AuditLog.objects.filter(object_type="geography.locality").count()


def _post(locality: Locality, name: str = "Redrawn", wards: list[str] | None = None) -> dict:
    others = [w.code for w in locality.place.wards.order_by("code")[:2]]
    return {"name": name, "description": "Redrawn by someone", "wards": wards or others}


def test_the_loader_gives_dover_its_county_and_medway_itself():
    assert Place.objects.get(code=DOVER).upper_tier_code == "E10000016"
    assert Place.objects.get(code=MEDWAY).upper_tier_code == "E06000035"
    assert set(Place.objects.values_list("icb_code", flat=True)) == {"E54000032"}


def test_kent_county_council_gets_403_on_a_medway_locality_and_nothing_changes(
    client, other_commissioner
):
    locality = _medway_locality()
    before, audits = _state(locality), _locality_audit()
    client.force_login(other_commissioner)
    url = f"/areas/localities/{locality.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 403
    text = page.content.decode()
    assert "Kent County Council does not serve Medway" in text
    assert "Medway&#39;s own council (E06000035)" in text
    assert client.post(url, _post(locality)).status_code == 403
    assert _state(locality) == before
    assert _locality_audit() == audits


def test_medway_commissioner_changes_a_medway_locality(signed_in):
    locality = _medway_locality()
    wards = [w.code for w in locality.place.wards.order_by("code")[:2]]
    audits = _locality_audit()
    assert signed_in.get(f"/areas/localities/{locality.pk}/edit/").status_code == 200
    response = signed_in.post(
        f"/areas/localities/{locality.pk}/edit/", _post(locality, "Chatham Central", wards)
    )
    assert response.status_code == 302
    assert _state(locality) == ("Chatham Central", "Redrawn by someone", sorted(wards))
    assert _locality_audit() > audits


def test_kent_county_council_changes_a_dover_locality_but_medway_may_not(
    client, commissioner, other_commissioner
):
    locality = _dover_locality()
    wards = [w.code for w in locality.place.wards.order_by("code")[:2]]
    url = f"/areas/localities/{locality.pk}/edit/"
    client.force_login(commissioner)
    before = _state(locality)
    assert client.post(url, _post(locality, "Medway's idea", wards)).status_code == 403
    assert _state(locality) == before
    client.force_login(other_commissioner)
    assert client.post(url, _post(locality, "Deal and Sandwich", wards)).status_code == 302
    assert _state(locality)[0] == "Deal and Sandwich"
    entry = AuditLog.objects.filter(object_type="geography.locality").latest("pk")
    assert entry.user == other_commissioner


def test_the_icb_changes_localities_in_medway_and_in_dover(client, icb_commissioner):
    client.force_login(icb_commissioner)
    for locality in (_medway_locality(), _dover_locality()):
        wards = [w.code for w in locality.place.wards.order_by("code")[:1]]
        url = f"/areas/localities/{locality.pk}/edit/"
        assert client.get(url).status_code == 200
        assert client.post(url, _post(locality, f"ICB {locality.name}", wards)).status_code == 302
        assert _state(locality)[2] == wards


def test_the_change_link_shows_only_to_those_who_may_change(
    client, commissioner, other_commissioner, councillor
):
    locality = _medway_locality()
    link = f"/areas/localities/{locality.pk}/edit/"
    client.force_login(commissioner)
    assert link in client.get(f"/areas/localities/{locality.pk}/").content.decode()
    assert "You can change them" in client.get(f"/areas/{MEDWAY}/").content.decode()
    for person in (other_commissioner, councillor):
        client.force_login(person)
        assert link not in client.get(f"/areas/localities/{locality.pk}/").content.decode()
        place_page = client.get(f"/areas/{MEDWAY}/").content.decode()
        assert "You can change them" not in place_page
        assert "Commissioners and administrators of Medway&#39;s own council" in place_page


def test_a_councillor_of_the_place_is_still_refused_by_role(client, councillor):
    locality = _medway_locality()
    client.force_login(councillor)
    response = client.get(f"/areas/localities/{locality.pk}/edit/")
    assert response.status_code == 403
    assert "Only administrators and commissioners may change localities" in (
        response.content.decode()
    )


def test_the_services_refuse_and_write_nothing(commissioner, other_commissioner, councillor):
    medway, dover = Place.objects.get(code=MEDWAY), Place.objects.get(code=DOVER)
    kent = other_commissioner
    locality = _medway_locality()
    before, audits, count = _state(locality), _locality_audit(), Locality.objects.count()
    links = LocalityWard.objects.count()
    wards = [w.code for w in medway.wards.order_by("code")[:1]]
    attempts = [
        lambda: services.locality_update(
            locality=locality, name="Kent's", description="", ward_codes=wards, by=kent
        ),
        lambda: services.locality_set_wards(
            locality=locality, ward_codes=wards, by=other_commissioner
        ),
        lambda: services.locality_create(
            place=medway, name="Kent's own", ward_codes=wards, by=other_commissioner
        ),
        lambda: services.locality_create(place=dover, name="Medway's own", by=commissioner),
        lambda: services.locality_set_wards(locality=locality, ward_codes=wards, by=councillor),
        lambda: services.locality_set_wards(locality=locality, ward_codes=wards, by=None),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
    assert _state(locality) == before
    assert Locality.objects.count() == count and LocalityWard.objects.count() == links
    assert _locality_audit() == audits
    with pytest.raises(NotAllowed, match="Kent County Council does not serve Medway"):
        services.locality_set_wards(locality=locality, ward_codes=wards, by=other_commissioner)


def test_the_rule_and_query_helper(commissioner, other_commissioner, icb_commissioner):
    medway, dover = Place.objects.get(code=MEDWAY), Place.objects.get(code=DOVER)
    assert can_change_localities_of(commissioner, medway)
    assert not can_change_localities_of(commissioner, dover)
    assert can_change_localities_of(other_commissioner, dover)
    assert not can_change_localities_of(other_commissioner, medway)
    assert can_change_localities_of(icb_commissioner, medway)
    assert can_change_localities_of(icb_commissioner, dover)
    assert not can_change_localities_of(commissioner, None)
    assert queries.may_change_localities_of(commissioner, medway)
    assert not queries.may_change_localities_of(other_commissioner, medway)
    # The permission also answers for a locality, by its place.
    assert commissioner.has_perm("geography.change_locality", _medway_locality())
    assert not other_commissioner.has_perm("geography.change_locality", _medway_locality())


def test_an_administrator_serves_what_its_organisation_serves():
    kent = CommissionerOrgFactory(name="Kent County Council", ons_code="E10000016")
    admin = UserFactory(username="kentadmin", role=Role.ADMINISTRATOR, organisation=kent)
    assert can_change_localities_of(admin, Place.objects.get(code=DOVER))
    assert not can_change_localities_of(admin, Place.objects.get(code=MEDWAY))


def test_a_body_merged_into_an_organisation_lends_it_the_places_it_served():
    # Medway's old body is merged into a successor without an ONS code of its own.
    successor = CommissionerOrgFactory(name="Successor Board")
    CommissionerOrgFactory(
        name="Old Medway Body",
        ons_code="E06000035",
        merged_into=successor,
        merged_on=dt.date(2022, 7, 1),
    )
    person = UserFactory(username="successor", role=Role.COMMISSIONER, organisation=successor)
    assert can_change_localities_of(person, Place.objects.get(code=MEDWAY))
    assert not can_change_localities_of(person, Place.objects.get(code=DOVER))


def test_an_organisation_without_an_ons_code_serves_no_place():
    nowhere = CommissionerOrgFactory(name="Somewhere Council")
    person = UserFactory(username="nowhere", role=Role.COMMISSIONER, organisation=nowhere)
    assert not can_change_localities_of(person, Place.objects.get(code=MEDWAY))
