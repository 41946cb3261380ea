"""Journeys through a real Chromium: signing in, finding a person, errors,
Welsh, and a narrow phone screen, each page checked with axe for WCAG 2.2 AA.

Skipped when Chromium is not installed, and refused under CI (see conftest.py).
"""

import datetime
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from caremap.testing.browser import (
    assert_accessible,
    assert_fits_a_phone,
    axe_violations,
    launch_chromium,
    new_page,
    settle,
)
from caremap.testing.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Module scope, not session: Playwright's sync API keeps an event loop running
# in the test thread while it is started, which would break any later test in
# the session that uses asyncio.run() or async_to_sync().
@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def phone_page(browser):
    page = new_page(browser, phone=True)
    yield page
    page.context.close()


def sign_in(page, live_server, email, *, check=assert_accessible):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/en/account/sign-in/"))
    settle(page)
    check(page, "the sign-in page")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/en/")
    settle(page)


def test_the_phone_check_catches_content_too_wide(live_server, phone_page):
    """Guards every phone test: content wider than the screen must fail
    assert_fits_a_phone, whether the browser scrolls or widens the page."""
    phone_page.goto(f"{live_server.url}/en/account/sign-in/")
    settle(phone_page)
    assert_fits_a_phone(phone_page, "the sign-in page")
    phone_page.evaluate(
        "() => document.querySelector('main').append(Object.assign("
        "document.createElement('div'),"
        " {id: 'too-wide', style: 'width: 600px', textContent: 'Wide'}))"
    )
    with pytest.raises(AssertionError, match="div#too-wide"):
        assert_fits_a_phone(phone_page, "the sign-in page with a wide box")


