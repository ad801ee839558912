# ruff: noqa: S608 - SQL here is built from our own column names, rules and paths; values
# from a file are data in DuckDB tables, query parameters, or quoted literals.
"""Visit files in, and the visits a person may see.

    vi = visit_import(file=f, filename="march.csv", owner=org, by=user, progress=cb)  # CLI
    vi = visit_import_queue(file=f, filename="march.csv", owner=org, by=user)  # page + worker
    page = visits_page(user, month="2025-10", zone_id=3, page=2)

An import reads the whole file into one table of text and checks it in DuckDB with the rules
in visit_rows.py, so a file of millions of rows is checked in seconds. If any cell is wrong,
nothing is written and the first errors are kept with their row and column. Otherwise each
month goes to one Parquet file, staged and then moved into the store, and the import row is
marked done in one audited transaction (the files are removed again if that fails). The same
file imported again for the same owner changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from tendercare.core.audit import Auditor
from tendercare.geography.models import Lsoa, Postcode
from tendercare.organisations.queries import organisation_family, organisations_visible_to
from tendercare.organisations.queries import providers as all_providers
from tendercare.organisations.rules import is_provider_user

from . import pseudonyms, rules, visit_files, visit_rows, visit_store
from .models import VisitImport, Zone

log = logging.getLogger(__name__)
Progress = Callable[[int, str], None]


# --- starting an import ----------------------------------------------------------------------


def incoming_path(vi: VisitImport) -> Path:
    suffix = Path(vi.filename).suffix.lower()[:10] or ".csv"
    return visit_store.root() / visit_store.STAGING / "incoming" / f"{vi.pk}{suffix}"


def _save_file(file, dest: Path) -> str:
    """Copy the upload (a path, bytes or file object) to dest; returns its sha256."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    if isinstance(file, str | Path):
        file = open(file, "rb")  # noqa: SIM115 - closed below
        close = True
    else:
        close = False
    try:
        with open(dest, "wb") as out:
            if isinstance(file, bytes):
                chunks = [file]
            elif hasattr(file, "chunks"):
                chunks = file.chunks()
            else:
                chunks = iter(lambda: file.read(1024 * 1024), b"")
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
    finally:
        if close:
            file.close()
    return digest.hexdigest()


@transaction.atomic
def _create(*, file, filename: str, owner, by) -> VisitImport:
    vi = VisitImport.objects.create(
        owner=owner, filename=Path(filename).name[:255], sha256="", created_by=by
    )
    vi.sha256 = _save_file(file, incoming_path(vi))
    vi.save(update_fields=["sha256"])
    Auditor(by=by).created(vi, summary=f"Visit file {vi.filename} received")
    return vi


def visit_import(*, file, filename: str, owner, by, progress: Progress | None = None):
    """Check and store a visit file now (the CLI); returns the finished VisitImport."""
    vi = _create(file=file, filename=filename, owner=owner, by=by)
    return visit_import_run(vi, progress=progress)


def visit_import_queue(*, file, filename: str, owner, by) -> VisitImport:
    """Keep the file and run the import in the background worker once committed (the page)."""
    vi = _create(file=file, filename=filename, owner=owner, by=by)
    transaction.on_commit(lambda: visit_import_task.enqueue(vi.pk))
    return vi


@task()
def visit_import_task(import_id: int) -> None:
    vi = VisitImport.objects.filter(pk=import_id, status=VisitImport.Status.QUEUED).first()
    if vi is not None:
        visit_import_run(vi)


# --- running it ------------------------------------------------------------------------------


@dataclass
class _Run:
    vi: VisitImport
    progress: Progress | None
    errors: list[list] = field(default_factory=list)
    error_count: int = 0

    def step(self, percent: int, text: str) -> None:
        VisitImport.objects.filter(pk=self.vi.pk).update(progress=percent)
        self.vi.progress = percent
        if self.progress:
            self.progress(percent, text)


def visit_import_run(vi: VisitImport, *, progress: Progress | None = None) -> VisitImport:
    run = _Run(vi, progress)
    path = incoming_path(vi)
    VisitImport.objects.filter(pk=vi.pk).update(status=VisitImport.Status.RUNNING)
    vi.status = VisitImport.Status.RUNNING
    try:
        with visit_store.owner_lock(vi.owner_id):
            run.step(2, "Starting")
            earlier = (
                VisitImport.objects.filter(
                    owner_id=vi.owner_id, sha256=vi.sha256, status=VisitImport.Status.DONE
                )
                .exclude(pk=vi.pk)
                .order_by("created_at")
                .first()
            )
            if earlier is not None:
                vi.rows = earlier.rows
                vi.months = earlier.months
                return _finish(
                    run,
                    VisitImport.Status.UNCHANGED,
                    f"This file was stored by import {earlier.pk} "
                    f"({earlier.filename}); nothing changed.",
                )
            return _check_and_store(run, path)
    except visit_files.FileProblem as exc:
        run.errors = [[0, "", str(exc)]]
        run.error_count = 1
        return _finish(run, VisitImport.Status.FAILED, str(exc))
    except Exception:
        log.exception("Visit import %s failed", vi.pk)
        run.errors = [[0, "", "Something went wrong while storing the file; nothing was saved."]]
        run.error_count = 1
        return _finish(run, VisitImport.Status.FAILED, "Something went wrong; nothing was saved.")
    finally:
        path.unlink(missing_ok=True)
        visit_store.discard_staging(visit_store.root() / visit_store.STAGING / f"import-{vi.pk}")


