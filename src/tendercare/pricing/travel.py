"""Travel runs: import a zone's week of visits and carers, build carer runs day by day with the
routing engine, and measure travel per contact hour by band for the cost model.

    result = travel_import(owner=..., by=..., zone=..., week_start=..., visits=f, carers=g)
    if result.ok: run_travel(result.run)          # or travel_run_enqueue(result.run)
    travel_apply(run=run, scenario=scenario, by=user, reason="...")

docs/routing.md explains the modelling. Writes are audited; an import with any bad row in any
file writes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import numpy as np
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from tendercare.core.audit import Auditor
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.imports import CellError, Columns, Invalid, RowError, Written, run_import
from tendercare.geography.models import Lsoa, Postcode
from tendercare.geography.ons_files import normalise_postcode
from tendercare.geography.queries import band_map
from tendercare.organisations.models import Organisation

from . import cost_model, queries, routing, rules, services
from .models import (
    TravelBandResult,
    TravelCarer,
    TravelRun,
    TravelStop,
    TravelVisit,
)

BANDS = ("urban", "fringe", "rural", "isolated")
# Average door-to-door speeds in miles per hour (Tendercare assumption: DfT average speeds on
# local A and minor roads, lowered for parking and access at urban addresses).
DEFAULT_SPEEDS = {"urban": 12, "fringe": 18, "rural": 25, "isolated": 30}
DEFAULT_DETOUR = Decimal("1.30")  # road distance / straight line, typical of English roads
# Two clients in one LSOA are both placed at its centroid; they are this far apart by road.
LOCAL_MILES = {"urban": 0.4, "fringe": 0.7, "rural": 1.2, "isolated": 2.0}
MAX_DURATION_MINUTES = 600
MAX_SHIFT_HOURS = 16
# Travel per contact hour is measured on served visits only. Visits left out are the hardest to
# fit (often far-flung or at peak times), so a run that drops many of them understates travel:
# a run that leaves more than this share of its visits unserved cannot be applied to a scenario.
MAX_UNSERVED_SHARE = Decimal("0.05")
# Detour factor (road / straight line) and door-to-door speeds a run may be given.
MIN_DETOUR, MAX_DETOUR = Decimal("1.00"), Decimal("3.00")
MIN_SPEED_MPH, MAX_SPEED_MPH = 1, 70

VISIT_COLUMNS = Columns(
    required=["visit_id", "window_start", "window_end", "duration_minutes"],
    optional=["postcode", "lsoa", "double_up", "high_dependency"],
)
CARER_COLUMNS = Columns(
    required=["carer_id", "shift_start", "shift_end"],
    optional=["postcode", "lsoa", "skilled"],
)
MATRIX_COLUMNS = Columns(required=["from_lsoa", "to_lsoa", "minutes", "miles"])
TRUE = {"yes", "y", "true", "1", "x"}
FALSE = {"no", "n", "false", "0", ""}


# --- import ----------------------------------------------------------------------------------


@dataclass
class TravelImport:
    run: TravelRun | None = None
    errors: list[tuple[str, RowError]] = field(default_factory=list)  # (file label, error)

    @property
    def ok(self) -> bool:
        return self.run is not None and not self.errors

    def messages(self) -> list[str]:
        return [f"{label}: {error}" for label, error in self.errors]


class _Places:
    """LSOA and postcode lookups, cached for one import."""

    def __init__(self, owner_id: int):
        bands = band_map(owner_id)
        self.lsoas = {
            code: bands[ruc]
            for code, ruc in Lsoa.objects.filter(
                ruc__isnull=False, latitude__isnull=False, longitude__isnull=False
            ).values_list("code", "ruc_id")
        }
        self.postcodes: dict[str, str | None] = {}

    def resolve(self, row) -> tuple[str, list[CellError]]:
        lsoa = (row.get("lsoa") or "").strip().upper()
        postcode = (row.get("postcode") or "").strip()
        if lsoa:
            if lsoa not in self.lsoas:
                return "", [CellError("lsoa", f"{lsoa} is not an LSOA we hold with a band")]
            return lsoa, []
        if postcode:
            code = normalise_postcode(postcode)
            if code is None:
                return "", [CellError("postcode", f"{postcode} is not a postcode")]
            if code not in self.postcodes:
                hit = Postcode.objects.filter(code=code).values_list("lsoa_id", flat=True).first()
                self.postcodes[code] = hit
            found = self.postcodes[code]
            if not found or found not in self.lsoas:
                return "", [CellError("postcode", f"{postcode} is not a postcode we can place")]
            return found, []
        return "", [CellError("lsoa", "Give a postcode or an LSOA code")]


def _when(row, column, errors) -> dt.datetime | None:
    text = (row.get(column) or "").strip()
    if not text:
        errors.append(CellError(column, "Enter a date and time, like 2026-03-02T07:30"))
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        errors.append(CellError(column, f"{text} is not a date and time like 2026-03-02T07:30"))
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _flag(row, column, errors) -> bool:
    text = (row.get(column) or "").strip().lower()
    if text in TRUE:
        return True
    if text not in FALSE:
        errors.append(CellError(column, f"{row.get(column)} is not yes or no"))
    return False


def _in_week(moment, column, week_start, errors) -> None:
    if moment is None:
        return
    day = timezone.localtime(moment).date()
    if not week_start <= day < week_start + dt.timedelta(days=7):
        errors.append(
            CellError(column, f"{day:%d %b %Y} is outside the week starting {week_start:%d %b %Y}")
        )


def _visit_validator(places: _Places, week_start: dt.date):
    def validate(row):
        errors: list[CellError] = []
        ref = (row.get("visit_id") or "").strip()
        if not ref:
            errors.append(CellError("visit_id", "Enter a visit id"))
        elif len(ref) > 60:
            errors.append(CellError("visit_id", "A visit id can be at most 60 characters"))
        lsoa, place_errors = places.resolve(row)
        errors.extend(place_errors)
        start = _when(row, "window_start", errors)
        end = _when(row, "window_end", errors)
        _in_week(start, "window_start", week_start, errors)
        if start and end:
            if end < start:
                errors.append(CellError("window_end", "The window ends before it starts"))
            elif timezone.localtime(end).date() != timezone.localtime(start).date():
                errors.append(CellError("window_end", "The window must end on the day it starts"))
        text = (row.get("duration_minutes") or "").strip()
        minutes = int(text) if text.isdigit() else None
        if minutes is None or not 1 <= minutes <= MAX_DURATION_MINUTES:
            errors.append(
                CellError(
                    "duration_minutes", f"Enter whole minutes from 1 to {MAX_DURATION_MINUTES}"
                )
            )
        double_up = _flag(row, "double_up", errors)
        high_dependency = _flag(row, "high_dependency", errors)
        if errors:
            return Invalid(errors)
        return {
            "ref": ref,
            "lsoa_code": lsoa,
            "band": places.lsoas[lsoa],
            "window_start": start,
            "window_end": end,
            "duration_minutes": minutes,
            "double_up": double_up,
            "high_dependency": high_dependency,
        }

    return validate


def _carer_validator(places: _Places, week_start: dt.date):
    def validate(row):
        errors: list[CellError] = []
        ref = (row.get("carer_id") or "").strip()
        if not ref:
            errors.append(CellError("carer_id", "Enter a carer id"))
        elif len(ref) > 60:
            errors.append(CellError("carer_id", "A carer id can be at most 60 characters"))
        lsoa, place_errors = places.resolve(row)
        errors.extend(place_errors)
        start = _when(row, "shift_start", errors)
        end = _when(row, "shift_end", errors)
        _in_week(start, "shift_start", week_start, errors)
        if start and end:
            if end <= start:
                errors.append(CellError("shift_end", "The shift ends before it starts"))
            elif end - start > dt.timedelta(hours=MAX_SHIFT_HOURS):
                errors.append(
                    CellError("shift_end", f"A shift can be at most {MAX_SHIFT_HOURS} hours")
                )
        skilled = _flag(row, "skilled", errors)
        if errors:
            return Invalid(errors)
        return {
            "ref": ref,
            "start_lsoa_code": lsoa,
            "shift_start": start,
            "shift_end": end,
            "skilled": skilled,
        }

    return validate


def _duplicates(key: Callable, column: str, what: str):
    def check_all(pairs):
        seen: dict = {}
        for row, cleaned in pairs:
            k = key(cleaned)
            if k in seen:
                yield RowError(row.number, column, f"{what} also on row {seen[k]}")
            else:
                seen[k] = row.number

    return check_all


def _matrix_validator(places: _Places):
    def validate(row):
        errors = []
        codes = []
        for column in ("from_lsoa", "to_lsoa"):
            code = (row.get(column) or "").strip().upper()
            if code not in places.lsoas:
                errors.append(CellError(column, f"{code or 'Blank'} is not an LSOA we hold"))
            codes.append(code)
        numbers = []
        for column in ("minutes", "miles"):
            try:
                number = float(row.get(column) or "")
            except ValueError:
                number = -1.0
            if not (math.isfinite(number) and 0 <= number < 1000):
                errors.append(CellError(column, "Enter a number from 0 to 999"))
            numbers.append(number)
        if errors:
            return Invalid(errors)
        return [*codes, *numbers]

    return validate


def _collect(into: list):
    def write(cleaned):
        into.extend(cleaned)
        return Written(created=len(cleaned))

    return write


def _read(label, file, filename, columns, validate, check_all, errors) -> list:
    rows: list = []
    result = run_import(
        file,
        filename=filename,
        columns=columns,
        validate=validate,
        write=_collect(rows),
        check_all=check_all,
    )
    errors.extend((label, e) for e in result.errors)
    return rows


def travel_import(
    *,
    owner: Organisation,
    by,
    zone: str,
    week_start: dt.date,
    visits,
    carers,
    visits_filename: str = "visits.csv",
    carers_filename: str = "carers.csv",
    matrix=None,
    matrix_filename: str = "matrix.csv",
    detour: Decimal | None = None,
    speeds: dict[str, float] | None = None,
    seconds_per_day: int = 5,
) -> TravelImport:
    """Read both files (and an optional LSOA travel matrix); if every row of every file is
    valid, create the run with its visits and carers (queued), else write nothing."""
    probe = TravelRun(owner=owner)
    if by is not None and not rules.can_edit_pricing(by, probe):
        raise NotAllowed("You cannot create travel runs for this organisation")
    zone = (zone or "").strip()
    result = TravelImport()
    if not zone:
        result.errors.append(("Zone", RowError(0, "", "Enter the zone's name")))
    if not isinstance(week_start, dt.date):
        result.errors.append(("Week", RowError(0, "", "Enter the week's first day")))
        return result
    if not 1 <= seconds_per_day <= 600:
        result.errors.append(("Time", RowError(0, "", "Seconds per day must be 1 to 600")))
    detour, detour_error = check_detour(detour)
    if detour_error:
        result.errors.append(("Detour factor", RowError(0, "", detour_error)))
    speeds, speed_errors = check_speeds(speeds)
    result.errors.extend(("Speeds", RowError(0, "", message)) for message in speed_errors)
    places = _Places(owner.pk)
    visit_rows = _read(
        "Visits file",
        visits,
        visits_filename,
        VISIT_COLUMNS,
        _visit_validator(places, week_start),
        _duplicates(lambda c: c["ref"], "visit_id", "The same visit id is"),
        result.errors,
    )
    carer_rows = _read(
        "Carers file",
        carers,
        carers_filename,
        CARER_COLUMNS,
        _carer_validator(places, week_start),
        _duplicates(
            lambda c: (c["ref"], c["shift_start"]), "shift_start", "The same carer and shift is"
        ),
        result.errors,
    )
    matrix_rows = []
    if matrix is not None:
        matrix_rows = _read(
            "Travel matrix",
            matrix,
            matrix_filename,
            MATRIX_COLUMNS,
            _matrix_validator(places),
            _duplicates(lambda c: (c[0], c[1]), "to_lsoa", "The same pair is"),
            result.errors,
        )
    if result.errors:
        return result
    settings = {band: float(speeds[band]) for band in BANDS}
    result.run = _create(
        owner=owner,
        by=by,
        zone=zone,
        week_start=week_start,
        detour=detour,
        speeds=settings,
        matrix_rows=matrix_rows,
        seconds_per_day=seconds_per_day,
        visit_rows=visit_rows,
        carer_rows=carer_rows,
    )
    return result


def check_detour(detour) -> tuple[Decimal, str]:
    """The detour factor as a Decimal of two places (the default when none is given), and a
    message when it is not a number from MIN_DETOUR to MAX_DETOUR."""
    if detour is None or (isinstance(detour, str) and not detour.strip()):
        return DEFAULT_DETOUR, ""
    message = (
        f"The detour factor must be a number from {MIN_DETOUR} to {MAX_DETOUR}, "
        f"like {DEFAULT_DETOUR} (road miles for each straight-line mile)"
    )
    try:
        value = Decimal(str(detour).strip())
    except (InvalidOperation, ValueError):
        return DEFAULT_DETOUR, message
    if not value.is_finite() or not MIN_DETOUR <= value <= MAX_DETOUR:
        return DEFAULT_DETOUR, message
    return value.quantize(Decimal("0.01")), ""


def check_speeds(speeds) -> tuple[dict[str, float], list[str]]:
    """Speeds in mph for every band: those given replace the defaults. Messages for an unknown
    band or a speed that is not a number from MIN_SPEED_MPH to MAX_SPEED_MPH."""
    merged = dict(DEFAULT_SPEEDS)
    errors = []
    for band, mph in (speeds or {}).items():
        name = str(band).strip().lower()
        if name not in BANDS:
            errors.append(f"There is no band called {band!r}: give speeds for {', '.join(BANDS)}")
            continue
        try:
            number = float(str(mph).strip())
        except ValueError:
            number = math.nan
        if not (math.isfinite(number) and MIN_SPEED_MPH <= number <= MAX_SPEED_MPH):
            errors.append(
                f"The {name} speed must be a number of miles per hour from {MIN_SPEED_MPH} "
                f"to {MAX_SPEED_MPH}"
            )
            continue
        merged[name] = number
    return merged, errors


@transaction.atomic
def _create(
    *,
    owner,
    by,
    zone,
    week_start,
    detour,
    speeds,
    matrix_rows,
    seconds_per_day,
    visit_rows,
    carer_rows,
):
    run = TravelRun.objects.create(
        owner=owner,
        zone=zone[:200],
        week_start=week_start,
        matrix=TravelRun.Matrix.IMPORTED if matrix_rows else TravelRun.Matrix.STRAIGHT_LINE,
        imported_matrix=matrix_rows or [],
        detour_factor=detour,
        speeds=speeds,
        seconds_per_day=seconds_per_day,
        created_by=by,
    )
    TravelVisit.objects.bulk_create(
        [TravelVisit(run=run, **row) for row in visit_rows], batch_size=500
    )
    TravelCarer.objects.bulk_create(
        [TravelCarer(run=run, **row) for row in carer_rows], batch_size=500
    )
    Auditor(by=by).created(
        run,
        summary=(
            f"Travel run {run.pk} for {zone}, week of {week_start:%d %b %Y}: "
            f"{len(visit_rows)} visits, {len(carer_rows)} carer shifts imported"
        ),
    )
    return run


# --- running ---------------------------------------------------------------------------------


def _matrix_for(run: TravelRun, codes: list[str], centroids, bands):
    """Durations (s) and distances (m) between places; codes[i] is place i's LSOA."""
    speeds = {band: float(run.speeds.get(band, DEFAULT_SPEEDS[band])) for band in BANDS}
    durations, distances = routing.straight_line_matrix(
        [centroids[c] for c in codes],
        bands,
        speeds_mph=speeds,
        detour=float(run.detour_factor),
        local_miles=LOCAL_MILES,
    )
    imported = run.imported_matrix
    if imported:
        position = {code: i for i, code in enumerate(sorted(set(codes)))}
        size = len(position)
        minutes = np.full((size, size), np.nan)
        miles = np.full((size, size), np.nan)
        for frm, to, mins, mi in imported:
            if frm in position and to in position:
                minutes[position[frm], position[to]] = mins
                miles[position[frm], position[to]] = mi
        index = np.array([position[c] for c in codes])
        pair_minutes = minutes[np.ix_(index, index)]
        pair_miles = miles[np.ix_(index, index)]
        known = ~np.isnan(pair_minutes)
        np.fill_diagonal(known, False)
        durations = np.where(known, np.rint(np.nan_to_num(pair_minutes) * 60), durations)
        distances = np.where(
            known, np.rint(np.nan_to_num(pair_miles) * routing.METRES_PER_MILE), distances
        )
    return durations.astype(np.int64), distances.astype(np.int64)


