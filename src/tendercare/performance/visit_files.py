# ruff: noqa: S608 - SQL here is built from our own column names, rules and paths; values
# from a file are data in DuckDB tables, query parameters, or quoted literals.
"""Reading a visit file into Arrow and checking it in DuckDB (used by visits.py).

Every format becomes one table of text with `_row`, the row number a person sees in the
spreadsheet (the header is row 1), so that the checks, and their messages, are the same
whether the file was CSV, XLSX or Parquet. The rules are in visit_rows.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tendercare.core.imports import ImportFileError, read_table

from . import visit_rows

XLSX_MAX_BYTES = 200 * 1024 * 1024


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says what to do."""


def read(path: Path, filename: str) -> tuple[pa.Table | None, list[tuple[int, str, str]]]:
    """(table with _row and the file's columns, problems with the header or the rows' shape)."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    if not head:
        raise FileProblem("The file is empty.")
    name = filename.lower()
    if head == b"PAR1" or name.endswith(".parquet"):
        table = _read_parquet(path)
        shape: list = []
    elif head == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        table, shape = _read_xlsx(path, filename)
    elif name.endswith(".xls"):
        raise FileProblem("Old Excel files (.xls) are not supported. Save it as .xlsx or CSV.")
    else:
        table, shape = _read_csv(path)
    header = [n for n in table.column_names if n != "_row"]
    problems = [(1, column, message) for column, message in visit_rows.header_problems(header)]
    if not problems and table.num_rows == 0:
        problems.append((0, "", "The file has a header but no rows."))
    return table, problems + shape


def _names(header: list[str]) -> list[str]:
    return [str(h).strip().lstrip("\ufeff").strip().lower() for h in header]


def _read_csv(path: Path) -> tuple[pa.Table, list]:
    with open(path, "rb") as handle:
        first = handle.readline()
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            "The file is not UTF-8 text. Save it as 'CSV UTF-8', Excel (.xlsx) or Parquet."
        ) from exc
    if not text.strip():
        raise FileProblem("The file is empty.")
    delimiter = max([",", ";", "\t"], key=text.count)
    header = _names(next(csv.reader([text], delimiter=delimiter)))
    while header and header[-1] == "":
        header.pop()
    shape = []

    def bad_row(row) -> str:
        shape.append(
            (
                (row.number or 0),
                "",
                f"This row has {row.actual_columns} values but the header has "
                f"{row.expected_columns} columns",
            )
        )
        return "skip"

    placeholders = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=placeholders, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=bad_row),
            convert_options=pacsv.ConvertOptions(
                column_types={p: pa.string() for p in placeholders},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        text = str(exc)
        if "UTF8" in text or "utf-8" in text.lower():
            raise FileProblem(
                "The file is not UTF-8 text. Save it as 'CSV UTF-8', Excel (.xlsx) or Parquet."
            ) from exc
        raise FileProblem("The CSV file cannot be read: " + text.split("\n")[0][:200]) from exc
    if shape:
        # The threaded reader does not know line numbers; on this error path, count records.
        shape = _ragged_rows(path, delimiter, len(header))
    table = table.rename_columns(header)
    rows = pa.array(range(2, table.num_rows + 2), type=pa.int64())
    return table.append_column("_row", rows), shape


def _ragged_rows(path: Path, delimiter: str, width: int) -> list[tuple[int, str, str]]:
    found = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for number, line in enumerate(csv.reader(handle, delimiter=delimiter), start=1):
            if number > 1 and line and len(line) != width and any(c.strip() for c in line):
                found.append(
                    (number, "", f"This row has {len(line)} values but the header has {width}")
                )
                if len(found) >= visit_rows.MAX_ERRORS:
                    break
    return found


def _read_parquet(path: Path) -> pa.Table:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise FileProblem(
            "The file cannot be read as Parquet. Check it was written completely."
        ) from exc
    table = table.rename_columns(_names(table.column_names))
    rows = pa.array(range(2, table.num_rows + 2), type=pa.int64())
    return table.append_column("_row", rows)


def _read_xlsx(path: Path, filename: str) -> tuple[pa.Table, list]:
    try:
        with open(path, "rb") as handle:
            lines = read_table(handle, filename or "visits.xlsx", max_bytes=XLSX_MAX_BYTES)
    except ImportFileError as exc:
        raise FileProblem(str(exc)) from exc
    header = _names(lines[0]) if lines else []
    while header and header[-1] == "":
        header.pop()
    columns: dict[str, list[str]] = {name: [] for name in header}
    numbers, shape = [], []
    for number, line in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in line):
            continue
        if any(cell.strip() for cell in line[len(header) :]):
            shape.append((number, "", f"This row has values beyond the {len(header)} columns"))
            continue
        numbers.append(number)
        for i, name in enumerate(header):
            columns[name].append(line[i] if i < len(line) else "")
    if len(columns) != len(header):  # a repeated name: let the header check say so
        return pa.table({name: pa.array([], pa.string()) for name in columns} | {"_row": []}), [
            (1, "", "Two columns have the same name")
        ]
    table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    return table.append_column("_row", pa.array(numbers, type=pa.int64())), shape


# --- in DuckDB -------------------------------------------------------------------------------


def load(con, table: pa.Table) -> int:
    """The table `raw`: every column as trimmed text ('' for missing), blank rows left out."""
    present = set(table.column_names)
    con.register("upload", table)
    cells = []
    for column in visit_rows.ALL_COLUMNS:
        if column in present:
            cells.append(f"coalesce(trim(CAST(\"{column}\" AS VARCHAR)), '') AS {column}")
        else:
            cells.append(f"'' AS {column}")
    blank = " AND ".join(
        f"coalesce(trim(CAST(\"{c}\" AS VARCHAR)), '') = ''"
        for c in visit_rows.ALL_COLUMNS
        if c in present
    )
    con.execute(
        f"CREATE TEMP TABLE raw AS SELECT _row, {', '.join(cells)} FROM upload "  # noqa: S608
        f"WHERE NOT ({blank or 'FALSE'})"
    )
    con.unregister("upload")
    return con.execute("SELECT count(*) FROM raw").fetchone()[0]


def parse(con) -> None:
    """The table `parsed`: raw, times parsed, numbers cast, names and places looked up
    (provider_keys, zone_names, lsoa_zones, postcode_lsoas, lsoa_bands registered first)."""
    parts = ", ".join(visit_rows.sql_time_parts(c) for c in visit_rows.TIME_COLUMNS)
    times = ", ".join(visit_rows.sql_time(c) for c in visit_rows.TIME_COLUMNS)
    numbers = ", ".join(
        f"TRY_CAST(NULLIF({c}, '') AS DOUBLE) AS {c}_num" for c in visit_rows.NUMBER_COLUMNS
    )
    utc = ", ".join(f"{visit_rows.sql_utc(c)} AS {c}_utc" for c in visit_rows.TIME_COLUMNS)
    structs = ", ".join(f"{c}_iso, {c}_uk" for c in visit_rows.TIME_COLUMNS)
    con.execute(
        f"""
        CREATE TEMP TABLE parsed AS
        WITH t AS (SELECT *, {parts} FROM raw),
        a AS (
          SELECT r.*, {times}, {numbers}, p.provider_id, z.zone_id AS named_zone_id,
                 pc.lsoa AS postcode_lsoa,
                 coalesce(NULLIF(upper(r.lsoa), ''), pc.lsoa, '') AS lsoa_code
          FROM t r
          LEFT JOIN provider_keys p ON p.key = lower(r.provider)
          LEFT JOIN zone_names z ON z.key = lower(r.zone)
          LEFT JOIN postcode_lsoas pc ON pc.code = upper(replace(r.postcode, ' ', ''))
        )
        ,
        x AS (SELECT a.* EXCLUDE ({structs}), {utc} FROM a),
        -- The zones the LSOA is in; where it is in more than one (zones redrawn), the one in
        -- which the provider has a status on the visit's day.
        cand AS (
          SELECT x._row, lz.zone_id, bool_or(pz.zone_id IS NOT NULL) AS active
          FROM x
          JOIN lsoa_zones lz ON lz.lsoa = x.lsoa_code
          LEFT JOIN provider_zones pz
            ON pz.zone_id = lz.zone_id AND pz.provider_id = x.provider_id
           AND pz.since <= CAST(utc_to_london(x.planned_start_utc) AS DATE)
           AND (pz.until IS NULL OR pz.until >= CAST(utc_to_london(x.planned_start_utc) AS DATE))
          GROUP BY x._row, lz.zone_id
        ),
        choice AS (
          SELECT _row, count(*) AS zones,
                 CASE WHEN count(*) = 1 THEN min(zone_id)
                      WHEN count(*) FILTER (WHERE active) = 1
                      THEN min(zone_id) FILTER (WHERE active) END AS zone_id
          FROM cand GROUP BY _row
        )
        SELECT x.*, ch.zone_id AS lsoa_zone_id, coalesce(ch.zones, 0) AS lsoa_zone_count,
               coalesce(b.band, '') AS band
        FROM x
        LEFT JOIN choice ch ON ch._row = x._row
        LEFT JOIN lsoa_bands b ON b.lsoa = x.lsoa_code
        """  # noqa: S608 - only our own column names and rules
    )


AMBIGUOUS = (
    " is in more than one zone, and the provider has a status on the visit's day in none or "
    "several of them: give the zone"
)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def problems(con, *, owner_name: str, stored_sql: str) -> tuple[int, list[tuple[int, str, str]]]:
    """(how many problems, the first MAX_ERRORS as (row, column, message)), in row order."""
    checks = list(visit_rows.sql_cell_checks())
    checks += [
        (
            "provider",
            "provider <> '' AND provider_id IS NULL",
            "'No provider called ''' || provider || ''': use its registered name or ODS code'",
        ),
        (
            "zone",
            "zone <> '' AND named_zone_id IS NULL",
            f"'No zone called ''' || zone || ''' in ' || {_q(owner_name)}",
        ),
        (
            "zone",
            "zone = '' AND postcode = '' AND lsoa = ''",
            _q("Enter the zone, or a postcode or LSOA code"),
        ),
        (
            "postcode",
            "zone = '' AND lsoa = '' AND postcode <> '' AND postcode_lsoa IS NULL",
            "'Postcode ' || postcode || ' is not in the postcode directory'",
        ),
        (
            "lsoa",
            "zone = '' AND lsoa <> '' AND lsoa_zone_count = 0",
            f"'LSOA ' || lsoa || ' is in none of the zones of ' || {_q(owner_name)}",
        ),
        (
            "postcode",
            "zone = '' AND lsoa = '' AND postcode_lsoa IS NOT NULL AND lsoa_zone_count = 0",
            "'Postcode ' || postcode || ' (LSOA ' || postcode_lsoa || ') is in none of the "
            f"zones of ' || {_q(owner_name)}",
        ),
        (
            "lsoa",
            "zone = '' AND lsoa <> '' AND lsoa_zone_count > 1 AND lsoa_zone_id IS NULL",
            f"'LSOA ' || lsoa || {_q(AMBIGUOUS)}",
        ),
        (
            "postcode",
            "zone = '' AND lsoa = '' AND lsoa_zone_count > 1 AND lsoa_zone_id IS NULL",
            f"'Postcode ' || postcode || ' (LSOA ' || postcode_lsoa || ')' || {_q(AMBIGUOUS)}",
        ),
    ]
    parts = [
        f"SELECT _row, {_q(column)} AS col, {message} AS message FROM parsed WHERE {condition}"
        for column, condition, message in checks
    ]
    parts.append(
        "SELECT _row, 'visit_id', 'Visit id ' || visit_id || ' also appears in row ' || first "
        "FROM (SELECT _row, visit_id, min(_row) OVER (PARTITION BY visit_id) AS first "
        "FROM parsed WHERE visit_id <> '') WHERE _row > first"
    )
    parts.append(
        "SELECT p._row, 'visit_id', 'Visit id ' || p.visit_id || ' is already stored (import ' "
        "|| s.import_id || ')' FROM parsed p JOIN (SELECT visit_id, min(import_id) AS import_id "
        f"FROM ({stored_sql}) GROUP BY visit_id) s ON s.visit_id = p.visit_id"
    )
    con.execute("CREATE TEMP TABLE problems AS " + "\nUNION ALL\n".join(parts))
    count = con.execute("SELECT count(*) FROM problems").fetchone()[0]
    first = con.execute(
        f"SELECT _row, col, message FROM problems ORDER BY _row, col LIMIT {visit_rows.MAX_ERRORS}"
    ).fetchall()
    return count, [tuple(r) for r in first]


def final_sql(import_id: int) -> str:
    """The rows to store, by the store's columns, with `month` to partition them."""
    day = visit_rows.SQL_PLANNED_DAY.format("planned_start_utc")
    cutoff = visit_rows.SQL_DAY_CUTOFF.format("planned_start_utc")
    return f"""
        SELECT visit_id, provider_id, coalesce(named_zone_id, lsoa_zone_id) AS zone_id,
               k.client_key, carer_id, lsoa_code AS lsoa, band,
               planned_start_utc AS planned_start, planned_end_utc AS planned_end,
               actual_start_utc AS actual_start, actual_end_utc AS actual_end,
               parse_bool(double_up) AS double_up, parse_bool(time_critical) AS time_critical,
               coalesce(parse_bool(NULLIF(agreed_short, '')), FALSE) AS agreed_short,
               coalesce(travel_minutes_paid_num, 0) AS travel_minutes_paid,
               coalesce(travel_miles_num, 0) AS travel_miles,
               lower(verified_by) AS verified_by, CAST({int(import_id)} AS BIGINT) AS import_id,
               NULLIF(second_carer_id, '') AS second_carer_id,
               {day} AS planned_day, {cutoff} AS day_cutoff,
               strftime(utc_to_london(planned_start_utc), '%Y-%m') AS month
        FROM parsed JOIN client_keys k USING (client_id)
    """  # noqa: S608