def _finish(run: _Run, status: str, message: str, placed: list[Path] = ()) -> VisitImport:
    vi = run.vi
    vi.status = status
    vi.message = message
    vi.errors = run.errors
    vi.progress = 100
    vi.finished_at = timezone.now()
    try:
        with transaction.atomic():
            vi.save()
            Auditor(by=vi.created_by).event(
                vi,
                summary=f"Visit file {vi.filename}: {vi.get_status_display().lower()}",
                data={
                    "rows": vi.rows,
                    "stored": vi.stored,
                    "months": vi.months,
                    "errors": run.error_count,
                    "sha256": vi.sha256,
                },
            )
    except Exception:
        visit_store.remove(placed)
        raise
    if run.progress:
        run.progress(100, message)
    return vi


def _check_and_store(run: _Run, path: Path) -> VisitImport:
    vi = run.vi
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        for macro in visit_rows.SQL_MACROS:
            con.execute(macro)
        run.step(5, "Reading the file")
        table, problems = visit_files.read(path, vi.filename)
        if problems:
            run.errors = [list(p) for p in problems[: visit_rows.MAX_ERRORS]]
            run.error_count = len(problems)
            return _finish(run, VisitImport.Status.FAILED, _refused(len(problems)))
        run.step(20, f"Checking {table.num_rows:,} rows")
        vi.rows = visit_files.load(con, table)
        del table
        _lookups(con, vi.owner)
        run.step(35, "Checking every cell")
        visit_files.parse(con)
        run.step(50, "Looking for duplicates")
        count, first = visit_files.problems(
            con,
            owner_name=vi.owner.name,
            stored_sql=visit_store.relation_sql([vi.owner_id]),
        )
        if count:
            run.errors = [list(p) for p in first]
            run.error_count = count
            return _finish(run, VisitImport.Status.FAILED, _refused(count))
        run.step(60, "Pseudonymising client ids")
        clients = [r[0] for r in con.execute("SELECT DISTINCT client_id FROM parsed").fetchall()]
        keys = pa.table({"client_id": clients, "client_key": pseudonyms.pseudonyms(clients)})
        con.register("client_keys", keys)
        select_sql = visit_files.final_sql(vi.pk)
        con.execute(f"CREATE TEMP TABLE final AS {select_sql}")
        months = [
            r[0] for r in con.execute("SELECT DISTINCT month FROM final ORDER BY 1").fetchall()
        ]
        staged = {}
        folder = visit_store.staging_dir(f"import-{vi.pk}")
        for done, month in enumerate(months, start=1):
            staged.update(
                visit_store.write_staged(con, "SELECT * FROM final", months=[month], folder=folder)
            )
            run.step(60 + 30 * done // len(months), f"Writing {month}")
        placed = visit_store.publish(staged, owner_id=vi.owner_id, import_id=vi.pk)
        vi.stored = vi.rows
        vi.months = months
        return _finish(
            run,
            VisitImport.Status.DONE,
            f"{vi.rows:,} visits stored for {len(months)} month{'s' if len(months) != 1 else ''}.",
            placed,
        )
    finally:
        con.close()


def _refused(count: int) -> str:
    return f"{count:,} problem{'s' if count != 1 else ''} found; nothing was saved."


def _lookups(con, owner) -> None:
    """Small tables for the names and codes in the file: providers, zones, postcodes, LSOAs."""
    names: dict[str, int] = {}
    for pk, name, ods in all_providers().values_list("pk", "name", "ods_code"):
        names.setdefault(name.strip().lower(), pk)
        if ods:
            names.setdefault(ods.strip().lower(), pk)
    wanted = {r[0] for r in con.execute("SELECT DISTINCT lower(provider) FROM raw").fetchall()}
    found = [(k, names[k]) for k in wanted if k in names]
    _register(con, "provider_keys", found, ("key", "provider_id"), (pa.string(), pa.int64()))

    zones = list(Zone.objects.filter(owner=owner).values_list("pk", "name", "lsoa_codes"))
    by_name = [(name.strip().lower(), pk) for pk, name, _ in zones]
    _register(con, "zone_names", by_name, ("key", "zone_id"), (pa.string(), pa.int64()))
    by_lsoa: dict[str, int] = {}
    for pk, _, codes in sorted(zones, key=lambda z: z[1]):
        for code in codes or []:
            by_lsoa.setdefault(str(code).strip().upper(), pk)
    _register(
        con, "lsoa_zones", list(by_lsoa.items()), ("lsoa", "zone_id"), (pa.string(), pa.int64())
    )

    postcodes = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT upper(replace(postcode, ' ', '')) FROM raw WHERE postcode <> ''"
        ).fetchall()
    ]
    pairs = []
    for i in range(0, len(postcodes), 500):
        pairs += Postcode.objects.filter(code__in=postcodes[i : i + 500]).values_list(
            "code", "lsoa_id"
        )
    _register(con, "postcode_lsoas", pairs, ("code", "lsoa"), (pa.string(), pa.string()))

    lsoas = {r[0] for r in con.execute("SELECT DISTINCT upper(lsoa) FROM raw").fetchall()}
    lsoas |= {lsoa for _, lsoa in pairs}
    lsoas.discard("")
    codes = sorted(lsoas)
    bands = []
    for i in range(0, len(codes), 500):
        bands += Lsoa.objects.filter(code__in=codes[i : i + 500], ruc__isnull=False).values_list(
            "code", "ruc__band"
        )
    _register(con, "lsoa_bands", bands, ("lsoa", "band"), (pa.string(), pa.string()))


