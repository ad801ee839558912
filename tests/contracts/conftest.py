import datetime as dt
from decimal import Decimal

import pytest

from tendercare.contracts import services
from tendercare.contracts.models import ProcurementRoute
from tests.factories import CommissionerOrgFactory, ProviderOrgFactory


@pytest.fixture
def make_contract(db, council, provider_org):
    """make_contract(reference, **overrides) through the service, as the demo will."""

    def make(reference="MC-001", *, shares=None, by=None, **overrides):
        service, _ = services.service_line_get_or_create(name="District nursing")
        values = {
            "title": f"Contract {reference}",
            "provider": provider_org,
            "service": service,
            "annual_value": Decimal("100000"),
            "start_date": dt.date(2023, 4, 1),
            "end_date": dt.date(2028, 3, 31),
            "procurement_route": ProcurementRoute.OPEN,
        }
        values.update(overrides)
        return services.contract_create(
            reference=reference, shares=shares or [(council, Decimal("100"))], by=by, **values
        )

    return make


@pytest.fixture
def icb(db):
    return CommissionerOrgFactory(name="NHS Kent and Medway ICB", kind="icb")


@pytest.fixture
def other_provider(db):
    return ProviderOrgFactory(name="Hilltop Homecare Ltd")
