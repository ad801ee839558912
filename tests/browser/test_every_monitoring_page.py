"""Every monitoring page on a small but real data set, in a real browser, with axe on each: a
commissioner sees all of them; the provider concerned sees its own visits, KPIs and statement
and gets 404 for another provider's. The SPC chart of a KPI is really drawn: a screenshot of
it is not blank, and it has one marker per row of the table beside it.

The data set is the access matrix's world (tests/test_access_matrix_performance.py), built
through the services: a visit file of eight months imported, KPIs computed, a punctuality
schedule, payment terms, a statement with a dispute, quality scores and a recommendation.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tendercare.core.history import history_url
from tendercare.performance.models import KpiResult
from tests.browser_support import check_accessibility, sign_in
from tests.factories import PASSWORD
from tests.test_access_matrix_performance import MONTHS, build_world

pytestmark = pytest.mark.django_db(transaction=True)
POST_BUTTONS = "main form[method=post] button"


@pytest.fixture
def world(transactional_db):
    return build_world()


def visit_all(page, urls):
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        assert page.title().endswith("Tendercare"), url
        check_accessibility(page)


def kpi_url(code, provider, zone) -> str:
    return f"/performance/kpis/{code}/{provider.pk}/{zone.pk}/"


def commissioner_pages(world) -> list[str]:
    north, south = world["zones"]["north"], world["zones"]["south"]
    alpha, bravo = world["orgs"]["alpha"], world["orgs"]["bravo"]
    contract, statement = world["contracts"]["alpha"], world["statement"]
    imported, result = world["import"], world["result"]
    return [
        "/performance/",
        f"/performance/status/zones/{north.pk}/",
        f"/performance/status/zones/{south.pk}/",
        "/performance/status/recommendations/",
        f"/performance/status/recommendations/{world['recommendation'].pk}/",
        history_url(world["recommendation"]),
        "/performance/status/quality/",
        "/performance/visits/",
        f"/performance/visits/?month=2026-08&zone={north.pk}&provider={alpha.pk}",
        "/performance/visits/imports/",
        "/performance/visits/imports/new/",
        f"/performance/visits/imports/{imported.pk}/",
        f"/performance/visits/imports/{imported.pk}/withdraw/",
        "/performance/kpis/",
        f"/performance/kpis/?kpi=punctuality&provider={alpha.pk}&month=2026-08",
        "/performance/kpis/returns/",
        f"/performance/kpis/schedule/{contract.pk}/",
        kpi_url("punctuality", alpha, north),
        kpi_url("missed", bravo, south),
        f"/performance/kpis/results/{result.pk}/visits/",
        f"/performance/kpis/punctuality/contract/{contract.pk}/",
        "/performance/payments/",
        f"/performance/payments/{statement.pk}/",
        history_url(statement),
        history_url(world["dispute"]),
        f"/performance/payments/terms/{contract.pk}/",
    ]


def provider_pages(world) -> list[str]:
    north, alpha = world["zones"]["north"], world["orgs"]["alpha"]
    return [
        "/performance/",
        "/performance/visits/",
        "/performance/kpis/",
        "/performance/kpis/returns/",
        kpi_url("punctuality", alpha, north),
        f"/performance/kpis/results/{world['result'].pk}/visits/",
        f"/performance/kpis/schedule/{world['contracts']['alpha'].pk}/",
        f"/performance/kpis/punctuality/contract/{world['contracts']['alpha'].pk}/",
        "/performance/payments/",
        f"/performance/payments/{world['statement'].pk}/",
        history_url(world["statement"]),
    ]


def assert_the_spc_chart_is_drawn(page, months: int) -> None:
    """The chart has a real size, is not one colour, and has a marker per row of its table."""
    chart = page.locator("svg#spc-chart")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 150, box
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height)
    background = max(colours)[0]
    drawn = image.width * image.height - background
    assert len(colours) > 5, "the chart is (almost) one colour"
    assert drawn > image.width * image.height * 0.02, "the chart is nearly blank"
    markers = chart.locator("g.tc-spc__point")
    rows = page.locator(".tc-spc table tbody tr")
    assert markers.count() == rows.count() == months
    # Each marker's tooltip names the month of the table row in the same place.
    for index in range(months):
        label = rows.nth(index).locator("th").inner_text()
        assert markers.nth(index).locator("title").text_content().startswith(f"{label}:")


def test_every_monitoring_page_as_a_commissioner(page, world):
    sign_in(page, "commissioner", PASSWORD)
    visit_all(page, commissioner_pages(world))

    alpha, north = world["orgs"]["alpha"], world["zones"]["north"]
    page.goto(kpi_url("punctuality", alpha, north))
    assert_the_spc_chart_is_drawn(page, len(MONTHS))
    # The worsening summer shows as a signal in the table and on the chart.
    expect(page.locator(".tc-spc table")).to_contain_text("Special cause")

    # The zone's quality scores are drawn as charts beside their table.
    page.goto(f"/performance/status/zones/{north.pk}/")
    expect(page.locator("svg[role=img]").first).to_be_visible()

    # The pending recommendation is the one the data calls for.
    page.goto("/performance/")
    expect(page.get_by_text("1 waiting for a decision")).to_be_visible()
    assert not page.console_errors, page.console_errors

    # Refused forms show an error summary that passes axe too (answered 400: the browser logs
    # it, which is expected).
    page.goto(f"/performance/kpis/schedule/{world['contracts']['alpha'].pk}/")
    assert page.locator(POST_BUTTONS).count() >= 1  # what the councillor must not have
    page.get_by_role("button", name="Save KPI").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.goto("/performance/kpis/returns/")
    page.get_by_role("button", name="Save return").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.goto(f"/performance/payments/{world['statement'].pk}/")
    page.get_by_role("button", name="Resolve dispute").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.console_errors.clear()


def test_a_councillor_reads_every_monitoring_page_and_changes_nothing(page, world):
    sign_in(page, "councillor", PASSWORD)
    north, contract = world["zones"]["north"], world["contracts"]["alpha"]
    visit_all(
        page,
        [
            "/performance/",
            f"/performance/status/zones/{north.pk}/",
            "/performance/status/recommendations/",
            f"/performance/status/recommendations/{world['recommendation'].pk}/",
            "/performance/status/quality/",
            "/performance/visits/",
            "/performance/visits/imports/",
            f"/performance/visits/imports/{world['import'].pk}/",
            "/performance/kpis/",
            kpi_url("punctuality", world["orgs"]["alpha"], north),
            f"/performance/kpis/punctuality/contract/{contract.pk}/",
            f"/performance/kpis/schedule/{contract.pk}/",
            "/performance/kpis/returns/",
            "/performance/payments/",
            f"/performance/payments/{world['statement'].pk}/",
            f"/performance/payments/terms/{contract.pk}/",
        ],
    )
    for url in (
        f"/performance/status/recommendations/{world['recommendation'].pk}/",
        f"/performance/kpis/schedule/{contract.pk}/",
        f"/performance/payments/{world['statement'].pk}/",
        f"/performance/payments/terms/{contract.pk}/",
        "/performance/kpis/returns/",
    ):
        page.goto(url)
        assert page.locator(POST_BUTTONS).count() == 0, url


def test_the_provider_sees_only_its_own_monitoring_pages(page, world):
    sign_in(page, "alpha", PASSWORD)
    visit_all(page, provider_pages(world))
    alpha, north = world["orgs"]["alpha"], world["zones"]["north"]
    page.goto(kpi_url("punctuality", alpha, north))
    assert_the_spc_chart_is_drawn(page, len(MONTHS))

    page.goto("/performance/visits/")
    body = page.locator("main").inner_text()
    assert "ALPHAVISIT" in body and "BRAVOVISIT" not in body and "Bravo" not in body

    bravo, south = world["orgs"]["bravo"], world["zones"]["south"]
    bravo_result = KpiResult.objects.filter(provider=bravo, zone=south).first()
    for url in (
        kpi_url("punctuality", bravo, south),
        f"/performance/kpis/results/{bravo_result.pk}/visits/",
        f"/performance/kpis/schedule/{world['contracts']['bravo'].pk}/",
        f"/performance/status/zones/{north.pk}/",
        f"/performance/visits/imports/{world['import'].pk}/",
    ):
        assert page.goto(url).status == 404, url
    check_accessibility(page)
    page.console_errors.clear()  # the 404s above are logged by the browser: expected
