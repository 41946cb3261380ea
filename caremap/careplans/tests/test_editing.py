"""The outline editor's pages: who may use them, what they save, what they
say when input is wrong or the plan moved on, and what they cost."""

import datetime
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from caremap.assessments.samples import complete_assessment, plausible_answers
from caremap.careplans import actions
from caremap.careplans.models import (
    Action,
    Barrier,
    CarePlan,
    Goal,
    PlanChange,
    Resource,
    Strength,
)
from caremap.careplans.tests.support import (
    assert_error,
    date_parts,
    goal_data,
    in_future,
    revision,
    soup_of,
    step_data,
)
from caremap.directory.models import Listing
from caremap.privacy.models import AuditEvent

TEMPLATE_ID = "housing-safe-home"
TEMPLATE_TITLE = "A safe and settled place to live"


# Every page, and who may open it.


def page_urls(world, plan, goal, step):
    strength = actions.add_strength(goal, by=world.alice, wording="A good friend")
    resource = actions.add_resource(goal, by=world.alice, name="The library")
    barrier = actions.add_barrier(
        goal, by=world.alice, wording="Bad weather", solutions=["Take a coat"]
    )
    return [
        reverse("careplans:goal-add", args=[plan.pk]),
        reverse("careplans:goal-edit", args=[goal.pk]),
        reverse("careplans:action-add", args=[goal.pk]),
        reverse("careplans:action-edit", args=[step.pk]),
        reverse("careplans:strength-add", args=[goal.pk]),
        reverse("careplans:resource-add", args=[goal.pk]),
        reverse("careplans:barrier-add", args=[goal.pk]),
        reverse("careplans:barrier-edit", args=[barrier.pk]),
        reverse("careplans:goal-remove", args=[goal.pk]),
        reverse("careplans:action-remove", args=[step.pk]),
        reverse("careplans:strength-remove", args=[strength.pk]),
        reverse("careplans:resource-remove", args=[resource.pk]),
        reverse("careplans:barrier-remove", args=[barrier.pk]),
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 200), ("bob", 200), ("oscar", 404), ("cara", 403)],
)
def test_who_may_open_each_page(world, plan, goal, step, sign_in, persona, expected):
    client = sign_in(getattr(world, persona))
    for url in page_urls(world, plan, goal, step):
        assert client.get(url).status_code == expected, url


def test_refused_people_cannot_post_either(world, plan, goal, sign_in):
    before = revision(plan)
    for persona, expected in [("oscar", 404), ("cara", 403)]:
        client = sign_in(getattr(world, persona))
        url = reverse("careplans:goal-add", args=[plan.pk])
        assert client.post(url, goal_data(plan)).status_code == expected
        url = reverse("careplans:goal-remove", args=[goal.pk])
        assert client.post(url, {"revision": before}).status_code == expected
    assert revision(plan) == before
    assert Goal.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()


def test_anonymous_visitors_are_asked_to_sign_in(world, plan, goal, step, client):
    for url in page_urls(world, plan, goal, step):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:sign-in")) or (
            "login" in response.url or "sign-in" in response.url
        )


def test_a_missing_item_is_not_found(world, plan, sign_in):
    client = sign_in(world.alice)
    assert client.get(reverse("careplans:goal-edit", args=[999])).status_code == 404
    assert (
        client.get(reverse("careplans:strength-remove", args=[999])).status_code == 404
    )


def test_a_closed_plan_cannot_be_changed(world, plan, goal, step, sign_in):
    CarePlan.objects.filter(pk=plan.pk).update(status=CarePlan.Status.CLOSED)
    client = sign_in(world.alice)
    for url in page_urls(world, plan, goal, step):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"This plan is closed" in response.content
    response = client.post(
        reverse("careplans:goal-add", args=[plan.pk]), goal_data(plan)
    )
    assert response.status_code == 403
    assert Goal.objects.count() == 1


# Goals.


