import os

import hypothesis
import pytest

from tendercare.organisations.models import Role

from .browser_support import browser, page  # noqa: F401 - fixtures for browser tests
from .factories import CommissionerOrgFactory, ProviderOrgFactory, UserFactory

# Property tests judge the rules, never the clock: CI runs two workers on two shared cores, where
# generating an example can take longer than hypothesis's default deadline and health checks.
hypothesis.settings.register_profile(
    "tendercare",
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.data_too_large],
)
# CI (.ci/run) replays a fixed set of examples, so a red build always means the change; run
# TENDERCARE_HYPOTHESIS=deep locally to search far wider (what found the payments penny).
hypothesis.settings.register_profile(
    "ci", parent=hypothesis.settings.get_profile("tendercare"), derandomize=True
)
hypothesis.settings.register_profile(
    "deep", parent=hypothesis.settings.get_profile("tendercare"), max_examples=1000
)
hypothesis.settings.load_profile(os.environ.get("TENDERCARE_HYPOTHESIS", "tendercare"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs half a second a password; tests check behaviour, not key stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _visit_store_outside_the_checkout(settings, tmp_path, tmp_path_factory):
    """Visit records are files: every test gets its own store, never var/visits. A module-wide
    fixture that has already pointed the store at a temporary folder keeps it."""
    if not str(settings.VISIT_STORE).startswith(str(tmp_path_factory.getbasetemp())):
        settings.VISIT_STORE = tmp_path / "visit-store"
        settings.PSEUDONYM_KEY = "test-key-not-a-secret"


@pytest.fixture(autouse=True)
def _builtin_kpi_definitions(request):
    """Migration 0002 loads the built-in KPI definitions, but a transactional test (the browser
    tests) empties every table when it ends, so a later test in the same process would find
    none. Every test that uses the database starts with them."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if marker is None and "db" not in names and "transactional_db" not in names:
        return
    asked = marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    transactional = "transactional_db" in names or bool(asked)
    request.getfixturevalue("transactional_db" if transactional else "db")
    from tendercare.performance.kpi_engine import builtin_kpis_ensure

    builtin_kpis_ensure()


@pytest.fixture
def council(db):
    return CommissionerOrgFactory(name="Medway Council")


@pytest.fixture
def other_council(db):
    return CommissionerOrgFactory(name="Kent County Council")


@pytest.fixture
def provider_org(db):
    return ProviderOrgFactory(name="Riverside Care Ltd")


@pytest.fixture
def commissioner(db, council):
    return UserFactory(username="commissioner", role=Role.COMMISSIONER, organisation=council)


@pytest.fixture
def other_commissioner(db, other_council):
    return UserFactory(
        username="kentcommissioner", role=Role.COMMISSIONER, organisation=other_council
    )


@pytest.fixture
def councillor(db, council):
    return UserFactory(username="councillor", role=Role.COUNCILLOR, organisation=council)


@pytest.fixture
def provider_user(db, provider_org):
    return UserFactory(username="provider", role=Role.PROVIDER, organisation=provider_org)


@pytest.fixture
def evaluator(db, council):
    return UserFactory(username="evaluator", role=Role.EVALUATOR, organisation=council)


@pytest.fixture
def signed_in(client, commissioner):
    client.force_login(commissioner)
    return client
