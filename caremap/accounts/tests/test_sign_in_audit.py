"""Failed sign-ins, pauses and password resets are in the audit trail, filed
where the account's managers look, and never with a password in them."""

import re

from django.core import mail
from django.urls import reverse

from caremap.privacy.models import AuditEvent
from caremap.testing.personas import PASSWORD

WRONG = "Tr0ub4dor&3-not-hers"


def sign_in_form(client, email, password):
    return client.post(
        reverse("accounts:sign-in"),
        {"username": email, "password": password},
        REMOTE_ADDR="203.0.113.7",
    )


def without_token(response):
    # The CSRF token differs from page to page; nothing else may.
    return re.sub(r'value="[^"]{64}"', "", response.content.decode())


def no_event_holds(text):
    return not any(
        text in f"{event.summary} {event.changes} {event.path}"
        for event in AuditEvent.objects.all()
    )


def test_a_failed_sign_in_is_filed_under_the_accounts_organisation(world, client):
    sign_in_form(client, "Alice@Riverside.test", WRONG)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.actor is None
    assert event.record_type == "accounts.user"
    assert event.record_id == str(world.alice.pk)
    assert event.organisation == world.riverside
    assert event.ip_address == "203.0.113.7"
    assert "alice@riverside.test" in event.summary
    assert "wrong password" in event.summary
    assert no_event_holds(WRONG)


def test_the_manager_sees_attempts_on_her_staff_in_the_organisation_trail(
    world, client, sign_in
):
    sign_in_form(client, "bob@riverside.test", WRONG)
    page = sign_in(world.mia).get(
        reverse("organisations:organisation-audit", args=[world.riverside.pk])
    )
    html = page.content.decode()
    assert "Failed sign-in for bob@riverside.test: wrong password" in html
    # Hillside's manager does not see Riverside's staff.
    other = sign_in(world.hugo).get(
        reverse("organisations:organisation-audit", args=[world.hillside.pk])
    )
    assert "bob@riverside.test" not in other.content.decode()


def test_an_unknown_address_is_recorded_but_the_page_says_nothing_more(world, client):
    unknown = sign_in_form(client, "nobody@riverside.test", WRONG)
    known = sign_in_form(client, "carol@riverside.test", WRONG)
    assert unknown.status_code == known.status_code == 200
    assert without_token(unknown).replace(
        "nobody@riverside.test", "carol@riverside.test"
    ) == without_token(known)
    event = AuditEvent.objects.get(summary__contains="nobody@riverside.test")
    assert event.action == AuditEvent.Action.SIGN_IN_FAILED
    assert event.organisation is None
    assert event.record_id == ""
    assert "no such account" in event.summary
    assert no_event_holds(WRONG)


def test_the_failure_that_starts_a_pause_is_recorded_as_a_pause(world, client):
    for _ in range(5):
        sign_in_form(client, "alice@riverside.test", WRONG)
    pause = AuditEvent.objects.get(action=AuditEvent.Action.LOCKED_OUT)
    assert pause.organisation == world.riverside
    assert pause.record_id == str(world.alice.pk)
    assert "too many from one address" in pause.summary
    # Trying again during the pause is recorded too, as refused.
    sign_in_form(client, "alice@riverside.test", PASSWORD)
    refused = AuditEvent.objects.filter(
        action=AuditEvent.Action.SIGN_IN_FAILED, summary__contains="refused"
    )
    assert refused.count() == 1
    assert no_event_holds(PASSWORD)


def test_a_password_reset_request_is_recorded_for_known_and_unknown_addresses(
    world, client
):
    client.post(reverse("accounts:password-reset"), {"email": " Mia@Riverside.test"})
    client.post(reverse("accounts:password-reset"), {"email": "stranger@example.org"})
    requests = AuditEvent.objects.filter(
        action=AuditEvent.Action.PASSWORD_RESET_REQUESTED
    )
    mias = requests.get(record_id=str(world.mia.pk))
    assert mias.organisation == world.riverside
    stranger = requests.get(record_id="")
    assert "stranger@example.org (no such account)" in stranger.summary
    assert stranger.organisation is None
    assert len(mail.outbox) == 1


def test_a_completed_reset_is_recorded_and_lifts_a_pause(world, client):
    for _ in range(5):
        sign_in_form(client, "alice@riverside.test", WRONG)
    assert sign_in_form(client, "alice@riverside.test", PASSWORD).status_code == 429

    client.post(reverse("accounts:password-reset"), {"email": "alice@riverside.test"})
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line
    )
    form_page = client.get(link.split("testserver", 1)[1], follow=True)
    new_password = "violet lantern harbour"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_RESET)
    assert event.actor == world.alice
    assert event.organisation == world.riverside
    assert no_event_holds(new_password)
    assert sign_in_form(client, "alice@riverside.test", new_password).status_code == 302
