"""Home health care routing and scheduling (Mankowska, Meisel and Bierwirth 2014).

Pure module (no Django). It holds the published benchmark problem as Tendercare models it:

- `read_instance` / `read_solution` / `solution_json`: the JSON format of iolab-uniud/hhcrsp
  (patients with a time window and one or two required services, optionally synchronised
  `simultaneous` or `sequential` with a minimum and maximum gap; caregivers with abilities;
  one central office; a full distance matrix whose row 0 is the office and row i patient i).
- `check(instance, solution)`: an independent feasibility checker, written from the problem
  definition, not from the solver: every required service served exactly once, by a caregiver
  who has the skill; the two services of a double-up visit by two different caregivers;
  simultaneous services start together, sequential ones within their gap; every route leaves
  the office at time 0 and returns to it; no service starts before the patient's window opens;
  times agree with the distances (travel time = distance) and the durations.
- `cost(instance, solution)`: the objective of the benchmark, total_cost = (distance +
  total tardiness + max tardiness) / 3, where the tardiness of a service is how long after the
  end of the patient's window it starts (windows are soft at the end, hard at the start).
- `solve(instance, seconds=...)`: a solver built on PyVRP.

How the solver handles what PyVRP does not model
-------------------------------------------------
Every required service (a "task") is a PyVRP client of its own, at its own copy of the
patient's location (the two copies of one patient are 0 apart). Skills are PyVRP profiles:
caregivers with the same abilities share a vehicle type, whose distance and duration matrices
make every edge into a task they cannot give prohibitively long (so is the edge between the two
halves of a double-up, so that one caregiver does not take both in a row).

PyVRP's time windows are hard (lateness is "time warp", a penalty during its search), and it
has no synchronisation. So PyVRP only proposes routes, and Tendercare's own code times, mends
and prices them:

- Timing (`schedule`, `starts_of`): given the order of tasks on every route, the earliest start
  of every task with waiting allowed, synchronisation enforced and windows soft at the end: the
  least fixed point of the precedence constraints. As every start is as early as it can be,
  total and maximum tardiness are the smallest those orders allow. Orders that wait on each
  other in a cycle (a deadlock, found as a cycle in the graph of waits) have no schedule.
- Repair (`repair`): a double-up given by one caregiver, and the pairs on a cycle of waits,
  lose their second half, which is put back one task at a time where the exact objective is
  lowest (never on the partner's route; if only the partner's caregiver can give it, the
  partner moves instead).
- Polish (`polish`): each late task is moved to the place where the exact objective is lowest.

The rounds of `solve`:

1. A free round: patient windows as hard windows, synchronisation ignored; repaired, polished.
2. A pinned round: each pair pinned where PyVRP's own schedule of the free round put it (first
   half at one time t; the second at t, or in [t + min gap, t + max gap]); repaired, polished.
3. Descent rounds, warm-started from the current plan, with windows that the current exact
   schedule already keeps: pairs pinned at their current times (or allowed to drift a little),
   windows ending at the patient's latest start or the task's current start if later. So PyVRP
   can shorten the routes without making anything later; a random share of pairs is freed to
   move, and some rounds allow every task a little lateness. A round's plan is kept if its
   exact cost is lower.
4. After four rounds without progress, back to 1 (a restart). The best plan seen is returned.

A deadlock-free list-scheduling construction (patients by opening of their window, each task
appended to the route of the capable caregiver who can start it earliest) gives a feasible plan
before any round, so `solve` always returns one (windows being soft, any schedulable plan that
serves every task with the right skills is feasible).
"""

from __future__ import annotations

import gzip
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

EPSILON = 1e-3  # published solutions give times to three decimals
SCALE = 1000  # PyVRP works in integers: thousandths of a minute
FORBIDDEN = 10**9  # length of an edge into a service the caregiver cannot give

# -- the problem -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    service: str
    duration: float


@dataclass(frozen=True)
class Sync:
    kind: str  # "simultaneous" or "sequential"
    min_gap: float = 0.0
    max_gap: float = 0.0


@dataclass(frozen=True)
class Patient:
    id: str
    index: int  # row of the distance matrix
    earliest: float
    latest: float
    requirements: tuple[Requirement, ...]
    sync: Sync | None = None


@dataclass(frozen=True)
class Caregiver:
    id: str
    abilities: frozenset[str]


