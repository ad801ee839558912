"""Budget impact and open book in a real browser, with axe on every page: a commissioner costs
a pay rise; a provider uploads a bad file, then a good one; the commissioner reads the flags."""

import pytest
from playwright.sync_api import expect

from tendercare.pricing import services
from tendercare.pricing.models import CommissionedHours
from tests.browser_support import check_accessibility, sign_in
from tests.factories import PASSWORD
from tests.pricing.book_helpers import bid_with_prices, csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def given_hours_and_a_scenario(council):
    services.scenario_create(owner=council, name="Medway home care 2025/26")
    for zone, band, hours, spend in (
        ("North", "urban", 1000, 29000),
        ("South", "rural", 300, 10500),
    ):
        CommissionedHours.objects.create(
            owner=council, year=2025, zone=zone, band=band, hours=hours, current_spend=spend
        )


def test_commissioner_costs_a_pay_rise(page, commissioner, council):
    given_hours_and_a_scenario(council)
    sign_in(page, "commissioner", PASSWORD)
    page.goto("/pricing/budget/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget impact 2025/26")
    expect(page.locator("svg.tc-chart")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Parameter").select_option("pay_rate")
    page.get_by_label("New value").fill("abc")
    page.get_by_role("button", name="Cost the change").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("New value").fill("12.60")
    page.get_by_role("button", name="Cost the change").click()
    expect(page.locator("#what-if-result")).to_contain_text("Care worker pay rate from 12.21")
    check_accessibility(page)
    page.goto("/pricing/budget/import/")
    check_accessibility(page)


def test_provider_uploads_and_commissioner_reads_the_flags(
    page, browser, live_server, provider_user, provider_org, commissioner, council, tmp_path
):
    services.scenario_create(owner=council, name="Medway home care 2025/26")
    bid = bid_with_prices(council, provider_org, prices={"urban": "25.00"})
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["band", "item", "value"], ["", "pay_rate", "lots"]]))
    good = tmp_path / "good.csv"
    good.write_bytes(
        csv_bytes([["band", "item", "value"], ["", "pay_rate", "11.00"], ["", "travel_paid", "0"]])
    )
    sign_in(page, "provider", PASSWORD)
    page.goto("/pricing/open-book/upload/")
    check_accessibility(page)
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_label("Commissioner").select_option(str(council.pk))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Row 2, column value")
    check_accessibility(page)
    page.get_by_label("File").set_input_files(str(good))
    page.get_by_label("Where the costs come from").select_option("bid")
    page.get_by_label("Commissioner").select_option(str(council.pk))
    page.get_by_label("Bid (optional)").select_option(str(bid.pk))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#flags")).to_contain_text("Pay below the legal minimum")
    check_accessibility(page)
    url = page.url

    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    staff = context.new_page()
    sign_in(staff, "commissioner", PASSWORD)
    staff.goto("/pricing/open-book/")
    check_accessibility(staff)
    staff.goto(url)
    expect(staff.locator("#flags")).to_contain_text("Abnormally low price")
    expect(staff.locator("#flags")).to_contain_text("Travel time unpaid")
    check_accessibility(staff)
    context.close()
