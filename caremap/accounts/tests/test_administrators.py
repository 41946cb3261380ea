"""An administrator administers and never reads people: no sequence of
actions in administration, and no role given by anyone, opens a person's
record to an administrator's account (decision 0016)."""

import pytest
from django.contrib import admin
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from caremap.accounts.models import User
from caremap.organisations.models import Membership, Organisation
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import make_user

# Fields that would grant or take over access if an administrator could set
# them: Django's own privilege flags and tables, and passwords.
PRIVILEGE_FIELDS = {
    "is_superuser",
    "is_staff",
    "groups",
    "user_permissions",
    "password",
    "password1",
    "password2",
    "usable_password",
}


def person_urls(world):
    person = world.alices_person.pk
    other = world.oscars_person.pk
    return [
        reverse("people:person-detail", args=[person]),
        reverse("people:person-detail", args=[other]),
        reverse("people:person-audit", args=[person]),
        reverse("people:person-audit", args=[other]),
        reverse("people:person-edit", args=[person]),
        reverse("people:person-list"),
        reverse("episodes:person-episodes", args=[person]),
        reverse("assessments:person-assessments", args=[person]),
        reverse("engagement:person-contacts", args=[person]),
    ]


def assert_reads_nobody(client, world, user):
    user = User.objects.get(pk=user.pk)  # fresh, as each request has
    for url in person_urls(world):
        status = client.get(url).status_code
        assert status in (403, 404), f"{user.email} got {status} from {url}"
    assert not user.has_perm("people.list_people")
    assert not user.has_perm("people.view_person", world.alices_person)
    assert not user.has_perm("people.view_person", world.oscars_person)


def admin_form_fields(html):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", id=lambda value: value and value.endswith("_form"))
    return {
        element["name"]
        for element in form.find_all(["input", "select", "textarea"])
        if element.get("name")
    }


def test_giving_oneself_superuser_status_in_admin_opens_no_record(world, sign_in):
    """The first high-severity finding, reproduced: the superuser box was on
    the account page and, once ticked, opened every record."""
    client = sign_in(world.ada)
    assert_reads_nobody(client, world, world.ada)
    url = reverse("admin:accounts_user_change", args=[world.ada.pk])
    response = client.post(
        url,
        {
            "full_name": "Ada Administrator",
            "is_active": "on",
            "is_superuser": "on",
            "email": "ada@admin.test",
        },
    )
    assert response.status_code == 302
    world.ada.refresh_from_db()
    assert not world.ada.is_superuser
    assert_reads_nobody(client, world, world.ada)


def test_a_superuser_made_on_the_server_still_reads_nobody(world, client):
    call_command(
        "createsuperuser",
        email="root@server.test",
        full_name="Root",
        interactive=False,
        verbosity=0,
    )
    root = User.objects.get(email="root@server.test")
    assert root.is_superuser and root.is_administrator
    client.force_login(root, backend="caremap.accounts.backends.PasswordBackend")
    assert client.get(reverse("admin:index")).status_code == 200
    assert_reads_nobody(client, world, root)
    assert not root.has_perm("people.view_person")
    assert not root.has_perm("auth.change_permission")


def test_a_person_level_role_written_straight_to_the_database_opens_nothing(
    world, sign_in
):
    # Model validation refuses it, but a row could still arrive some other
    # way (a database edit, an old import): it must grant nothing.
    Membership.objects.create(
        user=world.ada, role=Membership.Role.MANAGER, organisation=world.riverside
    )
    assert_reads_nobody(sign_in(world.ada), world, world.ada)


def test_an_administrator_cannot_give_themselves_a_person_level_role(world, sign_in):
    client = sign_in(world.ada)
    for role in ["manager", "navigator"]:
        response = client.post(
            reverse("admin:organisations_membership_add"),
            {"user": world.ada.pk, "role": role, "organisation": world.hillside.pk},
        )
        assert response.status_code == 200, role
        assert "cannot also work with people" in response.content.decode()
    assert (
        not Membership.objects.filter(user=world.ada)
        .exclude(role=Membership.Role.ADMINISTRATOR)
        .exists()
    )
    assert_reads_nobody(client, world, world.ada)


