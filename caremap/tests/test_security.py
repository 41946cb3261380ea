from django.test import Client
from django.urls import reverse

from caremap.testing.personas import PASSWORD


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, db):
    response = client.get(reverse("accounts:sign-in"))
    policy = response["Content-Security-Policy"]
    script_src = next(
        part for part in policy.split(";") if part.strip().startswith("script-src")
    )
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.content.decode()


def test_pages_cannot_be_framed_or_sniffed(client, db):
    response = client.get(reverse("accounts:sign-in"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_forms_refuse_a_post_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice, backend="caremap.accounts.backends.PasswordBackend")
    response = client.post(reverse("people:person-create"), {"given_name": "Eve"})
    assert response.status_code == 403


def test_sign_in_also_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": "alice@riverside.test", "password": "x"},
    )
    assert response.status_code == 403


def test_the_500_page_is_self_contained():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Sorry, there is a problem with the service" in html


def test_signing_in_never_sends_anyone_to_another_site(world, client):
    for target in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
    ]:
        client.logout()
        response = client.post(
            reverse("accounts:sign-in") + "?next=" + target,
            {"username": "alice@riverside.test", "password": PASSWORD},
        )
        assert response.status_code == 302, target
        assert response["Location"] == reverse("home"), target
