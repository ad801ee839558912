"""Carer runs: a vehicle-routing engine over a travel-time matrix, and an independent checker.

Pure (no Django). Times and distances are integers in whatever units the caller chooses (the
travel service uses seconds and metres; the Solomon benchmark uses its own units); a matrix is
indexed by *location*, and visits and carers name locations by index.

    plan = solve(problem, seconds=5)
    assert check(problem, plan) == []

How the care rules become a routing problem (docs/routing.md says more):
- Each visit copy gets its own node in the solver, so that rules can be attached to a visit
  rather than a place.
- Skills: carers without the skill use a routing profile in which every edge into a
  high-dependency visit costs more than the whole day, so any plan using one is infeasible.
- Double-ups: two copies of the visit with the start pinned to the window's start (earliest ==
  latest), so both carers start together; the edge between the copies is made prohibitive so
  one carer cannot take both halves.
- Shifts: each carer is a vehicle with its own start and end place and time window; identical
  carers share one vehicle type (num_available), which keeps large instances fast.
check() recomputes everything from the plan and the original matrix and trusts nothing the
solver said.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

OBJECTIVES = ("duration", "distance")


@dataclass(frozen=True)
class Visit:
    ref: str
    location: int
    earliest: int  # earliest start
    latest: int  # latest start
    duration: int
    needs_skill: bool = False
    carers: int = 1  # 2 = double-up: two carers starting together
    demand: int = 0


@dataclass(frozen=True)
class Carer:
    ref: str
    start: int  # location index
    end: int  # location index
    shift_start: int
    shift_end: int
    skilled: bool = False
    capacity: int | None = None


@dataclass(frozen=True)
class Problem:
    durations: object  # square matrix (list of lists or numpy array) over locations
    distances: object
    visits: tuple[Visit, ...]
    carers: tuple[Carer, ...]
    objective: str = "duration"
    allow_unserved: bool = False


@dataclass
class Stop:
    visit_ref: str
    start: int
    travel: int  # duration from the previous place
    distance: int  # distance from the previous place


@dataclass
class Route:
    carer_ref: str
    stops: list[Stop]
    end_time: int  # arrival back at the carer's end place


@dataclass
class Plan:
    routes: list[Route]
    unserved: list[str]
    cost: int


# --- matrices --------------------------------------------------------------------------------

EARTH_RADIUS_MILES = 3958.7613
METRES_PER_MILE = 1609.344


def haversine_miles(points) -> np.ndarray:
    """Great-circle distance in miles between every pair of (lat, lon) points."""
    array = np.radians(np.asarray(points, dtype=float).reshape(-1, 2))
    lat, lon = array[:, 0][:, None], array[:, 1][:, None]
    dlat = lat - lat.T
    dlon = lon - lon.T
    a = np.sin(dlat / 2) ** 2 + np.cos(lat) * np.cos(lat.T) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def straight_line_matrix(
    points,
    bands,
    *,
    speeds_mph: dict[str, float],
    detour: float = 1.3,
    local_miles: dict[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(durations in seconds, distances in metres) between every pair of points.

    Road distance = straight line x detour. A journey runs half its length at the speed of the
    band it leaves and half at the speed of the band it reaches (so A->B and B->A take the same
    time, and a long rural leg into town is not driven at town speed all the way). Two distinct
    points at the same spot (two clients in one LSOA, placed at its centroid) are
    local_miles[band] apart, so neighbours are not free to reach; a point to itself is 0.
    """
    miles = haversine_miles(points) * float(detour)
    bands = list(bands)
    if local_miles:
        local = np.array([float(local_miles.get(b, 0)) for b in bands])
        same_spot = miles < 1e-9
        pair_local = (local[:, None] + local[None, :]) / 2
        miles = np.where(same_spot, pair_local, miles)
    np.fill_diagonal(miles, 0)
    speed = np.array([float(speeds_mph[b]) for b in bands])
    if (speed <= 0).any():
        raise ValueError("Every speed must be above zero")
    hours = miles / 2 / speed[:, None] + miles / 2 / speed[None, :]
    durations = np.rint(hours * 3600).astype(np.int64)
    distances = np.rint(miles * METRES_PER_MILE).astype(np.int64)
    return durations, distances


