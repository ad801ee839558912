"""Who can reach what in pricing: every page of the pricing app and every /api/v1/pricing route,
tried by every kind of person, by GET and by POST (an empty form).

Endpoints are read from the URL configuration and the API router, so a new endpoint without an
expectation here fails test_every_endpoint_has_an_expectation.

Outcomes: 200 (may see; for an empty POST, the form comes back with its errors), 302 (sign in
first), 400 (may act, but the empty form is refused), 403 (may see but not change), 404 (not
theirs: its existence is not confirmed), 405 (wrong method), 401 (API: sign in first). For every
200 the body is also searched for what that person must not see: another council's scenario,
another provider's costs.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tendercare.organisations.models import Role
from tendercare.pricing import services as pricing
from tendercare.pricing import submissions
from tendercare.pricing.models import CostSubmission, TravelCarer, TravelRun
from tests import access_matrix_support as support
from tests.factories import CommissionerOrgFactory, ProviderOrgFactory, UserFactory

ROLES = [
    None,  # the anonymous visitor
    "commissioner",  # Medway, owns everything here
    "lead",  # Medway procurement lead
    "manager",  # Medway contract manager: reads scenarios, changes runs, hours, open book
    "councillor",  # Medway councillor: reads
    "evaluator",  # Medway evaluator: nothing in pricing
    "kent",  # a commissioner of another council
    "alpha",  # provider that sent the submission
    "bravo",  # another provider
]
MEDWAY_SCENARIO = "MEDWAY-SCENARIO-NAME"
KENT_SCENARIO = "KENT-SCENARIO-NAME"
ALPHA_FILE = "ALPHA-COSTS-FILE.csv"
HOURS = b"year,locality,zone,band,hours,current_spend\n2026,,Zone A,urban,100,2400\n"
COSTS = b"band,item,value\n,pay_rate,12.21\n,travel_paid,0\n,overheads,14.75\n"


def build_world() -> dict:
    medway = CommissionerOrgFactory(name="Medway Council")
    kent = CommissionerOrgFactory(name="Kent County Council")
    alpha = ProviderOrgFactory(name="Alpha Care Ltd")
    bravo = ProviderOrgFactory(name="Bravo Homecare Ltd")
    people = {
        "commissioner": (Role.COMMISSIONER, medway),
        "lead": (Role.PROCUREMENT_LEAD, medway),
        "manager": (Role.CONTRACT_MANAGER, medway),
        "councillor": (Role.COUNCILLOR, medway),
        "evaluator": (Role.EVALUATOR, medway),
        "kent": (Role.COMMISSIONER, kent),
        "alpha": (Role.PROVIDER, alpha),
        "bravo": (Role.PROVIDER, bravo),
    }
    users = {
        name: UserFactory(username=name, role=role, organisation=org)
        for name, (role, org) in people.items()
    }
    scenario = pricing.scenario_create(owner=medway, name=MEDWAY_SCENARIO)
    pricing.scenario_create(owner=kent, name=KENT_SCENARIO)
    start = timezone.make_aware(dt.datetime(2026, 11, 16, 8))
    run = TravelRun.objects.create(owner=medway, zone="Zone A", week_start=start.date())
    carer = TravelCarer.objects.create(
        run=run,
        ref="C1",
        start_lsoa_code="E01016068",
        shift_start=start,
        shift_end=start + dt.timedelta(hours=6),
    )
    submissions.commissioned_hours_import(
        file=io.BytesIO(
            b"year,locality,zone,band,hours,current_spend\n2026,,Zone A,urban,100,2400\n"
        ),
        filename="hours.csv",
        owner=medway,
    )
    result = submissions.cost_submission_import(
        file=io.BytesIO(COSTS),
        filename=ALPHA_FILE,
        provider=alpha,
        commissioner=medway,
        source=CostSubmission.Source.ANNUAL_RETURN,
        year=2026,
    )
    assert result.result.ok, result.result.errors
    return {
        "users": users,
        "scenario": scenario,
        "run": run,
        "carer": carer,
        "submission": CostSubmission.objects.get(provider=alpha),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


def page_endpoints() -> list[tuple[str, str]]:
    """(pricing:name, route) for every URL pattern under /pricing/."""
    return support.page_endpoints("pricing")


def api_endpoints() -> list[tuple[str, str]]:
    return support.api_endpoints("pricing")


# One row per endpoint and method, one status per role in ROLES order.
EXPECTED = {
    "pricing:scenarios GET": "302 200 200 200 200 404 200 404 404",
    "pricing:scenarios POST": "302 405 405 405 405 405 405 405 405",
    "pricing:scenario-create GET": "302 200 200 403 403 404 200 404 404",
    "pricing:scenario-create POST": "302 200 200 403 403 404 200 404 404",
    "pricing:scenario-compare GET": "302 200 200 200 200 404 200 404 404",
    "pricing:scenario-compare POST": "302 405 405 405 405 405 405 405 405",
    "pricing:scenario GET": "302 200 200 200 200 404 404 404 404",
    "pricing:scenario POST": "302 405 405 405 405 405 405 405 405",
    "pricing:scenario-change GET": "302 200 200 403 403 404 404 404 404",
    "pricing:scenario-change POST": "302 200 200 403 403 404 404 404 404",
    "pricing:scenario-monitoring GET": "302 405 405 405 405 405 405 405 405",
    "pricing:scenario-monitoring POST": "302 302 302 403 403 404 404 404 404",
    "pricing:travel-runs GET": "302 200 200 200 200 404 200 404 404",
    "pricing:travel-runs POST": "302 405 405 405 405 405 405 405 405",
    "pricing:travel-upload GET": "302 200 200 200 403 404 200 404 404",
    "pricing:travel-upload POST": "302 200 200 200 403 404 200 404 404",
    "pricing:travel-run GET": "302 200 200 200 200 404 404 404 404",
    "pricing:travel-run POST": "302 405 405 405 405 405 405 405 405",
    "pricing:travel-apply GET": "302 405 405 405 405 405 405 405 405",
    "pricing:travel-apply POST": "302 400 400 400 403 404 404 404 404",
    "pricing:travel-carer GET": "302 200 200 200 200 404 404 404 404",
    "pricing:travel-carer POST": "302 405 405 405 405 405 405 405 405",
    "pricing:budget GET": "302 200 200 200 200 404 200 404 404",
    "pricing:budget POST": "302 405 405 405 405 405 405 405 405",
    "pricing:budget-import GET": "302 200 200 200 403 404 200 404 404",
    "pricing:budget-import POST": "302 200 200 200 403 404 200 404 404",
    "pricing:submissions GET": "302 200 200 200 200 404 200 200 200",
    "pricing:submissions POST": "302 405 405 405 405 405 405 405 405",
    "pricing:submission-upload GET": "302 200 200 200 403 404 200 200 200",
    "pricing:submission-upload POST": "302 200 200 200 403 404 200 200 200",
    "pricing:submission GET": "302 200 200 200 200 404 404 200 404",
    "pricing:submission POST": "302 405 405 405 405 405 405 405 405",
    "/api/v1/pricing/scenarios GET": "401 200 200 200 200 404 200 404 404",
    "/api/v1/pricing/scenarios/{scenario_id} GET": "401 200 200 200 200 404 404 404 404",
}
# What each person must never read in a 200.
NEVER = {
    "kent": [MEDWAY_SCENARIO, ALPHA_FILE],
    "alpha": [MEDWAY_SCENARIO, KENT_SCENARIO],
    "bravo": [MEDWAY_SCENARIO, KENT_SCENARIO, ALPHA_FILE],
    "evaluator": [MEDWAY_SCENARIO, ALPHA_FILE],
    "commissioner": [KENT_SCENARIO],
    "councillor": [KENT_SCENARIO],
}


def _kwargs(world, route: str) -> dict:
    values = {
        "pk": world["scenario"].pk,
        "carer_pk": world["carer"].pk,
    }
    route = route.removeprefix("pricing/")
    if route.startswith("travel/"):
        values["pk"] = world["run"].pk
    if route.startswith("open-book/"):
        values["pk"] = world["submission"].pk
    return {key: value for key, value in values.items() if f"<int:{key}>" in route}


def _api_url(world, path: str) -> str:
    return path.replace("{scenario_id}", str(world["scenario"].pk))


def _cases():
    cases = []
    for name, route in page_endpoints():
        for method in ("GET", "POST"):
            cases.append((f"{name} {method}", "page", name, route, method))
    for method, path in api_endpoints():
        cases.append((f"{path} {method}", "api", path, path, method))
    return [pytest.param(*case, id=case[0]) for case in cases]


def test_every_endpoint_has_an_expectation():
    known = {f"{name} {m}" for name, _ in page_endpoints() for m in ("GET", "POST")}
    known |= {f"{path} {method}" for method, path in api_endpoints()}
    assert known - set(EXPECTED) == set(), "endpoints without an expectation"
    assert set(EXPECTED) - known == set(), "expectations for endpoints that no longer exist"


@pytest.mark.parametrize(("key", "kind", "name", "route", "method"), _cases())
def test_access(db, client, world, key, kind, name, route, method):
    statuses = [int(s) for s in EXPECTED[key].split()]
    url = reverse(name, kwargs=_kwargs(world, route)) if kind == "page" else _api_url(world, name)
    wrong, leaks = [], []
    for who, status in zip(ROLES, statuses, strict=True):
        client.logout()
        if who:
            client.force_login(world["users"][who])
        with transaction.atomic():
            response = client.post(url, {}) if method == "POST" else client.get(url)
            transaction.set_rollback(True)
        if response.status_code != status:
            wrong.append(f"{who or 'anonymous'}: {response.status_code}, expected {status}")
        if response.status_code == 200:
            text = response.content.decode()
            seen = [secret for secret in NEVER.get(who, []) if secret in text]
            if seen:
                leaks.append(f"{who} sees {seen}")
    assert not wrong and not leaks, f"{method} {url}: {wrong + leaks}"


def test_the_world_has_what_the_matrix_needs(world):
    assert world["submission"].lines.filter(key="overheads").get().value == Decimal("14.75")
