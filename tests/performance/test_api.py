"""The monitoring JSON API at /api/v1/performance: scoping per role, filters, bad input and
money as strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from tendercare.performance.models import (
    Adjustment,
    KpiDefinition,
    KpiResult,
    KpiSchedule,
    PaymentRule,
    ProviderStatus,
    Statement,
    StatementLine,
    VisitImport,
    Zone,
)
from tests.factories import UserFactory

from .kpi_setup import make_contract, monitored_fixture  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
API = "/api/v1/performance"
APRIL, MAY = dt.date(2025, 4, 1), dt.date(2025, 5, 1)


def kpi(code):
    return KpiDefinition.objects.get(code=code)


def result(provider, zone, contract, code, value, month=APRIL):
    return KpiResult.objects.create(
        kpi=kpi(code),
        provider=provider,
        zone=zone,
        contract=contract,
        month=month,
        numerator=D(value),
        denominator=D("100"),
        value=D(value),
    )


def statement(contract, provider, month=APRIL):
    s = Statement.objects.create(
        contract=contract,
        provider=provider,
        month=month,
        commissioned_amount=D("30500.00"),
        delivered_amount=D("28350.50"),
        adjustments_amount=D("-610.00"),
        total=D("27740.50"),
    )
    StatementLine.objects.create(
        statement=s,
        band="urban",
        commissioned_hours=D("1000"),
        delivered_hours=D("900.00"),
        rate=D("24.50"),
        amount=D("22050.00"),
    )
    return s


@pytest.fixture
def world(monitored, other_council):
    """Two providers in the council's zones, results and statements for each, an import, and
    another council's zone with a result of its own."""
    m = monitored
    weald = Zone.objects.create(owner=other_council, name="Kent Weald")
    kent_contract = make_contract(
        reference="KENT-001", council=other_council, provider=m.other_provider
    )
    ProviderStatus.objects.create(
        zone=weald,
        provider=m.other_provider,
        contract=kent_contract,
        status=ProviderStatus.Status.PRIME,
        since=dt.date(2024, 4, 1),
        reason="Award",
    )
    ProviderStatus.objects.create(
        zone=m.zone,
        provider=m.other_provider,
        status=ProviderStatus.Status.SUPPLEMENTARY,
        since=dt.date(2024, 4, 1),
        until=dt.date(2024, 10, 1),  # ended: not a current status
        reason="Award",
    )
    ours = result(m.provider, m.zone, m.contract, "punctuality", "95.5")
    result(m.provider, m.zone, m.contract, "punctuality", "70", month=MAY)
    result(m.provider, m.zone, m.contract, "missed", "0.2")
    theirs = result(m.other_provider, m.other_zone, m.other_contract, "punctuality", "85")
    kent = result(m.other_provider, weald, kent_contract, "punctuality", "60")
    schedule = KpiSchedule.objects.create(
        contract=m.contract, kpi=kpi("punctuality"), target=90, amber=80
    )
    rule = PaymentRule.objects.create(schedule=schedule, rating="red", percent=D("-2"))
    own_statement = statement(m.contract, m.provider)
    Adjustment.objects.create(
        statement=own_statement,
        kpi_result=ours,
        rule=rule,
        percent=D("-2"),
        amount=D("-610.00"),
        reason="Punctuality red",
    )
    other_statement = statement(m.other_contract, m.other_provider)
    kent_statement = statement(kent_contract, m.other_provider)
    VisitImport.objects.create(
        owner=m.council,
        filename="visits-april.csv",
        sha256="a" * 64,
        status=VisitImport.Status.DONE,
        rows=120,
        stored=118,
        months=["2025-04"],
    )
    VisitImport.objects.create(
        owner=other_council, filename="kent-visits.csv", sha256="b" * 64, rows=5
    )
    return {
        "m": m,
        "weald": weald,
        "ours": ours,
        "theirs": theirs,
        "kent": kent,
        "own_statement": own_statement,
        "other_statement": other_statement,
        "kent_statement": kent_statement,
    }


def get(client, user, path, **params):
    if user is not None:
        client.force_login(user)
    return client.get(f"{API}{path}", params)


# --- anonymous -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/zones", "/kpi-results", "/statements", "/statements/1", "/visit-imports"]
)
def test_anonymous_gets_401(client, world, path):
    response = client.get(f"{API}{path}")
    assert response.status_code == 401
    assert "detail" in response.json()


