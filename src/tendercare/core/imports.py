"""The one import framework: read a CSV or XLSX file, validate every row, write all or nothing.

    result = run_import(
        file, filename="register.xlsx",
        columns=spec,                 # required and optional column names
        validate=check_row,           # Row -> cleaned value, or Invalid([...])
        write=save_rows,              # list of cleaned values -> Written(created, updated, notes)
    )

Every error carries the row number a person sees in their spreadsheet (the header is row 1)
and the column name, and every row is checked before anything is written: a file with one bad
row writes nothing. The writer runs inside one transaction; a dry run runs it and rolls back,
so the summary says exactly what a real run would do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from .errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet shows it: the header is row 1; 0 means the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        if not self.column:
            return f"row {self.row}: {self.message}"
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class CellError:
    column: str
    message: str


class Invalid(list):
    """What a validator returns when a row is wrong: a list of CellError."""


@dataclass
class Written:
    """What a writer returns: counts and sentences for the summary."""

    created: int = 0
    updated: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    filename: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    notes: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def summary(self) -> str:
        if self.errors:
            return (
                f"{len(self.errors)} problem{'s' if len(self.errors) != 1 else ''} found in "
                f"{self.filename or 'the file'}; nothing was saved."
            )
        verb = "would create" if self.dry_run else "created"
        verb2 = "would update" if self.dry_run else "updated"
        text = f"{self.rows} rows read: {verb} {self.created}, {verb2} {self.updated}."
        if self.dry_run:
            text += " This was a dry run; nothing was saved."
        return text


@dataclass(frozen=True)
class Columns:
    required: Sequence[str]
    optional: Sequence[str] = ()

    @property
    def all(self) -> list[str]:
        return [*self.required, *self.optional]


class Row(dict):
    """One data row: {column: text}, with its spreadsheet row number."""

    def __init__(self, number: int, values: dict[str, str]):
        super().__init__(values)
        self.number = number


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says what to do."""


class _Rollback(Exception):
    pass


