"""Helpers for the real-browser tests: where Chromium is, how to launch it,
and an accessibility check with axe-core.

Debian's Chromium is used (Playwright's own download is never needed). The
root conftest.py uses `chromium_executable()` to decide whether browser tests
are skipped (or, under CI, refused).

The app's Content-Security-Policy forbids inline scripts, so axe is injected
with `page.evaluate`, which runs through the DevTools protocol and is not
subject to the page's CSP.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from caremap.testing.personas import PASSWORD

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# WCAG 2.2 AA, as the accessibility statement promises.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_22_AA},
    "resultTypes": ["violations"],
}

_axe = Axe()


def chromium_executable():
    """The Chromium binary to drive, or None when there is none."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.path.exists(configured) else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_chromium(playwright):
    return playwright.chromium.launch(
        executable_path=chromium_executable(),
        headless=True,
        args=LAUNCH_ARGS,
    )


def axe_violations(page):
    """Run axe on the page as it is now and return its results."""
    return _axe.run(page, options=AXE_OPTIONS)


def assert_accessible(page, where=""):
    """Fail, with axe's report, if the page has any WCAG 2.2 AA violation."""
    results = axe_violations(page)
    if results.violations_count:
        report = results.generate_report()
        print(f"axe violations on {where or page.url}:\n{report}")  # noqa: T201
        raise AssertionError(
            f"{results.violations_count} axe violation(s) on {where or page.url}:\n"
            f"{results.generate_snapshot()}\n\n{report}"
        )
    return results


PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def new_page(browser, *, phone=False, javascript=True):
    """A page in a fresh context: a desktop, or a 360px phone; with or
    without JavaScript (every page must work without it)."""
    options = {"viewport": PHONE if phone else DESKTOP, "locale": "en-GB"}
    if phone:
        options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
    context = browser.new_context(java_script_enabled=javascript, **options)
    context.set_default_timeout(10_000)
    return context.new_page()


def settle(page, *, javascript=True):
    """Wait until the page has loaded and, when scripts run, GOV.UK
    Frontend has set it up."""
    page.wait_for_load_state("load")
    if javascript:
        page.wait_for_selector("body.govuk-frontend-supported", state="attached")


# The innermost elements whose right edge passes the screen's, named.
STICKING_OUT = """(width) => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > width + 1)
    .filter((e) => ![...e.children].some(
        (c) => c.getBoundingClientRect().right > width + 1))
    .slice(0, 5)
    .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}`
        + `.${[...e.classList].join('.')}`
        + ` (right edge ${Math.round(e.getBoundingClientRect().right)})`)"""


def assert_fits_a_phone(page, where):
    """Fail if the page does not fit a 360px screen, naming what sticks out.

    Two ways to not fit: the page scrolls sideways, or (what a phone browser
    may do instead) it widens the layout to the content, so innerWidth grows
    past the screen's 360px and nothing seems to scroll."""
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " inner: window.innerWidth})"
    )
    fits = sizes["inner"] == PHONE["width"] and sizes["scroll"] <= sizes["inner"]
    if not fits:
        wide = page.evaluate(STICKING_OUT, PHONE["width"])
        raise AssertionError(
            f"{where} does not fit a 360px screen: {sizes}; sticking out: {wide}"
        )


@pytest.fixture(scope="module")
def browser():
    """One Chromium for a test module. Module scope, not session: see
    caremap/tests/test_browser.py."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def sign_in(page, live_server, email, *, javascript=True):
    """Sign in through the real form and land on the home page."""
    page.goto(f"{live_server.url}/en/account/sign-in/")
    settle(page, javascript=javascript)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/en/")


def check_on_a_phone(page, where):
    """Settle, then the page must fit a 360px screen and pass axe."""
    settle(page)
    assert_fits_a_phone(page, where)
    assert_accessible(page, where)


class Screens:
    """Counts the pages a journey goes through after it starts, to hold it
    to a number of screens."""

    def __init__(self, page):
        self.count = 0
        self.page = page
        page.on("framenavigated", self._count)

    def _count(self, frame):
        if frame == self.page.main_frame:
            self.count += 1
