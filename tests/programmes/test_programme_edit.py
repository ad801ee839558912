import datetime as dt

import pytest

from tendercare.core.models import AuditLog
from tendercare.programmes import services
from tendercare.programmes.models import Programme


@pytest.fixture
def programme(commissioner):
    return services.programme_create(
        owner=commissioner.organisation, name="Home care from November 2026", by=commissioner
    )


def form(**changes):
    data = {
        "name": "Home care from January 2027",
        "summary": "Moved after the transition was phased",
        "status": "active",
        "start_date-day": "1",
        "start_date-month": "3",
        "start_date-year": "2025",
        "target_date-day": "4",
        "target_date-month": "1",
        "target_date-year": "2027",
    }
    data.update(changes)
    return data


def test_commissioner_changes_the_programme_details(signed_in, programme):
    response = signed_in.post(f"/programmes/{programme.pk}/edit/", form())
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Home care from January 2027"
    assert programme.target_date == dt.date(2027, 1, 4)
    audit = AuditLog.objects.filter(object_type="programmes.programme", action="update").get()
    assert audit.before["name"] == "Home care from November 2026"


def test_bad_details_are_errors_not_crashes(signed_in, programme):
    url = f"/programmes/{programme.pk}/edit/"
    text = signed_in.post(url, form(**{"target_date-day": "31", "target_date-month": "2"}))
    assert "must be a real date" in text.content.decode()
    text = signed_in.post(url, form(**{"start_date-year": "2028"})).content.decode()
    assert "The target date must be on or after the start date" in text
    assert Programme.objects.get(pk=programme.pk).name == "Home care from November 2026"


def test_councillor_and_other_council_cannot_edit(
    client, councillor, other_commissioner, programme
):
    client.force_login(councillor)
    assert client.post(f"/programmes/{programme.pk}/edit/", form()).status_code == 403
    client.force_login(other_commissioner)
    assert client.get(f"/programmes/{programme.pk}/edit/").status_code == 404
