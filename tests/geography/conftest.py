import pytest

from tendercare.core.models import AuditLog
from tendercare.geography.models import (
    GeographyLoad,
    Locality,
    Lsoa,
    Place,
    Postcode,
    RuralityBand,
    Ward,
)
from tendercare.geography.services import geography_load
from tendercare.organisations.models import Organisation, Role
from tests.factories import CommissionerOrgFactory, OrganisationFactory, UserFactory

MEDWAY, DOVER = "E06000035", "E07000108"


def _wipe():
    for model in (Postcode, Locality, Lsoa, Ward, Place, RuralityBand, GeographyLoad):
        model.objects.all().delete()
    AuditLog.objects.filter(object_type__startswith="geography.").delete()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Medway and Dover loaded once per module from the shipped extracts (about a second);
    each test still runs in its own transaction, rolled back afterwards."""
    with django_db_blocker.unblock():
        _wipe()
        summary = geography_load(lads=[MEDWAY, DOVER])
    yield summary
    with django_db_blocker.unblock():
        _wipe()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The fixtures create users with real passwords; the default hasher costs ~0.5s a user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The shared fixtures' councils carry no ONS code; here they are the real bodies, because who may
# change a place's localities depends on it (Medway serves itself, Kent County Council its
# districts such as Dover).
MEDWAY_COUNCIL, KENT_COUNTY, KENT_AND_MEDWAY_ICB = "E06000035", "E10000016", "E54000032"


@pytest.fixture
def council(db):
    return CommissionerOrgFactory(name="Medway Council", ons_code=MEDWAY_COUNCIL)


@pytest.fixture
def other_council(db):
    return CommissionerOrgFactory(name="Kent County Council", ons_code=KENT_COUNTY)


@pytest.fixture
def icb_commissioner(db):
    icb = OrganisationFactory(
        name="NHS Kent and Medway Integrated Care Board",
        kind=Organisation.Kind.ICB,
        ods_code="QKS",
        ons_code=KENT_AND_MEDWAY_ICB,
    )
    return UserFactory(username="icbcommissioner", role=Role.COMMISSIONER, organisation=icb)
