"""The issue's KPI definitions against hand-worked stores: missed by the next planned visit or
23:00 (winter and summer, a visit planned at 23:30, midnight, both clock changes), delivered
visits only for punctuality, short visits and ECM, the 28-day carers window, the 90-day core
team, and double-ups with and without a second carer. Each figure is checked on the KPI's own
SQL and on the engine's one-pass SQL (figures() in test_kpis)."""

from __future__ import annotations

import datetime as dt

from tendercare.performance import kpis, visit_store

from .kpi_store import visit, write_store
from .test_kpis import _prepare, drill, figures

JAN = (1, 10, "2025-01")


def _missed(tmp_path, rows, key=JAN):
    return figures(tmp_path, rows, "missed")[key]


# --- missed -------------------------------------------------------------------------------------


def test_missed_when_started_at_or_after_the_clients_next_planned_visit(tmp_path):
    rows = [
        # Started at 12:00, the planned start of the client's next visit: missed.
        visit("late-to-next", "2025-01-06 08:00", 30, "2025-01-06 12:00"),
        visit("next", "2025-01-06 12:00", 30, "2025-01-06 12:00"),
        # A minute before the next planned visit: delivered (late, not missed).
        visit("just-in-time", "2025-01-07 08:00", 30, "2025-01-07 11:59"),
        visit("next-2", "2025-01-07 12:00", 30, "2025-01-07 12:00"),
        # Another client's or another provider's visit is not this client's next visit.
        visit("other-client", "2025-01-08 08:00", 30, "2025-01-08 10:00"),
        visit("c2", "2025-01-08 09:00", 30, "2025-01-08 09:00", client="c2"),
        visit("p2", "2025-01-08 09:30", 30, "2025-01-08 09:30", provider_id=2),
        # Two visits planned at the same time: the next visit is the next LATER planned start.
        visit("tied-a", "2025-01-09 08:00", 30, "2025-01-09 08:30"),
        visit("tied-b", "2025-01-09 08:00", 30, "2025-01-09 08:05", carer="k2"),
        visit("tied-next", "2025-01-09 18:00", 30, "2025-01-09 18:00"),
    ]
    assert _missed(tmp_path, rows) == (1, 9)
    assert drill(tmp_path, "missed", "2025-01")[0] == ("late-to-next", True)
    # A missed visit is not delivered: out of punctuality, short visits and ECM.
    assert figures(tmp_path, rows, "punctuality")[JAN] == (5, 8)
    assert figures(tmp_path, rows, "short_85")[JAN] == (0, 8)
    assert figures(tmp_path, rows, "ecm_compliance")[JAN] == (8, 8)


def test_missed_by_23_00_in_winter(tmp_path):
    rows = [
        visit("2259", "2025-01-06 21:00", 30, "2025-01-06 22:59"),
        visit("2300", "2025-01-07 21:00", 30, "2025-01-07 23:00"),
        visit("none", "2025-01-08 21:00", 30, None),
    ]
    assert _missed(tmp_path, rows) == (2, 3)
    assert [v for v, counted in drill(tmp_path, "missed", "2025-01") if counted] == [
        "2300",
        "none",
    ]


def test_missed_by_23_00_uk_time_in_summer_which_is_22_00_utc(tmp_path):
    # 7 July 2025, BST: 23:00 on the UK clock is 22:00 UTC.
    rows = [
        visit("2259-bst", "2025-07-07 21:00", 30, "2025-07-07 22:59"),
        visit("2300-bst", "2025-07-08 21:00", 30, "2025-07-08T23:00:00+01:00"),
        # 22:30 UTC reads as 22:30 on a UTC clock but is 23:30 BST: missed.
        visit("2230-utc", "2025-07-09 21:00", 30, "2025-07-09T22:30:00+00:00"),
    ]
    assert _missed(tmp_path, rows, (1, 10, "2025-07")) == (2, 3)


def test_a_visit_planned_at_23_30_has_until_the_next_visit_or_23_00_the_next_day(tmp_path):
    rows = [
        # Next planned visit 08:00 the next day: started 00:15, delivered; 08:00, missed.
        visit("2330-ok", "2025-01-06 23:30", 30, "2025-01-07 00:15"),
        visit("0800", "2025-01-07 08:00", 30, "2025-01-07 08:00"),
        visit("2330-late", "2025-01-13 23:30", 30, "2025-01-14 08:00"),
        visit("0800-b", "2025-01-14 08:00", 30, "2025-01-14 08:10"),
        # No next visit: 23:00 the next day is the deadline.
        visit("2330-2259", "2025-01-20 23:30", 30, "2025-01-21 22:59", client="c2"),
        visit("2330-2300", "2025-01-27 23:30", 30, "2025-01-28 23:00", client="c3"),
    ]
    assert _missed(tmp_path, rows) == (2, 6)
    missed = {v for v, counted in drill(tmp_path, "missed", "2025-01") if counted}
    assert missed == {"2330-late", "2330-2300"}


