import pytest

from tests.browser_support import check_accessibility, sign_in
from tests.factories import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_commissioner_signs_in_and_sees_sections(page, commissioner):
    sign_in(page, "commissioner", PASSWORD)
    assert page.get_by_role("heading", name="Tendercare", exact=True, level=1).is_visible()
    nav = page.get_by_role("navigation", name="Sections")
    assert nav.get_by_role("link", name="Organisations").count() == 1
    check_accessibility(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")


@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_error_summary(page, commissioner):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("commissioner")
    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a correct username and password" in summary.inner_text()
    check_accessibility(page)
