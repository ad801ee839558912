"""Routing figures: the engine on published benchmarks. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/routing.py                  # the reduced default (`make bench`)
    .venv/bin/python benchmarks/routing.py --full           # every instance, published limits
    .venv/bin/python benchmarks/routing.py --only solomon --instances 12 --routing-seconds 5

Solomon VRPTW (56 instances, 100 customers): each instance is turned into Tendercare's own
routing.Problem (one carer per vehicle, capacity and demand, objective distance, DIMACS rounding:
distances and times truncated to one decimal, so scaled by 10 as integers), solved by
routing.solve, checked by routing.check, and compared with the best-known distance; beside it,
OR-Tools routing (parallel cheapest insertion + guided local search) at the same time limit.

Mankowska HHCRSP (home health care: skills, simultaneous and sequential double-ups, soft
windows): solved by tendercare.pricing.hhc, every plan checked by hhc.check, total cost =
(distance + total tardiness + max tardiness) / 3 against the best-known table. The headline
gap is the mean over the instances of 10 to 100 patients whose best-known plan has no tardiness.

Instances come from src/tendercare/pricing/data/routing (shipped: all of Solomon, Mankowska's
toy and the 10- and 25-patient instances and InstanzCPLEX_HCSRP_75_8); the larger Mankowska
instances are read from ../shared/data/routing/hhcrsp when it exists. The output says which.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from tendercare.pricing import hhc, routing  # noqa: E402

SHIPPED = ROOT / "src" / "tendercare" / "pricing" / "data" / "routing"
SHARED = ROOT.parent / "shared" / "data" / "routing"
# One of each Solomon class: the reduced default.
SOLOMON_SAMPLE = ["C101", "C201", "R101", "R201", "RC101", "RC201"]
console = Console()


# -- Solomon ------------------------------------------------------------------------------------


def solomon_dir() -> Path:
    return SHIPPED / "solomon"


def solomon_names() -> list[str]:
    return sorted(p.stem for p in solomon_dir().glob("*.vrp"))


def solomon_data(name: str):
    """PyVRP's reading of the instance with DIMACS rounding (all numbers x 10, truncated)."""
    import pyvrp

    return pyvrp.read(solomon_dir() / f"{name}.vrp", round_func="dimacs")


def solomon_best_known(name: str) -> float:
    import vrplib

    return float(vrplib.read_solution(str(solomon_dir() / f"{name}.sol"))["cost"])


def solomon_problem(data) -> routing.Problem:
    """Tendercare's modelling of a Solomon instance: each vehicle a carer, each customer a visit."""
    clients = data.clients()
    vehicle = data.vehicle_types()[0]
    visits = tuple(
        routing.Visit(
            ref=f"c{k + 1}",
            location=client.location,
            earliest=client.tw_early,
            latest=client.tw_late,
            duration=client.service_duration,
            demand=client.delivery[0],
        )
        for k, client in enumerate(clients)
    )
    carers = tuple(
        routing.Carer(
            ref=f"v{i + 1}",
            start=vehicle.start_depot,
            end=vehicle.end_depot,
            shift_start=vehicle.tw_early,
            shift_end=vehicle.tw_late,
            capacity=vehicle.capacity[0],
        )
        for i in range(vehicle.num_available)
    )
    return routing.Problem(
        durations=data.duration_matrix(0),
        distances=data.distance_matrix(0),
        visits=visits,
        carers=carers,
        objective="distance",
    )


