"""Every pricing page of the demo county, as a commissioner and as a provider, with axe."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tendercare.core.history import history_url
from tendercare.demo import county, people
from tendercare.demo.pricing import NLW_SCENARIO, RLW_SCENARIO
from tendercare.pricing.models import CostSubmission, Scenario, TravelRun
from tests.browser_support import check_accessibility, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_county(db):
    county.build(as_of=dt.date.today())


def visit_all(page, urls):
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        assert page.title().endswith("Tendercare"), url
        check_accessibility(page)


def test_every_pricing_page_is_accessible_and_scoped(page, demo_county):
    nlw = Scenario.objects.get(name=NLW_SCENARIO)
    rlw = Scenario.objects.get(name=RLW_SCENARIO)
    a, b = nlw.versions.order_by("number").first(), rlw.versions.order_by("-number").first()
    run = TravelRun.objects.get()
    carer = run.carers.filter(stops__isnull=False).first()
    annual = CostSubmission.objects.get(source=CostSubmission.Source.ANNUAL_RETURN)
    book = CostSubmission.objects.get(source=CostSubmission.Source.BID)

    sign_in(page, "commissioner", people.DEMO_PASSWORD)
    visit_all(
        page,
        [
            "/pricing/",
            "/pricing/scenarios/new/",
            f"/pricing/scenarios/{nlw.pk}/",
            f"/pricing/scenarios/{nlw.pk}/change/",
            f"/pricing/scenarios/compare/?a={a.pk}&b={b.pk}",
            history_url(nlw),
            "/pricing/travel/",
            "/pricing/travel/new/",
            f"/pricing/travel/{run.pk}/",
            f"/pricing/travel/{run.pk}/carers/{carer.pk}/",
            "/pricing/budget/",
            f"/pricing/budget/?scenario={rlw.pk}",
            "/pricing/budget/import/",
            "/pricing/open-book/",
            "/pricing/open-book/upload/",
            f"/pricing/open-book/{annual.pk}/",
            f"/pricing/open-book/{book.pk}/",
        ],
    )
    # The carer's run is drawn as a map with the same stops in a table beside it.
    page.goto(f"/pricing/travel/{run.pk}/carers/{carer.pk}/")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert page.locator("table tbody tr").count() >= carer.stops.count()
    # The annual return is flagged: travel unpaid and overheads out of range.
    page.goto(f"/pricing/open-book/{annual.pk}/")
    expect(page.get_by_text("travel", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The provider that sent the annual return sees it; nobody else's.
    assert annual.provider.name == "Riverside Home Care Ltd"
    sign_in(page, "provider", people.DEMO_PASSWORD)
    visit_all(page, ["/pricing/open-book/", f"/pricing/open-book/{annual.pk}/"])
    assert page.goto(f"/pricing/open-book/{book.pk}/").status == 404
    assert page.goto(f"/pricing/scenarios/{nlw.pk}/").status == 404
    check_accessibility(page)
