"""The KPI engine writes results per provider, zone and month, replaces them on recompute,
links the contract through the provider's status and drills down to the visits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tendercare.core.models import AuditLog
from tendercare.performance import kpi_engine
from tendercare.performance.models import KpiDefinition, KpiResult

from .kpi_setup import monitored_fixture, store_fixture, stored_import  # noqa: F401 - fixtures
from .kpi_store import visit, write_store

pytestmark = pytest.mark.django_db


def _rows(m):
    p, z = m.provider.pk, m.zone.pk
    return [
        visit("a", "2025-01-06 08:00", 30, "2025-01-06 08:05", provider_id=p, zone_id=z),
        visit("b", "2025-01-06 09:00", 30, None, provider_id=p, zone_id=z, client="c2"),
        visit("c", "2025-02-03 09:00", 60, "2025-02-03 09:40", 30, provider_id=p, zone_id=z),
        visit(
            "d",
            "2025-01-06 09:00",
            30,
            "2025-01-06 09:00",
            provider_id=m.other_provider.pk,
            zone_id=m.other_zone.pk,
        ),
        # A zone that is not the council's is left out and counted.
        visit("e", "2025-01-06 09:00", 30, None, provider_id=p, zone_id=999_999),
    ]


def _result(code, provider, zone, month):
    return KpiResult.objects.get(kpi__code=code, provider=provider, zone=zone, month=f"{month}-01")


def test_builtin_definitions_are_loaded_by_the_migration(db):
    codes = set(KpiDefinition.objects.values_list("code", flat=True))
    assert {"punctuality", "missed", "call_cramming", "rtt_18_weeks", "fft_positive"} <= codes
    rtt = KpiDefinition.objects.get(code="rtt_18_weeks")
    assert rtt.kind == "return" and rtt.default_target == Decimal("92")


def test_results_are_written_with_contract_and_audited(monitored, store, commissioner):
    write_store(store, _rows(monitored), owner_id=monitored.council.pk)
    stored_import(monitored.council)
    run = kpi_engine.compute_for_owner(owner=monitored.council, by=commissioner)
    missed = _result("missed", monitored.provider, monitored.zone, "2025-01")
    assert (missed.numerator, missed.denominator, missed.value) == (1, 2, Decimal("50.0000"))
    assert missed.contract == monitored.contract
    short = _result("short_85", monitored.provider, monitored.zone, "2025-02")
    assert short.value == 100
    other = _result("missed", monitored.other_provider, monitored.other_zone, "2025-01")
    assert other.contract == monitored.other_contract and other.value == 0
    assert run.months == ["2025-01", "2025-02"] and run.skipped > 0
    log = AuditLog.objects.filter(object_type="organisations.organisation").latest("pk")
    assert "KPIs computed" in log.summary and log.after["written"] == run.written


def test_recompute_is_idempotent_and_replaces_only_the_months_asked(monitored, store):
    write_store(store, _rows(monitored), owner_id=monitored.council.pk)
    stored_import(monitored.council)
    kpi_engine.compute_for_owner(owner=monitored.council)
    first = KpiResult.objects.count()
    kpi_engine.compute_for_owner(owner=monitored.council)
    assert KpiResult.objects.count() == first
    february = KpiResult.objects.filter(month="2025-02-01").count()
    kpi_engine.compute_for_owner(owner=monitored.council, months=["2025-01"])
    assert KpiResult.objects.count() == first
    assert KpiResult.objects.filter(month="2025-02-01").count() == february


def test_travel_uses_the_band_minutes_given(monitored, store):
    p, z = monitored.provider.pk, monitored.zone.pk
    rows = [
        visit("a", "2025-01-06 08:00", 60, "2025-01-06 08:00", provider_id=p, zone_id=z, travel=6)
    ]
    write_store(store, rows, owner_id=monitored.council.pk)
    stored_import(monitored.council)
    kpi_engine.compute_for_owner(owner=monitored.council, band_minutes={"urban": Decimal(12)})
    assert _result("travel_vs_model", monitored.provider, monitored.zone, "2025-01").value == 50


def test_drill_down_lists_the_visits_behind_a_result(monitored, store):
    write_store(store, _rows(monitored), owner_id=monitored.council.pk)
    stored_import(monitored.council)
    kpi_engine.compute_for_owner(owner=monitored.council)
    missed = _result("missed", monitored.provider, monitored.zone, "2025-01")
    rows = kpi_engine.visits_behind(missed, limit=10)
    assert [(r["visit_id"], r["counted"]) for r in rows] == [("b", True), ("a", False)]
    assert rows[0]["client_key"] == "c2" and "client_id" not in rows[0]


def test_an_empty_store_writes_nothing(monitored, store):
    run = kpi_engine.compute_for_owner(owner=monitored.council)
    assert run.written == 0 and KpiResult.objects.count() == 0


def test_compute_frames_returns_one_frame_per_visit_kpi(tmp_path):
    from .kpi_store import connect

    write_store(tmp_path, [visit("a", "2025-01-06 08:00", 30, None)])
    frames = kpi_engine.compute_frames(connect(tmp_path))
    assert set(frames) == {k.code for k in kpi_engine.kpis.VISIT_KPIS}
    assert frames["missed"][["numerator", "denominator"]].values.tolist() == [[1, 1]]
    assert frames["punctuality"].empty


def test_the_compute_kpis_command(monitored, store):
    from io import StringIO

    from django.core.management import CommandError, call_command

    write_store(store, _rows(monitored), owner_id=monitored.council.pk)

    stored_import(monitored.council)
    out = StringIO()
    call_command(
        "compute_kpis", "--owner", monitored.council.name, "--month", "2025-01", stdout=out
    )
    assert "KPIs computed" in out.getvalue()
    assert set(KpiResult.objects.values_list("month", flat=True)) == {dt.date(2025, 1, 1)}
    with pytest.raises(CommandError):
        call_command("compute_kpis", "--owner", "Nowhere", stdout=out)
    with pytest.raises(CommandError):
        call_command(
            "compute_kpis", "--owner", monitored.council.name, "--month", "Jan", stdout=out
        )


def test_kpis_from_a_file_imported_by_ingestion(medway, commissioner):
    """End to end: the ingestion service stores the file; the engine reads the same store. The
    BST visit at 23:30 on 31 March belongs to March and ran past midnight."""
    from tendercare.performance.models import VisitImport
    from tendercare.performance.visits import visit_import

    header = (
        "visit_id,provider,client_id,carer_id,zone,postcode,lsoa,planned_start,planned_end,"
        "actual_start,actual_end,double_up,time_critical,travel_minutes_paid,travel_miles,"
        "verified_by"
    )
    lines = [
        "V1,Riverside Care Ltd,NHS-1,K1,North,,,2025-03-03 08:00,2025-03-03 08:30,"
        "2025-03-03 08:20,2025-03-03 08:50,no,no,10,3.5,ecm",
        "V2,Riverside Care Ltd,NHS-2,K1,North,,,2025-03-31 23:30,2025-04-01 00:15,"
        "2025-03-31 23:30,2025-04-01 00:15,no,no,0,0,manual",
        "V3,Riverside Care Ltd,NHS-1,K2,North,,,2025-03-04 08:00,2025-03-04 08:30,,,no,no,0,0,ecm",
    ]
    data = ("\n".join([header, *lines]) + "\n").encode()
    vi = visit_import(file=data, filename="march.csv", owner=medway.council, by=commissioner)
    assert vi.status == VisitImport.Status.DONE, vi.errors
    kpi_engine.compute_for_owner(owner=medway.council, by=commissioner)
    on_time = _result("punctuality", medway.provider, medway.north, "2025-03")
    assert (on_time.numerator, on_time.denominator) == (1, 2)  # V1 started 20 minutes late
    missed = _result("missed", medway.provider, medway.north, "2025-03")
    assert (missed.numerator, missed.denominator) == (1, 3)
    ecm = _result("ecm_compliance", medway.provider, medway.north, "2025-03")
    assert (ecm.numerator, ecm.denominator) == (1, 2)
    assert not KpiResult.objects.filter(month="2025-04-01").exists()


def test_ensure_brings_stale_definitions_up_to_date(db):
    from tendercare.performance import kpis

    KpiDefinition.objects.filter(code="missed").update(description="Old wording")
    KpiDefinition.objects.filter(code="fft_positive").delete()
    assert kpi_engine.builtin_kpis_ensure() == 2
    missed = KpiDefinition.objects.get(code="missed")
    assert missed.description == kpis.BY_CODE["missed"].description
    assert "23:00" in missed.description and "next planned visit" in missed.description
    assert KpiDefinition.objects.filter(code="fft_positive").exists()
    assert kpi_engine.builtin_kpis_ensure() == 0


def test_the_visits_behind_a_cramming_figure_name_both_carers_of_a_double_up(monitored, store):
    p, z = monitored.provider.pk, monitored.zone.pk
    rows = [
        visit("x", "2025-01-06 08:00", 60, "2025-01-06 08:00", 60, provider_id=p, zone_id=z),
        # k2 is the second carer here while k1 is still at visit x: crammed for k1.
        visit(
            "y",
            "2025-01-06 08:30",
            30,
            "2025-01-06 08:30",
            30,
            provider_id=p,
            zone_id=z,
            client="c2",
            carer="k2",
            second_carer="k1",
            double_up=True,
        ),
    ]
    write_store(store, rows, owner_id=monitored.council.pk)
    stored_import(monitored.council)
    kpi_engine.compute_for_owner(owner=monitored.council)
    cramming = _result("call_cramming", monitored.provider, monitored.zone, "2025-01")
    behind = {r["visit_id"]: r for r in kpi_engine.visits_behind(cramming, limit=10)}
    assert behind["y"]["counted"] and behind["y"]["second_carer_id"] == "k1"
    assert behind["x"]["second_carer_id"] is None