def _register(con, name, rows, columns, types) -> None:
    arrays = [pa.array([r[i] for r in rows], type=t) for i, t in enumerate(types)]
    con.register(name, pa.table(dict(zip(columns, arrays, strict=True))))


# --- reading the visits ----------------------------------------------------------------------


@dataclass
class VisitScope:
    owner_ids: list[int] | None  # None: every owner (a provider's own rows wherever they are)
    provider_id: int | None  # set for a provider: only its rows


def visit_scope(user) -> VisitScope | None:
    """Which visits this person may see, or None for none at all."""
    if is_provider_user(user):
        return VisitScope(owner_ids=None, provider_id=user.organisation_id)
    if rules.may_see_monitoring(user):
        return VisitScope(owner_ids=organisation_family(user.organisation), provider_id=None)
    return None


@dataclass
class VisitPage:
    rows: list[dict]
    total: int
    page: int
    pages: int
    months: list[str]
    zones: dict[int, str]
    providers: dict[int, str]


PER_PAGE = 50


def visits_page(
    user, *, month: str = "", zone_id: int | None = None, provider_id: int | None = None, page=1
) -> VisitPage | None:
    scope = visit_scope(user)
    if scope is None:
        return None
    con = visit_store.connect(scope.owner_ids)
    try:
        base, params = "TRUE", []
        if scope.provider_id is not None:
            base, params = "provider_id = ?", [scope.provider_id]
        months = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT month FROM visits WHERE {base} ORDER BY 1 DESC", params
            ).fetchall()
        ]
        where, args = base, list(params)
        if month:
            where, args = where + " AND month = ?", [*args, month]
        if zone_id is not None:
            where, args = where + " AND zone_id = ?", [*args, zone_id]
        if provider_id is not None:
            where, args = where + " AND provider_id = ?", [*args, provider_id]
        total = con.execute(f"SELECT count(*) FROM visits WHERE {where}", args).fetchone()[0]
        pages = max(1, math.ceil(total / PER_PAGE))
        page = min(max(1, page), pages)
        cursor = con.execute(
            "SELECT visit_id, provider_id, zone_id, client_key, carer_id, band, planned_start, "
            "planned_end, actual_start, actual_end, double_up, time_critical, verified_by "
            f"FROM visits WHERE {where} ORDER BY planned_start, visit_id LIMIT ? OFFSET ?",
            [*args, PER_PAGE, (page - 1) * PER_PAGE],
        )
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        zone_ids = {
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT zone_id FROM visits WHERE {base}", params
            ).fetchall()
        }
        provider_ids = {
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT provider_id FROM visits WHERE {base}", params
            ).fetchall()
        }
    finally:
        con.close()
    zones = dict(Zone.objects.filter(pk__in=zone_ids).values_list("pk", "name"))
    providers = dict(
        organisations_visible_to(user).filter(pk__in=provider_ids).values_list("pk", "name")
    )
    for row in rows:
        for key in ("planned_start", "planned_end", "actual_start", "actual_end"):
            if row[key] is not None:
                row[key] = row[key].replace(tzinfo=dt.UTC)  # shown on a UK clock by ukdatetime
        row["zone"] = zones.get(row["zone_id"], "")
        row["provider"] = providers.get(row["provider_id"], "")
    return VisitPage(rows, total, page, pages, months, zones, providers)
