"""Every engagement and scrutiny page on a small but real data set, in a real browser, with axe
on each: a commissioner sees all of them (lists, details, forms, the reach page with its chart,
you said we did, the committee, its meeting, action log, work programme and report drafts); a
councillor reads a sample and finds no button that changes anything; anonymous visitors read
every public page, and get a 404 page for what is not published. Refused forms show an error
summary that passes axe too.

The data set is the access matrix's world (tests/test_access_matrix_engagement_scrutiny.py),
built through the services.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tendercare.core.history import history_url
from tests.browser_support import check_accessibility, sign_in
from tests.factories import PASSWORD
from tests.test_access_matrix_engagement_scrutiny import (
    DROP_IN,
    HIDDEN_REF,
    HOME_REF,
    KENT_REF,
    NEVER_IN_PUBLIC,
    PUBLISHED_CHANGE,
    UNPUBLISHED_CHANGE,
    build_world,
)

pytestmark = pytest.mark.django_db(transaction=True)
POST_BUTTONS = "main form[method=post] button"


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def visit_all(page, urls, *, forbidden=()):
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        assert page.title().endswith("Tendercare"), url
        check_accessibility(page)
        if forbidden:
            body = page.content()
            assert not [s for s in forbidden if s in body], url


def engagement_pages(w) -> list[str]:
    survey, home = w["survey"].pk, w["home"].pk
    return [
        "/engagement/",
        f"/engagement/?programme={home}",
        "/engagement/activities/new/",
        f"/engagement/activities/{survey}/",
        f"/engagement/activities/{w['drop_in'].pk}/",
        f"/engagement/activities/{w['unpublished'].pk}/",
        f"/engagement/activities/{survey}/edit/",
        f"/engagement/activities/{survey}/participation/age_band/",
        f"/engagement/activities/{survey}/survey/",
        f"/engagement/reach/{home}/",
        "/engagement/feedback/",
        f"/engagement/feedback/?programme={home}&theme={w['themes']['continuity'].pk}",
        "/engagement/feedback/new/",
        f"/engagement/feedback/{w['feedback'].pk}/",
        "/engagement/feedback/themes/",
        f"/engagement/feedback/themes/{w['themes']['continuity'].pk}/",
        f"/engagement/feedback/programmes/{home}/",
        f"/engagement/feedback/programmes/{home}/changes/new/",
        f"/engagement/feedback/changes/{w['unpublished_change'].pk}/",
        history_url(w["unpublished_change"]),
        history_url(w["survey"]),
    ]


def scrutiny_pages(w) -> list[str]:
    committee, meeting, home = w["committee"].pk, w["meeting"].pk, w["home"].pk
    return [
        "/scrutiny/",
        "/scrutiny/new/",
        f"/scrutiny/{committee}/",
        f"/scrutiny/{committee}/edit/",
        f"/scrutiny/{committee}/members/new/",
        f"/scrutiny/{committee}/members/{w['member'].pk}/",
        f"/scrutiny/{committee}/meetings/new/",
        f"/scrutiny/{committee}/actions/new/",
        f"/scrutiny/{committee}/work-programme/new/",
        f"/scrutiny/{committee}/work-programme/{w['work_item'].pk}/",
        f"/scrutiny/meetings/{meeting}/",
        f"/scrutiny/meetings/{meeting}/edit/",
        f"/scrutiny/meetings/{meeting}/items/new/",
        f"/scrutiny/meetings/{meeting}/items/{w['item'].pk}/",
        f"/scrutiny/meetings/{meeting}/items/{w['item'].pk}/decisions/new/",
        f"/scrutiny/meetings/{meeting}/declarations/new/",
        "/scrutiny/actions/",
        f"/scrutiny/actions/?committee={committee}&status=overdue",
        f"/scrutiny/actions/{w['action'].pk}/",
        "/scrutiny/reports/",
        f"/scrutiny/reports/programme/{home}/committee_update/",
        f"/scrutiny/reports/programme/{home}/engagement_briefing/",
        f"/scrutiny/reports/{w['published_report'].pk}/",
        history_url(w["committee"]),
        history_url(w["action"]),
    ]


def public_pages(w) -> list[str]:
    return [
        "/public/",
        "/public/engagement/",
        f"/public/engagement/{w['drop_in'].pk}/",
        f"/public/engagement/{w['survey'].pk}/",
        f"/public/engagement/{w['kent_activity'].pk}/",
        f"/public/programmes/{HOME_REF}/",
        f"/public/programmes/{KENT_REF}/",
        "/public/reports/",
        f"/public/reports/{w['published_report'].pk}/",
    ]


def test_every_engagement_and_scrutiny_page_as_a_commissioner(page, world):
    sign_in(page, "commissioner", PASSWORD)
    visit_all(page, engagement_pages(world) + scrutiny_pages(world))

    # The reach page draws its chart, with a table of the same figures and a sentence.
    page.goto(f"/engagement/reach/{world['home'].pk}/")
    chart = page.locator("main figure svg").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] >= 200 and box["height"] >= 80, box
    expect(page.locator("main table caption").first).to_be_visible()

    # You said, we did: the unpublished change is there for the council, marked as such.
    page.goto(f"/engagement/feedback/programmes/{world['home'].pk}/")
    body = page.locator("main").inner_text()
    assert PUBLISHED_CHANGE in body and UNPUBLISHED_CHANGE in body
    assert not page.console_errors, page.console_errors

    # Refused forms show an error summary that passes axe too (answered with the form again;
    # the browser may log a 400, which is expected).
    page.goto("/engagement/activities/new/")
    page.get_by_role("button", name="Record activity").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.goto("/scrutiny/new/")
    page.get_by_role("button", name="Save committee").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.console_errors.clear()


def test_a_councillor_reads_engagement_and_scrutiny_and_changes_nothing(page, world):
    sign_in(page, "councillor", PASSWORD)
    home, committee, meeting = world["home"].pk, world["committee"].pk, world["meeting"].pk
    read_only = [
        f"/engagement/activities/{world['survey'].pk}/",
        f"/engagement/feedback/{world['feedback'].pk}/",
        f"/engagement/feedback/themes/{world['themes']['continuity'].pk}/",
        f"/engagement/feedback/programmes/{home}/",
        f"/scrutiny/{committee}/",
        f"/scrutiny/{committee}/work-programme/{world['work_item'].pk}/",
        f"/scrutiny/meetings/{meeting}/",
        f"/scrutiny/actions/{world['action'].pk}/",
        f"/scrutiny/reports/programme/{home}/committee_update/",
        f"/scrutiny/reports/{world['published_report'].pk}/",
    ]
    visit_all(
        page,
        [
            "/engagement/",
            f"/engagement/reach/{home}/",
            "/engagement/feedback/",
            "/engagement/feedback/themes/",
            "/scrutiny/",
            "/scrutiny/actions/",
            "/scrutiny/reports/",
            *read_only,
        ],
    )
    for url in read_only:
        page.goto(url)
        assert page.locator(POST_BUTTONS).count() == 0, url
    for url in (
        "/engagement/activities/new/",
        f"/engagement/feedback/changes/{world['unpublished_change'].pk}/",
        f"/scrutiny/{committee}/edit/",
        f"/scrutiny/meetings/{meeting}/items/new/",
    ):
        assert page.goto(url).status == 403, url
    check_accessibility(page)
    page.console_errors.clear()  # the 403s above are logged by the browser: expected


def test_every_public_page_anonymously(page, world):
    visit_all(page, public_pages(world), forbidden=NEVER_IN_PUBLIC)
    page.goto("/public/engagement/")
    expect(page.locator("main")).to_contain_text(DROP_IN)

    # Not published: not found, on an accessible page.
    for url in (
        f"/public/engagement/{world['unpublished'].pk}/",
        f"/public/programmes/{HIDDEN_REF}/",
        f"/public/reports/{world['draft_report'].pk}/",
    ):
        assert page.goto(url).status == 404, url
    check_accessibility(page)
    # Everything else asks anonymous visitors to sign in.
    page.goto(f"/engagement/feedback/programmes/{world['home'].pk}/")
    assert "/sign-in/" in page.url, page.url
    page.console_errors.clear()
