"""A commissioner changes the pay rate in a pricing scenario and sees the rate move, in a real
browser, with axe on every page."""

import pytest
from playwright.sync_api import expect

from tendercare.pricing import services
from tests.browser_support import check_accessibility, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def given_a_scenario_at_the_national_living_wage(council):
    return services.scenario_create(owner=council, name="Medway home care 2025/26")


def when_i_open_the_scenario(page, name):
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Pricing").click()
    expect(page.get_by_role("heading", name="Pricing scenarios")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def when_i_change_the_pay_rate(page, value, source, reason):
    page.get_by_role("button", name="Change a value").click()
    page.get_by_label("Parameter").select_option("pay_rate")
    page.get_by_label("New value").fill(value)
    page.get_by_label("Source", exact=True).fill(source)
    # Every value has the date of its source (a required GOV.UK date input).
    page.locator("#source_date-day").fill("22")
    page.locator("#source_date-month").fill("10")
    page.locator("#source_date-year").fill("2024")
    page.get_by_label("Reason for the change").fill(reason)
    check_accessibility(page)
    page.get_by_role("button", name="Save new version").click()


def test_commissioner_changes_the_pay_rate_and_sees_the_rate_change(page, commissioner, council):
    given_a_scenario_at_the_national_living_wage(council)
    sign_in(page, "commissioner", PASSWORD)
    when_i_open_the_scenario(page, "Medway home care 2025/26")
    rate = page.locator("#rate strong")
    expect(rate).to_have_text("£32.15")  # HCA 2025/26: 32.14, within 1%
    check_accessibility(page)

    # A bad value is refused with an error summary, and nothing changes.
    when_i_change_the_pay_rate(page, "abc", "Living Wage Foundation", "Real Living Wage")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the new value as a number")
    check_accessibility(page)

    page.get_by_label("New value").fill("12.60")
    page.get_by_role("button", name="Save new version").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Version 2 saved")
    expect(banner).to_contain_text("(it was £32.15)")
    expect(rate).not_to_have_text("£32.15")
    new_rate = rate.inner_text()
    expect(banner).to_contain_text(f"is now {new_rate}")
    expect(page.locator("#build-up-table")).to_contain_text("12.60 an hour x 1 contact hour")
    check_accessibility(page)

    page.get_by_role("link", name="Compare version 2 with version 1").click()
    expect(page.locator("main h2").first).to_contain_text(
        "version 1 compared with Medway home care 2025/26, version 2"
    )
    expect(page.locator("#rate-difference")).to_contain_text(f"{new_rate} in the second")
    expect(page.get_by_text("1 parameter differs")).to_be_visible()
    check_accessibility(page)
    assert not page.console_errors


def test_commissioner_creates_a_scenario_at_the_real_living_wage(page, commissioner, council):
    given_a_scenario_at_the_national_living_wage(council)
    sign_in(page, "commissioner", PASSWORD)
    page.goto("/pricing/")
    page.get_by_role("button", name="Create a scenario").click()
    check_accessibility(page)
    page.get_by_role("button", name="Create scenario").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the scenario")
    check_accessibility(page)

    page.get_by_label("Name").fill("At the Real Living Wage")
    page.get_by_label("The same assumptions at the Real Living Wage").check()
    page.get_by_role("button", name="Create scenario").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("created")
    expect(page.locator("#rate strong")).not_to_have_text("£32.15")
    expect(page.get_by_role("table", name="Parameters of version 1")).to_contain_text(
        "Real Living Wage 2025/26"
    )
    check_accessibility(page)
