"""Writes about engagement activities, participation, survey imports and census population.
Each is one transaction and leaves an audit record.

The `by` user, when given, must be allowed to manage the activity (commissioning staff who may
edit the register, of the owner's family); `by=None` is the system (demo, management commands).

Participation: every dimension recorded for an activity adds up to the same number, the
activity's participants. A dimension not recorded counts all of them as "not provided".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from django.db import transaction

from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.imports import (
    MAX_BYTES,
    CellError,
    Columns,
    ImportResult,
    Invalid,
    Row,
    RowError,
    Written,
    read_table,
    rows_from,
    run_import,
)
from tendercare.geography.models import Place, Postcode
from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import is_administrator

from . import census, rules, survey_rows
from .groups import BY_CODE, DIMENSIONS, NOT_PROVIDED, quintile_of_decile
from .models import (
    Activity,
    ActivityKind,
    CensusPopulation,
    Channel,
    FeedbackItem,
    Participation,
    SurveyImport,
)

ACTIVITY_FIELDS = (
    "title",
    "kind",
    "channel",
    "starts_on",
    "ends_on",
    "place",
    "organiser",
    "summary",
    "programme",
)


def _require_manage(by, activity: Activity) -> None:
    if by is not None and not rules.can_manage_owned(by, activity):
        raise NotAllowed("You can read this activity but not change it")


def _text(value, message: str, *, max_length: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    if len(value) > max_length:
        raise DomainError(f"{message[6:].capitalize()} must be {max_length} characters or fewer")
    return value


def _clean_activity(owner, values: dict) -> dict:
    out = dict(values)
    out["title"] = _text(values.get("title"), "Enter the activity's title")
    out["organiser"] = _text(values.get("organiser"), "Enter who organised it")
    out["place"] = (values.get("place") or "").strip()[:200]
    out["summary"] = (values.get("summary") or "").strip()
    if values.get("kind") not in ActivityKind.values:
        raise DomainError("Choose the type of activity")
    if values.get("channel") not in Channel.values:
        raise DomainError("Choose digital or in person")
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts_on, dt.date):
        raise DomainError("Enter the date of the activity")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("The closing date must be on or after the start date")
    programme = values.get("programme")
    if programme is not None and programme.owner_id not in organisation_family(owner):
        raise DomainError("The programme belongs to another organisation")
    return out


def activity_create(
    *,
    owner,
    title: str,
    kind: str,
    channel: str,
    starts_on: dt.date,
    organiser: str,
    ends_on: dt.date | None = None,
    place: str = "",
    summary: str = "",
    programme=None,
    by=None,
) -> Activity:
    if by is not None and not (
        rules.may_manage_engagement(by) and owner.pk in organisation_family(by.organisation)
    ):
        raise NotAllowed("Only commissioning staff can record engagement")
    values = _clean_activity(
        owner,
        {
            "title": title,
            "kind": kind,
            "channel": channel,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "place": place,
            "organiser": organiser,
            "summary": summary,
            "programme": programme,
        },
    )
    with transaction.atomic():
        activity = Activity.objects.create(owner=owner, created_by=by, **values)
        Auditor(by=by).created(activity, summary="Engagement activity recorded")
    return activity


def activity_update(
    *,
    activity: Activity,
    title: str,
    kind: str,
    channel: str,
    starts_on: dt.date,
    organiser: str,
    ends_on: dt.date | None = None,
    place: str = "",
    summary: str = "",
    programme=None,
    by=None,
) -> Activity:
    _require_manage(by, activity)
    values = _clean_activity(
        activity.owner,
        {
            "title": title,
            "kind": kind,
            "channel": channel,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "place": place,
            "organiser": organiser,
            "summary": summary,
            "programme": programme,
        },
    )
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        before = snapshot(activity)
        for name, value in values.items():
            setattr(activity, name, value)
        activity.save()
        Auditor(by=by).updated(activity, before=before, summary="Engagement activity changed")
    return activity


def _set_published(activity: Activity, published: bool, by) -> Activity:
    _require_manage(by, activity)
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if activity.published == published:
            return activity
        before = snapshot(activity)
        activity.published = published
        activity.save(update_fields=["published", "updated_at"])
        Auditor(by=by).updated(
            activity,
            before=before,
            summary="Published on the public pages" if published else "Taken off the public pages",
        )
    return activity


def activity_publish(*, activity: Activity, by=None) -> Activity:
    return _set_published(activity, True, by)


def activity_unpublish(*, activity: Activity, by=None) -> Activity:
    return _set_published(activity, False, by)


# --- participation ----------------------------------------------------------------------------


def recorded_counts(activity: Activity) -> dict[str, dict[str, int]]:
    """What is recorded, by dimension and group (dimensions never recorded are absent)."""
    out: dict[str, dict[str, int]] = {}
    for dimension, group, count in Participation.objects.filter(activity=activity).values_list(
        "dimension", "group", "count"
    ):
        out.setdefault(dimension, {})[group] = count
    return out


def _clean_counts(dimension: str, counts: dict) -> dict[str, int]:
    if dimension not in BY_CODE:
        raise DomainError(f"'{dimension}' is not a participation dimension")
    spec = BY_CODE[dimension]
    clean: dict[str, int] = {}
    for group, value in counts.items():
        if group not in spec.codes:
            raise DomainError(f"'{group}' is not a group of {spec.label}")
        if value is None or value == "":
            number = 0
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        else:
            number = -1
        if number < 0:
            raise DomainError(f"{spec.label_of(group)}: enter a whole number, 0 or more")
        clean[group] = number
    return clean


def _check_totals(activity_label: str, counts: dict[str, dict[str, int]], changed: str) -> None:
    totals = {dim: sum(groups.values()) for dim, groups in counts.items()}
    others = {dim: n for dim, n in totals.items() if dim != changed}
    if not others:
        return
    expected = next(iter(others.values()))
    if any(n != expected for n in others.values()):  # should never happen: say so plainly
        raise DomainError(f"The participation recorded for {activity_label} is inconsistent")
    if totals[changed] != expected:
        label = BY_CODE[changed].label
        raise DomainError(
            f"{label} adds up to {totals[changed]:,} but this activity has {expected:,} "
            f"participants (the other dimensions add up to {expected:,}). Every dimension must "
            f"add up to the same number: count people who did not say as 'Not provided'."
        )


def _write_counts(activity: Activity, dimension: str, counts: dict[str, int]) -> None:
    Participation.objects.filter(activity=activity, dimension=dimension).delete()
    Participation.objects.bulk_create(
        Participation(activity=activity, dimension=dimension, group=group, count=n)
        for group, n in counts.items()
        if n
    )


def participation_set(
    *, activity: Activity, dimension: str, counts: dict[str, int], by=None
) -> dict[str, int]:
    """Replace one dimension's counts. They must add up to the activity's participants (the
    total of the other dimensions recorded); the first dimension recorded sets the total."""
    _require_manage(by, activity)
    clean = _clean_counts(dimension, counts)
    with transaction.atomic():
        Activity.objects.select_for_update().filter(pk=activity.pk).first()
        recorded = recorded_counts(activity)
        before = recorded.get(dimension, {})
        recorded[dimension] = clean
        _check_totals(str(activity), recorded, dimension)
        _write_counts(activity, dimension, clean)
        Auditor(by=by).event(
            activity,
            summary=f"Participation by {BY_CODE[dimension].label.lower()} recorded",
            data={"dimension": dimension, "before": before, "after": clean},
        )
    return clean


def participation_clear(*, activity: Activity, by=None) -> None:
    """Remove every count, to enter them again with a different total."""
    _require_manage(by, activity)
    with transaction.atomic():
        before = recorded_counts(activity)
        Participation.objects.filter(activity=activity).delete()
        Auditor(by=by).event(activity, summary="Participation cleared", data={"before": before})


def participation_add(
    *, activity: Activity, counts: dict[str, dict[str, int]], by=None, summary: str = ""
) -> dict[str, dict[str, int]]:
    """Add counts (every dimension adding up to the same number) to what is recorded. The
    earlier participants count as not provided in a dimension recorded only now, and the people
    added count as not provided in a dimension recorded only before, so every dimension still
    adds up to the same total."""
    _require_manage(by, activity)
    added = {dim: _clean_counts(dim, groups) for dim, groups in counts.items()}
    sizes = {sum(groups.values()) for groups in added.values()}
    if len(sizes) > 1:
        raise DomainError("Every dimension added must add up to the same number of people")
    with transaction.atomic():
        Activity.objects.select_for_update().filter(pk=activity.pk).first()
        recorded = recorded_counts(activity)
        earlier = sum(next(iter(recorded.values())).values()) if recorded else 0
        size = sizes.pop() if sizes else 0
        result = {}
        for d in DIMENSIONS:
            if d.code not in recorded and d.code not in added:
                continue
            now = dict(recorded.get(d.code, {NOT_PROVIDED: earlier} if earlier else {}))
            extra = added.get(d.code, {NOT_PROVIDED: size} if size else {})
            for group, n in extra.items():
                now[group] = now.get(group, 0) + n
            result[d.code] = now
            _write_counts(activity, d.code, now)
        Auditor(by=by).event(
            activity,
            summary=summary or "Participation added",
            data={"before": recorded, "added": added},
        )
    return result


# --- survey import ----------------------------------------------------------------------------

SURVEY_COLUMNS = Columns(
    required=survey_rows.COLUMNS,
    optional=survey_rows.OPTIONAL_COLUMNS,
)


def _quintiles_of(postcodes: set[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    codes = sorted(postcodes)
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        for code, decile in Postcode.objects.filter(code__in=chunk).values_list(
            "code", "lsoa__imd_decile"
        ):
            found[code] = quintile_of_decile(decile) if decile else None
    return found


def survey_already_imported(activity: Activity, sha256: str) -> SurveyImport | None:
    return (
        SurveyImport.objects.filter(
            activity=activity, sha256=sha256, status=SurveyImport.Status.DONE
        )
        .order_by("imported_at")
        .first()
    )


def survey_import(
    *,
    activity: Activity,
    file,
    filename: str,
    by=None,
    dry_run: bool = False,
    progress=None,
    received_on: dt.date | None = None,
) -> ImportResult:
    """Import survey responses (one row a respondent; columns in survey_rows.py): every cell
    checked, all or nothing. Counts are added to the activity's participation; feedback text
    becomes feedback items. Only counts and feedback are kept, never a postcode. The same file
    (by sha256) imported again into the same activity changes nothing."""
    _require_manage(by, activity)
    # Read no more than the import framework accepts: a larger file is refused as too large.
    data = file.read(MAX_BYTES + 1) if hasattr(file, "read") else bytes(file)
    if isinstance(data, str):
        data = data.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    earlier = survey_already_imported(activity, digest)
    if earlier is not None:
        result = ImportResult(filename=filename, dry_run=dry_run)
        result.notes.append(
            f"this file was already imported on {earlier.imported_at:%d %B %Y} "
            f"({earlier.rows:,} responses); nothing was changed"
        )
        return result
    try:
        table = read_table(io.BytesIO(data), filename)
        rows, _ = rows_from(table, SURVEY_COLUMNS)
    except Exception:  # the import below reports why the file cannot be read
        rows = []
    quintiles = _quintiles_of(survey_rows.postcodes_in(rows))
    unknown_postcodes = 0

    def validate(row: Row):
        got = survey_rows.respondent(row, quintile_of_postcode=quintiles.get)
        if isinstance(got, survey_rows.RowProblems):
            return Invalid([CellError(column, message) for column, message in got.problems])
        return got

    def write(respondents: list) -> Written:
        nonlocal unknown_postcodes
        counts = survey_rows.tally(respondents)
        participation_add(
            activity=activity,
            counts=counts,
            by=by,
            summary=f"Survey responses imported from {filename}: {len(respondents):,}",
        )
        record = SurveyImport.objects.create(
            activity=activity,
            filename=filename[:255],
            sha256=digest,
            status=SurveyImport.Status.DONE,
            rows=len(respondents),
            imported_by=by,
        )
        auditor = Auditor(by=by)
        auditor.created(record, summary=f"{len(respondents):,} survey responses imported")
        day = received_on or dt.date.today()
        items = FeedbackItem.objects.bulk_create(
            FeedbackItem(activity=activity, text=r.feedback, received_on=day, survey_import=record)
            for r in respondents
            if r.feedback
        )
        if items:
            auditor.bulk_created(items, summary=f"Feedback from survey {filename}")
        unknown_postcodes = sum(1 for r in respondents if r.postcode_unknown)
        notes = [f"{len(items):,} feedback comments kept"]
        if unknown_postcodes:
            notes.append(
                f"{unknown_postcodes:,} postcodes are not in the loaded postcode directory "
                "(outside the areas loaded, or new): counted as deprivation not provided"
            )
        return Written(created=len(respondents), notes=notes)

    result = run_import(
        io.BytesIO(data),
        filename=filename,
        columns=SURVEY_COLUMNS,
        validate=validate,
        write=write,
        dry_run=dry_run,
        progress=progress,
    )
    if not result.ok and not dry_run:
        _record_failure(activity, filename, digest, result, by)
    return result


def _record_failure(activity, filename, digest, result: ImportResult, by) -> None:
    with transaction.atomic():
        record = SurveyImport.objects.create(
            activity=activity,
            filename=filename[:255],
            sha256=digest,
            status=SurveyImport.Status.FAILED,
            rows=result.rows,
            errors=[[e.row, e.column, e.message] for e in result.errors[:500]],
            error_count=len(result.errors),
            imported_by=by,
        )
        Auditor(by=by).created(
            record, summary=f"Survey import refused: {len(result.errors):,} problems"
        )


# --- census population ------------------------------------------------------------------------


def census_load(*, file, filename: str, table: str, by=None, dry_run: bool = False):
    """Load one Census 2021 local-authority table (census.TABLES) into CensusPopulation for the
    places already loaded; rows for other areas are skipped and counted. All or nothing."""
    if by is not None and not (is_administrator(by) or rules.may_manage_engagement(by)):
        raise NotAllowed("Only commissioning staff can load census tables")
    spec = census.TABLES.get((table or "").upper())
    result = ImportResult(filename=filename, dry_run=dry_run)
    if spec is None:
        result.errors.append(
            RowError(0, "", f"Unknown table '{table}': one of {', '.join(census.TABLES)}")
        )
        return result
    try:
        rows = read_table(file, filename)
    except Exception as exc:  # ImportFileError carries the message a person acts on
        result.errors.append(RowError(0, "", str(getattr(exc, "args", [exc])[0])))
        return result
    parsed = census.parse(spec, rows)
    result.rows = len(parsed.counts)
    result.errors.extend(RowError(p.row, p.column, p.message) for p in parsed.problems)
    if result.errors:
        return result
    known = set(Place.objects.filter(code__in=parsed.counts).values_list("code", flat=True))
    source = f"{spec.source}, from {filename}"
    with transaction.atomic():
        created = updated = 0
        for code in sorted(known):
            for group, count in parsed.counts[code].items():
                _, made = CensusPopulation.objects.update_or_create(
                    place_id=code,
                    dimension=spec.dimension,
                    group=group,
                    defaults={"count": count, "source": source},
                )
                created += made
                updated += not made
        place_label = ", ".join(sorted(known)) or "no areas"
        if known:
            first = Place.objects.get(pk=sorted(known)[0])
            Auditor(by=by).event(
                first,
                summary=f"Census {spec.code} loaded for {place_label}"[:500],
                data={"table": spec.code, "places": sorted(known), "source": source},
            )
        if dry_run:
            transaction.set_rollback(True)
    result.created, result.updated = created, updated
    skipped = len(parsed.counts) - len(known)
    result.notes.append(f"{spec.code} loaded for {len(known):,} areas")
    if skipped:
        result.notes.append(f"{skipped:,} areas skipped: they are not among the places loaded")
    return result


# --- the ages a programme serves (reach compares age with residents of these ages) ------------


def programme_set_ages_served(*, programme, youngest_age: int, by=None):
    """Set the youngest age the programme's services are for (Programme.youngest_age_served:
    all ages, 16 and over, or 65 and over). Reach then compares participants by age with
    residents of those ages only. Commissioning staff who may manage engagement, of the
    programme owner's family; `by=None` is the system (the demo)."""
    from tendercare.programmes.models import AgesServed, Programme

    if by is not None and not (
        rules.may_manage_engagement(by)
        and getattr(by, "organisation_id", None)
        and programme.owner_id in organisation_family(by.organisation)
    ):
        raise NotAllowed(
            "Only commissioning staff of the programme's organisation can change the ages it serves"
        )
    try:
        youngest_age = int(youngest_age)
    except (TypeError, ValueError):
        youngest_age = -1
    if youngest_age not in AgesServed.values:
        raise DomainError("Choose the people this programme serves")
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.youngest_age_served == youngest_age:
            return programme
        before = snapshot(programme)
        programme.youngest_age_served = youngest_age
        programme.save(update_fields=["youngest_age_served", "updated_at"])
        Auditor(by=by).updated(
            programme,
            before=before,
            summary=f"Ages served, for engagement reach: {AgesServed(youngest_age).label.lower()}",
        )
    return programme
