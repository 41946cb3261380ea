"""Signing in is paused after repeated failures, whatever way the address is
typed, per account, per address and account, and per address (spraying)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from caremap.testing.personas import PASSWORD


def sign_in_form(client, email, password, *, address="203.0.113.7"):
    return client.post(
        reverse("accounts:sign-in"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )


def test_letter_case_does_not_get_round_a_pause(world, client):
    for _ in range(5):
        sign_in_form(client, "alice@riverside.test", "wrong-password")

    other_spelling = sign_in_form(client, "ALICE@Riverside.Test", PASSWORD)
    assert other_spelling.status_code == 429
    assert "_auth_user_id" not in client.session
    # The refused attempt cleared nothing: the usual spelling is still paused.
    assert sign_in_form(client, "alice@riverside.test", PASSWORD).status_code == 429


def test_spaces_around_the_address_do_not_get_round_a_pause(world, client):
    for spelling in ["alice@riverside.test", " Alice@riverside.test "] * 3:
        sign_in_form(client, spelling, "wrong-password")
    assert sign_in_form(client, "alice@riverside.test", PASSWORD).status_code == 429


def test_one_address_trying_one_account_is_paused_there_only(world, client):
    for _ in range(5):
        sign_in_form(client, "alice@riverside.test", "wrong-password")
    paused = sign_in_form(client, "alice@riverside.test", PASSWORD)
    assert paused.status_code == 429
    assert "paused for 15 minutes" in paused.content.decode()
    # Alice, at her own desk, is not stopped by someone guessing elsewhere.
    at_her_desk = sign_in_form(
        client, "alice@riverside.test", PASSWORD, address="198.51.100.20"
    )
    assert at_her_desk.status_code == 302


def test_guessing_one_account_from_many_addresses_pauses_that_account(world, client):
    # Four tries from each of five addresses: under the limit for each
    # address, but twenty for the account; the twentieth starts the pause.
    statuses = [
        sign_in_form(
            client, "alice@riverside.test", "wrong-password", address=f"192.0.2.{last}"
        ).status_code
        for last in range(1, 6)
        for _ in range(4)
    ]
    assert statuses == [200] * 19 + [429]
    fresh_address = sign_in_form(
        client, "alice@riverside.test", PASSWORD, address="198.51.100.20"
    )
    assert fresh_address.status_code == 429
    assert "_auth_user_id" not in client.session
    # Other accounts, even from the same addresses, are not affected.
    assert (
        sign_in_form(
            client, "bob@riverside.test", PASSWORD, address="192.0.2.1"
        ).status_code
        == 302
    )


def test_the_account_limit_is_higher_than_the_one_per_address(world, settings):
    assert settings.AXES_ACCOUNT_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT


def test_one_password_tried_against_many_accounts_pauses_the_address(
    world, client, settings
):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 10
    accounts = ["alice", "bob", "carol", "mia"] + [f"guess{n}" for n in range(6)]
    for name in accounts:
        response = sign_in_form(client, f"{name}@riverside.test", "Summer2026!")
    # The tenth try, itself wrong, is the one that starts the pause.
    assert response.status_code == 429
    # Nobody signs in from that address for now, even with the right password...
    assert sign_in_form(client, "oscar@hillside.test", PASSWORD).status_code == 429
    # ...but the accounts tried are not paused anywhere else.
    assert (
        sign_in_form(
            client, "alice@riverside.test", PASSWORD, address="198.51.100.20"
        ).status_code
        == 302
    )


def test_signing_in_to_ones_own_account_does_not_clear_an_address_count(
    world, client, settings
):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    for name in ["alice", "bob", "carol", "mia", "hugo"]:
        sign_in_form(client, f"{name}@riverside.test", "Summer2026!")
    # A success clears only the count for that account from that address.
    assert sign_in_form(client, "nora@nowhere.test", PASSWORD).status_code == 302
    client.post(reverse("accounts:sign-out"), REMOTE_ADDR="203.0.113.7")
    assert sign_in_form(client, "oscar@hillside.test", "Summer2026!").status_code == 429


def test_a_limit_of_zero_switches_the_address_count_off(world, client, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 0
    for n in range(40):
        response = sign_in_form(client, f"guess{n}@riverside.test", "Summer2026!")
        assert response.status_code == 200
    assert sign_in_form(client, "alice@riverside.test", PASSWORD).status_code == 302


def test_the_pause_ends_and_trying_during_it_does_not_make_it_longer(world, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            sign_in_form(client, "alice@riverside.test", "wrong-password")
        traveller.shift(datetime.timedelta(minutes=10))
        for _ in range(3):
            assert (
                sign_in_form(client, "alice@riverside.test", "again").status_code == 429
            )
        traveller.shift(datetime.timedelta(minutes=6))
        assert sign_in_form(client, "alice@riverside.test", PASSWORD).status_code == 302


def test_the_pause_page_gives_the_configured_length(world, client, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=40)
    for _ in range(6):
        response = sign_in_form(client, "alice@riverside.test", "wrong-password")
    html = response.content.decode()
    assert "paused for 40 minutes" in html
    assert "<h1" in html and html.count("<h1") == 1


@pytest.mark.parametrize(
    "typed",
    ["alice@riverside.test", "ALICE@RIVERSIDE.TEST", " Alice@Riverside.Test\t"],
)
def test_sign_in_and_the_lock_out_count_agree_on_the_account(world, rf, typed):
    """The account a spelling signs in to is the one its failures count
    against: the user manager and the lock-out read addresses alike."""
    from caremap.accounts.lockout import username_for_lockout
    from caremap.accounts.models import User

    request = rf.post("/", {"username": typed})
    assert User.objects.get_by_natural_key(typed) == world.alice
    assert username_for_lockout(request, None) == world.alice.email
    assert username_for_lockout(request, {"username": typed}) == world.alice.email
