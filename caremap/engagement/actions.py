"""Every change to contacts, groups and attendance, outreach, check-ups and
the organisation's rules: one transaction and one audit event each. Forms
carry a one-time token or compare with what is stored, so sending one twice
records once."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from caremap.engagement.models import (
    Alert,
    Attendance,
    Contact,
    EngagementSettings,
    GroupMembership,
    OutreachTask,
)
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent


def record_contact(person, *, by, token=None, **fields):
    """The contact, and whether it is new (False: this form was already
    sent, and the contact it recorded is returned)."""
    if token is not None:
        existing = Contact.objects.filter(token=token, person=person).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            contact = Contact(
                person=person,
                organisation=person.organisation,
                by=by,
                token=token,
                **fields,
            )
            contact.full_clean(exclude=["person", "organisation", "by", "token"])
            contact.save()
            record(
                AuditEvent.Action.CREATE,
                by=by,
                record=contact,
                person=person,
                summary=f"Recorded a contact: {contact.method}, {contact.outcome}",
            )
    except IntegrityError:
        # The same token, sent twice at the same moment: the first won.
        return Contact.objects.get(token=token), False
    return contact, True


# Groups and attendance ----------------------------------------------------
# Attendance is kept one row per membership and session date, so that "a
# regular group missed N times in a row" can be counted from it: recording
# the same session again updates that row rather than adding another.


def add_group_membership(
    person,
    *,
    by,
    service=None,
    name="",
    regular=True,
    on_register=False,
    started_on=None,
    today=None,
):
    today = today or timezone.localdate()
    with transaction.atomic():
        membership = GroupMembership(
            person=person,
            service=service,
            name=service.name if service is not None else name,
            regular=regular,
            on_register=on_register,
            register_agreed_on=today if on_register else None,
            started_on=started_on or today,
            created_by=by,
        )
        membership.full_clean(exclude=["person", "service", "created_by"])
        membership.save()
        record(
            AuditEvent.Action.CREATE,
            by=by,
            record=membership,
            person=person,
            summary=f"Added a group: {membership.name}"
            + (" (agreed to be on its register)" if on_register else ""),
        )
    return membership


def change_group_membership(membership, *, by, regular, on_register, today=None):
    """Change whether the person goes regularly and whether they are on the
    group's register. Agreeing records the day; withdrawing clears it.
    Returns the changes made (empty when nothing changed)."""
    today = today or timezone.localdate()
    changes = {}
    if membership.regular != regular:
        changes["regular"] = [membership.regular, regular]
        membership.regular = regular
    if membership.on_register != on_register:
        changes["on_register"] = [membership.on_register, on_register]
        membership.on_register = on_register
        membership.register_agreed_on = today if on_register else None
    if not changes:
        return changes
    with transaction.atomic():
        membership.save(update_fields=["regular", "on_register", "register_agreed_on"])
        what = []
        if "regular" in changes:
            what.append("goes regularly" if regular else "does not go regularly")
        if "on_register" in changes:
            what.append(
                "agreed to be on the register"
                if on_register
                else "withdrew from the register"
            )
        record(
            AuditEvent.Action.UPDATE,
            by=by,
            record=membership,
            person=membership.person,
            summary=f"Changed a group, {membership.name}: {', '.join(what)}",
            changes=changes,
        )
    return changes


def stop_group_membership(membership, *, by, ended_on):
    """Record that the person stopped going. False if it was already
    recorded (a form sent twice)."""
    if membership.ended_on is not None:
        return False
    if ended_on < membership.started_on:
        raise ValidationError({"ended_on": "A group cannot end before it started."})
    with transaction.atomic():
        membership.ended_on = ended_on
        membership.save(update_fields=["ended_on"])
        record(
            AuditEvent.Action.UPDATE,
            by=by,
            record=membership,
            person=membership.person,
            summary=f"Stopped going to a group: {membership.name}, {ended_on}",
            changes={"ended_on": [None, ended_on.isoformat()]},
        )
    return True


def _check_session(membership, on):
    if on > timezone.localdate():
        raise ValidationError({"on": "A session cannot be in the future."})
    if on < membership.started_on or (
        membership.ended_on is not None and on > membership.ended_on
    ):
        raise ValidationError({"on": "The person was not going to the group then."})


def record_attendance(membership, *, on, attended, source, by):
    """Record whether the person went to the session on `on`. Returns the
    attendance and "created", "updated" or "unchanged" (the same answer sent
    again, which writes nothing)."""
    _check_session(membership, on)
    with transaction.atomic():
        existing = (
            Attendance.objects.select_for_update()
            .filter(membership=membership, on=on)
            .first()
        )
        if existing is not None:
            if (existing.attended, existing.source) == (attended, source):
                return existing, "unchanged"
            changes = {
                "attended": [existing.attended, attended],
                "source": [existing.source, source],
            }
            existing.attended = attended
            existing.source = source
            existing.recorded_by = by
            existing.recorded_at = timezone.now()
            existing.save()
            _audit_attendance(existing, membership, by=by, changes=changes)
            return existing, "updated"
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    membership=membership,
                    on=on,
                    attended=attended,
                    source=source,
                    recorded_by=by,
                )
        except IntegrityError:
            # Recorded at the same moment elsewhere: update that one instead.
            return record_attendance(
                membership, on=on, attended=attended, source=source, by=by
            )
        _audit_attendance(attendance, membership, by=by)
    return attendance, "created"


def _audit_attendance(attendance, membership, *, by, changes=None):
    went = "went" if attendance.attended else "did not go"
    how = {"self": "the person said", "staff": "staff", "register": "group register"}
    record(
        AuditEvent.Action.UPDATE if changes else AuditEvent.Action.CREATE,
        by=by,
        record=attendance,
        person=membership.person,
        summary=f"Attendance at {membership.name} on {attendance.on}: {went}"
        f" ({how.get(attendance.source, attendance.source)})",
        changes=changes,
    )


def record_register(service, memberships, *, on, went, by):
    """Save a group's register for the session on `on`: every membership
    listed is recorded as went (its pk in `went`) or did not go. Memberships
    that had not started by then, or had ended, are skipped.

    Each person's own audit trail gets an event for their attendance, and
    each organisation involved gets one for the register as a whole. Only
    what changed is written, so a register sent twice records once.
    Returns counts: went, missed, unchanged and the skipped memberships."""
    if on > timezone.localdate():
        raise ValidationError({"on": "A session cannot be in the future."})
    went = {int(pk) for pk in went}
    result = {"went": 0, "missed": 0, "unchanged": 0, "skipped": []}
    with transaction.atomic():
        existing = {
            a.membership_id: a
            for a in Attendance.objects.select_for_update().filter(
                membership__in=[m.pk for m in memberships], on=on
            )
        }
        by_organisation = {}
        for membership in memberships:
            if on < membership.started_on or (
                membership.ended_on is not None and on > membership.ended_on
            ):
                result["skipped"].append(membership)
                continue
            attended = membership.pk in went
            result["went" if attended else "missed"] += 1
            found = existing.get(membership.pk)
            if found is not None and (found.attended, found.source) == (
                attended,
                Attendance.Source.REGISTER,
            ):
                result["unchanged"] += 1
                continue
            if found is None:
                attendance = Attendance.objects.create(
                    membership=membership,
                    on=on,
                    attended=attended,
                    source=Attendance.Source.REGISTER,
                    recorded_by=by,
                )
                changes = None
            else:
                changes = {
                    "attended": [found.attended, attended],
                    "source": [found.source, Attendance.Source.REGISTER],
                }
                found.attended = attended
                found.source = Attendance.Source.REGISTER
                found.recorded_by = by
                found.recorded_at = timezone.now()
                found.save()
                attendance = found
            _audit_attendance(attendance, membership, by=by, changes=changes)
            by_organisation.setdefault(membership.person.organisation, []).append(
                membership.person_id
            )
        for organisation, people in by_organisation.items():
            record(
                AuditEvent.Action.SUBMIT,
                by=by,
                record=service,
                organisation=organisation,
                summary=f"Took the register of {service.name} for {on}:"
                f" {result['went']} went, {result['missed']} did not",
                changes={"people": people, "on": on.isoformat()},
            )
    return result


# Outreach, check-ups and the rules.


@transaction.atomic
def start_outreach(alert, *, by):
    """The alert's outreach task, opened and given to `by` if there is none
    yet. Returns (task, created)."""
    Alert.objects.select_for_update().filter(pk=alert.pk).first()
    task, created = OutreachTask.objects.get_or_create(
        alert=alert, defaults={"assigned_to": by}
    )
    if created:
        record(
            AuditEvent.Action.CREATE,
            by=by,
            record=task,
            person=alert.person,
            summary="Started outreach after an alert",
        )
    return task, created


@transaction.atomic
def close_alert(alert, *, by, outcome, note=""):
    """Close the alert with the outreach's outcome (a task is made if the
    alert was closed without one, so every alert's ending is on record)."""
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.closed_at is not None:
        return locked
    now = timezone.now()
    task, _created = OutreachTask.objects.get_or_create(
        alert=locked, defaults={"assigned_to": by}
    )
    task.outcome, task.note, task.closed_at = outcome, note, now
    task.save(update_fields=["outcome", "note", "closed_at"])
    locked.closed_at = now
    locked.save(update_fields=["closed_at"])
    alert.closed_at = now
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=locked,
        person=alert.person,
        summary=f"Closed an alert: {outcome}",
        changes={"outcome": ["", outcome]},
    )
    return locked