@dataclass(frozen=True)
class Instance:
    name: str
    patients: tuple[Patient, ...]
    caregivers: tuple[Caregiver, ...]
    distances: tuple[tuple[float, ...], ...]
    office: int = 0

    def patient(self, patient_id: str) -> Patient:
        return self._patients_by_id()[patient_id]

    def caregiver(self, caregiver_id: str) -> Caregiver:
        return {c.id: c for c in self.caregivers}[caregiver_id]

    def _patients_by_id(self) -> dict[str, Patient]:
        cached = self.__dict__.get("_by_id")
        if cached is None:
            cached = {p.id: p for p in self.patients}
            object.__setattr__(self, "_by_id", cached)
        return cached


def read_instance(path: str | Path) -> Instance:
    """An instance in the iolab-uniud JSON format, plain or gzipped (NAME.json or NAME.json.gz)."""
    path = Path(path)
    if path.name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return parse_instance(json.load(handle), name=path.name[: -len(".json.gz")])
    return parse_instance(json.loads(path.read_text()), name=path.stem)


def parse_instance(data: dict, *, name: str = "") -> Instance:
    defaults = {s["id"]: float(s.get("default_duration") or 0) for s in data.get("services", [])}
    if len(data.get("central_offices", [])) != 1:
        raise ValueError("exactly one central office is supported")
    patients = []
    for index, raw in enumerate(data["patients"], start=1):
        requirements = tuple(
            Requirement(r["service"], float(r.get("duration") or defaults.get(r["service"], 0)))
            for r in raw["required_caregivers"]
        )
        sync = None
        if raw.get("synchronization"):
            kind = raw["synchronization"]["type"]
            if kind == "sequential":
                low, high = raw["synchronization"]["distance"]
                sync = Sync(kind, float(low), float(high))
            elif kind == "simultaneous":
                sync = Sync(kind)
            else:
                raise ValueError(f"patient {raw['id']}: unknown synchronisation {kind!r}")
        if len(requirements) == 2 and sync is None:
            raise ValueError(f"patient {raw['id']}: two services need a synchronisation")
        if not 1 <= len(requirements) <= 2:
            raise ValueError(f"patient {raw['id']}: one or two services, not {len(requirements)}")
        earliest, latest = raw["time_window"]
        patients.append(
            Patient(raw["id"], index, float(earliest), float(latest), requirements, sync)
        )
    caregivers = tuple(Caregiver(c["id"], frozenset(c["abilities"])) for c in data["caregivers"])
    distances = tuple(tuple(float(x) for x in row) for row in data["distances"])
    size = len(patients) + 1
    if len(distances) != size or any(len(row) != size for row in distances):
        raise ValueError(f"the distance matrix must be {size} x {size}")
    return Instance(name, tuple(patients), caregivers, distances)


# -- a plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    patient: str
    service: str
    start: float  # "arrival_time" in the published files: when the service starts
    end: float  # "departure_time"


@dataclass(frozen=True)
class Route:
    caregiver: str
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class Solution:
    routes: tuple[Route, ...]


@dataclass(frozen=True)
class Cost:
    distance: float
    total_tardiness: float
    max_tardiness: float

    @property
    def total(self) -> float:
        return (self.distance + self.total_tardiness + self.max_tardiness) / 3


def read_solution(path: str | Path) -> Solution:
    return parse_solution(json.loads(Path(path).read_text()))


def parse_solution(data: dict) -> Solution:
    routes = []
    for raw in data["routes"]:
        visits = tuple(
            Visit(
                str(v.get("patient", v.get("patient_id"))),
                str(v.get("service", v.get("service_id"))),
                float(v["arrival_time"]),
                float(v["departure_time"]),
            )
            for v in raw.get("locations", [])
        )
        routes.append(Route(raw["caregiver_id"], visits))
    return Solution(tuple(routes))


def solution_json(solution: Solution) -> dict:
    """The published solution format (the keys of the best-known files)."""
    return {
        "routes": [
            {
                "caregiver_id": r.caregiver,
                "locations": [
                    {
                        "arrival_time": round(v.start, 3),
                        "departure_time": round(v.end, 3),
                        "patient": v.patient,
                        "service": v.service,
                    }
                    for v in r.visits
                ],
            }
            for r in solution.routes
        ]
    }


def cost(instance: Instance, solution: Solution) -> Cost:
    d = instance.distances
    distance = 0.0
    tardiness = []
    for route in solution.routes:
        here = instance.office
        for v in route.visits:
            patient = instance.patient(v.patient)
            distance += d[here][patient.index]
            here = patient.index
            tardiness.append(max(0.0, v.start - patient.latest))
        distance += d[here][instance.office]
    return Cost(distance, sum(tardiness), max(tardiness, default=0.0))


