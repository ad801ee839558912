"""Write rows to CSV or XLSX, safe to open in a spreadsheet.

A text cell that begins with = + - @ (or a tab or carriage return, which some spreadsheets
strip before looking) would be run as a formula when the file is opened: "formula injection".
Such text gets a leading apostrophe, which spreadsheets treat as "this is text". Numbers, dates
and Decimals stay typed, so a negative value is still a number, not text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal | int | float):
        # A number written as a number is never a formula, even when negative.
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark so that Excel reads accents and the pound sign correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        return value
    # Control characters cannot be stored in an XLSX file at all.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def to_xlsx(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Export"
) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([_xlsx_cell(str(h)) for h in header])
    for row in rows:
        cells = [_xlsx_cell(v) for v in row]
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export(fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]], **kwargs) -> bytes:
    if fmt == "csv":
        return to_csv(header, rows)
    if fmt == "xlsx":
        return to_xlsx(header, rows, **kwargs)
    raise ValueError(f"Unknown export format {fmt!r}: use csv or xlsx")