# --- solving ---------------------------------------------------------------------------------


def _matrix(value) -> np.ndarray:
    array = np.asarray(value, dtype=np.int64)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise ValueError("A matrix must be square")
    return array


def validate(problem: Problem) -> list[str]:
    """Problems with the problem itself (before any solving)."""
    errors = []
    durations, distances = _matrix(problem.durations), _matrix(problem.distances)
    size = durations.shape[0]
    if distances.shape != durations.shape:
        errors.append("The distance and duration matrices differ in size")
    if (durations < 0).any() or (distances < 0).any():
        errors.append("The matrices hold negative values")
    if problem.objective not in OBJECTIVES:
        errors.append(f"Objective must be one of {', '.join(OBJECTIVES)}")
    refs = [v.ref for v in problem.visits]
    if len(set(refs)) != len(refs):
        errors.append("Visit refs repeat")
    carer_refs = [c.ref for c in problem.carers]
    if len(set(carer_refs)) != len(carer_refs):
        errors.append("Carer refs repeat")
    for v in problem.visits:
        if not 0 <= v.location < size:
            errors.append(f"Visit {v.ref} is at an unknown location {v.location}")
        if v.latest < v.earliest:
            errors.append(f"Visit {v.ref}: its window ends before it starts")
        if v.duration < 0 or v.demand < 0:
            errors.append(f"Visit {v.ref}: duration and demand cannot be negative")
        if v.carers not in (1, 2):
            errors.append(f"Visit {v.ref}: a visit needs one or two carers")
    for c in problem.carers:
        if not (0 <= c.start < size and 0 <= c.end < size):
            errors.append(f"Carer {c.ref} starts or ends at an unknown location")
        if c.shift_end < c.shift_start:
            errors.append(f"Carer {c.ref}: the shift ends before it starts")
    return errors


@dataclass(frozen=True)
class _Node:
    visit: Visit
    copy: int  # 0, or 1 for the second carer of a double-up


def _nodes(problem: Problem) -> list[_Node]:
    return [_Node(v, k) for v in problem.visits for k in range(v.carers)]


def _pinned(node: _Node) -> tuple[int, int]:
    v = node.visit
    return (v.earliest, v.earliest) if v.carers == 2 else (v.earliest, v.latest)