def check(instance: Instance, solution: Solution) -> list[str]:
    """Every way the plan breaks the problem's hard rules, in words; [] when it is feasible."""
    errors: list[str] = []
    d = instance.distances
    caregivers = {c.id: c for c in instance.caregivers}
    patients = instance._patients_by_id()
    seen_caregivers: set[str] = set()
    served: dict[tuple[str, str], list[tuple[str, Visit]]] = {}
    for route in solution.routes:
        carer = caregivers.get(route.caregiver)
        if carer is None:
            errors.append(f"unknown caregiver {route.caregiver}")
            continue
        if route.caregiver in seen_caregivers:
            errors.append(f"caregiver {route.caregiver} has more than one route")
        seen_caregivers.add(route.caregiver)
        here, free_at = instance.office, 0.0
        for v in route.visits:
            patient = patients.get(v.patient)
            if patient is None:
                errors.append(f"{route.caregiver} visits unknown patient {v.patient}")
                continue
            required = {r.service: r for r in patient.requirements}
            if v.service not in required:
                errors.append(f"{route.caregiver} gives {v.service} to {v.patient}, not required")
                continue
            if v.service not in carer.abilities:
                errors.append(f"{route.caregiver} lacks the skill {v.service} ({v.patient})")
            served.setdefault((v.patient, v.service), []).append((route.caregiver, v))
            arrival = free_at + d[here][patient.index]
            if v.start < arrival - EPSILON:
                errors.append(
                    f"{route.caregiver} starts {v.patient} at {v.start:.3f} but cannot arrive "
                    f"before {arrival:.3f}"
                )
            if v.start < patient.earliest - EPSILON:
                errors.append(
                    f"{route.caregiver} starts {v.patient} at {v.start:.3f}, before the window "
                    f"opens at {patient.earliest:g}"
                )
            if v.end - v.start < required[v.service].duration - EPSILON:
                errors.append(f"{route.caregiver} gives {v.patient} less than its duration")
            here, free_at = patient.index, v.end
    for patient in instance.patients:
        givers = []
        for requirement in patient.requirements:
            done = served.get((patient.id, requirement.service), [])
            if not done:
                errors.append(f"{patient.id} does not get {requirement.service}")
            elif len(done) > 1:
                errors.append(f"{patient.id} gets {requirement.service} {len(done)} times")
            else:
                givers.append(done[0])
        if patient.sync is None or len(givers) != 2:
            continue
        (carer_a, first), (carer_b, second) = givers
        if carer_a == carer_b:
            errors.append(f"{patient.id} needs two caregivers, gets {carer_a} twice")
        gap = second.start - first.start
        if patient.sync.kind == "simultaneous" and abs(gap) > EPSILON:
            errors.append(f"{patient.id}: simultaneous services start {gap:+.3f} apart")
        if patient.sync.kind == "sequential" and not (
            patient.sync.min_gap - EPSILON <= gap <= patient.sync.max_gap + EPSILON
        ):
            errors.append(
                f"{patient.id}: second service starts {gap:.3f} after the first, outside "
                f"[{patient.sync.min_gap:g}, {patient.sync.max_gap:g}]"
            )
    return errors


# -- exact timing of given routes ---------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One required service of one patient: what a caregiver's route is made of."""

    patient: int  # position in instance.patients
    requirement: int  # 0 or 1


def tasks_of(instance: Instance) -> list[Task]:
    return [
        Task(p, r)
        for p, patient in enumerate(instance.patients)
        for r in range(len(patient.requirements))
    ]


def _task_table(instance: Instance) -> tuple[dict, list]:
    """Per task (matrix row, duration, earliest), and the synchronised pairs; cached."""
    cached = instance.__dict__.get("_tasks")
    if cached is None:
        info = {}
        pairs = []
        for p, patient in enumerate(instance.patients):
            for r, requirement in enumerate(patient.requirements):
                info[Task(p, r)] = (patient.index, requirement.duration, patient.earliest)
            if patient.sync is not None:
                pairs.append((patient.sync, Task(p, 0), Task(p, 1)))
        cached = (info, pairs)
        object.__setattr__(instance, "_tasks", cached)
    return cached


