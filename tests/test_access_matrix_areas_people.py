"""Who can reach what in areas (geography) and organisations: every page under /areas/ and
/organisations/ and every route under /api/v1/areas, tried by every kind of person, by GET and
by POST (an empty form). Organisations has no API router; its pages are all there is.

Endpoints are read from the URL configuration and the API router, so a new endpoint without an
expectation here fails test_every_endpoint_has_an_expectation.

Outcomes: 200 (may see; for an empty POST to a form, the form comes back with its errors), 302
(anonymous: sign in first; signed in: done, back to a page), 403 (may see but not change: the
page says who may), 404 (not theirs: its existence is not confirmed), 405 (wrong method), 401
(API: sign in first).

Geography is open data: anyone signed in reads every place, ward and locality. What is an
organisation's own is not: its rurality band choices (and the reasons it gave) are seen by its
people only, chosen by its commissioners and administrators only; a place's localities are
changed only by commissioners and administrators of a body that serves the place (Medway
Council itself, or NHS Kent and Medway ICB; Kent County Council serves Dover, not Medway).
People are managed only by administrators of their own organisation, and API tokens only by
the person who holds them. For every 200 the body is searched for what that person must never
read: Medway's band reason, Medway people, the commissioner's token, and Kent's own.

The world is Medway and Dover loaded from the shipped ONS extracts, once per module; each
request runs in a savepoint that is rolled back, so posts that change things do not leak. The
posts that succeed are checked for what they write in the tests after the matrix.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from tendercare.core.history import history_url
from tendercare.geography import services as geography
from tendercare.geography.models import Locality, OrganisationBand, Postcode, RuralityBand
from tendercare.organisations import services as organisations
from tendercare.organisations.models import ApiToken, Organisation, Role, User
from tests import access_matrix_support as support
from tests.factories import (
    CommissionerOrgFactory,
    OrganisationFactory,
    ProviderOrgFactory,
    UserFactory,
)

# ONS codes: the places loaded, and the bodies that serve them.
MEDWAY, DOVER = "E06000035", "E07000108"
MEDWAY_COUNCIL, KENT_COUNTY, KENT_AND_MEDWAY_ICB = "E06000035", "E10000016", "E54000032"

# Texts unique in the whole world, searched for in every answer.
MEDWAY_REASON = "MEDWAY-BAND-REASON ten minutes from Chatham by car"
KENT_REASON = "KENT-BAND-REASON the Weald roads in winter"
MEDWAY_PERSON = ("morwenna.medway", "Morwenna", "Quillfeather", "morwenna.q@medway.example")
KENT_PERSON = ("kit.kent", "Kit", "Zebedeeson", "kit.z@kent.example")
MEDWAY_TOKEN = "MEDWAY-COMMISSIONER-TOKEN"
KENT_TOKEN = "KENT-COMMISSIONER-TOKEN"

ROLES = [
    None,  # the anonymous visitor
    "commissioner",  # Medway Council commissioner: chooses Medway's bands, edits its localities
    "admin",  # Medway Council administrator: the same, and manages Medway's people
    "lead",  # Medway procurement lead: reads geography, changes none of it
    "councillor",  # Medway councillor: reads
    "evaluator",  # Medway evaluator: reads open data
    "provider",  # a provider user: reads open data
    "kent",  # Kent County Council commissioner: serves Dover, not Medway
    "kent_admin",  # Kent County Council administrator: manages Kent's people only
    "icb",  # NHS Kent and Medway ICB commissioner: serves Medway and Dover
]
USERS = {
    "commissioner": (Role.COMMISSIONER, "medway"),
    "admin": (Role.ADMINISTRATOR, "medway"),
    "lead": (Role.PROCUREMENT_LEAD, "medway"),
    "councillor": (Role.COUNCILLOR, "medway"),
    "evaluator": (Role.EVALUATOR, "medway"),
    "provider": (Role.PROVIDER, "alpha"),
    "kent": (Role.COMMISSIONER, "kent"),
    "kent_admin": (Role.ADMINISTRATOR, "kent"),
    "icb": (Role.COMMISSIONER, "icb"),
}
MEDWAY_ROLES = ("commissioner", "admin", "lead", "councillor", "evaluator")


def _person(organisation, username, first, last, email, *, by):
    return organisations.user_create(
        username=username,
        role=Role.CONTRACT_MANAGER,
        organisation=organisation,
        password="a-long-and-unusual-passphrase",
        first_name=first,
        last_name=last,
        email=email,
        by=by,
    )


def build_world() -> dict:
    """Medway and Dover from the extracts; Medway Council, Kent County Council and the ICB with
    their real ONS codes; each council's own band for the RUC class of a Medway postcode, with
    a reason; a Medway and a Kent person to manage; a token each for two commissioners."""
    geography.geography_load(lads=[MEDWAY, DOVER])
    orgs = {
        "medway": CommissionerOrgFactory(name="Medway Council", ons_code=MEDWAY_COUNCIL),
        "kent": CommissionerOrgFactory(name="Kent County Council", ons_code=KENT_COUNTY),
        "icb": OrganisationFactory(
            name="NHS Kent and Medway Integrated Care Board",
            kind=Organisation.Kind.ICB,
            ods_code="QKS",
            ons_code=KENT_AND_MEDWAY_ICB,
        ),
        "alpha": ProviderOrgFactory(name="Alpha Care Ltd", ods_code="ALP01"),
    }
    users = {
        name: UserFactory(username=name, role=role, organisation=orgs[org])
        for name, (role, org) in USERS.items()
    }
    postcode = (
        Postcode.objects.filter(lsoa__place_id=MEDWAY, lsoa__ruc__isnull=False)
        .select_related("lsoa__ruc")
        .order_by("code")
        .first()
    )
    ruc = postcode.lsoa.ruc
    medway_band = "isolated" if ruc.band != "isolated" else "urban"
    kent_band = "rural" if ruc.band != "rural" else "fringe"
    own_band = geography.organisation_band_set(
        ruc_code=ruc.ruc_code, band=medway_band, reason=MEDWAY_REASON, by=users["commissioner"]
    )
    kent_own_band = geography.organisation_band_set(
        ruc_code=ruc.ruc_code, band=kent_band, reason=KENT_REASON, by=users["kent"]
    )
    medway_person = _person(orgs["medway"], *MEDWAY_PERSON, by=users["admin"])
    kent_person = _person(orgs["kent"], *KENT_PERSON, by=users["kent_admin"])
    token, _ = organisations.api_token_issue(user=users["commissioner"], name=MEDWAY_TOKEN)
    kent_token, _ = organisations.api_token_issue(user=users["kent"], name=KENT_TOKEN)
    return {
        "orgs": orgs,
        "users": users,
        "postcode": postcode,
        "ruc": ruc,
        "bands": {"medway": medway_band, "kent": kent_band},
        "own_band": own_band,
        "kent_own_band": kent_own_band,
        "locality": Locality.objects.get(place_id=MEDWAY, name="Chatham"),
        "dover_locality": Locality.objects.filter(place_id=DOVER).order_by("name").first(),
        "ward": postcode.lsoa.ward,
        "medway_person": medway_person,
        "kent_person": kent_person,
        "token": token,
        "kent_token": kent_token,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


# --- the endpoints ------------------------------------------------------------------------

NAMESPACES = ("geography", "organisations")
API_PREFIXES = ("areas",)  # organisations mounts no router


def page_endpoints() -> list[tuple[str, str]]:
    return support.page_endpoints(*NAMESPACES)


def api_endpoints() -> list[tuple[str, str]]:
    return support.api_endpoints(*API_PREFIXES)


def _kwargs(world, name: str, route: str) -> dict:
    values = {
        "code": world["ward"].code if name == "geography:ward" else MEDWAY,
        "pk": {
            "geography:locality": world["locality"].pk,
            "geography:locality-edit": world["locality"].pk,
            "organisations:detail": world["orgs"]["medway"].pk,
            "organisations:person-active": world["medway_person"].pk,
            "organisations:api-token-revoke": world["token"].pk,
        }.get(name),
    }
    return support.route_kwargs(values, route)


def _api_url(world, path: str) -> str:
    code = world["ward"].code if path.startswith("/api/v1/areas/wards/") else MEDWAY
    ids = {
        "{code}": code,
        "{locality_id}": world["locality"].pk,
        "{postcode}": world["postcode"].code,
    }
    return support.fill_path(path, ids)


# One row per endpoint and method, one status per role in ROLES order.
#   anon commissioner admin lead councillor evaluator provider kent kent_admin icb
# Ids in URLs name Medway's: the place, a ward and a postcode in it, its Chatham locality, the
# council itself, a Medway person, and the Medway commissioner's API token. Read-only pages and
# routes answer 405 to a POST.
EXPECTED = {
    "geography:places GET": "302 200 200 200 200 200 200 200 200 200",
    "geography:places POST": "302 405 405 405 405 405 405 405 405 405",
    "geography:postcode GET": "302 200 200 200 200 200 200 200 200 200",
    "geography:postcode POST": "302 405 405 405 405 405 405 405 405 405",
    "geography:bands GET": "302 200 200 200 200 200 200 200 200 200",
    "geography:bands POST": "302 405 405 405 405 405 405 405 405 405",
    # Every organisation's commissioners and administrators choose its own bands.
    "geography:band-edit GET": "302 200 200 403 403 403 403 200 200 200",
    "geography:band-edit POST": "302 200 200 403 403 403 403 200 200 200",
    "geography:locality GET": "302 200 200 200 200 200 200 200 200 200",
    "geography:locality POST": "302 405 405 405 405 405 405 405 405 405",
    # Medway's locality: Medway Council's and the ICB's commissioners and administrators only.
    "geography:locality-edit GET": "302 200 200 403 403 403 403 403 403 200",
    "geography:locality-edit POST": "302 200 200 403 403 403 403 403 403 200",
    "geography:ward GET": "302 200 200 200 200 200 200 200 200 200",
    "geography:ward POST": "302 405 405 405 405 405 405 405 405 405",
    "geography:place GET": "302 200 200 200 200 200 200 200 200 200",
    "geography:place POST": "302 405 405 405 405 405 405 405 405 405",
    "organisations:list GET": "302 200 200 200 200 200 200 200 200 200",
    "organisations:list POST": "302 405 405 405 405 405 405 405 405 405",
    "organisations:detail GET": "302 200 200 200 200 200 200 200 200 200",
    "organisations:detail POST": "302 405 405 405 405 405 405 405 405 405",
    # Administrators manage their own organisation's people (Kent's sees Kent's).
    "organisations:people GET": "302 403 200 403 403 403 403 403 200 403",
    "organisations:people POST": "302 403 200 403 403 403 403 403 200 403",
    # The Medway person: Medway's administrator switches them off (an empty form means off).
    "organisations:person-active GET": "302 405 405 405 405 405 405 405 405 405",
    "organisations:person-active POST": "302 404 302 404 404 404 404 404 404 404",
    # Everyone holds their own tokens; only the holder revokes one.
    "organisations:api-tokens GET": "302 200 200 200 200 200 200 200 200 200",
    "organisations:api-tokens POST": "302 200 200 200 200 200 200 200 200 200",
    "organisations:api-token-revoke GET": "302 405 405 405 405 405 405 405 405 405",
    "organisations:api-token-revoke POST": "302 302 404 404 404 404 404 404 404 404",
    "/api/v1/areas/places GET": "401 200 200 200 200 200 200 200 200 200",
    "/api/v1/areas/places POST": "405 405 405 405 405 405 405 405 405 405",
    "/api/v1/areas/places/{code} GET": "401 200 200 200 200 200 200 200 200 200",
    "/api/v1/areas/places/{code} POST": "405 405 405 405 405 405 405 405 405 405",
    "/api/v1/areas/localities/{locality_id} GET": "401 200 200 200 200 200 200 200 200 200",
    "/api/v1/areas/localities/{locality_id} POST": "405 405 405 405 405 405 405 405 405 405",
    "/api/v1/areas/wards/{code} GET": "401 200 200 200 200 200 200 200 200 200",
    "/api/v1/areas/wards/{code} POST": "405 405 405 405 405 405 405 405 405 405",
    "/api/v1/areas/postcodes/{postcode} GET": "401 200 200 200 200 200 200 200 200 200",
    "/api/v1/areas/postcodes/{postcode} POST": "405 405 405 405 405 405 405 405 405 405",
}

# Known faults in views this module's owner may not change: expected to fail until fixed, then
# the marker must go.
KNOWN: dict[str, dict[str, str]] = {}

# What each person must never read in a 200.
MEDWAY_ONLY = [MEDWAY_REASON, *MEDWAY_PERSON[::3], MEDWAY_PERSON[2]]
KENT_ONLY = [KENT_REASON, *KENT_PERSON[::3], KENT_PERSON[2]]
NEVER = {
    None: [*MEDWAY_ONLY, *KENT_ONLY, MEDWAY_TOKEN, KENT_TOKEN],
    "commissioner": [*KENT_ONLY, KENT_TOKEN],
    "admin": [*KENT_ONLY, MEDWAY_TOKEN, KENT_TOKEN],
    "lead": [*KENT_ONLY, MEDWAY_TOKEN, KENT_TOKEN],
    "councillor": [*KENT_ONLY, MEDWAY_TOKEN, KENT_TOKEN],
    "evaluator": [*KENT_ONLY, MEDWAY_TOKEN, KENT_TOKEN],
    "provider": [*MEDWAY_ONLY, *KENT_ONLY, MEDWAY_TOKEN, KENT_TOKEN],
    "kent": [*MEDWAY_ONLY, MEDWAY_TOKEN],
    "kent_admin": [*MEDWAY_ONLY, MEDWAY_TOKEN, KENT_TOKEN],
    "icb": [*MEDWAY_ONLY, *KENT_ONLY, MEDWAY_TOKEN, KENT_TOKEN],
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
    return support.endpoint_cases(
        page_endpoints(), api_endpoints(), api_methods=support.its_method_and_post
    )


def test_every_endpoint_has_an_expectation():
    MATRIX.assert_every_endpoint_has_an_expectation(_endpoint_cases())
    assert len(page_endpoints()) == 14 and len(api_endpoints()) == 5
    assert not support.api_endpoints("organisations"), "a new router needs rows here"


@pytest.mark.parametrize(support.ACCESS_ARGS, MATRIX.params(_endpoint_cases()))
def test_access(db, client, world, key, kind, name, route, method, index):
    MATRIX.check(client, world, key, kind, name, route, method, index)


def test_the_world_is_what_the_matrix_assumes(db, client, world):
    """Guard the fixture: the secrets are there for those who may read them, so that a 200
    without them means something."""
    assert world["locality"].place.icb_code == KENT_AND_MEDWAY_ICB
    assert world["dover_locality"].place.upper_tier_code == KENT_COUNTY
    bands = reverse("geography:bands")
    client.force_login(world["users"]["councillor"])
    text = client.get(bands).content.decode()
    assert MEDWAY_REASON in text and KENT_REASON not in text
    client.force_login(world["users"]["kent"])
    text = client.get(bands).content.decode()
    assert KENT_REASON in text and MEDWAY_REASON not in text
    assert KENT_TOKEN in client.get(reverse("organisations:api-tokens")).content.decode()
    client.force_login(world["users"]["commissioner"])
    assert MEDWAY_TOKEN in client.get(reverse("organisations:api-tokens")).content.decode()
    client.force_login(world["users"]["admin"])
    people = client.get(reverse("organisations:people")).content.decode()
    assert MEDWAY_PERSON[0] in people and KENT_PERSON[0] not in people
    client.force_login(world["users"]["kent_admin"])
    people = client.get(reverse("organisations:people")).content.decode()
    assert KENT_PERSON[0] in people and MEDWAY_PERSON[0] not in people


# --- the other council's locality -----------------------------------------------------------

# Dover's locality, which the matrix does not name: Kent County Council serves Dover (its
# county), the ICB serves it, Medway Council does not.
DOVER_EDIT_ROW = "302 403 403 403 403 403 403 200 200 200"


@pytest.mark.parametrize(("method", "index"), support.role_params(["GET", "POST"], ROLES))
def test_dovers_locality_is_changed_by_kent_and_the_icb(db, client, world, method, index):
    who = ROLES[index]
    support.sign_in(client, world["users"][who] if who else None)
    url = reverse("geography:locality-edit", args=[world["dover_locality"].pk])
    response = support.request_rolled_back(client, url, method)
    assert response.status_code == int(DOVER_EDIT_ROW.split()[index]), support.role_name(who)


# --- the posts that succeed write what they say, and the refused ones write nothing --------


def _locality_state(locality):
    locality = Locality.objects.get(pk=locality.pk)
    return locality.name, sorted(locality.wards.values_list("code", flat=True))


def _locality_form(locality, name):
    wards = [w.code for w in locality.place.wards.order_by("code")[:2]]
    return {"name": name, "description": "Redrawn in the matrix", "wards": wards}


@pytest.mark.parametrize(
    ("who", "which", "status"),
    [
        ("commissioner", "locality", 302),
        ("admin", "locality", 302),
        ("icb", "locality", 302),
        ("kent", "locality", 403),
        ("kent_admin", "locality", 403),
        ("lead", "locality", 403),
        ("councillor", "locality", 403),
        ("provider", "locality", 403),
        ("kent", "dover_locality", 302),
        ("icb", "dover_locality", 302),
        ("commissioner", "dover_locality", 403),
        ("admin", "dover_locality", 403),
    ],
)
def test_locality_edit_writes_only_for_a_body_serving_the_place(
    db, client, world, who, which, status
):
    locality = world[which]
    before = _locality_state(locality)
    client.force_login(world["users"][who])
    form = _locality_form(locality, f"Redrawn by {who}")
    with transaction.atomic():
        response = client.post(reverse("geography:locality-edit", args=[locality.pk]), form)
        after = _locality_state(locality)
        transaction.set_rollback(True)
    assert response.status_code == status
    if status == 302:
        assert after == (form["name"], sorted(form["wards"]))
    else:
        assert after == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("commissioner", 302),
        ("admin", 302),
        ("kent", 302),
        ("kent_admin", 302),
        ("icb", 302),
        ("lead", 403),
        ("councillor", 403),
        ("evaluator", 403),
        ("provider", 403),
    ],
)
def test_a_band_choice_moves_only_the_choosers_organisation(db, client, world, who, status):
    ruc = world["ruc"]
    user = world["users"][who]
    others = {
        (b.owner_id, b.band, b.reason)
        for b in OrganisationBand.objects.exclude(owner_id=user.organisation_id)
    }
    client.force_login(user)
    form = {"ruc_code": ruc.ruc_code, "band": "fringe", "reason": f"Chosen by {who}"}
    with transaction.atomic():
        response = client.post(reverse("geography:band-edit"), form)
        own = OrganisationBand.objects.filter(owner_id=user.organisation_id, ruc=ruc).first()
        after = {
            (b.owner_id, b.band, b.reason)
            for b in OrganisationBand.objects.exclude(owner_id=user.organisation_id)
        }
        default = RuralityBand.objects.get(pk=ruc.pk).band
        transaction.set_rollback(True)
    assert response.status_code == status
    assert after == others and default == ruc.band
    if status == 302:
        assert (own.band, own.reason) == ("fringe", f"Chosen by {who}")
    else:
        assert own is None or own.reason != f"Chosen by {who}"


@pytest.mark.parametrize(
    ("who", "band"),
    [("commissioner", "medway"), ("evaluator", "medway"), ("kent", "kent"), ("icb", None)],
)
def test_the_postcode_api_answers_in_the_askers_own_band(db, client, world, who, band):
    client.force_login(world["users"][who])
    url = _api_url(world, "/api/v1/areas/postcodes/{postcode}")
    answer = client.get(url).json()
    assert answer["lsoa"]["band"] == (world["bands"][band] if band else world["ruc"].band)


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("admin", "medway_person", 302),
        ("kent_admin", "kent_person", 302),
        ("kent_admin", "medway_person", 404),
        ("admin", "kent_person", 404),
        ("commissioner", "medway_person", 404),
        ("icb", "medway_person", 404),
    ],
)
def test_only_an_organisations_administrator_switches_its_people_off(
    db, client, world, who, target, status
):
    person = world[target]
    client.force_login(world["users"][who])
    url = reverse("organisations:person-active", args=[person.pk])
    with transaction.atomic():
        response = client.post(url, {"active": "0"})
        active = User.objects.get(pk=person.pk).is_active
        transaction.set_rollback(True)
    assert response.status_code == status
    assert active is (status != 302)


@pytest.mark.parametrize(
    ("who", "status", "organisation"),
    [
        ("admin", 302, "medway"),
        ("kent_admin", 302, "kent"),
        ("commissioner", 403, None),
        ("icb", 403, None),
        ("provider", 403, None),
    ],
)
def test_an_administrator_adds_people_to_their_own_organisation_only(
    db, client, world, who, status, organisation
):
    client.force_login(world["users"][who])
    form = {
        "username": "new.person",
        "first_name": "New",
        "last_name": "Person",
        "email": "new.person@example.org",
        "job_title": "Commissioning officer",
        "role": Role.COMMISSIONER,
        "password": "a-long-and-unusual-passphrase",
    }
    with transaction.atomic():
        response = client.post(reverse("organisations:people"), form)
        added = User.objects.filter(username="new.person").first()
        transaction.set_rollback(True)
    assert response.status_code == status
    if organisation:
        assert added.organisation == world["orgs"][organisation]
    else:
        assert added is None


@pytest.mark.parametrize(("who", "status"), [("commissioner", 302), ("admin", 404), ("kent", 404)])
def test_only_the_holder_revokes_a_token(db, client, world, who, status):
    client.force_login(world["users"][who])
    url = reverse("organisations:api-token-revoke", args=[world["token"].pk])
    with transaction.atomic():
        response = client.post(url)
        revoked = ApiToken.objects.get(pk=world["token"].pk).revoked
        transaction.set_rollback(True)
    assert response.status_code == status
    assert revoked is (status == 302)


# --- the history pages of geography and organisation records -------------------------------

# Statuses in ROLES order, as EXPECTED: localities, Tendercare's band mapping and organisations
# are open to anyone signed in; an organisation's own band choice only to its people.
HISTORY = {
    "own_band": "302 200 200 200 200 200 404 404 404 404",
    "kent_own_band": "302 404 404 404 404 404 404 200 200 404",
    "locality": "302 200 200 200 200 200 200 200 200 200",
    "ruc": "302 200 200 200 200 200 200 200 200 200",
    "medway": "302 200 200 200 200 200 200 200 200 200",
}


def _history_object(world, what: str):
    return world["orgs"]["medway"] if what == "medway" else world[what]


@pytest.mark.parametrize(("what", "index"), support.role_params(HISTORY, ROLES))
def test_history_pages(db, client, world, what, index):
    who = ROLES[index]
    support.sign_in(client, world["users"][who] if who else None)
    response = client.get(history_url(_history_object(world, what)))
    assert response.status_code == int(HISTORY[what].split()[index]), support.role_name(who)
    if response.status_code == 200:
        text = response.content.decode()
        assert not [s for s in NEVER.get(who, []) if s in text], who


def test_every_registered_model_has_a_history_row():
    from tendercare.core import history

    registered = {
        key for key in history._VISIBLE if key.startswith(("geography.", "organisations."))
    }
    # The models of the objects in HISTORY: a newly registered model needs an object there.
    tried = {
        "geography.organisationband",
        "geography.locality",
        "geography.ruralityband",
        "organisations.organisation",
    }
    assert registered == tried, registered ^ tried


@pytest.mark.parametrize("who", ["admin", "kent_admin", "commissioner", "provider"])
def test_people_and_tokens_have_no_history_page(db, client, world, who):
    """Accounts and tokens are audited, but their audit (emails, token names) is never a page."""
    client.force_login(world["users"][who])
    for obj in (world["medway_person"], world["kent_person"], world["token"]):
        assert client.get(history_url(obj)).status_code == 404, obj
