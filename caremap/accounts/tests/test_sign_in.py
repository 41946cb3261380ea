from django.core import mail
from django.urls import reverse

from caremap.privacy.models import AuditEvent
from caremap.testing.personas import PASSWORD


def sign_in_form(client, email, password):
    return client.post(
        reverse("accounts:sign-in"), {"username": email, "password": password}
    )


def test_it_signs_in_with_email_and_lands_on_home(world, client):
    response = sign_in_form(client, "alice@riverside.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert AuditEvent.objects.filter(
        actor=world.alice, action=AuditEvent.Action.SIGN_IN
    ).exists()


def test_email_case_does_not_matter(world, client):
    response = sign_in_form(client, "Alice@Riverside.TEST", PASSWORD)
    assert response.status_code == 302


def test_a_wrong_password_keeps_the_email_and_says_what_to_do(world, client):
    response = sign_in_form(client, "alice@riverside.test", "not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html
    assert "The email address or password is not right" in html
    assert 'value="alice@riverside.test"' in html
    assert 'href="#id_username"' in html


def test_an_invalid_email_gets_a_message_beside_the_field(world, client):
    response = sign_in_form(client, "alice-at-riverside", PASSWORD)
    html = response.content.decode()
    assert "Enter an email address in the correct format" in html
    assert 'id="id_username_error"' in html
    assert 'value="alice-at-riverside"' in html


def test_five_failures_pause_signing_in_even_with_the_right_password(world, client):
    for _ in range(5):
        sign_in_form(client, "alice@riverside.test", "wrong-password")
    response = sign_in_form(client, "alice@riverside.test", PASSWORD)
    assert response.status_code == 429
    assert "Signing in is paused" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_accounts_are_not_locked_by_someone_elses_failures(world, client):
    for _ in range(5):
        sign_in_form(client, "alice@riverside.test", "wrong-password")
    assert sign_in_form(client, "bob@riverside.test", PASSWORD).status_code == 302


def test_signing_out_needs_a_post(world, sign_in):
    client = sign_in(world.alice)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        actor=world.alice, action=AuditEvent.Action.SIGN_OUT
    ).exists()


def test_a_password_reset_sends_a_link_only_to_known_addresses(world, client):
    response = client.post(
        reverse("accounts:password-reset"), {"email": "alice@riverside.test"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/password-reset/" in mail.outbox[0].body
    client.post(reverse("accounts:password-reset"), {"email": "stranger@example.org"})
    assert len(mail.outbox) == 1


def test_the_reset_link_sets_a_strong_password(world, client):
    client.post(reverse("accounts:password-reset"), {"email": "alice@riverside.test"})
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line
    )
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    url = form_page.redirect_chain[-1][0]
    weak = client.post(url, {"new_password1": "password", "new_password2": "password"})
    assert "This password is too short" in weak.content.decode()
    strong = client.post(
        url,
        {
            "new_password1": "violet lantern harbour",
            "new_password2": "violet lantern harbour",
        },
    )
    assert strong.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.check_password("violet lantern harbour")


def test_signed_in_pages_are_never_cached(world, sign_in):
    client = sign_in(world.alice)
    response = client.get(reverse("people:person-list"))
    assert "no-store" in response["Cache-Control"]
