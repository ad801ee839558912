"""A contract manager approves a recommended status change and sees it in the zone's history,
in a real browser, with axe on every page."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tendercare.organisations.models import ProviderLocation, Role
from tendercare.performance import status
from tendercare.performance.models import KpiDefinition, KpiResult
from tests.browser_support import check_accessibility, sign_in
from tests.factories import PASSWORD, ProviderOrgFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

MONTHS = [dt.date(2026, m, 1) for m in range(1, 7)]


def given_a_zone_whose_prime_provider_has_worsened(council):
    hoo = ProviderOrgFactory(name="Hoo Home Care Ltd")
    strood = ProviderOrgFactory(name="Strood Care Ltd")
    zone = status.zone_create(owner=council, name="Strood and Peninsula")
    for org, kind in ((hoo, "prime"), (strood, "supplementary")):
        status.provider_status_open(
            zone=zone, provider=org, status=kind, since=dt.date(2025, 4, 1), reason="Award"
        )
        location = ProviderLocation.objects.create(
            organisation=org, cqc_location_id=f"1-{org.pk:09d}", name=f"{org.name} office"
        )
        status.cqc_rating_record(
            location=location,
            rating="good",
            published_on=dt.date(2025, 4, 1),
            source=status.cqc_location_url(location),
        )
    punctuality = KpiDefinition.objects.get(code="punctuality")
    for index, month in enumerate(MONTHS):
        for org, value in ((hoo, 95 if index < 3 else 50), (strood, 96)):
            KpiResult.objects.create(
                kpi=punctuality,
                provider=org,
                zone=zone,
                month=month,
                numerator=Decimal(value),
                denominator=Decimal(100),
                value=Decimal(value),
            )
    status.recommendations_refresh(owner=council, month=MONTHS[-1])
    return zone


def when_i_open_the_pending_recommendation(page):
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Monitoring").click()
    expect(page.get_by_role("heading", name="Monitoring delivery")).to_be_visible()
    expect(page.get_by_text("2 recommendations waiting for a decision")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Status recommendations").click()
    expect(page.get_by_role("heading", name="Status recommendations", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Hoo Home Care Ltd in Strood and Peninsula").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hoo Home Care Ltd: prime provider to supplementary provider"
    )
    expect(page.get_by_text("below 60 for 2 months in a row")).to_be_visible()
    check_accessibility(page)


def when_i_approve_it(page, reason):
    page.get_by_label("Approve: Hoo Home Care Ltd becomes supplementary provider today").check()
    page.get_by_label("Reason for your decision").fill(reason)
    page.get_by_role("button", name="Record decision").click()


def then_the_zone_shows_the_new_status_in_its_history(page, reason):
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(
        "Approved: Hoo Home Care Ltd is now supplementary provider in Strood and Peninsula"
    )
    expect(page.get_by_role("heading", name="Strood and Peninsula", level=1)).to_be_visible()
    history = page.locator("#status-history")
    current = (
        history.get_by_role("row").filter(has_text="Current").filter(has_text="Hoo Home Care Ltd")
    )
    expect(current).to_contain_text("Supplementary provider")
    expect(current).to_contain_text(reason)
    ended = (
        history.get_by_role("row")
        .filter(has_text="Prime provider")
        .filter(has_text="Hoo Home Care Ltd")
    )
    expect(ended).not_to_contain_text("Current")
    # Brokerage now offers packages to Strood first.
    expect(page.locator("#offer-order tbody tr").first).to_contain_text("Strood Care Ltd")
    check_accessibility(page)


def test_contract_manager_approves_a_status_change(page, council):
    given_a_zone_whose_prime_provider_has_worsened(council)
    UserFactory(username="contracts", role=Role.CONTRACT_MANAGER, organisation=council)
    sign_in(page, "contracts", PASSWORD)
    when_i_open_the_pending_recommendation(page)

    # Without a reason nothing changes: an error summary says what to do.
    page.get_by_label("Approve: Hoo Home Care Ltd becomes supplementary provider today").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reason for your decision"
    )
    check_accessibility(page)
    # The refused form is answered with 400 Bad Request, which the browser logs: expected.
    page.console_errors.clear()

    reason = "Punctuality red for three months; the improvement plan was not met"
    when_i_approve_it(page, reason)
    then_the_zone_shows_the_new_status_in_its_history(page, reason)

    page.goto("/performance/status/quality/")
    expect(page.get_by_role("heading", name="Quality audits and CQC ratings")).to_be_visible()
    check_accessibility(page)
    assert not page.console_errors
