"""Starting, saving, submitting and linking assessments. Each change is one
transaction and one audit event; answers themselves never go into the audit
log, only which section was saved."""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from caremap.assessments.models import Assessment, SelfCompletionLink, hash_token
from caremap.people.models import Person
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent


class AlreadySubmitted(Exception):
    """A completed assessment is a record of what someone said on a day; it
    is never edited afterwards."""


class NotReady(Exception):
    def __init__(self, missing):
        self.missing = missing
        super().__init__(", ".join(missing))


@transaction.atomic
def start_assessment(person, instrument_version, *, by, mode=None, at=None):
    """A draft to work on: the person's existing draft of this instrument if
    there is one (so two clicks never make two drafts), otherwise a new one."""
    _lock_person(person.pk)
    existing = (
        Assessment.objects.drafts()
        .select_for_update(of=("self",))
        .filter(person=person, instrument__key=instrument_version.key)
        .first()
    )
    if existing is not None:
        return existing, False
    assessment = Assessment.objects.create(
        person=person,
        organisation=person.organisation,
        instrument=instrument_version,
        mode=mode or Assessment.Mode.WITH_NAVIGATOR,
        started_by=by if by is not None and by.is_authenticated else None,
        started_at=at or timezone.now(),
    )
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=assessment,
        person=person,
        summary=f"Started {instrument_version} ({assessment.get_mode_display()})",
    )
    return assessment, True


def _lock_person(person_pk):
    """Serialise starting drafts for one person: a draft that does not exist
    yet cannot be locked, so two overlapping starts lock the person instead."""
    Person.objects.select_for_update().filter(pk=person_pk).values_list(
        "pk", flat=True
    ).get()


def _lock(assessment):
    """The assessment's row, locked for this transaction, with what its
    audit event needs already joined."""
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("person__organisation", "instrument")
        .get(pk=assessment.pk)
    )


def _locked(assessment):
    locked = _lock(assessment)
    if locked.is_submitted:
        raise AlreadySubmitted
    return locked


@transaction.atomic
def save_section(assessment, section, answers, *, by):
    """Store one page of answers. `answers` holds this section's cleaned
    answers; an optional item left blank is removed, not stored as empty."""
    locked = _locked(assessment)
    for item in section.items:
        if answers.get(item.id) is None:
            locked.answers.pop(item.id, None)
        else:
            locked.answers[item.id] = answers[item.id]
    if section.id not in locked.sections_saved:
        locked.sections_saved.append(section.id)
    locked.save(update_fields=["answers", "sections_saved", "updated_at"])
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=locked,
        person=locked.person,
        summary=f"Saved section {section.id}",
    )
    assessment.answers = locked.answers
    assessment.sections_saved = locked.sections_saved
    return locked


def missing_answers(assessment):
    """Required items without an answer, as item ids."""
    instrument = assessment.instrument.instrument
    return [
        item.id
        for item in instrument.items
        if not item.optional and item.id not in assessment.answers
    ]


@transaction.atomic
def submit_assessment(assessment, *, by, submitted_at=None):
    """Score and complete a draft. Submitting again (a double click, a
    resubmitted form) returns the same completed assessment."""
    locked = _lock(assessment)
    if locked.is_submitted:
        return locked, False
    missing = missing_answers(locked)
    if missing or not locked.all_sections_done():
        raise NotReady(missing)
    locked.scores = locked.compute_scores()
    locked.status = Assessment.Status.SUBMITTED
    locked.submitted_at = submitted_at or timezone.now()
    locked.submitted_by = by if by is not None and by.is_authenticated else None
    locked.save()
    Assessment.objects.filter(
        person=locked.person_id, instrument__key=locked.instrument.key
    ).link_baselines()
    SelfCompletionLink.objects.filter(assessment=locked, used_at__isnull=True).update(
        used_at=locked.submitted_at
    )
    record(
        AuditEvent.Action.SUBMIT,
        by=by,
        record=locked,
        person=locked.person,
        summary=f"Completed {locked.instrument} ({locked.get_mode_display()})",
    )
    return locked, True


@transaction.atomic
def issue_link(person, instrument_version, *, by, lifetime=None):
    """A new self-completion link, returned with its token (shown once; only
    its hash is kept). Earlier unused links for the same instrument are
    cancelled, so only the newest one works."""
    now = timezone.now()
    lifetime = lifetime or datetime.timedelta(days=settings.ASSESSMENT_LINK_DAYS)
    replaced = SelfCompletionLink.objects.filter(
        person=person, instrument__key=instrument_version.key
    ).usable()
    for old in replaced.select_for_update():
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
        record(
            AuditEvent.Action.UPDATE,
            by=by,
            record=old,
            person=person,
            summary="Cancelled a self-completion link: a newer one was issued",
        )
    token = secrets.token_urlsafe(32)
    link = SelfCompletionLink.objects.create(
        token_hash=hash_token(token),
        person=person,
        organisation=person.organisation,
        instrument=instrument_version,
        created_by=by,
        created_at=now,
        expires_at=now + lifetime,
    )
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=link,
        person=person,
        summary=f"Issued a self-completion link for {instrument_version}, "
        f"expiring {link.expires_at:%Y-%m-%d %H:%M}",
    )
    return link, token


@transaction.atomic
def revoke_link(link, *, by):
    link = SelfCompletionLink.objects.select_for_update().get(pk=link.pk)
    if link.state != SelfCompletionLink.State.ACTIVE:
        return link
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=link,
        person=link.person,
        summary="Cancelled a self-completion link",
    )
    return link


@transaction.atomic
def open_link(link):
    """The draft behind a link, made on first opening. Opening is recorded
    with no user, since the person has no account."""
    link = SelfCompletionLink.objects.select_for_update().get(pk=link.pk)
    if link.assessment_id is not None:
        return link
    _lock_person(link.person_id)
    assessment = (
        Assessment.objects.drafts()
        .filter(person_id=link.person_id, instrument_id=link.instrument_id)
        .order_by("-started_at")
        .first()
    )
    if assessment is None:
        assessment = Assessment.objects.create(
            person_id=link.person_id,
            organisation_id=link.organisation_id,
            instrument_id=link.instrument_id,
            mode=Assessment.Mode.SELF,
        )
        action = AuditEvent.Action.CREATE
        summary = f"Started {link.instrument} from a self-completion link"
    else:
        action = AuditEvent.Action.UPDATE
        summary = f"Carried on with {link.instrument} from a self-completion link"
    link.assessment = assessment
    link.save(update_fields=["assessment"])
    record(
        action,
        by=None,
        record=assessment,
        person=link.person,
        summary=summary,
    )
    return link
