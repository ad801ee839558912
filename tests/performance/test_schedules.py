"""KPI schedules per contract and community-health KPI returns (entered or imported)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.organisations.models import Role
from tendercare.performance import schedules
from tendercare.performance.models import KpiDefinition, KpiReturn, KpiSchedule
from tests.factories import UserFactory

from .kpi_setup import monitored_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def kpi(code):
    return KpiDefinition.objects.get(code=code)


def test_a_manager_sets_and_changes_a_kpi_target_audited(monitored, commissioner):
    schedule = schedules.schedule_set(
        contract=monitored.contract,
        kpi=kpi("punctuality"),
        target="92",
        amber="85",
        by=commissioner,
    )
    assert (schedule.target, schedule.amber, schedule.weight) == (92, 85, 1)
    schedules.schedule_set(
        contract=monitored.contract,
        kpi=kpi("punctuality"),
        target="95",
        amber="90",
        weight="2.5",
        by=commissioner,
    )
    schedule.refresh_from_db()
    assert (schedule.target, schedule.weight) == (95, Decimal("2.5"))
    actions = list(
        AuditLog.objects.filter(object_type="performance.kpischedule").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["create", "update"]


@pytest.mark.parametrize(
    ("code", "target", "amber", "weight", "message"),
    [
        ("punctuality", "80", "90", "1", "amber"),
        ("missed", "2", "1", "1", "amber"),
        ("punctuality", "101", "90", "1", "0 to 100"),
        ("punctuality", "ninety", "80", "1", "number"),
        ("punctuality", "90", "80", "-1", "weight"),
    ],
)
def test_bad_schedules_are_refused_with_a_reason(
    monitored, commissioner, code, target, amber, weight, message
):
    with pytest.raises(DomainError, match=message):
        schedules.schedule_set(
            contract=monitored.contract,
            kpi=kpi(code),
            target=target,
            amber=amber,
            weight=weight,
            by=commissioner,
        )
    assert not KpiSchedule.objects.exists()


def test_councillors_providers_and_other_councils_cannot_change_schedules(
    monitored, councillor, provider_user, other_commissioner
):
    for user in (councillor, provider_user, other_commissioner):
        with pytest.raises(NotAllowed):
            schedules.schedule_set(
                contract=monitored.contract, kpi=kpi("missed"), target=1, amber=2, by=user
            )


def test_defaults_add_every_visit_kpi_once(monitored, commissioner):
    added = schedules.schedule_add_defaults(
        contract=monitored.contract, kind="visits", by=commissioner
    )
    assert added == KpiDefinition.objects.filter(kind="visits").count()
    again = schedules.schedule_add_defaults(
        contract=monitored.contract, kind="visits", by=commissioner
    )
    assert again == 0
    missed = KpiSchedule.objects.get(contract=monitored.contract, kpi__code="missed")
    assert missed.target == kpi("missed").default_target


def test_a_return_is_entered_and_corrected(monitored, commissioner):
    first = schedules.return_enter(
        contract=monitored.community,
        kpi=kpi("rtt_18_weeks"),
        month="2025-04",
        numerator="930",
        denominator="1000",
        by=commissioner,
    )
    assert first.month == dt.date(2025, 4, 1)
    schedules.return_enter(
        contract=monitored.community,
        kpi=kpi("rtt_18_weeks"),
        month="2025-04-01",
        numerator="940",
        denominator="1000",
        by=commissioner,
    )
    assert KpiReturn.objects.get().numerator == 940


@pytest.mark.parametrize(
    ("code", "numerator", "denominator", "message"),
    [
        ("punctuality", "1", "2", "visit records"),
        ("fft_positive", "11", "10", "more than the denominator"),
        ("fft_positive", "1", "0", "more than 0"),
    ],
)
def test_bad_returns_are_refused(monitored, commissioner, code, numerator, denominator, message):
    with pytest.raises(DomainError, match=message):
        schedules.return_enter(
            contract=monitored.community,
            kpi=kpi(code),
            month="2025-04",
            numerator=numerator,
            denominator=denominator,
            by=commissioner,
        )


def _csv(text):
    return io.BytesIO(text.encode())


def test_returns_import_all_or_nothing_with_row_and_column(monitored, commissioner):
    bad = (
        "contract,kpi,month,numerator,denominator\n"
        "CH-001,rtt_18_weeks,2025-04,930,1000\n"
        "CH-999,fft_positive,2025-04,80,100\n"
        "CH-001,fft_positive,2025-13,80,100\n"
        "CH-001,rtt_18_weeks,2025-04,931,1000\n"
    )
    result = schedules.returns_import(file=_csv(bad), filename="r.csv", by=commissioner)
    assert not result.ok and not KpiReturn.objects.exists()
    found = {(e.row, e.column) for e in result.errors}
    assert {(3, "contract"), (4, "month"), (5, "month")} <= found
    good = (
        "contract,kpi,month,numerator,denominator\n"
        "CH-001,rtt_18_weeks,2025-04,930,1000\n"
        "ch-001,FFT_positive,2025-05,85,100\n"
    )
    result = schedules.returns_import(file=_csv(good), filename="r.csv", by=commissioner)
    assert result.ok and result.created == 2
    result = schedules.returns_import(file=_csv(good), filename="r.csv", by=commissioner)
    assert result.updated == 2 and KpiReturn.objects.count() == 2


def test_a_dry_run_saves_nothing(monitored, commissioner):
    text = "contract,kpi,month,numerator,denominator\nCH-001,rtt_18_weeks,2025-04,930,1000\n"
    result = schedules.returns_import(
        file=_csv(text), filename="r.csv", by=commissioner, dry_run=True
    )
    assert result.ok and result.created == 1 and not KpiReturn.objects.exists()


def test_a_contract_manager_of_another_council_cannot_import(monitored, other_council):
    manager = UserFactory(username="km", role=Role.CONTRACT_MANAGER, organisation=other_council)
    text = "contract,kpi,month,numerator,denominator\nCH-001,rtt_18_weeks,2025-04,930,1000\n"
    result = schedules.returns_import(file=_csv(text), filename="r.csv", by=manager)
    assert not result.ok and not KpiReturn.objects.exists()