def waiting_cycle(instance: Instance, orders: dict[str, list[Task]]) -> set[int]:
    """Patients (positions) whose synchronised pair sits on or behind a cycle of waits.

    Edges: each task before the next on its route; a simultaneous pair is one node; a
    sequential pair's first service before its second. A cycle among these is a deadlock.
    Empty when there is none.
    """
    _, all_pairs = _task_table(instance)
    node: dict[Task, Task] = {}
    for tasks in orders.values():
        for task in tasks:
            node[task] = task
    for sync, a, b in all_pairs:
        if sync.kind == "simultaneous" and a in node and b in node:
            node[b] = a
    successors: dict[Task, list[Task]] = {n: [] for n in set(node.values())}
    indegree = dict.fromkeys(successors, 0)

    def edge(x: Task, y: Task) -> None:
        successors[node[x]].append(node[y])
        indegree[node[y]] += 1

    for tasks in orders.values():
        for x, y in zip(tasks, tasks[1:], strict=False):
            edge(x, y)
    for sync, a, b in all_pairs:
        if sync.kind == "sequential" and a in node and b in node:
            edge(a, b)
    ready = [n for n, k in indegree.items() if k == 0]
    while ready:
        n = ready.pop()
        for m in successors[n]:
            indegree[m] -= 1
            if indegree[m] == 0:
                ready.append(m)
    stuck = {n for n, k in indegree.items() if k > 0}
    return {t.patient for t, n in node.items() if n in stuck and instance.patients[t.patient].sync}


def starts_of(instance: Instance, orders: dict[str, list[Task]]) -> dict[Task, float] | None:
    """Earliest start of every task for these orders, or None if they deadlock (see schedule)."""
    if waiting_cycle(instance, orders):
        return None
    d = instance.distances
    office = instance.office
    info, all_pairs = _task_table(instance)
    lower: dict[Task, float] = {}
    for tasks in orders.values():
        for task in tasks:
            lower[task] = info[task][2]
    pairs = [pair for pair in all_pairs if pair[1] in lower and pair[2] in lower]
    start: dict[Task, float] = {}
    routes = [tasks for tasks in orders.values() if tasks]
    # Without a cycle of waits the bounds settle quickly; a sequential pair's maximum gap can
    # still make them climb for ever (a later second service drags the first one later).
    for _ in range(4 * len(pairs) + 20):
        for tasks in routes:
            here, free_at = office, 0.0
            for task in tasks:
                index, duration, _ = info[task]
                begin = free_at + d[here][index]
                if begin < lower[task]:
                    begin = lower[task]
                start[task] = begin
                here, free_at = index, begin + duration
        changed = False
        for sync, a, b in pairs:
            if sync.kind == "simultaneous":
                both = max(start[a], start[b])
                for t in (a, b):
                    if start[t] < both - 1e-9:
                        lower[t], changed = both, True
            else:
                if start[b] < start[a] + sync.min_gap - 1e-9:
                    lower[b], changed = start[a] + sync.min_gap, True
                if start[b] > start[a] + sync.max_gap + 1e-9:
                    lower[a], changed = start[b] - sync.max_gap, True
        if not changed:
            return start
    return None


def schedule(instance: Instance, orders: dict[str, list[Task]]) -> tuple[Solution, Cost] | None:
    """Earliest start times for the given service orders (caregiver -> tasks), or None.

    Waiting is allowed, windows are soft at the end, synchronisation is enforced. The starts are
    the least solution of the precedence constraints, found by raising lower bounds until they
    hold; if they keep rising the orders wait on each other in a cycle and None is returned.
    """
    start = starts_of(instance, orders)
    if start is None:
        return None
    routes = []
    for carer, tasks in orders.items():
        visits = []
        for task in tasks:
            patient = instance.patients[task.patient]
            requirement = patient.requirements[task.requirement]
            begin = start[task]
            visits.append(
                Visit(patient.id, requirement.service, begin, begin + requirement.duration)
            )
        routes.append(Route(carer, tuple(visits)))
    solution = Solution(tuple(routes))
    return solution, cost(instance, solution)


def quick_cost(instance: Instance, orders: dict[str, list[Task]]) -> float | None:
    """The objective of these orders (as cost(...).total), without building a Solution."""
    start = starts_of(instance, orders)
    if start is None:
        return None
    d = instance.distances
    info, _ = _task_table(instance)
    latest = [p.latest for p in instance.patients]
    distance, total, worst = 0.0, 0.0, 0.0
    for tasks in orders.values():
        here = instance.office
        for task in tasks:
            index = info[task][0]
            distance += d[here][index]
            here = index
            late = start[task] - latest[task.patient]
            if late > 0:
                total += late
                worst = max(worst, late)
        distance += d[here][instance.office]
    return (distance + total + worst) / 3


# -- construction ------------------------------------------------------------------------------


