"""The visit-file rules: the Python and DuckDB readings of times and yes/no agree with each
other, and the clock-change reading agrees with zoneinfo's fold=0."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tendercare.performance import visit_rows

LONDON = ZoneInfo("Europe/London")
walls = st.datetimes(min_value=dt.datetime(2010, 1, 1), max_value=dt.datetime(2037, 12, 31))


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    for macro in visit_rows.SQL_MACROS:
        con.execute(macro)
    yield con
    con.close()


@given(walls)
def test_london_to_utc_is_zoneinfo_with_fold_0(wall):
    wall = wall.replace(microsecond=0)
    expected = wall.replace(tzinfo=LONDON, fold=0).astimezone(dt.UTC).replace(tzinfo=None)
    assert visit_rows.london_to_utc(wall) == expected


@given(walls)
def test_utc_to_london_is_zoneinfo(utc):
    expected = utc.replace(tzinfo=dt.UTC).astimezone(LONDON).replace(tzinfo=None)
    assert visit_rows.utc_to_london(utc) == expected


@settings(max_examples=200, deadline=None)
@given(walls)
def test_duckdb_converts_times_as_python_does(con, wall):
    wall = wall.replace(microsecond=0)
    got = con.execute(
        "SELECT london_to_utc(?::TIMESTAMP), utc_to_london(?::TIMESTAMP)", [wall, wall]
    )
    assert got.fetchone() == (visit_rows.london_to_utc(wall), visit_rows.utc_to_london(wall))


TEXTS = [
    "2025-10-26 01:30",
    "2025-10-26T01:30:15",
    "2025-10-26 01:30:15.250",
    "2025-10-26T01:30+00:00",
    "2025-10-26T01:30+0100",
    "2025-10-26T01:30Z",
    "2025-03-30 1:30",
    "26/10/2025 01:30",
    "1/4/2025 09:00:05",
    "2025-02-30 10:00",
    "2025-13-01 10:00",
    "2025-10-26 24:00",
    "26-10-2025 01:30",
    "tomorrow",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_duckdb_reads_times_as_python_does(con, text):
    con.execute("CREATE OR REPLACE TEMP TABLE t AS SELECT ? AS planned_start", [text])
    utc, parse = visit_rows.sql_utc("planned_start"), visit_rows.sql_time("planned_start")
    parts = visit_rows.sql_time_parts("planned_start")
    sql = (
        f"SELECT planned_start_wall, planned_start_off, {utc} FROM "  # noqa: S608
        f"(SELECT {parse} FROM (SELECT {parts} FROM t))"
    )
    row = con.execute(sql).fetchone()
    parsed = visit_rows.parse_time(text)
    if parsed is None:
        assert row == (None, None, None)
    else:
        wall, offset = parsed
        assert row == (wall, offset, visit_rows.to_utc(wall, offset))


@settings(deadline=None)
@given(
    st.text(alphabet="yesnotrufalYESNOTRUFAL01 x", max_size=6)
    | st.sampled_from(["Yes", "no", "TRUE", "0", "1", "f", "Y"])
)
def test_duckdb_reads_yes_and_no_as_python_does(con, text):
    text = text.strip()
    assert con.execute("SELECT parse_bool(?)", [text]).fetchone()[0] == visit_rows.parse_bool(text)


def test_month_is_the_uk_month_of_the_planned_start():
    # 23:30 on 31 May BST is 22:30 UTC: still May. 23:30 on 31 January GMT: January.
    assert visit_rows.month_of(dt.datetime(2025, 5, 31, 22, 30)) == "2025-05"
    assert visit_rows.month_of(dt.datetime(2025, 5, 31, 23, 30)) == "2025-06"
    assert visit_rows.month_of(dt.datetime(2025, 1, 31, 23, 30)) == "2025-01"


def test_header_problems_name_the_columns():
    header = list(visit_rows.REQUIRED) + ["zone"]
    assert visit_rows.header_problems(header) == []
    problems = visit_rows.header_problems([c for c in header if c != "carer_id"] + ["colour"])
    assert [p[0] for p in problems] == ["carer_id", "colour"]
    assert visit_rows.header_problems(list(visit_rows.REQUIRED))[0][0] == "zone"
    assert "more than once" in visit_rows.header_problems([*header, "zone"])[0][1]


@pytest.mark.parametrize(
    ("utc", "day", "cutoff"),
    [
        # Winter: 23:00 UK is 23:00 UTC.
        (dt.datetime(2025, 1, 6, 8), dt.date(2025, 1, 6), dt.datetime(2025, 1, 6, 23)),
        # Summer: 23:00 BST is 22:00 UTC; 23:30 UTC on 30 June is 00:30 BST on 1 July.
        (dt.datetime(2025, 7, 7, 8), dt.date(2025, 7, 7), dt.datetime(2025, 7, 7, 22)),
        (dt.datetime(2025, 6, 30, 23, 30), dt.date(2025, 7, 1), dt.datetime(2025, 7, 1, 22)),
        # Clock-change days: the last Sunday of March (BST by 23:00) and of October (GMT).
        (dt.datetime(2025, 3, 30, 0, 30), dt.date(2025, 3, 30), dt.datetime(2025, 3, 30, 22)),
        (dt.datetime(2025, 10, 26, 0, 30), dt.date(2025, 10, 26), dt.datetime(2025, 10, 26, 23)),
        # The day before each change.
        (dt.datetime(2025, 3, 29, 23, 30), dt.date(2025, 3, 29), dt.datetime(2025, 3, 29, 23)),
        (dt.datetime(2025, 10, 25, 22, 30), dt.date(2025, 10, 25), dt.datetime(2025, 10, 25, 22)),
    ],
)
def test_planned_day_and_day_cutoff_in_python_and_duckdb(con, utc, day, cutoff):
    assert (visit_rows.planned_day(utc), visit_rows.day_cutoff(utc)) == (day, cutoff)
    sql = (
        f"SELECT {visit_rows.SQL_PLANNED_DAY.format('?::TIMESTAMP')}, "
        f"{visit_rows.SQL_DAY_CUTOFF.format('?::TIMESTAMP')}"
    )
    assert con.execute(sql, [utc, utc]).fetchone() == (day, cutoff)


@settings(max_examples=100, deadline=None)
@given(walls)
def test_day_cutoff_is_23_00_on_the_uk_clock(con, utc):
    utc = utc.replace(microsecond=0)
    expected = dt.datetime.combine(
        utc.replace(tzinfo=dt.UTC).astimezone(LONDON).date(), dt.time(23), tzinfo=LONDON
    )
    assert visit_rows.day_cutoff(utc) == expected.astimezone(dt.UTC).replace(tzinfo=None)
    sql = f"SELECT {visit_rows.SQL_DAY_CUTOFF.format('?::TIMESTAMP')}"
    assert con.execute(sql, [utc]).fetchone()[0] == visit_rows.day_cutoff(utc)


def test_second_carer_id_is_an_optional_column():
    header = [*visit_rows.REQUIRED, "zone", "second_carer_id"]
    assert visit_rows.header_problems(header) == []