def test_adding_a_goal(world, plan, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:goal-add", args=[plan.pk])
    page = soup_of(client.get(url))
    assert "write one from scratch" in page.get_text().lower()
    assert page.select_one("input[name=revision]")["value"] == str(revision(plan))
    response = client.post(
        url,
        goal_data(
            plan,
            domain="housing-and-safety",
            **date_parts("target_date", in_future(60)),
        ),
    )
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert (
        response.url == reverse("careplans:plan", args=[plan.pk]) + f"#goal-{goal.pk}"
    )
    assert (goal.wording, goal.domain, goal.proposed_by, goal.person_agreed) == (
        "Find a place of my own",
        "housing-and-safety",
        "together",
        True,
    )
    assert goal.target_date == in_future(60)
    change = PlanChange.objects.get(plan=plan, revision=2)
    assert (change.summary, change.by) == (
        "Goal added: Find a place of my own",
        world.alice,
    )
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, summary=change.summary
    ).exists()
    followed = client.get(response.url)
    assert b"Goal added: Find a place of my own" in followed.content


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"wording": "  "}, "Write the goal in your own words"),
        ({"person_agreed": ""}, "Tick the box to say you agree with this goal"),
        ({"proposed_by": ""}, "Choose whose idea the goal was"),
        (
            date_parts("target_date", datetime.date(2020, 1, 1)),
            "The date must be today or in the future",
        ),
    ],
)
def test_goal_mistakes_are_shown_and_input_kept(world, plan, sign_in, change, message):
    client = sign_in(world.alice)
    url = reverse("careplans:goal-add", args=[plan.pk])
    data = goal_data(plan, **{"wording": "Sleep better", **change})
    data = {key: value for key, value in data.items() if value != ""}
    response = client.post(url, data)
    assert_error(response, message)
    assert not Goal.objects.exists()
    assert revision(plan) == 1
    page = soup_of(response)
    if "wording" not in change:
        assert (
            page.select_one("textarea[name=wording]").get_text().strip()
            == "Sleep better"
        )