def _seconds(moment: dt.datetime, midnight: dt.datetime) -> int:
    return int((moment - midnight).total_seconds())


def _day_problem(run, day, visits, carers, centroids):
    midnight = timezone.make_aware(dt.datetime.combine(day, dt.time(0)))
    # Place 0..k-1: carers' homes; then one place per visit.
    codes = [c.start_lsoa_code for c in carers] + [v.lsoa_code for v in visits]
    bands = [centroids[c][2] for c in codes]
    durations, distances = _matrix_for(run, codes, {c: centroids[c][:2] for c in set(codes)}, bands)
    offset = len(carers)
    problem = routing.Problem(
        durations=durations,
        distances=distances,
        visits=tuple(
            routing.Visit(
                ref=str(v.pk),
                location=offset + i,
                earliest=_seconds(v.window_start, midnight),
                latest=_seconds(v.window_end, midnight),
                duration=v.duration_minutes * 60,
                needs_skill=v.high_dependency,
                carers=2 if v.double_up else 1,
            )
            for i, v in enumerate(visits)
        ),
        carers=tuple(
            routing.Carer(
                ref=str(c.pk),
                start=i,
                end=i,
                shift_start=_seconds(c.shift_start, midnight),
                shift_end=_seconds(c.shift_end, midnight),
                skilled=c.skilled,
            )
            for i, c in enumerate(carers)
        ),
        objective="duration",
        allow_unserved=True,
    )
    return problem, midnight


