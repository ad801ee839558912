"""Browser tests: Debian's chromium driven by the Python playwright package.

The fixtures are made available to every test by tests/conftest.py; import the steps
(check_accessibility, sign_in) from here.

Every page a test visits is checked with axe (WCAG 2.2 AA tags); serious or critical
violations fail the test.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# ordinary synchronous code, so Django's async guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("TENDERCARE_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the test inject axe; the pages themselves are served with CSP on.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    yield page
    context.close()


def check_accessibility(page) -> None:
    """Run axe on the current page; fail on serious or critical violations.

    A click that starts a navigation can return before the next document exists, so
    this waits for a loaded document and tries again if the page moves underneath it.
    """
    result = None
    for attempt in range(4):
        page.wait_for_load_state("load")
        try:
            page.wait_for_function("document.readyState === 'complete' && document.head !== null")
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
            )
            break
        except PlaywrightError as error:
            if attempt == 3 or not _navigation_race(error):
                raise
    assert result is not None
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in bad
    )
    assert not bad, f"Accessibility violations on {page.url}:\n{details}"


def _navigation_race(error: Exception) -> bool:
    """True when axe was injected into a document that was being replaced."""
    text = str(error)
    return "Cannot read properties of null" in text or "Execution context was destroyed" in text


def sign_in(page, username: str, password: str) -> None:
    page.goto("/sign-in/")
    check_accessibility(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)
