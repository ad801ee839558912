"""The rules of a visit file (electronic call monitoring records), with no Django in them.

Ingestion (visits.py) reads a CSV, XLSX or Parquet file into one table of text and checks it in
DuckDB, so that a file of millions of rows is checked column by column rather than row by row.
The rules live here once: the column names, the limits, the words for yes and no, and the SQL
that parses times and checks each cell. The Python functions beside the SQL say the same thing
for one value at a time; the tests hold the two to each other.

Times are UK wall-clock time (Europe/London) unless they carry an offset ("+01:00", "Z"); they
are stored as naive UTC. At the clock changes a wall-clock time without an offset is read with
fold=0: in the October hour that happens twice (01:00-01:59) the first one, in British Summer
Time; in the March hour that never happens (01:00-01:59) as if the clocks had not yet gone
forward (01:30 is 01:30 UTC, which the clocks show as 02:30 BST).
"""

from __future__ import annotations

import datetime as dt
import re

REQUIRED = (
    "visit_id",
    "provider",
    "client_id",
    "carer_id",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "double_up",
    "time_critical",
    "travel_minutes_paid",
    "travel_miles",
    "verified_by",
)
PLACE_COLUMNS = ("zone", "postcode", "lsoa")
OPTIONAL = ("agreed_short", "second_carer_id", *PLACE_COLUMNS)
ALL_COLUMNS = (*REQUIRED, *OPTIONAL)
TIME_COLUMNS = ("planned_start", "planned_end", "actual_start", "actual_end")
BOOLEAN_COLUMNS = ("double_up", "time_critical", "agreed_short")
NUMBER_COLUMNS = {"travel_minutes_paid": ("minutes", 600), "travel_miles": ("miles", 500)}
TEXT_LIMITS = {"visit_id": 100, "client_id": 100, "carer_id": 100, "second_carer_id": 100}

TRUE_WORDS = ("yes", "y", "true", "t", "1")
FALSE_WORDS = ("no", "n", "false", "f", "0")
VERIFIED_BY = ("ecm", "manual")

MIN_PLANNED_MINUTES = 5
MAX_PLANNED_MINUTES = 12 * 60
MAX_ACTUAL_MINUTES = 24 * 60
# The actual start may be this far from the planned start (a visit moved to another day is a
# new visit, not a late one).
MAX_START_GAP_MINUTES = 24 * 60
FIRST_YEAR, LAST_YEAR = 2010, 2099
MAX_ERRORS = 200

SECOND_CARER_NOT_DOUBLE_UP = "Only a double-up visit has a second carer"
TIME_HINT = "like 2025-10-26 09:30 (UK time) or 2025-10-26T09:30+01:00"
BOOLEAN_HINT = "Enter yes or no (or true/false, 1/0)"

# RE2 (DuckDB) and Python `re` read these the same way.
ISO_TIME = (
    r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ]([01]?\d|2[0-3]):([0-5]\d)"
    r"(?::([0-5]\d)(?:\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
