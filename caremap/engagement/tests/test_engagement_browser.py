"""On a 360px phone, in a real Chromium: a contact is recorded within two
screens of the person's page (an unanswered call in one tap), and the
contact and episode pages pass axe (WCAG 2.2 AA) and fit the screen."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caremap.engagement.models import Alert, Contact
from caremap.episodes import actions as episode_actions
from caremap.testing.browser import (
    Screens,
    check_on_a_phone,
    new_page,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_recording_contacts_on_a_phone(world, live_server, browser):
    person = world.alices_person
    page = new_page(browser, phone=True)
    sign_in(page, live_server, world.alice.email)
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    check_on_a_phone(page, "the person's page")

    # An unanswered call: one tap, and the person's page says so.
    screens = Screens(page)
    page.get_by_role("button", name="Tried to call: no answer").first.click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "a phone call, no answer"
    )
    assert screens.count == 1
    assert Contact.objects.get().outcome == "no_answer"

    # A conversation: the form, then back on the person's page.
    screens = Screens(page)
    page.get_by_role("link", name="Record a contact").first.click()
    check_on_a_phone(page, "the contact form")
    page.get_by_label("Face to face").check()
    page.get_by_label("We were in touch").check()
    page.get_by_label("How long, in minutes").fill("30")
    page.get_by_label("Note").fill("Planned the first walk together.")
    page.get_by_role("button", name="Save the contact").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Contact recorded"
    )
    assert screens.count == 2
    assert Contact.objects.filter(outcome="reached", minutes=30).exists()

    page.get_by_role("link", name="See all contacts").click()
    check_on_a_phone(page, "the contacts list")
    expect(page.get_by_text("Planned the first walk together.")).to_be_visible()


def test_episode_pages_on_a_phone(world, live_server, browser):
    person = world.alices_person
    today = timezone.localdate()
    episode = episode_actions.record_episode(
        person,
        by=world.alice,
        referred_on=today - datetime.timedelta(days=30),
        started_on=today - datetime.timedelta(days=20),
        referral_source="gp",
        substance_group="alcohol",
    )
    page = new_page(browser, phone=True)
    sign_in(page, live_server, world.alice.email)
    base = live_server.url
    for where, path in [
        ("the episodes list", f"/en/people/{person.pk}/episodes/"),
        ("an episode", episode.get_absolute_url()),
        ("the episode form", f"/en/episodes/{episode.pk}/edit/"),
        ("the exit form", f"/en/episodes/{episode.pk}/exit/"),
    ]:
        page.goto(base + path)
        check_on_a_phone(page, where)
    # Record the exit with a mistake first: the message sits by the field.
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Completed: free of dependence").check()
    page.get_by_role("button", name="Save the exit").click()
    check_on_a_phone(page, "the exit form with a mistake")
    expect(page.locator("#id_ended_on_error")).to_contain_text("a real date")
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_role("button", name="Save the exit").click()
    check_on_a_phone(page, "an episode after its exit")
    episode.refresh_from_db()
    assert episode.ended_on == today and episode.successful


def test_the_work_list_and_alerts_on_a_phone(world, live_server, browser):
    person = world.alices_person
    alert = Alert.objects.create(
        person=person,
        organisation=person.organisation,
        rule=Alert.Rule.NO_CONTACT,
        key=f"no-contact:{person.pk}:2026-01-01",
        facts={"since": "2026-01-01", "reached": True},
    )
    page = new_page(browser, phone=True)
    sign_in(page, live_server, world.alice.email)
    check_on_a_phone(page, "the home page's caseload and work list")
    expect(page.get_by_role("link", name=person.display_name).first).to_be_visible()
    page.get_by_role("link", name="Filter your caseload by stance or pathway").click()
    check_on_a_phone(page, "the caseload, filtered")
    page.goto(f"{live_server.url}{alert.get_absolute_url()}")
    check_on_a_phone(page, "an alert")
    page.get_by_role("button", name="Start outreach").click()
    check_on_a_phone(page, "an alert with outreach started")
    page.get_by_role("link", name="Close the alert").click()
    check_on_a_phone(page, "closing an alert")
    page.get_by_label("Back in touch").check()
    page.get_by_role("button", name="Close the alert").click()
    check_on_a_phone(page, "the person after the alert closed")
    alert.refresh_from_db()
    assert alert.closed_at is not None
