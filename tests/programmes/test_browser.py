"""Given/when/then in a real browser, with axe on every page visited (tests/browser/conftest)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tendercare.programmes import services
from tests.browser_support import check_accessibility, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def given_a_programme_with_a_milestone_and_a_risk(commissioner):
    programme = services.programme_create(
        owner=commissioner.organisation, name="Home care from November 2026", by=commissioner
    )
    services.milestone_add(
        programme=programme,
        name="Contract award",
        baseline_date=dt.date(2026, 3, 2),
        by=commissioner,
    )
    services.risk_add(
        programme=programme,
        title="Too few bidders for the rural lot",
        likelihood=4,
        impact=4,
        owner_name="Jo Patel",
        by=commissioner,
    )
    return programme


def when_i_revise_the_milestone(page, name, *, day, month, year, reason):  # noqa: F811
    page.get_by_role("link", name=name).click()
    check_accessibility(page)
    page.get_by_label("Day").first.fill(day)
    page.get_by_label("Month").first.fill(month)
    page.get_by_label("Year").first.fill(year)
    page.get_by_label("Reason for the new date").fill(reason)
    page.get_by_role("button", name="Revise milestone").click()


def test_commissioner_revises_a_milestone(page, commissioner):  # noqa: F811
    programme = given_a_programme_with_a_milestone_and_a_risk(commissioner)
    sign_in(page, "commissioner", PASSWORD)
    page.goto("/programmes/")
    check_accessibility(page)
    page.get_by_role("link", name=programme.name).click()
    check_accessibility(page)

    when_i_revise_the_milestone(page, "Contract award", day="31", month="2", year="2026", reason="")
    summary = page.locator(".govuk-error-summary")
    assert "must be a real date" in summary.inner_text()
    check_accessibility(page)

    page.get_by_label("Day").first.fill("13")
    page.get_by_label("Month").first.fill("4")
    page.get_by_label("Year").first.fill("2026")
    page.get_by_label("Reason for the new date").fill("Six-week delay for NHS England assurance")
    page.get_by_role("button", name="Revise milestone").click()
    expect(page.locator("#revisions")).to_contain_text("Six-week delay for NHS England assurance")
    check_accessibility(page)

    page.goto(f"/programmes/{programme.pk}/")
    table = page.locator("#milestone-table").inner_text()
    assert "2 March 2026" in table and "13 April 2026" in table and "+42" in table
    assert page.get_by_role("img", name="Timeline of Home care from November 2026").count() == 1
    page.get_by_role("link", name="Risks", exact=True).click()
    check_accessibility(page)
    page.get_by_role("link", name="Too few bidders for the rural lot").click()
    check_accessibility(page)
    for section in ("Decisions", "Lessons"):
        page.goto(f"/programmes/{programme.pk}/")
        page.get_by_role("link", name=section, exact=True).click()
        check_accessibility(page)
