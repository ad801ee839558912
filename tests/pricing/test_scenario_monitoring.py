"""The scenario monitoring measures paid travel against: chosen by the owner, one at a time,
audited; with none chosen, the newest."""

import pytest

from tendercare.core.errors import NotAllowed
from tendercare.core.models import AuditLog
from tendercare.performance import kpi_engine
from tendercare.pricing import queries, services
from tendercare.pricing.models import Scenario


@pytest.fixture
def two(council, commissioner):
    first = services.scenario_create(owner=council, name="National Living Wage", by=commissioner)
    second = services.scenario_create(owner=council, name="Real Living Wage", by=commissioner)
    return first, second


def test_without_a_choice_monitoring_uses_the_newest(council, two):
    assert queries.scenario_for_monitoring(council) == two[1]
    assert kpi_engine.default_scenario(council) == two[1]


def test_the_chosen_scenario_wins_and_only_one_is_chosen(council, commissioner, two):
    first, second = two
    services.scenario_use_for_monitoring(scenario=first, by=commissioner)
    assert kpi_engine.default_scenario(council) == first
    services.scenario_use_for_monitoring(scenario=second, by=commissioner)
    assert list(Scenario.objects.filter(used_for_monitoring=True)) == [second]
    entries = AuditLog.objects.filter(object_type="pricing.scenario", action="update")
    summaries = [e.summary for e in entries.order_by("pk")]
    assert summaries[-2].startswith("National Living Wage is no longer used for monitoring")
    assert summaries[-1].startswith("Real Living Wage is now the scenario monitoring")


def test_another_council_cannot_choose_and_nothing_changes(two, other_commissioner):
    before = AuditLog.objects.count()
    with pytest.raises(NotAllowed):
        services.scenario_use_for_monitoring(scenario=two[0], by=other_commissioner)
    assert not Scenario.objects.filter(used_for_monitoring=True).exists()
    assert AuditLog.objects.count() == before


def test_the_page_shows_which_scenario_monitoring_uses_and_the_button_chooses(
    client, commissioner, two
):
    first, second = two
    client.force_login(commissioner)
    page = client.get(f"/pricing/scenarios/{first.pk}/").content.decode()
    assert "Real Living Wage</a> (the newest scenario: none has been chosen)" in page
    assert "Use this scenario for monitoring" in page
    response = client.post(f"/pricing/scenarios/{first.pk}/monitoring/")
    assert response.status_code == 302
    page = client.get(f"/pricing/scenarios/{first.pk}/").content.decode()
    assert "Monitoring measures carers' paid travel against this scenario" in page
    listing = client.get("/pricing/").content.decode()
    assert listing.count("Used for monitoring") == 1
    assert client.get(f"/pricing/scenarios/{first.pk}/monitoring/").status_code == 405


def test_the_api_says_which_scenario_monitoring_uses(client, commissioner, two):
    services.scenario_use_for_monitoring(scenario=two[0], by=commissioner)
    client.force_login(commissioner)
    rows = {r["name"]: r for r in client.get("/api/v1/pricing/scenarios").json()}
    assert rows["National Living Wage"]["used_for_monitoring"] is True
    assert rows["Real Living Wage"]["used_for_monitoring"] is False
    detail = client.get(f"/api/v1/pricing/scenarios/{two[0].pk}").json()
    assert detail["used_for_monitoring"] is True