# --- zones -----------------------------------------------------------------------------------


def test_staff_see_their_familys_zones_with_current_statuses(client, world, commissioner):
    zones = get(client, commissioner, "/zones").json()
    assert [z["name"] for z in zones] == ["North", "South"]
    north = zones[0]
    assert north["owner"] == world["m"].council.name
    # The ended supplementary status is not current.
    assert north["statuses"] == [
        {
            "provider_id": world["m"].provider.pk,
            "provider": world["m"].provider.name,
            "status": "prime",
            "since": "2024-04-01",
        }
    ]


def test_a_provider_sees_only_its_zones_and_its_own_status(client, world, provider_user):
    zones = get(client, provider_user, "/zones").json()
    assert [z["name"] for z in zones] == ["North"]
    assert {s["provider_id"] for s in zones[0]["statuses"]} == {world["m"].provider.pk}


def test_another_provider_does_not_read_the_others_status_in_a_shared_zone(client, world):
    m = world["m"]
    ProviderStatus.objects.create(
        zone=m.zone,
        provider=m.other_provider,
        status=ProviderStatus.Status.SUPPLEMENTARY,
        since=dt.date(2025, 1, 1),
        reason="Added",
    )
    other = UserFactory(username="hillside", role="provider", organisation=m.other_provider)
    zones = {z["name"]: z for z in get(client, other, "/zones").json()}
    assert set(zones) == {"North", "South", "Kent Weald"}
    assert {s["provider"] for s in zones["North"]["statuses"]} == {m.other_provider.name}


def test_evaluators_get_empty_lists(client, world, evaluator):
    for path in ("/zones", "/statements", "/visit-imports"):
        response = get(client, evaluator, path)
        assert response.status_code == 200 and response.json() == [], path
    page = get(client, evaluator, "/kpi-results").json()
    assert page["count"] == 0 and page["results"] == []


# --- KPI results -----------------------------------------------------------------------------


def test_staff_see_their_familys_results_rated(client, world, commissioner):
    page = get(client, commissioner, "/kpi-results").json()
    assert page["count"] == 4  # not Kent's
    assert page["next_offset"] is None and "1,000" in page["note"]
    ids = {r["id"] for r in page["results"]}
    assert world["kent"].pk not in ids and world["theirs"].pk in ids
    # Newest month first.
    assert page["results"][0]["month"] == "2025-05"
    by_id = {r["id"]: r for r in page["results"]}
    ours = by_id[world["ours"].pk]
    assert ours == {
        "id": world["ours"].pk,
        "kpi": "punctuality",
        "provider_id": world["m"].provider.pk,
        "provider": world["m"].provider.name,
        "zone_id": world["m"].zone.pk,
        "zone": "North",
        "contract_reference": "HC-001",
        "month": "2025-04",
        "numerator": "95.50",
        "denominator": "100.00",
        "value": "95.5000",
        "rating": "green",
        "rated_against": "schedule",
    }
    may = next(r for r in page["results"] if r["month"] == "2025-05")
    assert may["rating"] == "red"  # 70 against the schedule's amber 80
    assert by_id[world["theirs"].pk]["rated_against"] == "default"


def test_a_provider_sees_only_its_own_results(client, world, provider_user):
    page = get(client, provider_user, "/kpi-results").json()
    assert page["count"] == 3
    assert {r["provider_id"] for r in page["results"]} == {world["m"].provider.pk}


def test_another_council_sees_only_its_own_results(client, world, other_commissioner):
    page = get(client, other_commissioner, "/kpi-results").json()
    assert [r["id"] for r in page["results"]] == [world["kent"].pk]


def test_filters(client, world, commissioner):
    m = world["m"]
    ids = lambda **f: {  # noqa: E731
        r["id"] for r in get(client, commissioner, "/kpi-results", **f).json()["results"]
    }
    assert ids(zone=m.other_zone.pk) == {world["theirs"].pk}
    assert ids(provider=m.other_provider.pk) == {world["theirs"].pk}
    assert len(ids(kpi="punctuality")) == 3
    assert len(ids(month="2025-05")) == 1
    assert ids(kpi="punctuality", month="2025-04", provider=m.provider.pk) == {world["ours"].pk}
    assert ids(month="2024-01") == set()


