"""Every visit KPI against tiny hand-worked stores (Parquet in tmp, by the store contract).

Each figure is checked twice: the KPI's own SQL (kpi_sql, what Spark would run) and the
one-pass SQL the engine runs (all_kpis_sql) must agree with the hand-worked numbers.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tendercare.performance import kpis

from .kpi_store import connect, visit, write_store

E1, E2 = "E01000001", "E01000002"
# Half a degree of longitude apart at 51.5N: 21.5 miles, 43 minutes at 30 mph.
CENTROIDS = {E1: (51.5, 0.0), E2: (51.5, 0.5)}
BAND_MINUTES = {"urban": 12, "rural": 20}


def _prepare(con, band_minutes=None, centroids=None):
    for name, columns in kpis.PARAMETER_TABLES.items():
        con.execute(f"CREATE TEMP TABLE {name} ({', '.join(f'{c} {t}' for c, t in columns)})")
    for band, minutes in (band_minutes or {}).items():
        con.execute("INSERT INTO kpi_band_travel VALUES (?, ?)", [band, minutes])
    for code, (lat, lon) in (centroids or {}).items():
        con.execute("INSERT INTO kpi_lsoa_centroids VALUES (?, ?, ?)", [code, lat, lon])


def figures(tmp_path, rows, code, *, band_minutes=None, centroids=None):
    """{(provider, zone, 'YYYY-MM'): (numerator, denominator)}, checked on both paths."""
    write_store(tmp_path, rows)
    con = connect(tmp_path)
    _prepare(con, band_minutes, centroids)
    alone = {
        (p, z, m.strftime("%Y-%m")): (float(n), float(d))
        for p, z, m, n, d in con.execute(kpis.kpi_sql(code)).fetchall()
    }
    wide = con.execute(kpis.all_kpis_sql()).df()
    together = {
        (r.provider_id, r.zone_id, r.month.strftime("%Y-%m")): (
            float(getattr(r, f"n_{code}")),
            float(getattr(r, f"d_{code}")),
        )
        for r in wide.itertuples()
    }
    assert alone == together
    return alone


def drill(tmp_path, code, month, *, band_minutes=None, centroids=None):
    con = connect(tmp_path)
    _prepare(con, band_minutes, centroids)
    sql = kpis.visits_sql(code, provider_id=1, zone_id=10, month=month, limit=50)
    return [(r[0], r[-1]) for r in con.execute(sql).fetchall()]


def test_punctuality_15_minutes_either_side_30_when_time_critical(tmp_path):
    rows = [
        visit("on-time-15-late", "2025-01-06 08:00", 30, "2025-01-06 08:15"),
        visit("16-late", "2025-01-06 09:00", 30, "2025-01-06 09:16"),
        visit("16-early", "2025-01-06 10:00", 30, "2025-01-06 09:44"),
        visit("critical-30-late", "2025-01-06 11:00", 30, "2025-01-06 11:30", time_critical=True),
        visit("critical-31-late", "2025-01-06 12:00", 30, "2025-01-06 12:31", time_critical=True),
        visit("missed", "2025-01-06 13:00", 30, None),
    ]
    assert figures(tmp_path, rows, "punctuality") == {(1, 10, "2025-01"): (2, 5)}


def test_missed_is_no_actual_start_and_a_double_up_counts_once(tmp_path):
    rows = [
        visit("done", "2025-01-06 08:00", 30, "2025-01-06 08:00"),
        visit("missed-double", "2025-01-06 12:00", 30, None, double_up=True),
        visit("done-double", "2025-01-06 18:00", 30, "2025-01-06 18:05", double_up=True),
        visit("missed", "2025-01-06 21:00", 30, None),
    ]
    assert figures(tmp_path, rows, "missed") == {(1, 10, "2025-01"): (2, 4)}


def test_short_visits_under_85_and_under_75_percent(tmp_path):
    rows = [
        visit("85-exactly", "2025-01-06 08:00", 60, "2025-01-06 08:00", 51),
        visit("83", "2025-01-06 09:00", 60, "2025-01-06 09:00", 50),
        visit("73", "2025-01-06 10:00", 60, "2025-01-06 10:00", 44),
        visit("full", "2025-01-06 11:00", 60, "2025-01-06 11:00", 60),
        visit("missed", "2025-01-06 12:00", 60, None),
    ]
    assert figures(tmp_path, rows, "short_85") == {(1, 10, "2025-01"): (2, 4)}
    assert figures(tmp_path, rows, "short_75") == {(1, 10, "2025-01"): (1, 4)}


def test_a_visit_started_but_never_ended_is_not_judged_short(tmp_path):
    row = visit("open", "2025-01-06 08:00", 60, "2025-01-06 08:00")
    row["actual_end"] = None
    rows = [row, visit("full", "2025-01-06 11:00", 60, "2025-01-06 11:00", 30)]
    assert figures(tmp_path, rows, "short_85") == {(1, 10, "2025-01"): (1, 1)}


def test_under_30_minutes_counts_planned_visits_not_agreed(tmp_path):
    rows = [
        visit("15-not-agreed", "2025-01-06 08:00", 15, "2025-01-06 08:00"),
        visit("15-agreed", "2025-01-06 09:00", 15, "2025-01-06 09:00", agreed_short=True),
        visit("30", "2025-01-06 10:00", 30, "2025-01-06 10:00"),
        visit("29-missed", "2025-01-06 11:00", 29, None),
    ]
    assert figures(tmp_path, rows, "under_30_not_agreed") == {(1, 10, "2025-01"): (2, 4)}


def test_continuity_distinct_carers_per_client_in_the_month(tmp_path):
    rows = [
        visit("a", "2025-01-06 08:00", 30, "2025-01-06 08:00", client="c1", carer="k1"),
        visit("b", "2025-01-07 08:00", 30, "2025-01-07 08:00", client="c1", carer="k2"),
        visit("c", "2025-01-08 08:00", 30, "2025-01-08 08:00", client="c1", carer="k3"),
        visit("d", "2025-01-09 08:00", 30, "2025-01-09 08:00", client="c1", carer="k1"),
        visit("e", "2025-01-06 09:00", 30, "2025-01-06 09:00", client="c2", carer="k1"),
        # A missed visit brings no carer.
        visit("f", "2025-01-10 09:00", 30, None, client="c2", carer="k9"),
    ]
    result = figures(tmp_path, rows, "continuity_carers")
    assert result == {(1, 10, "2025-01"): (4, 2)}
    numerator, denominator = result[(1, 10, "2025-01")]
    assert kpis.value_of(kpis.BY_CODE["continuity_carers"], numerator, denominator) == 2


def _visits(client, carer, month, count, start_day=1):
    return [
        visit(
            f"{client}-{carer}-{month}-{i}",
            f"2025-{month}-{start_day + i:02d} 08:00",
            30,
            f"2025-{month}-{start_day + i:02d} 08:00",
            client=client,
            carer=carer,
        )
        for i in range(count)
    ]


def test_core_team_is_the_three_most_frequent_carers_over_three_months(tmp_path):
    rows = (
        _visits("c1", "k1", "01", 5)
        + _visits("c1", "k2", "01", 4, start_day=10)
        + _visits("c1", "k3", "01", 3, start_day=20)
        + _visits("c1", "k4", "01", 1, start_day=25)
        # March: k4 twice; over January to March the core is still k1, k2, k3.
        + _visits("c1", "k4", "03", 2)
        # June: over April to June only k4 visited, so k4 is the core team.
        + _visits("c1", "k4", "06", 2)
    )
    assert figures(tmp_path, rows, "continuity_core") == {
        (1, 10, "2025-01"): (12, 13),
        (1, 10, "2025-03"): (0, 2),
        (1, 10, "2025-06"): (2, 2),
    }


def test_ecm_compliance_is_the_share_of_delivered_visits_verified_electronically(tmp_path):
    rows = [
        visit("a", "2025-01-06 08:00", 30, "2025-01-06 08:00"),
        visit("b", "2025-01-06 09:00", 30, "2025-01-06 09:00"),
        visit("c", "2025-01-06 10:00", 30, "2025-01-06 10:00", verified_by="manual"),
        visit("missed", "2025-01-06 11:00", 30, None, verified_by="manual"),
    ]
    assert figures(tmp_path, rows, "ecm_compliance") == {(1, 10, "2025-01"): (2, 3)}


def test_travel_against_the_model_counts_a_double_up_as_two_carers_hours(tmp_path):
    rows = [
        visit("urban-hour", "2025-01-06 08:00", 60, "2025-01-06 08:00", travel=10),
        visit(
            "rural-double",
            "2025-01-06 09:00",
            30,
            "2025-01-06 09:00",
            band="rural",
            double_up=True,
            travel=15,
        ),
        visit("no-band", "2025-01-06 10:00", 60, "2025-01-06 10:00", band="", travel=99),
        visit("unpriced", "2025-01-06 11:00", 60, "2025-01-06 11:00", band="isolated", travel=99),
        visit("missed", "2025-01-06 12:00", 60, None, travel=99),
    ]
    # Expected: 1 hour x 12 minutes + 0.5 hour x 2 carers x 20 minutes = 32; paid 25.
    result = figures(tmp_path, rows, "travel_vs_model", band_minutes=BAND_MINUTES)
    assert result == {(1, 10, "2025-01"): (25, 32)}
    kpi = kpis.BY_CODE["travel_vs_model"]
    assert kpis.value_of(kpi, Decimal(25), Decimal(32)) == Decimal("78.1250")


def test_travel_without_a_pricing_scenario_has_no_denominator(tmp_path):
    rows = [visit("a", "2025-01-06 08:00", 60, "2025-01-06 08:00", travel=10)]
    assert figures(tmp_path, rows, "travel_vs_model") == {(1, 10, "2025-01"): (0, 0)}


def test_cramming_overlap_of_more_than_5_minutes(tmp_path):
    rows = [
        visit("v1", "2025-01-06 09:00", 60, "2025-01-06 09:00", 60),
        visit("v2-overlaps-6", "2025-01-06 09:55", 30, "2025-01-06 09:54", 30),
        visit("v3-overlaps-4", "2025-01-06 10:20", 30, "2025-01-06 10:20", 30),
        # Another carer at the same time is no overlap.
        visit("other-carer", "2025-01-06 09:30", 30, "2025-01-06 09:30", 30, carer="k2"),
    ]
    assert figures(tmp_path, rows, "call_cramming") == {(1, 10, "2025-01"): (1, 4)}
    assert drill(tmp_path, "call_cramming", "2025-01")[0] == ("v2-overlaps-6", True)


def test_cramming_travel_shorter_than_the_distance_allows(tmp_path):
    rows = [
        visit("v1-E1", "2025-01-06 09:00", 30, "2025-01-06 09:00", 30, lsoa=E1),
        # 20 minutes to go 21.5 miles: impossible at 30 mph (43 minutes).
        visit("v2-E2-20min", "2025-01-06 09:50", 30, "2025-01-06 09:50", 30, lsoa=E2),
        # Same LSOA: no distance to cover.
        visit("v3-E2", "2025-01-06 10:30", 30, "2025-01-06 10:30", 30, lsoa=E2),
        # 45 minutes back to E1: possible.
        visit("v4-E1-45min", "2025-01-06 11:45", 30, "2025-01-06 11:45", 30, lsoa=E1),
    ]
    assert figures(tmp_path, rows, "call_cramming", centroids=CENTROIDS) == {
        (1, 10, "2025-01"): (1, 4)
    }
    # Without centroids only overlaps count.
    assert figures(tmp_path, rows, "call_cramming") == {(1, 10, "2025-01"): (0, 4)}


def test_a_visit_across_midnight_belongs_to_the_day_and_month_of_its_planned_start(tmp_path):
    rows = [
        visit("midnight", "2025-01-31 23:45", 35, "2025-01-31 23:50", 35),
        visit("feb", "2025-02-01 08:00", 30, "2025-02-01 08:00", 30),
    ]
    assert figures(tmp_path, rows, "short_85") == {
        (1, 10, "2025-01"): (0, 1),
        (1, 10, "2025-02"): (0, 1),
    }
    assert figures(tmp_path, rows, "punctuality") == {
        (1, 10, "2025-01"): (1, 1),
        (1, 10, "2025-02"): (1, 1),
    }
    assert [v for v, _ in drill(tmp_path, "short_85", "2025-02")] == ["feb"]


def test_the_month_is_the_london_month_not_the_utc_one(tmp_path):
    # 00:30 BST on 1 July is 23:30 UTC on 30 June.
    rows = [visit("july", "2025-07-01 00:30", 30, "2025-07-01 00:30")]
    assert figures(tmp_path, rows, "missed") == {(1, 10, "2025-07"): (0, 1)}


def test_october_clock_change_a_visit_that_looks_30_minutes_lasted_90(tmp_path):
    # 26 October 2025: 01:15 BST to 01:45 GMT reads as 30 minutes on the wall clock; it is 90.
    rows = [
        visit(
            "autumn",
            "2025-10-26T01:15:00+01:00",
            60,
            "2025-10-26T01:15:00+01:00",
            actual_end="2025-10-26T01:45:00+00:00",
        )
    ]
    assert figures(tmp_path, rows, "short_85") == {(1, 10, "2025-10"): (0, 1)}


def test_march_clock_change_a_visit_that_looks_90_minutes_lasted_30(tmp_path):
    # 30 March 2025: 00:45 GMT to 02:15 BST reads as 90 minutes on the wall clock; it is 30.
    rows = [
        visit(
            "spring",
            "2025-03-30T00:45:00+00:00",
            60,
            "2025-03-30T00:45:00+00:00",
            actual_end="2025-03-30T02:15:00+01:00",
        )
    ]
    assert figures(tmp_path, rows, "short_75") == {(1, 10, "2025-03"): (1, 1)}


def test_results_are_per_provider_and_zone(tmp_path):
    rows = [
        visit("a", "2025-01-06 08:00", 30, None, provider_id=1, zone_id=10),
        visit("b", "2025-01-06 08:00", 30, "2025-01-06 08:00", provider_id=2, zone_id=10),
        visit("c", "2025-01-06 08:00", 30, None, provider_id=2, zone_id=11),
    ]
    assert figures(tmp_path, rows, "missed") == {
        (1, 10, "2025-01"): (1, 1),
        (2, 10, "2025-01"): (0, 1),
        (2, 11, "2025-01"): (1, 1),
    }


def test_the_drill_down_lists_counted_visits_first_and_no_client_ids(tmp_path):
    rows = [
        visit("ok", "2025-01-06 08:00", 30, "2025-01-06 08:00", client="pseudo-1"),
        visit("missed", "2025-01-06 09:00", 30, None, client="pseudo-2"),
    ]
    write_store(tmp_path, rows)
    assert drill(tmp_path, "missed", "2025-01") == [("missed", True), ("ok", False)]
    assert "client_id" not in kpis.DRILL_COLUMNS


def test_every_kpi_renders_for_spark_without_duckdb_calls():
    for kpi in kpis.VISIT_KPIS:
        sql = kpis.kpi_sql(kpi.code, dialect="spark")
        assert "epoch(" not in sql and "timezone(" not in sql
        assert "from_utc_timestamp(" in sql and "unix_timestamp(" in sql


def test_every_builtin_kpi_has_a_source_and_consistent_defaults():
    for kpi in kpis.BUILTIN:
        assert kpi.source and kpi.description
        assert not kpis.check_thresholds(
            better=kpi.better, target=kpi.target, amber=kpi.amber, unit=kpi.unit
        ), kpi.code
    assert kpis.BY_CODE["rtt_18_weeks"].target == 92


@pytest.mark.parametrize(
    ("value", "better", "expected"),
    [
        (Decimal("90"), kpis.HIGHER, "green"),
        (Decimal("85"), kpis.HIGHER, "amber"),
        (Decimal("79.99"), kpis.HIGHER, "red"),
        (Decimal("0.5"), kpis.LOWER, "green"),
        (Decimal("0.8"), kpis.LOWER, "amber"),
        (Decimal("1.01"), kpis.LOWER, "red"),
    ],
)
def test_rating_against_target_and_amber(value, better, expected):
    target, amber = (Decimal(90), Decimal(80)) if better == kpis.HIGHER else (Decimal("0.5"), 1)
    assert kpis.rate(value, target=target, amber=Decimal(amber), better=better) == expected


ORDER = {"red": 0, "amber": 1, "green": 2}
numbers = st.decimals(min_value=0, max_value=100, places=2)


@settings(deadline=None)  # a pure check; a loaded machine must not fail it on time
@given(a=numbers, b=numbers, t=numbers, m=numbers, higher=st.booleans())
def test_a_better_value_never_gets_a_worse_rating(a, b, t, m, higher):
    better = kpis.HIGHER if higher else kpis.LOWER
    target, amber = (max(t, m), min(t, m)) if higher else (min(t, m), max(t, m))
    worse, improved = (min(a, b), max(a, b)) if higher else (max(a, b), min(a, b))
    rating = {v: kpis.rate(v, target=target, amber=amber, better=better) for v in (a, b)}
    assert ORDER[rating[improved]] >= ORDER[rating[worse]]


def test_thresholds_on_the_wrong_side_are_refused():
    problems = kpis.check_thresholds(
        better=kpis.HIGHER, target=Decimal(80), amber=Decimal(90), unit="percent"
    )
    assert problems and "amber" in problems[0]
    assert kpis.check_thresholds(
        better=kpis.LOWER, target=Decimal(5), amber=Decimal(101), unit="percent"
    )