def test_an_administrator_cannot_give_another_administrator_a_person_level_role(
    world, sign_in
):
    second = make_user("ben@admin.test", "Ben Administrator")
    Membership.objects.create(user=second, role=Membership.Role.ADMINISTRATOR)
    client = sign_in(world.ada)
    response = client.post(
        reverse("admin:organisations_membership_add"),
        {"user": second.pk, "role": "manager", "organisation": world.riverside.pk},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=second, role="manager").exists()


def test_nobody_who_works_with_people_can_be_made_an_administrator(world, sign_in):
    client = sign_in(world.ada)
    response = client.post(
        reverse("admin:organisations_membership_add"),
        {"user": world.mia.pk, "role": "administrator"},
    )
    assert response.status_code == 200
    assert "cannot also administer" in response.content.decode()
    assert not world.mia.memberships.filter(role="administrator").exists()


def test_an_existing_administrator_membership_cannot_be_turned_into_another_role(
    world, sign_in
):
    client = sign_in(world.ada)
    membership = world.ada.memberships.get()
    client.post(
        reverse("admin:organisations_membership_change", args=[membership.pk]),
        {"user": world.ada.pk, "role": "manager", "organisation": world.riverside.pk},
    )
    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMINISTRATOR
    assert membership.organisation is None
    assert_reads_nobody(client, world, world.ada)


def test_administration_appoints_only_an_organisations_first_manager(world, sign_in):
    """An administrator with a second mailbox could otherwise make an account
    of their own a manager of a service with records. Where a service has a
    manager, its staff come by invitation from that manager."""
    client = sign_in(world.ada)
    for role in ["manager", "navigator"]:
        response = client.post(
            reverse("admin:organisations_membership_add"),
            {"user": world.nora.pk, "role": role, "organisation": world.riverside.pk},
        )
        assert response.status_code == 200
        assert "adds its staff by invitation" in response.content.decode()
    assert not Membership.objects.filter(user=world.nora).exists()

    housing = Organisation.objects.create(
        area=world.area, name="Valley Housing", kind=Organisation.Kind.OTHER
    )
    response = client.post(
        reverse("admin:organisations_membership_add"),
        {"user": world.nora.pk, "role": "manager", "organisation": housing.pk},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=world.nora)
    event = AuditEvent.objects.get(
        record_type="organisations.membership", record_id=str(membership.pk)
    )
    assert (event.organisation, event.actor) == (housing, world.ada)
    # The organisation's manager sees who appointed her, in its own trail.
    trail = sign_in(world.nora).get(
        reverse("organisations:organisation-audit", args=[housing.pk])
    )
    assert "Ada Administrator" in trail.content.decode()


def test_administration_cannot_remove_staff(world, sign_in):
    client = sign_in(world.ada)
    membership = world.mia.memberships.get()
    response = client.post(
        reverse("admin:organisations_membership_delete", args=[membership.pk]),
        {"post": "yes"},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:organisations_membership_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [membership.pk],
            "post": "yes",
        },
    )
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_switching_an_account_off_is_filed_under_each_of_its_organisations(
    world, sign_in
):
    client = sign_in(world.ada)
    client.post(
        reverse("admin:accounts_user_change", args=[world.alice.pk]),
        {"full_name": "Alice Navigator"},  # is_active left unticked
    )
    world.alice.refresh_from_db()
    assert not world.alice.is_active
    assert AuditEvent.objects.filter(
        record_type="accounts.user",
        record_id=str(world.alice.pk),
        organisation=world.riverside,
        actor=world.ada,
    ).exists()


def test_a_new_account_made_in_admin_chooses_its_own_password(
    world, sign_in, django_capture_on_commit_callbacks
):
    client = sign_in(world.ada)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "New.Person@Example.test",
                "full_name": "New Person",
                "password1": "chosen-by-the-administrator",
                "password2": "chosen-by-the-administrator",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.test")
    assert not user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["new.person@example.test"]
    assert "/password-reset/" in message.body


