"""The care-planning journey in a real Chromium: from a profile's suggested
goals to a plan with steps, strengths, a resource and a barrier, and its
maps; with JavaScript on a desktop and without it on a 360px phone. Every
page is checked with axe (WCAG 2.2 AA)."""

import datetime
import random
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from caremap.assessments.samples import complete_assessment, plausible_answers
from caremap.careplans import actions
from caremap.careplans.models import Action, CarePlan, Goal
from caremap.directory.actions import load_demo_directory
from caremap.testing.browser import (
    assert_accessible,
    assert_fits_a_phone,
    launch_chromium,
    new_page,
    settle,
)
from caremap.testing.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Module scope, not session: see caremap/tests/test_browser.py.
@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def assessed(world, instruments):
    load_demo_directory(world.area)
    version = instruments["recovery-capital-profile"]
    answers = plausible_answers(version.instrument, random.Random(7), 0)
    answers["barrier-housing"] = True
    world.assessment = complete_assessment(
        world.alices_person, version, answers, by=world.alice, when=timezone.now()
    )
    return world


def sign_in(page, live_server, email, *, javascript=True):
    page.goto(f"{live_server.url}/en/account/sign-in/")
    settle(page, javascript=javascript)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/en/")


def check(page, where, *, javascript=True, phone=False):
    settle(page, javascript=javascript)
    if phone:
        assert_fits_a_phone(page, where)
    assert_accessible(page, where)


def fill_date(page, group, day):
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def test_from_suggestions_to_a_plan_and_its_maps(assessed, live_server, browser):
    page = new_page(browser)
    sign_in(page, live_server, assessed.alice.email)
    page.goto(f"{live_server.url}/en/assessments/{assessed.assessment.pk}/profile/")
    page.get_by_role("link", name="See goals these answers suggest").click()
    check(page, "the suggested goals")
    expect(
        page.get_by_text("You said: “I have problems with my housing.”").first
    ).to_be_visible()

    # Take the first suggestion: the plan is started on the way.
    page.get_by_role("link", name=re.compile("^Start from this goal")).first.click()
    check(page, "starting a plan")
    page.get_by_role("button", name="Start the plan").click()
    check(page, "a goal from a suggestion")
    wording = page.get_by_label("The goal, in your own words")
    assert wording.input_value(), "the template gives a starting point"
    wording.fill("Get my flat sorted so I feel safe at home")
    page.get_by_label("You came up with it together").check()
    page.get_by_role("button", name="Add the goal").click()
    # Agreement is required: an error beside the box, nothing lost.
    check(page, "the goal form with an error")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert (
        page.get_by_label("The goal, in your own words").input_value()
        == "Get my flat sorted so I feel safe at home"
    )
    page.get_by_label("I agree with this goal").check()
    page.get_by_role("button", name="Add the goal").click()
    check(page, "the plan with one goal")
    plan = CarePlan.objects.get(person=assessed.alices_person)
    goal = plan.goals.get()
    assert goal.wording == "Get my flat sorted so I feel safe at home"

    # A SMART step.
    page.get_by_role("link", name="Add a step").click()
    check(page, "the step form")
    page.get_by_label("What exactly will be done?").fill("Phone the housing team")
    page.get_by_label("You", exact=True).check()
    fill_date(page, "By when?", timezone.localdate() + datetime.timedelta(days=7))
    page.get_by_label("How will you know it is done?").fill("I have a date to see them")
    page.get_by_role("button", name=re.compile("^(Add|Save)")).click()
    check(page, "the plan with a step")
    assert goal.actions.get().what == "Phone the housing team"

    # A barrier with its ways round it.
    page.get_by_role("link", name="Add something that could get in the way").click()
    check(page, "the barrier form")
    page.get_by_label("What could get in the way?").fill("I get anxious on the phone")
    page.get_by_label("Ways round it").fill("Ask my navigator to sit with me")
    page.get_by_role("button", name=re.compile("^(Add|Save)")).click()
    check(page, "the plan with a barrier")

    # A goal written from scratch.
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("The goal, in your own words").fill("Go to a walking group")
    page.get_by_label("Yours", exact=True).check()
    page.get_by_label("I agree with this goal").check()
    page.get_by_role("button", name="Add the goal").click()
    check(page, "the plan with two goals")
    assert list(plan.goals.values_list("wording", flat=True)) == [
        "Get my flat sorted so I feel safe at home",
        "Go to a walking group",
    ]

    page.get_by_role("link", name="See the whole plan as a map").click()
    check(page, "the care-planning map")
    expect(page.locator("svg")).to_contain_text("I get anxious on the phone")
    page.get_by_role("link", name="Back to the plan").click()
    settle(page)
    page.get_by_role("link", name=re.compile("^Map")).first.click()
    check(page, "a goal map")
    page.locator(f"svg a[href$='/steps/{goal.actions.get().pk}/edit/']").click()
    check(page, "a step opened from the map")
    expect(page.get_by_label("What exactly will be done?")).to_have_value(
        "Phone the housing team"
    )


