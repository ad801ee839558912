"""The history pages of a council's quality audits and of CQC ratings show only to the staff and
councillors who may see them on the quality page: not to a provider, nor to another council."""

import datetime as dt

import pytest

from tendercare.core.history import history_url
from tendercare.organisations.models import ProviderLocation
from tendercare.performance import status

pytestmark = pytest.mark.django_db


@pytest.fixture
def audited(council, provider_org, commissioner):
    zone = status.zone_create(owner=council, name="Strood", by=commissioner)
    status.provider_status_open(
        zone=zone,
        provider=provider_org,
        status="prime",
        since=dt.date(2026, 1, 1),
        reason="Awarded",
        by=commissioner,
    )
    location = ProviderLocation.objects.create(
        organisation=provider_org, cqc_location_id="1-555000111", name="Strood office"
    )
    audit = status.quality_audit_record(
        provider=provider_org,
        owner=council,
        audited_on=dt.date(2026, 2, 1),
        score="82",
        by=commissioner,
    )
    rating = status.cqc_rating_record(
        location=location,
        rating="good",
        published_on=dt.date(2026, 3, 10),
        source="https://www.cqc.org.uk/location/1-555000111",
        by=commissioner,
    )
    return audit, rating


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("commissioner", 200),
        ("councillor", 200),
        ("other_commissioner", 404),
        ("provider_user", 404),
    ],
)
def test_audit_and_rating_history_pages_are_scoped(client, request, audited, who, expected):
    client.force_login(request.getfixturevalue(who))
    audit, rating = audited
    for record in (audit, rating):
        response = client.get(history_url(record))
        assert response.status_code == expected, (who, record)
        if expected == 200:
            text = response.content.decode()
            assert "Created" in text and "by commissioner" in text, record
