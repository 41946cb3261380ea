"""The community directory and referrals in a real Chromium: a navigator
finding a service near a town and referring someone to it, search errors,
a manager keeping an entry, a commissioner's settings and editors, the
public Welsh directory, and a 360px phone screen. Each page is checked
with axe for WCAG 2.2 AA.

Skipped when Chromium is not installed, and refused under CI (see conftest.py).
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from caremap.directory import demo
from caremap.directory.actions import load_demo_directory, load_places
from caremap.directory.models import AreaDirectory, Listing
from caremap.referrals.models import Rating, Referral
from caremap.testing.browser import (
    assert_accessible,
    assert_fits_a_phone,
    launch_chromium,
    new_page,
    settle,
)
from caremap.testing.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEER_MENTORING = "Afon Valley Peer Mentoring"
PEER_SUPPORT = "Peer and mutual-aid recovery support"
NEW_DESCRIPTION = "Weekly one-to-one mentoring with someone who has been there."


# Module scope, not session: see caremap/tests/test_browser.py.
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


@pytest.fixture
def directory(world, instruments):
    load_demo_directory(world.area, relationships=[(world.riverside, PEER_MENTORING)])
    load_places(demo.demo_places(), source="test")
    return world


# Page helpers (small local ones: the other browser test modules define
# fixtures and tests, so importing from them would collect their tests here;
# the shared ones are in caremap.testing.browser).


# Which elements stick out past a phone's width: named in a failure message.
def check_phone_page(page, where):
    assert_fits_a_phone(page, where)
    assert_accessible(page, f"{where} at 360px")


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/en/account/sign-in/")
    settle(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/en/")
    settle(page)


def goto(page, url):
    page.goto(url)
    settle(page)


def submit(page, name):
    page.get_by_role("button", name=name).click()
    settle(page)


def service_url(live_server, name, language="en"):
    return (
        f"{live_server.url}/{language}/directory/services/{demo.service_id_for(name)}/"
    )


def result_names(page):
    return page.locator(
        "main ul[aria-labelledby='results-heading'] h3"
    ).all_inner_texts()


def search_near_pontafon(page):
    """Fill the search form as a navigator would: peer support, near
    Pontafon, within 5 miles."""
    page.get_by_label("What help is needed").select_option(label=PEER_SUPPORT)
    page.get_by_label("Near", exact=True).fill("Pontafon")
    page.get_by_label("Within").select_option(label="5 miles")
    submit(page, "Search")


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


def field_group(page, label):
    """The GOV.UK form group holding the field labelled `label`."""
    return page.locator(".govuk-form-group").filter(has=page.get_by_label(label))


# Journeys -------------------------------------------------------------------


def test_navigator_finds_a_service_and_refers_someone(directory, live_server, page):
    world = directory
    sign_in(page, live_server, world.alice.email)
    assert_accessible(page, "home")

    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Directory"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/en/directory/")
    settle(page)
    expect(
        page.get_by_role("heading", level=1, name="Find help in the community")
    ).to_be_visible()
    everything = page.locator("#results-heading").inner_text()
    assert_accessible(page, "the directory search page")

    search_near_pontafon(page)
    assert page.url.startswith(f"{live_server.url}/en/directory/?"), page.url
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("#results-heading")).to_have_text(
        re.compile(r"^\s*\d+ services? found\s*$")
    )
    assert page.locator("#results-heading").inner_text() != everything
    names = result_names(page)
    assert PEER_MENTORING in names, names
    # The form keeps what was asked.
    expect(page.get_by_label("Near", exact=True)).to_have_value("Pontafon")
    assert_accessible(page, "the directory search results")

    page.get_by_role("link", name=PEER_MENTORING, exact=True).click()
    expect(page).to_have_url(service_url(live_server, PEER_MENTORING))
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(PEER_MENTORING)
    expect(
        page.get_by_text("Riverside Recovery works with this service.")
    ).to_be_visible()
    assert_accessible(page, "a service page")

    page.get_by_role("link", name="Refer or signpost someone").click()
    expect(page).to_have_url(
        f"{live_server.url}/en/referrals/for-service/"
        f"{demo.service_id_for(PEER_MENTORING)}/"
    )
    settle(page)
    expect(
        page.get_by_role(
            "heading", level=1, name="Who are you referring or signposting?"
        )
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text="R-001")
    expect(row).to_contain_text("Sam Jones")
    assert_accessible(page, "choosing the person to refer")

    row.get_by_role("link", name="Choose Sam Jones").click()
    expect(page).to_have_url(
        re.compile(rf"/en/people/{world.alices_person.pk}/referrals/new/\?service=")
    )
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Refer or signpost to {PEER_MENTORING}"
    )
    assert_accessible(page, "the referral form")

    # Everything but the person's agreement.
    page.get_by_label("Referral: you contact the service for them").check()
    page.get_by_label("Reason", exact=True).fill("Wants support after treatment.")
    page.get_by_label("In person").check()
    submit(page, "Save")

    assert not Referral.objects.exists()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    consent_error = "Confirm the person agreed to this"
    expect(summary).to_contain_text(consent_error)
    expect(summary).to_be_focused()
    assert page.title().startswith("Error:"), page.title()
    consent_label = "The person agreed to this, and to what is being shared"
    consent_group = field_group(page, consent_label)
    expect(consent_group).to_have_class(re.compile(r"govuk-form-group--error"))
    message = consent_group.locator(".govuk-error-message")
    expect(message).to_contain_text(consent_error)
    # Screen readers hear the message with the checkbox.
    described_by = page.get_by_label(consent_label).get_attribute("aria-describedby")
    assert message.get_attribute("id") in (described_by or "").split(), described_by
    # What was typed is kept.
    expect(page.get_by_label("Reason", exact=True)).to_have_value(
        "Wants support after treatment."
    )
    summary.get_by_role("link", name=re.compile(consent_error)).click()
    expect(page.get_by_label(consent_label)).to_be_focused()
    assert_accessible(page, "the referral form with errors")

    page.get_by_label(consent_label).check()
    page.get_by_label("Name and contact details").check()
    page.get_by_label("Reason for referral").check()
    submit(page, "Save")

    referral = Referral.objects.get()
    assert referral.person == world.alices_person
    assert referral.service_id == demo.service_id_for(PEER_MENTORING)
    assert referral.person_agreed
    assert set(referral.shared) == {"contact", "reason"}
    expect(page).to_have_url(f"{live_server.url}/en/referrals/{referral.pk}/")
    settle(page)
    expect(success_banner(page)).to_contain_text(
        f"The referral to {PEER_MENTORING} has been recorded."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(PEER_MENTORING)
    assert_accessible(page, "the referral page")

    page.get_by_role("link", name="Update the status").click()
    expect(page).to_have_url(f"{live_server.url}/en/referrals/{referral.pk}/update/")
    settle(page)
    assert_accessible(page, "the referral status form")
    page.get_by_label("Accepted", exact=True).check()
    page.get_by_label("Note").fill("First meeting on Monday.")
    submit(page, "Save")
    expect(page).to_have_url(f"{live_server.url}/en/referrals/{referral.pk}/")
    expect(success_banner(page)).to_contain_text(
        "The referral is now marked as accepted."
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    assert_accessible(page, "the referral page after an update")

    page.get_by_role("link", name="Rate the service").click()
    expect(page).to_have_url(f"{live_server.url}/en/referrals/{referral.pk}/rate/")
    settle(page)
    assert_accessible(page, "the rating form")
    page.get_by_label("4 – very useful").check()
    page.get_by_label("Comment").fill("Sam found the mentor easy to talk to.")
    page.get_by_label("The person, in their own words").check()
    submit(page, "Save")
    expect(page).to_have_url(f"{live_server.url}/en/referrals/{referral.pk}/")
    expect(success_banner(page)).to_contain_text("The rating has been saved.")
    rating = Rating.objects.get(referral=referral)
    assert rating.score == 4
    assert rating.comment == "Sam found the mentor easy to talk to."
    expect(page.locator("main")).to_contain_text("4 – very useful")
    expect(page.locator("main")).to_contain_text(
        "Sam found the mentor easy to talk to."
    )
    assert_accessible(page, "the referral page with a rating")


def test_unknown_place_error_links_to_the_near_field(directory, live_server, page):
    sign_in(page, live_server, directory.alice.email)
    goto(page, f"{live_server.url}/en/directory/")
    page.get_by_label("Near", exact=True).fill("Atlantis")
    submit(page, "Search")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("We could not find “Atlantis”")
    assert page.title().startswith("Error:"), page.title()
    near_group = field_group(page, "Near")
    expect(near_group.locator(".govuk-error-message")).to_contain_text(
        "We could not find “Atlantis”"
    )
    # An invalid search lists nothing.
    assert result_names(page) == []
    link = summary.get_by_role("link", name=re.compile("We could not find"))
    expect(link).to_have_attribute("href", "#id_near")
    link.click()
    expect(page.get_by_label("Near", exact=True)).to_be_focused()
    assert_accessible(page, "the directory search with an unknown place")


def test_manager_edits_and_checks_an_entry(directory, live_server, page):
    world = directory
    sign_in(page, live_server, world.mia.email)
    goto(page, service_url(live_server, PEER_MENTORING))
    assert_accessible(page, "a service page for a manager")

    page.get_by_role("link", name="Edit entry").click()
    expect(page).to_have_url(service_url(live_server, PEER_MENTORING) + "edit/")
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Change {PEER_MENTORING}"
    )
    assert_accessible(page, "the directory edit form")

    description = page.get_by_label("What it offers")
    expect(description).to_have_value(re.compile("A mentor with their own"))
    description.fill(NEW_DESCRIPTION)
    submit(page, "Save and mark as checked")

    expect(page).to_have_url(service_url(live_server, PEER_MENTORING))
    expect(success_banner(page)).to_contain_text(
        f"{PEER_MENTORING} has been saved and marked as checked today."
    )
    expect(page.locator("main")).to_contain_text(NEW_DESCRIPTION)
    assert_accessible(page, "a service page after saving")

    # An entry overdue for review, so that checking it changes something.
    overdue = (
        Listing.objects.filter(area=world.area, ended_on__isnull=True)
        .order_by("last_checked_at")
        .select_related("service")
        .first()
    )
    goto(page, f"{live_server.url}/en/directory/services/{overdue.service_id}/")
    expect(page.get_by_text("This entry is due to be checked")).to_be_visible()
    assert_accessible(page, "a service page due for review")
    submit(page, "Mark as checked")
    expect(page).to_have_url(
        f"{live_server.url}/en/directory/services/{overdue.service_id}/"
    )
    expect(success_banner(page)).to_contain_text(
        f"{overdue.service.name} has been marked as checked today."
    )
    expect(page.get_by_text("This entry is due to be checked")).to_have_count(0)
    today = timezone.localdate()
    expect(page.locator("main")).to_contain_text(
        f"Last checked on {today.day} {today:%B %Y} by Mia Manager."
    )
    overdue.refresh_from_db()
    assert overdue.last_checked_by == world.mia

    goto(page, f"{live_server.url}/en/directory/")
    keeping = page.get_by_role("navigation", name="Keeping the directory")
    keeping.get_by_role("link", name="Entries due for review").click()
    expect(page).to_have_url(f"{live_server.url}/en/directory/review/")
    settle(page)
    expect(
        page.get_by_role("heading", level=1, name="Entries due for review")
    ).to_be_visible()
    assert_accessible(page, "entries due for review")

    goto(page, f"{live_server.url}/en/directory/")
    page.get_by_role("navigation", name="Keeping the directory").get_by_role(
        "link", name="Recovery community"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/en/directory/community/")
    settle(page)
    expect(
        page.get_by_role("heading", level=1, name="Recovery community")
    ).to_be_visible()
    assert_accessible(page, "the recovery community page")


def test_commissioner_sees_settings_and_editors(directory, live_server, page):
    sign_in(page, live_server, directory.cara.email)
    goto(page, f"{live_server.url}/en/directory/")
    keeping = page.get_by_role("navigation", name="Keeping the directory")
    keeping.get_by_role("link", name="Directory settings").click()
    expect(page).to_have_url(f"{live_server.url}/en/directory/settings/")
    settle(page)
    expect(
        page.get_by_role("heading", level=1, name="Directory settings")
    ).to_be_visible()
    assert_accessible(page, "directory settings")

    goto(page, f"{live_server.url}/en/directory/")
    page.get_by_role("navigation", name="Keeping the directory").get_by_role(
        "link", name="Directory editors"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/en/directory/editors/")
    settle(page)
    expect(
        page.get_by_role("heading", level=1, name="Directory editors")
    ).to_be_visible()
    assert_accessible(page, "directory editors")


def test_public_welsh_directory(directory, live_server, page):
    AreaDirectory.objects.create(area=directory.area, public=True)
    response = page.goto(f"{live_server.url}/cy/directory/")
    assert response.status == 200
    expect(page).to_have_url(f"{live_server.url}/cy/directory/")
    settle(page)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert PEER_MENTORING in result_names(page)
    # Not signed in: nothing for keeping the directory, nothing to refer.
    expect(page.locator("a[href*='/directory/review/']")).to_have_count(0)
    assert_accessible(page, "the public Welsh search page")

    page.get_by_role("link", name=PEER_MENTORING, exact=True).click()
    expect(page).to_have_url(service_url(live_server, PEER_MENTORING, "cy"))
    settle(page)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text(PEER_MENTORING)
    expect(page.locator("a[href*='/referrals/']")).to_have_count(0)
    expect(page.locator("a[href$='/edit/']")).to_have_count(0)
    assert_accessible(page, "a public service page in Welsh")


def test_directory_and_referral_on_a_narrow_phone_screen(
    directory, live_server, phone_page
):
    page = phone_page
    sign_in(page, live_server, directory.alice.email)

    menu = page.get_by_role("navigation", name="Menu")
    directory_link = menu.get_by_role("link", name="Directory")
    toggle = menu.get_by_role("button", name="Menu")
    if toggle.is_visible():
        expect(directory_link).to_be_hidden()
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
    directory_link.click()
    expect(page).to_have_url(f"{live_server.url}/en/directory/")
    settle(page)
    check_phone_page(page, "the directory search page")

    search_near_pontafon(page)
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    assert PEER_MENTORING in result_names(page)
    check_phone_page(page, "the directory search results")

    page.get_by_role("link", name=PEER_MENTORING, exact=True).click()
    expect(page).to_have_url(service_url(live_server, PEER_MENTORING))
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(PEER_MENTORING)
    check_phone_page(page, "a service page")

    page.get_by_role("link", name="Refer or signpost someone").click()
    settle(page)
    check_phone_page(page, "choosing the person to refer")
    page.get_by_role("link", name="Choose Sam Jones").click()
    expect(page).to_have_url(
        re.compile(rf"/en/people/{directory.alices_person.pk}/referrals/new/")
    )
    settle(page)
    check_phone_page(page, "the referral form")

    submit(page, "Save")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_phone_page(page, "the referral form with errors")
