"""Payment terms, monthly statements and disputes: the services, their audit trail and who may
do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from tendercare.core.audit import history_for
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.organisations.models import Role
from tendercare.performance import statements
from tendercare.performance.models import (
    Adjustment,
    Dispute,
    KpiDefinition,
    KpiResult,
    KpiSchedule,
    PaymentRule,
    Statement,
)
from tests.factories import UserFactory

from .kpi_setup import monitored_fixture, store_fixture, stored_import  # noqa: F401 - fixtures
from .kpi_store import visit, write_store

pytestmark = pytest.mark.django_db
APRIL = dt.date(2025, 4, 1)


def kpi(code):
    return KpiDefinition.objects.get(code=code)


def setup_terms(monitored, by, *, red="-2", amber="-1", green="0.5"):
    schedule = KpiSchedule.objects.create(
        contract=monitored.contract, kpi=kpi("punctuality"), target=90, amber=80
    )
    missed = KpiSchedule.objects.create(
        contract=monitored.contract, kpi=kpi("missed"), target=D("0.5"), amber=1
    )
    terms = statements.terms_set(
        contract=monitored.contract,
        rates={"urban": "24.50", "rural": "30.00"},
        monthly_hours={"urban": "1000", "rural": "200"},
        penalty_cap_percent="5",
        reward_cap_percent="2",
        rules={
            schedule.pk: {"red": red, "amber": amber, "green": green},
            missed.pk: {"red": "-3"},
        },
        by=by,
    )
    return terms, schedule, missed


def result(monitored, code, value, *, zone=None, denominator=100):
    return KpiResult.objects.create(
        kpi=kpi(code),
        provider=monitored.provider,
        zone=zone or monitored.zone,
        contract=monitored.contract,
        month=APRIL,
        numerator=D(value) * denominator / 100,
        denominator=denominator,
        value=D(value),
    )


def issue(monitored, by, **delivered):
    return statements.statement_issue(
        contract=monitored.contract,
        month="2025-04",
        by=by,
        delivered=delivered or {"urban": "900", "rural": "210"},
    )


# --- terms -----------------------------------------------------------------------------------


def test_terms_and_rules_are_set_validated_and_audited(monitored, commissioner):
    terms, schedule, _ = setup_terms(monitored, commissioner)
    assert terms.rates == {"urban": "24.50", "rural": "30.00"}
    assert PaymentRule.objects.get(schedule=schedule, rating="red").percent == D("-2")
    assert AuditLog.objects.filter(object_type="performance.paymentterms").count() == 1
    assert AuditLog.objects.filter(object_type="performance.paymentrule").count() == 4
    with pytest.raises(DomainError, match="penalty"):
        statements.terms_set(
            contract=monitored.contract,
            rates={"urban": "24.50"},
            monthly_hours={},
            penalty_cap_percent="5",
            reward_cap_percent="2",
            rules={schedule.pk: {"red": "2"}},
            by=commissioner,
        )
    # a blank percent removes the rule
    statements.terms_set(
        contract=monitored.contract,
        rates={"urban": "24.50"},
        monthly_hours={"urban": "10"},
        penalty_cap_percent="5",
        reward_cap_percent="2",
        rules={schedule.pk: {"green": ""}},
        by=commissioner,
    )
    assert not PaymentRule.objects.filter(schedule=schedule, rating="green").exists()


def test_only_managers_set_terms(monitored, councillor, provider_user, other_commissioner):
    for user in (councillor, provider_user, other_commissioner):
        with pytest.raises(NotAllowed):
            statements.terms_set(
                contract=monitored.contract,
                rates={},
                monthly_hours={},
                penalty_cap_percent=5,
                reward_cap_percent=2,
                by=user,
            )


# --- issue -----------------------------------------------------------------------------------


def test_issue_builds_lines_and_adjustments_naming_the_kpi(monitored, commissioner):
    setup_terms(monitored, commissioner)
    late = result(monitored, "punctuality", "75")  # red: -2%
    result(monitored, "missed", "0.2")  # green, but missed has no green rule
    statement = issue(monitored, commissioner)
    # commissioned 1000 x 24.50 + 200 x 30 = 30,500; delivered 900 x 24.50 + 210 x 30 = 28,350
    assert statement.commissioned_amount == D("30500.00")
    assert statement.delivered_amount == D("28350.00")
    assert statement.adjustments_amount == D("-610.00")
    assert statement.total == D("27740.00")
    assert statement.provider == monitored.provider
    (adjustment,) = statement.adjustments.all()
    assert adjustment.kpi_result == late
    assert adjustment.rule.rating == "red"
    assert "Visits started on time 75% rated red" in adjustment.reason
    assert [line.band for line in statement.lines.all()] == ["rural", "urban"]
    assert history_for(statement).filter(action="create").exists()


def test_reissue_replaces_the_figures_in_place(monitored, commissioner):
    setup_terms(monitored, commissioner)
    result(monitored, "punctuality", "75")
    first = issue(monitored, commissioner)
    second = issue(monitored, commissioner, urban="1000", rural="200")
    assert second.pk == first.pk
    assert Statement.objects.count() == 1
    assert second.delivered_amount == D("30500.00")
    assert second.lines.count() == 2 and second.adjustments.count() == 1
    summaries = list(history_for(second).values_list("summary", flat=True))
    assert any(s.startswith("Statement re-issued") for s in summaries)


def test_caps_are_applied_and_noted(monitored, commissioner):
    setup_terms(monitored, commissioner, red="-4")
    result(monitored, "punctuality", "50")  # -4%
    result(monitored, "missed", "5")  # -3%: 7% asked, cap 5%
    statement = issue(monitored, commissioner)
    assert statement.adjustments_amount == D("-1525.00")  # 5% of 30,500
    assert any("over the 5% cap" in n for n in statements.statement_notes(statement))


def test_a_kpi_in_two_zones_is_pooled(monitored, commissioner):
    setup_terms(monitored, commissioner)
    result(monitored, "punctuality", "95", denominator=100)
    result(monitored, "punctuality", "70", zone=monitored.other_zone, denominator=300)
    # (95 + 210) / 400 = 76.25%: red
    statement = issue(monitored, commissioner)
    (adjustment,) = statement.adjustments.all()
    assert adjustment.rule.rating == "red"
    assert "pooled over 2 zones" in adjustment.reason
    assert "76.25%" in adjustment.reason


def test_issue_needs_terms_and_a_manager(monitored, commissioner, councillor):
    with pytest.raises(DomainError, match="payment terms"):
        issue(monitored, commissioner)
    setup_terms(monitored, commissioner)
    with pytest.raises(NotAllowed):
        issue(monitored, councillor)


def test_delivered_hours_come_from_the_visit_store(monitored, commissioner, store):
    setup_terms(monitored, commissioner)
    p, z = monitored.provider.pk, monitored.zone.pk
    rows = [
        # 60 minutes urban, a 30-minute double-up (two carers: 60 minutes), a rural hour
        visit("a", "2025-04-01 08:00", 60, "2025-04-01 08:00", 60, provider_id=p, zone_id=z),
        visit(
            "b",
            "2025-04-02 08:00",
            30,
            "2025-04-02 08:00",
            30,
            provider_id=p,
            zone_id=z,
            double_up=True,
        ),
        visit(
            "c",
            "2025-04-30 23:30",
            60,
            "2025-04-30 23:30",
            60,
            provider_id=p,
            zone_id=z,
            band="rural",
        ),
        # missed (no actual start), another provider, another month: not counted
        visit("d", "2025-04-03 08:00", 60, None, provider_id=p, zone_id=z),
        visit("e", "2025-04-03 08:00", 60, "2025-04-03 08:00", 60, provider_id=p + 999, zone_id=z),
        visit("f", "2025-05-01 00:30", 60, "2025-05-01 00:30", 60, provider_id=p, zone_id=z),
    ]
    write_store(store, rows, owner_id=monitored.council.pk)
    stored_import(monitored.council)
    hours = statements.delivered_hours(contract=monitored.contract, month=APRIL)
    assert hours == {"urban": D("2.00"), "rural": D("1.00")}
    statement = statements.statement_issue(
        contract=monitored.contract, month=APRIL, by=commissioner
    )
    assert statement.delivered_amount == D("79.00")  # 2 x 24.50 + 1 x 30


# --- disputes --------------------------------------------------------------------------------


def test_dispute_upheld_removes_the_adjustment_and_keeps_the_trail(
    monitored, commissioner, provider_user
):
    setup_terms(monitored, commissioner)
    result(monitored, "punctuality", "75")
    statement = issue(monitored, commissioner)
    adjustment = statement.adjustments.get()
    dispute = statements.dispute_raise(
        statement=statement, adjustment=adjustment, reason="ECM outage on 3 April", by=provider_user
    )
    statement.refresh_from_db()
    assert statement.status == Statement.Status.DISPUTED
    with pytest.raises(DomainError, match="disputed"):
        issue(monitored, commissioner)
    statements.dispute_resolve(
        dispute=dispute, outcome="upheld", resolution="Outage confirmed", by=commissioner
    )
    statement.refresh_from_db()
    adjustment.refresh_from_db()
    assert statement.status == Statement.Status.RESOLVED
    assert statement.adjustments_amount == D("0.00")
    assert statement.total == statement.delivered_amount == D("28350.00")
    assert adjustment.amount == 0 and "removed: dispute upheld" in adjustment.reason
    dispute.refresh_from_db()
    assert dispute.outcome == "upheld" and dispute.resolved_by == commissioner
    assert AuditLog.objects.filter(object_type="performance.dispute").count() == 2
    # re-issuing after resolution keeps the upheld removal and the dispute's link
    again = issue(monitored, commissioner)
    dispute.refresh_from_db()
    assert again.total == D("28350.00")
    assert dispute.adjustment is not None and dispute.adjustment.amount == 0


def test_dispute_rejected_leaves_the_statement_standing(monitored, commissioner, provider_user):
    setup_terms(monitored, commissioner)
    result(monitored, "punctuality", "75")
    statement = issue(monitored, commissioner)
    dispute = statements.dispute_raise(statement=statement, reason="Too harsh", by=provider_user)
    statements.dispute_resolve(
        dispute=dispute, outcome="rejected", resolution="The data are right", by=commissioner
    )
    statement.refresh_from_db()
    assert statement.total == D("27740.00") and statement.status == Statement.Status.RESOLVED
    with pytest.raises(DomainError, match="already"):
        statements.dispute_resolve(
            dispute=dispute, outcome="upheld", resolution="x", by=commissioner
        )


def test_only_the_provider_disputes_and_only_managers_resolve(
    monitored, commissioner, provider_user, councillor
):
    setup_terms(monitored, commissioner)
    result(monitored, "punctuality", "75")
    statement = issue(monitored, commissioner)
    stranger = UserFactory(
        username="other-provider", role=Role.PROVIDER, organisation=monitored.other_provider
    )
    for user in (commissioner, councillor, stranger):
        with pytest.raises(NotAllowed):
            statements.dispute_raise(statement=statement, reason="no", by=user)
    with pytest.raises(DomainError, match="Say why"):
        statements.dispute_raise(statement=statement, reason=" ", by=provider_user)
    dispute = statements.dispute_raise(statement=statement, reason="why", by=provider_user)
    with pytest.raises(DomainError, match="open dispute"):
        statements.dispute_raise(statement=statement, reason="again", by=provider_user)
    for user in (provider_user, councillor):
        with pytest.raises(NotAllowed):
            statements.dispute_resolve(dispute=dispute, outcome="upheld", resolution="r", by=user)
    assert Dispute.objects.count() == 1
    assert Adjustment.objects.get().amount == D("-610.00")


def test_an_adjustment_from_another_statement_is_refused(monitored, commissioner, provider_user):
    setup_terms(monitored, commissioner)
    result(monitored, "punctuality", "75")
    statement = issue(monitored, commissioner)
    other = Statement.objects.create(
        contract=monitored.contract,
        provider=monitored.provider,
        month=dt.date(2025, 5, 1),
        commissioned_amount=0,
        delivered_amount=0,
        adjustments_amount=0,
        total=0,
    )
    with pytest.raises(DomainError, match="not on this statement"):
        statements.dispute_raise(
            statement=other,
            adjustment=statement.adjustments.get(),
            reason="x",
            by=provider_user,
        )


# --- recomputing KPIs under an issued statement ----------------------------------------------


def test_recomputing_kpis_keeps_the_results_a_statement_points_at(monitored, commissioner, store):
    """Adjustments point at their KPI result (PROTECT): a recompute updates results in place,
    and a result the store no longer gives (its import withdrawn) is emptied, not deleted."""
    from tendercare.performance import kpi_engine
    from tendercare.performance.models import VisitImport

    setup_terms(monitored, commissioner)
    p, z = monitored.provider.pk, monitored.zone.pk
    # Ten visits, each an hour late: punctuality 0%, red.
    rows = [
        visit(
            f"v{i}",
            f"2025-04-{i + 1:02d} 08:00",
            60,
            f"2025-04-{i + 1:02d} 09:00",
            60,
            provider_id=p,
            zone_id=z,
        )
        for i in range(10)
    ]
    write_store(store, rows, owner_id=monitored.council.pk)
    stored_import(monitored.council)
    kpi_engine.compute_for_owner(owner=monitored.council)
    statement = issue(monitored, commissioner)
    adjustment = statement.adjustments.get(kpi_result__kpi__code="punctuality")
    before = adjustment.kpi_result_id

    run = kpi_engine.compute_for_owner(owner=monitored.council)
    assert run.deleted == 0 and run.emptied == 0
    adjustment.refresh_from_db()
    assert adjustment.kpi_result_id == before
    assert adjustment.kpi_result.value == D("0")

    VisitImport.objects.update(status=VisitImport.Status.WITHDRAWN)
    run = kpi_engine.compute_for_owner(owner=monitored.council, months=["2025-04"])
    assert run.emptied >= 1
    adjustment.refresh_from_db()
    assert adjustment.kpi_result.denominator == 0 and adjustment.kpi_result.value is None
    statement.refresh_from_db()
    assert statement.adjustments.count() >= 1
