import pytest

from tendercare.core.errors import DomainError
from tendercare.core.models import AuditLog
from tendercare.geography import queries, services
from tendercare.geography.models import Locality, Lsoa, Place

MEDWAY, DOVER = "E06000035", "E07000108"
pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.django_db
def test_rurality_band_set_changes_every_lsoa_of_the_class(commissioner):
    before = queries.band_counts(commissioner)
    moved = Lsoa.objects.filter(ruc_id="UF1").count()
    services.rurality_band_set(ruc_code="UF1", band="fringe", by=commissioner)
    after = queries.band_counts(commissioner)
    assert after["fringe"] == before["fringe"] + moved
    assert after["urban"] == before["urban"] - moved
    assert AuditLog.objects.filter(object_type="geography.ruralityband", object_id="UF1").count()


@pytest.mark.django_db
def test_rurality_band_set_rejects_nonsense(commissioner):
    with pytest.raises(DomainError):
        services.rurality_band_set(ruc_code="UN1", band="lunar", by=commissioner)
    with pytest.raises(DomainError):
        services.rurality_band_set(ruc_code="XX1", band="urban", by=commissioner)


@pytest.mark.django_db
def test_locality_set_wards_is_audited_and_checked(commissioner):
    locality = Locality.objects.get(place_id=MEDWAY, name="Chatham")
    services.locality_set_wards(
        locality=locality, ward_codes=["E05014450", "e05014459"], by=commissioner
    )
    assert sorted(locality.wards.values_list("code", flat=True)) == ["E05014450", "E05014459"]
    entry = AuditLog.objects.filter(object_type="geography.locality").latest("pk")
    assert entry.after == {
        "before": ["E05014450", "E05014459", "E05014466"],
        "after": ["E05014450", "E05014459"],
    }
    with pytest.raises(DomainError, match="Not in Medway"):
        services.locality_set_wards(locality=locality, ward_codes=["E05012855"], by=commissioner)
    with pytest.raises(DomainError, match="Unknown ward"):
        services.locality_set_wards(locality=locality, ward_codes=["E05000000"], by=commissioner)


@pytest.mark.django_db
def test_locality_create(commissioner):
    dover = Place.objects.get(code=DOVER)
    locality = services.locality_create(
        place=dover, name="Deal only", ward_codes=["E05012863"], by=commissioner
    )
    assert list(locality.wards.values_list("name", flat=True)) == ["Middle Deal"]
    with pytest.raises(DomainError, match="already has"):
        services.locality_create(place=dover, name="deal ONLY", by=commissioner)


@pytest.mark.django_db
def test_nothing_is_visible_when_signed_out():
    from django.contrib.auth.models import AnonymousUser

    nobody = AnonymousUser()
    assert not queries.places_visible_to(nobody).exists()
    assert not queries.localities_visible_to(nobody).exists()
    assert queries.postcode_lookup(nobody, "ME4 4TR").lsoa is None


@pytest.mark.django_db
def test_postcode_to_lsoa_is_tolerant(commissioner):
    assert queries.postcode_to_lsoa("me4 4tr").code == "E01035297"
    assert queries.postcode_to_lsoa("ME44TR").code == "E01035297"
    assert queries.postcode_to_lsoa("SW1A 1AA") is None
    assert queries.postcode_to_lsoa("rubbish") is None