def small_plan(world):
    plan, _ = actions.start_plan(world.alices_person, by=world.alice)
    goal = actions.add_goal(
        plan,
        by=world.alice,
        wording="Sleep better",
        proposed_by=Goal.ProposedBy.PERSON,
        person_agreed=True,
    )
    return plan, goal


def test_the_plan_works_without_javascript(world, live_server, browser):
    # Scripts are off, so nothing here may run JavaScript in the page: axe
    # runs on the same pages in the next test, with scripts on.
    plan, goal = small_plan(world)
    page = new_page(browser, phone=True, javascript=False)
    sign_in(page, live_server, world.alice.email, javascript=False)
    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    page.get_by_role("link", name="Add a step").click()
    page.get_by_label("What exactly will be done?").fill("No screens after ten")
    page.get_by_label("Someone else", exact=True).check()
    page.get_by_label("If someone else, who?").fill("My partner")
    fill_date(page, "By when?", timezone.localdate())
    page.get_by_role("button", name=re.compile("^(Add|Save)")).click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/"))
    step = goal.actions.get()
    assert (step.who, step.who_else, step.status) == (
        "someone-else",
        "My partner",
        Action.Status.TO_DO,
    )
    page.get_by_role("link", name="Review the plan").click()
    page.get_by_role("group", name=re.compile("How is this goal going")).get_by_label(
        re.compile("Some progress", re.I)
    ).check()
    page.get_by_label("No, it was the regular review").check()
    who = page.get_by_role("group", name="Who took part?")
    who.get_by_role("checkbox").first.check()
    who.get_by_role("checkbox").nth(1).check()
    page.get_by_label("None yet").check()
    page.get_by_label("What has changed since the last review, and why?").fill(
        "Sleeping a bit better."
    )
    page.get_by_role("button", name="Save the review").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    assert plan.reviews.count() == 1
    page.get_by_role("link", name="History and earlier versions").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_plan_pages_on_a_phone_are_accessible(world, live_server, browser):
    plan, goal = small_plan(world)
    actions.add_action(
        goal,
        by=world.alice,
        what="No screens after ten",
        who="person",
        due_on=timezone.localdate(),
    )
    page = new_page(browser, phone=True)
    sign_in(page, live_server, world.alice.email)
    base = live_server.url
    for where, path in [
        ("the plan", plan.get_absolute_url()),
        ("the care-planning map", f"/en/plans/{plan.pk}/map/"),
        ("a goal map", f"/en/goals/{goal.pk}/map/"),
        ("the review form", f"/en/plans/{plan.pk}/review/"),
        ("the history", f"/en/plans/{plan.pk}/history/"),
    ]:
        page.goto(base + path)
        check(page, where, phone=True)
