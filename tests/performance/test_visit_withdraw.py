"""Withdrawing a visit import: its partition files go, the import is marked withdrawn with the
reason (audited), its months' KPIs are recomputed, and it is refused while an issued statement
depends on its visits. The page is for commissioning staff who manage monitoring only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tendercare.core.audit import history_for
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.performance import kpi_engine, visit_store, visits
from tendercare.performance.models import KpiResult, ProviderStatus, Statement, VisitImport

from .kpi_setup import make_contract
from .test_visit_import import GOOD, csv_bytes, stored

pytestmark = pytest.mark.django_db
MARCH, APRIL = dt.date(2025, 3, 1), dt.date(2025, 4, 1)


@pytest.fixture
def imported(medway, commissioner):
    vi = visits.visit_import(
        file=csv_bytes(GOOD), filename="march.csv", owner=medway.council, by=commissioner
    )
    assert vi.status == VisitImport.Status.DONE, vi.errors
    return vi


@pytest.fixture
def contract(medway):
    """Riverside's contract, named by its status in North (where V1 was delivered in March)."""
    contract = make_contract(reference="HC-009", council=medway.council, provider=medway.provider)
    ProviderStatus.objects.create(
        zone=medway.north,
        provider=medway.provider,
        contract=contract,
        status="prime",
        since=dt.date(2024, 4, 1),
        reason="Award",
    )
    return contract


def statement(contract, month):
    return Statement.objects.create(
        contract=contract,
        provider_id=contract.provider_id,
        month=month,
        commissioned_amount=0,
        delivered_amount=0,
        adjustments_amount=0,
        total=0,
    )


def test_withdrawing_removes_the_files_marks_the_import_and_recomputes_kpis(
    medway, imported, commissioner
):
    kpi_engine.compute_for_owner(owner=medway.council, months=["2025-03", "2025-04"])
    assert KpiResult.objects.filter(month=MARCH, zone__owner=medway.council).exists()
    done = visits.visit_import_withdraw(
        visit_import=imported, by=commissioner, reason="Wrong month sent by the provider"
    )
    assert done.files_removed == 2 and done.months == ["2025-03", "2025-04"]
    assert done.kpis_recomputed and done.kpi_problem == ""
    assert visit_store.files() == [] and stored() == []
    imported.refresh_from_db()
    assert visits.is_withdrawn(imported)
    assert visits.import_status_label(imported) == "Withdrawn"
    assert imported.stored == 0 and imported.months == ["2025-03", "2025-04"]
    assert imported.message.startswith("Withdrawn on ")
    assert "(3 visits removed): Wrong month sent by the provider" in imported.message
    assert not KpiResult.objects.filter(zone__owner=medway.council).exists()
    entries = history_for(imported)
    change = entries.get(summary__contains="withdrawn:")
    assert change.user == commissioner and change.before["status"] == "done"
    assert change.summary.endswith("Wrong month sent by the provider")
    event = entries.get(summary="Visit import withdrawn")
    assert event.after["reason"] == "Wrong month sent by the provider"
    assert event.after["visits"] == 3 and len(event.after["files"]) == 2

    # Withdrawn once only; the same file can be imported again afterwards.
    with pytest.raises(DomainError, match="already been withdrawn"):
        visits.visit_import_withdraw(visit_import=imported, by=commissioner, reason="again")
    again = visits.visit_import(
        file=csv_bytes(GOOD), filename="march.csv", owner=medway.council, by=commissioner
    )
    assert again.status == VisitImport.Status.DONE and len(stored()) == 3


def test_a_reason_is_required_and_only_stored_imports_are_withdrawn(medway, imported, commissioner):
    for blank in ("", "   "):
        with pytest.raises(DomainError, match="Say why"):
            visits.visit_import_withdraw(visit_import=imported, by=commissioner, reason=blank)
    with pytest.raises(DomainError, match="500 characters"):
        visits.visit_import_withdraw(visit_import=imported, by=commissioner, reason="x" * 501)
    refused = visits.visit_import(
        file=csv_bytes(["nonsense"]), filename="bad.csv", owner=medway.council, by=commissioner
    )
    assert refused.status == VisitImport.Status.FAILED
    with pytest.raises(DomainError, match="nothing to withdraw"):
        visits.visit_import_withdraw(visit_import=refused, by=commissioner, reason="x")
    imported.refresh_from_db()
    assert imported.status == VisitImport.Status.DONE and len(visit_store.files()) == 2