def test_a_visit_across_midnight_is_missed_or_not_by_its_planned_day(tmp_path):
    rows = [
        # Planned 23:45 on 31 January: January's, and its deadline is 23:00 on 1 February.
        visit("jan-31", "2025-01-31 23:45", 35, "2025-02-01 00:05", 35),
        visit("feb-1", "2025-02-01 09:00", 30, "2025-02-01 09:00"),
    ]
    assert figures(tmp_path, rows, "missed") == {JAN: (0, 1), (1, 10, "2025-02"): (0, 1)}
    assert figures(tmp_path, rows, "punctuality")[JAN] == (0, 1)  # 20 minutes late


def test_missed_on_the_march_clock_change_day(tmp_path):
    # Sunday 30 March 2025: the clocks go forward at 01:00 UTC. 23:00 BST is 22:00 UTC.
    rows = [
        visit("sun-2159", "2025-03-30 21:00", 30, "2025-03-30T21:59:00+00:00"),  # 22:59 BST
        visit("sun-2210", "2025-03-30 21:00", 30, "2025-03-30T22:10:00+00:00", client="c2"),
        # Planned 23:30 GMT on Saturday 29 March: its deadline is 23:00 BST on Sunday (22:00
        # UTC), 23 hours later, not 24.
        visit("sat-2330", "2025-03-29 23:30", 30, "2025-03-30T22:30:00+00:00", client="c3"),
        visit("sat-2330-ok", "2025-03-29 23:30", 30, "2025-03-30T21:30:00+00:00", client="c4"),
    ]
    assert _missed(tmp_path, rows, (1, 10, "2025-03")) == (2, 4)
    missed = {v for v, counted in drill(tmp_path, "missed", "2025-03") if counted}
    assert missed == {"sun-2210", "sat-2330"}


def test_missed_on_the_october_clock_change_day(tmp_path):
    # Sunday 26 October 2025: the clocks go back at 01:00 UTC. 23:00 GMT is 23:00 UTC.
    rows = [
        visit("sun-2230-utc", "2025-10-26 21:00", 30, "2025-10-26T22:30:00+00:00"),
        visit("sun-2300-utc", "2025-10-26 21:00", 30, "2025-10-26T23:00:00+00:00", client="c2"),
        # Planned 23:30 BST on Saturday 25 October: deadline 23:00 GMT on Sunday (23:00 UTC),
        # 25 hours later: started 22:30 UTC on Sunday, not missed.
        visit("sat-2330", "2025-10-25 23:30", 30, "2025-10-26T22:30:00+00:00", client="c3"),
    ]
    assert _missed(tmp_path, rows, (1, 10, "2025-10")) == (1, 3)
    missed = {v for v, counted in drill(tmp_path, "missed", "2025-10") if counted}
    assert missed == {"sun-2300-utc"}


def test_older_files_without_the_day_columns_give_the_same_figures(settings):
    rows = [
        visit("2230-utc", "2025-07-09 21:00", 30, "2025-07-09T22:30:00+00:00"),
        visit("2100", "2025-07-10 21:00", 30, "2025-07-10 21:05"),
        visit("jul-1", "2025-07-01 00:30", 30, "2025-07-01 00:30", client="c2"),
        visit("oct", "2025-10-25 23:30", 30, "2025-10-26T22:30:00+00:00", client="c3"),
    ]
    write_store(settings.VISIT_STORE, rows, old=True)
    con = visit_store.connect([1], done_only=False)
    try:
        _prepare(con)
        got = {
            (m.strftime("%Y-%m"), c): (float(n), float(d))
            for c in ("missed", "punctuality")
            for _p, _z, m, n, d in con.execute(kpis.kpi_sql(c)).fetchall()
        }
        assert con.execute("SELECT count(planned_day) FROM visits").fetchone() == (0,)
    finally:
        con.close()
    assert got == {
        ("2025-07", "missed"): (1, 3),
        ("2025-07", "punctuality"): (2, 2),
        ("2025-10", "missed"): (0, 1),
        ("2025-10", "punctuality"): (0, 1),
    }


# --- continuity -------------------------------------------------------------------------------


