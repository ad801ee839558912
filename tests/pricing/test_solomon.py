"""Solomon VRPTW through Tendercare's routing engine (the modelling the bench measures)."""

import importlib.util
import sys
from functools import cache
from pathlib import Path

import pytest

from tendercare.pricing import routing

ROOT = Path(__file__).resolve().parents[2]
SOLOMON = ROOT / "src" / "tendercare" / "pricing" / "data" / "routing" / "solomon"


@cache
def bench_module():
    """benchmarks/routing.py, where the bench turns a Solomon instance into a routing.Problem."""
    spec = importlib.util.spec_from_file_location("routing_bench", ROOT / "benchmarks/routing.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_all_56_instances_are_shipped_with_their_best_known_solution():
    names = sorted(p.stem for p in SOLOMON.glob("*.vrp"))
    assert len(names) == 56
    assert all((SOLOMON / f"{n}.sol").exists() for n in names)


def test_reading_a_shipped_instance_gives_tendercare_problem_with_dimacs_rounding():
    bench = bench_module()
    data = bench.solomon_data("C101")
    problem = bench.solomon_problem(data)
    assert routing.validate(problem) == []
    assert len(problem.visits) == 100 and len(problem.carers) == 25
    assert {c.capacity for c in problem.carers} == {2000}  # 200, times 10
    first = problem.visits[0]  # customer 1 at (45, 68), window 912-967, service 90, demand 10
    assert (first.earliest, first.latest, first.duration, first.demand) == (9120, 9670, 900, 100)
    # depot (40, 50) to customer 1: sqrt(25 + 324) = 18.68..., truncated to 18.6
    assert problem.distances[0][first.location] == 186
    assert problem.durations[0][first.location] == 186
    assert bench.solomon_best_known("C101") == pytest.approx(827.3)


def test_a_short_solve_is_checked_and_no_better_than_best_known():
    bench = bench_module()
    problem = bench.solomon_problem(bench.solomon_data("C101"))
    plan = routing.solve(problem, seconds=2, seed=1)
    assert routing.check(problem, plan) == []
    assert plan.unserved == []
    assert plan.cost / 10 >= bench.solomon_best_known("C101") - 1e-9
