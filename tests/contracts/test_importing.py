import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tendercare.contracts import services
from tendercare.contracts.importing import TEMPLATE_HEADER
from tendercare.contracts.models import Contract, ContractImport
from tendercare.core.models import AuditLog
from tendercare.organisations.queries import organisation_by_name

HEADER = TEMPLATE_HEADER.split(",")
GOOD = [
    [
        "MC-100",
        "District nursing, Medway",
        "Medway Council 60%; NHS Kent and Medway ICB 40%",
        "Medway Community Healthcare",
        "District nursing",
        "1250000",
        "2023-04-01",
        "31/03/2026",
        "24",
        "Open procedure",
        "active",
    ],
    [
        "MC-101",
        "Home care, north",
        "Medway Council",
        "Kent Community Health NHS Foundation Trust",
        "Home care north",
        "£480,000.00",
        "01/10/2021",
        "2026-09-30",
        "",
        "ROLLOVER",
        "Extended",
    ],
]


def csv_bytes(rows, header=HEADER, bom=True):
    lines = [",".join(header)] + [",".join(f'"{c}"' for c in row) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def xlsx_bytes(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(data, filename="register.csv", **kw):
    return services.contracts_import(file=io.BytesIO(data), filename=filename, **kw)


def test_csv_happy_path_creates_contracts_orgs_and_says_so(council, commissioner):
    result = run(csv_bytes(GOOD), by=commissioner)
    assert result.ok, result.errors
    assert (result.rows, result.created, result.updated) == (2, 2, 0)
    joint = Contract.objects.get(reference="MC-100")
    assert {s.organisation.name: s.share_percent for s in joint.shares.all()} == {
        "Medway Council": Decimal("60.00"),
        "NHS Kent and Medway ICB": Decimal("40.00"),
    }
    # 1 April 2023 to 31 March 2026 is 36 months, plus 24 months of extension options
    assert joint.whole_life_value == Decimal("6250000.00")
    assert joint.end_date == dt.date(2026, 3, 31)
    assert joint.last_competed_on == dt.date(2023, 4, 1)
    other = Contract.objects.get(reference="MC-101")
    assert other.start_date == dt.date(2021, 10, 1) and other.annual_value == Decimal("480000")
    assert other.status == "extended" and other.procurement_route == "rollover"
    assert other.last_competed_on is None
    assert organisation_by_name("NHS Kent and Medway ICB").kind == "icb"
    assert organisation_by_name("Kent Community Health NHS Foundation Trust").kind == "nhs_trust"
    assert organisation_by_name("Medway Community Healthcare").kind == "independent"
    notes = " | ".join(result.notes)
    assert (
        "created 2 new providers: Medway Community Healthcare, "
        "Kent Community Health NHS Foundation Trust" in notes
    )
    assert "created 1 new commissioner: NHS Kent and Medway ICB" in notes
    assert "District nursing (Adult community nursing)" in notes
    assert "Home care north (Home care)" in notes
    assert AuditLog.objects.filter(action="import", object_type="contracts.contract").count() == 2
    assert AuditLog.objects.filter(action="event", object_type="contracts.contractimport").count()
    assert ContractImport.objects.get().created == 2


def test_xlsx_happy_path_with_real_dates_and_numbers(council):
    rows = [list(GOOD[0]), list(GOOD[1])]
    rows[0][5] = 1250000
    rows[0][6] = dt.datetime(2023, 4, 1)
    rows[0][8] = 24
    rows[1][5] = 480000.5
    result = run(xlsx_bytes(rows), filename="register.xlsx")
    assert result.ok, result.errors
    assert Contract.objects.get(reference="MC-100").start_date == dt.date(2023, 4, 1)
    assert Contract.objects.get(reference="MC-101").annual_value == Decimal("480000.50")


def test_every_error_is_listed_and_nothing_is_written(council):
    bad = [
        GOOD[0],
        [
            "",
            "No reference",
            "Medway Council",
            "X Ltd",
            "Y",
            "100",
            "2024-01-01",
            "2025-01-01",
            "0",
            "open",
            "active",
        ],
        [
            "MC-200",
            "Bad values",
            "Medway Council 60%; Kent ICB 30%",
            "X Ltd",
            "Y",
            "lots",
            "2024-31-01",
            "1 May 2025",
            "two",
            "tender",
            "sleeping",
        ],
        [
            "MC-201",
            "Ends first",
            "Nowhere Trading Ltd",
            "X Ltd",
            "Y",
            "100",
            "2025-01-01",
            "2024-01-01",
            "0",
            "open",
            "active",
        ],
        [
            "MC-100",
            "Duplicate",
            "Medway Council",
            "X Ltd",
            "Y",
            "100",
            "2024-01-01",
            "2025-01-01",
            "0",
            "open",
            "active",
        ],
    ]
    contracts, audits = Contract.objects.count(), AuditLog.objects.count()
    result = run(csv_bytes(bad))
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert {
        (3, "reference"),
        (4, "commissioner"),
        (4, "annual_value_gbp"),
        (4, "start_date"),
        (4, "end_date"),
        (4, "extension_months"),
        (4, "procurement_route"),
        (4, "status"),
        (5, "commissioner"),
        (5, "end_date"),
        (6, "reference"),
    } <= found
    messages = [str(e) for e in result.errors]
    assert "row 4, column start_date: '2024-31-01' is not a real date" in " ".join(messages)
    assert any("add up to 90%" in m for m in messages)
    assert any("is also on row 2" in m for m in messages)
    assert "nothing was saved" in result.summary()
    assert Contract.objects.count() == contracts
    assert AuditLog.objects.count() == audits
    assert organisation_by_name("X Ltd") is None


def test_header_problems_are_named(db):
    header = [h for h in HEADER if h != "status"] + ["colour"]
    result = run(csv_bytes([GOOD[0][:-1] + ["red"]], header=header))
    text = " ".join(str(e) for e in result.errors)
    assert "Missing column: status" in text and "Unknown column: colour" in text


def test_existing_reference_updates_that_contract(council, commissioner):
    run(csv_bytes(GOOD), by=commissioner)
    changed = list(GOOD[1])
    changed[5] = "500000"
    result = run(csv_bytes([changed]), by=commissioner)
    assert (result.created, result.updated) == (0, 1)
    assert Contract.objects.get(reference="MC-101").annual_value == Decimal("500000")


def test_cannot_import_over_another_councils_contract(council, other_commissioner):
    run(csv_bytes(GOOD))
    row = list(GOOD[1])
    row[2] = "Kent County Council"
    result = run(csv_bytes([row]), by=other_commissioner)
    assert [(e.row, e.column) for e in result.errors] == [(2, "reference")]


def test_dry_run_reports_but_saves_nothing(council):
    result = run(csv_bytes(GOOD), dry_run=True)
    assert result.ok and result.created == 2 and "dry run" in result.summary()
    assert Contract.objects.count() == 0
    assert organisation_by_name("NHS Kent and Medway ICB") is None


def test_unreadable_file_is_one_clear_error(db):
    result = run(b"PK\x03\x04 not really a workbook", filename="register.xlsx")
    assert len(result.errors) == 1 and "cannot be opened as an Excel workbook" in str(
        result.errors[0]
    )
    result = run("reference,title\n".encode("utf-16"), filename="r.csv")
    assert len(result.errors) == 1


def test_command_imports_and_reports(tmp_path, council, capsys):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(GOOD))
    call_command("import_contracts", str(path), "--dry-run")
    assert Contract.objects.count() == 0
    call_command("import_contracts", str(path))
    out = capsys.readouterr().out
    assert "created 2" in out and "Created 2 new providers" in out
    assert Contract.objects.count() == 2


def test_command_fails_with_every_error_and_writes_nothing(tmp_path, council, capsys):
    path = tmp_path / "register.xlsx"
    bad = [list(GOOD[0]), list(GOOD[1])]
    bad[0][6] = "soon"
    bad[1][10] = "asleep"
    path.write_bytes(xlsx_bytes(bad))
    with pytest.raises(CommandError, match="2 problems"):
        call_command("import_contracts", str(path))
    err = capsys.readouterr().err
    assert "row 2, column start_date:" in err and "row 3, column status:" in err
    assert Contract.objects.count() == 0
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_contracts", str(tmp_path / "missing.csv"))