def test_a_template_gives_a_starting_point(world, plan, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:goal-add", args=[plan.pk])
    page = soup_of(client.get(f"{url}?template={TEMPLATE_ID}"))
    assert (
        page.select_one("textarea[name=wording]").get_text().strip() == TEMPLATE_TITLE
    )
    assert page.select_one("input[name=template]")["value"] == TEMPLATE_ID
    assert (
        page.select_one("select[name=domain] option[selected]")["value"]
        == "housing-and-safety"
    )
    assert "Change it into your own words" in page.get_text()
    response = client.post(
        url,
        goal_data(
            plan,
            wording="Somewhere I feel safe",
            template=TEMPLATE_ID,
            domain="housing-and-safety",
        ),
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.wording, goal.template) == ("Somewhere I feel safe", TEMPLATE_ID)


def test_a_template_from_the_persons_assessment(world, plan, sign_in, instruments):
    version = instruments["recovery-capital-profile"]
    assessment = complete_assessment(
        world.alices_person,
        version,
        plausible_answers(version.instrument, random.Random(3), 0),
        by=world.alice,
        when=timezone.now(),
    )
    client = sign_in(world.alice)
    url = reverse("careplans:goal-add", args=[plan.pk])
    page = soup_of(
        client.get(f"{url}?template={TEMPLATE_ID}&assessment={assessment.pk}")
    )
    assert (
        page.select_one("textarea[name=wording]").get_text().strip() == TEMPLATE_TITLE
    )


def test_an_unknown_template_gives_a_blank_goal(world, plan, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:goal-add", args=[plan.pk])
    page = soup_of(client.get(f"{url}?template=no-such-thing"))
    assert page.select_one("textarea[name=wording]").get_text().strip() == ""


def test_changing_a_goal(world, plan, goal, sign_in):
    client = sign_in(world.bob)
    url = reverse("careplans:goal-edit", args=[goal.pk])
    page = soup_of(client.get(url))
    assert page.select_one("textarea[name=wording]").get_text().strip() == goal.wording
    response = client.post(
        url, goal_data(plan, wording="Walk every day", status="achieved")
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#goal-{goal.pk}")
    goal.refresh_from_db()
    assert (goal.wording, goal.status) == ("Walk every day", "achieved")
    assert PlanChange.objects.filter(
        summary="Goal changed: Walk every day", by=world.bob
    ).exists()


def test_a_goal_may_keep_a_target_date_that_has_passed(world, plan, goal, sign_in):
    Goal.objects.filter(pk=goal.pk).update(target_date=datetime.date(2020, 5, 1))
    client = sign_in(world.alice)
    response = client.post(
        reverse("careplans:goal-edit", args=[goal.pk]),
        goal_data(
            plan,
            status="active",
            **date_parts("target_date", datetime.date(2020, 5, 1)),
        ),
    )
    assert response.status_code == 302


# Someone else changed the plan, or the same form was sent twice.


def test_a_stale_form_lists_what_changed_and_keeps_the_input(world, plan, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:goal-add", args=[plan.pk])
    opened_at = revision(plan)
    actions.add_goal(
        plan,
        by=world.bob,
        wording="Cook a meal for my kids",
        proposed_by="person",
        person_agreed=True,
    )
    response = client.post(
        url, goal_data(plan, revision=opened_at, wording="Sleep well")
    )
    assert response.status_code == 200
    assert Goal.objects.count() == 1
    page = soup_of(response)
    banner = page.select_one("[aria-labelledby=changed-since-title]").get_text(
        " ", strip=True
    )
    assert "Bob Navigator added a goal: Cook a meal for my kids at " in banner
    assert "save again" in banner
    assert page.select_one("textarea[name=wording]").get_text().strip() == "Sleep well"
    assert page.select_one("input[name=revision]")["value"] == str(revision(plan))
    # Saving again applies the change on top.
    shown = page.select_one("input[name=revision]")["value"]
    response = client.post(url, goal_data(plan, revision=shown, wording="Sleep well"))
    assert response.status_code == 302
    assert sorted(Goal.objects.values_list("wording", flat=True)) == [
        "Cook a meal for my kids",
        "Sleep well",
    ]


def test_sending_the_same_goal_twice_adds_it_once(world, plan, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:goal-add", args=[plan.pk])
    data = goal_data(plan)
    first = client.post(url, data)
    second = client.post(url, data)
    goal = Goal.objects.get()
    assert first.url == second.url
    assert second.url.endswith(f"#goal-{goal.pk}")
    assert b"already saved" in client.get(second.url).content
    assert revision(plan) == 2


def test_a_stale_step_form_keeps_its_input(world, plan, goal, sign_in, directory):
    client = sign_in(world.alice)
    url = reverse("careplans:action-add", args=[goal.pk])
    opened_at = revision(plan)
    actions.add_strength(goal, by=world.bob, wording="Stubborn in a good way")
    response = client.post(
        url, step_data(plan, revision=opened_at, what="Ring Shelter")
    )
    assert response.status_code == 200
    page = soup_of(response)
    assert "Bob Navigator added a strength: Stubborn in a good way" in page.get_text()
    assert page.select_one("textarea[name=what]").get_text().strip() == "Ring Shelter"
    assert page.select_one("input[name=due_on_day]")["value"] == str(in_future().day)
    assert not Action.objects.exists()


# Steps.


def test_adding_a_step_with_a_community_resource(world, plan, goal, sign_in, directory):
    client = sign_in(world.alice)
    url = reverse("careplans:action-add", args=[goal.pk])
    page = soup_of(client.get(url))
    options = page.select("select[name=service] option")
    running = Listing.objects.in_area(world.area).running_on(timezone.localdate())
    # One of the 43 demo services has not started yet.
    assert len(options) == running.count() + 1 == 43
    names = [option.get_text() for option in options[1:]]
    assert names == sorted(names, key=str)
    listing = running.select_related("service").first()
    response = client.post(
        url,
        step_data(
            plan,
            who="someone-else",
            who_else="My sister",
            how_we_know="I have a date to view a flat",
            service=listing.service_id,
        ),
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#goal-{goal.pk}")
    step = Action.objects.get()
    assert (step.what, step.who, step.who_else, step.due_on, step.service_id) == (
        "Ring the housing team",
        "someone-else",
        "My sister",
        in_future(),
        listing.service_id,
    )
    assert PlanChange.objects.filter(
        summary="Step added: Ring the housing team"
    ).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"what": ""}, "Say what the step is"),
        (
            {"due_on_day": "", "due_on_month": "", "due_on_year": ""},
            "Enter the date it will be done by",
        ),
        (
            date_parts("due_on", datetime.date(2020, 1, 1)),
            "The date must be today or in the future",
        ),
        ({"due_on_month": ""}, "The date must include a month"),
        ({"who": "someone-else", "who_else": " "}, "Say who will do it"),
        ({"who": ""}, "Choose who will do it"),
    ],
)
def test_step_mistakes_are_shown(world, plan, goal, sign_in, change, message):
    client = sign_in(world.alice)
    url = reverse("careplans:action-add", args=[goal.pk])
    response = client.post(url, step_data(plan, **change))
    assert_error(response, message)
    assert not Action.objects.exists()


def test_a_step_may_keep_a_date_that_has_passed(world, plan, goal, step, sign_in):
    Action.objects.filter(pk=step.pk).update(due_on=datetime.date(2020, 5, 1))
    client = sign_in(world.alice)
    url = reverse("careplans:action-edit", args=[step.pk])
    page = soup_of(client.get(url))
    assert page.select_one("input[name=due_on_year]")["value"] == "2020"
    # "Who else?" is an ordinary box for everyone, not a conditional reveal
    # (which would put aria-expanded on a radio button).
    assert page.select_one("input[name=who_else]") is not None
    assert not page.select_one("input[value=someone-else]").has_attr(
        "data-aria-controls"
    )
    response = client.post(
        url,
        step_data(
            plan, status="done", **date_parts("due_on", datetime.date(2020, 5, 1))
        ),
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.status, step.what) == ("done", "Ring the housing team")
    assert PlanChange.objects.filter(
        summary="Step changed: Ring the housing team"
    ).exists()
    # Moving it to another past date is a mistake, though.
    response = client.post(
        url,
        step_data(
            plan, status="done", **date_parts("due_on", datetime.date(2020, 6, 1))
        ),
    )
    assert_error(response, "The date must be today or in the future")


# Strengths, resources, barriers.


def test_adding_a_strength_in_own_words(world, plan, goal, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:strength-add", args=[goal.pk])
    response = client.post(url, {"revision": revision(plan), "wording": ""})
    assert_error(response, "Enter a strength, in your own words")
    response = client.post(
        url, {"revision": revision(plan), "wording": "My dog gets me out"}
    )
    assert response.status_code == 302
    strength = Strength.objects.get()
    assert (strength.wording, strength.domain, strength.goal) == (
        "My dog gets me out",
        "",
        goal,
    )


def test_a_strength_picked_from_the_profile(world, plan, goal, sign_in, instruments):
    version = instruments["recovery-capital-profile"]
    assessment = complete_assessment(
        world.alices_person,
        version,
        plausible_answers(version.instrument, random.Random(7), 1),
        by=world.alice,
        when=timezone.now(),
    )
    green = assessment.scores["strengths"]
    if not green:
        pytest.skip("the sample answers gave no strengths")
    title = str(version.instrument.domain(green[0]).title)
    client = sign_in(world.alice)
    url = reverse("careplans:strength-add", args=[goal.pk])
    page = soup_of(client.get(url))
    labels = [
        label.get_text(strip=True) for label in page.select(".govuk-radios__label")
    ]
    assert title in labels
    response = client.post(url, {"revision": revision(plan), "pick": green[0]})
    assert response.status_code == 302
    strength = Strength.objects.get()
    assert (strength.wording, strength.domain) == (title, green[0])


def test_adding_a_resource(world, plan, goal, sign_in, directory):
    client = sign_in(world.alice)
    url = reverse("careplans:resource-add", args=[goal.pk])
    response = client.post(url, {"revision": revision(plan), "note": "Fun"})
    assert_error(
        response,
        "Choose a service from the directory or type the name of something else",
    )
    assert (
        soup_of(response).select_one("textarea[name=note]").get_text().strip() == "Fun"
    )
    listing = Listing.objects.select_related("service").first()
    response = client.post(
        url,
        {"revision": revision(plan), "service": listing.service_id, "note": "Friendly"},
    )
    assert response.status_code == 302
    response = client.post(
        url, {"revision": revision(plan), "name": "The allotment", "note": ""}
    )
    assert response.status_code == 302
    assert list(Resource.objects.values_list("name", "service_id", "note")) == [
        (listing.service.name, listing.service_id, "Friendly"),
        ("The allotment", None, ""),
    ]


def test_adding_and_changing_a_barrier(world, plan, goal, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:barrier-add", args=[goal.pk])
    response = client.post(url, {"revision": revision(plan), "wording": ""})
    assert_error(response, "Say what could get in the way")
    response = client.post(
        url,
        {
            "revision": revision(plan),
            "wording": "Bad weather",
            "solutions": "Take a coat\n\n  Walk indoors at the leisure centre \n",
        },
    )
    assert response.status_code == 302
    barrier = Barrier.objects.get()
    assert [s.wording for s in barrier.solutions.all()] == [
        "Take a coat",
        "Walk indoors at the leisure centre",
    ]
    url = reverse("careplans:barrier-edit", args=[barrier.pk])
    page = soup_of(client.get(url))
    assert "Take a coat" in page.select_one("textarea[name=solutions]").get_text()
    response = client.post(
        url,
        {"revision": revision(plan), "wording": "Rain", "solutions": "An umbrella"},
    )
    assert response.status_code == 302
    barrier.refresh_from_db()
    assert barrier.wording == "Rain"
    assert [s.wording for s in barrier.solutions.all()] == ["An umbrella"]
    assert PlanChange.objects.filter(summary="Barrier changed: Rain").exists()


# Removing.


def test_removing_asks_first(world, plan, goal, step, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:action-remove", args=[step.pk])
    page = soup_of(client.get(url))
    assert page.select_one("h1").get_text(strip=True) == "Remove this step?"
    assert step.what in page.get_text()
    assert Action.objects.exists()
    response = client.post(url, {"revision": revision(plan)})
    assert response.status_code == 302
    assert response.url.endswith(f"#goal-{goal.pk}")
    assert not Action.objects.exists()
    change = PlanChange.objects.order_by("revision").last()
    assert change.summary == f"Step removed: {step.what}"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DELETE, summary=change.summary
    ).exists()
    # Sent again, there is nothing left to remove.
    assert client.post(url, {"revision": revision(plan)}).status_code == 404


def test_removing_a_goal_takes_what_is_under_it(world, plan, goal, step, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:goal-remove", args=[goal.pk])
    page = soup_of(client.get(url))
    assert page.select_one("h1").get_text(strip=True) == "Remove this goal?"
    assert "Everything under this goal goes too" in page.get_text()
    response = client.post(url, {"revision": revision(plan)})
    assert response.url == reverse("careplans:plan", args=[plan.pk])
    assert not Goal.objects.exists() and not Action.objects.exists()


def test_removing_from_a_stale_page_asks_again(world, plan, goal, step, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:action-remove", args=[step.pk])
    opened_at = revision(plan)
    actions.add_strength(goal, by=world.bob, wording="Patience")
    response = client.post(url, {"revision": opened_at})
    assert response.status_code == 200
    assert Action.objects.exists()
    page = soup_of(response)
    assert "Bob Navigator added a strength: Patience" in page.get_text()
    assert page.select_one("input[name=revision]")["value"] == str(revision(plan))


# What the pages cost.


def test_the_goal_form_costs_a_fixed_number_of_queries(
    world, plan, goal, sign_in, django_assert_max_num_queries
):
    client = sign_in(world.alice)
    with django_assert_max_num_queries(16):
        assert (
            client.get(reverse("careplans:goal-add", args=[plan.pk])).status_code == 200
        )
    with django_assert_max_num_queries(16):
        assert (
            client.get(reverse("careplans:goal-edit", args=[goal.pk])).status_code
            == 200
        )
    data = goal_data(plan)
    with django_assert_max_num_queries(30):
        response = client.post(reverse("careplans:goal-add", args=[plan.pk]), data)
        assert response.status_code == 302


def test_the_step_form_costs_the_same_however_big_the_directory(
    world, plan, goal, step, sign_in, directory, django_assert_max_num_queries
):
    client = sign_in(world.alice)
    with django_assert_max_num_queries(16):
        assert (
            client.get(reverse("careplans:action-add", args=[goal.pk])).status_code
            == 200
        )
    with django_assert_max_num_queries(16):
        assert (
            client.get(reverse("careplans:action-edit", args=[step.pk])).status_code
            == 200
        )
    data = step_data(plan)
    with django_assert_max_num_queries(30):
        response = client.post(reverse("careplans:action-add", args=[goal.pk]), data)
        assert response.status_code == 302


def test_every_page_has_a_title_and_one_heading_in_both_languages(
    world, plan, goal, step, sign_in
):
    client = sign_in(world.alice)
    urls = page_urls(world, plan, goal, step)
    for url in urls + [url.replace("/en/", "/cy/", 1) for url in urls]:
        response = client.get(url)
        assert response.status_code == 200, url
        page = soup_of(response)
        assert len(page.select("main h1")) == 1, url
        assert page.title.get_text(strip=True), url
