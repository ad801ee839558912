"""Tiny visit stores for the KPI tests, written as Parquet by the store contract
(docs/WORKING-IN-PARALLEL.md, THE VISIT STORE CONTRACT)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC

NEW_COLUMNS = ("second_carer_id", "planned_day", "day_cutoff")
SCHEMA = pa.schema(
    [
        ("visit_id", pa.string()),
        ("provider_id", pa.int64()),
        ("zone_id", pa.int64()),
        ("client_key", pa.string()),
        ("carer_id", pa.string()),
        ("lsoa", pa.string()),
        ("band", pa.string()),
        ("planned_start", pa.timestamp("us")),
        ("planned_end", pa.timestamp("us")),
        ("actual_start", pa.timestamp("us")),
        ("actual_end", pa.timestamp("us")),
        ("double_up", pa.bool_()),
        ("time_critical", pa.bool_()),
        ("agreed_short", pa.bool_()),
        ("travel_minutes_paid", pa.float64()),
        ("travel_miles", pa.float64()),
        ("verified_by", pa.string()),
        ("import_id", pa.int64()),
        ("second_carer_id", pa.string()),
        ("planned_day", pa.date32()),
        ("day_cutoff", pa.timestamp("us")),
    ]
)
# Files written before second_carer_id, planned_day and day_cutoff joined the contract.
OLD_SCHEMA = pa.schema([f for f in SCHEMA if f.name not in NEW_COLUMNS])


def utc(local: str | None) -> dt.datetime | None:
    """'2025-01-31 23:45' on the Europe/London wall clock -> naive UTC. A '+01:00' or '+00:00'
    suffix chooses the side of an ambiguous autumn hour."""
    if local is None:
        return None
    if local.endswith(("+01:00", "+00:00")):
        aware = dt.datetime.fromisoformat(local)
    else:
        aware = dt.datetime.fromisoformat(local).replace(tzinfo=LONDON)
    return aware.astimezone(UTC).replace(tzinfo=None)


def visit(
    visit_id: str,
    planned: str,
    minutes: int,
    actual: str | None = None,
    actual_minutes: int | None = None,
    *,
    actual_end: str | None = None,
    planned_end: str | None = None,
    provider_id: int = 1,
    zone_id: int = 10,
    client: str = "c1",
    carer: str = "k1",
    second_carer: str | None = None,
    lsoa: str = "",
    band: str = "urban",
    double_up: bool = False,
    time_critical: bool = False,
    agreed_short: bool = False,
    travel: float = 0.0,
    verified_by: str = "ecm",
) -> dict:
    start = utc(planned)
    end = utc(planned_end) if planned_end else start + dt.timedelta(minutes=minutes)
    a_start = utc(actual)
    if actual_end:
        a_end = utc(actual_end)
    elif a_start is not None:
        a_end = a_start + dt.timedelta(
            minutes=minutes if actual_minutes is None else actual_minutes
        )
    else:
        a_end = None
    return {
        "visit_id": visit_id,
        "provider_id": provider_id,
        "zone_id": zone_id,
        "client_key": client,
        "carer_id": carer,
        "lsoa": lsoa,
        "band": band,
        "planned_start": start,
        "planned_end": end,
        "actual_start": a_start,
        "actual_end": a_end,
        "double_up": double_up,
        "time_critical": time_critical,
        "agreed_short": agreed_short,
        "travel_minutes_paid": travel,
        "travel_miles": 0.0,
        "verified_by": verified_by,
        "import_id": 1,
        "second_carer_id": second_carer,
        "planned_day": planned_day(start),
        "day_cutoff": day_cutoff(start),
    }


def planned_day(start: dt.datetime) -> dt.date:
    """The UK day of a naive UTC time, worked out with zoneinfo (not the code under test)."""
    return start.replace(tzinfo=UTC).astimezone(LONDON).date()


def day_cutoff(start: dt.datetime) -> dt.datetime:
    """23:00 UK time on the visit's UK day, as naive UTC."""
    cutoff = dt.datetime.combine(planned_day(start), dt.time(23), tzinfo=LONDON)
    return cutoff.astimezone(UTC).replace(tzinfo=None)


def write_store(
    root: Path, rows: list[dict], *, owner_id: int = 1, import_id: int = 1, old: bool = False
) -> None:
    """Partition by the month of planned start in Europe/London, as ingestion does. `old`
    writes files without the columns added in the second pass."""
    by_month: dict[str, list[dict]] = {}
    for row in rows:
        local = row["planned_start"].replace(tzinfo=UTC).astimezone(LONDON)
        by_month.setdefault(f"{local:%Y-%m}", []).append(row)
    for month, month_rows in by_month.items():
        folder = root / f"owner={owner_id}" / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        if old:
            month_rows = [{k: v for k, v in r.items() if k not in NEW_COLUMNS} for r in month_rows]
        table = pa.Table.from_pylist(month_rows, schema=OLD_SCHEMA if old else SCHEMA)
        pq.write_table(table, folder / f"part-{import_id}.parquet")


def connect(root: Path):
    con = duckdb.connect()
    con.execute(
        f"CREATE VIEW visits AS SELECT * FROM read_parquet('{root}/owner=*/month=*/*.parquet', "  # noqa: S608
        "hive_partitioning = true)"
    )
    return con
