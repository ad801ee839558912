"""A statement's life after it is issued: the provider accepts it (not while disputed; once
accepted nothing changes), notes on the statement and its adjustments, commissioning staff
remove an adjustment with a reason; every step audited and shown on the statement page, and a
refused step says why (no 500, nothing silently ignored)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from tendercare.core.audit import history_for
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.organisations.models import Role
from tendercare.performance import statements
from tendercare.performance.models import Adjustment, Statement
from tests.factories import UserFactory

from .kpi_setup import monitored_fixture  # noqa: F401 - fixture
from .test_payment_views import issued_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def reissue(statement, by):
    return statements.statement_issue(
        contract=statement.contract, month=statement.month, by=by, delivered={"urban": "900"}
    )


@pytest.fixture
def stranger(monitored):
    return UserFactory(
        username="hillside", role=Role.PROVIDER, organisation=monitored.other_provider
    )


# --- accepting -------------------------------------------------------------------------------


def test_the_provider_accepts_and_then_nothing_changes(issued, provider_user, commissioner):
    assert issued.total == D("21560.00")
    accepted = statements.statement_accept(statement=issued, by=provider_user)
    assert accepted.status == Statement.Status.ACCEPTED
    entry = history_for(issued).filter(summary__startswith="Statement accepted").get()
    assert entry.user == provider_user and entry.before["status"] == "issued"
    assert entry.after["status"] == "accepted"

    with pytest.raises(DomainError, match="already been accepted"):
        statements.statement_accept(statement=issued, by=provider_user)
    with pytest.raises(DomainError, match="accepted: it cannot be changed"):
        reissue(issued, commissioner)
    with pytest.raises(DomainError, match="accepted: it cannot be changed"):
        statements.dispute_raise(statement=issued, reason="late thought", by=provider_user)
    with pytest.raises(DomainError, match="accepted: it cannot be changed"):
        statements.statement_note_add(statement=issued, note="paid", by=commissioner)
    with pytest.raises(DomainError, match="accepted: it cannot be changed"):
        statements.adjustment_remove(
            adjustment=issued.adjustments.get(), reason="goodwill", by=commissioner
        )
    issued.refresh_from_db()
    assert issued.status == Statement.Status.ACCEPTED and issued.total == D("21560.00")
    assert issued.disputes.count() == 0


def test_a_disputed_statement_is_accepted_only_after_the_resolution(
    issued, provider_user, commissioner
):
    dispute = statements.dispute_raise(statement=issued, reason="ECM outage", by=provider_user)
    with pytest.raises(DomainError, match="open dispute: it can be accepted once"):
        statements.statement_accept(statement=issued, by=provider_user)
    issued.refresh_from_db()
    assert issued.status == Statement.Status.DISPUTED
    statements.dispute_resolve(
        dispute=dispute, outcome="rejected", resolution="Data are right", by=commissioner
    )
    issued.refresh_from_db()
    assert issued.status == Statement.Status.RESOLVED
    statements.statement_accept(statement=issued, by=provider_user)
    issued.refresh_from_db()
    assert issued.status == Statement.Status.ACCEPTED


def test_only_the_statements_provider_accepts(
    issued, commissioner, councillor, stranger, provider_user
):
    for user in (commissioner, councillor, stranger, None):
        with pytest.raises(NotAllowed, match="Only the provider"):
            statements.statement_accept(statement=issued, by=user)
    issued.refresh_from_db()
    assert issued.status == Statement.Status.ISSUED
    assert not history_for(issued).filter(summary__startswith="Statement accepted").exists()


# --- notes -----------------------------------------------------------------------------------


def test_notes_by_both_parties_are_kept_and_follow_the_adjustment_on_reissue(
    issued, provider_user, commissioner, councillor, stranger
):
    adjustment = issued.adjustments.get()
    statements.statement_note_add(statement=issued, note="Invoice to follow", by=commissioner)
    statements.statement_note_add(
        statement=issued, note="ECM outage 3 April", adjustment=adjustment, by=provider_user
    )
    for user in (councillor, stranger):
        with pytest.raises(NotAllowed):
            statements.statement_note_add(statement=issued, note="x", by=user)
    with pytest.raises(DomainError, match="Enter the note"):
        statements.statement_note_add(statement=issued, note="  ", by=commissioner)
    with pytest.raises(DomainError, match="2,000 characters"):
        statements.statement_note_add(statement=issued, note="x" * 2001, by=commissioner)
    other = Statement.objects.create(
        contract=issued.contract,
        provider=issued.provider,
        month=issued.month.replace(month=5),
        commissioned_amount=0,
        delivered_amount=0,
        adjustments_amount=0,
        total=0,
    )
    with pytest.raises(DomainError, match="not on this statement"):
        statements.statement_note_add(
            statement=other, note="x", adjustment=adjustment, by=commissioner
        )

    again = reissue(issued, commissioner)
    notes = statements.statement_notes_added(again)
    assert [(n["note"], n["by"]) for n in notes] == [
        ("Invoice to follow", commissioner.username),
        ("ECM outage 3 April", provider_user.username),
    ]
    new_adjustment = again.adjustments.get()
    assert new_adjustment.pk != adjustment.pk
    assert (notes[1]["kpi_result"], notes[1]["rule"]) == (
        new_adjustment.kpi_result_id,
        new_adjustment.rule_id,
    )
    whats = [t["what"] for t in statements.statement_trail(again)]
    assert "Note added: Invoice to follow" in whats
    assert "Note added on an adjustment: ECM outage 3 April" in whats


# --- removing an adjustment ------------------------------------------------------------------


def test_removing_an_adjustment_needs_a_reason_keeps_the_trail_and_survives_reissue(
    issued, commissioner, provider_user, councillor
):
    adjustment = issued.adjustments.get()
    for user in (provider_user, councillor):
        with pytest.raises(NotAllowed):
            statements.adjustment_remove(adjustment=adjustment, reason="x", by=user)
    with pytest.raises(DomainError, match="Say why"):
        statements.adjustment_remove(adjustment=adjustment, reason="  ", by=commissioner)
    with pytest.raises(DomainError, match="300 characters"):
        statements.adjustment_remove(adjustment=adjustment, reason="x" * 301, by=commissioner)

    statements.adjustment_remove(
        adjustment=adjustment, reason="Agreed at the contract meeting", by=commissioner
    )
    adjustment.refresh_from_db()
    issued.refresh_from_db()
    assert adjustment.amount == 0 and adjustment.percent == 0
    assert adjustment.reason.endswith("[removed: Agreed at the contract meeting]")
    assert issued.adjustments_amount == 0 and issued.total == issued.delivered_amount
    assert history_for(adjustment).filter(summary__contains="Agreed at the contract").exists()
    removal = statements.removals_of(issued)
    assert removal[0]["reason"] == "Agreed at the contract meeting"
    assert removal[0]["amount"] == "-490.00" and removal[0]["by"] == commissioner.username
    with pytest.raises(DomainError, match="already been removed"):
        statements.adjustment_remove(adjustment=adjustment, reason="again", by=commissioner)

    again = reissue(issued, commissioner)
    assert again.total == again.delivered_amount == D("22050.00")
    assert "[removed: Agreed at the contract meeting]" in again.adjustments.get().reason
    whats = " | ".join(t["what"] for t in statements.statement_trail(again))
    assert "removed (Agreed at the contract meeting)" in whats


def test_no_removal_while_a_dispute_is_open(issued, commissioner, provider_user):
    statements.dispute_raise(statement=issued, reason="x", by=provider_user)
    with pytest.raises(DomainError, match="open dispute"):
        statements.adjustment_remove(
            adjustment=issued.adjustments.get(), reason="x", by=commissioner
        )
    assert Adjustment.objects.get().amount == D("-490.00")


def test_the_trail_lists_every_transition(issued, commissioner, provider_user):
    dispute = statements.dispute_raise(statement=issued, reason="x", by=provider_user)
    statements.dispute_resolve(
        dispute=dispute, outcome="rejected", resolution="stands", by=commissioner
    )
    statements.statement_accept(statement=issued, by=provider_user)
    whats = [t["what"] for t in statements.statement_trail(issued)]
    assert whats[0].startswith("Statement issued")
    for expected in (
        "Dispute raised on the statement",
        "Statement disputed",
        "Dispute Rejected: statement stands",
        "Dispute rejected: total 21560.00",
        "Statement accepted: total 21560.00",
    ):
        assert expected in whats
    assert whats[-1] == "Statement accepted: total 21560.00"


# --- the pages -------------------------------------------------------------------------------


def page_of(client, statement):
    return client.get(reverse("performance:statement", args=[statement.pk])).content.decode()


def test_the_provider_accepts_on_the_page(client, issued, provider_user):
    client.force_login(provider_user)
    assert "Accept statement" in page_of(client, issued)
    done = client.post(reverse("performance:statement-accept", args=[issued.pk]))
    assert done.status_code == 302
    text = page_of(client, issued)
    assert "Accepted" in text and "The provider has accepted this statement" in text
    assert "Statement accepted: total 21560.00" in text  # the trail
    assert "Accept statement" not in text and "Dispute this statement" not in text
    assert "Add note" not in text
    again = client.post(reverse("performance:statement-accept", args=[issued.pk]))
    assert again.status_code == 400
    assert "govuk-error-summary" in again.content.decode()
    assert "already been accepted" in again.content.decode()


def test_a_refused_accept_shows_why(client, issued, provider_user):
    statements.dispute_raise(statement=issued, reason="x", by=provider_user)
    client.force_login(provider_user)
    text = page_of(client, issued)
    assert "once the commissioner has resolved your dispute" in text
    refused = client.post(reverse("performance:statement-accept", args=[issued.pk]))
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "govuk-error-summary" in body and "it can be accepted once the commissioner" in body
    issued.refresh_from_db()
    assert issued.status == Statement.Status.DISPUTED


def test_who_may_accept_note_and_remove_on_the_pages(
    client, issued, commissioner, councillor, other_commissioner
):
    urls = {
        "accept": reverse("performance:statement-accept", args=[issued.pk]),
        "note": reverse("performance:statement-note", args=[issued.pk]),
        "remove": reverse("performance:adjustment-remove", args=[issued.pk]),
    }
    client.force_login(commissioner)
    assert client.post(urls["accept"]).status_code == 403
    client.force_login(councillor)
    text = page_of(client, issued)
    assert "Add note" not in text and "Remove adjustment" not in text
    assert "Accept statement" not in text
    for url in urls.values():
        assert client.post(url, {"note": "x", "reason": "x"}).status_code == 403
    client.force_login(other_commissioner)
    for url in urls.values():
        assert client.post(url, {"note": "x", "reason": "x"}).status_code == 404
    issued.refresh_from_db()
    assert issued.status == Statement.Status.ISSUED
    assert statements.statement_notes_added(issued) == []


def test_notes_and_removal_through_the_forms(client, issued, commissioner, provider_user):
    adjustment = issued.adjustments.get()
    client.force_login(provider_user)
    bad = client.post(reverse("performance:statement-note", args=[issued.pk]), {"note": ""})
    assert bad.status_code == 400 and "Enter the note" in bad.content.decode()
    assert "govuk-error-summary" in bad.content.decode()
    client.post(
        reverse("performance:statement-note", args=[issued.pk]),
        {"about": str(adjustment.pk), "note": "Carers were snowed in"},
    )
    client.force_login(commissioner)
    text = page_of(client, issued)
    assert "Remove adjustment" in text
    # In the notes list, beside its adjustment in the adjustments table, and in the trail.
    assert text.count("Carers were snowed in") == 3
    url = reverse("performance:adjustment-remove", args=[issued.pk])
    missing = client.post(url, {"adjustment": str(adjustment.pk), "reason": ""})
    assert missing.status_code == 400
    assert "Say why the adjustment is removed" in missing.content.decode()
    unknown = client.post(url, {"adjustment": "999999", "reason": "x"})
    assert unknown.status_code == 400
    assert "Choose one of the adjustments" in unknown.content.decode()
    done = client.post(url, {"adjustment": str(adjustment.pk), "reason": "Snow: force majeure"})
    assert done.status_code == 302
    text = page_of(client, issued)
    assert "[removed: Snow: force majeure]" in text
    assert "removed (Snow: force majeure)" in text  # the trail
    assert "Remove adjustment" not in text  # nothing left to remove
