"""Who can reach what in monitoring: every page under /performance/ and every route under
/api/v1/performance, tried by every kind of person, by GET and by POST (an empty form).

Endpoints are read from the URL configuration and the API router, so a new endpoint without an
expectation here fails test_every_endpoint_has_an_expectation.

Outcomes: 200 (may see; for an empty POST to a form that answers 200, the form comes back with
its errors), 302 (anonymous: sign in first; signed in: done, back to the page), 400 (may act,
but the empty form is refused), 403 (may see but not change), 404 (not theirs: its existence is
not confirmed), 405 (wrong method), 401 (API: sign in first). For every 200 the body is also
searched for what that person must not see: another provider's visits, contract and dispute,
another council's zones.

The world is built once per module through the services (a visit file imported, KPIs computed,
a schedule, payment terms, a statement with a dispute, quality scores and a recommendation);
each request runs in a savepoint that is rolled back, so posts that change things do not leak.
The history pages of statements, disputes, recommendations and statuses are tried the same way.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from tendercare.geography.models import Lsoa, Place, RuralityBand, Ward
from tendercare.organisations.models import ProviderLocation, Role
from tendercare.performance import kpi_engine, schedules, statements, status
from tendercare.performance.models import (
    KpiDefinition,
    KpiResult,
    StatusRecommendation,
    VisitImport,
)
from tendercare.performance.visits import visit_import
from tests import access_matrix_support as support
from tests.factories import CommissionerOrgFactory, ProviderOrgFactory, UserFactory
from tests.performance.kpi_setup import make_contract

# Names and references unique in the whole world, searched for in every answer.
MEDWAY, KENT = "Medway Council", "Kent County Council"
ALPHA, BRAVO = "Alpha Care Ltd", "Bravo Homecare Ltd"
NORTH, SOUTH, WEALD = "North Medway Zone", "South Medway Zone", "Kent Weald Zone"
ALPHA_CONTRACT, BRAVO_CONTRACT = "ALPHAHC001", "BRAVOHC002"
ALPHA_VISIT, BRAVO_VISIT = "ALPHAVISIT", "BRAVOVISIT"
DISPUTE_REASON = "ALPHA-DISPUTES-THE-PUNCTUALITY-PENALTY"
TOWN, VILLAGE = "E01016001", "E01016002"
MONTHS = [dt.date(2026, m, 1) for m in range(1, 9)]  # January to August 2026
LATE_FROM = 5  # Alpha's visits are late and missed from June (index 5) on
STATEMENT_MONTH = MONTHS[-1]
FILE_HEADER = (
    "visit_id,provider,client_id,carer_id,lsoa,planned_start,planned_end,actual_start,"
    "actual_end,double_up,time_critical,travel_minutes_paid,travel_miles,verified_by"
)

ROLES = [
    None,  # the anonymous visitor
    "commissioner",  # Medway: owns the zones, contracts and statements
    "lead",  # Medway procurement lead
    "manager",  # Medway contract manager
    "admin",  # Medway administrator
    "councillor",  # Medway councillor: reads, never writes
    "evaluator",  # Medway evaluator: nothing in monitoring
    "kent",  # a commissioner of another council
    "alpha",  # the provider concerned: prime in North, its statement is disputed
    "bravo",  # another provider: prime in South (Medway) and in the Weald (Kent)
]
USERS = {
    "commissioner": (Role.COMMISSIONER, "medway"),
    "lead": (Role.PROCUREMENT_LEAD, "medway"),
    "manager": (Role.CONTRACT_MANAGER, "medway"),
    "admin": (Role.ADMINISTRATOR, "medway"),
    "councillor": (Role.COUNCILLOR, "medway"),
    "evaluator": (Role.EVALUATOR, "medway"),
    "kent": (Role.COMMISSIONER, "kent"),
    "alpha": (Role.PROVIDER, "alpha"),
    "bravo": (Role.PROVIDER, "bravo"),
}


def _visit_rows(provider: str, prefix: str, lsoa: str, *, worsens: bool) -> list[str]:
    """Ten morning visits a month; a provider that worsens is 40 minutes late for five and
    misses two of them from June."""
    rows = []
    for index, month in enumerate(MONTHS):
        bad = worsens and index >= LATE_FROM
        for day in range(5, 15):
            start = dt.datetime.combine(month.replace(day=day), dt.time(8, 0))
            end = start + dt.timedelta(minutes=45)
            n = day - 5
            if bad and n < 2:
                actual = ("", "")
            else:
                late = 40 if bad and n < 7 else 3
                a_start = start + dt.timedelta(minutes=late)
                actual = (
                    f"{a_start:%Y-%m-%d %H:%M}",
                    f"{a_start + dt.timedelta(minutes=44):%Y-%m-%d %H:%M}",
                )
            rows.append(
                f"{prefix}{month:%m}{day:02d},{provider},NHS-{prefix}-{n},K{prefix}{n % 3},"
                f"{lsoa},{start:%Y-%m-%d %H:%M},{end:%Y-%m-%d %H:%M},{actual[0]},{actual[1]},"
                "no,no,10,3.5,ecm"
            )
    return rows


def visit_file() -> bytes:
    rows = _visit_rows(ALPHA, ALPHA_VISIT, TOWN, worsens=True)
    rows += _visit_rows(BRAVO, BRAVO_VISIT, VILLAGE, worsens=False)
    return ("\n".join([FILE_HEADER, *rows]) + "\n").encode()


def _geography() -> None:
    place = Place.objects.get_or_create(code="E06000035", defaults={"name": "Medway"})[0]
    ward = Ward.objects.get_or_create(
        code="E05000001", defaults={"name": "Chatham Central", "place": place}
    )[0]
    urban = RuralityBand.objects.get_or_create(ruc_code="UN1", defaults={"band": "urban"})[0]
    rural = RuralityBand.objects.get_or_create(ruc_code="RSF1", defaults={"band": "rural"})[0]
    for code, name, ruc in ((TOWN, "Medway 001A", urban), (VILLAGE, "Medway 002A", rural)):
        Lsoa.objects.get_or_create(
            code=code, defaults={"name": name, "ward": ward, "place": place, "ruc": ruc}
        )


def build_world() -> dict:
    """A council with two zones and two providers, eight months of visits, KPIs, a disputed
    statement, quality scores and a pending recommendation; another council with a zone."""
    kpi_engine.builtin_kpis_ensure()
    _geography()
    orgs = {
        "medway": CommissionerOrgFactory(name=MEDWAY),
        "kent": CommissionerOrgFactory(name=KENT),
        "alpha": ProviderOrgFactory(name=ALPHA, ods_code="ALP01"),
        "bravo": ProviderOrgFactory(name=BRAVO, ods_code="BRV02"),
    }
    users = {
        name: UserFactory(username=name, role=role, organisation=orgs[org])
        for name, (role, org) in USERS.items()
    }
    medway, kent, commissioner = orgs["medway"], orgs["kent"], users["commissioner"]
    contracts = {
        "alpha": make_contract(reference=ALPHA_CONTRACT, council=medway, provider=orgs["alpha"]),
        "bravo": make_contract(reference=BRAVO_CONTRACT, council=medway, provider=orgs["bravo"]),
    }
    north = status.zone_create(owner=medway, name=NORTH, lsoa_codes=[TOWN], by=commissioner)
    south = status.zone_create(owner=medway, name=SOUTH, lsoa_codes=[VILLAGE], by=commissioner)
    weald = status.zone_create(owner=kent, name=WEALD, by=users["kent"])
    since = dt.date(2025, 4, 1)
    for zone, who, contract in ((north, "alpha", "alpha"), (south, "bravo", "bravo")):
        status.provider_status_open(
            zone=zone,
            provider=orgs[who],
            status="prime",
            since=since,
            reason="Award",
            contract=contracts[contract],
            by=commissioner,
        )
    status.provider_status_open(
        zone=weald, provider=orgs["bravo"], status="prime", since=since, reason="Award"
    )
    for who in ("alpha", "bravo"):
        location = ProviderLocation.objects.create(
            organisation=orgs[who], cqc_location_id=f"1-{orgs[who].pk:09d}", name=f"{who} office"
        )
        status.cqc_rating_record(
            location=location,
            rating="good",
            published_on=since,
            source=status.cqc_location_url(location),
        )

    imported = visit_import(
        file=visit_file(), filename="visits-2026.csv", owner=medway, by=commissioner
    )
    assert imported.status == VisitImport.Status.DONE, imported.errors
    kpi_engine.compute_for_owner(owner=medway, by=commissioner)

    punctuality = KpiDefinition.objects.get(code="punctuality")
    schedule = schedules.schedule_set(
        contract=contracts["alpha"],
        kpi=punctuality,
        target=90,
        amber=80,
        weight=20,  # punctuality outweighs the other KPIs in the quality score
        by=commissioner,
    )
    statements.terms_set(
        contract=contracts["alpha"],
        rates={"urban": "24.50", "rural": "26.00"},
        monthly_hours={"urban": "10"},
        penalty_cap_percent=5,
        reward_cap_percent=2,
        rules={schedule.pk: {"red": "-2"}},
        by=commissioner,
    )
    statement = statements.statement_issue(
        contract=contracts["alpha"], month=STATEMENT_MONTH, by=commissioner
    )
    dispute = statements.dispute_raise(
        statement=statement,
        adjustment=statement.adjustments.first(),
        reason=DISPUTE_REASON,
        by=users["alpha"],
    )
    for month in MONTHS:
        status.recommendations_refresh(owner=medway, month=month, by=commissioner)
    recommendation = StatusRecommendation.objects.filter(
        zone=north, state=StatusRecommendation.State.PENDING
    ).first()
    result = KpiResult.objects.get(
        kpi=punctuality, provider=orgs["alpha"], zone=north, month=STATEMENT_MONTH
    )
    return {
        "orgs": orgs,
        "users": users,
        "contracts": contracts,
        "zones": {"north": north, "south": south, "weald": weald},
        "import": imported,
        "result": result,
        "statement": statement,
        "dispute": dispute,
        "recommendation": recommendation,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    store = tmp_path_factory.mktemp("visit-store")
    settings = override_settings(
        VISIT_STORE=store,
        PSEUDONYM_KEY="test-key-not-a-secret",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with settings, django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


# --- the endpoints ------------------------------------------------------------------------


def page_endpoints() -> list[tuple[str, str]]:
    """(performance:name, route) for every URL pattern under /performance/."""
    return support.page_endpoints("performance")


def api_endpoints() -> list[tuple[str, str]]:
    """(METHOD, /api/v1/performance/...) for every operation of the performance router."""
    return support.api_endpoints("performance")


def _kwargs(world, name: str, route: str) -> dict:
    alpha = world["orgs"]["alpha"]
    values = {
        "code": "punctuality",
        "provider_pk": alpha.pk,
        "zone_pk": world["zones"]["north"].pk,
        "contract_pk": world["contracts"]["alpha"].pk,
    }
    values["pk"] = {
        "performance:visit-import": world["import"].pk,
        "performance:visit-import-withdraw": world["import"].pk,
        "performance:kpi-visits": world["result"].pk,
        "performance:statement": world["statement"].pk,
        "performance:statement-reissue": world["statement"].pk,
        "performance:dispute-raise": world["statement"].pk,
        "performance:statement-accept": world["statement"].pk,
        "performance:statement-note": world["statement"].pk,
        "performance:adjustment-remove": world["statement"].pk,
        "performance:dispute-resolve": world["dispute"].pk,
        "performance:zone": world["zones"]["north"].pk,
        "performance:recommendation": getattr(world["recommendation"], "pk", 0),
    }.get(name, 0)
    return support.route_kwargs(values, route)


def _api_url(world, path: str) -> str:
    """The API path with the world's objects in it: Alpha's disputed August statement."""
    return support.fill_path(path, {"{statement_id}": world["statement"].pk})


# One row per endpoint and method, one status per role in ROLES order. Monitoring answers 403,
# as the rest of the house does, to a person who may see a page or record but not do what a
# POST asks (a councillor, a provider on its own contract, staff disputing a provider's
# statement), and 404 to a person who may not see it at all.
#   anon commissioner lead manager admin councillor evaluator kent alpha bravo
# Ids in URLs name Medway's objects: Alpha's contract, North zone, the visit import, Alpha's
# punctuality result for August, Alpha's disputed August statement and its dispute, and the
# pending recommendation (Alpha: prime to supplementary in North).
EXPECTED = {
    "performance:zones GET": "302 200 200 200 200 200 404 200 200 200",
    "performance:zones POST": "302 405 405 405 405 405 405 405 405 405",
    "performance:zone GET": "302 200 200 200 200 200 404 404 404 404",
    "performance:zone POST": "302 405 405 405 405 405 405 405 405 405",
    "performance:recommendations GET": "302 200 200 200 200 200 404 200 404 404",
    "performance:recommendations POST": "302 400 400 400 400 403 404 400 404 404",
    "performance:recommendation GET": "302 200 200 200 200 200 404 404 404 404",
    "performance:recommendation POST": "302 400 400 400 400 403 404 404 404 404",
    "performance:quality GET": "302 200 200 200 200 200 404 200 404 404",
    "performance:quality POST": "302 400 400 400 400 403 404 400 404 404",
    "performance:visits GET": "302 200 200 200 200 200 404 200 200 200",
    "performance:visits POST": "302 405 405 405 405 405 405 405 405 405",
    "performance:visit-imports GET": "302 200 200 200 200 200 404 200 404 404",
    "performance:visit-imports POST": "302 405 405 405 405 405 405 405 405 405",
    "performance:visit-upload GET": "302 200 200 200 200 403 404 200 404 404",
    "performance:visit-upload POST": "302 200 200 200 200 403 404 200 404 404",
    "performance:visit-import GET": "302 200 200 200 200 200 404 404 404 404",
    "performance:visit-import POST": "302 405 405 405 405 405 405 405 405 405",
    "performance:visit-import-withdraw GET": "302 200 200 200 200 403 404 404 404 404",
    "performance:visit-import-withdraw POST": "302 200 200 200 200 403 404 404 404 404",
    "performance:kpis GET": "302 200 200 200 200 200 404 200 200 200",
    "performance:kpis POST": "302 405 405 405 405 405 405 405 405 405",
    "performance:returns GET": "302 200 200 200 200 200 404 200 200 200",
    "performance:returns POST": "302 400 400 400 400 403 404 403 403 403",
    "performance:schedule GET": "302 200 200 200 200 200 404 404 200 404",
    "performance:schedule POST": "302 400 400 400 400 403 404 404 403 404",
    "performance:kpi-visits GET": "302 200 200 200 200 200 404 404 200 404",
    "performance:kpi-visits POST": "302 405 405 405 405 405 405 405 405 405",
    "performance:kpi GET": "302 200 200 200 200 200 404 404 200 404",
    "performance:kpi POST": "302 405 405 405 405 405 405 405 405 405",
    # Alpha's punctuality over its contract's zones (the page also carries a community
    # contract's return KPIs, which have no zone).
    "performance:kpi-contract GET": "302 200 200 200 200 200 404 404 200 404",
    "performance:kpi-contract POST": "302 405 405 405 405 405 405 405 405 405",
    "performance:statements GET": "302 200 200 200 200 200 404 200 200 200",
    "performance:statements POST": "302 405 405 405 405 405 405 405 405 405",
    "performance:statement-issue GET": "302 405 405 405 405 405 405 405 405 405",
    "performance:statement-issue POST": "302 400 400 400 400 404 404 404 404 404",
    "performance:statement GET": "302 200 200 200 200 200 404 404 200 404",
    "performance:statement POST": "302 405 405 405 405 405 405 405 405 405",
    "performance:statement-reissue GET": "302 405 405 405 405 405 405 405 405 405",
    "performance:statement-reissue POST": "302 302 302 302 302 403 404 404 403 404",
    "performance:dispute-raise GET": "302 405 405 405 405 405 405 405 405 405",
    "performance:dispute-raise POST": "302 403 403 403 403 403 404 404 400 404",
    "performance:statement-accept GET": "302 405 405 405 405 405 405 405 405 405",
    "performance:statement-accept POST": "302 403 403 403 403 403 404 404 400 404",
    "performance:statement-note GET": "302 405 405 405 405 405 405 405 405 405",
    "performance:statement-note POST": "302 400 400 400 400 403 404 404 400 404",
    "performance:adjustment-remove GET": "302 405 405 405 405 405 405 405 405 405",
    "performance:adjustment-remove POST": "302 400 400 400 400 403 404 404 403 404",
    "performance:dispute-resolve GET": "302 405 405 405 405 405 405 405 405 405",
    "performance:dispute-resolve POST": "302 400 400 400 400 403 404 404 403 404",
    "performance:terms GET": "302 200 200 200 200 200 404 404 200 404",
    "performance:terms POST": "302 400 400 400 400 403 404 404 403 404",
    # The JSON API: anonymous 401; lists answer 200 to everyone signed in, with only what the
    # person may see (evaluators an empty list, providers no visit imports); a record out of
    # scope is 404. The API is read-only: it has no POST operations to try.
    "/api/v1/performance/zones GET": "401 200 200 200 200 200 200 200 200 200",
    "/api/v1/performance/kpi-results GET": "401 200 200 200 200 200 200 200 200 200",
    "/api/v1/performance/statements GET": "401 200 200 200 200 200 200 200 200 200",
    "/api/v1/performance/statements/{statement_id} GET": "401 200 200 200 200 200 404 404 200 404",
    "/api/v1/performance/visit-imports GET": "401 200 200 200 200 200 200 200 200 200",
}

# Known faults in views this module's owner may not change (payment and status pages belong to
# the payments and status helper): expected to fail until fixed, then the marker must go.
KNOWN: dict[str, dict[str, str]] = {}

# What each person must never read in a 200.
MEDWAY_ONLY = [NORTH, SOUTH, ALPHA_CONTRACT, BRAVO_CONTRACT, ALPHA_VISIT, BRAVO_VISIT]
NEVER = {
    "commissioner": [WEALD, KENT],
    "lead": [WEALD, KENT],
    "manager": [WEALD, KENT],
    "admin": [WEALD, KENT],
    "councillor": [WEALD, KENT],
    "evaluator": [*MEDWAY_ONLY, WEALD, ALPHA, BRAVO, DISPUTE_REASON, "visits-2026.csv"],
    "kent": [*MEDWAY_ONLY, ALPHA, DISPUTE_REASON, MEDWAY, "visits-2026.csv"],
    "alpha": [BRAVO, BRAVO_CONTRACT, BRAVO_VISIT, SOUTH, WEALD, KENT, "visits-2026.csv"],
    "bravo": [ALPHA, ALPHA_CONTRACT, ALPHA_VISIT, NORTH, DISPUTE_REASON, "visits-2026.csv"],
}


MATRIX = support.Matrix(
    roles=ROLES,
    expected=EXPECTED,
    known=KNOWN,
    never=lambda who, url: NEVER.get(who, []),
    page_kwargs=_kwargs,
    api_url=_api_url,
)


def _endpoint_cases() -> list[support.Case]:
    return support.endpoint_cases(page_endpoints(), api_endpoints())


def test_every_endpoint_has_an_expectation():
    MATRIX.assert_every_endpoint_has_an_expectation(_endpoint_cases())
    assert len(page_endpoints()) >= 20


@pytest.mark.parametrize(support.ACCESS_ARGS, MATRIX.params(_endpoint_cases()))
def test_access(db, client, world, key, kind, name, route, method, index):
    MATRIX.check(client, world, key, kind, name, route, method, index)


def test_the_world_is_what_the_matrix_assumes(db, client, world):
    """Guard the fixture: the objects exist and the secrets are there for those who may read
    them, so that a 200 without them means something."""
    assert world["recommendation"] is not None, "no pending recommendation for Alpha in North"
    assert world["statement"].adjustments.exists()
    client.force_login(world["users"]["alpha"])
    page = client.get(reverse("performance:statement", args=[world["statement"].pk]))
    assert DISPUTE_REASON in page.content.decode()
    visits = client.get(reverse("performance:visits")).content.decode()
    assert ALPHA_VISIT in visits and BRAVO_VISIT not in visits
    client.force_login(world["users"]["commissioner"])
    visits = client.get(reverse("performance:visits")).content.decode()
    assert ALPHA_VISIT in visits and BRAVO_VISIT in visits
    overview = client.get(reverse("performance:zones")).content.decode()
    assert NORTH in overview and SOUTH in overview and WEALD not in overview
    client.force_login(world["users"]["kent"])
    overview = client.get(reverse("performance:zones")).content.decode()
    assert WEALD in overview and NORTH not in overview


# --- the history pages of monitoring records (core's /history/<app.model>/<pk>/) -----------

HISTORY = {
    # Statuses in ROLES order, as EXPECTED.
    "statement": "302 200 200 200 200 200 404 404 200 404",
    "dispute": "302 200 200 200 200 200 404 404 200 404",
    "recommendation": "302 200 200 200 200 200 404 404 404 404",
    "alpha_status": "302 200 200 200 200 200 404 404 200 404",
    # As the page that shows each: the zone and import pages are staff-only; a contract's KPI
    # schedule and payment terms are shown to its provider too.
    "north_zone": "302 200 200 200 200 200 404 404 404 404",
    "import": "302 200 200 200 200 200 404 404 404 404",
    "alpha_terms": "302 200 200 200 200 200 404 404 200 404",
    "alpha_schedule": "302 200 200 200 200 200 404 404 200 404",
}


@pytest.mark.parametrize(("what", "index"), support.role_params(HISTORY, ROLES))
def test_history_pages(db, client, world, what, index):
    from tendercare.core.history import history_url
    from tendercare.performance.models import ProviderStatus

    who = ROLES[index]
    alpha_contract = world["contracts"]["alpha"]
    if what == "alpha_status":
        obj = ProviderStatus.objects.get(zone=world["zones"]["north"], provider__name=ALPHA)
    elif what == "north_zone":
        obj = world["zones"]["north"]
    elif what == "alpha_terms":
        obj = alpha_contract.payment_terms
    elif what == "alpha_schedule":
        obj = alpha_contract.kpi_schedules.order_by("pk").first()
    else:
        obj = world[what]
    if who:
        client.force_login(world["users"][who])
    response = client.get(history_url(obj))
    assert response.status_code == int(HISTORY[what].split()[index]), who
    if response.status_code == 200:
        text = response.content.decode()
        assert not [s for s in NEVER.get(who, []) if s in text], who


def test_another_councils_zone_is_not_found(db, client, world):
    url = reverse("performance:zone", args=[world["zones"]["weald"].pk])
    for who in ("commissioner", "councillor", "alpha", "bravo", "evaluator"):
        client.force_login(world["users"][who])
        assert client.get(url).status_code == 404, who
    client.force_login(world["users"]["kent"])
    assert client.get(url).status_code == 200


def test_a_provider_sharing_a_zone_does_not_read_the_others_status(db, client, world):
    from tendercare.core.history import history_url
    from tendercare.performance.models import ProviderStatus

    north = world["zones"]["north"]
    client.raise_request_exception = False
    with transaction.atomic():
        status.provider_status_open(
            zone=north,
            provider=world["orgs"]["bravo"],
            status="supplementary",
            since=dt.date(2025, 5, 1),
            reason="Award",
        )
        alpha_status = ProviderStatus.objects.get(zone=north, provider=world["orgs"]["alpha"])
        client.force_login(world["users"]["bravo"])
        overview = client.get(reverse("performance:zones")).content.decode()
        history = client.get(history_url(alpha_status))
        transaction.set_rollback(True)
    assert ALPHA not in overview  # the overview shows Bravo only its own status in North
    assert history.status_code == 404
