"""Outreach after an alert and recording check-ups: who may act, what is
recorded and audited, the person's "do not contact" choice, the home page's
work list, and what the pages cost."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from caremap.engagement import actions, alerting
from caremap.engagement.models import (
    Alert,
    CheckUp,
    Contact,
    EngagementSettings,
    OutreachTask,
)
from caremap.episodes import actions as episode_actions
from caremap.people.models import Person
from caremap.privacy.models import AuditEvent

DAY = datetime.timedelta(days=1)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def raise_for(person, rule=Alert.Rule.NO_CONTACT, key="k"):
    return Alert.objects.create(
        person=person,
        organisation=person.organisation,
        rule=rule,
        key=f"{key}:{person.pk}",
        facts={"since": "2026-03-01", "reached": True},
    )


@pytest.fixture
def alert(world):
    return raise_for(world.alices_person)


def test_the_alert_list_shows_only_people_the_user_may_see(world, sign_in, alert):
    elsewhere = raise_for(world.oscars_person)
    page = sign_in(world.alice).get(reverse("engagement:alerts"))
    assert alert.get_absolute_url() in page.content.decode()
    assert elsewhere.get_absolute_url() not in page.content.decode()
    assert sign_in(world.cara).get(reverse("engagement:alerts")).status_code == 403


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 200), ("mia", 200), ("oscar", 404), ("cara", 403)],
)
def test_who_may_open_an_alert(world, sign_in, alert, persona, expected):
    client = sign_in(getattr(world, persona))
    assert client.get(alert.get_absolute_url()).status_code == expected
    close = reverse("engagement:alert-close", args=[alert.pk])
    assert client.get(close).status_code == expected


def test_outreach_from_alert_to_outcome(world, sign_in, alert):
    client = sign_in(world.alice)
    start = reverse("engagement:outreach-start", args=[alert.pk])
    client.post(start)
    client.post(start)
    task = OutreachTask.objects.get()
    assert task.assigned_to == world.alice
    # An attempt, recorded against the task, brings the user back here.
    attempt_url = (
        reverse("engagement:contact-create", args=[world.alices_person.pk])
        + f"?task={task.pk}"
    )
    form = soup(client.get(attempt_url))
    assert "An attempt to reach out after the alert" in form.get_text()
    token = form.select_one("input[name=token]")["value"]
    today = timezone.localdate()
    response = client.post(
        attempt_url,
        {
            "token": token,
            "method": "text",
            "outcome": "no_answer",
            "day_day": today.day,
            "day_month": today.month,
            "day_year": today.year,
        },
    )
    assert response.url == alert.get_absolute_url()
    assert Contact.objects.get().task == task
    page = soup(client.get(alert.get_absolute_url())).get_text(" ", strip=True)
    assert "Text message, No answer" in page
    # Closing asks for the outcome, then closes the alert and the task.
    close = reverse("engagement:alert-close", args=[alert.pk])
    refused = client.post(close, {"outcome": ""})
    assert (
        "Choose how the outreach ended"
        in soup(refused).select_one("#id_outcome_error").get_text()
    )
    client.post(close, {"outcome": "reconnected", "note": "Back at group."})
    alert.refresh_from_db()
    task.refresh_from_db()
    assert alert.closed_at and task.closed_at
    assert (task.outcome, task.note) == ("reconnected", "Back at group.")
    assert not Alert.objects.open().exists()
    summaries = set(
        AuditEvent.objects.filter(person=world.alices_person).values_list(
            "summary", flat=True
        )
    )
    assert {"Started outreach after an alert", "Closed an alert: reconnected"} <= (
        summaries
    )


def test_an_attempt_for_someone_elses_task_is_not_attached(world, sign_in, alert):
    other = raise_for(world.bobs_person)
    task = OutreachTask.objects.create(alert=other, assigned_to=world.bob)
    client = sign_in(world.alice)
    url = (
        reverse("engagement:contact-create", args=[world.alices_person.pk])
        + f"?task={task.pk}"
    )
    assert "An attempt to reach out" not in client.get(url).content.decode()


def test_do_not_contact_means_no_outreach(world, sign_in, alert):
    Person.objects.filter(pk=world.alices_person.pk).update(do_not_contact=True)
    client = sign_in(world.alice)
    page = soup(client.get(alert.get_absolute_url()))
    assert "asked not to be contacted" in page.get_text()
    assert page.find("button", string="Start outreach") is None
    client.post(reverse("engagement:outreach-start", args=[alert.pk]))
    assert not OutreachTask.objects.exists()
    close = soup(client.get(reverse("engagement:alert-close", args=[alert.pk])))
    assert [i["value"] for i in close.select("input[name=outcome]")] == ["declined"]
    person_page = soup(client.get(world.alices_person.get_absolute_url()))
    assert person_page.find("button", string="Tried to call: no answer") is None


def completed_exit(world, client):
    person = world.alices_person
    today = timezone.localdate()
    episode = episode_actions.record_episode(
        person,
        by=world.alice,
        referred_on=today - 200 * DAY,
        started_on=today - 190 * DAY,
        referral_source="self",
        substance_group="alcohol",
    )
    client.post(
        reverse("episodes:exit", args=[episode.pk]),
        {
            "ended_on_day": (today - 40 * DAY).day,
            "ended_on_month": (today - 40 * DAY).month,
            "ended_on_year": (today - 40 * DAY).year,
            "exit_reason": "completed_free",
        },
    )
    episode.refresh_from_db()
    return episode


def test_an_exit_schedules_check_ups_and_one_is_recorded(world, sign_in):
    client = sign_in(world.alice)
    episode = completed_exit(world, client)
    assert list(episode.check_ups.values_list("months", flat=True)) == [1, 3, 6]
    first = episode.check_ups.get(months=1)
    # The home page's work list shows the first as overdue.
    home = soup(client.get(reverse("home"))).get_text(" ", strip=True)
    assert "1-month check-up" in home and "Overdue" in home
    url = reverse("engagement:check-up", args=[first.pk])
    too_early = episode.ended_on - DAY
    refused = client.post(
        url,
        {
            "done_on_day": too_early.day,
            "done_on_month": too_early.month,
            "done_on_year": too_early.year,
            "outcome": "doing_well",
        },
    )
    assert (
        "must be after the exit"
        in soup(refused).select_one("#id_done_on_error").get_text()
    )
    today = timezone.localdate()
    # The contact it was made in can be linked: only the person's own, made
    # since the exit.
    call, _new = actions.record_contact(
        world.alices_person, by=world.alice, method="phone", outcome="reached"
    )
    others, _new = actions.record_contact(
        world.bobs_person, by=world.bob, method="phone", outcome="reached"
    )
    offered = [o["value"] for o in soup(client.get(url)).select("#id_contact option")]
    assert offered == ["", str(call.pk)]
    data = {
        "done_on_day": today.day,
        "done_on_month": today.month,
        "done_on_year": today.year,
        "outcome": "doing_well",
        "note": "Going to the walking group.",
    }
    refused = client.post(url, {**data, "contact": str(others.pk)})
    assert soup(refused).select_one("#id_contact_error")
    response = client.post(url, {**data, "contact": str(call.pk)})
    assert response.url == episode.get_absolute_url()
    first.refresh_from_db()
    assert (first.done_on, first.outcome) == (today, "doing_well")
    assert first.contact == call
    assert AuditEvent.objects.filter(
        summary="Recorded the 1-month check-up: doing_well"
    ).exists()
    alerting.run(today + 400 * DAY)
    assert not Alert.objects.filter(key=f"check-up:{first.pk}").exists()


def test_the_home_page_lists_open_alerts(world, sign_in, alert):
    navigator = soup(sign_in(world.alice).get(reverse("home")))
    assert alert.get_absolute_url() in str(navigator)
    manager = soup(sign_in(world.mia).get(reverse("home")))
    assert "Staying connected at Riverside Recovery" in manager.get_text()
    assert alert.get_absolute_url() in str(manager)
    other = soup(sign_in(world.oscar).get(reverse("home")))
    assert alert.get_absolute_url() not in str(other)


def test_pages_cost_a_bounded_number_of_queries(
    world, sign_in, django_assert_max_num_queries
):
    for number in range(12):
        made = raise_for(world.alices_person, key=f"k{number}")
        OutreachTask.objects.create(alert=made, assigned_to=world.alice)
    client = sign_in(world.alice)
    for url, most in [
        (reverse("engagement:alerts"), 12),
        (made.get_absolute_url(), 16),
        (reverse("engagement:alert-close", args=[made.pk]), 12),
        (reverse("home"), 30),
    ]:
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200, url
    assert CheckUp.objects.count() == 0


def test_a_manager_sets_the_rules_and_a_navigator_may_not(world, sign_in):
    url = reverse("engagement:settings", args=[world.riverside.pk])
    assert sign_in(world.alice).get(url).status_code == 403
    assert sign_in(world.hugo).get(url).status_code == 403
    client = sign_in(world.mia)
    page = soup(client.get(url))
    assert page.select_one("input[name=no_contact_days]")["value"] == "21"
    data = {
        "no_contact_days": "28",
        "missed_in_a_row": "3",
        "worrying_check_in": "on",
        "check_up_months": "6, 1,3 12",
        "check_up_grace_days": "10",
    }
    refused = client.post(url, {**data, "check_up_months": "one, three"})
    assert (
        "like 1, 3, 6"
        in soup(refused).select_one("#id_check_up_months_error").get_text()
    )
    refused = client.post(url, {**data, "no_contact_days": "3"})
    assert (
        "Enter 7 or more"
        in soup(refused).select_one("#id_no_contact_days_error").get_text()
    )
    assert client.post(url, data).status_code == 302
    saved = EngagementSettings.objects.get(organisation=world.riverside)
    assert (saved.no_contact_days, saved.check_up_months) == (28, "1,3,6,12")
    assert saved.months() == [1, 3, 6, 12]
    event = AuditEvent.objects.get(summary="Changed the rules for staying connected")
    assert event.changes["no_contact_days"] == ["21", "28"]