def test_an_issued_statement_that_depends_on_the_visits_blocks_it(
    medway, imported, contract, commissioner
):
    # April: Riverside has no visits in this import, so April's statement does not depend on it.
    statement(contract, APRIL)
    assert visits.withdraw_blockers(imported) == []
    march = statement(contract, MARCH)
    assert visits.withdraw_blockers(imported) == [march]
    with pytest.raises(DomainError, match=r"Statements already issued depend on these visits"):
        visits.visit_import_withdraw(visit_import=imported, by=commissioner, reason="x")
    with pytest.raises(DomainError, match="HC-009 March 2025"):
        visits.visit_import_withdraw(visit_import=imported, by=commissioner, reason="x")
    imported.refresh_from_db()
    assert imported.status == VisitImport.Status.DONE and len(stored()) == 3
    assert not history_for(imported).filter(summary__contains="withdrawn").exists()


def test_a_statement_for_a_zone_without_the_providers_visits_does_not_block(
    medway, imported, commissioner
):
    # Riverside's contract is named only in South, where it had no visits in this import.
    contract = make_contract(reference="HC-010", council=medway.council, provider=medway.provider)
    ProviderStatus.objects.create(
        zone=medway.south,
        provider=medway.provider,
        contract=contract,
        status="supplementary",
        since=dt.date(2024, 4, 1),
        reason="Award",
    )
    statement(contract, MARCH)
    assert visits.withdraw_blockers(imported) == []
    visits.visit_import_withdraw(visit_import=imported, by=commissioner, reason="Duplicate")


@pytest.mark.parametrize(
    "who", ["councillor", "provider_user", "other_commissioner", "evaluator", "none"]
)
def test_only_the_owners_commissioning_staff_withdraw(medway, imported, request, who):
    user = None if who == "none" else request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        visits.visit_import_withdraw(visit_import=imported, by=user, reason="x")
    imported.refresh_from_db()
    assert imported.status == VisitImport.Status.DONE and len(visit_store.files()) == 2


# --- the page --------------------------------------------------------------------------------


def test_the_page_confirms_and_withdraws(client, medway, imported, commissioner):
    client.force_login(commissioner)
    detail = reverse("performance:visit-import", args=[imported.pk])
    url = reverse("performance:visit-import-withdraw", args=[imported.pk])
    assert url in client.get(detail).content.decode()
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "Withdraw import" in text
    assert 'name="csrfmiddlewaretoken"' in text and "removes all 3 visits" in text

    empty = client.post(url, {"reason": "", "confirm": "on"})
    assert empty.status_code == 400
    body = empty.content.decode()
    assert "govuk-error-summary" in body and "Say why the import is withdrawn" in body
    unconfirmed = client.post(url, {"reason": "Sent twice"})
    assert unconfirmed.status_code == 400
    assert "Confirm that the visits of this import are to be removed" in (
        unconfirmed.content.decode()
    )
    assert len(visit_store.files()) == 2

    done = client.post(url, {"reason": "Sent twice", "confirm": "on"})
    assert done.status_code == 302 and done["Location"] == detail
    shown = client.get(detail).content.decode()
    assert "Withdrawn" in shown and "Sent twice" in shown
    assert "govuk-error-summary" not in shown and url not in shown
    listing = client.get(reverse("performance:visit-imports")).content.decode()
    assert "Withdrawn" in listing
    assert visit_store.files() == []
    # Again: the page says so and a post is refused with a message, not a 500.
    assert "already been withdrawn" in client.get(url).content.decode()
    again = client.post(url, {"reason": "x", "confirm": "on"})
    assert again.status_code == 400 and "already been withdrawn" in again.content.decode()


def test_the_page_lists_the_statements_that_block(client, imported, contract, commissioner):
    march = statement(contract, MARCH)
    client.force_login(commissioner)
    url = reverse("performance:visit-import-withdraw", args=[imported.pk])
    text = client.get(url).content.decode()
    assert "This import cannot be withdrawn" in text
    assert reverse("performance:statement", args=[march.pk]) in text
    assert "Withdraw import" not in text  # no form
    refused = client.post(url, {"reason": "x", "confirm": "on"})
    assert refused.status_code == 400
    assert "Statements already issued depend on these visits" in refused.content.decode()
    assert len(visit_store.files()) == 2


def test_who_gets_the_page(client, imported, councillor, provider_user, other_commissioner):
    url = reverse("performance:visit-import-withdraw", args=[imported.pk])
    detail = reverse("performance:visit-import", args=[imported.pk])
    client.force_login(councillor)
    assert url not in client.get(detail).content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403
    for user in (provider_user, other_commissioner):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    imported.refresh_from_db()
    assert imported.status == VisitImport.Status.DONE and len(visit_store.files()) == 2
