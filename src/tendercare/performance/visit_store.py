# ruff: noqa: S608 - SQL here is built from our own column names, rules and paths; values
# from a file are data in DuckDB tables, query parameters, or quoted literals.
"""The visit store: Parquet files by owner and month, read with DuckDB.

    settings.VISIT_STORE / "owner=<id>" / "month=<YYYY-MM>" / "part-<import id>.parquet"

One row per visit with the columns in SCHEMA (docs/WORKING-IN-PARALLEL.md, THE VISIT STORE
CONTRACT; docs/monitoring.md). Times are naive UTC; the month is the month of planned_start on
a UK clock. Files are written to a staging folder inside the store and then renamed into place,
so a reader never sees half a file, and a failed import leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from django.conf import settings

COLUMNS = (
    ("visit_id", "VARCHAR"),
    ("provider_id", "BIGINT"),
    ("zone_id", "BIGINT"),
    ("client_key", "VARCHAR"),
    ("carer_id", "VARCHAR"),
    ("lsoa", "VARCHAR"),
    ("band", "VARCHAR"),
    ("planned_start", "TIMESTAMP"),
    ("planned_end", "TIMESTAMP"),
    ("actual_start", "TIMESTAMP"),
    ("actual_end", "TIMESTAMP"),
    ("double_up", "BOOLEAN"),
    ("time_critical", "BOOLEAN"),
    ("agreed_short", "BOOLEAN"),
    ("travel_minutes_paid", "DOUBLE"),
    ("travel_miles", "DOUBLE"),
    ("verified_by", "VARCHAR"),
    ("import_id", "BIGINT"),
    ("second_carer_id", "VARCHAR"),
    ("planned_day", "DATE"),
    ("day_cutoff", "TIMESTAMP"),
)
STAGING = ".staging"


def root() -> Path:
    return Path(settings.VISIT_STORE)


def staging_dir(name: str) -> Path:
    folder = root() / STAGING / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def partition_path(owner_id: int, month: str, import_id: int) -> Path:
    return root() / f"owner={int(owner_id)}" / f"month={month}" / f"part-{int(import_id)}.parquet"


def files(owner_ids: Iterable[int] | None = None, *, done_only: bool = True) -> list[Path]:
    """The owners' partition files. Only those of imports whose VisitImport is DONE, unless
    done_only is False: a file left by an import that failed, was withdrawn, or was rolled back
    with the transaction around it is never read and never blocks a re-import."""
    base = root()
    if not base.exists():
        return []
    if owner_ids is None:
        found = sorted(base.glob("owner=*/month=*/part-*.parquet"))
    else:
        found = []
        for owner_id in sorted(set(owner_ids)):
            found += sorted(base.glob(f"owner={int(owner_id)}/month=*/part-*.parquet"))
    if not done_only or not found:
        return found
    from .models import VisitImport

    ids = {import_id_of(path) for path in found}
    done = set(
        VisitImport.objects.filter(pk__in=ids, status=VisitImport.Status.DONE).values_list(
            "pk", flat=True
        )
    )
    return [path for path in found if import_id_of(path) in done]


def import_id_of(path: Path) -> int:
    """part-<import id>.parquet -> the import id."""
    return int(path.stem.removeprefix("part-"))


def _listed(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


EMPTY = "SELECT " + ", ".join(f"NULL::{kind} AS {name}" for name, kind in COLUMNS)


def relation_sql(owner_ids: Iterable[int] | None = None, *, done_only: bool = True) -> str:
    """A SELECT over the store's files (with owner and month from the path), or an empty
    relation of the same columns when there are none."""
    found = files(owner_ids, done_only=done_only)
    if not found:
        return f"SELECT *, NULL::BIGINT AS owner, NULL::VARCHAR AS month FROM ({EMPTY}) WHERE FALSE"
    # The paths are our own, quoted; nothing here comes from a person.
    read = (
        f"read_parquet({_listed(found)}, hive_partitioning = true, "
        "hive_types = {'owner': BIGINT, 'month': VARCHAR}, union_by_name = true)"
    )
    # Columns added to the contract after some files were written (second_carer_id,
    # planned_day, day_cutoff) read as NULL from those files (union_by_name); when no file has
    # them yet, they are added here as NULL so that every reader sees every column.
    con = duckdb.connect()
    try:
        present = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {read}").fetchall()}
    finally:
        con.close()
    missing = "".join(f", NULL::{kind} AS {name}" for name, kind in COLUMNS if name not in present)
    return f"SELECT *{missing} FROM {read}"  # noqa: S608


def connect(
    owner_ids: Iterable[int] | None = None, *, done_only: bool = True
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the view `visits` over the store, limited to the
    given owners (None: every owner) and to the files of DONE imports (see files()). Safe on an
    empty store: the view has no rows."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE VIEW visits AS {relation_sql(owner_ids, done_only=done_only)}")
    return con


def visit_ids_stored(owner_id: int, ids: Iterable[str]) -> dict[str, int]:
    """Which of these visit ids the owner already has: {visit_id: import_id}."""
    wanted = sorted(set(ids))
    if not wanted or not files([owner_id]):
        return {}
    con = connect([owner_id])
    try:
        con.execute("CREATE TEMP TABLE wanted (visit_id VARCHAR)")
        con.executemany("INSERT INTO wanted VALUES (?)", [(i,) for i in wanted])
        rows = con.execute(
            "SELECT v.visit_id, min(v.import_id) FROM visits v "
            "JOIN wanted w USING (visit_id) GROUP BY v.visit_id"
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def write_staged(con, select_sql: str, *, months: list[str], folder: Path) -> dict[str, Path]:
    """COPY each month of `select_sql` (which has a `month` column) to its own file in the
    staging folder. Returns {month: staged file}."""
    names = ", ".join(name for name, _ in COLUMNS)
    staged = {}
    for month in months:
        path = folder / f"{month}.parquet"
        target = str(path).replace("'", "''")
        con.execute(
            f"COPY (SELECT {names} FROM ({select_sql}) WHERE month = '{month}' "  # noqa: S608
            f"ORDER BY planned_start) TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
        )
        staged[month] = path
    return staged


def publish(staged: dict[str, Path], *, owner_id: int, import_id: int) -> list[Path]:
    """Move staged files into their partitions (a rename within the store's file system)."""
    placed = []
    try:
        for month, path in sorted(staged.items()):
            final = partition_path(owner_id, month, import_id)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
            placed.append(final)
    except OSError:
        remove(placed)
        raise
    return placed


def remove(paths: Iterable[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # only when the month is now empty


def discard_staging(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def delete_import(owner_id: int, import_id: int) -> int:
    """Remove every partition file an import wrote; returns how many."""
    found = list(root().glob(f"owner={int(owner_id)}/month=*/part-{int(import_id)}.parquet"))
    remove(found)
    return len(found)


@contextmanager
def owner_lock(owner_id: int) -> Iterator[None]:
    """One import at a time per owner, so two files cannot both pass the duplicate check."""
    folder = root() / STAGING
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"owner-{int(owner_id)}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
