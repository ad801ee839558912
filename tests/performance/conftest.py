"""Every performance test gets its own visit store (tmp) and pseudonym key; `medway` is an
owner with two providers and zones, one placed by LSOA, for the visit-import tests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tendercare.geography.models import Lsoa, Place, Postcode, RuralityBand, Ward
from tendercare.performance.models import Zone
from tests.factories import ProviderOrgFactory

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def visit_store(settings, tmp_path):
    root = tmp_path / "visit-store"
    root.mkdir()
    settings.VISIT_STORE = root
    settings.PSEUDONYM_KEY = "test-key-not-a-secret"
    return root


@pytest.fixture
def medway(db, council, provider_org):
    place = Place.objects.create(code="E06000035", name="Medway")
    ward = Ward.objects.create(code="E05000001", name="Chatham Central", place=place)
    urban = RuralityBand.objects.create(ruc_code="UN1", band="urban")
    rural = RuralityBand.objects.create(ruc_code="RSF1", band="rural")
    town = Lsoa.objects.create(
        code="E01016001", name="Medway 001A", ward=ward, place=place, ruc=urban
    )
    village = Lsoa.objects.create(
        code="E01016002", name="Medway 002A", ward=ward, place=place, ruc=rural
    )
    Postcode.objects.create(code="ME11AA", pcds="ME1 1AA", lsoa=village)
    north = Zone.objects.create(owner=council, name="North", lsoa_codes=[town.code])
    south = Zone.objects.create(owner=council, name="South", lsoa_codes=[village.code])
    other = ProviderOrgFactory(name="Hillside Homecare Ltd", ods_code="HH1")
    return SimpleNamespace(
        council=council,
        provider=provider_org,
        other=other,
        north=north,
        south=south,
        town=town,
        village=village,
    )
