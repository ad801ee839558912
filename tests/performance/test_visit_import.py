"""Visit files in: good CSV, XLSX and Parquet stored by the contract; every bad case refused
whole with row and column and nothing written; the same file again changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tendercare.core.models import AuditLog
from tendercare.performance import pseudonyms, visit_store
from tendercare.performance.models import VisitImport
from tendercare.performance.visits import visit_import

HEADER = (
    "visit_id,provider,client_id,carer_id,zone,postcode,lsoa,planned_start,planned_end,"
    "actual_start,actual_end,double_up,time_critical,travel_minutes_paid,travel_miles,verified_by"
)
GOOD = [
    "V1,Riverside Care Ltd,NHS-123,K1,North,,,2025-03-03 08:00,2025-03-03 08:30,"
    "2025-03-03 08:05,2025-03-03 08:34,no,yes,10,3.5,ecm",
    "V2,HH1,NHS-456,K2,,ME1 1AA,,2025-03-31 23:30,2025-04-01 00:15,,,yes,no,0,0,manual",
    "V3,hillside homecare ltd,NHS-123,K2,,,E01016001,01/04/2025 09:00,01/04/2025 09:45,"
    "2025-04-01T09:10+01:00,2025-04-01T09:50+01:00,false,0,,,ECM",
]


def csv_bytes(lines, header=HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def run(owner, data: bytes, filename="visits.csv", by=None):
    return visit_import(file=data, filename=filename, owner=owner, by=by)


def stored(owner_id=None):
    con = visit_store.connect(None if owner_id is None else [owner_id])
    try:
        cur = con.execute("SELECT * FROM visits ORDER BY visit_id")
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def test_a_good_csv_is_stored_by_the_store_contract(medway, commissioner):
    steps = []
    vi = visit_import(
        file=csv_bytes(GOOD),
        filename="march.csv",
        owner=medway.council,
        by=commissioner,
        progress=lambda p, text: steps.append(p),
    )
    assert vi.status == VisitImport.Status.DONE, vi.errors
    assert (vi.rows, vi.stored, vi.months, vi.errors) == (3, 3, ["2025-03", "2025-04"], [])
    assert steps[-1] == 100 and steps == sorted(steps)
    files = sorted(p.relative_to(visit_store.root()).as_posix() for p in visit_store.files())
    assert files == [
        f"owner={medway.council.pk}/month=2025-03/part-{vi.pk}.parquet",
        f"owner={medway.council.pk}/month=2025-04/part-{vi.pk}.parquet",
    ]
    v1, v2, v3 = stored()
    assert v1["provider_id"] == medway.provider.pk and v1["zone_id"] == medway.north.pk
    assert v1["planned_start"] == dt.datetime(2025, 3, 3, 8, 0)  # GMT: UTC is the wall clock
    assert (v1["double_up"], v1["time_critical"], v1["verified_by"]) == (False, True, "ecm")
    assert (v1["travel_minutes_paid"], v1["travel_miles"], v1["agreed_short"]) == (10, 3.5, False)
    # By postcode: the LSOA's zone and band; 23:30 GMT on 31 March is still March.
    assert (v2["zone_id"], v2["lsoa"], v2["band"]) == (medway.south.pk, "E01016002", "rural")
    assert v2["provider_id"] == medway.other.pk and v2["month"] == "2025-03"
    assert v2["actual_start"] is None and v2["actual_end"] is None
    # UK date format and BST: 09:00 on 1 April is 08:00 UTC; offsets are honoured.
    assert v3["planned_start"] == dt.datetime(2025, 4, 1, 8, 0)
    assert v3["actual_start"] == dt.datetime(2025, 4, 1, 8, 10)
    assert (v3["zone_id"], v3["band"], v3["verified_by"]) == (medway.north.pk, "urban", "ecm")
    assert {type(v["import_id"]) for v in (v1, v2, v3)} == {int}
    assert AuditLog.objects.filter(object_id=str(vi.pk)).count() == 2


def test_client_ids_become_stable_pseudonyms(medway):
    run(medway.council, csv_bytes(GOOD))
    v1, v2, v3 = stored()
    assert v1["client_key"] == v3["client_key"] == pseudonyms.pseudonym("NHS-123")
    assert v1["client_key"] != v2["client_key"]
    assert "NHS" not in v1["client_key"] and len(v1["client_key"]) == 32
    text = b"".join(p.read_bytes() for p in visit_store.files())
    assert b"NHS-123" not in text and b"NHS-456" not in text


def test_the_key_is_made_once_outside_the_repository(settings, tmp_path):
    settings.PSEUDONYM_KEY = ""
    settings.VAR_DIR = tmp_path / "var"
    first = pseudonyms.pseudonym("NHS-1")
    assert pseudonyms.pseudonym("NHS-1") == first
    assert (settings.VAR_DIR / "pseudonym.key").stat().st_mode & 0o777 == 0o600
    settings.PSEUDONYM_KEY = "another"
    assert pseudonyms.pseudonym("NHS-1") != first


def test_xlsx_and_parquet_give_the_same_rows(medway, tmp_path):
    xlsxwriter = pytest.importorskip("openpyxl")
    book = xlsxwriter.Workbook()
    sheet = book.active
    for line in [HEADER, *GOOD]:
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    vi = run(medway.council, buffer.getvalue(), filename="march.xlsx")
    assert vi.status == VisitImport.Status.DONE, vi.errors
    from_xlsx = stored()
    visit_store.delete_import(medway.council.pk, vi.pk)
    assert stored() == []

    names = HEADER.split(",")
    columns = {n: [line.split(",")[i] for line in GOOD] for i, n in enumerate(names)}
    columns["double_up"] = [False, True, False]
    columns["travel_miles"] = [3.5, 0.0, None]
    columns["planned_start"] = [
        dt.datetime(2025, 3, 3, 8, 0),
        dt.datetime(2025, 3, 31, 23, 30),
        dt.datetime(2025, 4, 1, 9, 0),
    ]
    path = tmp_path / "march.parquet"
    pq.write_table(pa.table(columns), path)
    vi = run(medway.council, path.read_bytes(), filename="march.parquet")
    assert vi.status == VisitImport.Status.DONE, vi.errors
    strip = lambda rows: [{k: v for k, v in r.items() if k != "import_id"} for r in rows]  # noqa: E731
    assert strip(stored()) == strip(from_xlsx)


def test_the_same_file_again_changes_nothing(medway):
    first = run(medway.council, csv_bytes(GOOD))
    before = {p: p.stat().st_mtime_ns for p in visit_store.files()}
    again = run(medway.council, csv_bytes(GOOD), filename="renamed.csv")
    assert again.status == VisitImport.Status.UNCHANGED
    assert str(first.pk) in again.message and again.stored == 0
    assert {p: p.stat().st_mtime_ns for p in visit_store.files()} == before
    assert len(stored()) == 3


def test_other_owners_may_store_the_same_visit_ids(medway, other_council):
    from tendercare.performance.models import Zone

    Zone.objects.create(owner=other_council, name="North")
    assert run(medway.council, csv_bytes(GOOD[:1])).status == VisitImport.Status.DONE
    assert run(other_council, csv_bytes(GOOD[:1])).status == VisitImport.Status.DONE
    assert len(stored(medway.council.pk)) == len(stored(other_council.pk)) == 1


ROW = "{id},Riverside Care Ltd,C1,K1,North,,,{ps},{pe},{as_},{ae},{du},no,5,1,{vb}"


def row(id="B1", ps="2025-03-03 08:00", pe="2025-03-03 08:30", as_="", ae="", du="no", vb="ecm"):
    return ROW.format(id=id, ps=ps, pe=pe, as_=as_, ae=ae, du=du, vb=vb)


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        (row(pe="2025-03-03 07:30"), "planned_end", "must be after the planned start"),
        (row(pe="2025-03-04 08:00"), "planned_end", "lasts 1440 minutes"),
        (row(pe="2025-03-03 08:02"), "planned_end", "lasts 2 minutes"),
        (row(as_="2025-03-03 08:10", ae="2025-03-03 08:00"), "actual_end", "after the actual"),
        (row(ae="2025-03-03 08:30"), "actual_start", "there is an actual end"),
        (row(as_="2025-03-05 08:00", ae="2025-03-05 08:30"), "actual_start", "24 hours"),
        (row(ps="2025-02-30 08:00"), "planned_start", "as a date and time"),
        (row(ps="tomorrow"), "planned_start", "as a date and time"),
        (row(ps="1999-03-03 08:00", pe="1999-03-03 08:30"), "planned_start", "2010"),
        (row(du="maybe"), "double_up", "Enter yes or no"),
        (row(du=""), "double_up", "Enter yes or no"),
        (row(vb="phone"), "verified_by", "ecm"),
        (row(id=""), "visit_id", "Enter the visit id"),
        (row().replace("Riverside Care Ltd", "Nobody Ltd"), "provider", "No provider called"),
        (row().replace("North", "Atlantis"), "zone", "No zone called 'Atlantis'"),
        (row().replace(",North,,,", ",,ZZ99ZZ,,"), "postcode", "not in the postcode"),
        (row().replace(",North,,,", ",,,E01099999,"), "lsoa", "in none of the zones"),
        (row().replace(",North,,,", ",,,,"), "zone", "Enter the zone"),
        (row().replace(",5,1,", ",-5,1,"), "travel_minutes_paid", "0 minutes or more"),
        (row().replace(",5,1,", ",5,lots,"), "travel_miles", "Enter a number of miles"),
    ],
)
def test_each_bad_cell_refuses_the_whole_file(medway, line, column, words):
    vi = run(medway.council, csv_bytes([row(id="OK1"), line]))
    assert vi.status == VisitImport.Status.FAILED
    assert [3, column] in [e[:2] for e in vi.errors], vi.errors
    assert any(words in e[2] for e in vi.errors if e[:2] == [3, column]), vi.errors
    assert visit_store.files() == [] and vi.stored == 0


SECOND = HEADER + ",second_carer_id"


def test_a_double_up_stores_its_second_carer_and_the_day_columns(medway):
    lines = [
        row(id="S1", du="yes") + ",K7",
        row(id="S2", du="yes") + ",",
        row(id="S3", ps="2025-07-07 23:30", pe="2025-07-08 00:15") + ",",
    ]
    vi = run(medway.council, csv_bytes(lines, header=SECOND))
    assert vi.status == VisitImport.Status.DONE, vi.errors
    s1, s2, s3 = stored()
    assert (s1["second_carer_id"], s2["second_carer_id"]) == ("K7", None)
    assert (s1["planned_day"], s1["day_cutoff"]) == (
        dt.date(2025, 3, 3),
        dt.datetime(2025, 3, 3, 23),
    )
    # 23:30 BST on 7 July is 22:30 UTC; its day's 23:00 BST is 22:00 UTC.
    assert s3["planned_start"] == dt.datetime(2025, 7, 7, 22, 30)
    assert (s3["planned_day"], s3["day_cutoff"]) == (
        dt.date(2025, 7, 7),
        dt.datetime(2025, 7, 7, 22),
    )


def test_a_file_without_second_carer_id_stores_none(medway):
    vi = run(medway.council, csv_bytes([row(id="N1", du="yes")]))
    assert vi.status == VisitImport.Status.DONE, vi.errors
    assert stored()[0]["second_carer_id"] is None


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (row(du="no") + ",K7", "Only a double-up visit has a second carer"),
        (row(du="yes") + ",K1", "must not be the same as the carer"),
        (row(du="yes") + "," + "K" * 101, "100 characters or fewer"),
    ],
)
def test_a_bad_second_carer_refuses_the_file_with_row_and_column(medway, line, words):
    vi = run(medway.council, csv_bytes([row(id="OK1", du="yes") + ",K5", line], header=SECOND))
    assert vi.status == VisitImport.Status.FAILED
    assert [3, "second_carer_id"] in [e[:2] for e in vi.errors], vi.errors
    assert any(words in e[2] for e in vi.errors if e[:2] == [3, "second_carer_id"]), vi.errors
    assert all(e[0] == 3 for e in vi.errors), vi.errors
    assert visit_store.files() == [] and vi.stored == 0


def test_duplicates_in_the_file_and_against_the_store(medway):
    vi = run(medway.council, csv_bytes([row(id="D1"), row(id="D2"), row(id="D1")]))
    assert vi.status == VisitImport.Status.FAILED
    assert vi.errors == [[4, "visit_id", "Visit id D1 also appears in row 2"]]
    first = run(medway.council, csv_bytes([row(id="D1")]))
    assert first.status == VisitImport.Status.DONE
    vi = run(medway.council, csv_bytes([row(id="D9"), row(id="D1")]))
    assert vi.errors == [[3, "visit_id", f"Visit id D1 is already stored (import {first.pk})"]]
    assert len(stored()) == 1


def test_header_and_shape_problems(medway):
    vi = run(medway.council, b"visit_id,colour\nV1,red\n")
    assert vi.status == VisitImport.Status.FAILED
    assert all(e[0] == 1 for e in vi.errors)
    assert any("Missing columns" in e[2] for e in vi.errors)
    assert any("Unknown columns: colour" in e[2] for e in vi.errors)
    vi = run(medway.council, csv_bytes([row(), row(id="B2") + ",extra"]))
    assert [3, ""] in [e[:2] for e in vi.errors]
    vi = run(medway.council, b"\xff\xfe\x00junk", filename="v.csv")
    assert vi.status == VisitImport.Status.FAILED and "UTF-8" in vi.errors[0][2]
    vi = run(medway.council, b"PAR1 not really", filename="v.parquet")
    assert "Parquet" in vi.errors[0][2]
    assert visit_store.files() == []


def test_errors_stop_at_the_first_two_hundred_but_are_all_counted(medway):
    lines = [row(id=f"E{i}", du="perhaps") for i in range(250)]
    vi = run(medway.council, csv_bytes(lines))
    assert len(vi.errors) == 200 and "250 problems" in vi.message
    assert vi.errors[0][:2] == [2, "double_up"]


def test_clock_change_in_october_reads_the_first_0130(medway):
    # 26 October 2025: 01:00-01:59 happens twice. Without an offset, fold=0: BST, so
    # 01:30 is 00:30 UTC; with +00:00 the second 01:30 (GMT) is 01:30 UTC.
    lines = [
        row(id="F1", ps="2025-10-26 01:30", pe="2025-10-26 02:15"),
        row(id="F2", ps="2025-10-26T01:30+00:00", pe="2025-10-26T02:15+00:00"),
        row(id="F3", ps="2025-03-30 01:30", pe="2025-03-30 02:45"),
    ]
    vi = run(medway.council, csv_bytes(lines))
    assert vi.status == VisitImport.Status.DONE, vi.errors
    f1, f2, f3 = stored()
    assert (f1["planned_start"], f1["planned_end"]) == (
        dt.datetime(2025, 10, 26, 0, 30),
        dt.datetime(2025, 10, 26, 2, 15),
    )  # 01:30 BST to 02:15 GMT: 105 minutes
    assert f2["planned_start"] == dt.datetime(2025, 10, 26, 1, 30)
    # 30 March 2025: 01:30 never happens on the clock; read as GMT (01:30 UTC = 02:30 BST).
    assert (f3["planned_start"], f3["planned_end"]) == (
        dt.datetime(2025, 3, 30, 1, 30),
        dt.datetime(2025, 3, 30, 1, 45),
    )


def test_a_failed_database_write_leaves_no_files(medway, monkeypatch):
    from tendercare.core import audit

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(audit.Auditor, "event", broken)
    with pytest.raises(RuntimeError):
        run(medway.council, csv_bytes([row()]))
    assert visit_store.files() == []


def test_the_command_stores_a_file_or_lists_its_problems(medway, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "march.csv"
    good.write_bytes(csv_bytes(GOOD))
    out = io.StringIO()
    call_command("import_visits", str(good), owner="Medway Council", stdout=out)
    assert "3 visits stored" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row(id="X1", du="maybe")]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 problem found"):
        call_command("import_visits", str(bad), owner="Medway Council", stdout=out)
    assert "row 2, column double_up: Enter yes or no" in out.getvalue()
    with pytest.raises(CommandError, match="No commissioning body"):
        call_command("import_visits", str(good), owner="Riverside Care Ltd")
