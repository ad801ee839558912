"""The Mankowska home health care model: reader, independent checker, objective and solver."""

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tendercare.pricing import hhc

DATA = Path(hhc.__file__).parent / "data" / "routing" / "hhcrsp"
TOY = DATA / "instances" / "toy.json"
TOY_OPTIMAL = DATA / "solutions" / "sol_toy_optimal.json"


def best_known_table() -> dict[str, tuple[float, str]]:
    """instance name -> (total_cost, solution file) from solutions/mankowska_best.md."""
    table = {}
    for line in (DATA / "solutions" / "mankowska_best.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].endswith(".json"):
            table[cells[0].removesuffix(".json")] = (float(cells[4]), cells[5])
    return table


SHIPPED = sorted(p.stem for p in (DATA / "instances" / "mankowska").glob("*.json"))


def test_reader_reads_the_toy_instance():
    instance = hhc.read_instance(TOY)
    assert [p.id for p in instance.patients] == ["p1", "p2", "p3", "p4", "p5", "p6"]
    p4, p5 = instance.patient("p4"), instance.patient("p5")
    assert p4.sync == hhc.Sync("simultaneous")
    assert p5.sync == hhc.Sync("sequential", 30, 45)
    assert [r.service for r in p5.requirements] == ["s1", "s3"]
    assert (p5.earliest, p5.latest) == (270, 420)
    assert instance.caregiver("c3").abilities == {"s2", "s3"}
    assert len(instance.distances) == 7 and instance.distances[0][4] == 7


def test_reader_refuses_a_double_up_without_synchronisation():
    import json

    data = json.loads(TOY.read_text())
    del data["patients"][3]["synchronization"]
    with pytest.raises(ValueError, match="p4"):
        hhc.parse_instance(data)


def test_checker_accepts_the_toy_optimum_and_reproduces_its_cost():
    instance, solution = hhc.read_instance(TOY), hhc.read_solution(TOY_OPTIMAL)
    assert hhc.check(instance, solution) == []
    cost = hhc.cost(instance, solution)
    assert cost.distance == 334
    assert cost.total == pytest.approx(111.3333, abs=1e-3)


@pytest.mark.parametrize("name", SHIPPED)
def test_checker_accepts_every_shipped_best_known_solution_and_reproduces_total_cost(name):
    total_cost, solution_file = best_known_table()[name]
    instance = hhc.read_instance(DATA / "instances" / "mankowska" / f"{name}.json")
    solution = hhc.read_solution(DATA / "solutions" / "mankowska" / solution_file)
    assert hhc.check(instance, solution) == []
    assert hhc.cost(instance, solution).total == pytest.approx(total_cost, rel=1e-5)


def _replace_visit(solution, caregiver, patient, **changes):
    routes = []
    for route in solution.routes:
        visits = tuple(
            dataclasses.replace(v, **changes)
            if route.caregiver == caregiver and v.patient == patient
            else v
            for v in route.visits
        )
        routes.append(hhc.Route(route.caregiver, visits))
    return hhc.Solution(tuple(routes))


ZIPPED = sorted((DATA / "instances" / "mankowska").glob("*.json.gz"))


def test_the_gzipped_instances_are_the_rest_of_the_ten_to_a_hundred_patients():
    best = best_known_table()
    wanted = {n for n in best if 10 <= int(n.split("_")[2]) <= 100}
    zipped = {p.name[: -len(".json.gz")] for p in ZIPPED}
    assert zipped | set(SHIPPED) == wanted
    assert not zipped & set(SHIPPED)


@pytest.mark.parametrize("path", ZIPPED[:3] + ZIPPED[-3:], ids=lambda p: p.name)
def test_a_gzipped_instance_reads_like_a_plain_one(path):
    instance = hhc.read_instance(path)
    assert instance.name == path.name[: -len(".json.gz")]
    assert len(instance.patients) == int(instance.name.split("_")[2])


def test_checker_rejects_a_caregiver_without_the_skill():
    instance, solution = hhc.read_instance(TOY), hhc.read_solution(TOY_OPTIMAL)
    # c2 gives only s3: make its p2 visit an s2 visit by swapping the requirement.
    routes = []
    for route in solution.routes:
        if route.caregiver == "c3":  # c3 (s2, s3) hands p1 to c2, who lacks s2
            route = hhc.Route("c3", tuple(v for v in route.visits if v.patient != "p1"))
        if route.caregiver == "c2":
            route = hhc.Route("c2", route.visits + (hhc.Visit("p1", "s2", 500, 530),))
        routes.append(route)
    errors = hhc.check(instance, hhc.Solution(tuple(routes)))
    assert any("lacks the skill s2" in e for e in errors), errors


def test_checker_rejects_broken_synchronisation():
    instance, solution = hhc.read_instance(TOY), hhc.read_solution(TOY_OPTIMAL)
    late = _replace_visit(solution, "c2", "p4", start=121, end=151)
    assert any("p4: simultaneous" in e for e in hhc.check(instance, late))
    # p6 sequential [60, 90]: c1 starts at 360, c2 at 420; 455 is 95 after.
    far = _replace_visit(solution, "c2", "p6", start=455, end=475)
    assert any("p6: second service" in e for e in hhc.check(instance, far))


def test_checker_rejects_a_missing_visit_and_impossible_times():
    instance, solution = hhc.read_instance(TOY), hhc.read_solution(TOY_OPTIMAL)
    routes = tuple(
        hhc.Route(r.caregiver, tuple(v for v in r.visits if v.patient != "p2"))
        for r in solution.routes
    )
    assert "p2 does not get s3" in hhc.check(instance, hhc.Solution(routes))
    # c3 cannot reach p3 (56 away) at time 50.
    early = _replace_visit(solution, "c3", "p3", start=50, end=95)
    assert any("cannot arrive before 56" in e for e in hhc.check(instance, early))


def test_checker_rejects_one_caregiver_giving_both_halves_of_a_double_up():
    instance = hhc.read_instance(TOY)
    solution = hhc.read_solution(TOY_OPTIMAL)
    routes = []
    for route in solution.routes:
        visits = [v for v in route.visits if v.patient != "p4"]
        if route.caregiver == "c3":  # c3 has s2 and s3: give it both halves of p4
            visits = [hhc.Visit("p4", "s2", 120, 150), hhc.Visit("p4", "s3", 120, 150)] + visits
        routes.append(hhc.Route(route.caregiver, tuple(visits)))
    errors = hhc.check(instance, hhc.Solution(tuple(routes)))
    assert any("needs two caregivers" in e for e in errors), errors


def test_tardiness_is_priced_per_service_after_the_window_closes():
    instance, solution = hhc.read_instance(TOY), hhc.read_solution(TOY_OPTIMAL)
    late = _replace_visit(solution, "c3", "p1", start=370, end=400)  # window closes at 360
    late = _replace_visit(late, "c3", "p5", start=420, end=450)  # and p5's second half
    cost = hhc.cost(instance, late)
    assert cost.total_tardiness == 10 and cost.max_tardiness == 10
    assert cost.total == pytest.approx((334 + 10 + 10) / 3)
    # p5 is now 145 after c1's start: outside its gap, so it is not feasible either.
    assert any("p5: second service" in e for e in hhc.check(instance, late))


def test_solver_finds_a_checked_plan_for_the_toy_instance():
    instance = hhc.read_instance(TOY)
    result = hhc.solve(instance, seconds=1)
    assert hhc.check(instance, result.solution) == []
    assert result.cost.total >= 334 / 3 - 1e-6
    assert result.cost == hhc.cost(instance, result.solution)


def test_solver_finds_a_checked_plan_for_a_ten_patient_instance():
    name = "InstanzCPLEX_HCSRP_10_2"
    instance = hhc.read_instance(DATA / "instances" / "mankowska" / f"{name}.json")
    result = hhc.solve(instance, seconds=1)
    assert hhc.check(instance, result.solution) == []
    assert result.cost.total >= best_known_table()[name][0] * (1 - 1e-5)


def test_solution_json_round_trips():
    instance, solution = hhc.read_instance(TOY), hhc.read_solution(TOY_OPTIMAL)
    again = hhc.parse_solution(hhc.solution_json(solution))
    assert again == solution
    assert hhc.check(instance, again) == []


@st.composite
def instances(draw):
    """Small random instances: 1-3 caregivers over 3 services, 1-7 patients, some double-ups."""
    n_carers = draw(st.integers(2, 4))
    services = ["s1", "s2", "s3"]
    carers = [
        {
            "id": f"c{k + 1}",
            "abilities": draw(
                st.lists(st.sampled_from(services), min_size=1, max_size=3, unique=True)
            ),
        }
        for k in range(n_carers)
    ]
    offered = sorted({s for c in carers for s in c["abilities"]})
    patients = []
    n = draw(st.integers(1, 7))
    for k in range(n):
        early = draw(st.integers(0, 300))
        width = draw(st.integers(30, 120))
        first = draw(st.sampled_from(offered))
        required = [{"service": first, "duration": draw(st.integers(5, 40))}]
        patient = {"id": f"p{k + 1}", "time_window": [early, early + width]}
        others = [s for s in offered if s != first]
        pairs_possible = any(
            first in a["abilities"] and s in b["abilities"]
            for s in others
            for a in carers
            for b in carers
            if a is not b
        )
        if others and pairs_possible and draw(st.booleans()):
            second = draw(
                st.sampled_from(
                    [
                        s
                        for s in others
                        if any(
                            first in a["abilities"] and s in b["abilities"]
                            for a in carers
                            for b in carers
                            if a is not b
                        )
                    ]
                )
            )
            required.append({"service": second, "duration": draw(st.integers(5, 40))})
            if draw(st.booleans()):
                patient["synchronization"] = {"type": "simultaneous"}
            else:
                low = draw(st.integers(0, 60))
                patient["synchronization"] = {
                    "type": "sequential",
                    "distance": [low, low + draw(st.integers(0, 60))],
                }
        patient["required_caregivers"] = required
        patients.append(patient)
    size = n + 1
    points = [(draw(st.integers(0, 50)), draw(st.integers(0, 50))) for _ in range(size)]
    distances = [
        [round(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5, 3) for bx, by in points]
        for ax, ay in points
    ]
    return hhc.parse_instance(
        {
            "patients": patients,
            "services": [{"id": s, "default_duration": 30} for s in services],
            "caregivers": carers,
            "central_offices": [{"id": "d"}],
            "distances": distances,
        }
    )


@settings(max_examples=60, deadline=None)
@given(instances())
def test_the_construction_and_exact_timing_always_pass_the_independent_checker(instance):
    orders = hhc.construct(instance)
    solution, cost = hhc.schedule(instance, orders)
    assert hhc.check(instance, solution) == []
    assert cost == hhc.cost(instance, solution)
    assert hhc.quick_cost(instance, orders) == pytest.approx(cost.total)


@settings(max_examples=60, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_repaired_random_orders_always_pass_the_independent_checker(instance, rng):
    """Any assignment of services to capable caregivers, in any order, becomes feasible."""
    orders = {c.id: [] for c in instance.caregivers}
    for task in hhc.tasks_of(instance):
        service = instance.patients[task.patient].requirements[task.requirement].service
        capable = [c.id for c in instance.caregivers if service in c.abilities]
        orders[rng.choice(capable)].append(task)
    for tasks in orders.values():
        rng.shuffle(tasks)
    repaired = hhc.repair(instance, orders)
    assert repaired is not None
    solution, _ = hhc.schedule(instance, repaired)
    assert hhc.check(instance, solution) == []