# --- reading ---------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "The file is not UTF-8 text. In your spreadsheet, save it as 'CSV UTF-8' "
            "or as an Excel workbook (.xlsx) and upload it again."
        ) from exc
    if "\x00" in text:
        raise ImportFileError("The file is not a CSV text file. Upload a .csv or .xlsx file.")
    first_line = text.split("\n", 1)[0]
    # The header names hold no delimiters, so the most common candidate in it is the delimiter.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    try:
        return [
            [cell.strip() for cell in line]
            for line in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise ImportFileError(f"The CSV file cannot be read: {exc}") from exc


def _read_xlsx(data: bytes) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise ImportFileError("The workbook has no sheets.")
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except ImportFileError:
        raise
    except Exception as exc:  # calamine raises several kinds; all mean the same to a person
        raise ImportFileError(
            "The file cannot be opened as an Excel workbook (.xlsx). Check it opens in your "
            "spreadsheet, save it again as .xlsx or CSV, and upload it again."
        ) from exc
    return [[_cell_text(cell) for cell in row] for row in rows]


def read_table(file, filename: str = "", *, max_bytes: int = MAX_BYTES) -> list[list[str]]:
    """All rows of a CSV or the first sheet of an XLSX, as lists of text (header first)."""
    data = file.read(max_bytes + 1) if hasattr(file, "read") else bytes(file)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > max_bytes:
        raise ImportFileError(
            f"The file is larger than {max_bytes // (1024 * 1024)} MB. Split it into smaller files."
        )
    if not data.strip():
        raise ImportFileError("The file is empty.")
    name = filename.lower()
    if data.startswith(XLSX_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if name.endswith(".xls"):
        raise ImportFileError(
            "Old Excel files (.xls) are not supported. Save the file as .xlsx or CSV."
        )
    return _read_csv(data)


def _header_errors(header: list[str], columns: Columns) -> list[RowError]:
    errors = []
    seen = set()
    for name in header:
        if name and name in seen:
            errors.append(RowError(1, name, f"Column '{name}' appears more than once"))
        seen.add(name)
    missing = [c for c in columns.required if c not in seen]
    unknown = [c for c in header if c and c not in columns.all]
    if missing:
        errors.append(
            RowError(
                1,
                ", ".join(missing),
                f"Missing column{'s' if len(missing) > 1 else ''}: " + ", ".join(missing),
            )
        )
    if unknown:
        errors.append(
            RowError(
                1,
                ", ".join(unknown),
                f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
                f"The columns are: {', '.join(columns.all)}",
            )
        )
    return errors


def rows_from(
    table: list[list[str]], columns: Columns, *, max_rows: int = MAX_ROWS
) -> tuple[list[Row], list[RowError]]:
    """Check the header, then turn data lines into Rows (blank lines skipped, numbers kept)."""
    if not table:
        return [], [RowError(0, "", "The file is empty.")]
    header = [h.strip().lower().lstrip("\ufeff") for h in table[0]]
    while header and header[-1] == "":
        header.pop()
    errors = _header_errors(header, columns)
    if errors:
        return [], errors
    rows, errors = [], []
    for index, line in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in line):
            continue
        extra = [cell for cell in line[len(header) :] if cell.strip()]
        if extra:
            errors.append(
                RowError(
                    index,
                    "",
                    f"This row has {len(header) + len(extra)} or more values "
                    f"but the header has {len(header)} columns",
                )
            )
            continue
        values = {name: (line[i].strip() if i < len(line) else "") for i, name in enumerate(header)}
        rows.append(Row(index, values))
        if len(rows) > max_rows:
            return [], [
                RowError(
                    0, "", f"The file has more than {max_rows:,} rows. Split it into smaller files."
                )
            ]
    if not rows and not errors:
        errors.append(RowError(0, "", "The file has a header but no rows."))
    return rows, errors


# --- running ---------------------------------------------------------------------------------


def run_import(
    file,
    *,
    filename: str = "",
    columns: Columns,
    validate: Callable[[Row], Any],
    write: Callable[[list[Any]], Written],
    check_all: Callable[[list[tuple[Row, Any]]], Iterable[RowError]] | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    max_rows: int = MAX_ROWS,
    max_bytes: int = MAX_BYTES,
) -> ImportResult:
    """Read, validate every row, and write all rows in one transaction only if all are valid.

    validate(row) returns the cleaned value or Invalid([CellError(column, message), ...]).
    check_all(pairs) may add errors that need every row at once (duplicates within the file).
    write(cleaned) runs inside transaction.atomic(); a DomainError from it aborts the import.
    """
    result = ImportResult(filename=filename, dry_run=dry_run)
    try:
        table = read_table(file, filename, max_bytes=max_bytes)
    except ImportFileError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    rows, errors = rows_from(table, columns, max_rows=max_rows)
    result.errors.extend(errors)
    result.rows = len(rows)
    if any(e.row <= 1 for e in errors):
        return result
    valid: list[tuple[Row, Any]] = []
    for done, row in enumerate(rows, start=1):
        try:
            cleaned = validate(row)
        except DomainError as exc:
            cleaned = Invalid([CellError("", exc.message)])
        if isinstance(cleaned, Invalid):
            result.errors.extend(RowError(row.number, e.column, e.message) for e in cleaned)
        else:
            valid.append((row, cleaned))
        if progress and (done % 200 == 0 or done == len(rows)):
            progress(done, len(rows))
    if check_all and valid:
        result.errors.extend(check_all(valid))
    if result.errors:
        result.errors.sort(key=lambda e: (e.row, e.column))
        return result
    try:
        with transaction.atomic():
            written = write([cleaned for _, cleaned in valid])
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except DomainError as exc:
        result.errors.append(RowError(0, "", exc.message))
        return result
    result.created, result.updated = written.created, written.updated
    result.notes.extend(written.notes)
    return result
