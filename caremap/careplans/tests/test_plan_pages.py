"""A person's plan, its maps, and starting a plan from a suggestion."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caremap.careplans import actions
from caremap.careplans.models import CarePlan, Goal

SVG = "{http://www.w3.org/2000/svg}"


def soup_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def fill(plan, by, goals=1):
    """Goals with a step, a strength, a resource and a barrier each."""
    made = []
    for n in range(goals):
        goal = actions.add_goal(
            plan,
            by=by,
            wording=f"Goal number {n}",
            domain="social-support",
            proposed_by=Goal.ProposedBy.TOGETHER,
            person_agreed=True,
        )
        actions.add_action(
            goal,
            by=by,
            what=f"First step for goal {n}",
            who="person",
            due_on=timezone.localdate() + datetime.timedelta(days=7),
            how_we_know="We talk about it next week",
        )
        actions.add_strength(
            goal, by=by, wording="Good friends", domain="social-support"
        )
        actions.add_resource(goal, by=by, name="The library")
        actions.add_barrier(
            goal, by=by, wording="Evenings are hard", solutions=["Go in the morning"]
        )
        made.append(goal)
    return made


@pytest.fixture
def plan(world):
    plan, _ = actions.start_plan(world.alices_person, by=world.alice)
    return plan


def test_a_person_without_a_plan_is_offered_one(world, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:person-plan", args=[world.alices_person.pk])
    page = soup_of(client.get(url))
    assert page.find("button", string="Start the plan") is not None
    response = client.post(url)
    plan = CarePlan.objects.get(person=world.alices_person)
    assert (
        response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    )
    # Starting again finds the same plan.
    client.post(url)
    assert CarePlan.objects.count() == 1


def test_starting_from_a_suggestion_goes_on_to_the_goal(world, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:person-plan", args=[world.alices_person.pk])
    response = client.post(url, {"template": "housing-safe-home", "assessment": "9"})
    plan = CarePlan.objects.get()
    assert response["Location"] == (
        reverse("careplans:goal-add", args=[plan.pk])
        + "?template=housing-safe-home&assessment=9"
    )
    again = client.get(url + "?template=housing-safe-home")
    assert again["Location"].endswith("?template=housing-safe-home")


def test_who_may_open_a_plan(world, sign_in, plan, client):
    url = plan.get_absolute_url()
    assert sign_in(world.bob).get(url).status_code == 200  # same team
    assert sign_in(world.oscar).get(url).status_code == 404
    assert sign_in(world.cara).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    start = reverse("careplans:person-plan", args=[world.alices_person.pk])
    assert sign_in(world.oscar).post(start).status_code == 404
    assert CarePlan.objects.count() == 1


def test_the_plan_page_shows_every_part(world, sign_in, plan):
    (goal,) = fill(plan, world.alice)
    page = soup_of(sign_in(world.alice).get(plan.get_absolute_url()))
    card = page.find(id=f"goal-{goal.pk}")
    text = card.get_text(" ", strip=True)
    for words in (
        "Goal number 0",
        "First step for goal 0",
        "We will know when: We talk about it next week",
        "Good friends",
        "The library",
        "Evenings are hard",
        "Go in the morning",
    ):
        assert words in text, words
    links = {a["href"] for a in card.find_all("a")}
    assert reverse("careplans:goal-map", args=[goal.pk]) in links
    assert reverse("careplans:action-add", args=[goal.pk]) in links


def test_a_closed_plan_cannot_be_changed_from_its_page(world, sign_in, plan):
    fill(plan, world.alice)
    CarePlan.objects.filter(pk=plan.pk).update(status=CarePlan.Status.CLOSED)
    page = soup_of(sign_in(world.alice).get(plan.get_absolute_url()))
    assert "This plan is closed" in page.get_text()
    assert page.find("a", string="Add a goal") is None


def test_viewing_a_plan_is_audited(world, sign_in, plan):
    from caremap.privacy.models import AuditEvent

    before = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count()
    sign_in(world.alice).get(plan.get_absolute_url())
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count() == before + 1
    )


def svg_of(page):
    svg = page.find("svg")
    tree = ET.fromstring(str(svg))  # noqa: S314 - our own page, in a test
    return tree


def test_the_goal_map_links_each_box_to_its_form(world, sign_in, plan):
    (goal,) = fill(plan, world.alice)
    page = soup_of(
        sign_in(world.alice).get(reverse("careplans:goal-map", args=[goal.pk]))
    )
    tree = svg_of(page)
    hrefs = {a.get("href") for a in tree.iter(f"{SVG}a")}
    step = goal.actions.get()
    barrier = goal.barriers.get()
    assert reverse("careplans:goal-edit", args=[goal.pk]) in hrefs
    assert reverse("careplans:action-edit", args=[step.pk]) in hrefs
    assert reverse("careplans:barrier-edit", args=[barrier.pk]) in hrefs
    outline = page.get_text(" ", strip=True)
    assert "Go in the morning" in outline


def test_the_plan_map_puts_each_strength_once(world, sign_in, plan):
    fill(plan, world.alice, goals=3)
    page = soup_of(
        sign_in(world.alice).get(reverse("careplans:plan-map", args=[plan.pk]))
    )
    tree = svg_of(page)
    texts = " ".join(t for t in tree.itertext())
    assert texts.count("Good friends") == 1
    assert texts.count("Evenings are hard") == 1
    assert all(f"Goal number {n}" in texts for n in range(3))


@pytest.mark.parametrize(
    "name", ["careplans:plan", "careplans:plan-map"], ids=["plan", "plan-map"]
)
def test_plan_pages_cost_the_same_with_more_goals(world, sign_in, name):
    counts = []
    for person, goals in ((world.alices_person, 1), (world.bobs_person, 10)):
        plan, _ = actions.start_plan(person, by=world.mia)
        fill(plan, world.mia, goals=goals)
        client = sign_in(world.mia)
        with CaptureQueriesContext(connection) as queries:
            soup_of(client.get(reverse(name, args=[plan.pk])))
        counts.append(len(queries))
    assert counts[1] <= counts[0], counts


def test_the_goal_map_costs_the_same_with_more_parts(world, sign_in, plan):
    goal, bigger = fill(plan, world.alice, goals=2)
    for n in range(8):
        actions.add_action(
            bigger,
            by=world.alice,
            what=f"Step {n}",
            who="person",
            due_on=timezone.localdate(),
        )
        actions.add_barrier(
            bigger, by=world.alice, wording=f"Barrier {n}", solutions=["x", "y"]
        )
    client = sign_in(world.alice)
    counts = []
    for target in (goal, bigger):
        with CaptureQueriesContext(connection) as queries:
            soup_of(client.get(reverse("careplans:goal-map", args=[target.pk])))
        counts.append(len(queries))
    assert counts[1] <= counts[0], counts


def pdf_text(string):
    """A PDF string object's text: (literal) or <hex UTF-16 with a BOM>."""
    if string.startswith(b"<"):
        return bytes.fromhex(string[1:-1].decode()).decode("utf-16")
    return string[1:-1].decode("latin-1")


