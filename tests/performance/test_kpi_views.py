"""KPI pages: results with filters, one KPI over months with its rating, the visits behind a
figure (a provider sees only its own), the schedule form and community returns."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tendercare.organisations.models import Role
from tendercare.performance import kpi_engine, schedules
from tendercare.performance.models import KpiDefinition, KpiResult, KpiReturn, KpiSchedule
from tests.factories import UserFactory

from .kpi_setup import monitored_fixture, store_fixture, stored_import  # noqa: F401 - fixtures
from .kpi_store import visit, write_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(monitored, store):
    m = monitored
    rows = [
        visit(
            "mine-ok",
            "2025-01-06 08:00",
            30,
            "2025-01-06 08:05",
            provider_id=m.provider.pk,
            zone_id=m.zone.pk,
            client="pseudo-a",
        ),
        visit(
            "mine-missed",
            "2025-01-06 09:00",
            30,
            None,
            provider_id=m.provider.pk,
            zone_id=m.zone.pk,
            client="pseudo-b",
        ),
        visit(
            "mine-feb", "2025-02-03 09:00", 30, None, provider_id=m.provider.pk, zone_id=m.zone.pk
        ),
        visit(
            "theirs",
            "2025-01-06 09:00",
            30,
            None,
            provider_id=m.other_provider.pk,
            zone_id=m.other_zone.pk,
            client="pseudo-z",
        ),
    ]
    write_store(store, rows, owner_id=m.council.pk)
    stored_import(m.council)
    kpi_engine.compute_for_owner(owner=m.council)
    return m


def _result(m, provider, zone, code="missed", month="2025-01-01"):
    return KpiResult.objects.get(kpi__code=code, provider=provider, zone=zone, month=month)


def test_results_page_lists_and_filters(client, commissioner, computed):
    client.force_login(commissioner)
    page = client.get(reverse("performance:kpis"))
    assert page.status_code == 200
    assert (
        "Riverside Care Ltd" in page.content.decode()
        and "Hillside Homecare Ltd" in page.content.decode()
    )
    only = client.get(
        reverse("performance:kpis"),
        {"kpi": "missed", "provider": computed.provider.pk, "month": "2025-01"},
    )
    text = only.content.decode()
    assert "Hillside" not in text.split("<caption")[1] and "1 result" in text
    assert (
        client.get(reverse("performance:kpis"), {"month": "junk", "zone": "x"}).status_code == 200
    )


def test_the_kpi_page_rates_against_the_contract_schedule(client, commissioner, computed):
    m = computed
    schedules.schedule_set(
        contract=m.contract,
        kpi=KpiDefinition.objects.get(code="missed"),
        target=60,
        amber=70,
        by=commissioner,
    )
    client.force_login(commissioner)
    page = client.get(reverse("performance:kpi", args=["missed", m.provider.pk, m.zone.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "HC-001" in text and "target 60.00" in text
    assert "govuk-tag--green" in text  # January: 50% missed against a target of 60
    assert "govuk-tag--red" in text  # February: 100%
    assert "block spc_chart" not in text
    # The XmR chart is drawn, with the same months in a table beside it.
    assert '<svg role="img"' in text or "<svg" in text and 'role="img"' in text
    assert "spc-chart" in text
    result = _result(m, m.provider, m.zone)
    assert reverse("performance:kpi-visits", args=[result.pk]) in text


def test_the_visits_behind_a_figure_show_pseudonyms(client, commissioner, computed):
    m = computed
    client.force_login(commissioner)
    result = _result(m, m.provider, m.zone)
    page = client.get(reverse("performance:kpi-visits", args=[result.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "pseudo-b" in text and "mine-missed" in text and "Nothing recorded" in text
    assert text.index("mine-missed") < text.index("mine-ok")
    assert "06 Jan 2025 08:05 GMT" in text


def test_a_provider_sees_only_its_own_results_and_visits(client, provider_user, computed):
    m = computed
    client.force_login(provider_user)
    text = client.get(reverse("performance:kpis")).content.decode()
    assert "Riverside Care Ltd" in text and "Hillside Homecare Ltd" not in text
    own = _result(m, m.provider, m.zone)
    assert client.get(reverse("performance:kpi-visits", args=[own.pk])).status_code == 200
    theirs = _result(m, m.other_provider, m.other_zone)
    assert client.get(reverse("performance:kpi-visits", args=[theirs.pk])).status_code == 404
    detail = reverse("performance:kpi", args=["missed", m.other_provider.pk, m.other_zone.pk])
    assert client.get(detail).status_code == 404


def test_other_councils_and_evaluators_see_nothing(client, other_commissioner, evaluator, computed):
    m = computed
    result = _result(m, m.provider, m.zone)
    for user in (other_commissioner, evaluator):
        client.force_login(user)
        assert client.get(reverse("performance:kpi-visits", args=[result.pk])).status_code == 404
        detail = reverse("performance:kpi", args=["missed", m.provider.pk, m.zone.pk])
        assert client.get(detail).status_code == 404
    client.force_login(evaluator)
    assert client.get(reverse("performance:kpis")).status_code == 404


def test_a_manager_edits_the_schedule_and_errors_are_shown(client, commissioner, monitored):
    client.force_login(commissioner)
    url = reverse("performance:schedule", args=[monitored.contract.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"kpi": "punctuality", "target": "95", "amber": "90", "weight": "2"}
    )
    assert response.status_code == 302
    assert KpiSchedule.objects.get(contract=monitored.contract).target == 95
    bad = client.post(url, {"kpi": "punctuality", "target": "80", "amber": "90", "weight": "1"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    empty = client.post(url, {"kpi": "", "target": "", "amber": "x"})
    assert empty.status_code == 400 and "Choose a KPI" in empty.content.decode()
    client.post(url, {"action": "visits"})
    assert KpiSchedule.objects.filter(contract=monitored.contract).count() == 10


def test_councillors_and_providers_read_the_schedule_but_cannot_post(
    client, councillor, provider_user, monitored
):
    url = reverse("performance:schedule", args=[monitored.contract.pk])
    for user in (councillor, provider_user):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and "Save KPI" not in page.content.decode()
        response = client.post(url, {"kpi": "missed", "target": "1", "amber": "2", "weight": "1"})
        assert response.status_code == 403
    assert not KpiSchedule.objects.exists()


def test_returns_entered_and_imported_through_the_page(client, commissioner, monitored):
    client.force_login(commissioner)
    url = reverse("performance:returns")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "action": "enter",
            "contract": monitored.community.pk,
            "kpi": "rtt_18_weeks",
            "month": "2025-04",
            "numerator": "930",
            "denominator": "1000",
        },
    )
    assert response.status_code == 302
    assert KpiReturn.objects.get().numerator == Decimal("930")
    bad = client.post(
        url,
        {
            "action": "enter",
            "contract": monitored.community.pk,
            "kpi": "fft_positive",
            "month": "April",
            "numerator": "",
            "denominator": "0",
        },
    )
    assert bad.status_code == 400
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = b"contract,kpi,month,numerator,denominator\nCH-001,fft_positive,2025-04,90,x\n"
    upload = SimpleUploadedFile("returns.csv", text, content_type="text/csv")
    response = client.post(url, {"action": "import", "file": upload})
    assert response.status_code == 400 and "Row 2, column denominator" in response.content.decode()


def test_a_provider_cannot_enter_returns(client, provider_user, monitored):
    client.force_login(provider_user)
    url = reverse("performance:returns")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "action": "enter",
            "contract": monitored.community.pk,
            "kpi": "rtt_18_weeks",
            "month": "2025-04",
            "numerator": "1",
            "denominator": "2",
        },
    )
    assert response.status_code == 403 and not KpiReturn.objects.exists()


def test_a_contract_manager_may_manage(client, council, monitored):
    manager = UserFactory(username="cm", role=Role.CONTRACT_MANAGER, organisation=council)
    assert schedules.may_manage(manager, monitored.contract)
