# ruff: noqa: F811 - fixtures imported from report_fixtures
"""In a browser, with axe on every page: a commissioner reads the draft committee update and
publishes it; the public reads it, the activities and "you said, we did" without signing in."""

import pytest

from tendercare.engagement.models import Activity
from tests.browser_support import check_accessibility, sign_in
from tests.factories import PASSWORD

from .report_fixtures import _media, full_programme  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_commissioner_publishes_and_the_public_reads(page, commissioner, full_programme):
    sign_in(page, commissioner.username, PASSWORD)
    page.goto("/scrutiny/reports/")
    check_accessibility(page)
    page.goto(f"/scrutiny/reports/programme/{full_programme.pk}/committee_update/?as_of=2026-06-30")
    check_accessibility(page)
    assert page.get_by_role("heading", name="3. Milestones").is_visible()
    page.goto(
        f"/scrutiny/reports/programme/{full_programme.pk}/engagement_briefing/?as_of=2026-06-30"
    )
    check_accessibility(page)
    page.goto(f"/scrutiny/reports/programme/{full_programme.pk}/committee_update/?as_of=2026-06-30")
    page.get_by_role("button", name="Publish this report").click()
    page.wait_for_url(lambda url: "/programme/" not in url)
    check_accessibility(page)
    assert "Published" in page.content()
    report_url = page.url.replace("/scrutiny/reports/", "/public/reports/")

    page.context.clear_cookies()
    for url in [
        "/public/",
        "/public/engagement/",
        f"/public/engagement/{Activity.objects.filter(published=True).first().pk}/",
        "/public/programmes/MED-HC-2026/",
        "/public/reports/",
        report_url,
    ]:
        page.goto(url)
        check_accessibility(page)
        assert "Sign out" not in page.content()
    assert page.get_by_role("heading", name="5. Engagement reach").is_visible()
