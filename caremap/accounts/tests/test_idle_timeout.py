"""An idle session ends, and a form sent after it ended is not lost."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from caremap.testing.personas import PASSWORD

EDIT_DATA = {
    "given_name": "Samuel",
    "family_name": "Jones",
    "preferred_name": "Sam",
    "reference": "R-001",
    "date_of_birth_day": "27",
    "date_of_birth_month": "3",
    "date_of_birth_year": "1985",
    "gender": "",
    "pronouns": "",
    "email": "",
    "phone": "",
    "address": "A long note typed before a phone call interrupted everything",
    "postcode": "",
    "preferred_contact_method": "",
    "preferred_language": "en",
    "pathway": "abstinence",
}


def sign_in_with_form(client, email, path=None):
    """Sign in through the real form, as a person would."""
    return client.post(
        path or reverse("accounts:sign-in"), {"username": email, "password": PASSWORD}
    )


def test_an_idle_session_ends_after_30_minutes(world, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        sign_in_with_form(client, "alice@riverside.test")
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("people:person-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_a_form_sent_after_the_timeout_is_kept_for_the_same_user(world, client):
    edit_url = reverse("people:person-edit", args=[world.alices_person.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        sign_in_with_form(client, "alice@riverside.test")
        client.get(edit_url)
        traveller.shift(datetime.timedelta(minutes=45))
        response = client.post(edit_url, EDIT_DATA)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))
        world.alices_person.refresh_from_db()
        assert world.alices_person.given_name == "Sam"

        sign_in_page = client.get(response["Location"])
        assert "What you typed has been kept" in sign_in_page.content.decode()
        client.post(
            response["Location"],
            {"username": "alice@riverside.test", "password": PASSWORD},
        )
        form_page = client.get(edit_url)
    html = form_page.content.decode()
    assert 'value="Samuel"' in html
    assert "A long note typed before a phone call interrupted everything" in html
    # Offered back once; nothing was saved without the user sending it again.
    world.alices_person.refresh_from_db()
    assert world.alices_person.given_name == "Sam"
    assert 'value="Samuel"' not in client.get(edit_url).content.decode()


def test_kept_input_is_never_shown_to_someone_else(world, client):
    edit_url = reverse("people:person-edit", args=[world.alices_person.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        sign_in_with_form(client, "alice@riverside.test")
        traveller.shift(datetime.timedelta(minutes=45))
        client.post(edit_url, EDIT_DATA)
        # Mia, who could open the same record, signs in on the same browser.
        sign_in_with_form(client, "mia@riverside.test")
        html = client.get(edit_url).content.decode()
    assert 'value="Samuel"' not in html
    assert "A long note typed" not in html


def test_staying_signed_in_restarts_the_idle_clock(world, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        sign_in_with_form(client, "alice@riverside.test")
        traveller.shift(datetime.timedelta(minutes=28))
        assert client.post(reverse("accounts:keep-alive")).status_code == 204
        traveller.shift(datetime.timedelta(minutes=28))
        assert client.get(reverse("home")).status_code == 200


def test_keep_alive_cannot_revive_an_ended_session(world, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        sign_in_with_form(client, "alice@riverside.test")
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.post(reverse("accounts:keep-alive"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_signed_in_pages_carry_the_timeout_and_the_hidden_warning(world, sign_in):
    html = sign_in(world.alice).get(reverse("home")).content.decode()
    assert 'data-idle-timeout-seconds="1800"' in html
    assert 'id="idle-warning"' in html
    assert "Stay signed in" in html
