import datetime as dt
from decimal import Decimal

import pytest

from tendercare.contracts.models import Contract, ContractCommissioner, ServiceLine
from tendercare.programmes import services


def make_contract(*, reference, commissioner, provider, title="Community nursing"):
    service, _ = ServiceLine.objects.get_or_create(name="Community nursing")
    contract = Contract.objects.create(
        reference=reference,
        title=title,
        provider=provider,
        service=service,
        annual_value=Decimal("1200000.00"),
        whole_life_value=Decimal("6000000.00"),
        start_date=dt.date(2021, 4, 1),
        end_date=dt.date(2026, 10, 31),
        procurement_route="open",
    )
    ContractCommissioner.objects.create(contract=contract, organisation=commissioner)
    return contract


@pytest.fixture
def programme(db, council, commissioner):
    return services.programme_create(
        owner=council,
        name="Home care from November 2026",
        summary="Re-procure home care in four zones",
        start_date=dt.date(2025, 4, 1),
        target_date=dt.date(2026, 11, 1),
        by=commissioner,
    )


@pytest.fixture
def milestone(programme, commissioner):
    return services.milestone_add(
        programme=programme,
        name="Contract award",
        baseline_date=dt.date(2026, 3, 2),
        by=commissioner,
    )


@pytest.fixture
def other_programme(db, other_council, other_commissioner):
    return services.programme_create(
        owner=other_council, name="Community services re-procurement", by=other_commissioner
    )
