"""Contacts: who may record and read them, the one-tap "no answer", the full
form's messages, and that a form sent twice records one contact."""

import datetime
import uuid

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from caremap.engagement import actions
from caremap.engagement.models import Contact
from caremap.privacy.models import AuditEvent

NOW = datetime.datetime(2026, 11, 25, 15, 30, tzinfo=datetime.UTC)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def urls(person):
    return [
        reverse("engagement:person-contacts", args=[person.pk]),
        reverse("engagement:contact-create", args=[person.pk]),
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 200), ("bob", 200), ("mia", 200), ("oscar", 404), ("cara", 403)],
)
def test_who_may_open_the_pages(world, sign_in, persona, expected):
    client = sign_in(getattr(world, persona))
    for url in urls(world.alices_person):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize(("persona", "expected"), [("oscar", 404), ("cara", 403)])
def test_refused_people_cannot_record(world, sign_in, persona, expected):
    client = sign_in(getattr(world, persona))
    person = world.alices_person
    assert (
        client.post(reverse("engagement:no-answer", args=[person.pk])).status_code
        == expected
    )
    assert (
        client.post(
            reverse("engagement:contact-create", args=[person.pk]), contact_data()
        ).status_code
        == expected
    )
    assert not Contact.objects.exists()


def contact_data(**overrides):
    today = timezone.localdate()
    return {
        "token": str(uuid.uuid4()),
        "method": "in_person",
        "outcome": "reached",
        "day_day": today.day,
        "day_month": today.month,
        "day_year": today.year,
        "time": "",
        "minutes": "45",
        "note": "Talked about the walking group.",
        **overrides,
    }


def test_one_tap_records_an_unanswered_call_once(world, sign_in):
    client = sign_in(world.alice)
    person = world.alices_person
    page = soup(client.get(person.get_absolute_url()))
    form = page.select_one(
        f"form[action='{reverse('engagement:no-answer', args=[person.pk])}']"
    )
    token = form.select_one("input[name=token]")["value"]
    url = form["action"]
    first = client.post(url, {"token": token})
    second = client.post(url, {"token": token})
    assert first.url == second.url == person.get_absolute_url()
    contact = Contact.objects.get()
    assert (contact.method, contact.outcome, contact.by) == (
        "phone",
        "no_answer",
        world.alice,
    )
    assert abs(timezone.now() - contact.happened_at) < datetime.timedelta(minutes=1)
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.CREATE, record_id=str(contact.pk), person=person
        ).count()
        == 1
    )
    shown = soup(client.get(person.get_absolute_url())).get_text(" ", strip=True)
    assert "Phone call (No answer)" in shown
    assert "Not in touch yet." in shown


def test_the_full_form_records_a_contact(world, sign_in):
    client = sign_in(world.alice)
    person = world.alices_person
    url = reverse("engagement:contact-create", args=[person.pk])
    data = contact_data(time="00:01")
    response = client.post(url, data)
    again = client.post(url, data)
    assert response.status_code == again.status_code == 302
    contact = Contact.objects.get()
    assert timezone.localtime(contact.happened_at).time() == datetime.time(0, 1)
    assert (contact.minutes, contact.note) == (45, "Talked about the walking group.")
    listing = soup(client.get(urls(person)[0])).get_text(" ", strip=True)
    assert "Face to face (45 minutes)" in listing
    assert "Talked about the walking group." in listing


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"method": ""}, "method", "Choose how you were in touch"),
        ({"outcome": ""}, "outcome", "Choose what happened"),
        ({"day_month": "13"}, "day", "The date must be a real date"),
        ({"time": "25:99"}, "time", "Enter a time like 14:30"),
        ({"minutes": "ten"}, "minutes", "Enter the minutes as a number"),
        ({"note": "x" * 501}, "note", "500 characters or fewer"),
        ({"time": "23:59"}, "time", "cannot be in the future"),
    ],
)
def test_mistakes_are_shown_beside_the_field_and_input_kept(
    world, sign_in, change, field, message
):
    client = sign_in(world.alice)
    url = reverse("engagement:contact-create", args=[world.alices_person.pk])
    with time_machine.travel(NOW, tick=False):
        client.force_login(world.alice)
        response = client.post(url, contact_data(**change))
    assert response.status_code == 200
    page = soup(response)
    assert message in page.select_one(f"#id_{field}_error").get_text()
    assert message in page.select_one(".govuk-error-summary").get_text()
    # What was typed comes back, the mistaken field included.
    sent = contact_data(**change)
    assert page.select_one("textarea[name=note]").get_text().strip() == sent["note"]
    assert page.select_one("input[name=minutes]").get("value", "") == sent["minutes"]
    assert not Contact.objects.exists()


def test_a_day_in_the_future_is_refused(world, sign_in):
    client = sign_in(world.alice)
    url = reverse("engagement:contact-create", args=[world.alices_person.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        url,
        contact_data(
            day_day=tomorrow.day, day_month=tomorrow.month, day_year=tomorrow.year
        ),
    )
    assert (
        "cannot be in the future"
        in soup(response).select_one("#id_day_error").get_text()
    )


def test_pages_cost_a_bounded_number_of_queries(
    world, sign_in, django_assert_max_num_queries
):
    person = world.alices_person
    for _ in range(30):
        actions.record_contact(
            person, by=world.alice, method="phone", outcome="no_answer"
        )
    client = sign_in(world.alice)
    for url, most in [
        *((url, 14) for url in urls(person)),
        (person.get_absolute_url(), 18),
    ]:
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200