def solve(problem: Problem, *, seconds: float, seed: int = 1) -> Plan:
    """The best plan PyVRP finds in `seconds`. With allow_unserved, visits that cannot be fitted
    are left out (listed in plan.unserved) rather than served late; without it, every visit is
    in the plan and check() says what, if anything, is broken."""
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType
    from pyvrp import solve as pyvrp_solve
    from pyvrp.stop import MaxRuntime

    errors = validate(problem)
    if errors:
        raise ValueError("; ".join(errors))
    durations, distances = _matrix(problem.durations), _matrix(problem.distances)
    nodes = _nodes(problem)
    if not nodes or not problem.carers:
        return Plan([], [v.ref for v in problem.visits], 0)

    depot_places = sorted({c.start for c in problem.carers} | {c.end for c in problem.carers})
    depot_index = {place: i for i, place in enumerate(depot_places)}
    places = depot_places + [n.visit.location for n in nodes]
    first_client = len(depot_places)
    index = np.asarray(places)
    base_dur = durations[np.ix_(index, index)].copy()
    base_dist = distances[np.ix_(index, index)].copy()

    horizon = max(
        [c.shift_end for c in problem.carers] + [v.latest + v.duration for v in problem.visits]
    )
    floor = min([c.shift_start for c in problem.carers] + [v.earliest for v in problem.visits])
    # Longer than anything in the day, so an edge with it can never be on a feasible route.
    forbidden = int(min(2 * (horizon - floor) + int(base_dur.max()) + 1, 1 << 40))
    forbidden_dist = int(min(2 * int(base_dist.sum() // max(len(places), 1)) + 10**6, 1 << 40))

    # A double-up's two halves never follow each other on one route.
    for position, node in enumerate(nodes):
        if node.copy == 1:
            a, b = first_client + position - 1, first_client + position
            for matrix, value in ((base_dur, forbidden), (base_dist, forbidden_dist)):
                matrix[a, b] = matrix[b, a] = value

    needs_profiles = any(v.needs_skill for v in problem.visits) and not all(
        c.skilled for c in problem.carers
    )
    dur_matrices, dist_matrices = [base_dur], [base_dist]
    if needs_profiles:
        skilled_cols = [first_client + i for i, n in enumerate(nodes) if n.visit.needs_skill]
        unskilled_dur, unskilled_dist = base_dur.copy(), base_dist.copy()
        unskilled_dur[:, skilled_cols] = forbidden
        unskilled_dist[:, skilled_cols] = forbidden_dist
        np.fill_diagonal(unskilled_dur, 0)
        np.fill_diagonal(unskilled_dist, 0)
        dur_matrices.append(unskilled_dur)
        dist_matrices.append(unskilled_dist)

    prize = forbidden_dist if problem.objective == "distance" else forbidden
    clients = []
    for position, node in enumerate(nodes):
        early, late = _pinned(node)
        clients.append(
            Client(
                location=first_client + position,
                delivery=[node.visit.demand],
                service_duration=node.visit.duration,
                tw_early=early,
                tw_late=late,
                required=not problem.allow_unserved,
                prize=prize if problem.allow_unserved else 0,
                name=node.visit.ref,
            )
        )
    depots = [Depot(location=i) for i in range(first_client)]
    locations = [Location(0, 0) for _ in places]

    # Identical carers share a vehicle type: the search is much faster with fewer types.
    groups: dict[tuple, list[Carer]] = defaultdict(list)
    for carer in problem.carers:
        key = (carer.start, carer.end, carer.shift_start, carer.shift_end, carer.skilled)
        groups[key + (carer.capacity,)].append(carer)
    big_capacity = sum(v.demand * v.carers for v in problem.visits) + 1
    by_distance = problem.objective == "distance"
    vehicle_types, members = [], []
    for (start, end, shift_start, shift_end, skilled, capacity), carers in groups.items():
        vehicle_types.append(
            VehicleType(
                num_available=len(carers),
                capacity=[big_capacity if capacity is None else capacity],
                start_depot=depot_index[start],
                end_depot=depot_index[end],
                tw_early=shift_start,
                tw_late=shift_end,
                unit_distance_cost=1 if by_distance else 0,
                unit_duration_cost=0 if by_distance else 1,
                profile=1 if needs_profiles and not skilled else 0,
                name=carers[0].ref,
            )
        )
        members.append(list(carers))
    data = ProblemData(
        locations, clients, depots, vehicle_types, dist_matrices, dur_matrices, [], []
    )
    result = pyvrp_solve(data, MaxRuntime(seconds), seed=seed, display=False)

    sequences: dict[str, list[int]] = {}
    used = defaultdict(int)
    for route in result.best.routes():
        kind = route.vehicle_type()
        carer = members[kind][used[kind]]
        used[kind] += 1
        sequences[carer.ref] = [a.idx for a in route.schedule() if a.is_client()]
    plan = _plan_from(problem, nodes, sequences, durations, distances)
    if problem.allow_unserved:
        plan = _repair(problem, nodes, sequences, durations, distances)
    return plan


def _schedule(problem, nodes, carer: Carer, sequence, durations, distances) -> Route:
    """Earliest start at every stop: leave at shift start, wait if early."""
    stops, place, clock = [], carer.start, carer.shift_start
    for position in sequence:
        node = nodes[position]
        travel = int(durations[place, node.visit.location])
        early, _ = _pinned(node)
        start = max(clock + travel, early)
        stops.append(
            Stop(node.visit.ref, start, travel, int(distances[place, node.visit.location]))
        )
        clock, place = start + node.visit.duration, node.visit.location
    return Route(carer.ref, stops, clock + int(durations[place, carer.end]))


def _plan_from(problem, nodes, sequences, durations, distances) -> Plan:
    carers = {c.ref: c for c in problem.carers}
    routes = [
        _schedule(problem, nodes, carers[ref], seq, durations, distances)
        for ref, seq in sequences.items()
        if seq
    ]
    routes.sort(key=lambda r: list(carers).index(r.carer_ref))
    served = defaultdict(int)
    for route in routes:
        for stop in route.stops:
            served[stop.visit_ref] += 1
    unserved = [v.ref for v in problem.visits if served[v.ref] < v.carers]
    return Plan(routes, unserved, plan_cost(problem, routes))


def _late_positions(problem, nodes, carer, sequence, route) -> set[int]:
    """Stops that break a rule on this route: late, or needing a skill the carer lacks; and,
    if the carer is back after the shift, the last stop."""
    bad = set()
    for position, stop in zip(sequence, route.stops, strict=True):
        node = nodes[position]
        _, late = _pinned(node)
        if stop.start > late or (node.visit.needs_skill and not carer.skilled):
            bad.add(position)
    if not bad and sequence and route.end_time > carer.shift_end:
        bad.add(sequence[-1])
    return bad


def _repair(problem, nodes, sequences, durations, distances) -> Plan:
    """Drop what cannot be served on time (and the other half of a broken double-up) until the
    plan is feasible; the dropped visits are unserved."""
    carers = {c.ref: c for c in problem.carers}
    sequences = {ref: list(seq) for ref, seq in sequences.items()}
    while True:
        dropped: set[int] = set()
        for ref, sequence in sequences.items():
            route = _schedule(problem, nodes, carers[ref], sequence, durations, distances)
            dropped |= _late_positions(problem, nodes, carers[ref], sequence, route)
        served_copies = defaultdict(list)
        for sequence in sequences.values():
            for position in sequence:
                if position not in dropped:
                    served_copies[nodes[position].visit.ref].append(position)
        for v in problem.visits:
            if v.carers == 2 and len(served_copies[v.ref]) == 1:
                dropped |= set(served_copies[v.ref])
        if not dropped:
            break
        sequences = {ref: [p for p in seq if p not in dropped] for ref, seq in sequences.items()}
    return _plan_from(problem, nodes, sequences, durations, distances)


def plan_cost(problem: Problem, routes: list[Route]) -> int:
    """Total distance (objective "distance") or total paid time from leaving to returning
    (objective "duration"), counting the return leg."""
    distances = _matrix(problem.distances)
    carers = {c.ref: c for c in problem.carers}
    locations = {v.ref: v.location for v in problem.visits}
    total = 0
    for route in routes:
        if not route.stops:
            continue
        carer = carers[route.carer_ref]
        if problem.objective == "distance":
            back = int(distances[locations[route.stops[-1].visit_ref], carer.end])
            total += sum(s.distance for s in route.stops) + back
        else:
            first = route.stops[0]
            total += route.end_time - (first.start - first.travel)
    return total


# --- checking --------------------------------------------------------------------------------


def check(problem: Problem, plan: Plan) -> list[str]:
    """Every rule the plan breaks, in words; [] when it keeps them all."""
    errors = validate(problem)
    if errors:
        return errors
    durations, distances = _matrix(problem.durations), _matrix(problem.distances)
    visits = {v.ref: v for v in problem.visits}
    carers = {c.ref: c for c in problem.carers}
    starts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    seen_carers = set()
    for route in plan.routes:
        carer = carers.get(route.carer_ref)
        if carer is None:
            errors.append(f"Route for unknown carer {route.carer_ref}")
            continue
        if route.carer_ref in seen_carers:
            errors.append(f"Carer {route.carer_ref} has more than one route")
        seen_carers.add(route.carer_ref)
        errors.extend(_check_route(route, carer, visits, durations, distances, starts))
    unserved = set(plan.unserved)
    for visit in problem.visits:
        served = starts.get(visit.ref, [])
        if visit.ref in unserved:
            if served:
                errors.append(f"Visit {visit.ref} is listed as unserved but is on a route")
            elif not problem.allow_unserved:
                errors.append(f"Visit {visit.ref} is not served")
            continue
        if len(served) != visit.carers:
            errors.append(
                f"Visit {visit.ref} is served {len(served)} time(s) but needs {visit.carers}"
            )
            continue
        if visit.carers == 2:
            (carer_a, start_a), (carer_b, start_b) = served
            if carer_a == carer_b:
                errors.append(f"Double-up {visit.ref} has the same carer twice ({carer_a})")
            if start_a != start_b:
                errors.append(
                    f"Double-up {visit.ref}: carers start at {start_a} and {start_b}, not together"
                )
    for ref in unserved - visits.keys():
        errors.append(f"Unserved list names an unknown visit {ref}")
    return errors


def _check_route(route, carer, visits, durations, distances, starts) -> list[str]:
    errors = []
    place, ready = carer.start, carer.shift_start
    load = 0
    for stop in route.stops:
        visit = visits.get(stop.visit_ref)
        if visit is None:
            errors.append(f"Carer {carer.ref}: unknown visit {stop.visit_ref}")
            continue
        starts[visit.ref].append((carer.ref, stop.start))
        label = f"Carer {carer.ref}, visit {visit.ref}"
        travel = int(durations[place, visit.location])
        distance = int(distances[place, visit.location])
        if stop.travel != travel or stop.distance != distance:
            errors.append(
                f"{label}: travel {stop.travel}/{stop.distance} does not match the matrix "
                f"({travel}/{distance})"
            )
        if stop.start < ready + travel:
            errors.append(
                f"{label}: starts at {stop.start} but cannot arrive before {ready + travel}"
                + (" (shift start)" if place == carer.start and ready == carer.shift_start else "")
            )
        if stop.start < visit.earliest or stop.start > visit.latest:
            errors.append(
                f"{label}: starts at {stop.start}, outside its window "
                f"{visit.earliest}-{visit.latest}"
            )
        if visit.needs_skill and not carer.skilled:
            errors.append(f"{label}: needs a skilled carer")
        load += visit.demand
        ready, place = max(stop.start, ready + travel) + visit.duration, visit.location
    back = ready + int(durations[place, carer.end])
    if route.end_time < back:
        errors.append(f"Carer {carer.ref}: cannot be back before {back}, not {route.end_time}")
    if max(route.end_time, back) > carer.shift_end:
        errors.append(
            f"Carer {carer.ref}: back at {max(route.end_time, back)}, "
            f"after the shift ends at {carer.shift_end}"
        )
    if carer.capacity is not None and load > carer.capacity:
        errors.append(f"Carer {carer.ref}: load {load} is over capacity {carer.capacity}")
    return errors


def summary(problem: Problem, plan: Plan) -> dict[str, int]:
    """Totals for a plan: stops, travel, distance (return legs included), contact time."""
    durations, distances = _matrix(problem.durations), _matrix(problem.distances)
    visits = {v.ref: v for v in problem.visits}
    carers = {c.ref: c for c in problem.carers}
    totals = {"stops": 0, "travel": 0, "distance": 0, "contact": 0}
    for route in plan.routes:
        if not route.stops:
            continue
        last = visits[route.stops[-1].visit_ref].location
        end = carers[route.carer_ref].end
        totals["travel"] += sum(s.travel for s in route.stops) + int(durations[last, end])
        totals["distance"] += sum(s.distance for s in route.stops) + int(distances[last, end])
        totals["stops"] += len(route.stops)
        totals["contact"] += sum(visits[s.visit_ref].duration for s in route.stops)
    return totals


__all__ = [
    "Carer",
    "Plan",
    "Problem",
    "Route",
    "Stop",
    "Visit",
    "check",
    "haversine_miles",
    "plan_cost",
    "solve",
    "straight_line_matrix",
    "summary",
]