def _on(day: dt.date, carer: str, *, client="c1", hour=8, **kwargs) -> dict:
    start = f"{day.isoformat()} {hour:02d}:00"
    return visit(
        f"{client}-{carer}-{day}-{hour}", start, 30, start, client=client, carer=carer, **kwargs
    )


def test_carers_per_client_counts_the_28_days_ending_on_the_months_last_day(tmp_path):
    jan = [dt.date(2025, 1, d) for d in range(1, 32)]
    rows = [
        # Days 1 to 3 of a 31-day month are outside its last 28 days.
        _on(jan[0], "k1"),
        _on(jan[1], "k2"),
        _on(jan[2], "k3"),
        _on(jan[3], "k4"),  # 4 January: the first day counted
        _on(jan[30], "k5"),
        # A client seen only on days 1 to 3 is not counted at all.
        _on(jan[0], "k1", client="c2"),
        # February has 28 days: all of it counts.
        _on(dt.date(2025, 2, 1), "k1"),
        _on(dt.date(2025, 2, 28), "k2"),
        # A double-up with a second carer brings both; without one, its lead only.
        _on(jan[10], "k4", client="c3", double_up=True, second_carer="k6"),
        _on(jan[11], "k4", client="c3", double_up=True),
    ]
    result = figures(tmp_path, rows, "continuity_carers")
    assert result == {JAN: (4, 2), (1, 10, "2025-02"): (2, 1)}  # c1: k4, k5; c3: k4, k6


def test_carers_count_visits_started_late_enough_to_be_missed_but_not_unrecorded(tmp_path):
    rows = [
        visit("late", "2025-01-20 21:00", 30, "2025-01-20 23:10", carer="k1"),
        visit("unrecorded", "2025-01-21 21:00", 30, None, carer="k2"),
    ]
    assert figures(tmp_path, rows, "continuity_carers")[JAN] == (1, 1)


def test_core_team_is_the_90_days_ending_on_the_months_last_day(tmp_path):
    # April 2025 ends on the 30th; its 90 days run from 31 January.
    rows = (
        [_on(dt.date(2025, 1, 30), "k3", hour=h) for h in range(6, 16)]  # 10, a day too early
        + [_on(dt.date(2025, 1, 31), "k2", hour=h) for h in (8, 12, 16)]  # 3, counted
        + [_on(dt.date(2025, 2, d), "k4") for d in (10, 11)]  # 2
        + [_on(dt.date(2025, 3, 10), "k5")]  # 1, and 1 in April: 2, tied with k4
        + [_on(dt.date(2025, 4, d), "k1") for d in range(1, 6)]  # 5
        + [_on(dt.date(2025, 4, 20), "k5")]
        + [_on(dt.date(2025, 4, 22), "k3")]
        + [visit("apr-missed", "2025-04-21 08:00", 30, None, carer="k9")]
    )
    # Core for April: k1 (5), k2 (3), k4 (2, before k5 by carer id); k3 has 1. April's
    # delivered visits: k1 x 5 in the core, k5 and k3 not; the missed visit is not delivered.
    # (Counting 30 January would put k3 in: 6 of 7; leaving out 31 January would put k5 in.)
    assert figures(tmp_path, rows, "continuity_core")[(1, 10, "2025-04")] == (5, 7)


def test_core_team_leaves_out_the_first_days_of_a_92_day_span(tmp_path):
    # August 2025 ends on the 31st; its 90 days run from 3 June, so 1 and 2 June are out.
    rows = (
        [_on(dt.date(2025, 6, d), "k6", client="c2") for d in (1, 2)]
        + [_on(dt.date(2025, 6, d), "k7", client="c2") for d in (3, 4)]
        + [_on(dt.date(2025, 8, d), "k8", client="c2") for d in (5, 9)]
        + [_on(dt.date(2025, 8, d), "k9", client="c2") for d in (7, 8)]
        + [_on(dt.date(2025, 8, 6), "k6", client="c2")]
    )
    # In the 90 days: k7, k8, k9 2 each, k6 1: the core is k7, k8, k9, and August's visits
    # by k8 (2) and k9 (2) are in it, k6's is not. (Counting 1 and 2 June would give k6 3
    # and a core of k6, k7, k8: 3 of 5.)
    assert figures(tmp_path, rows, "continuity_core")[(1, 10, "2025-08")] == (4, 5)


