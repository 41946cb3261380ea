"""Assessments in a real Chromium: a person completing one alone on a phone
with a self-completion link (stopping, coming back, finishing), a navigator
completing one with a person on a desktop screen, and a double-clicked
submit button. Each page is checked with axe for WCAG 2.2 AA.

Skipped when Chromium is not installed, and refused under CI (see conftest.py).
"""

import datetime
import random
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from caremap.assessments import actions
from caremap.assessments.models import Assessment
from caremap.assessments.samples import complete_assessment, plausible_answers
from caremap.privacy.models import AuditEvent
from caremap.testing.browser import (
    PHONE,
    assert_accessible,
    assert_fits_a_phone,
    launch_chromium,
    new_page,
    settle,
)
from caremap.testing.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEFAULT = "recovery-capital-profile"
SECTIONS_BEFORE_STOPPING = 3
OWN_WORDS = "Getting back into work."


# Module scope, not session: see caremap/tests/test_browser.py.
@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def new_phone_page(browser):
    """new_phone_page() opens a page in a fresh phone-sized context: no
    cookies, as if on another visit or another device."""
    pages = []

    def _new():
        page = new_page(browser, phone=True)
        pages.append(page)
        return page

    yield _new
    for page in pages:
        page.context.close()


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


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


def answer_section(page):
    """Answer every question on a section page as someone would, by clicking
    and typing, and return {question: the answer as shown back}, where None
    means left empty.

    Radios and checkboxes are chosen by clicking their labels: the first
    choice for odd-numbered questions and the last for even-numbered ones.
    Number boxes get their minimum (or 0), date boxes a date, required text
    boxes a sentence; optional text boxes are left empty."""
    answers = {}
    groups = page.locator("main form .govuk-form-group")
    count = groups.count()
    assert count, f"no questions on {page.url}"
    for index in range(count):
        group = groups.nth(index)
        if group.locator("fieldset").count():
            question = group.locator("legend").first.inner_text()
        else:
            question = group.locator("label.govuk-label").first.inner_text()
        optional = question.endswith("(optional)")
        question = question.removesuffix("(optional)").strip()
        assert question not in answers, f"{question!r} is asked twice"

        choices = group.locator(
            ".govuk-radios__item label, .govuk-checkboxes__item label"
        )
        textarea = group.locator("textarea")
        boxes = group.locator("input.govuk-input")
        if choices.count():
            label = choices.first if index % 2 == 0 else choices.last
            label.click()
            answers[question] = label.inner_text().strip()
        elif textarea.count():
            if optional:
                answers[question] = None
            else:
                textarea.fill(OWN_WORDS)
                answers[question] = OWN_WORDS
        elif boxes.count() == 3:  # a date: day, month, year
            for box, value in zip(boxes.all(), ("1", "6", "2020"), strict=True):
                box.fill(value)
            answers[question] = "2020"
        elif boxes.count() == 1:
            value = boxes.get_attribute("min") or "0"
            boxes.fill(value)
            answers[question] = value
        else:
            raise AssertionError(f"do not know how to answer {question!r}")
    return answers


def continue_from_section(page):
    page.locator("main form").get_by_role("button", name="Continue").click()
    settle(page)


def section_path(base, section):
    return f"{base}sections/{section.id}/"


def task_status(page, title):
    item = page.locator(
        ".govuk-task-list__item",
        has=page.get_by_role("link", name=title, exact=True),
    )
    return item.locator(".govuk-task-list__status")


def listed_answers(page):
    """{question: answer} as the check-your-answers page lists them."""
    return page.evaluate(
        """() => Object.fromEntries(
            [...document.querySelectorAll('#answers .govuk-summary-list__row')].map(
                (row) => [
                    row.querySelector('dt').innerText.trim(),
                    row.querySelector('dd').innerText.trim(),
                ]
            )
        )"""
    )


def check_every_answer_is_listed(page, answers):
    listed = listed_answers(page)
    assert set(listed) == set(answers), (
        f"listed but not answered: {set(listed) - set(answers)}; "
        f"answered but not listed: {set(answers) - set(listed)}"
    )
    for question, answer in answers.items():
        if answer is None:
            assert listed[question] == "Not provided", (question, listed[question])
        else:
            assert answer in listed[question], (question, answer, listed[question])
    expect(page.locator("#answers")).not_to_contain_text("Not answered")
    expect(page.locator("#answers")).not_to_contain_text("Incomplete")


