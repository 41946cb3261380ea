"""Changes to referrals. Each is atomic and writes one audit event."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent
from caremap.referrals.models import Rating, Referral, ReferralUpdate


class InvalidTransition(ValidationError):
    """The referral cannot move to the asked-for status from where it is now.
    Its code is "already" when it is there already (a repeated submit)."""


@transaction.atomic
def create_referral(referral, *, by):
    """Save a new referral for `referral.person` to `referral.service`."""
    now = timezone.now()
    referral.organisation = referral.person.organisation
    referral.created_by = by
    referral.created_at = now
    referral.status = Referral.Status.SENT
    referral.status_changed_at = now
    referral.full_clean()
    referral.save()
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=referral,
        person=referral.person,
        summary=f"{referral.get_kind_display()} to {referral.service.name}",
        changes={
            "kind": ["", referral.kind],
            "service": ["", referral.service_id],
            "shared": ["", ", ".join(referral.shared)],
            "consent_method": ["", referral.consent_method],
        },
    )
    return referral


@transaction.atomic
def update_referral_status(referral, to_status, *, on, note="", by):
    """Move `referral` to `to_status` as of the date `on`, keeping the change
    as a ReferralUpdate. Raises InvalidTransition if that move is not allowed
    from the referral's status as it now stands in the database."""
    # Two submits of the same form race here; the lock makes the second one
    # wait and then see the status the first one set.
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status == to_status:
        raise InvalidTransition(
            _("This referral is already marked as %(status)s")
            % {"status": current.get_status_display()},
            code="already",
        )
    if not current.can_move_to(to_status):
        raise InvalidTransition(
            _("A referral that is %(current)s cannot be marked as %(status)s")
            % {
                "current": current.get_status_display().lower(),
                "status": str(
                    dict(Referral.Status.choices).get(to_status, to_status)
                ).lower(),
            },
            code="not_allowed",
        )
    update = ReferralUpdate(
        referral=current,
        from_status=current.status,
        to_status=to_status,
        on=on,
        note=note,
        by=by,
    )
    update.full_clean()
    update.save()
    referral.status = current.status = to_status
    referral.status_changed_at = current.status_changed_at = update.at
    current.save(update_fields=["status", "status_changed_at"])
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=current,
        person=referral.person,
        organisation=referral.organisation,
        summary=f"Referral {current.pk}: {update.from_status} to {to_status}",
        changes={"status": [update.from_status, to_status], "on": ["", str(on)]},
    )
    return update


@transaction.atomic
def rate_referral(referral, *, score, comment="", given_by_person, by):
    """Record how useful the service was. A referral has one rating; rating
    again replaces it."""
    rating = Rating.objects.select_for_update().filter(referral=referral).first()
    before = None if rating is None else (rating.score, rating.given_by_person)
    if rating is None:
        rating = Rating(referral=referral)
    old_comment = rating.comment
    rating.score = score
    rating.comment = comment
    rating.given_by_person = given_by_person
    rating.entered_by = by
    rating.entered_at = timezone.now()
    rating.full_clean()
    rating.save()
    # The comment is the person's own words, so the trail notes that it
    # changed without copying it.
    changes = {
        "score": ["" if before is None else before[0], score],
        "given_by_person": ["" if before is None else before[1], given_by_person],
    }
    if old_comment != comment:
        changes["comment"] = ["", "changed"]
    record(
        AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        by=by,
        record=rating,
        person=referral.person,
        organisation=referral.organisation,
        summary=f"Rating of referral {referral.pk}: {score} out of 5",
        changes=changes,
    )
    return rating
