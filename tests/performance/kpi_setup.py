"""Fixtures for the KPI tests: a council's zone with a prime provider under a contract, and the
tmp visit store. Import the fixtures into a test module to use them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tendercare.contracts import services as contract_services
from tendercare.contracts.models import ProcurementRoute
from tendercare.performance.models import ProviderStatus, Zone
from tests.factories import ProviderOrgFactory


def make_contract(*, reference, council, provider, service="Home care"):
    line, _ = contract_services.service_line_get_or_create(name=service)
    return contract_services.contract_create(
        reference=reference,
        shares=[(council, Decimal("100"))],
        by=None,
        title=f"{service} {reference}",
        provider=provider,
        service=line,
        annual_value=Decimal("1000000"),
        start_date=dt.date(2024, 4, 1),
        end_date=dt.date(2029, 3, 31),
        procurement_route=ProcurementRoute.OPEN,
    )


@pytest.fixture(name="store")
def store_fixture(visit_store):
    """The tmp visit store of tests/performance/conftest.py."""
    return visit_store


@pytest.fixture(name="monitored")
def monitored_fixture(db, council, provider_org):
    contract = make_contract(reference="HC-001", council=council, provider=provider_org)
    zone = Zone.objects.create(owner=council, name="North")
    other_zone = Zone.objects.create(owner=council, name="South")
    other_provider = ProviderOrgFactory(name="Hillside Homecare Ltd")
    other_contract = make_contract(reference="HC-002", council=council, provider=other_provider)
    ProviderStatus.objects.create(
        zone=zone,
        provider=provider_org,
        contract=contract,
        status=ProviderStatus.Status.PRIME,
        since=dt.date(2024, 4, 1),
        reason="Award",
    )
    ProviderStatus.objects.create(
        zone=other_zone,
        provider=other_provider,
        contract=other_contract,
        status=ProviderStatus.Status.PRIME,
        since=dt.date(2024, 4, 1),
        reason="Award",
    )
    community = make_contract(
        reference="CH-001", council=council, provider=provider_org, service="Community nursing"
    )
    return SimpleNamespace(
        council=council,
        provider=provider_org,
        contract=contract,
        zone=zone,
        other_zone=other_zone,
        other_provider=other_provider,
        other_contract=other_contract,
        community=community,
    )


def stored_import(owner, import_id: int = 1):
    """The VisitImport row behind files written straight into the store (kpi_store.write_store):
    the store reads only the files of DONE imports."""
    from tendercare.performance.models import VisitImport

    return VisitImport.objects.get_or_create(
        pk=import_id,
        defaults={
            "owner": owner,
            "filename": "written by the test",
            "sha256": "0" * 64,
            "status": VisitImport.Status.DONE,
        },
    )[0]
