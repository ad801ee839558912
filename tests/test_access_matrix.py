"""Who can reach what: every issue-2 page and API endpoint, tried by every kind of user.

Expected outcomes: 200 (may see), 403 (may see the record but not do this), 404 (the record is
not theirs: its existence is not confirmed), 302 (sign in first), 401 (API: sign in first).
"""

import datetime as dt

import pytest

from tendercare.contracts.models import Contract
from tendercare.demo import county
from tendercare.organisations.models import Organisation, Role, User
from tendercare.programmes.models import Programme
from tests.factories import UserFactory

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def world(db):
    county.build(as_of=AS_OF, with_geography=False)
    kent = Organisation.objects.get(name="Kent County Council")
    UserFactory(username="kent", role=Role.COMMISSIONER, organisation=kent)
    medway = Organisation.objects.get(name="Medway Council")
    riverside = Organisation.objects.get(name="Riverside Home Care Ltd")
    medway_only = (
        Contract.objects.filter(shares__organisation=medway)
        .exclude(shares__organisation__name="Kent County Council")
        .exclude(provider=riverside)
        .first()
    )
    riverside_contract = Contract.objects.filter(provider=riverside).first()
    home_care = Programme.objects.get(name="Home care from November 2026")
    return {
        "contract": medway_only.reference,
        "riverside": riverside_contract.reference,
        "programme": home_care.pk,
        "milestone": home_care.milestones.first().pk,
    }


# (url template, {username: expected status}); None is the anonymous visitor.
PAGES = [
    (
        "/contracts/",
        {
            None: 302,
            "commissioner": 200,
            "kent": 200,
            "councillor": 200,
            "provider": 200,
            "evaluator": 200,
        },
    ),
    (
        "/contracts/{contract}/",
        {
            None: 302,
            "commissioner": 200,
            "kent": 404,
            "councillor": 200,
            "provider": 404,
            "evaluator": 404,
        },
    ),
    ("/contracts/{riverside}/", {"provider": 200, "kent": 404, "evaluator": 404}),
    (
        "/contracts/{contract}/vary/",
        {"commissioner": 200, "councillor": 403, "kent": 404, "provider": 404},
    ),
    (
        "/contracts/import/",
        {"commissioner": 200, "councillor": 403, "provider": 403, "evaluator": 403},
    ),
    (
        "/programmes/{programme}/",
        {
            None: 302,
            "commissioner": 200,
            "councillor": 200,
            "kent": 404,
            "provider": 404,
            "evaluator": 404,
        },
    ),
    ("/programmes/{programme}/edit/", {"commissioner": 200, "councillor": 403, "kent": 404}),
    (
        "/programmes/{programme}/milestones/{milestone}/",
        {"commissioner": 200, "kent": 404, "provider": 404},
    ),
    ("/organisations/people/", {"admin": 200, "commissioner": 403, "councillor": 403}),
    (
        "/api/v1/contracts/{contract}",
        {
            None: 401,
            "commissioner": 200,
            "kent": 404,
            "councillor": 200,
            "provider": 404,
            "evaluator": 404,
        },
    ),
    (
        "/api/v1/programmes/{programme}",
        {None: 401, "commissioner": 200, "kent": 404, "provider": 404},
    ),
]
CASES = [
    pytest.param(url, who, status, id=f"{url}-{who}")
    for url, expected in PAGES
    for who, status in expected.items()
]


@pytest.mark.parametrize(("url", "who", "status"), CASES)
def test_access(client, world, url, who, status):
    if who:
        client.force_login(User.objects.get(username=who))
    response = client.get(url.format(**world))
    assert response.status_code == status


def test_register_shows_each_user_only_their_contracts(client, world):
    for who in ("commissioner", "kent", "provider", "evaluator"):
        client.force_login(User.objects.get(username=who))
        listed = {
            c["reference"] for c in client.get("/api/v1/contracts?page_size=500").json()["results"]
        }
        user = User.objects.get(username=who)
        if who == "provider":
            allowed = set(
                Contract.objects.filter(provider=user.organisation).values_list(
                    "reference", flat=True
                )
            )
        elif who == "evaluator":
            allowed = set()
        else:
            allowed = set(
                Contract.objects.filter(shares__organisation=user.organisation).values_list(
                    "reference", flat=True
                )
            )
        assert listed == allowed, who
    assert allowed == set()  # the evaluator, last, sees nothing of the register
