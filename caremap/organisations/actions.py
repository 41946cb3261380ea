"""Changes to teams, memberships and invitations, each atomic and audited."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from caremap.accounts.identity import normalise_address
from caremap.accounts.models import User
from caremap.organisations.models import Invitation, Membership, Team
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
def invite_member(
    organisation, *, email, full_name, role, team=None, by, request
) -> tuple[Invitation, str]:
    """Offer someone a role in the organisation by email. Whether an account
    already exists at that address is not looked at here, so the manager
    learns nothing about it: the role starts only when the holder of the
    address accepts (`accept_invitation`). A second invitation for the same
    address and role replaces the first. Returns the invitation and the
    token for its link, which is stored only as a hash."""
    email = normalise_address(email)
    Invitation.objects.open().filter(
        organisation=organisation, email=email, role=role
    ).update(cancelled_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        full_name=full_name,
        role=role,
        team=team if role == Membership.Role.NAVIGATOR else None,
        token_hash=Invitation.hash_token(token),
        invited_by=by,
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=invitation,
        summary=f"Invitation sent to {email} as {invitation.get_role_display()}",
        changes={"role": ["", role], "team": ["", str(invitation.team or "")]},
    )
    transaction.on_commit(lambda: send_invitation(invitation, token, request))
    return invitation, token


def send_invitation(invitation, token, request):
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation.name,
        "role": invitation.get_role_display().lower(),
        "inviter": str(invitation.invited_by or ""),
        "days": settings.INVITATION_DAYS,
        "link": request.build_absolute_uri(
            reverse("organisations:invitation", args=[token])
        ),
    }
    subject = render_to_string(
        "organisations/emails/invitation-subject.txt", context
    ).strip()
    body = render_to_string("organisations/emails/invitation-body.txt", context)
    send_mail(subject, body, None, [invitation.email])


def _locked_open_invitation(invitation):
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_open:
        raise ValidationError(
            _("This invitation has already been answered, cancelled or has expired.")
        )
    return locked


@transaction.atomic
def accept_invitation(invitation, *, by) -> Membership:
    """The signed-in holder of the invited address takes up the role. The
    membership is checked like any other (an administrator's account is
    refused a person-level role) and audited where the organisation's
    managers see it."""
    invitation = _locked_open_invitation(invitation)
    if by.email != invitation.email:
        raise ValidationError(_("This invitation was sent to another email address."))
    membership = Membership.objects.filter(
        user=by, role=invitation.role, organisation=invitation.organisation
    ).first()
    if membership is None:
        membership = Membership(
            user=by,
            role=invitation.role,
            organisation=invitation.organisation,
            team=invitation.team,
        )
        membership.full_clean()
        membership.save()
        record(
            AuditEvent.Action.CREATE,
            by=by,
            record=membership,
            summary=f"{by.email} accepted an invitation and joined as "
            f"{membership.get_role_display()}",
            changes={
                "role": ["", invitation.role],
                "team": ["", str(invitation.team or "")],
            },
        )
    invitation.accepted_at = timezone.now()
    invitation.membership = membership
    invitation.save(update_fields=["accepted_at", "membership"])
    return membership


@transaction.atomic
def join_with_new_account(invitation, *, full_name, password) -> User:
    """Someone invited at an address with no usable account sets one up and
    accepts in one step. Holding the link shows they hold the address, as a
    password-reset link does, so an existing account without a password is
    given this one."""
    invitation = _locked_open_invitation(invitation)
    user = User.objects.select_for_update().filter(email=invitation.email).first()
    if user is not None and user.has_usable_password():
        raise ValidationError(
            _("An account already uses this address. Sign in to accept.")
        )
    if user is None:
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name
        )
        record(
            AuditEvent.Action.CREATE,
            by=user,
            record=user,
            organisation=invitation.organisation,
            summary=f"Account made for {user.email} from an invitation",
        )
    else:
        user.set_password(password)
        user.full_name = user.full_name or full_name
        user.save(update_fields=["password", "full_name"])
    accept_invitation(invitation, by=user)
    return user


@transaction.atomic
def decline_invitation(invitation, *, by=None):
    return _close_invitation(
        invitation,
        "declined_at",
        AuditEvent.Action.UPDATE,
        f"Invitation to {invitation.email} declined",
        by=by,
    )


@transaction.atomic
def cancel_invitation(invitation, *, by):
    return _close_invitation(
        invitation,
        "cancelled_at",
        AuditEvent.Action.DELETE,
        f"Invitation to {invitation.email} cancelled",
        by=by,
    )


def _close_invitation(invitation, field, action, summary, *, by):
    invitation = _locked_open_invitation(invitation)
    setattr(invitation, field, timezone.now())
    invitation.save(update_fields=[field])
    record(action, by=by, record=invitation, summary=summary)
    return invitation


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
