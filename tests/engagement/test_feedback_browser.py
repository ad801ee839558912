"""Given/when/then in a real browser, with axe on every page visited: a commissioner confirms
suggested themes and records what changed; the programme's you-said-we-did page shows it."""

import pytest

from tendercare.engagement.models import Change
from tests.browser_support import check_accessibility, sign_in
from tests.factories import PASSWORD

from .test_feedback_support import *  # noqa: F403 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def when_i_confirm_the_suggested_themes(page):
    page.goto("/engagement/feedback/")
    check_accessibility(page)
    assert "mentions “carers”" in page.locator("main").inner_text()
    page.get_by_role("button", name="Confirm themes").first.click()
    check_accessibility(page)


def when_i_record_a_change(page, programme, requirement_label):
    page.goto(f"/engagement/feedback/programmes/{programme.pk}/")
    check_accessibility(page)
    page.get_by_role("button", name="Record a change").click()
    check_accessibility(page)
    page.get_by_label("You said").fill("Visits are often late")
    page.get_by_label("We did").fill("Visits within 30 minutes of the time agreed")
    page.get_by_role("button", name="Record change").click()
    summary = page.locator(".govuk-error-summary")
    assert "Say what changed" in summary.inner_text()
    check_accessibility(page)
    page.get_by_label("Requirement in a service specification").select_option(
        label=requirement_label
    )
    page.get_by_label("Theme", exact=True).select_option(label="Timeliness")
    page.get_by_label("My carers are kind", exact=False).check()
    page.get_by_role("button", name="Record change").click()


def test_commissioner_links_feedback_to_what_changed(
    page, commissioner, programme, item, timeliness, staff, requirement
):
    sign_in(page, "commissioner", PASSWORD)
    when_i_confirm_the_suggested_themes(page)
    item.refresh_from_db()
    assert set(item.themes.all()) == {timeliness, staff}

    when_i_record_a_change(page, programme, "MED-HC-1: R1 Visit times")
    check_accessibility(page)
    change = Change.objects.get()
    assert change.requirement == requirement and list(change.feedback.all()) == [item]
    main = page.locator("main").inner_text()
    assert "Visits within 30 minutes" in main and "MED-HC-1: R1 Visit times" in main
    page.get_by_text("What people said (1 feedback item)").click()
    check_accessibility(page)