def test_axe_runs_under_the_content_security_policy(live_server, page):
    """Guards the other tests: axe must really run on the app's pages (whose
    CSP forbids inline scripts), or "no violations" would mean nothing."""
    response = page.goto(f"{live_server.url}/en/account/sign-in/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    settle(page)
    page.evaluate(
        "() => document.querySelector('main').append(Object.assign("
        "document.createElement('img'), {src: 'data:image/gif;base64,R0lGODlhAQABAAAAACw='}))"
    )
    results = axe_violations(page)
    assert results.response["testEngine"]["name"] == "axe-core"
    assert "image-alt" in {
        violation["id"] for violation in results.response["violations"]
    }


def test_navigator_signs_in_and_finds_a_person(world, live_server, page):
    sign_in(page, live_server, world.alice.email)
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()
    assert_accessible(page, "home")

    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="People"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/en/people/")
    settle(page)
    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    assert_accessible(page, "the people list")

    page.get_by_role("link", name="Sam Jones").click()
    expect(page).to_have_url(f"{live_server.url}/en/people/{world.alices_person.pk}/")
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Jones")
    assert_accessible(page, "the person page")


def test_pages_work_on_a_narrow_phone_screen(world, live_server, phone_page):
    page = phone_page

    def check(page, where):
        assert_fits_a_phone(page, where)
        assert_accessible(page, f"{where} at 360px")

    sign_in(page, live_server, world.alice.email, check=check)
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()
    check(page, "home")

    menu = page.get_by_role("navigation", name="Menu")
    people_link = menu.get_by_role("link", name="People")
    toggle = menu.get_by_role("button", name="Menu")
    if toggle.is_visible():
        expect(people_link).to_be_hidden()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(people_link).to_be_visible()
    people_link.click()
    expect(page).to_have_url(f"{live_server.url}/en/people/")
    settle(page)
    check(page, "the people list")

    page.get_by_role("link", name="Sam Jones").click()
    expect(page).to_have_url(f"{live_server.url}/en/people/{world.alices_person.pk}/")
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Jones")
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    check(page, "the person page")


def test_empty_sign_in_shows_a_focused_error_summary(world, live_server, page):
    page.goto(f"{live_server.url}/en/account/sign-in/")
    settle(page)
    page.get_by_role("button", name="Sign in").click()
    settle(page)

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter your email address")
    expect(summary).to_contain_text("Enter your password")
    page.wait_for_function(
        "() => !!document.activeElement?.closest('.govuk-error-summary')", timeout=5_000
    )
    # Focus stays there (the email box's autofocus must not take it back).
    page.wait_for_timeout(200)
    expect(summary).to_be_focused()
    assert page.title().startswith("Error:"), page.title()
    # The summary's links take the user to each field.
    summary.get_by_role("link", name="Enter your email address").click()
    expect(page.get_by_label("Email address")).to_be_focused()
    assert_accessible(page, "the sign-in page with errors")


def test_switching_to_welsh_keeps_the_user_signed_in(world, live_server, page):
    sign_in(page, live_server, world.alice.email, check=lambda *args: None)
    page.goto(f"{live_server.url}/en/people/")
    settle(page)
    names = page.locator("table tbody tr td:first-child a").all_inner_texts()
    assert "Sam Jones" in names

    page.get_by_role("link", name=re.compile(r"^Cymraeg")).click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/cy/"))
    settle(page)
    assert page.url.startswith(f"{live_server.url}/cy/people/"), page.url
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert page.locator("table tbody tr td:first-child a").all_inner_texts() == names
    # And back again.
    expect(page.get_by_role("link", name=re.compile(r"^English"))).to_be_visible()


def enter_person_with_future_birthday(page, live_server, email):
    sign_in(page, live_server, email, check=lambda *args: None)
    page.goto(f"{live_server.url}/en/people/new/")
    settle(page)
    next_year = str(datetime.date.today().year + 1)
    page.get_by_label("First name", exact=True).fill("Tegan")
    page.get_by_label("Last name", exact=True).fill("Rees")
    page.get_by_label("Service reference number").fill("R-900")
    date = page.get_by_role("group", name="Date of birth")
    date.get_by_label("Day").fill("27")
    date.get_by_label("Month").fill("3")
    date.get_by_label("Year").fill(next_year)
    page.get_by_role("button", name="Add this person").click()
    settle(page)
    return next_year


FUTURE_BIRTHDAY = "Date of birth must be today or in the past"


def test_add_person_with_a_future_date_of_birth(world, live_server, page):
    next_year = enter_person_with_future_birthday(page, live_server, world.alice.email)

    assert page.title().startswith("Error:"), page.title()
    expect(page.locator(".govuk-error-summary")).to_contain_text(FUTURE_BIRTHDAY)
    date = page.get_by_role("group", name="Date of birth")
    group = page.locator(".govuk-form-group--error").filter(has=date)
    expect(group).to_have_count(1)
    expect(group.locator(".govuk-error-message")).to_contain_text(FUTURE_BIRTHDAY)
    expect(date).to_have_attribute("aria-describedby", re.compile(r"_error\b"))
    expect(date).to_have_accessible_description(re.compile(FUTURE_BIRTHDAY))

    expect(page.get_by_label("First name", exact=True)).to_have_value("Tegan")
    expect(page.get_by_label("Last name", exact=True)).to_have_value("Rees")
    expect(page.get_by_label("Service reference number")).to_have_value("R-900")
    expect(date.get_by_label("Day")).to_have_value("27")
    expect(date.get_by_label("Month")).to_have_value("3")
    expect(date.get_by_label("Year")).to_have_value(next_year)
    assert_accessible(page, "the add-person page with errors")


def test_error_summary_link_moves_focus_to_the_date(world, live_server, page):
    enter_person_with_future_birthday(page, live_server, world.alice.email)
    page.locator(".govuk-error-summary").get_by_role(
        "link", name=FUTURE_BIRTHDAY
    ).click()
    date = page.get_by_role("group", name="Date of birth")
    expect(date.get_by_label("Day")).to_be_focused()


def test_a_warning_comes_before_the_idle_sign_out_and_can_be_dismissed(
    page, live_server, world, settings
):
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(seconds=6)
    sign_in(page, live_server, world.alice.email, check=lambda *args: None)
    warning = page.locator("#idle-warning")
    expect(warning).to_be_hidden()
    # Half of a 6-second timeout: the warning shows after about 3 seconds.
    expect(warning).to_be_visible(timeout=5_000)
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert_accessible(page, "the idle warning")
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    # The session was kept alive: the next page opens without signing in.
    page.goto(f"{live_server.url}/en/people/")
    expect(page).to_have_url(f"{live_server.url}/en/people/")