def test_core_team_adds_the_last_day_of_the_month_before_an_89_day_span(tmp_path):
    # April 2025 (Feb 28 + Mar 31 + Apr 30 = 89 days): 31 January counts, 30 January not.
    rows = (
        [_on(dt.date(2025, 1, 31), "k2", hour=h) for h in (7, 9, 11, 13)]
        + [_on(dt.date(2025, 1, 30), "k3", hour=h) for h in (7, 9, 11, 13, 15)]
        + [_on(dt.date(2025, 4, d), "k4") for d in (2, 3)]
        + [_on(dt.date(2025, 4, d), "k5") for d in (4, 5)]
        + [_on(dt.date(2025, 4, d), "k6") for d in (6, 7)]
        + [_on(dt.date(2025, 4, 8), "k2"), _on(dt.date(2025, 4, 9), "k3")]
    )
    # k2 5, k4, k5, k6 2 each, k3 1: core k2, k4, k5: 1 + 2 + 2 of April's 8 visits.
    # (Without 31 January: k4, k5, k6, 6 of 8; with 30 January: k3, k2, k4, 4 of 8.)
    assert figures(tmp_path, rows, "continuity_core")[(1, 10, "2025-04")] == (5, 8)


def test_core_team_counts_a_double_ups_second_carer(tmp_path):
    days = [dt.date(2025, 1, d) for d in range(5, 25)]
    rows = (
        [_on(d, "k1", double_up=True, second_carer="k2") for d in days[:6]]
        + [_on(d, "k3") for d in days[6:11]]
        + [_on(d, "k4") for d in days[11:15]]
        + [_on(d, "k5") for d in days[15:18]]
        # A visit whose second carer alone is in the core team counts for the team.
        + [_on(days[18], "k9", double_up=True, second_carer="k2")]
    )
    # Core: k2 (7), k1 (6), k3 (5). In: 6 double-ups, 5 by k3, the k9/k2 double-up = 12 of 19.
    assert figures(tmp_path, rows, "continuity_core")[JAN] == (12, 19)
    without = [{**r, "second_carer_id": None} for r in rows]
    # Lead carers only: k1 (6), k3 (5), k4 (4): 6 + 5 + 4 = 15 of 19.
    assert figures(tmp_path, without, "continuity_core")[JAN] == (15, 19)


# --- cramming with double-ups --------------------------------------------------------------------


def test_cramming_follows_the_second_carer_of_a_double_up(tmp_path):
    rows = [
        visit("k2-own", "2025-01-06 09:00", 60, "2025-01-06 09:00", 60, carer="k2", client="c2"),
        # k2 is also the second carer of k1's double-up at 09:30: k2's sequence overlaps.
        visit(
            "double",
            "2025-01-06 09:30",
            30,
            "2025-01-06 09:30",
            30,
            carer="k1",
            double_up=True,
            second_carer="k2",
        ),
    ]
    assert figures(tmp_path, rows, "call_cramming")[JAN] == (1, 2)
    assert drill(tmp_path, "call_cramming", "2025-01")[0] == ("double", True)
    # Without the second carer nothing overlaps.
    without = [{**r, "second_carer_id": None} for r in rows]
    assert figures(tmp_path, without, "call_cramming")[JAN] == (0, 2)


def test_a_double_up_crammed_in_both_carers_sequences_counts_once(tmp_path):
    rows = [
        visit("k1-own", "2025-01-06 09:00", 60, "2025-01-06 09:00", 60, carer="k1", client="c2"),
        visit("k2-own", "2025-01-06 09:00", 60, "2025-01-06 09:00", 60, carer="k2", client="c3"),
        visit(
            "double",
            "2025-01-06 09:30",
            30,
            "2025-01-06 09:30",
            30,
            carer="k1",
            double_up=True,
            second_carer="k2",
        ),
    ]
    assert figures(tmp_path, rows, "call_cramming")[JAN] == (1, 3)


def test_cramming_ties_are_broken_by_visit_id(tmp_path):
    # Two visits of one carer with the same actual start and end, in LSOAs 21.5 miles apart,
    # after a visit in the first: by visit id "a" comes first (same LSOA as before: fine),
    # then "b" overlaps "a" completely.
    e1, e2 = "E01000001", "E01000002"
    centroids = {e1: (51.5, 0.0), e2: (51.5, 0.5)}
    rows = [
        visit("0", "2025-01-06 07:00", 30, "2025-01-06 07:00", 30, lsoa=e1, client="c0"),
        visit("b", "2025-01-06 09:00", 30, "2025-01-06 09:00", 30, lsoa=e2, client="c2"),
        visit("a", "2025-01-06 09:00", 30, "2025-01-06 09:00", 30, lsoa=e1, client="c3"),
    ]
    assert figures(tmp_path, rows, "call_cramming", centroids=centroids)[JAN] == (1, 3)
    assert drill(tmp_path, "call_cramming", "2025-01", centroids=centroids)[0] == ("b", True)
