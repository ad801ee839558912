"""Travel runs: import (all or nothing, every error with row and column), routing by day,
results by band, applying to a scenario, access."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tendercare.core.audit import history_for
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.geography.models import Lsoa, Postcode
from tendercare.geography.services import geography_load
from tendercare.pricing import services, travel
from tendercare.pricing.models import TravelRun, TravelStop, TravelVisit

DOVER = "E07000108"
MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def dover(db):
    return dover_bands()


def dover_bands() -> dict[str, str]:
    """Load Dover's real geography; the first LSOA code of each band."""
    geography_load(lads=[DOVER])
    lsoas = list(Lsoa.objects.filter(place_id=DOVER).select_related("ruc").order_by("code"))
    by_band = {}
    for lsoa in lsoas:
        by_band.setdefault(lsoa.band, lsoa.code)
    return by_band


def csv_bytes(header, rows):
    return io.BytesIO(("\n".join([header, *rows]) + "\n").encode())


def visits_file(dover, extra=()):
    urban, rural = dover["urban"], dover["rural"]
    rows = [
        f"V1,{urban},2026-03-02T08:00,2026-03-02T09:00,30,no,no",
        f"V2,{urban},2026-03-02T08:30,2026-03-02T09:30,45,no,yes",
        f"V3,{rural},2026-03-02T09:00,2026-03-02T10:00,30,yes,no",
        f"V4,{rural},2026-03-02T11:00,2026-03-02T12:00,30,no,no",
        f"V5,{urban},2026-03-02T12:00,2026-03-02T13:00,60,no,no",
        *extra,
    ]
    return csv_bytes(
        "visit_id,lsoa,window_start,window_end,duration_minutes,double_up,high_dependency", rows
    )


def carers_file(dover):
    urban = dover["urban"]
    postcode = Postcode.objects.filter(lsoa_id=dover["rural"]).first().pcds
    rows = [
        f"K1,{urban},,2026-03-02T07:00,2026-03-02T14:30,yes",
        f"K2,,{postcode},2026-03-02T07:00,2026-03-02T14:30,no",
        f"K3,{urban},,2026-03-02T07:00,2026-03-02T14:30,no",
    ]
    return csv_bytes("carer_id,lsoa,postcode,shift_start,shift_end,skilled", rows)


def do_import(owner, dover, *, by=None, visits=None, carers=None, **kwargs):
    return travel.travel_import(
        owner=owner,
        by=by,
        zone="Dover test zone",
        week_start=MONDAY,
        visits=visits or visits_file(dover),
        carers=carers or carers_file(dover),
        seconds_per_day=1,
        **kwargs,
    )


def test_a_good_zone_week_is_imported_with_bands(council, commissioner, dover):
    result = do_import(council, dover, by=commissioner)
    assert result.ok, result.messages()
    run = result.run
    assert run.status == TravelRun.Status.QUEUED
    assert run.visits.count() == 5 and run.carers.count() == 3
    assert run.visits.get(ref="V3").band == "rural" and run.visits.get(ref="V3").double_up
    assert run.carers.get(ref="K2").start_lsoa_code == dover["rural"]  # found by postcode
    assert history_for(run).exists()


def test_a_bad_file_is_refused_whole_with_every_row_and_column(council, dover):
    bad = visits_file(
        dover,
        extra=[
            f"V1,{dover['urban']},2026-03-02T08:00,2026-03-02T09:00,30,no,no",  # duplicate id
            "V7,E01999999,2026-03-02T08:00,2026-03-02T09:00,30,no,no",  # unknown LSOA
            f"V8,{dover['urban']},tuesday,2026-03-02T09:00,0,maybe,no",
            f"V9,{dover['urban']},2026-03-20T08:00,2026-03-20T09:00,30,no,no",  # not this week
        ],
    )
    result = do_import(council, dover, visits=bad)
    assert not result.ok and result.run is None
    found = {(label, e.row, e.column) for label, e in result.errors}
    assert ("Visits file", 7, "visit_id") in found
    assert ("Visits file", 8, "lsoa") in found
    assert ("Visits file", 9, "window_start") in found
    assert ("Visits file", 9, "duration_minutes") in found
    assert ("Visits file", 9, "double_up") in found
    assert ("Visits file", 10, "window_start") in found
    assert TravelRun.objects.count() == 0 and TravelVisit.objects.count() == 0


def test_a_bad_carers_file_stops_a_good_visits_file(council, dover):
    carers = csv_bytes(
        "carer_id,lsoa,shift_start,shift_end,skilled",
        [f"K1,{dover['urban']},2026-03-02T14:00,2026-03-02T07:00,yes", "K2,,x,y,no"],
    )
    result = do_import(council, dover, carers=carers)
    found = {(label, e.row, e.column) for label, e in result.errors}
    assert ("Carers file", 2, "shift_end") in found
    assert ("Carers file", 3, "lsoa") in found and ("Carers file", 3, "shift_start") in found
    assert TravelRun.objects.count() == 0


def test_missing_columns_are_reported_against_the_header(council, dover):
    visits = csv_bytes("visit_id,lsoa,window_start", [f"V1,{dover['urban']},2026-03-02T08:00"])
    result = do_import(council, dover, visits=visits)
    assert any(e.row == 1 and "Missing" in e.message for _, e in result.errors)