UK_TIME = r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T]([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$"


# --- one value at a time -----------------------------------------------------------------------


def header_problems(header: list[str]) -> list[tuple[str, str]]:
    """(column, message) for a header that cannot be read: repeated, missing or unknown."""
    problems = []
    seen = set()
    for name in header:
        if name in seen:
            problems.append((name, f"Column '{name}' appears more than once"))
        seen.add(name)
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        problems.append((", ".join(missing), "Missing columns: " + ", ".join(missing)))
    if not seen & set(PLACE_COLUMNS):
        problems.append(("zone", "Give a zone column, or a postcode or lsoa column"))
    unknown = [c for c in header if c not in ALL_COLUMNS]
    if unknown:
        problems.append(
            (
                ", ".join(unknown),
                f"Unknown columns: {', '.join(unknown)}. The columns are: {', '.join(ALL_COLUMNS)}",
            )
        )
    return problems


def parse_bool(text: str) -> bool | None:
    """True or False, or None when the text is neither (blank is neither)."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def parse_time(text: str) -> tuple[dt.datetime, int | None] | None:
    """(wall-clock time, offset in minutes or None) or None when it is not a date and time."""
    text = text.strip()
    if match := re.match(ISO_TIME, text):
        y, mo, d, h, mi, s, zone = match.groups()
    elif match := re.match(UK_TIME, text):
        d, mo, y, h, mi, s = match.groups()
        zone = None
    else:
        return None
    try:
        wall = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
    except ValueError:
        return None
    return wall, offset_minutes(zone or "")


def offset_minutes(zone: str) -> int | None:
    """'Z' -> 0, '+01:00' / '+0100' / '+01' -> 60, '' -> None."""
    if not zone:
        return None
    if zone == "Z":
        return 0
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return sign * (int(digits[:2]) * 60 + int(digits[2:4] or 0))


def bst_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """British Summer Time in UTC: 01:00 on the last Sunday of March to 01:00 on the last
    Sunday of October (the rule since 1996)."""

    def last_sunday(month: int) -> dt.datetime:
        end = dt.datetime(year, month, 31, 1)
        return end - dt.timedelta(days=(end.weekday() + 1) % 7)

    return last_sunday(3), last_sunday(10)


def london_to_utc(wall: dt.datetime) -> dt.datetime:
    """A naive Europe/London wall-clock time -> naive UTC, with fold=0 at the clock changes."""
    start, end = bst_bounds(wall.year)
    # fold=0 keeps the offset from before each change for the hour that is skipped or repeated,
    # so summer time runs on the wall clock from 02:00 in March to 02:00 in October.
    hour = dt.timedelta(hours=1)
    return wall - hour if start + hour <= wall < end + hour else wall


def utc_to_london(utc: dt.datetime) -> dt.datetime:
    start, end = bst_bounds(utc.year)
    return utc + dt.timedelta(hours=1) if start <= utc < end else utc


def to_utc(wall: dt.datetime, offset: int | None) -> dt.datetime:
    if offset is None:
        return london_to_utc(wall)
    return wall - dt.timedelta(minutes=offset)


def month_of(utc: dt.datetime) -> str:
    """The store's month partition: the month of the time on a UK clock."""
    return f"{utc_to_london(utc):%Y-%m}"


# --- the same in DuckDB SQL ------------------------------------------------------------------

SQL_MACROS = (
    "CREATE OR REPLACE MACRO bst_start(y) AS make_timestamp(y, 3, 31, 1, 0, 0) "
    "- to_days(CAST(dayofweek(make_date(y, 3, 31)) AS INTEGER))",
    "CREATE OR REPLACE MACRO bst_end(y) AS make_timestamp(y, 10, 31, 1, 0, 0) "
    "- to_days(CAST(dayofweek(make_date(y, 10, 31)) AS INTEGER))",
    # Wall clock -> UTC with fold=0 (see london_to_utc).
    "CREATE OR REPLACE MACRO london_to_utc(w) AS CASE "
    "WHEN w >= bst_start(year(w)) + INTERVAL 1 HOUR AND w < bst_end(year(w)) + INTERVAL 1 HOUR "
    "THEN w - INTERVAL 1 HOUR ELSE w END",
    "CREATE OR REPLACE MACRO utc_to_london(u) AS CASE "
    "WHEN u >= bst_start(year(u)) AND u < bst_end(year(u)) THEN u + INTERVAL 1 HOUR ELSE u END",
    "CREATE OR REPLACE MACRO offset_minutes(z) AS CASE WHEN z = '' THEN NULL "
    "WHEN z = 'Z' THEN 0 ELSE (CASE WHEN z[1] = '-' THEN -1 ELSE 1 END) * "
    "(CAST(replace(z, ':', '')[2:3] AS INTEGER) * 60 "
    "+ coalesce(TRY_CAST(NULLIF(replace(z, ':', '')[4:5], '') AS INTEGER), 0)) END",
    "CREATE OR REPLACE MACRO parse_bool(t) AS CASE "
    f"WHEN lower(t) IN ({', '.join(repr(w) for w in TRUE_WORDS)}) THEN TRUE "
    f"WHEN lower(t) IN ({', '.join(repr(w) for w in FALSE_WORDS)}) THEN FALSE END",
)


# The day columns of the store (THE VISIT STORE CONTRACT): the UK calendar day of the planned
# start, and 23:00 UK time on that day as naive UTC (22:00 UTC in summer), over naive UTC
# planned_start. Needs SQL_MACROS.
SQL_PLANNED_DAY = "CAST(utc_to_london({0}) AS DATE)"
SQL_DAY_CUTOFF = (
    "london_to_utc(CAST(CAST(utc_to_london({0}) AS DATE) AS TIMESTAMP) + INTERVAL 23 HOUR)"
)


def planned_day(utc: dt.datetime) -> dt.date:
    """The UK calendar day of a naive UTC time (SQL_PLANNED_DAY, one value at a time)."""
    return utc_to_london(utc).date()


def day_cutoff(utc: dt.datetime) -> dt.datetime:
    """23:00 UK time on the UK day of a naive UTC time, as naive UTC (SQL_DAY_CUTOFF)."""
    return london_to_utc(dt.datetime.combine(planned_day(utc), dt.time(23)))


def sql_time_parts(column: str) -> str:
    """<column>_iso and <column>_uk: each pattern's fields, matched once per cell (the UK
    pattern only when the ISO one does not match)."""
    return (
        f"regexp_extract({column}, '{ISO_TIME}', ['y','mo','d','h','mi','s','z']) "
        f"AS {column}_iso, CASE WHEN NOT regexp_full_match({column}, '{ISO_TIME}') THEN "
        f"regexp_extract({column}, '{UK_TIME}', ['d','mo','y','h','mi','s']) END AS {column}_uk"
    )


def sql_time(column: str) -> str:
    """Columns <column>_wall (TIMESTAMP or NULL) and <column>_off (minutes or NULL), as a
    SELECT list fragment over a relation with sql_time_parts(column)."""
    iso, uk = f"{column}_iso", f"{column}_uk"
    return (
        f"try(CASE WHEN {iso}.y <> '' THEN make_timestamp("
        f"CAST({iso}.y AS BIGINT), CAST({iso}.mo AS BIGINT), CAST({iso}.d AS BIGINT), "
        f"CAST({iso}.h AS BIGINT), CAST({iso}.mi AS BIGINT), "
        f"CAST(coalesce(NULLIF({iso}.s, ''), '0') AS DOUBLE)) "
        f"WHEN {uk}.y <> '' THEN make_timestamp("
        f"CAST({uk}.y AS BIGINT), CAST({uk}.mo AS BIGINT), CAST({uk}.d AS BIGINT), "
        f"CAST({uk}.h AS BIGINT), CAST({uk}.mi AS BIGINT), "
        f"CAST(coalesce(NULLIF({uk}.s, ''), '0') AS DOUBLE)) END) AS {column}_wall, "
        f"offset_minutes({iso}.z) AS {column}_off"
    )


def sql_utc(column: str) -> str:
    return (
        f"CASE WHEN {column}_off IS NULL THEN london_to_utc({column}_wall) "
        f"ELSE {column}_wall - to_minutes(CAST({column}_off AS INTEGER)) END"
    )


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_cell_checks() -> list[tuple[str, str, str]]:
    """(column, SQL condition that is true when the cell is wrong, SQL message) over the
    relation `parsed` (text columns trimmed, times parsed to _wall/_utc, numbers to _num)."""
    checks: list[tuple[str, str, str]] = []
    for column, label in (
        ("visit_id", "visit id"),
        ("provider", "provider"),
        ("client_id", "client id"),
        ("carer_id", "carer id"),
    ):
        checks.append((column, f"{column} = ''", _q(f"Enter the {label}")))
    for column, limit in TEXT_LIMITS.items():
        checks.append(
            (column, f"length({column}) > {limit}", _q(f"Must be {limit} characters or fewer"))
        )
    for column in TIME_COLUMNS:
        label = column.replace("_", " ")
        if column.startswith("planned"):
            checks.append((column, f"{column} = ''", _q(f"Enter the {label}")))
        checks.append(
            (
                column,
                f"{column} <> '' AND {column}_wall IS NULL",
                _q(f"Enter the {label} as a date and time {TIME_HINT}"),
            )
        )
        checks.append(
            (
                column,
                f"{column}_wall IS NOT NULL AND year({column}_wall) NOT BETWEEN "
                f"{FIRST_YEAR} AND {LAST_YEAR}",
                _q(f"The year must be between {FIRST_YEAR} and {LAST_YEAR}"),
            )
        )
    planned = "date_diff('second', planned_start_utc, planned_end_utc) / 60.0"
    checks += [
        (
            "planned_end",
            "planned_end_utc <= planned_start_utc",
            _q("The planned end must be after the planned start"),
        ),
        (
            "planned_end",
            f"planned_end_utc > planned_start_utc AND ({planned} < {MIN_PLANNED_MINUTES} "
            f"OR {planned} > {MAX_PLANNED_MINUTES})",
            f"'The planned visit lasts ' || CAST(round({planned}) AS BIGINT) || "
            f"' minutes: it must be between {MIN_PLANNED_MINUTES} minutes and "
            f"{MAX_PLANNED_MINUTES // 60} hours'",
        ),
        (
            "actual_start",
            "actual_start = '' AND actual_end <> ''",
            _q("Enter the actual start: there is an actual end"),
        ),
        (
            "actual_end",
            "actual_end_utc <= actual_start_utc",
            _q("The actual end must be after the actual start"),
        ),
        (
            "actual_end",
            f"date_diff('second', actual_start_utc, actual_end_utc) > {MAX_ACTUAL_MINUTES * 60}",
            _q(f"The actual visit lasts more than {MAX_ACTUAL_MINUTES // 60} hours"),
        ),
        (
            "actual_start",
            f"abs(date_diff('second', planned_start_utc, actual_start_utc)) > "
            f"{MAX_START_GAP_MINUTES * 60}",
            _q(
                f"The actual start is more than {MAX_START_GAP_MINUTES // 60} hours from the "
                "planned start"
            ),
        ),
    ]
    checks += [
        (
            "second_carer_id",
            "second_carer_id <> '' AND NOT coalesce(parse_bool(double_up), TRUE)",
            _q(SECOND_CARER_NOT_DOUBLE_UP),
        ),
        (
            "second_carer_id",
            "second_carer_id <> '' AND second_carer_id = carer_id",
            _q("The second carer must not be the same as the carer"),
        ),
    ]
    for column in BOOLEAN_COLUMNS:
        if column == "agreed_short":
            condition = "agreed_short <> '' AND parse_bool(agreed_short) IS NULL"
        else:
            condition = f"parse_bool({column}) IS NULL"
        checks.append((column, condition, _q(BOOLEAN_HINT)))
    for column, (unit, limit) in NUMBER_COLUMNS.items():
        checks += [
            (
                column,
                f"{column} <> '' AND {column}_num IS NULL",
                _q(f"Enter a number of {unit}, like 12.5"),
            ),
            (column, f"{column}_num < 0", _q(f"Must be 0 {unit} or more")),
            (column, f"{column}_num > {limit}", _q(f"Must be {limit} {unit} or fewer")),
        ]
    checks.append(
        (
            "verified_by",
            f"lower(verified_by) NOT IN ({', '.join(_q(v) for v in VERIFIED_BY)})",
            _q("Enter ecm (electronic call monitoring) or manual"),
        )
    )
    return checks
