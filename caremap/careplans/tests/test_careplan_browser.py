"""The care-planning journey in a real Chromium, from a profile's suggested
goals to a reviewed plan, four ways: on a desktop and on a 360px phone, each
with JavaScript (editors drawn in place by htmx) and without it (each editor
a page of its own). With scripts on, every page and every editor drawn in
place is checked with axe (WCAG 2.2 AA) and, on the phone, for fitting the
screen; without them those checks cannot run in the page, so the run proves
the journey works."""

import datetime
import random
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caremap.assessments.samples import complete_assessment, plausible_answers
from caremap.careplans.models import Action, CarePlan
from caremap.directory.actions import load_demo_directory
from caremap.testing.browser import (
    assert_accessible,
    assert_fits_a_phone,
    new_page,
    settle,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def fill_date(page, group, day):
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


WAYS = [
    pytest.param(False, True, id="desktop-with-javascript"),
    pytest.param(True, True, id="phone-with-javascript"),
    pytest.param(False, False, id="desktop-without-javascript"),
    pytest.param(True, False, id="phone-without-javascript"),
]


class Journey:
    """One run of the journey: a page, and how to check and open things the
    same way whether or not scripts run."""

    def __init__(self, page, live_server, *, phone, javascript):
        self.page = page
        self.base = live_server.url
        self.phone = phone
        self.javascript = javascript

    def check(self, where):
        """Settle, then (where scripts can run the checks) make sure the
        page fits a phone and axe finds nothing."""
        settle(self.page, javascript=self.javascript)
        if self.javascript:
            if self.phone:
                assert_fits_a_phone(self.page, where)
            assert_accessible(self.page, where)

    def plan_url(self, plan):
        """The plan page's address, at any of its goals."""
        return re.compile(
            rf"^{re.escape(self.base + plan.get_absolute_url())}(#goal-\d+)?$"
        )

    def open_editor(self, name, plan, place, heading):
        """Follow a link on the plan page to an editor: drawn in place, with
        focus on its heading, when scripts run; its own page when not."""
        self.page.get_by_role("link", name=name).first.click()
        if self.javascript:
            expect(self.page).to_have_url(self.plan_url(plan))
            editor = self.page.locator(f"#{place} [data-focus]")
            expect(editor).to_have_text(heading)
            expect(editor).to_be_focused()
        else:
            expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.check(f"{heading} ({'in place' if self.javascript else 'its own page'})")

    def saved(self, plan, words, *, in_place=True):
        """After a save: back on the plan, with a note of what was done
        (which takes focus when it was drawn in place)."""
        expect(self.page).to_have_url(self.plan_url(plan))
        note = self.page.locator(".govuk-notification-banner--success")
        expect(note).to_contain_text(words)
        if self.javascript and in_place:
            expect(note).to_be_focused()
        self.check(f"the plan after “{words}”")


@pytest.mark.parametrize(("phone", "javascript"), WAYS)
def test_the_care_planning_journey(assessed, live_server, browser, phone, javascript):
    """Done when 1 and 2 of the care-planning issue: from a profile, two
    suggestions taken and one goal written from scratch; steps, a strength,
    a resource and a barrier with a way round it; both maps; the PDF; and
    later a review with a fresh assessment, its history and a comparison."""
    page = new_page(browser, phone=phone, javascript=javascript)
    journey = Journey(page, live_server, phone=phone, javascript=javascript)
    # A Content-Security-Policy violation shows as a console error.
    console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and console_errors.append(message.text),
    )
    base = live_server.url
    sign_in(page, live_server, assessed.alice.email, javascript=javascript)
    page.goto(f"{base}/en/assessments/{assessed.assessment.pk}/profile/")
    page.get_by_role("link", name="See goals these answers suggest").click()
    journey.check("the suggested goals")
    expect(
        page.get_by_text("You said: “I have problems with my housing.”").first
    ).to_be_visible()
    suggestions_url = page.url

    # Take the first suggestion: the plan is started on the way.
    page.get_by_role("link", name=re.compile("^Start from this goal")).first.click()
    journey.check("starting a plan")
    page.get_by_role("button", name="Start the plan").click()
    journey.check("a goal from a suggestion")
    wording = page.get_by_label("The goal, in your own words")
    assert wording.input_value(), "the template gives a starting point"
    wording.fill("Get my flat sorted so I feel safe at home")
    page.get_by_label("You came up with it together").check()
    page.get_by_role("button", name="Add the goal").click()
    # Agreement is required: an error beside the box, nothing lost.
    journey.check("the goal form with an error")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Tick the box to say you agree with this goal"
    )
    assert wording.input_value() == "Get my flat sorted so I feel safe at home"
    page.get_by_label("I agree with this goal").check()
    page.get_by_role("button", name="Add the goal").click()
    plan = CarePlan.objects.get(person=assessed.alices_person)
    journey.saved(
        plan, "Goal added: Get my flat sorted so I feel safe at home", in_place=False
    )

    # A second suggestion, taken into the same plan.
    page.goto(suggestions_url)
    settle(page, javascript=javascript)
    page.get_by_role("link", name=re.compile("^Start from this goal")).nth(1).click()
    journey.check("a second goal from a suggestion")
    page.get_by_label("The goal, in your own words").fill("Sleep through the night")
    page.get_by_label("Yours", exact=True).check()
    page.get_by_label("I agree with this goal").check()
    page.get_by_role("button", name="Add the goal").click()
    journey.saved(plan, "Goal added: Sleep through the night", in_place=False)

    # A goal written from scratch.
    journey.open_editor("Add a goal", plan, "new-goal", "Add a goal")
    page.get_by_label("The goal, in your own words").fill("Go to a walking group")
    page.get_by_label("Yours", exact=True).check()
    page.get_by_label("I agree with this goal").check()
    page.get_by_role("button", name="Add the goal").click()
    journey.saved(plan, "Goal added: Go to a walking group")
    assert list(plan.goals.values_list("wording", flat=True)) == [
        "Get my flat sorted so I feel safe at home",
        "Sleep through the night",
        "Go to a walking group",
    ]
    goal = plan.goals.first()
    place = f"goal-{goal.pk}-editor"

    # A SMART step: a date in the past is refused beside the field, and
    # what was typed stays.
    journey.open_editor(
        first_goal_link("Add a step"),
        plan,
        place,
        "Add a step towards this goal",
    )
    page.get_by_label("What exactly will be done?").fill("Phone the housing team")
    page.get_by_label("You", exact=True).check()
    fill_date(page, "By when?", timezone.localdate() - datetime.timedelta(days=1))
    page.get_by_label("How will you know it is done?").fill("I have a date to see them")
    page.get_by_role("button", name="Add the step").click()
    journey.check("the step form with a date in the past")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The date must be today or in the future"
    )
    if javascript:
        expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert page.get_by_label("What exactly will be done?").input_value() == (
        "Phone the housing team"
    )
    fill_date(page, "By when?", timezone.localdate() + datetime.timedelta(days=7))
    page.get_by_role("button", name="Add the step").click()
    journey.saved(plan, "Step added: Phone the housing team")
    assert goal.actions.get().what == "Phone the housing team"

    # A strength from the profile, a resource from the directory, and a
    # barrier with its way round it.
    journey.open_editor(
        first_goal_link("Add a strength"),
        plan,
        place,
        "What will help you with this goal?",
    )
    page.get_by_label("In your own words").fill("My sister is on my side")
    page.get_by_role("button", name="Add the strength").click()
    journey.saved(plan, "Strength added: My sister is on my side")

    journey.open_editor(
        first_goal_link("Add a resource"),
        plan,
        place,
        "Add something in the community that helps",
    )
    service = page.get_by_label("A service from the local directory")
    service.select_option(index=1)
    chosen = service.locator("option:checked").inner_text()
    page.get_by_role("button", name="Add it").click()
    journey.saved(plan, f"Resource added: {chosen}")

    journey.open_editor(
        first_goal_link("Add something that could get in the way"),
        plan,
        place,
        "What could get in the way?",
    )
    page.get_by_label("What could get in the way?").fill("I get anxious on the phone")
    page.get_by_label("Ways round it").fill("Ask my navigator to sit with me")
    page.get_by_role("button", name="Save").click()
    journey.saved(plan, "Added: I get anxious on the phone")
    barrier = goal.barriers.get()
    assert [s.wording for s in barrier.solutions.all()] == [
        "Ask my navigator to sit with me"
    ]

    # Both maps, each node a link to its editor.
    page.get_by_role("link", name="See the whole plan as a map").click()
    journey.check("the care-planning map")
    expect(page.locator("svg").first).to_contain_text("I get anxious on the phone")
    page.get_by_role("link", name="Back to the plan").click()
    settle(page, javascript=javascript)
    page.get_by_role("link", name=re.compile("^Map")).first.click()
    journey.check("a goal map")
    page.locator(f"svg a[href$='/steps/{goal.actions.get().pk}/edit/']").click()
    settle(page, javascript=javascript)
    expect(page.get_by_label("What exactly will be done?")).to_have_value(
        "Phone the housing team"
    )

    # The PDF to take away.
    page.goto(f"{base}{plan.get_absolute_url()}")
    settle(page, javascript=javascript)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the plan as a PDF (A4)").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Later: the person takes a fresh assessment, and the plan is reviewed.
    version = assessed.assessment.instrument
    answers = plausible_answers(version.instrument, random.Random(8), 1)
    fresh = complete_assessment(
        assessed.alices_person,
        version,
        answers,
        by=assessed.alice,
        when=timezone.now(),
    )
    page.get_by_role("link", name="Review the plan").click()
    journey.check("the review form")
    for group in page.get_by_role("group", name="How is this goal going?").all():
        group.get_by_label("Some progress").check()
    page.get_by_role("group", name=re.compile("^Step: ")).first.get_by_label(
        "Done"
    ).check()
    page.get_by_label("No, it was the regular review").check()
    who = page.get_by_role("group", name="Who took part?")
    who.get_by_role("checkbox").nth(0).check()
    who.get_by_role("checkbox").nth(1).check()
    assessment = page.get_by_role("group", name="The assessment taken for this review")
    assessment.get_by_role("radio").first.check()
    page.get_by_label("What has changed since the last review, and why?").fill(
        "Sleeping a bit better; the housing call is done."
    )
    page.get_by_role("button", name="Save the review").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    journey.check("the plan after its review")
    review = plan.reviews.get()
    assert review.assessment == fresh
    assert goal.actions.get().status == Action.Status.DONE

    page.get_by_role("link", name="History and earlier versions").click()
    journey.check("the history")
    page.get_by_role("button", name=re.compile("^Compare")).click()
    journey.check("two versions compared")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    assert console_errors == []
    if javascript:
        # Editing in place kept no copy of a page in the browser's storage.
        assert page.evaluate("() => Object.keys(localStorage)") == []


def first_goal_link(name):
    """The link `name` for the first goal, whose hidden words name it."""
    return re.compile(rf"^{re.escape(name)} (to|of) “Get my flat sorted")