def ortools_distance(data, seconds: float) -> float | None:
    """OR-Tools routing on the same integers; None if it finds no solution in time."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    distance = data.distance_matrix(0).tolist()
    duration = data.duration_matrix(0).tolist()
    vehicle = data.vehicle_types()[0]
    size, fleet = data.num_locations, vehicle.num_available
    service, demand, windows = [0] * size, [0] * size, [(vehicle.tw_early, vehicle.tw_late)] * size
    for client in data.clients():
        service[client.location] = client.service_duration
        demand[client.location] = client.delivery[0]
        windows[client.location] = (client.tw_early, client.tw_late)
    manager = pywrapcp.RoutingIndexManager(size, fleet, 0)
    model = pywrapcp.RoutingModel(manager)
    # Matrices and vectors registered natively: no Python callback in the search loop.
    arc = model.RegisterTransitMatrix(distance)
    model.SetArcCostEvaluatorOfAllVehicles(arc)
    step = model.RegisterTransitMatrix(
        [[service[i] + duration[i][j] for j in range(size)] for i in range(size)]
    )
    model.AddDimension(step, vehicle.tw_late, vehicle.tw_late, False, "Time")
    clock = model.GetDimensionOrDie("Time")
    for location in range(1, size):
        clock.CumulVar(manager.NodeToIndex(location)).SetRange(*windows[location])
    for v in range(fleet):
        clock.CumulVar(model.Start(v)).SetRange(vehicle.tw_early, vehicle.tw_late)
        clock.CumulVar(model.End(v)).SetRange(vehicle.tw_early, vehicle.tw_late)
    load = model.RegisterUnaryTransitVector(demand)
    model.AddDimensionWithVehicleCapacity(load, 0, [vehicle.capacity[0]] * fleet, True, "Load")

    params = pywrapcp.DefaultRoutingSearchParameters()
    strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.first_solution_strategy = strategy
    guided = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.local_search_metaheuristic = guided
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = model.SolveWithParameters(params)
    return None if solution is None else solution.ObjectiveValue() / 10


@dataclass
class SolomonRow:
    name: str
    best_known: float
    engine: float | None  # None: check() found the plan broken
    engine_errors: int
    ortools: float | None


def gap(value: float | None, best: float) -> float | None:
    return None if value is None else 100 * (value - best) / best


def run_solomon(names: list[str], seconds: float, with_ortools: bool) -> list[SolomonRow]:
    rows = []
    for name in names:
        data = solomon_data(name)
        best = solomon_best_known(name)
        problem = solomon_problem(data)
        plan = routing.solve(problem, seconds=seconds, seed=1)
        errors = routing.check(problem, plan)
        engine = None if errors else plan.cost / 10
        ortools = ortools_distance(data, seconds) if with_ortools else None
        rows.append(SolomonRow(name, best, engine, len(errors), ortools))
        console.print(
            f"  {name}: best-known {best:.1f}; engine {_fmt(engine)} ({_pct(gap(engine, best))})"
            + (f"; OR-Tools {_fmt(ortools)} ({_pct(gap(ortools, best))})" if with_ortools else "")
        )
    return rows


# -- Mankowska ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BestKnown:
    distance: float
    max_tardiness: float
    total_tardiness: float
    total_cost: float
    solution_file: str


def read_best_known(path: Path) -> dict[str, BestKnown]:
    """The markdown table of solutions/mankowska_best.md, by instance name (no .json)."""
    table = {}
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].endswith(".json"):
            distance, max_t, total_t, total_cost = (float(c) for c in cells[1:5])
            table[cells[0][: -len(".json")]] = BestKnown(
                distance, max_t, total_t, total_cost, cells[5]
            )
    return table


def mankowska_path(name: str) -> Path | None:
    for base in (SHIPPED / "hhcrsp", SHARED / "hhcrsp"):
        for path in (
            base / "instances" / "mankowska" / f"{name}.json",
            base / "instances" / "mankowska" / f"{name}.json.gz",
        ):
            if path.exists():
                return path
    return None


def patients_of(name: str) -> int:
    return int(name.split("_")[2])


@dataclass
class MankowskaRow:
    name: str
    source: str
    best: BestKnown
    feasible: bool
    errors: list[str]
    cost: hhc.Cost


def run_mankowska(names: list[str], seconds: float, save: Path | None = None) -> list[MankowskaRow]:
    table = read_best_known(SHIPPED / "hhcrsp" / "solutions" / "mankowska_best.md")
    rows = []
    for name in names:
        path = mankowska_path(name)
        if path is None:
            console.print(f"  {name}: not shipped and ../shared/data/routing is absent: skipped")
            continue
        instance = hhc.read_instance(path)
        result = hhc.solve(instance, seconds=seconds, seed=1)
        errors = hhc.check(instance, result.solution)
        cost = hhc.cost(instance, result.solution)
        if save is not None:
            save.mkdir(parents=True, exist_ok=True)
            plan = hhc.solution_json(result.solution) | {"instance": name}
            (save / f"sol-{name}.json").write_text(json.dumps(plan, indent=1))
        source = "shipped" if SHIPPED in path.parents else "../shared"
        best = table[name]
        rows.append(MankowskaRow(name, source, best, not errors, errors, cost))
        console.print(
            f"  {name} ({source}): {'feasible' if not errors else 'BROKEN: ' + errors[0]}; "
            f"cost {cost.total:.3f} (distance {cost.distance:.1f}, tardiness "
            f"{cost.total_tardiness:.1f}/{cost.max_tardiness:.1f}) vs best-known "
            f"{best.total_cost:.3f} ({_pct(gap(cost.total, best.total_cost))})"
        )
    return rows


def headline_set(table: dict[str, BestKnown]) -> list[str]:
    """10 to 100 patients, best-known plan without tardiness."""
    return sorted(
        name
        for name, best in table.items()
        if 10 <= patients_of(name) <= 100 and best.total_tardiness == 0
    )


# -- reporting ----------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _pct(value: float | None) -> str:
    return "broken" if value is None else f"{value:+.2f}%"


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def solomon_summary(rows: list[SolomonRow], seconds: float, with_ortools: bool):
    n = len(rows)
    engine_gaps = [gap(r.engine, r.best_known) for r in rows]
    at_best = sum(1 for g in engine_gaps if g is not None and g < 0.005)
    broken = sum(1 for r in rows if r.engine is None)
    out = [
        (
            f"Solomon VRPTW, {n} of 56 instances at {seconds:g} s: Tendercare engine (PyVRP)",
            f"mean gap {_pct(_mean(engine_gaps))}",
            f"{at_best} at best-known, {broken} broken plans",
        )
    ]
    if with_ortools:
        or_gaps = [gap(r.ortools, r.best_known) for r in rows]
        missing = sum(1 for r in rows if r.ortools is None)
        out.append(
            (
                f"Solomon VRPTW, same {n} instances at {seconds:g} s: OR-Tools routing (GLS)",
                f"mean gap {_pct(_mean(or_gaps))}",
                f"{sum(1 for g in or_gaps if g is not None and g < 0.005)} at best-known, "
                f"{missing} without a solution",
            )
        )
    return out


def mankowska_summary(rows: list[MankowskaRow], seconds: float):
    table = read_best_known(SHIPPED / "hhcrsp" / "solutions" / "mankowska_best.md")
    headline = set(headline_set(table))
    feasible = sum(r.feasible for r in rows)
    picked = [r for r in rows if r.name in headline]
    worst = max((gap(r.cost.total, r.best.total_cost) for r in picked), default=None)
    sources = sorted({r.source for r in rows})
    out = [
        (
            f"Mankowska HHCRSP, {len(rows)} instances at {seconds:g} s ({', '.join(sources)})",
            f"{feasible} of {len(rows)} feasible",
            f"mean gap {_pct(_mean(gap(r.cost.total, r.best.total_cost) for r in rows))} over all",
        ),
        (
            f"Mankowska, 10-100 patients, best-known without tardiness ({len(picked)} of "
            f"{len(headline)})",
            f"mean gap {_pct(_mean(gap(r.cost.total, r.best.total_cost) for r in picked))}",
            f"worst {_pct(worst)}"
            f", {sum(r.cost.total_tardiness == 0 for r in picked)} without tardiness",
        ),
    ]
    return out if picked else out[:1]


def print_table(title: str, rows) -> None:
    table = Table(title=title)
    for column in ("benchmark", "result", "detail"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def bench_rows(
    *,
    only: str | None = None,
    routing_seconds: float = 10.0,
    mankowska_seconds: float = 10.0,
    instances: int | None = None,
    full: bool = False,
    all_sizes: bool = False,
    with_ortools: bool = True,
    save: Path | None = None,
) -> list[tuple[str, str, str]]:
    """The routing section of `make bench`: (label, result, detail) rows."""
    out = []
    if only in (None, "solomon"):
        names = solomon_names() if full else SOLOMON_SAMPLE
        if instances:
            names = solomon_names()[:: max(1, 56 // instances)][:instances]
        console.print(f"Solomon from {solomon_dir()}: {len(names)} instances")
        start = time.perf_counter()
        rows = run_solomon(names, routing_seconds, with_ortools)
        console.print(f"  ({time.perf_counter() - start:.0f} s)")
        out += solomon_summary(rows, routing_seconds, with_ortools)
    if only in (None, "mankowska"):
        table = read_best_known(SHIPPED / "hhcrsp" / "solutions" / "mankowska_best.md")
        if full:
            names = sorted(
                (n for n in table if all_sizes or 10 <= patients_of(n) <= 100),
                key=lambda n: (patients_of(n), n),
            )
        else:
            names = headline_set(table)
        if instances:
            names = names[:instances]
        console.print(
            f"Mankowska: {len(names)} instances (shipped: {SHIPPED / 'hhcrsp'}; others from "
            f"{SHARED / 'hhcrsp'}{'' if SHARED.exists() else ', absent'})"
        )
        start = time.perf_counter()
        rows = run_mankowska(names, mankowska_seconds, save)
        console.print(f"  ({time.perf_counter() - start:.0f} s)")
        out += mankowska_summary(rows, mankowska_seconds)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["solomon", "mankowska"])
    parser.add_argument("--routing-seconds", type=float, default=10.0, help="per Solomon run")
    parser.add_argument(
        "--mankowska-seconds", type=float, default=None, help="per instance (10, or 30 if --full)"
    )
    parser.add_argument("--instances", type=int, help="at most this many of each benchmark")
    parser.add_argument(
        "--full", action="store_true", help="all 56 Solomon, every Mankowska of 10-100 patients"
    )
    parser.add_argument(
        "--all-sizes", action="store_true", help="with --full: also the 200 and 300 patients"
    )
    parser.add_argument("--no-ortools", action="store_true")
    parser.add_argument("--save", type=Path, help="write each Mankowska plan here as JSON")
    args = parser.parse_args(argv)
    seconds = args.mankowska_seconds or (30.0 if args.full else 10.0)
    rows = bench_rows(
        only=args.only,
        routing_seconds=args.routing_seconds,
        mankowska_seconds=seconds,
        instances=args.instances,
        full=args.full,
        all_sizes=args.all_sizes,
        with_ortools=not args.no_ortools,
        save=args.save,
    )
    print_table("Routing benchmarks", rows)


if __name__ == "__main__":
    main()
