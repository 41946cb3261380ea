"""A manager adds staff by invitation: the role starts only when the holder
of the address accepts, and nothing about any account at that address is
shown to the manager before then."""

import datetime
import re
from urllib.parse import urlparse

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremap.accounts.models import User
from caremap.organisations.models import Invitation, Membership
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import PASSWORD, SIGN_IN_BACKEND

NEW_ACCOUNT_PASSWORD = "lantern orchard cobalt river"


def invite(
    client, world, email, *, role="navigator", full_name="Someone New", team=None
):
    data = {"email": email, "full_name": full_name, "role": role}
    if team is not None:
        data["team"] = team.pk
    return client.post(
        reverse("organisations:member-create", args=[world.riverside.pk]), data
    )


def sent_link():
    [message] = mail.outbox
    return urlparse(re.search(r"https?://\S+", message.body).group(0)).path


@pytest.fixture
def mia(world, django_capture_on_commit_callbacks):
    # Her own browser: `client` below is the invited person's.
    client = Client()
    client.force_login(world.mia, backend=SIGN_IN_BACKEND)

    def send(email, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = invite(client, world, email, **kwargs)
        assert response.status_code == 302
        return response

    client.send = send
    return client


def test_inviting_an_existing_account_reveals_nothing_about_it(world, mia):
    # Oscar works at Hillside. The manager sees what she typed, never his
    # name, and the page is the same as for an address with no account.
    pages = {}
    for email in ["Oscar@Hillside.test", "nobody-yet@riverside.test"]:
        mail.outbox.clear()
        response = mia.send(email, full_name="Typed Name")
        pages[email] = mia.get(response["Location"]).content.decode()
    assert "Oscar Outsider" not in pages["Oscar@Hillside.test"]
    for page, email in [
        (pages["Oscar@Hillside.test"], "oscar@hillside.test"),
        (pages["nobody-yet@riverside.test"], "nobody-yet@riverside.test"),
    ]:
        assert f"An invitation has been sent to {email}" in page
        assert "Invitations not yet accepted" in page
    assert not Membership.objects.filter(
        user=world.oscar, organisation=world.riverside
    ).exists()
    assert not User.objects.filter(email="nobody-yet@riverside.test").exists()


def test_the_invitation_email_names_the_organisation_and_role(world, mia):
    mia.send("oscar@hillside.test", team=world.south_team)
    [message] = mail.outbox
    assert message.to == ["oscar@hillside.test"]
    assert message.subject == "Invitation to join Riverside Recovery on Caremap"
    assert "Mia Manager has invited you to join Riverside Recovery" in message.body
    assert "as a navigator" in message.body
    invitation = Invitation.objects.get()
    assert invitation.team == world.south_team
    token = sent_link().rstrip("/").rsplit("/", 1)[-1]
    assert token not in invitation.token_hash
    assert invitation.token_hash == Invitation.hash_token(token)


def test_an_existing_account_accepts_after_signing_in(world, mia, client):
    mia.send("oscar@hillside.test", role="manager")
    link = sent_link()
    client.logout()
    response = client.get(link)
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == reverse("accounts:sign-in")

    client.force_login(world.oscar, backend=SIGN_IN_BACKEND)
    page = client.get(link)
    assert "Join Riverside Recovery" in page.content.decode()
    response = client.post(link, {"choice": "accept"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=world.oscar, organisation=world.riverside)
    assert membership.role == "manager"
    event = AuditEvent.objects.get(
        record_type="organisations.membership", record_id=str(membership.pk)
    )
    assert event.organisation == world.riverside
    assert event.actor == world.oscar
    # Used once: the link now says so.
    assert client.get(link).status_code == 404


def test_a_new_address_sets_up_an_account_and_joins(world, mia, client):
    mia.send("nia@riverside.test", full_name="Nia New", team=world.north_team)
    link = sent_link()
    client.logout()
    page = client.get(link).content.decode()
    assert 'value="Nia New"' in page
    response = client.post(
        link,
        {
            "choice": "join",
            "full_name": "Nia Newydd",
            "password1": NEW_ACCOUNT_PASSWORD,
            "password2": NEW_ACCOUNT_PASSWORD,
        },
    )
    assert response.status_code == 302
    nia = User.objects.get(email="nia@riverside.test")
    assert nia.full_name == "Nia Newydd"
    assert nia.check_password(NEW_ACCOUNT_PASSWORD)
    membership = Membership.objects.get(user=nia)
    assert (membership.organisation, membership.role, membership.team) == (
        world.riverside,
        "navigator",
        world.north_team,
    )


def test_a_weak_or_mismatched_password_is_refused_beside_the_field(world, mia, client):
    mia.send("nia@riverside.test")
    link = sent_link()
    client.logout()
    response = client.post(
        link,
        {"choice": "join", "full_name": "Nia", "password1": "short", "password2": "x"},
    )
    assert response.status_code == 200
    assert "The two passwords do not match" in response.content.decode()
    response = client.post(
        link,
        {
            "choice": "join",
            "full_name": "Nia",
            "password1": "short",
            "password2": "short",
        },
    )
    html = response.content.decode()
    assert 'id="id_password1_error"' in html
    assert not User.objects.filter(email="nia@riverside.test").exists()


def test_declining_leaves_no_role_and_is_audited(world, mia, client):
    mia.send("oscar@hillside.test")
    link = sent_link()
    client.force_login(world.oscar, backend=SIGN_IN_BACKEND)
    client.post(link, {"choice": "decline"})
    invitation = Invitation.objects.get()
    assert invitation.declined_at is not None
    assert not Membership.objects.filter(
        user=world.oscar, organisation=world.riverside
    ).exists()
    assert AuditEvent.objects.filter(
        record_type="organisations.invitation",
        organisation=world.riverside,
        summary__contains="declined",
    ).exists()


def test_another_signed_in_account_cannot_use_the_link(world, mia, client):
    mia.send("oscar@hillside.test")
    link = sent_link()
    client.force_login(world.hugo, backend=SIGN_IN_BACKEND)
    page = client.get(link).content.decode()
    assert "This invitation is for another account" in page
    assert "oscar@hillside.test" not in page
    client.post(link, {"choice": "accept"})
    assert not Membership.objects.filter(
        organisation=world.riverside, user=world.hugo
    ).exists()
    assert not Membership.objects.filter(
        organisation=world.riverside, user=world.oscar
    ).exists()


def test_an_administrator_cannot_be_brought_in_to_read_people(world, mia, client):
    mia.send("ada@admin.test", role="manager")
    link = sent_link()
    client.force_login(world.ada, backend=SIGN_IN_BACKEND)
    response = client.post(link, {"choice": "accept"})
    assert response.status_code == 400
    assert "cannot also work with people" in response.content.decode()
    assert not Membership.objects.filter(user=world.ada, role="manager").exists()
    assert (
        client.get(
            reverse("people:person-detail", args=[world.alices_person.pk])
        ).status_code
        == 403
    )


def test_an_expired_or_cancelled_invitation_cannot_be_used(world, mia, client):
    mia.send("oscar@hillside.test")
    link = sent_link()
    client.force_login(world.oscar, backend=SIGN_IN_BACKEND)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert client.get(link).status_code == 404
        client.post(link, {"choice": "accept"})
    assert not Membership.objects.filter(
        user=world.oscar, organisation=world.riverside
    ).exists()

    mail.outbox.clear()
    mia.send("oscar@hillside.test")
    link = sent_link()
    invitation = Invitation.objects.open().get()
    mia.post(
        reverse(
            "organisations:invitation-cancel", args=[world.riverside.pk, invitation.pk]
        )
    )
    assert client.get(link).status_code == 404
    assert AuditEvent.objects.filter(
        record_type="organisations.invitation",
        action=AuditEvent.Action.DELETE,
        organisation=world.riverside,
    ).exists()


def test_a_second_invitation_replaces_the_first(world, mia):
    mia.send("oscar@hillside.test")
    first = sent_link()
    mail.outbox.clear()
    mia.send("oscar@hillside.test")
    second = sent_link()
    assert first != second
    assert Invitation.objects.open().count() == 1


def test_only_the_organisations_managers_may_cancel_an_invitation(world, mia, sign_in):
    mia.send("oscar@hillside.test")
    invitation = Invitation.objects.get()
    url = reverse(
        "organisations:invitation-cancel", args=[world.riverside.pk, invitation.pk]
    )
    for persona in ["alice", "hugo", "cara", "ada", "nora"]:
        client = sign_in(getattr(world, persona))
        assert client.post(url).status_code == 403, persona
    assert Invitation.objects.open().count() == 1


def test_a_new_account_cannot_take_over_an_existing_one(world, mia, client):
    mia.send("oscar@hillside.test")
    link = sent_link()
    client.logout()
    client.post(
        link,
        {
            "choice": "join",
            "full_name": "Not Oscar",
            "password1": NEW_ACCOUNT_PASSWORD,
            "password2": NEW_ACCOUNT_PASSWORD,
        },
    )
    world.oscar.refresh_from_db()
    assert world.oscar.check_password(PASSWORD)
    assert world.oscar.full_name == "Oscar Outsider"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_invitation_page_has_a_title_one_heading_and_the_language(
    world, mia, client, language
):
    from bs4 import BeautifulSoup
    from django.utils import translation

    mia.send("oscar@hillside.test")
    oscars = sent_link()
    mail.outbox.clear()
    mia.send("nia@riverside.test")
    nias = sent_link()
    invitation = Invitation.objects.get(email="oscar@hillside.test")

    def localised(path):
        return path.replace("/en/", f"/{language}/", 1)

    pages = []
    client.logout()
    pages.append(client.get(localised(nias)))  # set up an account and join
    client.force_login(world.oscar, backend=SIGN_IN_BACKEND)
    pages.append(client.get(localised(oscars)))  # accept or decline
    client.force_login(world.hugo, backend=SIGN_IN_BACKEND)
    pages.append(client.get(localised(oscars)))  # another account
    pages.append(client.get(localised("/en/organisation/invitations/no-such-token/")))
    with translation.override(language):
        cancel = reverse(
            "organisations:invitation-cancel", args=[world.riverside.pk, invitation.pk]
        )
    pages.append(mia.get(cancel))
    for response in pages:
        soup = BeautifulSoup(response.content, "html.parser")
        assert soup.html["lang"] == language
        assert soup.title.string.strip()
        assert len(soup.find_all("h1")) == 1
    welsh = {
        "en": "Join Riverside Recovery",
        "cy": "Ymuno â staff Riverside Recovery",
    }[language]
    assert welsh in pages[1].content.decode()


def test_an_open_invitations_token_never_reaches_the_audit_trail(world, mia, client):
    mia.send("oscar@hillside.test")
    link = sent_link()
    token = link.rstrip("/").rsplit("/", 1)[-1]
    client.logout()
    sign_in_page = client.get(link)["Location"]
    # A wrong password on the way to the invitation is audited, with its page.
    client.post(sign_in_page, {"username": "oscar@hillside.test", "password": "no"})
    client.force_login(world.oscar, backend=SIGN_IN_BACKEND)
    client.post(link, {"choice": "accept"})
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED).exists()
    leaks = [
        (event["action"], column)
        for event in AuditEvent.objects.values()
        for column, value in event.items()
        if token in str(value)
    ]
    assert leaks == []
