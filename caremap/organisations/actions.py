"""Changes to teams and memberships, each atomic and audited."""

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from caremap.accounts.models import User
from caremap.organisations.models import Membership, Team
from caremap.people.models import Person
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent


@transaction.atomic
def create_team(organisation, name, *, by):
    team = Team.objects.create(organisation=organisation, name=name)
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=team,
        summary=f"Team {name}",
        changes={"name": ["", name]},
    )
    return team


@transaction.atomic
def rename_team(team, name, *, by):
    old = team.name
    if old == name:
        return team
    team.name = name
    team.save(update_fields=["name"])
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=team,
        changes={"name": [old, name]},
    )
    return team


@transaction.atomic
def add_member(organisation, *, email, full_name, role, team=None, by, request=None):
    """Give someone a role in the organisation. A new email address gets an
    account with no password and an email inviting them to set one."""
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    invited = user is None
    if invited:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
    membership = Membership(user=user, role=role, organisation=organisation, team=team)
    membership.full_clean()
    membership.save()
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=membership,
        summary=f"{user.email} added as {membership.get_role_display()}",
        changes={"role": ["", role], "team": ["", str(team or "")]},
    )
    if invited:
        transaction.on_commit(lambda: send_invitation(user, request))
    return membership


def send_invitation(user, request):
    """Email a new member a link to choose their password. PasswordResetForm's
    own save() skips accounts without a usable password, which is exactly
    what a new account is, so the email is built here from its parts."""
    context = {
        "email": user.email,
        "user": user,
        "domain": request.get_host(),
        "protocol": "https" if request.is_secure() else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    PasswordResetForm().send_mail(
        "accounts/emails/invitation-subject.txt",
        "accounts/emails/invitation-body-text.txt",
        context,
        None,
        user.email,
    )


@transaction.atomic
def change_membership_team(membership, team, *, by):
    old = membership.team
    if old == team:
        return membership
    membership.team = team
    membership.full_clean()
    membership.save(update_fields=["team"])
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=membership,
        summary=f"{membership.user.email}",
        changes={"team": [str(old or ""), str(team or "")]},
    )
    return membership


@transaction.atomic
def remove_member(membership, *, by):
    """End a membership. People on a departing navigator's caseload in this
    organisation become unassigned, so the manager can see and reassign them."""
    unassigned = 0
    if membership.role == Membership.Role.NAVIGATOR:
        caseload = Person.objects.filter(
            organisation=membership.organisation, navigator=membership.user
        )
        for person in caseload.select_for_update():
            person.navigator = None
            person.save(update_fields=["navigator", "updated_at"])
            record(
                AuditEvent.Action.UPDATE,
                by=by,
                record=person,
                person=person,
                changes={"navigator": [str(membership.user), ""]},
            )
            unassigned += 1
    record(
        AuditEvent.Action.DELETE,
        by=by,
        record=membership,
        summary=f"{membership.user.email} removed as {membership.get_role_display()}; "
        f"{unassigned} people unassigned",
    )
    membership.delete()
    return unassigned
