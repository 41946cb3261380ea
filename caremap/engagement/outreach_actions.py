"""Outreach after an alert, and post-exit check-ups: each change one
transaction and one audit event."""

from django.db import transaction
from django.utils import timezone

from caremap.engagement.models import Alert, EngagementSettings, OutreachTask
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent


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
def record_check_up(check_up, *, by, done_on, outcome, note=""):
    before = [check_up.done_on, check_up.outcome]
    check_up.done_on, check_up.outcome, check_up.note = done_on, outcome, note
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
        organisation=organisation, defaults=EngagementSettings.DEFAULTS
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