@transaction.atomic
def record_check_up(
    check_up, *, by, done_on, outcome, note="", contact=None, check_in=None
):
    """The check-up's result, and the contact and check-in it was made of."""
    before = [check_up.done_on, check_up.outcome]
    check_up.done_on, check_up.outcome, check_up.note = done_on, outcome, note
    check_up.contact, check_up.check_in = contact, check_in
    check_up.recorded_by = by
    check_up.save()
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=check_up,
        person=check_up.episode.person,
        summary=f"Recorded the {check_up.months}-month check-up: {outcome}",
        changes={
            "done_on": [str(before[0] or ""), str(done_on)],
            "outcome": [before[1], outcome],
        },
    )
    return check_up


FIELDS = [
    "no_contact_days",
    "missed_in_a_row",
    "worrying_check_in",
    "check_up_months",
    "check_up_grace_days",
]


@transaction.atomic
def save_settings(organisation, *, by, **values):
    """An organisation's engagement rules. Alerts already raised stay; the
    new rules apply from the next run, and check-ups already made keep their
    dates."""
    settings_, _created = EngagementSettings.objects.get_or_create(
        organisation=organisation
    )
    changes = {}
    for name in FIELDS:
        before, after = getattr(settings_, name), values[name]
        if before != after:
            changes[name] = [str(before), str(after)]
            setattr(settings_, name, after)
    if changes:
        settings_.full_clean()
        settings_.save()
        record(
            AuditEvent.Action.UPDATE,
            by=by,
            record=settings_,
            organisation=organisation,
            summary="Changed the rules for staying connected",
            changes=changes,
        )
    return settings_
