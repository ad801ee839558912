"""Community KPI returns become KpiResults (no zone; the contract, its provider and the month):
written with the return, kept by a recompute, rated, paid on the statement and charted."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D
from html import unescape

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tendercare.core.audit import history_for
from tendercare.performance import kpi_engine, schedules, statements, status
from tendercare.performance.models import (
    KpiDefinition,
    KpiResult,
    KpiReturn,
    KpiSchedule,
)

from .kpi_setup import monitored_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
APRIL, MAY = dt.date(2025, 4, 1), dt.date(2025, 5, 1)


def kpi(code):
    return KpiDefinition.objects.get(code=code)


def enter(monitored, by, numerator, month="2025-04", code="rtt_18_weeks", denominator=100):
    return schedules.return_enter(
        contract=monitored.community,
        kpi=kpi(code),
        month=month,
        numerator=numerator,
        denominator=denominator,
        by=by,
    )


def test_a_return_is_a_result_for_its_contract_provider_and_month(monitored, commissioner):
    entered = enter(monitored, commissioner, 80)
    result = KpiResult.objects.get(kpi_return=entered)
    assert result.zone is None
    assert (result.contract, result.provider, result.month) == (
        monitored.community,
        monitored.provider,
        APRIL,
    )
    assert (result.kpi.code, result.numerator, result.denominator) == ("rtt_18_weeks", 80, 100)
    assert result.value == D("80.0000")
    created = history_for(result).get()
    assert created.action == "create" and created.user == commissioner


def test_re_entering_a_return_updates_its_result_in_place(monitored, commissioner):
    enter(monitored, commissioner, 80)
    first = KpiResult.objects.get(kpi__code="rtt_18_weeks")
    again = enter(monitored, commissioner, 95)
    assert KpiResult.objects.filter(kpi__code="rtt_18_weeks").count() == 1
    result = KpiResult.objects.get(kpi_return=again)
    assert result.pk == first.pk
    assert (result.numerator, result.value) == (95, D("95.0000"))
    entries = list(history_for(result).order_by("pk"))
    assert [e.action for e in entries] == ["create", "update"]
    assert (entries[1].before["numerator"], entries[1].after["numerator"]) == ("80.00", "95.00")


def test_an_imported_return_is_a_result_and_a_correction_updates_it(monitored, commissioner):
    def upload(numerator):
        data = (
            "contract,kpi,month,numerator,denominator\n"
            f"CH-001,fft_positive,2025-04,{numerator},200\n"
        )
        return schedules.returns_import(
            file=io.BytesIO(data.encode()), filename="returns.csv", by=commissioner
        )

    assert upload(150).ok
    result = KpiResult.objects.get(kpi__code="fft_positive")
    assert (result.zone, result.contract, result.value) == (
        None,
        monitored.community,
        D("75.0000"),
    )
    assert upload(190).ok
    result.refresh_from_db()
    assert result.value == D("95.0000")
    assert KpiResult.objects.filter(kpi__code="fft_positive").count() == 1


def test_a_refused_import_writes_no_result(monitored, commissioner):
    data = (
        "contract,kpi,month,numerator,denominator\n"
        "CH-001,fft_positive,2025-04,150,200\n"
        "CH-001,fft_positive,2025-05,250,200\n"
    )
    outcome = schedules.returns_import(
        file=io.BytesIO(data.encode()), filename="returns.csv", by=commissioner
    )
    assert not outcome.ok
    assert not KpiResult.objects.exists() and not KpiReturn.objects.exists()


def test_a_result_has_a_zone_or_a_return_never_neither(monitored, commissioner):
    entered = enter(monitored, commissioner, 80)
    figures = {
        "kpi": kpi("punctuality"),
        "provider": monitored.provider,
        "contract": monitored.contract,
        "month": MAY,
        "numerator": 1,
        "denominator": 1,
        "value": 100,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        KpiResult.objects.create(zone=None, **figures)
    with pytest.raises(IntegrityError), transaction.atomic():
        KpiResult.objects.create(zone=monitored.zone, kpi_return=entered, **figures)
    KpiResult.objects.create(zone=monitored.zone, **figures)


def test_a_recompute_keeps_return_results_and_makes_missing_ones(monitored, commissioner):
    entered = enter(monitored, commissioner, 80)
    kept = KpiResult.objects.get(kpi_return=entered)
    # A return stored before returns had results (or whose result went missing).
    older = KpiReturn.objects.create(
        contract=monitored.community,
        kpi=kpi("fft_positive"),
        month=MAY,
        numerator=9,
        denominator=10,
    )
    run = kpi_engine.compute_for_owner(owner=monitored.council, by=commissioner)
    assert run.returns == 2
    assert KpiResult.objects.get(kpi_return=entered).pk == kept.pk
    made = KpiResult.objects.get(kpi_return=older)
    assert (made.zone, made.provider, made.value) == (None, monitored.provider, D("90.0000"))
    # Only the months asked for, and nothing rewritten when nothing changed.
    run = kpi_engine.compute_for_owner(owner=monitored.council, months=["2025-04"])
    assert run.returns == 1 and history_for(kept).count() == 1


def test_a_red_return_makes_an_adjustment_on_the_statement(monitored, commissioner):
    schedule = KpiSchedule.objects.create(
        contract=monitored.community, kpi=kpi("rtt_18_weeks"), target=92, amber=85
    )
    statements.terms_set(
        contract=monitored.community,
        rates={"urban": "50.00"},
        monthly_hours={"urban": "1000"},
        penalty_cap_percent="5",
        reward_cap_percent="2",
        rules={schedule.pk: {"red": "-2", "amber": "-1", "green": "1"}},
        by=commissioner,
    )
    enter(monitored, commissioner, 80)  # 80% against a 92% target, 85% amber: red
    result = KpiResult.objects.get(kpi__code="rtt_18_weeks")
    statement = statements.statement_issue(
        contract=monitored.community, month="2025-04", by=commissioner, delivered={"urban": "990"}
    )
    adjustment = statement.adjustments.get()
    assert adjustment.kpi_result == result
    assert adjustment.percent == D("-2.00") and adjustment.amount == D("-1000.00")
    assert statement.total == D("49500.00") - D("1000.00")
    # Corrected to 95%: the same result (the adjustment protects it) turns green on re-issue.
    enter(monitored, commissioner, 95)
    result.refresh_from_db()
    assert result.value == D("95.0000")
    statement = statements.statement_issue(
        contract=monitored.community, month="2025-04", by=commissioner, delivered={"urban": "990"}
    )
    adjustment = statement.adjustments.get()
    assert adjustment.kpi_result_id == result.pk and adjustment.amount == D("500.00")


def test_return_kpis_do_not_count_in_the_zone_quality_score(monitored, commissioner):
    KpiResult.objects.create(
        kpi=kpi("punctuality"),
        provider=monitored.provider,
        zone=monitored.zone,
        contract=monitored.contract,
        month=APRIL,
        numerator=95,
        denominator=100,
        value=95,
    )
    enter(monitored, commissioner, 10)  # a very red return on the community contract
    score, detail = status.month_scores(monitored.council, [APRIL])[
        (monitored.zone.pk, monitored.provider.pk, APRIL)
    ]
    assert [k["code"] for k in detail["kpi_ratings"]] == ["punctuality"]
    assert detail["kpi_ratings"][0]["rating"] == "green"


def test_a_returns_results_are_charted_on_the_contracts_kpi_page(
    client, monitored, commissioner, provider_user
):
    for month, numerator in (("2025-01", 93), ("2025-02", 90), ("2025-03", 88), ("2025-04", 80)):
        enter(monitored, commissioner, numerator, month=month)
    url = reverse("performance:kpi-contract", args=["rtt_18_weeks", monitored.community.pk])
    client.force_login(commissioner)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "CH-001" in html and "monthly KPI return" in html
    for text in ("January 2025", "April 2025", "80.0%", "93.0%"):
        assert text in html
    # The XmR chart's data table, beside it, has the four months and the latest is red.
    assert html.count('<th scope="row" class="govuk-table__header">April 2025</th>') >= 1
    title = f"XmR chart of {kpi('rtt_18_weeks').name}: CH-001, Riverside Care Ltd"
    assert title in unescape(html) and "Red" in html
    # The results list links a return's figure to this page, and its "visits" go there too.
    listed = client.get(reverse("performance:kpis"), {"kpi": "rtt_18_weeks"}).content.decode()
    assert url in listed
    result = KpiResult.objects.get(kpi__code="rtt_18_weeks", month=APRIL)
    visits = client.get(reverse("performance:kpi-visits", args=[result.pk]))
    assert visits.status_code == 302 and visits.url == url
    # The provider sees its own contract's page; nobody sees a KPI the contract has no result for.
    client.force_login(provider_user)
    assert client.get(url).status_code == 200
    other = reverse("performance:kpi-contract", args=["fft_positive", monitored.community.pk])
    assert client.get(other).status_code == 404
