"""Test set-up shared by every app: personas, and the switch that decides
whether the real-browser tests can run."""

import os

import pytest

pytest_plugins = ["caremap.testing.personas", "caremap.testing.browser"]


def running_in_ci():
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    # Imported here, not at the top: the plugins above must be imported by
    # pytest first, so that their asserts are rewritten.
    from caremap.testing.browser import chromium_executable

    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items or chromium_executable():
        return
    if running_in_ci():
        raise pytest.UsageError(
            "Chromium is not installed, so the browser tests cannot run. Under CI this is "
            "a failure: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH."
        )
    skip = pytest.mark.skip(
        reason="Chromium is not installed (apt-get install chromium)"
    )
    for item in browser_items:
        item.add_marker(skip)
    config._caremap_browser_skipped = len(browser_items)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = getattr(config, "_caremap_browser_skipped", 0)
    if skipped:
        terminalreporter.write_line(
            f"BROWSER TESTS SKIPPED: {skipped} tests need Chromium, which is not installed. "
            "Install Debian's chromium package to run them.",
            yellow=True,
            bold=True,
        )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_by_default():
    # LocaleMiddleware leaves the last request's language active in the test
    # thread; without this, reverse() in one test could build /cy/ URLs
    # because an earlier test visited a Welsh page.
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
