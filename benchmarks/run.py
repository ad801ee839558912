"""`make bench`: how long the main jobs take on this machine. Prints figures; asserts nothing.

Runs against a throwaway SQLite database (or DATABASE_URL if set, which it then empties). The
full figures the issues ask for take about an hour on 2 cores; `make bench-quick`
(BENCH_QUICK=1) runs a reduced set in about 8 minutes.
"""

import io
import os
import sys
import tempfile
import time
from contextlib import contextmanager

VAR = tempfile.mkdtemp(prefix="tendercare-bench-")
os.environ.setdefault("TENDERCARE_VAR_DIR", VAR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tendercare.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
console = Console()
results: list[tuple[str, str, str]] = []


@contextmanager
def timed(label: str, unit_count: int | None = None, unit: str = ""):
    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    rate = f"{unit_count / seconds:,.0f} {unit}/s" if unit_count else ""
    results.append((label, f"{seconds:.2f} s", rate))
    console.print(f"{label}: {seconds:.2f} s {rate}")


def register_csv(rows: int) -> bytes:
    header = (
        "reference,title,commissioner,provider,service,annual_value_gbp,start_date,end_date,"
        "extension_months,procurement_route,status\n"
    )
    lines = [header]
    for n in range(rows):
        lines.append(
            f"BENCH-{n:06d},Home care zone {n % 40},Bench Council,Provider {n % 300} Ltd,"
            f"Home care,{100000 + n * 13},2023-04-01,{2026 + n % 5}-03-31,12,"
            f"{'open' if n % 3 else 'rollover'},active\n"
        )
    return "".join(lines).encode()


def main() -> None:
    from tendercare.contracts.services import contracts_import
    from tendercare.demo import county
    from tendercare.geography.services import geography_load
    from tendercare.organisations.models import User

    call_command("flush", interactive=False, verbosity=0) if os.environ.get(
        "DATABASE_URL"
    ) else None
    with timed("migrate an empty database"):
        call_command("migrate", verbosity=0)
    with timed("geography load: all shipped seed extracts (21 authorities)"):
        summary = geography_load()
    console.print(
        f"  {summary.lsoas:,} LSOAs, {summary.wards:,} wards, {summary.postcodes:,} postcodes"
    )
    with timed("demo county build (contracts, programmes, users; geography already loaded)"):
        county.build(as_of=dt.date(2026, 11, 23), with_geography=False)

    rows = 5_000
    data = register_csv(rows)
    with timed(f"contract import: {rows:,} rows, dry run (validate only)", rows, "rows"):
        result = contracts_import(file=io.BytesIO(data), filename="bench.csv", dry_run=True)
    assert not result.errors, result.errors[:3]
    with timed(f"contract import: {rows:,} rows, written", rows, "rows"):
        contracts_import(file=io.BytesIO(data), filename="bench.csv")

    client = Client()
    admin = User.objects.get(username="admin")
    client.force_login(admin)
    # The bench council's register: make the admin one of its people so the page has 5,000 rows.
    from tendercare.organisations.queries import organisation_by_name

    admin.organisation = organisation_by_name("Bench Council")
    admin.save(update_fields=["organisation"])
    for label, url in [
        ("register page, 5,000 contracts, first page", "/contracts/"),
        (
            "register page, filtered by warning, sorted by value",
            "/contracts/?warning=not_competed&sort=-annual_value",
        ),
        ("register export CSV, 5,000 contracts", "/contracts/export.csv"),
        ("register export XLSX, 5,000 contracts", "/contracts/export.xlsx"),
        ("area profile: Medway place page", "/areas/E06000035/"),
        ("API: /api/v1/contracts", "/api/v1/contracts"),
    ]:
        client.get(url)  # warm up
        repeats = 5
        start = time.perf_counter()
        for _ in range(repeats):
            response = client.get(url)
        seconds = (time.perf_counter() - start) / repeats
        results.append((label, f"{seconds * 1000:.0f} ms", f"HTTP {response.status_code}"))
        console.print(f"{label}: {seconds * 1000:.0f} ms (HTTP {response.status_code})")

    # Travel per band from a home-care zone-week of the demo county (Dover district: all four
    # bands), through the same import and run a commissioner uses. Aim: under a minute in all.
    from tendercare.demo.travel_week import areas_of_place, zone_week
    from tendercare.pricing import travel

    week_start = dt.date(2026, 11, 16)
    week = zone_week(areas_of_place("E07000108"), week_start=week_start, clients=190, seed=7)
    visits, shifts = len(week.visits), len(week.carers)
    began = time.perf_counter()
    with timed(f"zone-week import: {visits:,} visits, {shifts:,} carer shifts", visits, "visits"):
        imported = travel.travel_import(
            owner=organisation_by_name("Medway Council"),
            by=None,
            zone="Dover district benchmark week",
            week_start=week_start,
            visits=io.BytesIO(week.visits_csv()),
            carers=io.BytesIO(week.carers_csv()),
            seconds_per_day=5,
        )
    assert imported.ok, imported.messages()[:3]
    with timed("zone-week routing: 7 days of carer runs at 5 s a day, checked", visits, "visits"):
        run = travel.run_travel(imported.run)
    total = time.perf_counter() - began
    served = visits - len(run.unserved)
    results.append(
        (
            "zone-week travel per band, import + routing",
            f"{total:.1f} s",
            f"{served:,} of {visits:,} served; check {'passed' if run.feasible else 'FAILED'}",
        )
    )
    for band in run.band_results.all():
        line = (
            f"  {band.band}: {band.minutes_per_contact_hour:.1f} travel minutes and "
            f"{band.miles_per_contact_hour:.2f} miles per contact hour ({band.visits:,} visits)"
        )
        console.print(line)

    # Monitoring delivery: a Kent year of at least 7 million visits through the real import, then
    # the KPI engine for the year against the same KPIs as one hand-written DuckDB query and in
    # pandas (docs/monitoring-bench.md). `make bench-quick` (BENCH_QUICK=1) uses 1 million.
    import monitoring as monitoring_bench

    results.extend(
        monitoring_bench.bench_rows(
            rows=monitoring_bench.DEFAULT_ROWS if QUICK else monitoring_bench.FULL_ROWS
        )
    )

    # The routing engine on published benchmarks (docs/routing-bench.md): all 56 Solomon
    # instances at 10 s with OR-Tools beside, and the 50 Mankowska instances of 10 to 100
    # patients at 30 s (about 45 minutes). `make bench-quick`: six Solomon instances and the
    # eight Mankowska instances of the headline gap, 10 s each.
    import routing as routing_bench

    if QUICK:
        results.extend(routing_bench.bench_rows())
    else:
        results.extend(routing_bench.bench_rows(full=True, mankowska_seconds=30.0))

    table = Table(
        title=f"Tendercare bench ({django.db.connection.vendor}, Python {sys.version.split()[0]})"
    )
    for column in ("job", "time", "rate / status"):
        table.add_column(column)
    for row in results:
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    main()
