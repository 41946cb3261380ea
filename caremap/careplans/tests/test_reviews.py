"""Reviewing a plan, its versions and history, and reviews due on the home
page."""

import datetime
import random

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caremap.assessments.samples import complete_assessment, plausible_answers
from caremap.careplans import actions
from caremap.careplans.models import (
    Action,
    CarePlan,
    Goal,
    PlanChange,
    PlanSettings,
    PlanVersion,
    Review,
    ReviewProgress,
)
from caremap.careplans.tests.test_plan_pages import fill
from caremap.privacy.models import AuditEvent


def soup_of(response, status=200):
    assert response.status_code == status, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def text_of(page):
    return " ".join(page.get_text(" ", strip=True).split())


@pytest.fixture
def plan(world):
    plan, _ = actions.start_plan(world.alices_person, by=world.alice)
    return plan


def review_url(plan):
    return reverse("careplans:review", args=[plan.pk])


def day_fields(day, name="held_on"):
    return {
        f"{name}_day": day.day,
        f"{name}_month": day.month,
        f"{name}_year": day.year,
    }


def answers(plan, *, goal="going-well", step="in-progress", **overrides):
    """A complete review form for `plan` as it stands now."""
    plan.refresh_from_db()
    data = {
        "revision": plan.revision,
        **day_fields(timezone.localdate()),
        "requested": "no",
        "participants": ["person", "navigator"],
        "who_else": "",
        "what_changed": "Things have settled down at home.",
        "assessment": "none",
    }
    for each in plan.goals.filter(status=Goal.Status.ACTIVE):
        data[f"goal_{each.pk}"] = goal
        data[f"goal_{each.pk}_note"] = ""
        for open_step in each.actions.filter(status__in=["to_do", "doing"]):
            data[f"step_{open_step.pk}"] = step
    data.update(overrides)
    return data


def assessed(world, instruments, person=None, when=None):
    version = instruments["recovery-capital-profile"]
    return complete_assessment(
        person or world.alices_person,
        version,
        plausible_answers(version.instrument, random.Random(1), 0),
        by=world.alice,
        when=when or timezone.now(),
    )


def test_who_may_review(world, sign_in, plan, client):
    url = review_url(plan)
    assert sign_in(world.alice).get(url).status_code == 200
    assert sign_in(world.bob).get(url).status_code == 200  # same team
    assert sign_in(world.oscar).get(url).status_code == 404
    assert sign_in(world.cara).get(url).status_code == 403
    assert sign_in(world.oscar).post(url, answers(plan)).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/account/" in response["Location"]
    assert not Review.objects.exists()


@pytest.mark.parametrize("name", ["history", "compare"])
def test_who_may_see_the_history(world, sign_in, plan, client, name):
    url = reverse(f"careplans:{name}", args=[plan.pk])
    assert sign_in(world.bob).get(url).status_code in (200, 400)
    assert sign_in(world.oscar).get(url).status_code == 404
    assert sign_in(world.cara).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_the_form_asks_about_every_goal_and_open_step(
    world, sign_in, plan, instruments
):
    first, second = fill(plan, world.alice, goals=2)
    done = actions.add_action(
        first,
        by=world.alice,
        what="Already done",
        who="person",
        due_on=timezone.localdate(),
    )
    actions.change_action(done, by=world.alice, status=Action.Status.DONE)
    actions.change_goal(second, by=world.alice, status=Goal.Status.STOPPED)
    old = assessed(world, instruments, when=timezone.now() - datetime.timedelta(90))
    recent = assessed(world, instruments)
    page = soup_of(sign_in(world.alice).get(review_url(plan)))
    form = page.find("input", {"name": "revision"}).find_parent("form")
    plan.refresh_from_db()
    assert form.find("input", {"name": "revision"})["value"] == str(plan.revision)
    held = timezone.localdate()
    assert form.find("input", {"name": "held_on_day"})["value"] == str(held.day)
    assert form.find_all("input", {"name": f"goal_{first.pk}"})
    assert not form.find_all("input", {"name": f"goal_{second.pk}"})
    step = first.actions.get(what="First step for goal 0")
    # A step not started yet starts out answered that way.
    assert (
        form.find("input", {"name": f"step_{step.pk}", "checked": True})["value"]
        == "not-started"
    )
    assert not form.find_all("input", {"name": f"step_{done.pk}"})
    choices = [i["value"] for i in form.find_all("input", {"name": "assessment"})]
    assert choices == [str(recent.pk), "none"] and old.pk not in choices
    start = reverse("assessments:start-assessment", args=[world.alices_person.pk])
    assert page.find("a", href=start) is not None
    assert "Goals already finished" in text_of(page)


