"""Editing in place with htmx: the plan page's links open each editor where
they are, a save redraws the goals with a note beside the one changed, and
mistakes, stale pages, double sends and sign-outs behave as they do on the
editor's own page. The requests carry htmx's headers, as the browser's do."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from caremap.careplans import actions
from caremap.careplans.models import Action, Goal, PlanChange
from caremap.careplans.tests.support import (
    goal_data,
    revision,
    soup_of,
    step_data,
)
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import PASSWORD


def htmx(place):
    """The headers htmx sends for a request that will swap into `place`."""
    return {
        "HTTP_HX_REQUEST": "true",
        "HTTP_HX_TARGET": place,
        "HTTP_HX_CURRENT_URL": "http://testserver/",
    }


def in_place_links(client, plan):
    """Every link on the plan page that opens an editor in place, with the
    place it opens in."""
    page = soup_of(client.get(reverse("careplans:plan", args=[plan.pk])))
    links = []
    for link in page.select("a[hx-get]"):
        holder = link.find_parent(attrs={"hx-target": True})
        target = link.get("hx-target") or holder["hx-target"]
        links.append((link["href"], link["hx-get"], target))
    return page, links


@pytest.fixture
def full_plan(world, plan, goal, step):
    actions.add_strength(goal, by=world.alice, wording="A good friend")
    actions.add_resource(goal, by=world.alice, name="The library")
    actions.add_barrier(
        goal, by=world.alice, wording="Bad weather", solutions=["Take a coat"]
    )
    return plan


def test_every_editor_link_keeps_its_page_and_has_a_place(world, full_plan, sign_in):
    client = sign_in(world.alice)
    page, links = in_place_links(client, full_plan)
    kinds = {href.rstrip("/").rsplit("/", 1)[-1] for href, _get, _target in links}
    # Add a goal; change and remove the goal, its step and its barrier; add a
    # step, strength, resource and barrier; remove the strength and resource.
    assert len(links) == 1 + 6 + 4 + 2
    assert kinds == {"new", "edit", "remove"}
    for href, get, target in links:
        # Without scripts the link is an ordinary link to the same editor.
        assert href == get
        # The place exists on the page, empty until an editor opens in it.
        place = page.select_one(target)
        assert place is not None, target
        assert place.get_text(strip=True) == ""


def test_each_editor_opens_in_place_as_a_fragment(world, full_plan, sign_in):
    client = sign_in(world.alice)
    _page, links = in_place_links(client, full_plan)
    for _href, url, target in links:
        place = target.removeprefix("#")
        response = client.get(url, **htmx(place))
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<html" not in html, url
        fragment = soup_of(response)
        form = fragment.select_one("form")
        # It answers into the same place, and still works as an ordinary form.
        assert form["hx-post"] == url
        assert form["action"] == url
        assert form["hx-target"] == target
        assert fragment.select_one("[data-focus]")["id"] == f"{place}-heading"
        # Field ids carry the place, so two open editors never clash.
        for field in fragment.select("input:not([type=hidden]), textarea, select"):
            assert field["id"].startswith(f"{place}-"), (url, field["id"])
        assert fragment.select_one(f"[data-close-editor='{target}']")["href"]


def test_a_heading_sits_one_level_below_where_the_editor_opens(
    world, plan, goal, sign_in
):
    client = sign_in(world.alice)
    new_goal = client.get(
        reverse("careplans:goal-add", args=[plan.pk]), **htmx("new-goal")
    )
    assert soup_of(new_goal).select_one("h2[data-focus]")
    new_step = client.get(
        reverse("careplans:action-add", args=[goal.pk]),
        **htmx(f"goal-{goal.pk}-editor"),
    )
    assert soup_of(new_step).select_one("h3[data-focus]")


def test_adding_a_step_in_place_redraws_the_goals_with_a_note(
    world, plan, goal, sign_in
):
    client = sign_in(world.alice)
    place = f"goal-{goal.pk}-editor"
    url = reverse("careplans:action-add", args=[goal.pk])
    response = client.post(
        url, step_data(plan, what="Ring Mum on Sunday"), **htmx(place)
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#plan-goals"
    assert response["HX-Reswap"] == "innerHTML"
    page = soup_of(response)
    card = page.select_one(f"#goal-{goal.pk}")
    assert "Ring Mum on Sunday" in card.get_text()
    note = card.select_one(".govuk-notification-banner--success")
    assert "Step added: Ring Mum on Sunday" in note.get_text()
    # The place is drawn again, empty, ready for the next editor.
    assert page.select_one(f"#{place}").get_text(strip=True) == ""
    # Saved, audited, and said once: no leftover message on the next page.
    assert Action.objects.filter(what="Ring Mum on Sunday").count() == 1
    assert PlanChange.objects.filter(summary="Step added: Ring Mum on Sunday").exists()
    assert AuditEvent.objects.filter(
        actor=world.alice,
        person=world.alices_person,
        summary="Step added: Ring Mum on Sunday",
    ).exists()
    later = client.get(reverse("careplans:plan", args=[plan.pk]))
    assert b"Step added" not in later.content


def test_a_mistake_comes_back_in_place_with_the_input_kept(world, plan, goal, sign_in):
    client = sign_in(world.alice)
    place = f"goal-{goal.pk}-editor"
    url = reverse("careplans:action-add", args=[goal.pk])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        url,
        step_data(
            plan,
            what="Ring Mum on Sunday",
            due_on_day=yesterday.day,
            due_on_month=yesterday.month,
            due_on_year=yesterday.year,
        ),
        **htmx(place),
    )
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    fragment = soup_of(response)
    summary = fragment.select_one(".govuk-error-summary")
    message = "The date must be today or in the future"
    assert message in summary.get_text()
    # The summary's link goes to the field as it is named in this place.
    assert summary.select_one("a")["href"] == f"#{place}-due_on_day"
    assert fragment.select_one(f"#{place}-due_on_day")
    assert "Ring Mum on Sunday" in fragment.select_one("textarea[name=what]").text
    assert not Action.objects.exists()


def test_a_stale_save_in_place_says_what_changed_and_keeps_the_input(
    world, plan, goal, sign_in
):
    client = sign_in(world.alice)
    place = f"goal-{goal.pk}-editor"
    opened_at = revision(plan)
    actions.add_goal(
        plan,
        by=world.bob,
        wording="Cook a meal for my kids",
        proposed_by="person",
        person_agreed=True,
    )
    url = reverse("careplans:action-add", args=[goal.pk])
    response = client.post(
        url,
        step_data(plan, revision=opened_at, what="Ring Mum on Sunday"),
        **htmx(place),
    )
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    fragment = soup_of(response)
    banner = fragment.select_one(f"[aria-labelledby='{place}-changed-since-title']")
    assert "Bob Navigator added a goal: Cook a meal for my kids" in banner.get_text()
    assert "Ring Mum on Sunday" in fragment.select_one("textarea[name=what]").text
    assert fragment.select_one("input[name=revision]")["value"] == str(revision(plan))
    assert not Action.objects.exists()


def test_sending_a_goal_twice_in_place_adds_it_once(world, plan, sign_in):
    client = sign_in(world.alice)
    url = reverse("careplans:goal-add", args=[plan.pk])
    data = goal_data(plan, wording="Sleep through the night")
    first = client.post(url, data, **htmx("new-goal"))
    second = client.post(url, data, **htmx("new-goal"))
    goal = Goal.objects.get()
    for response in (first, second):
        assert response["HX-Retarget"] == "#plan-goals"
        assert soup_of(response).select_one(
            f"#goal-{goal.pk} .govuk-notification-banner"
        )
    assert "That was already saved." in second.content.decode()
    assert revision(plan) == 2


def test_removing_a_goal_in_place(world, plan, goal, step, sign_in):
    client = sign_in(world.alice)
    place = f"goal-{goal.pk}-editor"
    url = reverse("careplans:goal-remove", args=[goal.pk])
    question = soup_of(client.get(url, **htmx(place)))
    assert "Remove this goal?" in question.select_one("[data-focus]").get_text()
    response = client.post(url, {"revision": revision(plan)}, **htmx(place))
    assert response["HX-Retarget"] == "#plan-goals"
    page = soup_of(response)
    assert page.select_one(f"#goal-{goal.pk}") is None
    assert "Removed: Get back into walking" in page.select_one(
        ".govuk-notification-banner--success"
    ).get_text(" ", strip=True)
    assert not Goal.objects.exists()


def test_an_unknown_place_gets_the_ordinary_page(world, plan, goal, sign_in):
    client = sign_in(world.alice)
    response = client.get(
        reverse("careplans:action-add", args=[goal.pk]), **htmx("somewhere-else")
    )
    assert response.status_code == 200
    assert b"<html" in response.content


@pytest.mark.parametrize(("persona", "expected"), [("oscar", 404), ("cara", 403)])
def test_in_place_requests_are_refused_as_pages_are(
    world, plan, goal, sign_in, persona, expected
):
    client = sign_in(getattr(world, persona))
    place = f"goal-{goal.pk}-editor"
    url = reverse("careplans:action-add", args=[goal.pk])
    assert client.get(url, **htmx(place)).status_code == expected
    assert client.post(url, step_data(plan), **htmx(place)).status_code == expected
    assert not Action.objects.exists()


def test_signed_out_in_place_goes_to_sign_in_and_keeps_the_input(
    world, plan, goal, client
):
    """An idle sign-out answers an htmx save with a whole-page visit to the
    sign-in page (not the sign-in form drawn inside the plan); after signing
    in, the editor's own page offers the input back."""
    place = f"goal-{goal.pk}-editor"
    url = reverse("careplans:action-add", args=[goal.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.post(
            reverse("accounts:sign-in"),
            {"username": world.alice.email, "password": PASSWORD},
        )
        assert client.get(url, **htmx(place)).status_code == 200
        traveller.shift(datetime.timedelta(minutes=45))
        response = client.post(
            url, step_data(plan, what="Ring Mum on Sunday"), **htmx(place)
        )
        assert response.status_code == 200
        assert "Location" not in response
        sign_in_url = response["HX-Redirect"]
        assert sign_in_url.startswith(reverse("accounts:sign-in"))
        assert not Action.objects.exists()
        client.post(sign_in_url, {"username": world.alice.email, "password": PASSWORD})
        editor = client.get(url)
    assert (
        "Ring Mum on Sunday" in soup_of(editor).select_one("textarea[name=what]").text
    )


def test_an_anonymous_in_place_request_becomes_a_page_visit(world, plan, goal, client):
    response = client.get(
        reverse("careplans:action-add", args=[goal.pk]),
        **htmx(f"goal-{goal.pk}-editor"),
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:sign-in"))


def test_saving_in_place_costs_a_bounded_number_of_queries(
    world, full_plan, goal, sign_in, django_assert_max_num_queries
):
    client = sign_in(world.alice)
    place = f"goal-{goal.pk}-editor"
    url = reverse("careplans:action-add", args=[goal.pk])
    for number in range(5):
        actions.add_action(
            goal,
            by=world.alice,
            what=f"Step {number}",
            who=Action.Who.PERSON,
            due_on=timezone.localdate() + datetime.timedelta(days=3),
        )
    with django_assert_max_num_queries(45):
        response = client.post(url, step_data(full_plan), **htmx(place))
    assert response["HX-Retarget"] == "#plan-goals"
