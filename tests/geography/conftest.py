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
