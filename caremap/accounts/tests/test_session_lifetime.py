"""A session ends a working day after signing in, however busy it is, and a
form sent after that is kept as it is after an idle timeout."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from caremap.accounts.tests.test_idle_timeout import EDIT_DATA, sign_in_with_form
from caremap.privacy.models import AuditEvent


def busy_for(client, traveller, *, minutes):
    """Use the service every 20 minutes or less (inside the idle timeout)
    for `minutes`, staying signed in throughout."""
    while minutes > 0:
        step = min(minutes, 20)
        traveller.shift(datetime.timedelta(minutes=step))
        minutes -= step
        assert client.get(reverse("home")).status_code == 200


def test_an_active_session_still_ends_after_eight_hours(world, client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in_with_form(client, "alice@riverside.test")
        busy_for(client, traveller, minutes=8 * 60)
        traveller.shift(datetime.timedelta(minutes=1))
        response = client.get(reverse("people:person-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        actor=world.alice,
        action=AuditEvent.Action.SIGN_OUT,
        summary__contains="longest session",
    ).exists()


def test_signing_in_again_starts_a_new_day(world, client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in_with_form(client, "alice@riverside.test")
        busy_for(client, traveller, minutes=8 * 60)
        traveller.shift(datetime.timedelta(minutes=1))
        sign_in_page = client.get(reverse("home"), follow=True)
        assert "signed in for a long time" in sign_in_page.content.decode()
        sign_in_with_form(client, "alice@riverside.test")
        busy_for(client, traveller, minutes=8 * 60)


def test_the_longest_session_is_configurable(world, client, settings):
    settings.SESSION_MAX_AGE = datetime.timedelta(hours=2)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in_with_form(client, "alice@riverside.test")
        busy_for(client, traveller, minutes=2 * 60)
        traveller.shift(datetime.timedelta(minutes=1))
        assert client.get(reverse("home")).status_code == 302


def test_a_form_sent_after_the_longest_session_is_kept(world, client):
    edit_url = reverse("people:person-edit", args=[world.alices_person.pk])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in_with_form(client, "alice@riverside.test")
        busy_for(client, traveller, minutes=8 * 60)
        traveller.shift(datetime.timedelta(minutes=1))
        response = client.post(edit_url, EDIT_DATA)
        assert response["Location"].startswith(reverse("accounts:sign-in"))
        world.alices_person.refresh_from_db()
        assert world.alices_person.given_name == "Sam"
        sign_in_page = client.get(response["Location"])
        assert "What you typed has been kept" in sign_in_page.content.decode()
        sign_in_with_form(client, "alice@riverside.test", response["Location"])
        html = client.get(edit_url).content.decode()
    assert 'value="Samuel"' in html
    assert "A long note typed before a phone call interrupted everything" in html