def construct(instance: Instance) -> dict[str, list[Task]]:
    """List scheduling: deadlock-free by construction, so it always gives a feasible plan.

    Patients in order of their window's opening; each service is appended to the route of the
    capable caregiver who can start it earliest (two different caregivers for a double-up).
    Every synchronisation links two tasks appended in the same step at the ends of two routes,
    so the waits can never form a cycle.
    """
    d = instance.distances
    orders: dict[str, list[Task]] = {c.id: [] for c in instance.caregivers}
    state = {c.id: (instance.office, 0.0) for c in instance.caregivers}

    def ready(carer: str, patient: Patient) -> float:
        here, free_at = state[carer]
        return max(free_at + d[here][patient.index], patient.earliest)

    def capable(service: str) -> list[str]:
        found = [c.id for c in instance.caregivers if service in c.abilities]
        if not found:
            raise ValueError(f"no caregiver can give {service}")
        return found

    for p in sorted(range(len(instance.patients)), key=lambda i: instance.patients[i].earliest):
        patient = instance.patients[p]
        if len(patient.requirements) == 1:
            carer = min(capable(patient.requirements[0].service), key=lambda c: ready(c, patient))
            begin = ready(carer, patient)
            orders[carer].append(Task(p, 0))
            state[carer] = (patient.index, begin + patient.requirements[0].duration)
            continue
        first, second = patient.requirements
        best = None
        for a in capable(first.service):
            for b in capable(second.service):
                if a == b:
                    continue
                ra, rb = ready(a, patient), ready(b, patient)
                if patient.sync.kind == "simultaneous":
                    ta = tb = max(ra, rb)
                else:
                    ta = max(ra, rb - patient.sync.max_gap)
                    tb = max(rb, ta + patient.sync.min_gap)
                key = (max(ta, tb), d[state[a][0]][patient.index] + d[state[b][0]][patient.index])
                if best is None or key < best[0]:
                    best = (key, a, b, ta, tb)
        if best is None:
            raise ValueError(f"{patient.id} needs two different capable caregivers")
        _, a, b, ta, tb = best
        orders[a].append(Task(p, 0))
        orders[b].append(Task(p, 1))
        state[a] = (patient.index, ta + first.duration)
        state[b] = (patient.index, tb + second.duration)
    return orders


def _insert_best(
    instance: Instance,
    orders: dict[str, list[Task]],
    task: Task,
    avoid: str | None,
    *,
    shortlist: int = 6,
) -> dict[str, list[Task]] | None:
    """Put `task` where the exact schedule costs least, on any capable caregiver but `avoid`.

    Every place on a capable route is first scored cheaply from the current start times
    (detour, lateness of the task, delay pushed onto the next one); the `shortlist` best are
    then priced exactly (with synchronisation), and the cheapest that does not deadlock wins.
    """
    d = instance.distances
    info, _ = _task_table(instance)
    patient = instance.patients[task.patient]
    index, duration, _ = info[task]
    service = patient.requirements[task.requirement].service
    start = starts_of(instance, orders) or {}
    scored = []
    for carer in instance.caregivers:
        if carer.id == avoid or service not in carer.abilities:
            continue
        route = orders[carer.id]
        for position in range(len(route) + 1):
            if position:
                prev = route[position - 1]
                prev_index, prev_duration, _ = info[prev]
                ready = start.get(prev, 0.0) + prev_duration
            else:
                prev_index, ready = instance.office, 0.0
            if position < len(route):
                nxt = route[position]
                next_index = info[nxt][0]
                next_start = start.get(nxt, 0.0)
            else:
                next_index, next_start = instance.office, None
            begin = max(ready + d[prev_index][index], patient.earliest)
            detour = d[prev_index][index] + d[index][next_index] - d[prev_index][next_index]
            late = max(0.0, begin - patient.latest)
            push = 0.0
            if next_start is not None:
                push = max(0.0, begin + duration + d[index][next_index] - next_start)
            scored.append((detour + 2 * late + push, carer.id, position))
    scored.sort()
    best, best_cost = None, None
    for _, carer, position in scored[:shortlist]:
        trial = dict(orders)
        route = orders[carer]
        trial[carer] = route[:position] + [task] + route[position:]
        found = quick_cost(instance, trial)
        if found is not None and (best_cost is None or found < best_cost):
            best, best_cost = trial, found
    if best is None:  # every short-listed place deadlocks: take the first one that does not
        for _, carer, position in scored[shortlist:]:
            trial = dict(orders)
            route = orders[carer]
            trial[carer] = route[:position] + [task] + route[position:]
            if starts_of(instance, trial) is not None:
                return trial
    return best


