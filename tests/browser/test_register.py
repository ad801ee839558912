"""A commissioner uses the contract register and imports a file, in a real browser."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tendercare.contracts import services
from tendercare.contracts.models import Contract
from tests.browser_support import check_accessibility, sign_in
from tests.factories import PASSWORD, ProviderOrgFactory

pytestmark = pytest.mark.django_db(transaction=True)


def given_a_register(council):
    service, _ = services.service_line_get_or_create(name="Home care", group="home_care")
    today = dt.date.today()
    for number, (years_left, value) in enumerate([(1, 250_000), (4, 90_000), (3, 400_000)]):
        services.contract_create(
            reference=f"MED-{number:03d}",
            title=f"Home care zone {number}",
            provider=ProviderOrgFactory(name=f"Zone {number} Care Ltd"),
            service=service,
            annual_value=Decimal(value),
            start_date=today.replace(year=today.year - 6),
            end_date=today.replace(year=today.year + years_left),
            procurement_route="rollover",
            shares=[(council, Decimal(100))],
        )


def test_commissioner_filters_sorts_and_varies_a_contract(page, commissioner, council):
    given_a_register(council)
    sign_in(page, "commissioner", PASSWORD)
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Contracts").click()
    check_accessibility(page)
    expect(page.locator("table tbody tr")).to_have_count(3)

    page.get_by_label("Warning").select_option("ending_soon")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody")).to_contain_text("MED-000")
    check_accessibility(page)

    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("table tbody tr")).to_have_count(3)
    page.get_by_role("link", name="Annual value").click()
    page.wait_for_url("**sort=annual_value**")
    expect(page.locator("table tbody tr").first).to_contain_text("MED-001")  # smallest first
    check_accessibility(page)

    page.get_by_role("link", name="MED-002").click()
    check_accessibility(page)
    page.get_by_role("link", name="Record a variation").click()
    check_accessibility(page)
    page.get_by_role("button", name="Record variation").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)


def test_procurement_lead_imports_a_file_and_sees_every_error(
    page, commissioner, council, tmp_path
):
    header = (
        "reference,title,commissioner,provider,service,annual_value_gbp,start_date,end_date,"
        "extension_months,procurement_route,status\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        header
        + "IMP-1,Reablement,Medway Council,Able Care Ltd,Reablement,abc,2024-04-01,2027-03-31,"
        "0,open,active\n"
        + "IMP-2,Befriending,Medway Council,Kind Visits CIC,Befriending,50000,31/02/2024,"
        "2027-03-31,0,open,active\n"
    )
    sign_in(page, "commissioner", PASSWORD)
    page.goto("/contracts/import/")
    check_accessibility(page)
    page.get_by_label("File to import").set_input_files(str(bad))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Row 2" in summary and "annual_value_gbp" in summary
    assert "Row 3" in summary and "start_date" in summary
    assert Contract.objects.count() == 0
    check_accessibility(page)

    good = tmp_path / "good.csv"
    good.write_text(
        header + "IMP-1,Reablement,Medway Council,Able Care Ltd,Reablement,120000,2024-04-01,"
        "2027-03-31,12,open,active\n"
        + "IMP-2,Befriending,Medway Council,Kind Visits CIC,Befriending,50000,01/04/2024,"
        "31/03/2027,0,grant,active\n"
    )
    page.get_by_label("File to import").set_input_files(str(good))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("main")).to_contain_text("Able Care Ltd")
    assert Contract.objects.count() == 2
    check_accessibility(page)