def check_profile(page, version, where, *, check):
    instrument = version.instrument
    expect(page.get_by_role("heading", level=2, name="In a few words")).to_be_visible()
    summary = page.locator("#profile-summary")
    expect(summary).to_be_visible()
    assert len(summary.inner_text().strip()) > 20, summary.inner_text()

    chart = page.locator("figure.app-chart--bar").first
    expect(chart.locator("figcaption")).to_have_text("Strengths by area")
    strength_areas = [str(d.title) for d in instrument.domains if d.strength]
    expect(chart.locator(".app-chart__label")).to_have_text(strength_areas)
    expect(chart.locator(".app-chart__bar").first).to_be_attached()

    # The table with every number sits in a details element: open it, so it
    # is seen (and checked by axe) as someone who opens it sees it.
    check(page, where)
    table = page.locator("#profile-table")
    expect(table).to_be_hidden()
    page.get_by_text("Show every number").click()
    expect(table).to_be_visible()
    row_headers = table.locator("tbody th[scope=row]").all_inner_texts()
    for area in strength_areas:
        assert area in row_headers, (area, row_headers)
    check(page, f"{where}, every number shown")


def test_a_person_completes_an_assessment_alone_on_a_phone(
    world, instruments, live_server, new_phone_page
):
    version = instruments[DEFAULT]
    sections = version.instrument.sections
    person = world.alices_person
    _link, token = actions.issue_link(person, version, by=world.alice)
    link_url = f"{live_server.url}/en/a/{token}/"

    # First visit: no account, only the link.
    page = new_phone_page()
    page.goto(link_url)
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        str(version.instrument.title)
    )
    expect(page.get_by_text(f"You have completed 0 of {len(sections)}")).to_be_visible()
    for section in sections:
        expect(task_status(page, str(section.title))).to_have_text("Incomplete")
    check_phone_page(page, "the task list")

    page.get_by_role("link", name="Start now").click()
    expect(page).to_have_url(section_path(link_url, sections[0]))
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(str(sections[0].title))
    check_phone_page(page, "the first question page")

    # Continuing without answering anything.
    continue_from_section(page)
    expect(page).to_have_url(section_path(link_url, sections[0]))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    page.wait_for_function(
        "() => !!document.activeElement?.closest('.govuk-error-summary')", timeout=5_000
    )
    expect(summary).to_be_focused()
    assert page.title().startswith("Error:"), page.title()
    required = [item for item in sections[0].items if not item.optional]
    expect(summary.get_by_role("link")).to_have_count(len(required))
    first_input = page.locator("main form input:not([type=hidden])").first
    first_id = first_input.get_attribute("id")
    first_link = summary.get_by_role("link").first
    expect(first_link).to_have_attribute("href", f"#{first_id}")
    expect(first_link).to_contain_text(str(required[0].text))
    check_phone_page(page, "the first question page with errors")
    first_link.click()
    expect(first_input).to_be_focused()

    # A few sections, then the phone is put down.
    answers = {}
    for number, section in enumerate(sections[:SECTIONS_BEFORE_STOPPING]):
        expect(page).to_have_url(section_path(link_url, section))
        answers |= answer_section(page)
        continue_from_section(page)
        expect(page).to_have_url(section_path(link_url, sections[number + 1]))
    page.close()

    # Coming back later, in a fresh browser: the answers were kept.
    page = new_phone_page()
    page.goto(link_url)
    settle(page)
    expect(
        page.get_by_text(
            f"You have completed {SECTIONS_BEFORE_STOPPING} of {len(sections)} sections."
        )
    ).to_be_visible()
    for number, section in enumerate(sections):
        expect(task_status(page, str(section.title))).to_have_text(
            "Completed" if number < SECTIONS_BEFORE_STOPPING else "Incomplete"
        )
    expect(page.get_by_role("link", name="Start now")).to_have_count(0)
    check_phone_page(page, "the task list part done")
    page.get_by_role("link", name="Continue", exact=True).click()
    expect(page).to_have_url(section_path(link_url, sections[SECTIONS_BEFORE_STOPPING]))
    settle(page)

    for number, section in enumerate(
        sections[SECTIONS_BEFORE_STOPPING:], start=SECTIONS_BEFORE_STOPPING
    ):
        expect(page).to_have_url(section_path(link_url, section))
        expect(page.get_by_role("heading", level=1)).to_have_text(str(section.title))
        assert_fits_a_phone(page, f"section {number + 1}")
        answers |= answer_section(page)
        continue_from_section(page)

    expect(page).to_have_url(f"{link_url}check/")
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    check_every_answer_is_listed(page, answers)
    assert len(answers) == len(version.instrument.items)
    check_phone_page(page, "check your answers")

    page.get_by_role("button", name="Submit and see results").click()
    expect(page).to_have_url(f"{link_url}done/")
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")
    check_profile(page, version, "the results", check=check_phone_page)

    submitted = Assessment.objects.submitted().get(person=person)
    assert submitted.mode == Assessment.Mode.SELF
    assert submitted.answers.get("most-help") is None

    # The link has done its job.
    page = new_phone_page()
    response = page.goto(link_url)
    assert response.status == 410
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link has already been used"
    )
    check_phone_page(page, "the used link")


