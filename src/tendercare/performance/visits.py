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
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.geography.models import Postcode
from tendercare.geography.queries import lsoa_bands
from tendercare.organisations.queries import organisation_family, organisations_visible_to
from tendercare.organisations.queries import providers as all_providers
from tendercare.organisations.rules import is_provider_user

from . import pseudonyms, rules, visit_files, visit_rows, visit_store
from .models import ProviderStatus, Statement, VisitImport, Zone

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
        vi = visit_import_run(vi)
        kpis_after_import(vi)


def kpis_command(vi: VisitImport, months) -> str:
    return f'tendercare compute kpis --owner "{vi.owner.name}"' + "".join(
        f" --month {m}" for m in months
    )


def kpis_after_import(vi: VisitImport, *, progress: Callable[[str], None] | None = None):
    """Once an import is stored (DONE), recompute the KPIs of its months and of the months
    whose windows reach them (kpi_engine.recompute_after_import). Returns the engine's Run, or
    None when nothing was stored. If the recompute fails the visits stay stored: the import's
    message says which command to run (audited)."""
    if vi.status != VisitImport.Status.DONE or not vi.months:
        return None
    from . import kpi_engine

    try:
        return kpi_engine.recompute_after_import(vi, by=vi.created_by, progress=progress)
    except Exception:
        log.exception("KPIs after visit import %s", vi.pk)
        months = kpi_engine.months_touched_by(vi.months)
        with transaction.atomic():
            before = snapshot(vi)
            vi.message = (
                f"{vi.message} The KPIs were not recomputed: run {kpis_command(vi, months)}"
            )
            vi.save(update_fields=["message"])
            Auditor(by=vi.created_by).updated(
                vi, before=before, summary=f"Visit file {vi.filename}: KPIs not recomputed"
            )
        return None


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
    # Every (LSOA, zone) pair: when zones are redrawn an LSOA can be in an old and a new zone,
    # and the provider's status on the visit's day says which (visit_files.parse).
    by_lsoa = sorted(
        {(str(code).strip().upper(), pk) for pk, _, codes in zones for code in codes or []}
    )
    _register(con, "lsoa_zones", by_lsoa, ("lsoa", "zone_id"), (pa.string(), pa.int64()))
    statuses = ProviderStatus.objects.filter(zone__owner=owner).values_list(
        "provider_id", "zone_id", "since", "until"
    )
    con.register(
        "provider_zones",
        pa.table(
            {
                "provider_id": pa.array([s[0] for s in statuses], pa.int64()),
                "zone_id": pa.array([s[1] for s in statuses], pa.int64()),
                "since": pa.array([s[2] for s in statuses], pa.date32()),
                "until": pa.array([s[3] for s in statuses], pa.date32()),
            }
        ),
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
    # Bands as the importing organisation maps them (its own choices over Tendercare's).
    bands = list(lsoa_bands(owner.pk, codes).items())
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


# --- withdrawing an import -------------------------------------------------------------------

# VisitImport.Status has no WITHDRAWN yet (models.py is the lead's): until it does, a withdrawn
# import is FAILED with a message starting "Withdrawn", which readers already skip (only DONE
# imports are read) and which never blocks a re-import (only DONE files count as earlier).
WITHDRAWN = getattr(VisitImport.Status, "WITHDRAWN", VisitImport.Status.FAILED)
WITHDRAWN_PREFIX = "Withdrawn"
WITHDRAW_REASON_MAX = 500


def is_withdrawn(vi: VisitImport) -> bool:
    return vi.status == WITHDRAWN and (
        WITHDRAWN != VisitImport.Status.FAILED or vi.message.startswith(WITHDRAWN_PREFIX)
    )


def import_status_label(vi: VisitImport) -> str:
    return "Withdrawn" if is_withdrawn(vi) else vi.get_status_display()


def may_withdraw(user, vi: VisitImport) -> bool:
    """Commissioning staff who manage monitoring, of the import owner's family."""
    return bool(
        user is not None
        and not is_provider_user(user)
        and rules.may_manage_monitoring(user)
        and vi.owner_id in organisation_family(user.organisation)
    )


def _import_files(vi: VisitImport) -> list[Path]:
    return sorted(
        visit_store.root().glob(f"owner={int(vi.owner_id)}/month=*/part-{int(vi.pk)}.parquet")
    )


def _import_activity(vi: VisitImport) -> set[tuple[int, int, dt.date]]:
    """(provider, zone, month) of the visits this import stored, from its own files."""
    found = set()
    for path in _import_files(vi):
        month = dt.date.fromisoformat(path.parent.name.split("=", 1)[1] + "-01")
        con = duckdb.connect()
        try:
            target = str(path).replace("'", "''")
            rows = con.execute(
                f"SELECT DISTINCT provider_id, zone_id FROM read_parquet('{target}')"
            ).fetchall()
        finally:
            con.close()
        found |= {(int(p), int(z), month) for p, z in rows if p is not None and z is not None}
    return found


def withdraw_blockers(vi: VisitImport) -> list[Statement]:
    """Statements already issued that depend on this import's visits: for a month the import
    wrote to, paying a provider that has visits in the import, on a contract that the
    provider's status names in a zone of those visits that month (the same rule that
    statements.delivered_hours uses to find a statement's visits)."""
    wanted = Q(pk__in=[])
    for provider_id, zone_id, month in _import_activity(vi):
        nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        contracts = (
            ProviderStatus.objects.filter(
                zone_id=zone_id, provider_id=provider_id, contract__isnull=False, since__lt=nxt
            )
            .exclude(until__lt=month)
            .values("contract_id")
        )
        wanted |= Q(month=month, provider_id=provider_id, contract_id__in=contracts)
    return list(Statement.objects.filter(wanted).select_related("contract").order_by("month", "pk"))


@dataclass
class Withdrawal:
    visit_import: VisitImport
    files_removed: int
    months: list[str]
    kpis_recomputed: bool
    kpi_problem: str = ""


def visit_import_withdraw(
    *, visit_import: VisitImport, by, reason: str, recompute_kpis: bool = True
) -> Withdrawal:
    """Withdraw a stored import: refuse if an issued statement depends on its visits; else
    mark it withdrawn with the reason (audited, in one transaction), then remove its partition
    files and recompute the KPIs of the months it touched. Runs under the owner's import lock,
    so no import checks duplicates against files that are going away."""
    if not may_withdraw(by, visit_import):
        raise NotAllowed("You cannot withdraw this visit import")
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("Say why the import is withdrawn")
    if len(reason) > WITHDRAW_REASON_MAX:
        raise DomainError(f"Keep the reason to {WITHDRAW_REASON_MAX} characters or fewer")
    with visit_store.owner_lock(visit_import.owner_id):
        with transaction.atomic():
            vi = VisitImport.objects.select_for_update().get(pk=visit_import.pk)
            if is_withdrawn(vi):
                raise DomainError("This import has already been withdrawn")
            if vi.status in (VisitImport.Status.QUEUED, VisitImport.Status.RUNNING):
                raise DomainError("This import is still running: wait until it has finished")
            if vi.status != VisitImport.Status.DONE:
                raise DomainError("This import stored no visits: there is nothing to withdraw")
            blockers = withdraw_blockers(vi)
            if blockers:
                named = "; ".join(f"{s.contract.reference} {s.month:%B %Y}" for s in blockers[:5])
                more = f" and {len(blockers) - 5} more" if len(blockers) > 5 else ""
                raise DomainError(
                    f"Statements already issued depend on these visits ({named}{more}): "
                    "withdrawing them would leave those statements paying for visits that are "
                    "no longer held. Correct the visits with a further file instead"
                )
            files = _import_files(vi)
            before = snapshot(vi)
            stored = vi.stored
            vi.status = WITHDRAWN
            vi.stored = 0
            vi.message = (
                f"{WITHDRAWN_PREFIX} on {timezone.localdate():%d %B %Y} by "
                f"{by.get_full_name() or by.get_username()} ({stored:,} visits removed): {reason}"
            )
            vi.save(update_fields=["status", "stored", "message"])
            Auditor(by=by).updated(
                vi, before=before, summary=f"Visit file {vi.filename} withdrawn: {reason}"
            )
            Auditor(by=by).event(
                vi,
                summary="Visit import withdrawn",
                data={
                    "reason": reason,
                    "visits": stored,
                    "months": vi.months,
                    "files": [str(p.relative_to(visit_store.root())) for p in files],
                },
            )
        # Committed: the import is withdrawn (never read again), so its files can go.
        removed = visit_store.delete_import(vi.owner_id, vi.pk)
    result = Withdrawal(vi, removed, list(vi.months), False)
    if recompute_kpis and vi.months:
        from . import kpi_engine

        try:
            # Its months and the months whose KPI windows reach them (missed, cramming, the
            # core team), as after an import.
            kpi_engine.recompute_after_import(vi, by=by)
            result.kpis_recomputed = True
        except Exception:  # the withdrawal stands; say what is left to do
            log.exception("KPIs after withdrawing import %s", vi.pk)
            months = kpi_engine.months_touched_by(vi.months)
            result.kpi_problem = (
                "The KPIs of "
                + ", ".join(months)
                + " could not be recomputed: run "
                + kpis_command(vi, months)
            )
    return result