def test_submitting_a_review(world, sign_in, plan, instruments):
    PlanSettings.objects.create(organisation=world.riverside, review_every_days=30)
    first, second = fill(plan, world.alice, goals=2)
    step_one = first.actions.get()
    step_two = second.actions.get()
    assessment = assessed(world, instruments)
    held_on = timezone.localdate() - datetime.timedelta(days=2)
    data = answers(
        plan,
        **day_fields(held_on),
        requested="yes",
        participants=["person", "someone-else"],
        who_else="My sister",
        assessment=str(assessment.pk),
    )
    data[f"goal_{first.pk}"] = "achieved"
    data[f"goal_{second.pk}"] = "some-progress"
    data[f"goal_{second.pk}_note"] = "Slow but steady"
    data[f"step_{step_one.pk}"] = "done"
    data[f"step_{step_two.pk}"] = "not-needed"
    before = plan.revision

    client = sign_in(world.alice)
    response = client.post(review_url(plan), data, follow=True)
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    due = held_on + datetime.timedelta(days=30)
    assert f"The next one is due by {due:%-d %B %Y}" in response.content.decode()

    review = Review.objects.get()
    assert review.held_on == held_on and review.requested_by_person
    assert review.participants == ["person", "someone-else"]
    assert review.participant_labels() == ["You", "My sister"]
    assert review.assessment == assessment and review.submitted_by == world.alice
    assert review.what_changed == "Things have settled down at home."
    progress = {
        (p.goal_id, p.action_id): (p.progress, p.note)
        for p in ReviewProgress.objects.all()
    }
    assert progress == {
        (first.pk, None): ("achieved", ""),
        (second.pk, None): ("some-progress", "Slow but steady"),
        (None, step_one.pk): ("done", ""),
        (None, step_two.pk): ("not-needed", ""),
    }
    first.refresh_from_db(), second.refresh_from_db()
    step_one.refresh_from_db(), step_two.refresh_from_db()
    assert (first.status, second.status) == ("achieved", "active")
    assert (step_one.status, step_two.status) == ("done", "stopped")

    plan.refresh_from_db()
    assert plan.review_due_on == due
    assert plan.revision == before + 1
    change = PlanChange.objects.get(plan=plan, revision=plan.revision)
    assert change.summary == f"Review held on {held_on.isoformat()}"
    assert (
        AuditEvent.objects.filter(summary=change.summary, actor=world.alice).count()
        == 1
    )

    baseline, after = PlanVersion.objects.filter(plan=plan).order_by("number")
    assert (baseline.number, baseline.review) == (1, None)
    assert (after.number, after.review) == (2, review)
    assert baseline.snapshot["goals"][0]["status"] == "active"
    assert after.snapshot["goals"][0]["status"] == "achieved"
    assert after.snapshot["goals"][1]["steps"][0]["status"] == "stopped"


def test_a_review_sent_twice_is_saved_once(world, sign_in, plan):
    fill(plan, world.alice)
    client = sign_in(world.alice)
    data = answers(plan)
    client.post(review_url(plan), data)
    again = client.post(review_url(plan), data, follow=True)
    assert again.redirect_chain[-1][0] == plan.get_absolute_url()
    assert "That review was already saved." in again.content.decode()
    assert Review.objects.count() == 1
    assert PlanVersion.objects.count() == 2


def test_a_review_cannot_be_in_the_future(world, sign_in, plan):
    fill(plan, world.alice)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = sign_in(world.alice).post(
        review_url(plan), answers(plan, **day_fields(tomorrow))
    )
    page = soup_of(response)
    assert page.find(id="id_held_on_error").get_text(" ", strip=True) == (
        "Error: The date of the review must be today or in the past"
    )
    assert not Review.objects.exists()


def test_each_goal_needs_an_answer(world, sign_in, plan):
    (goal,) = fill(plan, world.alice)
    data = answers(plan)
    del data[f"goal_{goal.pk}"]
    page = soup_of(sign_in(world.alice).post(review_url(plan), data))
    assert "Say how “Goal number 0” is going" in text_of(page)
    assert not Review.objects.exists()


def test_someone_else_needs_a_name(world, sign_in, plan):
    fill(plan, world.alice)
    data = answers(plan, participants=["someone-else"])
    page = soup_of(sign_in(world.alice).post(review_url(plan), data))
    assert page.find(id="id_who_else_error") is not None
    assert not Review.objects.exists()


