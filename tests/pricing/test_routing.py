"""The routing engine: check() catches every kind of broken rule, and solve() output keeps them."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tendercare.pricing.routing import (
    Carer,
    Plan,
    Problem,
    Route,
    Stop,
    Visit,
    check,
    haversine_miles,
    solve,
    straight_line_matrix,
)

# Four places on a line, 10 minutes (and 10 distance units) apart.
LINE = [[abs(i - j) * 10 for j in range(4)] for i in range(4)]


def problem(visits, carers, **kwargs):
    return Problem(LINE, LINE, tuple(visits), tuple(carers), **kwargs)


def test_check_accepts_a_plan_that_keeps_every_rule():
    p = problem([Visit("a", 1, 10, 20, 30)], [Carer("k", 0, 0, 0, 100)])
    plan = Plan([Route("k", [Stop("a", 10, 10, 10)], 50)], [], 0)
    assert check(p, plan) == []


def test_check_catches_a_visit_outside_its_window():
    p = problem([Visit("a", 1, 30, 40, 10)], [Carer("k", 0, 0, 0, 100)])
    plan = Plan([Route("k", [Stop("a", 50, 10, 10)], 70)], [], 0)
    assert any("outside its window" in e for e in check(p, plan))


def test_check_catches_a_start_before_the_shift_allows():
    p = problem([Visit("a", 2, 0, 100, 10)], [Carer("k", 0, 0, 30, 200)])
    plan = Plan([Route("k", [Stop("a", 35, 20, 20)], 65)], [], 0)
    assert any("cannot arrive before 50" in e for e in check(p, plan))


def test_check_catches_a_carer_back_after_the_shift():
    p = problem([Visit("a", 3, 0, 100, 30)], [Carer("k", 0, 0, 0, 80)])
    plan = Plan([Route("k", [Stop("a", 30, 30, 30)], 90)], [], 0)
    assert any("after the shift ends" in e for e in check(p, plan))


def test_check_catches_an_unskilled_carer_at_a_high_dependency_visit():
    p = problem([Visit("a", 1, 0, 100, 10, needs_skill=True)], [Carer("k", 0, 0, 0, 100)])
    plan = Plan([Route("k", [Stop("a", 10, 10, 10)], 30)], [], 0)
    assert any("needs a skilled carer" in e for e in check(p, plan))


def test_check_catches_double_ups_served_once_twice_by_one_carer_or_apart():
    visit = Visit("a", 1, 10, 50, 10, carers=2)
    carers = [Carer("k", 0, 0, 0, 200), Carer("m", 0, 0, 0, 200)]
    p = problem([visit], carers)
    once = Plan([Route("k", [Stop("a", 10, 10, 10)], 30)], [], 0)
    assert any("served 1 time(s) but needs 2" in e for e in check(p, once))
    same = Plan([Route("k", [Stop("a", 10, 10, 10), Stop("a", 20, 0, 0)], 40)], [], 0)
    assert any("same carer twice" in e for e in check(p, same))
    apart = Plan(
        [Route("k", [Stop("a", 10, 10, 10)], 30), Route("m", [Stop("a", 20, 10, 10)], 40)], [], 0
    )
    assert any("not together" in e for e in check(p, apart))
    together = Plan(
        [Route("k", [Stop("a", 10, 10, 10)], 30), Route("m", [Stop("a", 10, 10, 10)], 30)], [], 0
    )
    assert check(p, together) == []


def test_check_catches_unserved_visits_unless_allowed_and_double_counting():
    visits = [Visit("a", 1, 0, 100, 10), Visit("b", 2, 0, 100, 10)]
    carers = [Carer("k", 0, 0, 0, 200)]
    plan = Plan([Route("k", [Stop("a", 10, 10, 10)], 30)], ["b"], 0)
    assert any("b is not served" in e for e in check(problem(visits, carers), plan))
    assert check(problem(visits, carers, allow_unserved=True), plan) == []
    twice = Plan([Route("k", [Stop("a", 10, 10, 10), Stop("a", 20, 0, 0)], 40)], ["b"], 0)
    assert any("served 2 time(s)" in e for e in check(problem(visits, carers), twice))


def test_check_catches_travel_that_does_not_match_the_matrix_and_over_capacity():
    p = problem([Visit("a", 2, 0, 100, 10, demand=5)], [Carer("k", 0, 0, 0, 200, capacity=3)])
    plan = Plan([Route("k", [Stop("a", 20, 5, 20)], 50)], [], 0)
    errors = check(p, plan)
    assert any("does not match the matrix" in e for e in errors)
    assert any("over capacity" in e for e in errors)


def small_day():
    """Nine clients around two homes; a double-up and two high-dependency visits."""
    visits = [
        Visit("v1", 1, 60, 120, 30),
        Visit("v2", 2, 60, 180, 30, needs_skill=True),
        Visit("v3", 3, 120, 240, 30),
        Visit("d1", 4, 100, 160, 45, carers=2),
        Visit("v5", 5, 200, 300, 30),
        Visit("v6", 6, 300, 400, 30, needs_skill=True),
        Visit("v7", 7, 300, 420, 30),
        Visit("d2", 8, 400, 460, 30, carers=2),
        Visit("v9", 9, 420, 500, 30),
    ]
    rng = np.random.default_rng(4)
    points = rng.uniform(0, 20, size=(10, 2))
    matrix = np.rint(np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1)))
    carers = [
        Carer("skilled", 0, 0, 0, 600, skilled=True),
        Carer("plain1", 0, 0, 0, 600),
        Carer("plain2", 9, 9, 0, 600),
    ]
    return Problem(matrix.astype(int), matrix.astype(int), tuple(visits), tuple(carers))


def test_solve_serves_everything_and_keeps_skills_and_double_ups():
    p = small_day()
    plan = solve(p, seconds=0.3)
    assert check(p, plan) == []
    assert plan.unserved == []
    by_visit = {}
    for route in plan.routes:
        for stop in route.stops:
            by_visit.setdefault(stop.visit_ref, []).append((route.carer_ref, stop.start))
    assert {carer for carer, _ in by_visit["v2"]} == {"skilled"}
    assert {carer for carer, _ in by_visit["v6"]} == {"skilled"}
    for ref in ("d1", "d2"):
        (c1, s1), (c2, s2) = by_visit[ref]
        assert c1 != c2 and s1 == s2


def test_solve_leaves_out_what_cannot_fit_when_allowed():
    # One carer, two visits at the same pinned time far apart: one must be left out.
    visits = [Visit("a", 1, 20, 20, 30), Visit("b", 3, 20, 20, 30)]
    p = problem(visits, [Carer("k", 0, 0, 0, 200)], allow_unserved=True)
    plan = solve(p, seconds=0.1)
    assert check(p, plan) == []
    assert len(plan.unserved) == 1


def test_solve_will_not_give_a_high_dependency_visit_to_an_unskilled_carer():
    p = problem(
        [Visit("a", 1, 0, 100, 10, needs_skill=True)],
        [Carer("k", 0, 0, 0, 200)],
        allow_unserved=True,
    )
    plan = solve(p, seconds=0.1)
    assert plan.unserved == ["a"] and check(p, plan) == []


def test_identical_carers_share_a_vehicle_type_and_each_gets_its_own_route():
    visits = [Visit(f"v{i}", 1 + i % 3, 40, 40, 10) for i in range(4)]  # all at once
    carers = [Carer(f"k{i}", 0, 0, 0, 100) for i in range(4)]
    p = problem(visits, carers, objective="distance")
    plan = solve(p, seconds=0.1)
    assert check(p, plan) == []
    assert len({r.carer_ref for r in plan.routes}) == 4


def test_straight_line_matrix_uses_detour_local_distance_and_band_speeds():
    dover, folkestone = (51.1279, 1.3134), (51.0814, 1.1695)
    points = [dover, folkestone, folkestone]
    miles = haversine_miles(points)
    assert 6 < miles[0, 1] < 8
    durations, distances = straight_line_matrix(
        points,
        ["urban", "rural", "rural"],
        speeds_mph={"urban": 10, "rural": 30},
        detour=1.5,
        local_miles={"urban": 0.5, "rural": 1.0},
    )
    road = miles[0, 1] * 1.5
    assert abs(distances[0, 1] - road * 1609.344) <= 1
    assert abs(durations[0, 1] - (road / 2 / 10 + road / 2 / 30) * 3600) <= 1
    assert durations[0, 1] == durations[1, 0]
    assert abs(distances[1, 2] - 1609) <= 1  # two clients in one rural LSOA: a mile apart
    assert distances[1, 1] == 0


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 1000),
    visits=st.integers(1, 10),
    double_ups=st.integers(0, 2),
    skilled_visits=st.integers(0, 3),
)
def test_whatever_the_day_solve_output_passes_check(seed, visits, double_ups, skilled_visits):
    rng = np.random.default_rng(seed)
    points = rng.uniform(0, 30, size=(visits + 2, 2))
    matrix = np.rint(np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1)))
    matrix = matrix.astype(int)
    made = []
    for i in range(visits):
        early = int(rng.integers(0, 400))
        made.append(
            Visit(
                f"v{i}",
                2 + i,
                early,
                early + int(rng.integers(0, 60)),
                int(rng.integers(5, 40)),
                needs_skill=i < skilled_visits,
                carers=2 if visits - i <= double_ups else 1,
            )
        )
    carers = [
        Carer("s", 0, 0, 0, 500, skilled=True),
        Carer("p", 1, 1, 0, 500),
        Carer("q", 0, 1, 50, 500),
    ]
    p = Problem(matrix, matrix, tuple(made), tuple(carers), allow_unserved=True)
    plan = solve(p, seconds=0.05, seed=seed)
    assert check(p, plan) == []