def test_a_navigator_completes_an_assessment_with_a_person(
    world, instruments, live_server, page
):
    version = instruments[DEFAULT]
    sections = version.instrument.sections
    person = world.alices_person
    earlier = complete_assessment(
        person,
        version,
        plausible_answers(version.instrument, random.Random(7), 0.1),
        by=world.alice,
        when=timezone.now() - datetime.timedelta(days=90),
    )

    sign_in(page, live_server, world.alice.email)
    page.goto(f"{live_server.url}/en/people/{person.pk}/assessments/")
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessments")
    assert_accessible(page, "the person's assessments")

    page.get_by_role("link", name="Start an assessment together").click()
    expect(page).to_have_url(
        f"{live_server.url}/en/people/{person.pk}/assessments/new/"
    )
    settle(page)
    expect(
        page.get_by_role("radio", name=str(version.instrument.title), exact=True)
    ).to_be_checked()
    assert_accessible(page, "choosing a questionnaire")
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/assessments/\d+/$"))
    settle(page)
    base = page.url
    expect(page.get_by_text(person.display_name).first).to_be_visible()
    assert_accessible(page, "the task list")

    page.get_by_role("link", name="Start now").click()
    answers = {}
    for section in sections:
        expect(page).to_have_url(section_path(base, section))
        settle(page)
        answers |= answer_section(page)
        continue_from_section(page)

    expect(page).to_have_url(f"{base}check/")
    check_every_answer_is_listed(page, answers)
    page.get_by_role("button", name="Submit and see results").click()
    expect(page).to_have_url(f"{base}profile/")
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Results for {person.display_name}"
    )

    expect(
        page.get_by_role("heading", level=2, name="What has changed")
    ).to_be_visible()
    expect(page.locator("#profile-change")).not_to_be_empty()
    dumbbells = page.locator("figure.app-chart--dumbbell")
    expect(dumbbells).to_have_count(1)
    expect(dumbbells.locator("figcaption")).to_have_text("What has changed")
    expect(dumbbells.locator(".app-chart__earlier").first).to_be_attached()
    expect(dumbbells.locator(".app-chart__later").first).to_be_attached()
    expect(dumbbells.locator(".app-chart__legend-text").first).to_contain_text(
        "Earlier"
    )
    expect(page.locator("#change-table tbody tr").first).to_be_visible()
    expect(
        page.get_by_role(
            "link",
            name=re.compile(rf"{timezone.localtime(earlier.submitted_at):%-d %B %Y}$"),
        )
    ).to_be_visible()
    check_profile(page, version, "the profile with change", check=assert_accessible)
    # The table of changes, like every other part, fits a phone's width.
    page.set_viewport_size(PHONE)
    expect(page.locator("#change-table")).to_be_visible()
    assert_fits_a_phone(page, "the profile with change")

    submitted = Assessment.objects.submitted().filter(person=person)
    assert submitted.count() == 2
    latest = submitted.exclude(pk=earlier.pk).get()
    assert page.url.endswith(f"/en/assessments/{latest.pk}/profile/")
    assert latest.mode == Assessment.Mode.WITH_NAVIGATOR
    assert latest.submitted_by == world.alice


def test_double_clicking_submit_makes_one_assessment(
    world, instruments, live_server, new_phone_page
):
    version = instruments[DEFAULT]
    person = world.alices_person
    answers = plausible_answers(version.instrument, random.Random(3), 0.5)
    draft, _created = actions.start_assessment(
        person, version, by=None, mode=Assessment.Mode.SELF
    )
    for section in version.instrument.sections:
        actions.save_section(
            draft,
            section,
            {i.id: answers[i.id] for i in section.items if i.id in answers},
            by=None,
        )
    _link, token = actions.issue_link(person, version, by=world.alice)
    link_url = f"{live_server.url}/en/a/{token}/"

    page = new_phone_page()
    page.goto(f"{link_url}check/")
    settle(page)
    page.get_by_role("button", name="Submit and see results").dblclick()
    expect(page).to_have_url(f"{link_url}done/")
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")

    assert Assessment.objects.filter(person=person).count() == 1
    submitted = Assessment.objects.submitted().get(person=person)
    assert submitted.pk == draft.pk
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.SUBMIT, record_id=str(draft.pk)
        ).count()
        == 1
    )