def test_run_builds_feasible_runs_and_results_by_band(council, dover):
    run = travel.run_travel(do_import(council, dover).run)
    assert run.status == TravelRun.Status.DONE, run.message
    assert (
        run.progress == 100 and run.feasible is True and "Feasibility check passed" in run.message
    )
    assert "5 of 5 visits served" in run.message
    stops = list(TravelStop.objects.filter(carer__run=run).select_related("carer", "visit"))
    assert len(stops) == 6  # V3 is a double-up
    double = [s for s in stops if s.visit.ref == "V3"]
    assert len({s.carer_id for s in double}) == 2 and len({s.start for s in double}) == 1
    (skilled_stop,) = [s for s in stops if s.visit.ref == "V2"]
    assert skilled_stop.carer.skilled
    for stop in stops:
        assert stop.visit.window_start <= stop.start <= stop.visit.window_end
        assert stop.carer.shift_start <= stop.start and stop.end <= stop.carer.shift_end
    results = {r.band: r for r in run.band_results.all()}
    assert set(results) == {"urban", "rural"}
    assert results["rural"].visits == 2
    # contact hours count each carer: V3 (30 min, two carers) + V4 (30 min) = 1.5 hours
    assert float(results["rural"].contact_hours) == pytest.approx(1.5)
    assert float(results["urban"].average_visit_minutes) == pytest.approx(45)
    total_between = sum(float(s.travel_minutes) for s in stops if s.sequence > 1)
    assert sum(float(r.travel_minutes) for r in results.values()) == pytest.approx(
        total_between, abs=0.05
    )


def test_an_imported_matrix_replaces_straight_line_times(council, dover):
    urban, rural = dover["urban"], dover["rural"]
    matrix = csv_bytes(
        "from_lsoa,to_lsoa,minutes,miles",
        [f"{urban},{rural},55,20", f"{rural},{urban},55,20", f"{urban},{urban},4,1"],
    )
    result = do_import(council, dover, matrix=matrix)
    assert result.ok, result.messages()
    assert result.run.matrix == TravelRun.Matrix.IMPORTED
    run = travel.run_travel(result.run)
    assert run.status == TravelRun.Status.DONE, run.message
    legs = {
        (float(s.travel_minutes), float(s.travel_miles))
        for s in TravelStop.objects.filter(carer__run=run)
    }
    assert any(leg in legs for leg in ((55.0, 20.0), (4.0, 1.0)))


def test_applying_a_run_makes_a_new_scenario_version_sourced_to_the_run(
    council, commissioner, dover
):
    scenario = services.scenario_create(owner=council, name="Dover 2026", by=commissioner)
    run = travel.run_travel(do_import(council, dover, by=commissioner).run)
    version = travel.travel_apply(run=run, scenario=scenario, by=commissioner, reason="Measured")
    assert version.number == 2
    rows = {(p.key, p.band): p for p in version.params.all()}
    urban = run.band_results.get(band="urban")
    minutes = rows[("travel_minutes", "urban")]
    assert float(minutes.value) == pytest.approx(float(urban.minutes_per_contact_hour), abs=0.01)
    assert minutes.source.startswith(f"Travel run {run.pk}: Dover test zone, week of 02 Mar 2026")
    assert "run on" in minutes.source and minutes.source_date == run.finished_at.date()
    assert ("miles", "rural") in rows and rows[("miles", "rural")].source == minutes.source
    # bands the run did not measure keep their earlier values and sources
    assert rows[("travel_minutes", "isolated")].source != minutes.source
    assert history_for(run).filter(summary__contains="applied").exists()


def test_only_commissioning_staff_of_the_family_create_and_apply(
    council, commissioner, councillor, other_commissioner, dover
):
    with pytest.raises(NotAllowed):
        do_import(council, dover, by=councillor)
    with pytest.raises(NotAllowed):
        do_import(council, dover, by=other_commissioner)
    scenario = services.scenario_create(owner=council, name="S", by=commissioner)
    run = do_import(council, dover).run
    with pytest.raises(DomainError):  # not run yet
        travel.travel_apply(run=run, scenario=scenario, by=commissioner)
    run = travel.run_travel(run)
    with pytest.raises(NotAllowed):
        travel.travel_apply(run=run, scenario=scenario, by=councillor)
    assert travel.travel_run_for(councillor, run.pk) == run
    assert travel.travel_run_for(other_commissioner, run.pk) is None


def test_command_runs_a_zone_week_and_refuses_a_bad_file(council, dover, tmp_path, capsys):
    visits, carers = tmp_path / "visits.csv", tmp_path / "carers.csv"
    visits.write_bytes(visits_file(dover).read())
    carers.write_bytes(carers_file(dover).read())
    args = ["--visits", visits, "--carers", carers, "--zone", "Dover", "--week-start", "2026-03-02"]
    call_command("travel_run", *args, "--seconds-per-day", "1")
    out = capsys.readouterr().out
    assert "Feasibility check passed" in out and "Urban" in out and "Rural" in out
    visits.write_text("visit_id,lsoa,window_start,window_end,duration_minutes\nV1,X,a,b,c\n")
    with pytest.raises(CommandError):
        call_command("travel_run", *args)
    err = capsys.readouterr().err
    assert "row 2, column lsoa" in err and "row 2, column window_start" in err
    assert TravelRun.objects.count() == 1


def test_a_run_uses_the_bands_its_organisation_chose(council, other_council, dover):
    from tendercare.geography.models import OrganisationBand

    rural = Lsoa.objects.get(code=dover["rural"])
    OrganisationBand.objects.create(
        owner=other_council, ruc_id=rural.ruc_id, band="urban", reason="Not ours to move"
    )
    OrganisationBand.objects.create(
        owner=council, ruc_id=rural.ruc_id, band="isolated", reason="Lanes, no buses"
    )
    result = do_import(council, dover)
    assert result.ok, result.messages()
    assert result.run.visits.get(ref="V3").band == "isolated"
    run = travel.run_travel(result.run)
    assert {r.band for r in run.band_results.all()} == {"urban", "isolated"}
    assert run.band_results.get(band="isolated").visits == 2
