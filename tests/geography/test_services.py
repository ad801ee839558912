import pytest

from tendercare.core.errors import DomainError
from tendercare.core.models import AuditLog
from tendercare.geography import queries, services
from tendercare.geography.models import Locality, Lsoa, OrganisationBand, Place, RuralityBand

MEDWAY, DOVER = "E06000035", "E07000108"
pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.django_db
def test_an_organisations_band_moves_every_lsoa_of_the_class_for_it(commissioner):
    before = queries.band_counts(commissioner)
    moved = Lsoa.objects.filter(ruc_id="UF1").count()
    assert moved
    services.organisation_band_set(
        ruc_code="UF1", band="fringe", reason="Our travel runs say so", by=commissioner
    )
    after = queries.band_counts(commissioner)
    assert after["fringe"] == before["fringe"] + moved
    assert after["urban"] == before["urban"] - moved
    entry = AuditLog.objects.get(object_type="geography.organisationband")
    assert entry.user == commissioner and "Our travel runs say so" in entry.summary
    assert f"{moved} LSOAs change band for Medway Council" in entry.summary


@pytest.mark.django_db
def test_one_organisations_band_leaves_tendercares_and_others_alone(
    commissioner, other_commissioner
):
    kent_before = queries.band_counts(other_commissioner)
    code = Lsoa.objects.filter(ruc_id="RSF1").values_list("code", flat=True).first()
    services.organisation_band_set(
        ruc_code="RSF1", band="rural", reason="A short bus ride from town", by=commissioner
    )
    assert RuralityBand.objects.get(ruc_code="RSF1").band == "isolated"
    assert queries.band_counts(other_commissioner) == kent_before
    assert queries.lsoa_bands(commissioner.organisation_id, [code]) == {code: "rural"}
    assert queries.lsoa_bands(other_commissioner.organisation_id, [code]) == {code: "isolated"}
    assert queries.lsoa_bands(None, [code]) == {code: "isolated"}
    # Kent cannot see Medway's choice, in the mapping or its history.
    assert not queries.organisation_bands_visible_to(other_commissioner).exists()
    kent_row = next(m for m in queries.rurality_mapping(other_commissioner) if m.ruc_code == "RSF1")
    assert (kent_row.band, kent_row.own) == ("isolated", False)
    mine = next(m for m in queries.rurality_mapping(commissioner) if m.ruc_code == "RSF1")
    assert (mine.band, mine.default_band, mine.own) == ("rural", "isolated", True)


@pytest.mark.django_db
def test_changing_the_band_again_updates_the_same_row_and_audits_the_change(commissioner):
    first = services.organisation_band_set(
        ruc_code="RSF1", band="rural", reason="First look", by=commissioner
    )
    again = services.organisation_band_set(
        ruc_code="RSF1", band="isolated", reason="Travel run 4 says isolated", by=commissioner
    )
    assert first.pk == again.pk and OrganisationBand.objects.count() == 1
    update = AuditLog.objects.filter(object_type="geography.organisationband").latest("pk")
    assert update.before["band"] == "rural" and update.after["band"] == "isolated"


@pytest.mark.django_db
def test_organisation_band_set_rejects_nonsense_and_writes_nothing(commissioner, db):
    from tendercare.organisations.models import Role, User

    loner = User.objects.create_user(username="loner", role=Role.COMMISSIONER, password="x")
    cases = [
        ({"ruc_code": "UN1", "band": "lunar", "reason": "x", "by": commissioner}, "not a band"),
        ({"ruc_code": "XX1", "band": "urban", "reason": "x", "by": commissioner}, "XX1"),
        ({"ruc_code": "UN1", "band": "urban", "reason": "  ", "by": commissioner}, "Say why"),
        ({"ruc_code": "UN1", "band": "urban", "reason": "x", "by": loner}, "organisation"),
    ]
    for kwargs, words in cases:
        with pytest.raises(DomainError, match=words):
            services.organisation_band_set(**kwargs)
    assert not OrganisationBand.objects.exists()
    assert not AuditLog.objects.filter(object_type="geography.organisationband").exists()


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
def test_locality_create(other_commissioner):
    # Kent County Council serves Dover, one of its districts.
    dover = Place.objects.get(code=DOVER)
    locality = services.locality_create(
        place=dover, name="Deal only", ward_codes=["E05012863"], by=other_commissioner
    )
    assert list(locality.wards.values_list("name", flat=True)) == ["Middle Deal"]
    with pytest.raises(DomainError, match="already has"):
        services.locality_create(place=dover, name="deal ONLY", by=other_commissioner)


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