def repair(instance: Instance, orders: dict[str, list[Task]]) -> dict[str, list[Task]] | None:
    """Make the orders schedulable: two caregivers for every double-up, and no deadlock.

    A double-up whose two services are on one route has its second service taken out; so has
    every pair on a cycle of waits (or every pair, if the times still climb without a cycle:
    without second services nothing can wait on anything). The services taken out are put
    back one at a time where the exact schedule costs least (never on the route of their
    partner). None if that fails.
    """
    removed: list[Task] = []
    for tasks in orders.values():
        patients = [t.patient for t in tasks]
        removed += [Task(p, 1) for p in sorted({p for p in patients if patients.count(p) > 1})]
    orders = {c: [t for t in tasks if t not in removed] for c, tasks in orders.items()}
    for _ in range(len(instance.patients)):
        stuck = waiting_cycle(instance, orders)
        if not stuck and starts_of(instance, orders) is not None:
            break
        # Take out the second service of the pairs on the cycle (or of all pairs, if the
        # bounds climb without a cycle), and put them back one at a time.
        targets = stuck or {p for p, patient in enumerate(instance.patients) if patient.sync}
        out = {Task(p, 1) for p in targets}
        removed += sorted(out - set(removed), key=lambda t: t.patient)
        orders = {c: [t for t in tasks if t not in out] for c, tasks in orders.items()}
    for task in sorted(removed, key=lambda t: instance.patients[t.patient].earliest):
        first = Task(task.patient, 0)
        partner = next((c for c, tasks in orders.items() if first in tasks), None)
        placed = _insert_best(instance, orders, task, avoid=partner)
        if placed is None:
            # Only the partner's caregiver can give this one: move the partner instead.
            orders = {c: [t for t in tasks if t != first] for c, tasks in orders.items()}
            placed = _insert_best(instance, orders, task, avoid=None)
            if placed is None:
                return None
            carer = next(c for c, tasks in placed.items() if task in tasks)
            placed = _insert_best(instance, placed, first, avoid=carer)
            if placed is None:
                return None
        orders = placed
    return orders


def polish(
    instance: Instance, orders: dict[str, list[Task]], deadline: float
) -> dict[str, list[Task]]:
    """Move late services (one at a time) to the place where the exact objective is lowest.

    PyVRP sees lateness only as a hard window; this step prices it exactly. Stops at `deadline`.
    """
    best_cost = quick_cost(instance, orders)
    start = starts_of(instance, orders)
    if best_cost is None or start is None:
        return orders
    late = sorted(
        (t for t in start if start[t] > instance.patients[t.patient].latest + 1e-9),
        key=lambda t: instance.patients[t.patient].latest - start[t],
    )
    for task in late:
        if time.perf_counter() > deadline:
            break
        partner = Task(task.patient, 1 - task.requirement)
        avoid = next((c for c, tasks in orders.items() if partner in tasks), None)
        without = {c: [t for t in tasks if t != task] for c, tasks in orders.items()}
        placed = _insert_best(instance, without, task, avoid=avoid)
        if placed is None:
            continue
        found = quick_cost(instance, placed)
        if found is not None and found < best_cost - 1e-9:
            orders, best_cost = placed, found
    return orders


# -- the PyVRP rounds --------------------------------------------------------------------------


@dataclass
class _Model:
    """PyVRP data for an instance, with the synchronised tasks' windows left to set per round."""

    instance: Instance
    tasks: list[Task]
    carers_by_type: list[list[str]]
    data: object = None
    client_of: dict[Task, int] = field(default_factory=dict)


def _build(instance: Instance) -> _Model:
    import numpy as np
    import pyvrp

    tasks = tasks_of(instance)
    groups: dict[frozenset[str], list[str]] = {}
    for c in instance.caregivers:
        groups.setdefault(c.abilities, []).append(c.id)
    ability_sets = list(groups)
    # Location 0 is the office, location k + 1 task k (a copy of its patient's location).
    index = [instance.office] + [instance.patients[t.patient].index for t in tasks]
    base = np.rint(np.asarray(instance.distances, dtype=float)[np.ix_(index, index)] * SCALE)
    base = base.astype(np.int64)
    matrices = []
    for abilities in ability_sets:
        matrix = base.copy()
        for k, task in enumerate(tasks):
            service = instance.patients[task.patient].requirements[task.requirement].service
            if service not in abilities:
                matrix[:, k + 1] = FORBIDDEN
                matrix[k + 1, k + 1] = 0
        for k, task in enumerate(tasks):
            if task.requirement == 1:  # one caregiver must not give both services in a row
                matrix[k, k + 1] = matrix[k + 1, k] = FORBIDDEN
        matrices.append(matrix)
    horizon = int(max(p.latest for p in instance.patients) * SCALE) * 4 + 10**7
    locations = [pyvrp.Location(0, 0) for _ in index]
    depots = [pyvrp.Depot(0, tw_early=0, tw_late=horizon)]
    vehicle_types = [
        pyvrp.VehicleType(
            len(groups[a]),
            capacity=[],
            start_depot=0,
            end_depot=0,
            tw_early=0,
            tw_late=horizon,
            profile=i,
            name=",".join(sorted(a)),
        )
        for i, a in enumerate(ability_sets)
    ]
    model = _Model(instance, tasks, [groups[a] for a in ability_sets])
    model.client_of = {t: k for k, t in enumerate(tasks)}
    model.data = pyvrp.ProblemData(
        locations,
        _clients(instance, tasks, dict.fromkeys(tasks, (0, horizon / SCALE))),
        depots,
        vehicle_types,
        matrices,
        matrices,
    )
    return model


