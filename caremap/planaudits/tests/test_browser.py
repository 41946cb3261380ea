"""On a 360px phone, in a real Chromium: the overview, drawing a sample and
judging a plan, each page passing axe (WCAG 2.2 AA) and fitting the screen."""

import pytest
from playwright.sync_api import expect

from caremap.planaudits.models import PlanAudit
from caremap.planaudits.tests.conftest import good_plan
from caremap.testing.browser import check_on_a_phone, new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_audits_plans_on_a_phone(world, live_server, browser):
    for person in (world.alices_person, world.bobs_person):
        good_plan(person, by=world.mia)
    page = new_page(browser, phone=True)
    sign_in(page, live_server, world.mia.email)
    page.goto(
        f"{live_server.url}/en/organisation/{world.riverside.pk}/care-plan-audits/"
    )
    check_on_a_phone(page, "the care-plan audit overview")

    page.get_by_role("link", name="Draw a new sample").click()
    check_on_a_phone(page, "the draw form")
    page.get_by_label("How many plans should the sample have?").fill("3")
    page.get_by_role("button", name="Draw the sample").click()
    check_on_a_phone(page, "the draw form with a mistake")
    expect(page.locator("#id_size_error")).to_contain_text("at most 2 plans")
    page.get_by_label("How many plans should the sample have?").fill("2")
    page.get_by_role("button", name="Draw the sample").click()
    check_on_a_phone(page, "the sample audit")

    page.get_by_role("link", name="Judge this plan").first.click()
    check_on_a_phone(page, "the judgement form")
    page.get_by_role("button", name="Save and go to the next plan").click()
    check_on_a_phone(page, "the judgement form with mistakes")
    expect(page.locator("#id_own_words_error")).to_contain_text("Answer yes or no")
    for question in (
        "Are the goals in the person’s own words?",
        "Does every goal have at least one SMART step?",
        "Does every step say who will do it and by when?",
        "Are the person’s strengths and community resources linked to the goals?",
        "Has the plan been reviewed in the last 90 days?",
        "Is the person’s agreement to the goals recorded?",
        "Is the wording hopeful and built on strengths?",
    ):
        page.get_by_role("group", name=question).get_by_label("Yes").check()
    page.get_by_role(
        "group", name="Does the plan follow from the latest assessment?"
    ).get_by_label("Not applicable").check()
    page.get_by_role("button", name="Save and go to the next plan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "next plan still to judge"
    )
    audit = PlanAudit.objects.get()
    assert audit.items.filter(reviewed_at__isnull=False).count() == 1

    page.goto(f"{live_server.url}{audit.get_absolute_url()}")
    page.get_by_role("link", name="See the results").click()
    check_on_a_phone(page, "the results")
    page.goto(
        f"{live_server.url}/en/organisation/{world.riverside.pk}/care-plan-audits/{audit.pk}/complete/"
    )
    page.get_by_role("button", name="Complete the audit").click()
    check_on_a_phone(page, "the completion refused")