def test_pagination(client, world, commissioner):
    first = get(client, commissioner, "/kpi-results", limit=3).json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["next_offset"] == 3
    rest = get(client, commissioner, "/kpi-results", limit=3, offset=3).json()
    assert len(rest["results"]) == 1 and rest["next_offset"] is None
    seen = {r["id"] for r in first["results"]} | {r["id"] for r in rest["results"]}
    assert len(seen) == 4


def test_another_councils_zone_filter_is_404(client, world, commissioner):
    response = get(client, commissioner, "/kpi-results", zone=world["weald"].pk)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such zone"}


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2025-13"},
        {"month": "April 2025"},
        {"month": "2025-4"},
        {"month": "0000-01"},
        {"kpi": "no-such-kpi"},
        {"zone": "north"},
        {"provider": "1.5"},
        {"limit": "0"},
        {"limit": "1001"},
        {"offset": "-1"},
        {"kpi": "x" * 500},
    ],
)
def test_bad_filters_are_422_with_detail(client, world, commissioner, params):
    response = get(client, commissioner, "/kpi-results", **params)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]


# --- statements ------------------------------------------------------------------------------


def test_staff_see_their_familys_statements_with_money_as_strings(client, world, commissioner):
    rows = get(client, commissioner, "/statements").json()
    assert {r["id"] for r in rows} == {world["own_statement"].pk, world["other_statement"].pk}
    own = next(r for r in rows if r["id"] == world["own_statement"].pk)
    assert own == {
        "id": world["own_statement"].pk,
        "contract_reference": "HC-001",
        "provider_id": world["m"].provider.pk,
        "provider": world["m"].provider.name,
        "month": "2025-04",
        "status": "issued",
        "commissioned_amount": "30500.00",
        "delivered_amount": "28350.50",
        "adjustments_total": "-610.00",
        "total": "27740.50",
    }


def test_a_provider_sees_only_its_own_statements(client, world, provider_user):
    rows = get(client, provider_user, "/statements").json()
    assert [r["id"] for r in rows] == [world["own_statement"].pk]


def test_statement_detail_has_lines_and_adjustments(client, world, provider_user):
    response = get(client, provider_user, f"/statements/{world['own_statement'].pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["lines"] == [
        {
            "band": "urban",
            "commissioned_hours": "1000.00",
            "delivered_hours": "900.00",
            "rate": "24.50",
            "amount": "22050.00",
        }
    ]
    [adjustment] = body["adjustments"]
    assert adjustment["kpi"] == "punctuality" and adjustment["rating"] == "red"
    assert adjustment["amount"] == "-610.00" and adjustment["percent"] == "-2.00"


@pytest.mark.parametrize(
    ("who", "which", "expected"),
    [
        ("commissioner", "own_statement", 200),
        ("councillor", "own_statement", 200),
        ("commissioner", "kent_statement", 404),
        ("other_commissioner", "own_statement", 404),
        ("other_commissioner", "kent_statement", 200),
        ("provider_user", "own_statement", 200),
        ("provider_user", "other_statement", 404),
        ("provider_user", "kent_statement", 404),
        ("evaluator", "own_statement", 404),
    ],
)
def test_statement_detail_scope(client, world, request, who, which, expected):
    user = request.getfixturevalue(who)
    response = get(client, user, f"/statements/{world[which].pk}")
    assert response.status_code == expected
    if expected == 404:
        assert response.json() == {"detail": "Not found"}


def test_a_missing_statement_is_404_and_a_bad_id_is_422(client, world, commissioner):
    assert get(client, commissioner, "/statements/999999").status_code == 404
    response = get(client, commissioner, "/statements/abc")
    assert response.status_code == 422 and response.json()["detail"]


# --- visit imports ---------------------------------------------------------------------------


def test_staff_see_their_familys_imports(client, world, councillor):
    rows = get(client, councillor, "/visit-imports").json()
    assert len(rows) == 1
    row = rows[0]
    assert row["filename"] == "visits-april.csv"
    assert row["status"] == "done" and row["rows"] == 120 and row["months"] == ["2025-04"]
    assert row["finished_at"] is None


def test_providers_see_no_imports(client, world, provider_user):
    assert get(client, provider_user, "/visit-imports").json() == []


def test_the_api_is_read_only(client, world, commissioner):
    client.force_login(commissioner)
    assert client.post(f"{API}/statements").status_code == 405