def _clients(instance: Instance, tasks: list[Task], windows: dict) -> list:
    """PyVRP clients, one per task, with the given (earliest, latest) start windows."""
    import pyvrp

    clients = []
    for k, task in enumerate(tasks):
        requirement = instance.patients[task.patient].requirements[task.requirement]
        early, late = windows[task]
        clients.append(
            pyvrp.Client(
                location=k + 1,
                service_duration=round(requirement.duration * SCALE),
                tw_early=round(early * SCALE),
                tw_late=round(late * SCALE),
            )
        )
    return clients


def _orders_from(model: _Model, solution) -> dict[str, list[Task]]:
    orders: dict[str, list[Task]] = {c.id: [] for c in model.instance.caregivers}
    used = [0] * len(model.carers_by_type)
    for route in solution.routes():
        kind = route.vehicle_type()
        carer = model.carers_by_type[kind][used[kind]]
        used[kind] += 1
        orders[carer] = [model.tasks[a.idx] for a in route if a.is_client()]
    return orders


def _warm_start(model: _Model, data, orders: dict[str, list[Task]]):
    import pyvrp

    kind_of = {c: k for k, carers in enumerate(model.carers_by_type) for c in carers}
    routes = [
        pyvrp.Route(data, [model.client_of[t] for t in tasks], kind_of[carer])
        for carer, tasks in orders.items()
        if tasks
    ]
    return pyvrp.Solution(data, routes)


def _windows_from(
    instance: Instance,
    tasks: list[Task],
    start: dict[Task, float],
    rng: random.Random,
    free: float,
    drift: float = 0.0,
) -> dict[Task, tuple[float, float]]:
    """PyVRP windows that the current exact schedule `start` already keeps, with some freedom.

    A synchronised pair is pinned where the schedule has it (first service at its start; the
    second at the same time, or within the sequential gap), so that any routes PyVRP returns
    keep the synchronisation. Windows end at the patient's latest start, or at the current
    start if that is later (a late service may get earlier, never later). A share `free` of the
    pairs, and of the late services, are given their plain window back, so that they can move.
    With `drift`, a pinned pair may move that much either way (the exact schedule then puts
    the two services back in step).
    """
    windows: dict[Task, tuple[float, float]] = {}
    released_patients = {p for p in range(len(instance.patients)) if rng.random() < free}
    for task in tasks:
        patient = instance.patients[task.patient]
        early, late = patient.earliest, patient.latest
        current = start.get(task, early)
        released = task.patient in released_patients
        if patient.sync is not None and not released:
            t = start.get(Task(task.patient, 0), early)
            if task.requirement == 0 or patient.sync.kind == "simultaneous":
                early, late = t - drift, t + drift
            else:
                early, late = t + patient.sync.min_gap - drift, t + patient.sync.max_gap + drift
            early = max(early, patient.earliest)
            late = max(late, early)
        elif patient.sync is not None and patient.sync.kind == "sequential":
            if task.requirement == 0:
                late = max(early, late - patient.sync.min_gap)
            else:
                early = min(late, early + patient.sync.min_gap)
        if not released:
            late = max(late, current)
        windows[task] = (early, late)
    return windows


def _pinned_at(model: _Model, solution) -> dict[Task, float]:
    """Plain windows, with each synchronised pair pinned near where PyVRP's own (free)
    schedule put it: the later of the two starts (simultaneous), or the first start, moved
    later if the second would be too far behind (sequential)."""
    instance = model.instance
    starts: dict[Task, float] = {}
    for route in solution.routes():
        for activity in route.schedule():
            if activity.is_client():
                starts[model.tasks[activity.idx]] = activity.start_time / SCALE
    pinned: dict[Task, float] = {}
    for p, patient in enumerate(instance.patients):
        a, b = starts.get(Task(p, 0)), starts.get(Task(p, 1))
        if patient.sync is None or a is None or b is None:
            continue
        latest = patient.latest
        if patient.sync.kind == "simultaneous":
            t = max(a, b)
        else:
            t = max(a, b - patient.sync.max_gap)
            latest = max(patient.earliest, latest - patient.sync.min_gap)
        pinned[Task(p, 0)] = min(max(t, patient.earliest), latest)
    return pinned