def test_a_stale_review_shows_what_changed_and_keeps_the_input(world, sign_in, plan):
    fill(plan, world.alice)
    data = answers(plan, what_changed="I moved flat in the summer")
    actions.add_goal(
        plan,
        by=world.bob,
        wording="Learn to drive",
        proposed_by="person",
        person_agreed=True,
    )
    page = soup_of(sign_in(world.alice).post(review_url(plan), data))
    banner = page.find(id="changed-since-title").find_parent(
        class_="govuk-notification-banner"
    )
    assert "the plan changed after you opened this page" in text_of(banner)
    assert "Bob Navigator added a goal: Learn to drive" in text_of(banner)
    assert page.find("textarea", {"name": "what_changed"}).get_text().strip() == (
        "I moved flat in the summer"
    )
    plan.refresh_from_db()
    assert page.find("input", {"name": "revision"})["value"] == str(plan.revision)
    assert not Review.objects.exists()


def test_a_review_made_stale_by_another_edit_is_not_saved(world, sign_in, plan):
    (goal,) = fill(plan, world.alice)
    data = answers(plan, what_changed="Work is going better")
    # Changes nothing the form asks about, so the form itself is complete.
    actions.add_strength(goal, by=world.bob, wording="A steady job")
    page = soup_of(sign_in(world.alice).post(review_url(plan), data))
    banner = page.find(id="changed-since-title").find_parent(
        "div", class_="govuk-notification-banner"
    )
    assert "Bob Navigator added a strength: A steady job" in text_of(banner)
    assert (
        "Work is going better"
        in page.find("textarea", {"name": "what_changed"}).get_text()
    )
    assert not Review.objects.exists()
    plan.refresh_from_db()
    data["revision"] = plan.revision
    assert sign_in(world.alice).post(review_url(plan), data).status_code == 302
    assert Review.objects.count() == 1


def test_a_closed_plan_is_not_reviewed(world, sign_in, plan):
    CarePlan.objects.filter(pk=plan.pk).update(status=CarePlan.Status.CLOSED)
    assert sign_in(world.alice).get(review_url(plan)).status_code == 403


def _review(plan, by, **fields):
    plan.refresh_from_db()
    goals = list(plan.goals.filter(status="active").prefetch_related("actions"))
    progress = fields.pop("progress", [(g, "going-well", "") for g in goals])
    return actions.submit_review(
        plan,
        by=by,
        held_on=fields.pop("held_on", timezone.localdate()),
        participants=fields.pop("participants", ["person", "navigator"]),
        who_else="",
        requested_by_person=False,
        what_changed="",
        assessment=fields.pop("assessment", None),
        progress=progress,
    )


@pytest.fixture
def reviewed_twice(world, plan):
    """Version 1 before the first review; version 2 with the first goal
    achieved; version 3 after a step was added and a barrier removed."""
    first, second = fill(plan, world.alice, goals=2)
    _review(
        plan,
        world.alice,
        progress=[(first, "achieved", ""), (second, "going-well", "")],
    )
    actions.add_action(
        second,
        by=world.alice,
        what="Ring the gym about a taster session",
        who="person",
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    actions.remove_item(second.barriers.get(), by=world.alice)
    _review(plan, world.bob, progress=[(second, "some-progress", "")])
    return first, second


def test_the_history_lists_every_version(
    world, sign_in, plan, reviewed_twice, instruments
):
    review = Review.objects.order_by("pk").last()
    review.assessment = assessed(world, instruments)
    review.save()
    page = soup_of(
        sign_in(world.alice).get(reverse("careplans:history", args=[plan.pk]))
    )
    headings = [h.get_text(strip=True) for h in page.select("ol h2")]
    assert headings == ["Version 3", "Version 2", "Version 1"]
    newest = text_of(page.find(id="version-3"))
    assert "Bob Navigator" in newest and "You, Your navigator" in newest
    assert f"Completed on {timezone.localdate():%-d %B %Y}" in newest
    assert "The plan before its first review" in text_of(page.find(id="version-1"))
    chooser = page.find("form", method="get")
    assert chooser["action"] == reverse("careplans:compare", args=[plan.pk])
    assert chooser.find("option", selected=True)["value"] == "2"
    link = reverse("careplans:version", args=[plan.pk, 1])
    assert page.find("a", href=link) is not None


def test_comparing_two_versions(world, sign_in, plan, reviewed_twice):
    url = reverse("careplans:compare", args=[plan.pk])
    page = soup_of(sign_in(world.alice).get(url, {"from": 1, "to": 3}))
    changes = [
        li.get_text(" ", strip=True) for li in page.select("[data-test=changes] li")
    ]
    assert "Goal: Working on it → Achieved" in changes
    assert "Step added: Ring the gym about a taster session" in changes
    assert "Could get in the way, removed: Evenings are hard" in changes
    assert page.find("h1").get_text(strip=True) == "Version 1 and version 3"
    # Either way round reads oldest first.
    again = soup_of(sign_in(world.alice).get(url, {"from": 3, "to": 1}))
    assert again.find("h1").get_text(strip=True) == "Version 1 and version 3"
    # Lists, not tables, so it stacks on a phone.
    assert page.find("table") is None


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"from": "abc", "to": "2"},
        {"from": "1", "to": "99"},
        {"from": "-1", "to": "1"},
    ],
)
def test_bad_versions_to_compare(world, sign_in, plan, reviewed_twice, query):
    url = reverse("careplans:compare", args=[plan.pk])
    page = soup_of(sign_in(world.alice).get(url, query), status=400)
    assert "Choose a version of this plan" in text_of(
        page.find(class_="govuk-error-summary")
    )


