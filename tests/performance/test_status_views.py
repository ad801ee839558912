"""Provider status pages: the overview, a zone, recommendations and the decision form,
quality evidence; who sees and who may change what."""

import datetime as dt

import pytest
from django.urls import reverse

from tendercare.organisations.models import ProviderLocation, Role
from tendercare.performance import status
from tendercare.performance.models import (
    CqcRating,
    ProviderStatus,
    QualityAudit,
    StatusRecommendation,
)
from tests.factories import UserFactory
from tests.performance.test_status import MONTHS, history, zone_setup  # noqa: F401


@pytest.fixture
def pending(zone_setup, council):  # noqa: F811
    zone, hoo, strood, castle = zone_setup
    history(zone, hoo, strood, castle, hoo_good=(True, True, True, False, False, False))
    made = status.recommendations_refresh(owner=council, month=MONTHS[5])
    return zone, next(r for r in made if r.provider == hoo)


@pytest.fixture
def manager(council):
    return UserFactory(username="contracts", role=Role.CONTRACT_MANAGER, organisation=council)


def test_overview_lists_zones_statuses_scores_and_pending(pending, signed_in):
    zone, _ = pending
    page = signed_in.get(reverse("performance:zones"))
    text = page.content.decode()
    assert page.status_code == 200
    assert reverse("performance:zone", args=[zone.pk]) in text
    assert "Hoo Home Care Ltd" in text and "Prime provider" in text
    assert "2 recommendations waiting for a decision" in text
    assert "June 2026" in text  # the latest rolling score's month


def test_a_provider_sees_only_its_own_status_and_no_status_pages(pending, client):
    zone, rec = pending
    hoo_user = UserFactory(username="hoo", role=Role.PROVIDER, organisation=rec.provider)
    client.force_login(hoo_user)
    text = client.get(reverse("performance:zones")).content.decode()
    assert "Hoo Home Care Ltd" in text and "Strood Care Ltd" not in text
    assert "recommendation" not in text.lower()
    for name, args in (
        ("performance:zone", [zone.pk]),
        ("performance:recommendations", []),
        ("performance:recommendation", [rec.pk]),
        ("performance:quality", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404


def test_zone_page_has_order_history_chart_and_table(pending, signed_in):
    zone, _ = pending
    page = signed_in.get(reverse("performance:zone", args=[zone.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" class="tc-chart"') == 3
    assert 'id="scores-table"' in text and 'id="status-history"' in text
    order = text[text.index('id="offer-order"') : text.index('id="scores-table"')]
    assert order.index("Hoo Home Care Ltd") < order.index("Strood Care Ltd")
    assert "/history/performance.providerstatus/" in text


def test_other_councils_get_404(pending, client, other_commissioner):
    zone, rec = pending
    client.force_login(other_commissioner)
    assert client.get(reverse("performance:zone", args=[zone.pk])).status_code == 404
    assert client.get(reverse("performance:recommendation", args=[rec.pk])).status_code == 404
    assert (
        "Hoo Home Care" not in client.get(reverse("performance:recommendations")).content.decode()
    )


def test_a_contract_manager_approves_with_a_reason(pending, client, manager):
    zone, rec = pending
    client.force_login(manager)
    url = reverse("performance:recommendation", args=[rec.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Record decision" in page.content.decode()

    bad = client.post(url, {"decision": "approve", "reason": ""})
    assert bad.status_code == 400
    assert "Enter the reason for your decision" in bad.content.decode()
    missing = client.post(url, {"reason": "x"})
    assert "Choose whether to approve or reject the move" in missing.content.decode()

    done = client.post(url, {"decision": "approve", "reason": "Two months of missed visits"})
    assert done.status_code == 302 and done["Location"] == reverse(
        "performance:zone", args=[zone.pk]
    )
    rec.refresh_from_db()
    assert rec.state == StatusRecommendation.State.APPROVED and rec.decided_by == manager
    current = status.status_on(zone, rec.provider_id, dt.date.today())
    assert current.status == ProviderStatus.Status.SUPPLEMENTARY
    zone_page = client.get(done["Location"]).content.decode()
    assert "is now supplementary provider in Strood" in zone_page
    assert "Two months of missed visits" in zone_page
    # Decided: no form any more, and a second post is refused.
    assert "Record decision" not in client.get(url).content.decode()
    assert client.post(url, {"decision": "reject", "reason": "x"}).status_code == 403


def test_councillors_read_but_cannot_decide_or_record(pending, client, councillor):
    zone, rec = pending
    client.force_login(councillor)
    url = reverse("performance:recommendation", args=[rec.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Record decision" not in page.content.decode()
    assert client.post(url, {"decision": "approve", "reason": "x"}).status_code == 403
    assert (
        client.post(reverse("performance:recommendations"), {"month": "2026-06-01"}).status_code
        == 403
    )
    assert client.post(reverse("performance:quality"), {"action": "audit"}).status_code == 403
    rec.refresh_from_db()
    assert rec.state == StatusRecommendation.State.PENDING


def test_refresh_from_the_page_makes_no_duplicates(pending, signed_in):
    months = [f"{status.add_months(status.month_start(dt.date.today()), -i)}" for i in (1, 2)]
    url = reverse("performance:recommendations")
    before = StatusRecommendation.objects.count()
    response = signed_in.post(url, {"month": months[0]})
    assert response.status_code == 302
    assert StatusRecommendation.objects.count() == before
    assert signed_in.post(url, {"month": "1999-01-01"}).status_code == 400


def test_recording_an_audit_and_a_cqc_rating(pending, signed_in):
    zone, rec = pending
    url = reverse("performance:quality")
    assert signed_in.get(url).status_code == 200
    bad = signed_in.post(
        url,
        {
            "action": "audit",
            "provider": str(rec.provider_id),
            "audited_on-day": "31",
            "audited_on-month": "2",
            "audited_on-year": "2026",
            "score": "150",
        },
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "The audit score must be from 0 to 100" in text
    assert "The date of the audit must be a real date" in text
    ok = signed_in.post(
        url,
        {
            "action": "audit",
            "provider": str(rec.provider_id),
            "audited_on-day": "3",
            "audited_on-month": "3",
            "audited_on-year": "2026",
            "score": "64.5",
            "notes": "Care plans out of date",
        },
    )
    assert ok.status_code == 302
    assert QualityAudit.objects.get(provider=rec.provider).score == 64.5
    location = ProviderLocation.objects.get(organisation=rec.provider)
    rated = signed_in.post(
        url,
        {
            "action": "cqc",
            "location": str(location.pk),
            "rating": "requires_improvement",
            "published_on-day": "10",
            "published_on-month": "4",
            "published_on-year": "2026",
            "source": f"https://www.cqc.org.uk/location/{location.cqc_location_id}",
        },
    )
    assert rated.status_code == 302
    assert CqcRating.objects.filter(location=location, rating="requires_improvement").exists()
    assert "Care plans out of date" in signed_in.get(url).content.decode()
