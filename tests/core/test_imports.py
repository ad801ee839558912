import datetime as dt
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tendercare.core.imports import (
    CellError,
    Columns,
    Invalid,
    RowError,
    Written,
    read_table,
    rows_from,
    run_import,
)

COLUMNS = Columns(required=("name", "amount"), optional=("note",))


def validate(row):
    errors = []
    if not row["name"]:
        errors.append(CellError("name", "Enter a name"))
    if not re.fullmatch(r"[0-9]+", row["amount"]):
        errors.append(CellError("amount", f"'{row['amount']}' is not a whole number"))
    return Invalid(errors) if errors else (row["name"], int(row["amount"]))


def test_csv_with_bom_and_semicolons_is_read():
    table = read_table(io.BytesIO("\ufeffname;amount\nÉlodie;3\n".encode()), "x.csv")
    assert table == [["name", "amount"], ["Élodie", "3"]]


def test_xlsx_first_sheet_cells_become_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "amount", "note"])
    sheet.append(["A", 3.0, dt.datetime(2025, 4, 1)])
    sheet.append([None, 2.5, None])
    workbook.create_sheet("ignored").append(["x"])
    out = io.BytesIO()
    workbook.save(out)
    table = read_table(io.BytesIO(out.getvalue()), "x.xlsx")
    assert table[1] == ["A", "3", "2025-04-01"]
    assert table[2][:2] == ["", "2.5"]


def test_header_checked_blank_lines_skipped_row_numbers_kept():
    rows, errors = rows_from([["Name", "amount"], ["a", "1"], ["", ""], ["b", "2"]], COLUMNS)
    assert not errors
    assert [r.number for r in rows] == [2, 4]
    _, errors = rows_from([["name", "amount", "amount", "x"]], COLUMNS)
    text = " ".join(str(e) for e in errors)
    assert "appears more than once" in text and "Unknown column: x" in text


def test_all_errors_collected_nothing_written():
    written = []
    data = b"name,amount\na,1\n,x\nc,\n"
    result = run_import(
        io.BytesIO(data),
        filename="f.csv",
        columns=COLUMNS,
        validate=validate,
        write=lambda rows: written.extend(rows) or Written(created=len(rows)),
    )
    assert [str(e) for e in result.errors] == [
        "row 3, column amount: 'x' is not a whole number",
        "row 3, column name: Enter a name",
        "row 4, column amount: '' is not a whole number",
    ]
    assert written == [] and "nothing was saved" in result.summary()


def test_writer_runs_in_one_transaction_and_dry_run_rolls_back(db):
    from tendercare.organisations.models import Organisation

    def write(rows):
        for name, _ in rows:
            Organisation.objects.create(name=name, kind="council")
        return Written(created=len(rows), notes=["created 2 councils"])

    data = b"name,amount\nA Council,1\nB Council,2\n"
    dry = run_import(
        io.BytesIO(data), columns=COLUMNS, validate=validate, write=write, dry_run=True
    )
    assert dry.ok and dry.created == 2 and Organisation.objects.count() == 0
    real = run_import(io.BytesIO(data), columns=COLUMNS, validate=validate, write=write)
    assert real.saved and real.notes == ["created 2 councils"]
    assert Organisation.objects.count() == 2


def test_check_all_adds_cross_row_errors():
    def dupes(pairs):
        seen = set()
        for row, (name, _) in pairs:
            if name in seen:
                yield RowError(row.number, "name", "duplicate")
            seen.add(name)

    result = run_import(
        io.BytesIO(b"name,amount\na,1\na,2\n"),
        columns=COLUMNS,
        validate=validate,
        write=lambda rows: Written(),
        check_all=dupes,
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "name")]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.csv", "empty"),
        (b"PK\x03\x04garbage", "x.xlsx", "Excel workbook"),
        ("name,amount\n".encode("utf-16"), "x.csv", "not UTF-8"),
        (b"\xd0\xcf\x11\xe0", "x.xls", "not supported"),
        (b"name,amount\n", "x.csv", "no rows"),
        (b"name,amount\na,1,extra\n", "x.csv", "header has 2 columns"),
    ],
)
def test_unreadable_files_give_one_clear_error(data, filename, message):
    result = run_import(
        io.BytesIO(data),
        filename=filename,
        columns=COLUMNS,
        validate=validate,
        write=lambda rows: Written(),
    )
    assert len(result.errors) == 1 and message in str(result.errors[0])


def test_limits():
    big = b"name,amount\n" + b"a,1\n" * 11
    result = run_import(
        io.BytesIO(big),
        columns=COLUMNS,
        validate=validate,
        write=lambda rows: Written(),
        max_rows=10,
    )
    assert "more than 10 rows" in str(result.errors[0])
    result = run_import(
        io.BytesIO(big),
        columns=COLUMNS,
        validate=validate,
        write=lambda rows: Written(),
        max_bytes=20,
    )
    assert "larger than" in str(result.errors[0])


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), max_size=10))
def test_any_csv_content_gives_a_result_not_an_exception(cells):
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "amount"])
    writer.writerows(cells)
    result = run_import(
        io.BytesIO(out.getvalue().encode()),
        columns=COLUMNS,
        validate=validate,
        write=lambda rows: Written(created=len(rows)),
        dry_run=True,
    )
    assert result.ok or all(e.row >= 0 for e in result.errors)
