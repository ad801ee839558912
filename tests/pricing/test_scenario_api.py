"""The scenario API at /api/v1/pricing: scoped like the pages, figures as exact decimals."""

import datetime as dt
from decimal import Decimal

import pytest

from tendercare.organisations.services import api_token_issue
from tendercare.pricing import cost_model, services
from tendercare.pricing.services import Change

# The date of every changed value's source (every parameter has a date).
SOURCE_DATE = dt.date(2025, 6, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(council, commissioner):
    scenario = services.scenario_create(owner=council, name="Medway 2025/26", by=commissioner)
    services.scenario_revise(
        scenario=scenario,
        by=commissioner,
        changes=[Change("pay_rate", "12.60", "Living Wage Foundation", source_date=SOURCE_DATE)],
        reason="Real Living Wage",
    )
    return scenario


def bearer(user):
    _, key = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_list_gives_each_scenario_with_its_current_version_and_rate(signed_in, scenario):
    response = signed_in.get("/api/v1/pricing/scenarios")
    assert response.status_code == 200
    [row] = response.json()
    assert row["name"] == "Medway 2025/26"
    assert row["current_version"]["number"] == 2
    assert row["current_version"]["reason"] == "Real Living Wage"
    assert Decimal(row["rate"]) > Decimal("32.14")


def test_detail_has_build_up_band_rates_parameters_and_sources(client, scenario, commissioner):
    response = client.get(f"/api/v1/pricing/scenarios/{scenario.pk}", **bearer(commissioner))
    assert response.status_code == 200
    data = response.json()
    lines = data["build_up"]
    assert [line["key"] for line in lines] == [key for key, _ in cost_model.LINES]
    assert sum(Decimal(line["amount"]) for line in lines) == Decimal(data["rate"])
    assert abs(sum(Decimal(line["share"]) for line in lines) - 1) < Decimal("0.001")
    assert len(data["band_rates"]) == 12
    assert {r["visit_minutes"] for r in data["band_rates"]} == {30, 45, 60}
    assert all(r["reason"] for r in data["band_rates"])
    pay = next(p for p in data["parameters"] if p["key"] == "pay_rate")
    assert Decimal(pay["value"]) == Decimal("12.60")
    assert pay["source"] == "Living Wage Foundation"
    ni = next(p for p in data["parameters"] if p["key"] == "employer_ni_rate")
    assert ni["source_date"] == "2025-04-01"
    assert Decimal(data["hca_minimum_price"]) == Decimal("32.14")
    assert Decimal(data["difference_from_hca"]) == Decimal(data["rate"]) - Decimal("32.14")
    assert [v["number"] for v in data["versions"]] == [2, 1]
    swings = [
        Decimal(s["rate_at_plus_10_percent"]) - Decimal(s["rate_at_minus_10_percent"])
        for s in data["sensitivity"]
    ]
    assert [abs(s) for s in swings] == sorted((abs(s) for s in swings), reverse=True)


def test_councillor_reads_through_the_api(client, scenario, councillor):
    client.force_login(councillor)
    assert client.get(f"/api/v1/pricing/scenarios/{scenario.pk}").status_code == 200


def test_out_of_scope_is_404_and_anonymous_is_401(
    client, scenario, other_commissioner, provider_user, evaluator
):
    assert client.get("/api/v1/pricing/scenarios").status_code == 401
    client.force_login(other_commissioner)
    assert client.get("/api/v1/pricing/scenarios").json() == []
    assert client.get(f"/api/v1/pricing/scenarios/{scenario.pk}").status_code == 404
    for user in (provider_user, evaluator):
        client.force_login(user)
        assert client.get("/api/v1/pricing/scenarios").status_code == 404
        response = client.get(f"/api/v1/pricing/scenarios/{scenario.pk}")
        assert response.status_code == 404
        assert "Medway" not in response.content.decode()
    client.force_login(other_commissioner)
    assert client.get("/api/v1/pricing/scenarios/not-a-number").status_code == 422
