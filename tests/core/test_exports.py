import csv
import datetime as dt
import io
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tendercare.core.exports import FORMULA_TRIGGERS, export, neutralise, to_csv, to_xlsx

HEADER = ["name", "value", "day"]


def test_formula_cells_are_neutralised_but_numbers_stay_numbers():
    rows = [
        ["=1+2", Decimal("-5.50"), dt.date(2025, 4, 1)],
        ["@SUM(A1)", -3, None],
        ["+44 7700", 1.5, None],
        ["-minus", 0, None],
        ["\t=x", 0, None],
        ["plain", 0, None],
    ]
    text = to_csv(HEADER, rows).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in parsed[1:]] == [
        "'=1+2",
        "'@SUM(A1)",
        "'+44 7700",
        "'-minus",
        "'\t=x",
        "plain",
    ]
    assert parsed[1][1] == "-5.50" and parsed[1][2] == "2025-04-01"
    sheet = load_workbook(io.BytesIO(to_xlsx(HEADER, rows))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "'=1+2" and values[1][1] == -5.5 and values[2][1] == -3
    assert sheet.cell(row=2, column=1).data_type == "s"


def test_neutralise():
    assert neutralise("=A1") == "'=A1" and neutralise("A=1") == "A=1"


def test_export_picks_format():
    assert export("csv", HEADER, []).startswith("\ufeff".encode())
    assert export("xlsx", HEADER, []).startswith(b"PK")


cell = st.one_of(
    st.text(max_size=20),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9
    ),
    st.integers(-(10**9), 10**9),
    st.none(),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cell, min_size=3, max_size=3), max_size=6))
def test_no_exported_text_cell_starts_with_a_formula_trigger(rows):
    text = to_csv(HEADER, rows).decode("utf-8-sig")
    for row, written in zip(rows, list(csv.reader(io.StringIO(text, newline="")))[1:], strict=True):
        for value, out in zip(row, written, strict=True):
            if isinstance(value, str):
                assert not out.startswith(FORMULA_TRIGGERS)
            elif value is not None:
                assert Decimal(out) == Decimal(value)  # numbers round-trip as numbers
    sheet = load_workbook(io.BytesIO(to_xlsx(HEADER, rows))).active
    for values in sheet.iter_rows(min_row=2, values_only=True):
        for value in values:
            if isinstance(value, str):
                assert not value.startswith(FORMULA_TRIGGERS)
