"""After a visit file is stored, the KPIs of its months (and of the months whose windows reach
them) are recomputed: by the upload's task and by `tendercare import visits`."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tendercare.core.audit import history_for
from tendercare.performance import kpi_engine
from tendercare.performance.models import KpiResult, VisitImport
from tendercare.performance.visits import visit_import

from .conftest import IMMEDIATE_TASKS
from .test_visit_import import GOOD, csv_bytes

MARCH, APRIL = dt.date(2025, 3, 1), dt.date(2025, 4, 1)


def result(code, provider, zone, month):
    return KpiResult.objects.filter(
        kpi__code=code, provider=provider, zone=zone, month=month
    ).first()


def test_months_touched_by_an_import():
    assert kpi_engine.months_touched_by(["2025-01"]) == [
        "2024-12",
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
    ]
    assert kpi_engine.months_touched_by(["2025-11", "2025-12"]) == [
        "2025-10",
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
    ]


def test_an_upload_leaves_the_months_kpi_results_behind(
    client, commissioner, medway, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    client.force_login(commissioner)
    upload = SimpleUploadedFile("march.csv", csv_bytes(GOOD), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("performance:visit-upload"), {"file": upload})
    assert response.status_code == 302
    vi = VisitImport.objects.get()
    assert vi.status == VisitImport.Status.DONE and vi.months == ["2025-03", "2025-04"]
    # V1: Riverside in North on 3 March, started 5 minutes late: punctual.
    punctual = result("punctuality", medway.provider, medway.north, MARCH)
    assert punctual is not None and (punctual.numerator, punctual.denominator) == (1, 1)
    # V2: Hillside in South on 31 March, nothing recorded: missed.
    missed = result("missed", medway.other, medway.south, MARCH)
    assert missed is not None and (missed.numerator, missed.denominator) == (1, 1)
    # V3: Hillside in North on 1 April.
    assert result("punctuality", medway.other, medway.north, APRIL) is not None
    recompute = history_for(medway.council).filter(summary__startswith="KPIs computed").get()
    assert recompute.user == commissioner
    assert recompute.after["months"] == ["2025-03", "2025-04"]


def _file(*lines: str) -> bytes:
    return csv_bytes(list(lines))


# A visit planned at 23:30 on 31 March, started at 09:30 the next day: with nothing planned
# after it, its deadline is 23:00 on 1 April and it was delivered. April's file then brings
# the client's next visit at 08:00 on 1 April, which makes it missed: March's figure changes
# although the April file has no March visits.
LATE_MARCH = (
    "M1,Riverside Care Ltd,NHS-9,K1,North,,,2025-03-31 23:30,2025-04-01 00:00,"
    "2025-04-01 09:30,2025-04-01 10:00,no,no,0,0,ecm"
)
EARLY_APRIL = (
    "A1,Riverside Care Ltd,NHS-9,K1,North,,,2025-04-01 08:00,2025-04-01 08:30,"
    "2025-04-01 08:00,2025-04-01 08:30,no,no,0,0,ecm"
)


def test_the_command_recomputes_the_month_before_whose_deadlines_the_file_moves(medway, tmp_path):
    march = tmp_path / "march.csv"
    march.write_bytes(_file(LATE_MARCH))
    out = io.StringIO()
    call_command("import_visits", str(march), owner="Medway Council", stdout=out)
    text = out.getvalue()
    assert "1 visits stored" in text or "1 visit stored" in text
    assert "KPIs computed for Medway Council" in text and "2025-03" in text
    assert "No pricing scenario" in text
    missed = result("missed", medway.provider, medway.north, MARCH)
    assert (missed.numerator, missed.denominator) == (0, 1)

    april = tmp_path / "april.csv"
    april.write_bytes(_file(EARLY_APRIL))
    out = io.StringIO()
    call_command("import_visits", str(april), owner="Medway Council", stdout=out)
    assert "KPIs computed for Medway Council" in out.getvalue()
    assert "2025-03 to 2025-04" in out.getvalue()
    again = result("missed", medway.provider, medway.north, MARCH)
    assert again.pk == missed.pk  # updated in place
    assert (again.numerator, again.denominator) == (1, 1)
    assert result("missed", medway.provider, medway.north, APRIL).numerator == 0


def test_the_command_can_leave_the_kpis_for_later(medway, tmp_path):
    march = tmp_path / "march.csv"
    march.write_bytes(csv_bytes(GOOD))
    out = io.StringIO()
    call_command("import_visits", str(march), owner="Medway Council", no_kpis=True, stdout=out)
    assert "tendercare compute kpis" in out.getvalue() and "--month 2025-03" in out.getvalue()
    assert not KpiResult.objects.exists()


def test_a_failed_recompute_leaves_the_visits_stored_and_says_what_to_run(
    medway, tmp_path, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("engine down")

    monkeypatch.setattr(kpi_engine, "compute_for_owner", broken)
    march = tmp_path / "march.csv"
    march.write_bytes(csv_bytes(GOOD))
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="The visits are stored"):
        call_command("import_visits", str(march), owner="Medway Council", stdout=io.StringIO())
    vi = VisitImport.objects.get()
    assert vi.status == VisitImport.Status.DONE and vi.stored == 3
    assert "tendercare compute kpis" in vi.message and "--month 2025-03" in vi.message
    assert history_for(vi).filter(summary__contains="KPIs not recomputed").exists()


def test_an_import_refused_or_unchanged_computes_nothing(medway, commissioner):
    vi = visit_import(file=csv_bytes(GOOD), filename="a.csv", owner=medway.council, by=None)
    from tendercare.performance.visits import kpis_after_import

    assert kpis_after_import(vi) is not None
    KpiResult.objects.all().delete()
    same = visit_import(file=csv_bytes(GOOD), filename="b.csv", owner=medway.council, by=None)
    assert same.status == VisitImport.Status.UNCHANGED
    assert kpis_after_import(same) is None
    assert not KpiResult.objects.exists()