def test_an_email_address_cannot_be_changed_in_admin(world, sign_in):
    # Changing it and then asking for a reset would hand over the account.
    client = sign_in(world.ada)
    client.post(
        reverse("admin:accounts_user_change", args=[world.mia.pk]),
        {"full_name": "Mia Manager", "is_active": "on", "email": "ada+mia@admin.test"},
    )
    world.mia.refresh_from_db()
    assert world.mia.email == "mia@riverside.test"


def test_no_page_in_admin_sets_a_password(world, sign_in):
    client = sign_in(world.ada)
    url = f"/en/admin/accounts/user/{world.mia.pk}/password/"
    response = client.post(
        url, {"password1": "taken-over-account", "password2": "taken-over-account"}
    )
    assert response.status_code in (302, 404)
    world.mia.refresh_from_db()
    assert not world.mia.check_password("taken-over-account")


@pytest.mark.parametrize("page", ["add", "change"])
def test_no_admin_form_offers_a_privilege_or_a_password(world, sign_in, page):
    """Every form administration shows, for every model registered in it."""
    client = sign_in(world.ada)
    samples = {
        "accounts.user": world.mia,
        "organisations.area": world.area,
        "organisations.organisation": world.riverside,
        "organisations.team": world.north_team,
        "organisations.membership": world.mia.memberships.get(),
    }
    seen = 0
    for model in admin.site._registry:
        label = model._meta.label_lower
        if page == "add":
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        else:
            instance = samples.get(label) or model.objects.first()
            if instance is None:
                continue
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                args=[instance.pk],
            )
        response = client.get(url)
        if response.status_code == 403:
            continue  # nothing can be added or changed through it
        assert response.status_code == 200, url
        offered = admin_form_fields(response.content.decode()) & PRIVILEGE_FIELDS
        assert not offered, f"{url} offers {offered}"
        seen += 1
    assert seen >= 5


def test_no_sequence_of_administration_opens_a_record(world, sign_in):
    """Every permission-changing form administration has, tried one after
    another as an administrator would try them, then every person page."""
    client = sign_in(world.ada)
    ada_membership = world.ada.memberships.get()
    attempts = [
        ("admin:accounts_user_change", [world.ada.pk], {"is_superuser": "on"}),
        ("admin:accounts_user_change", [world.ada.pk], {"is_staff": "on"}),
        ("admin:accounts_user_change", [world.ada.pk], {"groups": "1"}),
        ("admin:accounts_user_change", [world.ada.pk], {"user_permissions": "1"}),
        (
            "admin:organisations_membership_change",
            [ada_membership.pk],
            {"role": "manager", "organisation": world.riverside.pk},
        ),
    ]
    for role in ["manager", "navigator"]:
        for organisation in [world.riverside, world.hillside]:
            attempts.append(
                (
                    "admin:organisations_membership_add",
                    [],
                    {
                        "user": world.ada.pk,
                        "role": role,
                        "organisation": organisation.pk,
                        "team": world.north_team.pk,
                    },
                )
            )
    attempts.append(
        (
            "admin:organisations_membership_add",
            [],
            {"user": world.ada.pk, "role": "commissioner", "area": world.area.pk},
        )
    )
    for name, args, data in attempts:
        base = {"full_name": "Ada Administrator", "is_active": "on"}
        client.post(reverse(name, args=args), {**base, **data})
        assert_reads_nobody(client, world, world.ada)
    # Making a commissioner is allowed, and still names nobody.
    assert world.ada.memberships.filter(role="commissioner").exists()


def test_an_areas_two_step_setting_is_in_each_organisations_trail(world, sign_in):
    world.area.require_two_step = True
    world.area.save()
    client = sign_in(world.ada)
    response = client.post(
        reverse("admin:organisations_area_change", args=[world.area.pk]),
        {"name": world.area.name},  # require_two_step left unticked
    )
    assert response.status_code == 302
    world.area.refresh_from_db()
    assert not world.area.require_two_step
    for organisation in [world.riverside, world.hillside]:
        event = AuditEvent.objects.get(
            record_type="organisations.area",
            organisation=organisation,
            actor=world.ada,
        )
        assert "two-step" in event.changes["fields"][1], organisation
