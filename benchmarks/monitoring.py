"""Monitoring figures (issue 5): a large county's year of visits through the real import, the
KPI engine for the whole year, and the same KPIs as one hand-written DuckDB query and directly
in pandas. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/monitoring.py                  # the reduced default
    .venv/bin/python benchmarks/monitoring.py --rows 7000000   # the full county year

`make bench` (benchmarks/run.py) runs the full county year, `make bench-quick` the reduced
default. The figures are in docs/monitoring-bench.md.

The county is Kent: its 12 districts are the zones (LSOAs from the shipped geography), three
providers in each (one prime, two supplementary; nine providers in all, each in four zones).
The year (April 2025 to March 2026, both clock changes) comes from the demo's generator
(tendercare.demo.visit_year.generate_year: rounds, core teams, bank carers, one worsening and
one cramming provider), scaled by the number of clients to at least the rows asked for, and is
sent as twelve monthly Parquet files through visits.visit_import: the path a commissioner's
upload takes (every cell checked, duplicates against the store, client ids pseudonymised).

Each computation runs in its own process, so its peak memory (ru_maxrss) is its own:
- engine: visit_store.connect + kpi_engine.compute_frames (kpis.all_kpis_sql);
- hand-written: one DuckDB query written here over the owner's Parquet files;
- pandas: the Parquet files read into a DataFrame and every KPI computed with pandas/numpy.
Each gives every visit KPI per provider, zone and month; the three are compared figure by
figure (numerator and denominator) and the bench prints, per KPI, whether they agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from rich.console import Console  # noqa: E402

console = Console()

DEFAULT_ROWS = 1_000_000
FULL_ROWS = 7_000_000
KENT = [f"E070001{n:02d}" for n in range(5, 17)]  # the 12 Kent districts
OWNER = "Bench County Council"
PROVIDERS = 9
YEAR_START = dt.date(2025, 4, 1)
SEED = 2027
VISITS_PER_CLIENT = 1_000  # about, over a year; clients = rows / this, then topped up
REPEATS = 2  # each computation runs this many times in its process; the best time is kept
CODES = (
    "punctuality",
    "missed",
    "short_85",
    "short_75",
    "under_30_not_agreed",
    "continuity_carers",
    "continuity_core",
    "ecm_compliance",
    "travel_vs_model",
    "call_cramming",
)
KEYS = ["provider_id", "zone_id", "month"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


# --- the county (main process, Django) --------------------------------------------------------


def county() -> tuple[object, list[dict], dict[str, float], dict[str, tuple[float, float]]]:
    """The owner, its zones and providers: (owner, plans for the generator, travel minutes per
    contact hour by band from the pricing defaults, LSOA centroids)."""
    from tendercare.geography.models import Lsoa, Place
    from tendercare.organisations.models import Organisation
    from tendercare.organisations.queries import organisation_by_name
    from tendercare.organisations.services import organisation_create
    from tendercare.performance.models import Zone
    from tendercare.performance.status import zone_create
    from tendercare.pricing import defaults

    owner = organisation_by_name(OWNER) or organisation_create(
        name=OWNER, kind=Organisation.Kind.COUNCIL
    )
    providers = []
    for n in range(1, PROVIDERS + 1):
        name = f"Bench Home Care {n} Ltd"
        providers.append(
            organisation_by_name(name)
            or organisation_create(name=name, kind=Organisation.Kind.INDEPENDENT)
        )
    plans = []
    places = Place.objects.filter(code__in=KENT).order_by("code")
    if not places:
        raise RuntimeError("The Kent districts are not loaded: run geography_load first")
    for z, place in enumerate(places):
        lsoas = list(
            Lsoa.objects.filter(place=place).order_by("code").values_list("code", flat=True)
        )
        name = f"{place.name} home care"
        zone = Zone.objects.filter(owner=owner, name=name).first() or zone_create(
            owner=owner, name=name, lsoa_codes=lsoas
        )
        for rank in range(3):
            kind = "worsening" if (z, rank) == (0, 0) else "cramming" if (z, rank) == (1, 1) else ""
            plans.append(
                {
                    "provider": providers[(3 * z + rank) % PROVIDERS].name,
                    "zone": zone.name,
                    "code": f"Z{z:02d}R{rank}",
                    "kind": kind or "punctual",
                    "share": 2.0 if rank == 0 else 1.0,
                    "lsoas": list(zone.lsoa_codes),
                }
            )
    band_minutes = {
        d.band: float(d.value) for d in defaults.BAND_TRAVEL if d.key == "travel_minutes"
    }
    codes = sorted({c for p in plans for c in p["lsoas"]})
    centroids = {
        code: (lat, lon)
        for code, lat, lon in Lsoa.objects.filter(
            code__in=codes, latitude__isnull=False, longitude__isnull=False
        ).values_list("code", "latitude", "longitude")
    }
    return owner, plans, band_minutes, centroids


# --- workers (each in its own process) --------------------------------------------------------


def work_generate(spec: dict) -> dict:
    """A year of visits for the plans, at least spec['rows'] of them, written as one Parquet
    file per month (the provider's files) into spec['folder']."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from tendercare.demo.visit_year import ProviderZone

    plans = [ProviderZone(**{**p, "lsoas": tuple(p["lsoas"])}) for p in spec["plans"]]
    began = time.perf_counter()
    clients = max(1, math.ceil(spec["rows"] / VISITS_PER_CLIENT))
    table, skipped = _year(plans, clients)
    while table.num_rows < spec["rows"]:
        clients = math.ceil(clients * spec["rows"] / table.num_rows * 1.01)
        table, skipped = _year(plans, clients)
    generated = time.perf_counter() - began
    month_of = pc.strftime(table["planned_start"], format="%Y-%m")
    files = []
    for label in sorted(set(month_of.to_pylist())):
        path = Path(spec["folder"]) / f"bench-ecm-{label}.parquet"
        pq.write_table(table.filter(pc.equal(month_of, label)), path)
        files.append(str(path))
    return {
        "rows": table.num_rows,
        "clients": clients,
        "generate_seconds": generated,
        "files": files,
        "bytes": sum(Path(f).stat().st_size for f in files),
        "skipped_hour": skipped,
    }


def _skipped_hours(first: dt.date, last: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """01:00 to 02:00 on the last Sunday of March: the hour no UK clock shows."""
    hours = []
    for year in range(first.year, last.year + 1):
        day = dt.date(year, 3, 31)
        day -= dt.timedelta(days=(day.weekday() + 1) % 7)
        hours.append((dt.datetime(year, 3, day.day, 1), dt.datetime(year, 3, day.day, 2)))
    return hours


def _year(plans, clients: int):
    """generate_year's table without the few visits that have a wall-clock time in the hour
    the clocks skip in March (late bed visits of a very late round, at county scale): no ECM
    system records such a time, and the import rightly refuses a visit whose end, read at
    fold=0, falls before its start. Returns (table, how many were left out)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from tendercare.demo.visit_year import generate_year

    table = generate_year(plans, start=YEAR_START, months=12, clients=clients, seed=SEED)
    end = YEAR_START.replace(year=YEAR_START.year + 1)
    bad = pa.array([False] * table.num_rows)
    for low, high in _skipped_hours(YEAR_START, end):
        for column in ("planned_start", "planned_end", "actual_start", "actual_end"):
            values = table[column]
            inside = pc.and_(
                pc.greater_equal(values, pa.scalar(low, values.type)),
                pc.less(values, pa.scalar(high, values.type)),
            )
            bad = pc.or_(bad, pc.fill_null(inside, False))
    skipped = pc.sum(bad).as_py() or 0
    table = table.filter(pc.invert(bad)) if skipped else table
    if "second_carer_id" not in table.column_names:
        table = _with_second_carers(table)
    return table, skipped


def _with_second_carers(table):
    """A second carer for each double-up, until generate_year writes one: the next member of
    the lead carer's round team ('Z00R0-K4' -> 'Z00R0-K5', 'Z00R0-K5' -> 'Z00R0-K3', teams of
    TEAM), who is not working that round that day; a bank carer ('-K10000' and up) is
    partnered by a bank carer of his own ('-K10000B'). So double-ups are worked by pairs,
    and an honest provider's second carers do not overlap their own visits."""
    import numpy as np
    import pyarrow as pa

    from tendercare.demo.visit_year import TEAM

    carers = table["carer_id"].to_numpy(zero_copy_only=False).astype(str)
    prefix, _, number = np.char.rpartition(carers, "-K").T
    number = number.astype(np.int64)
    mate = (number // TEAM) * TEAM + (number % TEAM + 1) % TEAM
    second = np.where(
        number < 10_000,
        np.char.add(np.char.add(prefix, "-K"), mate.astype(str)),
        np.char.add(carers, "B"),
    )
    double = table["double_up"].to_numpy(zero_copy_only=False).astype(bool)
    column = pa.array(second.astype(object), pa.string(), mask=~double)
    return table.append_column("second_carer_id", column)


def _django() -> None:
    import django

    django.setup()


def work_ingest(spec: dict) -> dict:
    """The monthly files through visits.visit_import, one after another, as a commissioner's
    uploads would be."""
    _django()
    from tendercare.organisations.models import Organisation
    from tendercare.performance import visits
    from tendercare.performance.models import VisitImport

    owner = Organisation.objects.get(pk=spec["owner_id"])
    start_mb = peak_mb()
    rows, seconds, per_file = 0, 0.0, []
    for name in spec["files"]:
        began = time.perf_counter()
        vi = visits.visit_import(file=Path(name), filename=Path(name).name, owner=owner, by=None)
        took = time.perf_counter() - began
        if vi.status != VisitImport.Status.DONE:
            raise RuntimeError(f"{name} did not import: {vi.message} {vi.errors[:5]}")
        rows += vi.rows
        seconds += took
        per_file.append((Path(name).name, vi.rows, took))
    return {
        "rows": rows,
        "seconds": seconds,
        "per_file": per_file,
        "start_mb": start_mb,
        "peak_mb": peak_mb(),
    }


def _long(wide, month_as_text) -> object:
    """Wide (n_<code>, d_<code>) to long rows, zero denominators left out."""
    import pandas as pd

    parts = []
    for code in CODES:
        part = pd.DataFrame(
            {
                "provider_id": wide["provider_id"].astype("int64"),
                "zone_id": wide["zone_id"].astype("int64"),
                "month": month_as_text(wide["month"]),
                "code": code,
                "numerator": wide[f"n_{code}"].astype("float64"),
                "denominator": wide[f"d_{code}"].astype("float64"),
            }
        )
        parts.append(part[part["denominator"] > 0])
    return pd.concat(parts, ignore_index=True)


def _text_month(column):
    import pandas as pd

    return pd.to_datetime(column).dt.strftime("%Y-%m").astype(str)


def _timed(spec: dict, compute) -> tuple[dict, object]:
    start_mb = peak_mb()
    times, result = [], None
    for _ in range(spec.get("repeats", REPEATS)):
        result = None
        began = time.perf_counter()
        result = compute()
        times.append(time.perf_counter() - began)
    return {"seconds": min(times), "times": times, "start_mb": start_mb, "peak_mb": peak_mb()}, (
        result
    )


def work_engine(spec: dict) -> dict:
    """The KPI engine for the owner's whole year, as the engine itself runs it."""
    _django()
    import pandas as pd

    from tendercare.performance import kpi_engine, visit_store

    centroids = {k: tuple(v) for k, v in spec["centroids"].items()}

    def compute():
        con = visit_store.connect([spec["owner_id"]])
        try:
            return kpi_engine.compute_frames(
                con, band_minutes=spec["band_minutes"], centroids=centroids
            )
        finally:
            con.close()

    figures, frames = _timed(spec, compute)
    parts = []
    for code, frame in frames.items():
        parts.append(
            pd.DataFrame(
                {
                    "provider_id": frame["provider_id"].astype("int64"),
                    "zone_id": frame["zone_id"].astype("int64"),
                    "month": _text_month(frame["month"]),
                    "code": code,
                    "numerator": frame["numerator"].astype("float64"),
                    "denominator": frame["denominator"].astype("float64"),
                }
            )
        )
    pd.concat(parts, ignore_index=True).to_parquet(spec["out"])
    return figures


# The same KPIs written by hand as one query (docs/monitoring.md, "The KPIs"), from the
# definitions rather than from kpis.py: the month is the store's hive partition (by contract the
# UK month of planned_start), the day and 23:00 cutoff are the stored planned_day and day_cutoff,
# the core team is a range join of daily counts against each month's 90 days, and a double-up
# crammed in either carer's sequence is counted once with count(DISTINCT visit_id).
HANDWRITTEN = """
WITH v AS NOT MATERIALIZED (
  SELECT provider_id, zone_id, month, planned_day AS day, last_day(planned_day) AS month_end,
         visit_id, client_key, carer_id, second_carer_id, lsoa, band, planned_start,
         actual_start, actual_end, day_cutoff, double_up, time_critical, agreed_short,
         verified_by, travel_minutes_paid,
         (epoch(planned_end) - epoch(planned_start)) / 60.0 AS pm,
         (epoch(actual_end) - epoch(actual_start)) / 60.0 AS am,
         (epoch(actual_start) - epoch(planned_start)) / 60.0 AS delay
  FROM read_parquet({files}, hive_partitioning = true, hive_types = {{'month': VARCHAR}})
),
started_after_next AS (
  SELECT DISTINCT provider_id, client_key, planned_start, actual_start FROM (
    SELECT provider_id, client_key, planned_start, actual_start,
           min(planned_start) OVER (PARTITION BY provider_id, client_key ORDER BY planned_start
                                    GROUPS BETWEEN 1 FOLLOWING AND 1 FOLLOWING) AS next_start
    FROM v
  ) WHERE actual_start >= next_start
),
carers AS (
  SELECT provider_id, zone_id, month, day, month_end, client_key, carer_id AS carer
  FROM v WHERE actual_start IS NOT NULL
  UNION ALL
  SELECT provider_id, zone_id, month, day, month_end, client_key, second_carer_id
  FROM v WHERE actual_start IS NOT NULL AND second_carer_id IS NOT NULL
),
continuity AS (
  SELECT provider_id, zone_id, month,
         count(DISTINCT (client_key, carer)) FILTER (WHERE day > month_end - 28)
           AS n_continuity_carers,
         count(DISTINCT client_key) FILTER (WHERE day > month_end - 28) AS d_continuity_carers
  FROM carers GROUP BY ALL
),
daily AS (
  SELECT provider_id, client_key, carer, day, count(*) AS n FROM carers GROUP BY ALL
),
month_ends AS (SELECT DISTINCT month, month_end FROM carers),
core AS (
  SELECT provider_id, client_key, month, list(carer) AS team FROM (
    SELECT d.provider_id, d.client_key, m.month, d.carer, sum(d.n) AS n
    FROM daily d JOIN month_ends m ON d.day BETWEEN m.month_end - 89 AND m.month_end
    GROUP BY d.provider_id, d.client_key, m.month, d.carer
    QUALIFY row_number() OVER (PARTITION BY d.provider_id, d.client_key, m.month
                               ORDER BY sum(d.n) DESC, d.carer) <= 3
  ) GROUP BY ALL
),
seq AS (
  SELECT provider_id, zone_id, month, visit_id, role, has_second, actual_start, lsoa,
         lag(actual_end) OVER w AS prev_end, lag(lsoa) OVER w AS prev_lsoa
  FROM (
    SELECT provider_id, zone_id, month, visit_id, 1 AS role,
           second_carer_id IS NOT NULL AS has_second, carer_id AS carer, actual_start,
           actual_end, lsoa
    FROM v WHERE actual_start IS NOT NULL
    UNION ALL
    SELECT provider_id, zone_id, month, visit_id, 2, TRUE, second_carer_id, actual_start,
           actual_end, lsoa
    FROM v WHERE actual_start IS NOT NULL AND second_carer_id IS NOT NULL
  )
  WINDOW w AS (PARTITION BY provider_id, carer ORDER BY actual_start, actual_end, visit_id, role)
),
cr AS (
  SELECT s.*, s.prev_end IS NOT NULL AND (
           (epoch(s.actual_start) - epoch(s.prev_end)) / 60.0 < -5
           OR (c1.lat IS NOT NULL AND c2.lat IS NOT NULL AND s.prev_lsoa <> s.lsoa
               AND (epoch(s.actual_start) - epoch(s.prev_end)) / 60.0 < 2.0 * 3958.8 * 2
                   * asin(sqrt(power(sin(radians(c2.lat - c1.lat) / 2), 2)
                      + cos(radians(c1.lat)) * cos(radians(c2.lat))
                        * power(sin(radians(c2.lon - c1.lon) / 2), 2))))) AS c
  FROM seq s
  LEFT JOIN centroids c1 ON c1.lsoa = s.prev_lsoa
  LEFT JOIN centroids c2 ON c2.lsoa = s.lsoa
),
crammed AS (
  SELECT provider_id, zone_id, month,
         count(*) FILTER (WHERE c AND NOT has_second) AS n_single,
         count(*) FILTER (WHERE role = 1) AS d_call_cramming
  FROM cr GROUP BY ALL
),
crammed_doubles AS (
  SELECT provider_id, zone_id, month, count(DISTINCT visit_id) AS n_double
  FROM cr WHERE c AND has_second GROUP BY ALL
),
judged AS (
  SELECT v.*, bt.minutes AS bt,
         coalesce(list_contains(core.team, v.carer_id)
                  OR list_contains(core.team, v.second_carer_id), FALSE) AS by_core,
         CASE WHEN v.actual_start IS NULL OR a.provider_id IS NOT NULL THEN TRUE
              WHEN v.actual_start < v.day_cutoff THEN FALSE
              WHEN v.planned_start < v.day_cutoff THEN TRUE
              ELSE v.actual_start >= timezone('UTC', timezone('Europe/London',
                                     CAST(v.day + 1 AS TIMESTAMP) + INTERVAL 23 HOUR))
         END AS missed
  FROM v
  LEFT JOIN started_after_next a
    ON a.provider_id = v.provider_id AND a.client_key = v.client_key
   AND a.planned_start = v.planned_start AND a.actual_start = v.actual_start
  LEFT JOIN core ON core.provider_id = v.provider_id AND core.client_key = v.client_key
                AND core.month = v.month
  LEFT JOIN band_travel bt ON bt.band = v.band
),
visit_kpis AS (
  SELECT provider_id, zone_id, month,
    count(*) FILTER (WHERE NOT missed
                     AND abs(delay) <= CASE WHEN time_critical THEN 30 ELSE 15 END)
      AS n_punctuality,
    count(*) FILTER (WHERE NOT missed) AS d_punctuality,
    count(*) FILTER (WHERE missed) AS n_missed,
    count(*) AS d_missed,
    count(*) FILTER (WHERE NOT missed AND actual_end IS NOT NULL AND pm > 0
                     AND am < 0.85 * pm) AS n_short_85,
    count(*) FILTER (WHERE NOT missed AND actual_end IS NOT NULL AND pm > 0) AS d_short_85,
    count(*) FILTER (WHERE NOT missed AND actual_end IS NOT NULL AND pm > 0
                     AND am < 0.75 * pm) AS n_short_75,
    count(*) FILTER (WHERE NOT missed AND actual_end IS NOT NULL AND pm > 0) AS d_short_75,
    count(*) FILTER (WHERE pm < 30 AND NOT agreed_short) AS n_under_30_not_agreed,
    count(*) AS d_under_30_not_agreed,
    count(*) FILTER (WHERE NOT missed AND by_core) AS n_continuity_core,
    count(*) FILTER (WHERE NOT missed) AS d_continuity_core,
    count(*) FILTER (WHERE NOT missed AND verified_by = 'ecm') AS n_ecm_compliance,
    count(*) FILTER (WHERE NOT missed) AS d_ecm_compliance,
    coalesce(sum(travel_minutes_paid) FILTER (WHERE am > 0 AND bt IS NOT NULL), 0)
      AS n_travel_vs_model,
    coalesce(sum(am / 60.0 * CASE WHEN double_up THEN 2 ELSE 1 END * bt)
             FILTER (WHERE am > 0 AND bt IS NOT NULL), 0) AS d_travel_vs_model
  FROM judged GROUP BY ALL
)
SELECT k.*,
       coalesce(o.n_continuity_carers, 0) AS n_continuity_carers,
       coalesce(o.d_continuity_carers, 0) AS d_continuity_carers,
       coalesce(c.n_single, 0) + coalesce(cd.n_double, 0) AS n_call_cramming,
       coalesce(c.d_call_cramming, 0) AS d_call_cramming
FROM visit_kpis k
LEFT JOIN continuity o USING (provider_id, zone_id, month)
LEFT JOIN crammed c USING (provider_id, zone_id, month)
LEFT JOIN crammed_doubles cd USING (provider_id, zone_id, month)
"""


def _store_files(spec: dict) -> list[str]:
    folder = Path(spec["store"]) / f"owner={int(spec['owner_id'])}"
    return sorted(str(p) for p in folder.glob("month=*/part-*.parquet"))


def work_handwritten(spec: dict) -> dict:
    import duckdb
    import pyarrow as pa

    files = _store_files(spec)
    listed = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    sql = HANDWRITTEN.format(files=listed)
    bands = pa.table(
        {
            "band": list(spec["band_minutes"]),
            "minutes": [float(v) for v in spec["band_minutes"].values()],
        }
    )
    codes = sorted(spec["centroids"])
    points = pa.table(
        {
            "lsoa": codes,
            "lat": [float(spec["centroids"][c][0]) for c in codes],
            "lon": [float(spec["centroids"][c][1]) for c in codes],
        }
    )

    def compute():
        con = duckdb.connect()
        try:
            con.register("band_travel", bands)
            con.register("centroids", points)
            return con.execute(sql).df()
        finally:
            con.close()

    figures, wide = _timed(spec, compute)
    _long(wide, lambda m: m.astype(str)).to_parquet(spec["out"])
    return figures


# The least any DuckDB engine must do for these KPIs, more generous than a correct one: "missed"
# needs each client's visits in planned order (the next planned visit) and "call cramming" each
# carer's visits in actual order (the previous visit). Here the two orderings alone, partitioned
# by an integer hash (a collision would mix two clients; fine for a floor, not for figures),
# without the tie-breaks, joins and aggregates the KPIs need.
FLOOR = """
WITH v AS NOT MATERIALIZED (
  SELECT provider_id, client_key, carer_id, planned_start, actual_start, actual_end
  FROM read_parquet({files})
),
next_planned AS (
  SELECT count(*) AS n FROM (
    SELECT actual_start, lead(planned_start) OVER (
             PARTITION BY hash(provider_id, client_key) ORDER BY planned_start) AS next_start
    FROM v
  ) WHERE actual_start >= next_start
),
previous_visit AS (
  SELECT count(*) AS n FROM (
    SELECT actual_start, lag(actual_end) OVER (
             PARTITION BY hash(provider_id, carer_id) ORDER BY actual_start) AS prev_end
    FROM v WHERE actual_start IS NOT NULL
  ) WHERE prev_end > actual_start
)
SELECT next_planned.n, previous_visit.n FROM next_planned, previous_visit
"""


# The same two orderings as the KPIs' definitions need them: exact keys (a payment cannot rest
# on a hash that might mix two clients) and the tie-break by visit id.
FLOOR_EXACT = """
WITH v AS NOT MATERIALIZED (
  SELECT provider_id, client_key, carer_id, visit_id, planned_start, actual_start, actual_end
  FROM read_parquet({files})
),
next_planned AS (
  SELECT count(*) AS n FROM (
    SELECT actual_start, min(planned_start) OVER (
             PARTITION BY provider_id, client_key ORDER BY planned_start
             GROUPS BETWEEN 1 FOLLOWING AND 1 FOLLOWING) AS next_start
    FROM v
  ) WHERE actual_start >= next_start
),
previous_visit AS (
  SELECT count(*) AS n FROM (
    SELECT actual_start, lag(actual_end) OVER (
             PARTITION BY provider_id, carer_id ORDER BY actual_start, actual_end, visit_id)
             AS prev_end
    FROM v WHERE actual_start IS NOT NULL
  ) WHERE prev_end > actual_start
)
SELECT next_planned.n, previous_visit.n FROM next_planned, previous_visit
"""


def work_floor(spec: dict) -> dict:
    """Two floors, each timed like the computations: the DuckDB orderings above (the least a
    DuckDB engine must do), and reading the owner's Parquet files into pandas as pandas_kpis
    does (the part of the pandas method before any KPI is computed)."""
    import duckdb
    import pyarrow.parquet as pq

    files = _store_files(spec)
    listed = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"

    def run(sql):
        con = duckdb.connect()
        try:
            return con.execute(sql.format(files=listed)).fetchall()
        finally:
            con.close()

    def load():
        folder = str(Path(spec["store"]) / f"owner={int(spec['owner_id'])}")
        table = pq.read_table(folder, columns=PANDAS_COLUMNS, partitioning="hive")
        return len(table.to_pandas(strings_to_categorical=True))

    duck, _ = _timed(spec, lambda: run(FLOOR))
    exact, _ = _timed(spec, lambda: run(FLOOR_EXACT))
    pandas_load, _ = _timed(spec, load)
    return {"duckdb": duck, "exact": exact, "pandas_load": pandas_load}


PANDAS_COLUMNS = [
    "provider_id",
    "zone_id",
    "client_key",
    "carer_id",
    "second_carer_id",
    "lsoa",
    "band",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "planned_day",
    "day_cutoff",
    "double_up",
    "time_critical",
    "agreed_short",
    "travel_minutes_paid",
    "verified_by",
    "month",
    "visit_id",
]


def pandas_kpis(folder: str, band_minutes: dict, centroids: dict):
    """Every visit KPI per provider, zone and month, directly in pandas and numpy (whole-column
    operations, sorts and group-bys; no Python loop over visits)."""
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    table = pq.read_table(folder, columns=PANDAS_COLUMNS, partitioning="hive")
    visit_ids = table["visit_id"]  # only the few tied visits in cramming need it
    # Days since 1970 straight from Arrow (a DATE column would become Python date objects).
    day = table["planned_day"].cast("int32").to_numpy().astype("datetime64[D]")
    df = table.drop_columns(["visit_id", "planned_day"]).to_pandas(strings_to_categorical=True)
    del table
    # Category codes in string order, so that sorting by code is sorting by id (ties in the
    # core team go to the lower carer id, as in the definition). Lead and second carers share
    # one set of codes.
    for name in ("client_key", "lsoa", "band", "month"):
        cat = df[name].astype("category").cat
        df[name] = cat.reorder_categories(sorted(cat.categories))
    names = sorted(
        set(df["carer_id"].astype("category").cat.categories)
        | set(df["second_carer_id"].astype("category").cat.categories)
    )
    carer = df["carer_id"].astype("category").cat.set_categories(names).cat.codes.to_numpy()
    second = df["second_carer_id"].astype("category").cat.set_categories(names).cat.codes.to_numpy()
    carer, second = carer.astype("int64"), second.astype("int64")  # -1: no second carer
    minutes = 60_000_000_000.0  # nanoseconds in a minute
    n = len(df)

    def ns(name):
        return df[name].to_numpy("datetime64[ns]")

    ps, pe, start, end, cutoff = (
        ns(c) for c in ("planned_start", "planned_end", "actual_start", "actual_end", "day_cutoff")
    )
    month_end = (day.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    started = ~np.isnat(start)
    pm = (pe - ps).astype("float64") / minutes
    am = np.where(started & ~np.isnat(end), (end - start).astype("float64") / minutes, np.nan)
    delay = np.where(started, (start - ps).astype("float64") / minutes, np.nan)

    provider = pd.factorize(df["provider_id"])[0].astype("int64")
    client = df["client_key"].cat.codes.to_numpy().astype("int64")
    n_client, n_carer = client.max() + 1, len(names) + 1

    # Missed: no actual start, or one at or after the deadline: the next later planned start
    # of the client with the provider (searchsorted on the sorted (client, start) keys), or
    # 23:00 of the planned day (of the next day for a visit planned at or after 23:00).
    group = provider * n_client + client
    seconds = ps.astype("datetime64[s]").astype("int64")
    order = np.lexsort((seconds, group))
    keys = (group[order] << 32) | (seconds[order] - seconds.min())
    after = np.searchsorted(keys, keys, side="right")
    inside = after < n
    after_c = np.minimum(after, n - 1)
    inside &= group[order][after_c] == group[order]
    next_start = np.empty(n, "datetime64[ns]")
    next_start[order] = np.where(inside, ps[order][after_c], np.datetime64("NaT"))
    deadline = cutoff.copy()
    late_night = ps >= cutoff
    if late_night.any():
        next_day = pd.DatetimeIndex(
            (day[late_night] + 1).astype("datetime64[ns]") + np.timedelta64(23, "h")
        )
        deadline[late_night] = (
            next_day.tz_localize("Europe/London").tz_convert("UTC").tz_localize(None).to_numpy()
        )
    with np.errstate(invalid="ignore"):
        missed = ~started | (start >= next_start) | (start >= deadline)
    delivered = ~missed
    completed = delivered & ~np.isnan(am) & (pm > 0)

    critical = df["time_critical"].to_numpy(bool)
    bt = np.array([band_minutes.get(b, np.nan) for b in df["band"].cat.categories], float)
    bt = np.where(df["band"].cat.codes.to_numpy() >= 0, bt[df["band"].cat.codes.to_numpy()], np.nan)
    in_travel = (np.nan_to_num(am) > 0) & ~np.isnan(bt)
    carers = np.where(df["double_up"].to_numpy(bool), 2, 1)

    months = df["month"].cat
    month_no = np.array([int(m[:4]) * 12 + int(m[5:7]) for m in months.categories])
    mno = month_no[months.codes.to_numpy()]
    zone = df["zone_id"].to_numpy().astype("int64")

    # Every carer there (lead, and second of a double-up) on every visit with an actual start.
    two = started & (second >= 0)
    rows = np.r_[np.flatnonzero(started), np.flatnonzero(two)]
    who = np.r_[carer[started], second[two]]
    p_r, c_r, m_r, d_r = provider[rows], client[rows], mno[rows], day[rows]

    # Continuity: distinct carers per client in the month's last 28 days.
    last28 = d_r > month_end[rows] - 28
    seen = pd.DataFrame({"p": p_r, "z": zone[rows], "m": m_r, "c": c_r, "k": who})[
        last28
    ].drop_duplicates()
    pairs = seen.groupby(["p", "z", "m"]).size()
    clients = seen[["p", "z", "m", "c"]].drop_duplicates().groupby(["p", "z", "m"]).size()

    # Core team: daily counts per (provider, client, carer), each day added to the months whose
    # 90 days (ending on the month's last day) hold it; the top three per client and month.
    daily = (
        pd.DataFrame({"p": p_r, "c": c_r, "k": who, "d": d_r.astype("int64"), "m": m_r})
        .groupby(["p", "c", "k", "d", "m"], sort=False)
        .size()
        .rename("n")
        .reset_index()
    )

    def last_day_of(month_numbers):  # year * 12 + month -> the month's last day, in days
        since_1970 = (month_numbers - 1 - 1970 * 12).astype("datetime64[M]")
        return (since_1970 + 1).astype("datetime64[D]").astype("int64") - 1

    parts = []
    for k in range(4):
        target = daily["m"].to_numpy() + k
        keep = daily["d"].to_numpy() >= last_day_of(target) - 89
        parts.append(daily[keep].assign(m=target[keep]))
    team = (
        pd.concat(parts)
        .groupby(["p", "c", "m", "k"], sort=False)["n"]
        .sum()
        .reset_index()
        .sort_values(["p", "c", "m", "n", "k"], ascending=[True, True, True, False, True])
    )
    team = team[team.groupby(["p", "c", "m"], sort=False).cumcount() < 3]

    def key(p, c, m, k):
        return ((p * n_client + c) * 10_000 + m) * n_carer + k

    core_keys = key(*(team[c].to_numpy() for c in ("p", "c", "m", "k")))
    core = np.isin(key(provider, client, mno, carer), core_keys) | (
        (second >= 0) & np.isin(key(provider, client, mno, second), core_keys)
    )

    # Cramming: each carer's sequence (lead and second carers) by actual start, actual end,
    # visit id and role; each row against the one before; a visit crammed if any of its rows is.
    lsoa = df["lsoa"].cat.codes.to_numpy()
    lat_of = np.array([centroids.get(c, (np.nan, np.nan))[0] for c in df["lsoa"].cat.categories])
    lon_of = np.array([centroids.get(c, (np.nan, np.nan))[1] for c in df["lsoa"].cat.categories])
    role = np.r_[np.zeros(started.sum(), "int64"), np.ones(two.sum(), "int64")]
    a_r, e_r = start[rows].astype("int64"), end[rows].astype("int64")
    seq = np.lexsort((role, e_r, a_r, who, p_r))
    sp, sk, sa, se = p_r[seq], who[seq], a_r[seq], e_r[seq]
    tie = np.r_[False, (sp[1:] == sp[:-1]) & (sk[1:] == sk[:-1]) & (sa[1:] == sa[:-1])]
    tie &= np.r_[False, se[1:] == se[:-1]]
    if tie.any():  # visits of one carer with the same start and end: by visit id, then role
        run_id = np.cumsum(~tie)
        involved = np.flatnonzero(np.isin(run_id, np.unique(run_id[tie])))
        cuts = np.flatnonzero(np.diff(run_id[involved])) + 1
        for members in np.split(involved, cuts):
            ids = visit_ids.take(rows[seq[members]]).to_pylist()
            members_sorted = members[
                sorted(range(len(members)), key=lambda i: (ids[i], role[seq[members[i]]]))
            ]
            seq[members] = seq[members_sorted]
    srow, sk = rows[seq], who[seq]
    sp = p_r[seq]
    same = np.r_[False, (sp[1:] == sp[:-1]) & (sk[1:] == sk[:-1])]
    prev_end = np.r_[np.datetime64("NaT", "ns"), end[srow][:-1]]
    prev_end = np.where(same, prev_end, np.datetime64("NaT", "ns"))
    prev_lsoa = np.where(same, np.r_[-1, lsoa[srow][:-1]], -1)
    gap = (start[srow] - prev_end).astype("float64") / minutes
    here = lsoa[srow]
    lat1 = np.where(prev_lsoa >= 0, lat_of[prev_lsoa], np.nan)
    lon1 = np.where(prev_lsoa >= 0, lon_of[prev_lsoa], np.nan)
    lat2 = np.where(here >= 0, lat_of[here], np.nan)
    lon2 = np.where(here >= 0, lon_of[here], np.nan)
    with np.errstate(invalid="ignore"):
        miles = (
            3958.8
            * 2
            * np.arcsin(
                np.sqrt(
                    np.power(np.sin(np.radians(lat2 - lat1) / 2), 2)
                    + np.cos(np.radians(lat1))
                    * np.cos(np.radians(lat2))
                    * np.power(np.sin(np.radians(lon2 - lon1) / 2), 2)
                )
            )
        )
        far = ~np.isnan(lat1) & ~np.isnan(lat2) & (prev_lsoa != here) & (gap < 2.0 * miles)
        crammed_sorted = ~np.isnat(prev_end) & ((gap < -5) | far)
    crammed = np.zeros(n, bool)
    crammed[srow[crammed_sorted]] = True

    with np.errstate(invalid="ignore"):
        flags = pd.DataFrame(
            {
                "provider_id": df["provider_id"],
                "zone_id": df["zone_id"],
                "month": df["month"],
                "n_punctuality": delivered & (np.abs(delay) <= np.where(critical, 30, 15)),
                "d_punctuality": delivered,
                "n_missed": missed,
                "d_missed": 1,
                "n_short_85": completed & (am < 0.85 * pm),
                "d_short_85": completed,
                "n_short_75": completed & (am < 0.75 * pm),
                "d_short_75": completed,
                "n_under_30_not_agreed": (pm < 30) & ~df["agreed_short"].to_numpy(bool),
                "d_under_30_not_agreed": 1,
                "n_continuity_core": delivered & core,
                "d_continuity_core": delivered,
                "n_ecm_compliance": delivered & (df["verified_by"] == "ecm").to_numpy(bool),
                "d_ecm_compliance": delivered,
                "n_travel_vs_model": np.where(in_travel, df["travel_minutes_paid"], 0.0),
                "d_travel_vs_model": np.where(in_travel, am / 60.0 * carers * bt, 0.0),
                "n_call_cramming": crammed,
                "d_call_cramming": started,
            }
        )
    wide = flags.groupby(KEYS, observed=True, sort=False).sum().reset_index()
    codes = pd.factorize(df["provider_id"])[1]
    label = pd.DataFrame({"p": np.arange(len(codes)), "provider_id": codes})
    month_label = pd.DataFrame({"m": month_no, "month": list(months.categories)})
    counts = (
        pd.DataFrame({"n_continuity_carers": pairs, "d_continuity_carers": clients})
        .reset_index()
        .merge(label, on="p")
        .merge(month_label, on="m")
        .rename(columns={"z": "zone_id"})[
            ["provider_id", "zone_id", "month", "n_continuity_carers", "d_continuity_carers"]
        ]
    )
    wide["month"] = wide["month"].astype(str)
    wide["provider_id"] = wide["provider_id"].astype("int64")
    wide["zone_id"] = wide["zone_id"].astype("int64")
    counts["provider_id"] = counts["provider_id"].astype("int64")
    wide = wide.merge(counts, on=KEYS, how="left")
    return wide.fillna({"n_continuity_carers": 0, "d_continuity_carers": 0})


def work_pandas(spec: dict) -> dict:
    folder = str(Path(spec["store"]) / f"owner={int(spec['owner_id'])}")
    centroids = {k: tuple(v) for k, v in spec["centroids"].items()}
    figures, wide = _timed(spec, lambda: pandas_kpis(folder, spec["band_minutes"], centroids))
    _long(wide, lambda m: m.astype(str)).to_parquet(spec["out"])
    return figures


WORKERS = {
    "generate": work_generate,
    "ingest": work_ingest,
    "engine": work_engine,
    "handwritten": work_handwritten,
    "pandas": work_pandas,
    "floor": work_floor,
}


def run_worker(kind: str, spec: dict, scratch: Path) -> dict:
    """Run one worker in a fresh Python process (same settings, database and store)."""
    spec_path = scratch / f"{kind}.json"
    result_path = scratch / f"{kind}.result.json"
    spec_path.write_text(json.dumps(spec))
    subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--worker", kind, str(spec_path), str(result_path)],
        check=True,
        env=os.environ.copy(),
    )
    return json.loads(result_path.read_text())


# --- comparing ---------------------------------------------------------------------------------


TIED = """
SELECT provider_id, zone_id, month, count(*) AS tied FROM (
  SELECT provider_id, zone_id, month,
         count(*) OVER (PARTITION BY provider_id, carer_id, actual_start, actual_end) AS k
  FROM read_parquet({files}, hive_partitioning = true, hive_types = {{'month': VARCHAR}})
  WHERE actual_start IS NOT NULL
) WHERE k > 1 GROUP BY ALL
"""


def tied_visits(store: Path, owner_id: int):
    """Delivered visits per provider, zone and month that share their carer, actual start and
    actual end with another visit: 'the carer's previous visit, by actual start, then actual
    end' does not say which of them comes first, so cramming may count either order."""
    import duckdb

    spec = {"store": str(store), "owner_id": owner_id}
    listed = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in _store_files(spec)) + "]"
    sql = TIED.format(files=listed)
    con = duckdb.connect()
    try:
        return con.execute(sql).df().set_index(KEYS)["tied"]
    finally:
        con.close()


ORDER_DEPENDENT = {"call_cramming"}


def compare(reference, other, tied) -> dict[str, str]:
    """Per KPI: 'agree' when both give the same figures for the same provider, zone and month
    (counts exactly, sums to 1e-9 relative). For cramming, a numerator that differs by no more
    than the figure's tied visits (tied_visits) is reported apart, never as agreeing."""
    import numpy as np

    verdicts = {}
    for code in CODES:
        a = reference[reference["code"] == code].set_index(KEYS)
        b = other[other["code"] == code].set_index(KEYS)
        joined = a.join(b, how="outer", suffixes=("_a", "_b"))
        one_side = int(joined["numerator_a"].isna().sum() + joined["numerator_b"].isna().sum())
        off = np.zeros(len(joined), bool)
        for side in ("numerator", "denominator"):
            x, y = joined[f"{side}_a"].to_numpy(), joined[f"{side}_b"].to_numpy()
            off |= ~np.isclose(x, y, rtol=1e-9, atol=1e-9) & ~np.isnan(x) & ~np.isnan(y)
        explained = np.zeros(len(joined), bool)
        if code in ORDER_DEPENDENT:
            ties = tied.reindex(joined.index).fillna(0).to_numpy()
            gap = np.abs(joined["numerator_a"].to_numpy() - joined["numerator_b"].to_numpy())
            same_d = np.isclose(joined["denominator_a"], joined["denominator_b"])
            explained = off & same_d & (gap <= ties)
        unexplained = int((off & ~explained).sum())
        if one_side or unexplained:
            verdicts[code] = (
                f"differ ({unexplained} figures differ, {one_side} figures only on one side)"
            )
        elif explained.any():
            worst = int(np.nanmax(np.where(explained, gap, 0)))
            verdicts[code] = (
                f"agree except {int(explained.sum())} of {len(joined):,} figures, each off by "
                f"at most its tied visits (largest difference {worst} visit(s); "
                f"{int(tied.sum()):,} tied visits in the year)"
            )
        else:
            verdicts[code] = f"agree ({len(joined):,} figures)"
    return verdicts


# --- the bench ---------------------------------------------------------------------------------


def bench_rows(
    *, rows: int = DEFAULT_ROWS, repeats: int = REPEATS, keep: bool = False
) -> list[tuple[str, str, str]]:
    """The monitoring section of `make bench`: (label, result, detail) rows. Needs Django set up
    with the Kent geography loaded (benchmarks/run.py loads every shipped extract)."""
    import pandas as pd
    from django.conf import settings

    out: list[tuple[str, str, str]] = []

    def line(label: str, result: str, detail: str = "") -> None:
        out.append((label, result, detail))
        console.print(f"{label}: {result} {detail}".rstrip())

    load = os.getloadavg()
    console.print(
        f"Monitoring bench: {rows:,} visits asked for; {os.cpu_count()} cores, load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min)"
    )
    owner, plans, band_minutes, centroids = county()
    scratch = Path(tempfile.mkdtemp(prefix="tendercare-monitoring-bench-"))
    store = Path(settings.VISIT_STORE)
    try:
        made = run_worker(
            "generate", {"plans": plans, "rows": rows, "folder": str(scratch)}, scratch
        )
        line(
            f"monitoring: generate a Kent year, {made['rows']:,} visits ({made['clients']:,} "
            "clients, 12 zones, 9 providers)",
            f"{made['generate_seconds']:.1f} s",
            f"{made['bytes'] / 1e6:,.0f} MB as 12 monthly Parquet files; "
            f"{made['skipped_hour']:,} with a time in the hour the clocks skip left out",
        )
        ingest = run_worker("ingest", {"owner_id": owner.pk, "files": made["files"]}, scratch)
        line(
            f"monitoring: ingest {ingest['rows']:,} visits through visit_import (12 monthly files)",
            f"{ingest['seconds']:.1f} s",
            f"{ingest['rows'] / ingest['seconds']:,.0f} rows/s, peak {ingest['peak_mb']:,.0f} MB",
        )
        for f in made["files"]:
            Path(f).unlink(missing_ok=True)
        common = {
            "owner_id": owner.pk,
            "store": str(store),
            "band_minutes": band_minutes,
            "centroids": centroids,
            "repeats": repeats,
        }
        figures, frames = {}, {}
        for kind, label in (
            ("engine", "KPI engine (compute_frames), whole year"),
            ("handwritten", "same KPIs, one hand-written DuckDB query"),
            ("pandas", "same KPIs, directly in pandas"),
        ):
            target = scratch / f"{kind}.parquet"
            figures[kind] = run_worker(kind, {**common, "out": str(target)}, scratch)
            frames[kind] = pd.read_parquet(target)
            f = figures[kind]
            line(
                f"monitoring: {label}",
                f"{f['seconds']:.2f} s",
                f"{ingest['rows'] / f['seconds']:,.0f} rows/s, best of "
                f"{len(f['times'])} ({', '.join(f'{t:.2f}' for t in f['times'])} s); peak "
                f"{f['peak_mb']:,.0f} MB ({f['start_mb']:,.0f} MB before)",
            )
        tied = tied_visits(store, owner.pk)
        for kind, name in (("handwritten", "hand-written query"), ("pandas", "pandas")):
            verdicts = compare(frames["engine"], frames[kind], tied)
            console.print(f"  engine vs {name}:")
            for code, verdict in verdicts.items():
                console.print(f"    {code}: {verdict}")
            agreed = sum(v.startswith("agree (") for v in verdicts.values())
            tie_only = sum(v.startswith("agree except") for v in verdicts.values())
            line(
                f"monitoring: engine and {name} agree",
                f"{agreed} of {len(verdicts)} KPIs",
                f"{len(frames['engine']):,} engine figures"
                + (f"; {tie_only} agree except at tied visits" if tie_only else ""),
            )
        engine, hand, pandas_ = (figures[k]["seconds"] for k in ("engine", "handwritten", "pandas"))
        line(
            "monitoring: engine / hand-written query",
            f"{engine / hand:.2f}x",
            "aim: within 2x",
        )
        line("monitoring: pandas / engine", f"{pandas_ / engine:.1f}x", "aim: at least 10x")
        # Whether 10x is within reach at all: the least a DuckDB engine must do, and the part of
        # pandas' time spent only reading the visits into pandas.
        floor = run_worker("floor", common, scratch)
        duck, load_ = floor["duckdb"]["seconds"], floor["pandas_load"]["seconds"]
        line(
            "monitoring: floor, the two orderings alone in DuckDB (next planned, previous visit)",
            f"{duck:.2f} s",
            f"best of {len(floor['duckdb']['times'])}; pandas / floor {pandas_ / duck:.1f}x, the "
            "most any DuckDB engine could reach here",
        )
        exact = floor["exact"]["seconds"]
        line(
            "monitoring: the same two orderings as the definitions need them (exact keys, ties)",
            f"{exact:.2f} s",
            f"best of {len(floor['exact']['times'])}; pandas / this {pandas_ / exact:.1f}x",
        )
        line(
            "monitoring: pandas reading the visits into a DataFrame, no KPI yet",
            f"{load_:.2f} s",
            f"{load_ / pandas_:.0%} of the pandas method's time",
        )
        load = os.getloadavg()
        console.print(f"  load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if keep:
            console.print(f"  store kept: {store / f'owner={owner.pk}'} (owner {owner.pk})")
        else:
            shutil.rmtree(store / f"owner={owner.pk}", ignore_errors=True)
    return out


def _standalone() -> None:
    """Run alone: a throwaway database and store, the Kent geography, then the bench."""
    os.environ.setdefault(
        "TENDERCARE_VAR_DIR", tempfile.mkdtemp(prefix="tendercare-monitoring-bench-var-")
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tendercare.settings")
    _django()
    from django.core.management import call_command
    from rich.table import Table

    from tendercare.geography.services import geography_load

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="visits in the year")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs of each computation")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the visit store (set TENDERCARE_VAR_DIR to choose where) to time again",
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    geography_load(lads=KENT)
    rows = bench_rows(rows=args.rows, repeats=args.repeats, keep=args.keep)
    table = Table(title="Tendercare monitoring bench")
    for column in ("job", "time", "rate / status"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        kind, spec_file, result_file = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
        result = WORKERS[kind](json.loads(spec_file.read_text()))
        result_file.write_text(json.dumps(result))
    else:
        _standalone()