@dataclass
class _Tally:
    visits: int = 0
    contact_minutes: int = 0
    carer_contact_minutes: int = 0
    travel_seconds: int = 0
    travel_metres: int = 0


def _set_progress(run, progress: int) -> None:
    TravelRun.objects.filter(pk=run.pk).update(progress=progress)
    run.progress = progress


def run_travel(run: TravelRun, *, on_day: Callable[[int, int], None] | None = None) -> TravelRun:
    """Solve each day, store every stop and the results by band; failed with a message if
    anything goes wrong. on_day(done, days) is called after each day (for the CLI)."""
    TravelRun.objects.filter(pk=run.pk).update(
        status=TravelRun.Status.RUNNING, progress=0, message=""
    )
    run.refresh_from_db()
    try:
        message, feasible, unserved = _run_days(run, on_day)
    except Exception as error:  # a failed run must say so on its page, not stay "running"
        TravelRun.objects.filter(pk=run.pk).update(
            status=TravelRun.Status.FAILED,
            message=f"The run failed: {error}",
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
        Auditor(by=None).event(run, summary=f"Travel run {run.pk} failed: {error}")
        return run
    TravelRun.objects.filter(pk=run.pk).update(
        status=TravelRun.Status.DONE,
        progress=100,
        message=message,
        feasible=feasible,
        unserved=unserved,
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    Auditor(by=None).event(run, summary=f"Travel run {run.pk} finished. {message}")
    return run


def _run_days(run, on_day) -> tuple[str, bool, list[str]]:
    places = centroids(
        set(run.visits.values_list("lsoa_code", flat=True))
        | set(run.carers.values_list("start_lsoa_code", flat=True)),
        owner_id=run.owner_id,
    )
    visits_by_day = defaultdict(list)
    for visit in run.visits.all():
        visits_by_day[timezone.localtime(visit.window_start).date()].append(visit)
    carers_by_day = defaultdict(list)
    for carer in run.carers.all():
        carers_by_day[timezone.localtime(carer.shift_start).date()].append(carer)
    days = sorted(set(visits_by_day) | set(carers_by_day))
    tallies = {band: _Tally() for band in BANDS}
    unserved, problems = [], []
    with transaction.atomic():
        TravelStop.objects.filter(carer__run=run).delete()
        TravelBandResult.objects.filter(run=run).delete()
        for done, day in enumerate(days, start=1):
            visits, carers = visits_by_day[day], carers_by_day[day]
            if visits and not carers:
                unserved.extend(v.ref for v in visits)
            elif visits:
                day_unserved, day_problems = _solve_day(run, day, visits, carers, places, tallies)
                unserved.extend(day_unserved)
                problems.extend(f"{day:%a %d %b}: {p}" for p in day_problems)
            _set_progress(run, round(100 * done / len(days)) if done < len(days) else 99)
            if on_day:
                on_day(done, len(days))
        TravelBandResult.objects.bulk_create(
            TravelBandResult(
                run=run,
                band=band,
                visits=t.visits,
                contact_hours=_dec(t.carer_contact_minutes / 60),
                travel_minutes=_dec(t.travel_seconds / 60),
                travel_miles=_dec(t.travel_metres / routing.METRES_PER_MILE),
                average_visit_minutes=_dec(t.contact_minutes / t.visits if t.visits else 0),
            )
            for band, t in tallies.items()
            if t.visits
        )
    served = sum(t.visits for t in tallies.values())
    parts = [f"{served} of {served + len(unserved)} visits served."]
    if unserved:
        shown = ", ".join(unserved[:20]) + (" and more" if len(unserved) > 20 else "")
        parts.append(f"{len(unserved)} could not be fitted into the carers' shifts: {shown}.")
    if problems:
        parts.append("Feasibility check FAILED: " + "; ".join(problems[:20]))
    else:
        parts.append(
            "Feasibility check passed: every run keeps its time windows and shift, "
            "high-dependency visits have a skilled carer, double-ups have two carers "
            "starting together."
        )
    return " ".join(parts), not problems, unserved


def _dec(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _solve_day(run, day, visits, carers, centroids, tallies):
    problem, midnight = _day_problem(run, day, visits, carers, centroids)
    plan = routing.solve(problem, seconds=run.seconds_per_day, seed=1)
    problems = routing.check(problem, plan)
    by_pk_visit = {str(v.pk): v for v in visits}
    by_pk_carer = {str(c.pk): c for c in carers}
    stops = []
    served_refs = set()
    for route in plan.routes:
        carer = by_pk_carer[route.carer_ref]
        for sequence, stop in enumerate(route.stops, start=1):
            visit = by_pk_visit[stop.visit_ref]
            start = midnight + dt.timedelta(seconds=stop.start)
            stops.append(
                TravelStop(
                    carer=carer,
                    visit=visit,
                    sequence=sequence,
                    start=start,
                    end=start + dt.timedelta(minutes=visit.duration_minutes),
                    travel_minutes=_dec(stop.travel / 60),
                    travel_miles=_dec(stop.distance / routing.METRES_PER_MILE),
                )
            )
            tally = tallies[visit.band]
            tally.carer_contact_minutes += visit.duration_minutes
            # Travel between visits is working time; the journey from home to the first visit
            # is commuting, so it is routed but not counted (docs/routing.md).
            if sequence > 1:
                tally.travel_seconds += stop.travel
                tally.travel_metres += stop.distance
            if visit.ref not in served_refs:
                served_refs.add(visit.ref)
                tally.visits += 1
                tally.contact_minutes += visit.duration_minutes
    TravelStop.objects.bulk_create(stops, batch_size=500)
    unserved = [by_pk_visit[ref].ref for ref in plan.unserved]
    return unserved, problems


@task()
def travel_run_task(run_id: int) -> None:
    run = TravelRun.objects.filter(pk=run_id).first()
    if run is not None and run.status in (TravelRun.Status.QUEUED, TravelRun.Status.FAILED):
        run_travel(run)


def travel_run_enqueue(run: TravelRun) -> None:
    """Run in the background worker once the import is committed."""
    transaction.on_commit(lambda: travel_run_task.enqueue(run.pk))


# --- reading (scoped through queries) --------------------------------------------------------


def travel_run_for(user, pk) -> TravelRun | None:
    return queries.travel_runs_visible_to(user).filter(pk=pk).first()


def run_carer_for(user, run_pk, carer_pk) -> TravelCarer | None:
    run = travel_run_for(user, run_pk)
    if run is None:
        return None
    return run.carers.filter(pk=carer_pk).first()


def carer_summaries(run: TravelRun) -> list[dict]:
    """One line per carer shift that has visits: day, visits, travel."""
    lines: dict[int, dict] = {}
    for stop in TravelStop.objects.filter(carer__run=run).select_related("carer"):
        line = lines.setdefault(
            stop.carer_id,
            {"carer": stop.carer, "visits": 0, "minutes": Decimal(0), "miles": Decimal(0)},
        )
        line["visits"] += 1
        if stop.sequence > 1:
            line["minutes"] += stop.travel_minutes
            line["miles"] += stop.travel_miles
    return sorted(lines.values(), key=lambda x: (x["carer"].shift_start, x["carer"].ref))


def carer_stops(carer: TravelCarer) -> list[TravelStop]:
    return list(carer.stops.select_related("visit").order_by("sequence"))


def other_shifts(carer: TravelCarer) -> list[TravelCarer]:
    return list(carer.run.carers.filter(ref=carer.ref).exclude(pk=carer.pk))


def centroids(codes, *, owner_id: int) -> dict[str, tuple[float, float, str]]:
    """LSOA code -> (latitude, longitude, band as the run's owner maps it)."""
    bands = band_map(owner_id)
    wanted, out = sorted(set(codes)), {}
    for i in range(0, len(wanted), 500):
        rows = Lsoa.objects.filter(code__in=wanted[i : i + 500]).values_list(
            "code", "latitude", "longitude", "ruc_id"
        )
        out.update({code: (lat, lon, bands.get(ruc or "", "")) for code, lat, lon, ruc in rows})
    return out


def feasibility_passed(run: TravelRun) -> bool:
    return run.status == TravelRun.Status.DONE and run.feasible is True


@dataclass
class Unserved:
    """Visits a run left unserved in one band (or all bands), and their contact hours (each
    carer's time, as for served visits: a double-up counts twice)."""

    band: str
    visits: int = 0
    contact_hours: Decimal = Decimal(0)

    @property
    def label(self) -> str:
        return self.band.title() if self.band else "All bands"


@dataclass
class UnservedSummary:
    bands: list[Unserved]
    total: Unserved
    visits: int  # every visit in the run, served or not

    @property
    def share(self) -> Decimal:
        return Decimal(self.total.visits) / self.visits if self.visits else Decimal(0)

    @property
    def too_many(self) -> bool:
        return self.share > MAX_UNSERVED_SHARE

    def sentence(self) -> str:
        if not self.total.visits:
            return "Every visit was served."
        return (
            f"{self.total.visits} of {self.visits} visits ({_percent(self.share)}), "
            f"{self.total.contact_hours} contact hours, were left unserved. Travel per contact "
            "hour is measured on served visits only, so when the visits left out are the hard "
            "ones to reach it understates travel. A run that leaves more than "
            f"{_percent(MAX_UNSERVED_SHARE)} of its visits unserved cannot be applied to a "
            "scenario."
        )


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.1'))}%"


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def unserved_summary(run: TravelRun) -> UnservedSummary:
    """How many visits and contact hours the run left unserved, by band."""
    refs = set(run.unserved or [])
    bands = {band: Unserved(band) for band in BANDS}
    total = Unserved("")
    minutes = defaultdict(int)
    count = 0
    for ref, band, duration, double_up in run.visits.values_list(
        "ref", "band", "duration_minutes", "double_up"
    ):
        count += 1
        if ref in refs:
            bands[band].visits += 1
            minutes[band] += duration * (2 if double_up else 1)
    for band, line in bands.items():
        line.contact_hours = _hours(minutes[band])
        total.visits += line.visits
    total.contact_hours = _hours(sum(minutes.values()))
    return UnservedSummary(
        bands=[line for line in bands.values() if line.visits], total=total, visits=count
    )


# --- applying to a scenario ------------------------------------------------------------------


def source_line(run: TravelRun) -> str:
    ran = timezone.localtime(run.finished_at).date() if run.finished_at else None
    return f"Travel run {run.pk}: {run.zone}, week of {run.week_start:%d %b %Y}" + (
        f", run on {ran:%d %b %Y}" if ran else ""
    )


def travel_apply(*, run: TravelRun, scenario, by, reason: str = ""):
    """A new version of the scenario with this run's travel minutes and miles per contact hour
    for every band the run measured, and the average visit length it measured them at; the run
    is the source of each value. Refused if the run failed its check or left more than
    MAX_UNSERVED_SHARE of its visits unserved."""
    if by is not None and not (
        rules.can_edit_pricing(by, run) and rules.can_edit_pricing(by, scenario)
    ):
        raise NotAllowed("You cannot apply this travel run to that scenario")
    if run.owner_id != scenario.owner_id and scenario.owner_id not in _family(run):
        raise DomainError("The travel run and the scenario belong to different organisations")
    if run.status != TravelRun.Status.DONE:
        raise DomainError("Only a finished travel run can be applied")
    if not feasibility_passed(run):
        raise DomainError("This run did not pass its feasibility check, so it cannot be applied")
    unserved = unserved_summary(run)
    if unserved.too_many:
        raise DomainError(
            f"{unserved.total.visits} of {unserved.visits} visits "
            f"({_percent(unserved.share)}) were left unserved, more than the "
            f"{_percent(MAX_UNSERVED_SHARE)} a run may leave out: travel per contact hour is "
            "measured on served visits only, so these figures would understate travel. Add "
            "carers or shifts where visits were not served and run again."
        )
    source = source_line(run)
    ran = timezone.localtime(run.finished_at).date()
    results = [r for r in run.band_results.all() if r.contact_hours]
    changes = _visit_length_changes(results, source, ran)
    for result in results:
        changes.append(
            services.Change(
                "travel_minutes",
                round(result.minutes_per_contact_hour, 2),
                source=source,
                band=result.band,
                source_date=ran,
            )
        )
        changes.append(
            services.Change(
                "miles",
                round(result.miles_per_contact_hour, 2),
                source=source,
                band=result.band,
                source_date=ran,
            )
        )
    if not changes:
        raise DomainError("This run measured no contact hours, so there is nothing to apply")
    reason = (reason or "").strip() or f"Travel by band measured by {source}"
    with transaction.atomic():
        version = services.scenario_revise(scenario=scenario, by=by, changes=changes, reason=reason)
        Auditor(by=by).event(
            run, summary=f"Travel run {run.pk} applied to {scenario.name} v{version.number}"
        )
    return version


def _visit_length_changes(results, source, ran) -> list:
    """The run's measured average visit length: the cost model rescales travel to 30, 45 and
    60-minute visits from the visit length the travel was measured at. By band if the
    parameter is by band; otherwise the mean of the bands' averages weighted by their contact
    hours (the weight the travel figures carry). Nothing when the run measured no visits."""
    measured = [r for r in results if r.visits and r.average_visit_minutes > 0]
    if not measured:
        return []
    if cost_model.SPECS["average_visit_minutes"].by_band:
        return [
            services.Change(
                "average_visit_minutes",
                r.average_visit_minutes,
                source=source,
                band=r.band,
                source_date=ran,
            )
            for r in measured
        ]
    hours = sum(r.contact_hours for r in measured)
    mean = sum(r.average_visit_minutes * r.contact_hours for r in measured) / hours
    return [
        services.Change(
            "average_visit_minutes", round(mean, 2), source=source, band="", source_date=ran
        )
    ]


def _family(run) -> list[int]:
    from tendercare.organisations.queries import organisation_family

    return organisation_family(run.owner)