def test_one_version_read_only(world, sign_in, plan, reviewed_twice):
    client = sign_in(world.alice)
    page = soup_of(client.get(reverse("careplans:version", args=[plan.pk, 1])))
    text = text_of(page)
    for words in (
        "Goal number 0",
        "First step for goal 0",
        "Good friends",
        "The library",
        "Evenings are hard",
        "Go in the morning",
    ):
        assert words in text, words
    assert page.find("input", {"name": "revision"}) is None
    missing = client.get(reverse("careplans:version", args=[plan.pk, 9]))
    assert missing.status_code == 404
    assert "This plan has no version 9." in missing.content.decode()


def _due(person, by, days):
    plan, _ = actions.start_plan(person, by=by)
    CarePlan.objects.filter(pk=plan.pk).update(
        review_due_on=timezone.localdate() + datetime.timedelta(days=days)
    )
    return plan


def _reviews_section(page, heading):
    found = page.find("h2", string=heading)
    return found.find_parent("section") if found else None


def test_reviews_due_on_the_home_page(world, sign_in):
    _due(world.alices_person, world.alice, 20)  # not yet
    _due(world.bobs_person, world.bob, 5)
    _due(world.unassigned_person, world.mia, -3)  # overdue
    _due(world.carols_person, world.carol, 1)
    _due(world.oscars_person, world.oscar, -1)  # another organisation

    page = soup_of(sign_in(world.alice).get(reverse("home")))
    section = _reviews_section(page, "Reviews due")
    names = [a.get_text(strip=True) for a in section.find_all("a")]
    assert names == ["Jo Evans"]  # Alice sees her team's people only
    assert "Overdue" not in text_of(section)

    page = soup_of(sign_in(world.mia).get(reverse("home")))
    section = _reviews_section(page, "Reviews due at Riverside Recovery")
    items = [text_of(li) for li in section.find_all("li")]
    assert [i.split(" (")[0] for i in items] == ["Lee Morgan", "Rhys Price", "Jo Evans"]
    assert items[0].endswith("Overdue") and not items[1].endswith("Overdue")
    assert "3 plans are due for review" in text_of(section)
    link = section.find("a")["href"]
    assert (
        link == CarePlan.objects.get(person=world.unassigned_person).get_absolute_url()
    )


def test_nothing_due(world, sign_in):
    _due(world.alices_person, world.alice, 30)
    page = soup_of(sign_in(world.alice).get(reverse("home")))
    section = _reviews_section(page, "Reviews due")
    assert "No plan reviews are due in the next 14 days." in text_of(section)


@pytest.mark.parametrize("name", ["review", "history", "compare"])
def test_pages_cost_the_same_with_more_goals(world, sign_in, name, instruments):
    counts = []
    for person, goals in ((world.alices_person, 1), (world.bobs_person, 8)):
        plan, _ = actions.start_plan(person, by=world.mia)
        fill(plan, world.mia, goals=goals)
        assessed(world, instruments, person=person)
        _review(plan, world.mia)
        url = reverse(f"careplans:{name}", args=[plan.pk])
        query = {"from": 1, "to": 2} if name == "compare" else {}
        client = sign_in(world.mia)
        with CaptureQueriesContext(connection) as queries:
            soup_of(client.get(url, query))
        counts.append(len(queries))
    assert counts[1] <= counts[0], counts


def test_submitting_costs_the_same_with_more_goals(world, sign_in):
    counts = []
    for person, goals in ((world.alices_person, 1), (world.bobs_person, 8)):
        plan, _ = actions.start_plan(person, by=world.mia)
        fill(plan, world.mia, goals=goals)
        client = sign_in(world.mia)
        data = answers(plan, goal="achieved", step="done")
        with CaptureQueriesContext(connection) as queries:
            assert client.post(review_url(plan), data).status_code == 302
        counts.append(len(queries))
    assert counts[1] <= counts[0], counts