@dataclass(frozen=True)
class Result:
    solution: Solution
    cost: Cost
    rounds: int


def solve(instance: Instance, *, seconds: float = 30.0, seed: int = 1) -> Result:
    """The best plan found in about `seconds`; always feasible by `check` (windows are soft).

    Rounds of PyVRP (see the module's docstring): a free round, then rounds that keep the
    current plan's synchronisation and descend from it; after a few rounds without progress,
    a new free round restarts the descent from elsewhere. The best plan seen is returned.
    """
    import pyvrp
    from pyvrp.stop import MaxRuntime, MultipleCriteria, NoImprovement

    deadline = time.perf_counter() + seconds
    rng = random.Random(seed)
    model = _build(instance)
    current = construct(instance)
    current_cost = quick_cost(instance, current)
    assert current_cost is not None  # list scheduling cannot deadlock
    best, best_cost = current, current_cost
    synced = any(p.sync is not None for p in instance.patients)
    rounds, stale, restart = 0, 0, True
    pins: dict[Task, float] | None = None
    restarted_badly = False
    while True:
        left = deadline - time.perf_counter()
        if left <= 0.05:
            break
        if pins is not None:
            # After a free round: its pairs pinned where PyVRP put them, hard windows.
            windows = _windows_from(instance, model.tasks, {}, rng, free=1.0)
            for p, patient in enumerate(instance.patients):
                t = pins.get(Task(p, 0))
                if t is None:
                    continue
                windows[Task(p, 0)] = (t, t)
                if patient.sync.kind == "simultaneous":
                    windows[Task(p, 1)] = (t, t)
                else:
                    windows[Task(p, 1)] = (t + patient.sync.min_gap, t + patient.sync.max_gap)
            budget = min(left, seconds / 10)
        elif restart:
            # Free round: plain windows, synchronisation ignored; repaired afterwards.
            windows = _windows_from(instance, model.tasks, {}, rng, free=1.0)
            budget = left * 0.15 if rounds == 0 and synced else min(left, seconds / 10)
            if not synced:
                budget = left
        else:
            start = starts_of(instance, current)
            windows = _windows_from(
                instance,
                model.tasks,
                start,
                rng,
                free=rng.choice([0.0, 0.1, 0.2, 0.3]),
                drift=rng.choice([0.0, 0.0, 5.0, 15.0]),
            )
            if rng.random() < 0.25:  # let PyVRP try routes a little late everywhere
                slack = rng.choice([10.0, 30.0, 60.0])
                windows = {
                    t: (e, late + slack if e < late else late) for t, (e, late) in windows.items()
                }
            budget = min(left, seconds / 15, max(0.3, len(model.tasks) / 100))
        data = model.data.replace(clients=_clients(instance, model.tasks, windows))
        initial = None if restart or pins is not None else _warm_start(model, data, current)
        stop = MultipleCriteria([MaxRuntime(budget), NoImprovement(3_000)])
        result = pyvrp.solve(
            data, stop=stop, seed=seed + rounds, collect_stats=False, initial_solution=initial
        )
        rounds += 1
        was_restart, restart = restart, False
        was_pinned, pins = pins is not None, None
        if was_restart and synced:
            pins = _pinned_at(model, result.best)
        orders = None
        if result.best.distance() < FORBIDDEN:
            orders = repair(instance, _orders_from(model, result.best))
        if orders is not None:
            orders = polish(instance, orders, deadline)
        found = None if orders is None else quick_cost(instance, orders)
        if found is not None and (
            was_restart or found < current_cost - 1e-9 or (was_pinned and restarted_badly)
        ):
            current, current_cost, stale = orders, found, 0
        else:
            stale += 1
        if was_restart:  # the pinned round that follows may replace a poor restart
            restarted_badly = found is None or found > best_cost * 1.02
        if found is not None and found < best_cost - 1e-9:
            best, best_cost = orders, found
        if not synced and result.best.is_feasible():
            break
        if stale >= 4:
            restart = True
    solution, best_found = schedule(instance, best)
    return Result(solution, best_found, rounds)
