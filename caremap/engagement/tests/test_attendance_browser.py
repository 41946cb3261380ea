"""On a 360px phone, in a real Chromium: a group's register is taken in two
screens (choose the group, then tick and save), a group is added and a
session recorded from the person's groups page, and every page passes axe
(WCAG 2.2 AA) and fits the screen."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caremap.directory.actions import load_demo_directory
from caremap.directory.models import Listing
from caremap.engagement import actions
from caremap.engagement.models import Attendance, GroupMembership
from caremap.testing.browser import (
    Screens,
    check_on_a_phone,
    new_page,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meetings(world):
    load_demo_directory(world.area)
    listings = (
        Listing.objects.in_area(world.area)
        .findable(timezone.localdate())
        .filter(kind__in=[Listing.Kind.MUTUAL_AID, Listing.Kind.PEER_LED])
        .select_related("service")
        .order_by("kind", "service__name")
    )
    return [listing.service for listing in listings]


def test_taking_a_register_on_a_phone(world, meetings, live_server, browser):
    meeting = meetings[0]
    started = timezone.localdate() - datetime.timedelta(days=30)
    went, missed = [
        actions.add_group_membership(
            person,
            by=world.alice,
            service=meeting,
            on_register=True,
            started_on=started,
        )
        for person in (world.alices_person, world.bobs_person)
    ]
    page = new_page(browser, phone=True)
    sign_in(page, live_server, world.alice.email)
    page.goto(f"{live_server.url}/en/groups/registers/")
    check_on_a_phone(page, "the register chooser")

    screens = Screens(page)
    page.get_by_role("link", name=meeting.name).click()
    check_on_a_phone(page, "the register")
    page.get_by_label("Sam Jones").check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Register saved"
    )
    assert screens.count == 2
    check_on_a_phone(page, "the register after saving")
    recorded = dict(
        Attendance.objects.filter(on=timezone.localdate()).values_list(
            "membership_id", "attended"
        )
    )
    assert recorded == {went.pk: True, missed.pk: False}
    expect(page.get_by_label("Sam Jones")).to_be_checked()
    expect(page.get_by_label("Jo Evans")).not_to_be_checked()


def test_a_persons_groups_on_a_phone(world, meetings, live_server, browser):
    person = world.alices_person
    page = new_page(browser, phone=True)
    sign_in(page, live_server, world.alice.email)
    base = live_server.url
    page.goto(f"{base}/en/people/{person.pk}/groups/")
    check_on_a_phone(page, "the groups page with no groups")

    page.get_by_role("link", name="Add a group").click()
    check_on_a_phone(page, "the add a group form")
    # A mistake first: nothing chosen. The message sits by the field.
    page.get_by_role("button", name="Add the group").click()
    check_on_a_phone(page, "the add a group form with a mistake")
    expect(page.locator("#id_service_error")).to_contain_text("Choose a group")
    page.get_by_label("Which group do they go to?").select_option(meetings[0].pk)
    page.get_by_role(
        "group", name="Have they agreed to be on the group's register?"
    ).get_by_label("Yes").check()
    page.get_by_role("button", name="Add the group").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Group added"
    )
    check_on_a_phone(page, "the groups page")
    membership = GroupMembership.objects.get()
    assert membership.on_register and membership.service_id == meetings[0].pk

    page.get_by_role("link", name="Record a session").click()
    check_on_a_phone(page, "the session form")
    page.get_by_role("group", name="Did they go?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save the session").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "they went to"
    )
    expect(page.get_by_text("Went on")).to_be_visible()
    assert Attendance.objects.get().attended

    page.get_by_role("link", name="Change").click()
    check_on_a_phone(page, "the change form")
    page.goto(f"{base}/en/people/{person.pk}/groups/{membership.pk}/stop/")
    check_on_a_phone(page, "the stopped going form")
