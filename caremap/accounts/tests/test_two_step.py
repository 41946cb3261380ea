"""Two-step verification: a code from an authenticator app after the
password, set up from the account page, required of administrators (when the
installation says so) and of managers in areas that say so."""

import datetime
import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caremap.privacy.models import AuditEvent
from caremap.testing.personas import PASSWORD


@pytest.fixture
def clock():
    """Time that moves only when told: each app code belongs to a 30-second
    step, and a code once used is refused for the rest of its step."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def code_for(device, clock):
    clock.shift(datetime.timedelta(seconds=30))
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def give_app(user):
    return TOTPDevice.objects.create(user=user, name="Authenticator app")


def password_page(client, email, *, next_url=None):
    url = reverse("accounts:sign-in")
    if next_url:
        url = f"{url}?next={next_url}"
    return client.post(url, {"username": email, "password": PASSWORD})


def signed_in(client):
    return "_auth_user_id" in client.session


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def assert_proper_page(response, title):
    soup = page(response)
    assert soup.title.string.strip().startswith(title)
    assert len(soup.find_all("h1")) == 1


# Signing in with an app


def test_the_code_is_asked_after_the_password_and_nothing_opens_before_it(
    world, client, clock
):
    device = give_app(world.alice)
    response = password_page(client, "alice@riverside.test")
    assert response["Location"] == reverse("accounts:two-step")
    assert not signed_in(client)
    for url in [
        reverse("home"),
        reverse("people:person-list"),
        reverse("accounts:account"),
    ]:
        refused = client.get(url)
        assert refused.status_code == 302
        assert refused["Location"].startswith(reverse("accounts:sign-in"))

    code_page = client.get(reverse("accounts:two-step"))
    assert_proper_page(code_page, "Enter your code")
    assert 'autocomplete="one-time-code"' in code_page.content.decode()

    response = client.post(
        reverse("accounts:two-step"), {"code": code_for(device, clock)}
    )
    assert response["Location"] == reverse("home")
    assert signed_in(client)
    assert client.get(reverse("people:person-list")).status_code == 200
    assert AuditEvent.objects.filter(
        actor=world.alice,
        action=AuditEvent.Action.SIGN_IN,
        summary__contains="two-step",
    ).exists()


def test_the_page_asked_for_is_reached_after_the_code(world, client, clock):
    device = give_app(world.alice)
    password_page(
        client, "alice@riverside.test", next_url=reverse("people:person-list")
    )
    response = client.post(
        reverse("accounts:two-step"), {"code": code_for(device, clock)}
    )
    assert response["Location"] == reverse("people:person-list")


def test_a_wrong_code_is_refused_beside_the_field_and_recorded(world, client, clock):
    device = give_app(world.alice)
    password_page(client, "alice@riverside.test")
    right = code_for(device, clock)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two-step"), {"code": wrong})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html
    assert 'id="id_code_error"' in html
    assert "The code is not right" in html
    assert f'value="{wrong}"' in html
    assert not signed_in(client)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.organisation == world.riverside
    assert event.record_id == str(world.alice.pk)
    assert wrong not in event.summary


def test_wrong_codes_make_the_next_try_wait(world, client, clock):
    device = give_app(world.alice)
    password_page(client, "alice@riverside.test")
    for wrong in ["000000", "111111", "222222"]:
        client.post(reverse("accounts:two-step"), {"code": wrong})
    # Three wrong codes in a row: even the right one waits four seconds.
    right = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("accounts:two-step"), {"code": right})
    assert "too many wrong codes" in response.content.decode()
    assert not signed_in(client)
    assert AuditEvent.objects.filter(summary__contains="too many wrong codes").exists()
    clock.shift(datetime.timedelta(seconds=5))
    response = client.post(reverse("accounts:two-step"), {"code": right})
    assert signed_in(client)


def test_a_backup_code_signs_in_once(world, client, clock):
    give_app(world.alice)
    backup = StaticDevice.objects.create(user=world.alice, name="Backup codes")
    StaticToken.objects.create(device=backup, token="abcd2345")
    password_page(client, "alice@riverside.test")
    client.post(reverse("accounts:two-step"), {"code": "ABCD 2345"})
    assert signed_in(client)
    client.post(reverse("accounts:sign-out"))
    password_page(client, "alice@riverside.test")
    response = client.post(reverse("accounts:two-step"), {"code": "abcd2345"})
    assert "The code is not right" in response.content.decode()
    assert not signed_in(client)


def test_a_held_sign_in_ends_after_ten_minutes(world, client, clock):
    device = give_app(world.alice)
    password_page(client, "alice@riverside.test")
    clock.shift(datetime.timedelta(minutes=11))
    response = client.post(
        reverse("accounts:two-step"), {"code": code_for(device, clock)}
    )
    assert response["Location"] == reverse("accounts:sign-in")
    assert not signed_in(client)


def test_the_code_page_needs_a_password_first(world, client):
    assert client.get(reverse("accounts:two-step"))["Location"] == reverse(
        "accounts:sign-in"
    )


# Setting up from the account page


def test_staff_set_up_the_app_from_their_account_page(world, client, sign_in, clock):
    sign_in(world.bob)
    account = client.get(reverse("accounts:account"))
    assert_proper_page(account, "Your account")
    assert reverse("accounts:two-step-setup") in account.content.decode()

    setup = client.get(reverse("accounts:two-step-setup"))
    assert_proper_page(setup, "Set up two-step verification")
    soup = page(setup)
    assert soup.select_one(".app-qr svg title") is not None
    device = TOTPDevice.objects.get(user=world.bob)
    assert not device.confirmed
    secret = soup.select_one("#secret").get_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    # Reloading keeps the same secret, so a code already scanned still works.
    client.get(reverse("accounts:two-step-setup"))
    assert TOTPDevice.objects.filter(user=world.bob).count() == 1

    wrong = client.post(reverse("accounts:two-step-setup"), {"code": "123456"})
    assert "The code is not right" in wrong.content.decode()
    clock.shift(datetime.timedelta(seconds=2))

    response = client.post(
        reverse("accounts:two-step-setup"), {"code": code_for(device, clock)}
    )
    assert response["Location"] == reverse("accounts:two-step-backup-codes")
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(reverse("accounts:two-step-backup-codes"))
    assert_proper_page(codes_page, "Your backup codes")
    shown = [li.get_text() for li in page(codes_page).select(".app-backup-codes li")]
    stored = sorted(
        StaticToken.objects.filter(device__user=world.bob).values_list(
            "token", flat=True
        )
    )
    assert len(shown) == 10
    assert sorted(shown) == stored
    # Shown once only.
    again = client.get(reverse("accounts:two-step-backup-codes"))
    assert again["Location"] == reverse("accounts:account")
    assert AuditEvent.objects.filter(
        actor=world.bob,
        action=AuditEvent.Action.TWO_STEP_ON,
        organisation=world.riverside,
    ).exists()
    # The session in which it was set up counts as verified, and the next
    # sign-in asks for a code.
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("accounts:sign-out"))
    assert password_page(client, "bob@riverside.test")["Location"] == reverse(
        "accounts:two-step"
    )


def test_setting_up_needs_a_signed_in_or_held_user(world, client):
    response = client.get(reverse("accounts:two-step-setup"))
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert not TOTPDevice.objects.exists()


def test_turning_it_off_needs_a_code(world, client, sign_in, clock):
    device = give_app(world.bob)
    sign_in(world.bob)
    wrong = client.post(reverse("accounts:two-step-off"), {"code": "000000"})
    assert "The code is not right" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=world.bob).exists()
    form_page = client.get(reverse("accounts:two-step-off"))
    assert_proper_page(form_page, "Turn off two-step verification")
    clock.shift(datetime.timedelta(seconds=5))
    response = client.post(
        reverse("accounts:two-step-off"), {"code": code_for(device, clock)}
    )
    assert response["Location"] == reverse("accounts:account")
    assert not TOTPDevice.objects.filter(user=world.bob).exists()
    assert AuditEvent.objects.filter(
        actor=world.bob, action=AuditEvent.Action.TWO_STEP_OFF
    ).exists()


# Required


def require_for_north_valley(world):
    world.area.require_two_step = True
    world.area.save()


def test_a_manager_in_a_requiring_area_sets_it_up_before_anything_else(
    world, client, clock
):
    require_for_north_valley(world)
    response = password_page(client, "mia@riverside.test")
    assert response["Location"] == reverse("accounts:two-step-setup")
    assert not signed_in(client)
    for url in [
        reverse("home"),
        reverse("people:person-list"),
        reverse("accounts:account"),
    ]:
        assert client.get(url)["Location"].startswith(reverse("accounts:sign-in"))

    setup = client.get(reverse("accounts:two-step-setup"))
    assert "Your role needs two-step verification" in setup.content.decode()
    device = TOTPDevice.objects.get(user=world.mia)
    client.post(reverse("accounts:two-step-setup"), {"code": code_for(device, clock)})
    assert signed_in(client)
    codes_page = client.get(reverse("accounts:two-step-backup-codes"))
    assert f'href="{reverse("home")}"' in codes_page.content.decode()
    assert client.get(reverse("people:person-list")).status_code == 200
    # Required, so it cannot be turned off.
    account = client.get(reverse("accounts:account")).content.decode()
    assert "cannot be turned off" in account
    assert reverse("accounts:two-step-off") not in account
    assert client.get(reverse("accounts:two-step-off"))["Location"] == reverse(
        "accounts:account"
    )


def test_navigators_in_a_requiring_area_are_not_required(world, client):
    require_for_north_valley(world)
    assert password_page(client, "alice@riverside.test")["Location"] == reverse("home")


def test_administrators_are_required_only_when_the_installation_says_so(
    world, client, settings
):
    assert password_page(client, "ada@admin.test")["Location"] == reverse("home")
    client.post(reverse("accounts:sign-out"))
    settings.TWO_STEP_FOR_ADMINISTRATORS = True
    response = password_page(client, "ada@admin.test")
    assert response["Location"] == reverse("accounts:two-step-setup")
    assert not signed_in(client)


def test_a_session_without_a_code_ends_when_the_role_comes_to_need_one(
    world, client, sign_in
):
    sign_in(world.hugo)
    assert client.get(reverse("home")).status_code == 200
    require_for_north_valley(world)
    response = client.get(reverse("people:person-list"))
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert not signed_in(client)
    assert (
        "Your role now needs two-step verification"
        in client.get(response["Location"]).content.decode()
    )


def test_a_verified_session_carries_on_when_the_role_comes_to_need_it(
    world, client, clock
):
    device = give_app(world.hugo)
    password_page(client, "hugo@hillside.test")
    client.post(reverse("accounts:two-step"), {"code": code_for(device, clock)})
    require_for_north_valley(world)
    assert client.get(reverse("people:person-list")).status_code == 200


def test_django_admins_own_sign_in_page_cannot_skip_the_code(world, client, clock):
    device = give_app(world.ada)
    admin_index = reverse("admin:index")
    response = client.post(
        reverse("admin:login"),
        {"username": "ada@admin.test", "password": PASSWORD, "next": admin_index},
    )
    assert not signed_in(client)
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    sign_in_url = response["Location"]
    response = client.post(
        sign_in_url, {"username": "ada@admin.test", "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:two-step")
    assert not signed_in(client)
    response = client.post(
        reverse("accounts:two-step"), {"code": code_for(device, clock)}
    )
    assert response["Location"] == admin_index
    assert client.get(admin_index).status_code == 200


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_checking_for_a_required_code_costs_a_page_no_query(
    world, client, sign_in, settings
):
    require_for_north_valley(world)
    sign_in(world.alice)
    url = reverse("people:person-list")
    client.get(url)
    with_check = queries_for(client, url)
    settings.MIDDLEWARE = [
        name
        for name in settings.MIDDLEWARE
        if name != "caremap.accounts.middleware.TwoStepRequiredMiddleware"
    ]
    assert queries_for(client, url) == with_check


def test_a_verified_session_costs_one_query_a_page(world, client, sign_in, clock):
    url = reverse("people:person-list")
    sign_in(world.alice)
    client.get(url)
    plain = queries_for(client, url)
    client.post(reverse("accounts:sign-out"))
    device = give_app(world.alice)
    password_page(client, "alice@riverside.test")
    client.post(reverse("accounts:two-step"), {"code": code_for(device, clock)})
    client.get(url)
    assert queries_for(client, url) == plain + 1