def test_the_plan_downloads_as_a_pdf_with_a_page_per_map(world, sign_in, plan):
    from caremap.privacy.models import AuditEvent
    from caremap.tests.test_pdf import page_sizes, pdf_objects

    fill(plan, world.alice, goals=2)
    client = sign_in(world.alice)
    response = client.get(reverse("careplans:plan-pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert pdf.startswith(b"%PDF-")
    assert page_sizes(pdf) == {(595.28, 841.89)}
    objects = pdf_objects(pdf)
    # The outline, the plan map and one map per goal: at least four pages.
    assert len(re.findall(rb"/Type\s*/Page\b", objects)) >= 4
    # Tagged PDF/UA-1 in the page's language, and each map a figure whose
    # alternative text says what it shows.
    assert b"/StructTreeRoot" in objects
    assert b'pdfuaid:part="1"' in objects
    assert b"/Lang (en)" in objects
    alts = [
        pdf_text(alt) for alt in re.findall(rb"/Alt\s*(\([^)]*\)|<[^>]*>)", objects)
    ]
    assert len(alts) == 1 + plan.goals.count()
    for goal in plan.goals.all():
        assert any(goal.wording in alt for alt in alts), (goal.wording, alts)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, person=world.alices_person
    ).exists()
    letter = client.get(reverse("careplans:plan-pdf", args=[plan.pk]) + "?size=letter")
    assert page_sizes(letter.content) == {(612.0, 792.0)}
    assert (
        sign_in(world.oscar)
        .get(reverse("careplans:plan-pdf", args=[plan.pk]))
        .status_code
        == 404
    )


def test_a_step_with_a_service_offers_a_referral(world, sign_in, plan):
    from caremap.directory import demo
    from caremap.directory.actions import load_demo_directory

    load_demo_directory(world.area)
    (goal,) = fill(plan, world.alice)
    service = demo.service_id_for("Afon Valley Peer Mentoring")
    goal.actions.update(service_id=service)
    page = soup_of(sign_in(world.alice).get(plan.get_absolute_url()))
    link = page.find("a", href=re.compile(r"/referrals/new/\?service="))
    assert link["href"] == (
        reverse("referrals:create", args=[world.alices_person.pk])
        + f"?service={service}"
    )
    # The referral form opens with that service chosen.
    response = sign_in(world.alice).get(link["href"])
    assert response.status_code == 200
    assert "Afon Valley Peer Mentoring" in response.content.decode()


def test_a_manager_sets_how_often_plans_are_reviewed(world, sign_in):
    from caremap.careplans.models import PlanSettings
    from caremap.privacy.models import AuditEvent

    url = reverse("careplans:plan-settings", args=[world.riverside.pk])
    assert sign_in(world.alice).get(url).status_code == 403
    assert sign_in(world.hugo).get(url).status_code == 403
    client = sign_in(world.mia)
    page = soup_of(client.get(url))
    assert page.find("input", attrs={"name": "review_every_days"})["value"] == "90"
    bad = soup_of(client.post(url, {"review_every_days": "3"}))
    assert "Reviews must be at least 7 days apart" in bad.get_text()
    assert not PlanSettings.objects.exists()
    response = client.post(url, {"review_every_days": "60"})
    assert response.status_code == 302
    assert (
        PlanSettings.objects.get(organisation=world.riverside).review_every_days == 60
    )
    assert AuditEvent.objects.filter(summary="Reviews every 60 days").exists()
    today = datetime.date(2026, 11, 27)
    plan, _ = actions.start_plan(world.alices_person, by=world.alice, today=today)
    assert plan.review_due_on == datetime.date(2027, 1, 26)
    detail = client.get(
        reverse("organisations:organisation-detail", args=[world.riverside.pk])
    )
    assert url in detail.content.decode()
