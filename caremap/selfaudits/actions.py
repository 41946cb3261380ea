"""Every change to a self-audit: one transaction and one audit event each.

A completed audit is a record commissioners rely on, so it is never changed
in place: answers and files are refused until a manager reopens it, and the
reopening is itself recorded."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent
from caremap.selfaudits import checklist, uploads
from caremap.selfaudits.models import Answer, EvidenceFile, SelfAudit


def _period_taken(existing):
    return _("There is already an audit for %(period)s") % {
        "period": existing.period_label
    }


def check_period(organisation, start, end):
    """Raise ValidationError (by field) if the period is out of order or
    meets an audit the organisation already has."""
    if end < start:
        raise ValidationError(
            {"period_end": _("The end of the period must be after its start")}
        )
    existing = (
        SelfAudit.objects.overlapping(organisation, start, end)
        .order_by("period_start")
        .first()
    )
    if existing is None:
        return
    if existing.period_start == start and existing.period_end == end:
        message = _period_taken(existing)
    else:
        message = _(
            "The period overlaps the audit for %(period)s; choose dates outside it"
        ) % {"period": existing.period_label}
    raise ValidationError({"period_start": message})


def start_audit(organisation, *, by, period_start, period_end):
    check_period(organisation, period_start, period_end)
    try:
        with transaction.atomic():
            audit = SelfAudit.objects.create(
                organisation=organisation,
                period_start=period_start,
                period_end=period_end,
                checklist_version=checklist.CURRENT,
                created_by=by,
            )
            record(
                AuditEvent.Action.CREATE,
                by=by,
                record=audit,
                summary=f"Started a self-audit for {period_start} to {period_end}",
            )
    except IntegrityError:
        # The same period sent twice at the same moment: the first won.
        raise ValidationError(
            {
                "period_start": _period_taken(
                    SelfAudit(period_start=period_start, period_end=period_end)
                )
            }
        ) from None
    return audit


def _refuse_if_completed(audit):
    if audit.is_completed:
        raise ValidationError(
            _("This audit is completed. Reopen it before changing answers or files.")
        )


def save_answer(audit, area_key, *, by, rating="", evidence="", files=()):
    """Save the rating and evidence for one area and attach any new files.
    Files are checked first, so a bad file saves nothing."""
    _refuse_if_completed(audit)
    if audit.checklist.area(area_key) is None:
        raise ValidationError(_("That area is not in this audit's checklist."))
    checked = []
    for upload in files:
        try:
            checked.append((upload, uploads.check(upload)))
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
    with transaction.atomic():
        locked = SelfAudit.objects.select_for_update().get(pk=audit.pk)
        _refuse_if_completed(locked)
        answer = Answer.objects.filter(audit=audit, area=area_key).first()
        before = (answer.rating, answer.evidence) if answer else ("", "")
        if answer is None:
            answer = Answer(audit=audit, area=area_key)
        answer.rating = rating
        answer.evidence = evidence
        answer.updated_by = by
        answer.full_clean(exclude=["audit", "updated_by"])
        answer.save()
        for upload, content_type in checked:
            EvidenceFile.objects.create(
                answer=answer,
                file=upload,
                original_name=upload.name[:255],
                content_type=content_type,
                size=upload.size,
                uploaded_by=by,
            )
        changes = {}
        if before[0] != rating:
            changes["rating"] = [before[0], rating]
        if before[1] != evidence:
            changes["evidence"] = "changed"
        if checked:
            changes["files_added"] = [upload.name[:100] for upload, _type in checked]
        record(
            AuditEvent.Action.UPDATE,
            by=by,
            record=answer,
            organisation=audit.organisation,
            summary=f"Answered self-audit area {area_key}",
            changes=changes,
        )
    return answer


def remove_file(evidence_file, *, by):
    answer = evidence_file.answer
    audit = answer.audit
    _refuse_if_completed(audit)
    name = evidence_file.file.name
    storage = evidence_file.file.storage
    with transaction.atomic():
        record(
            AuditEvent.Action.DELETE,
            by=by,
            record=evidence_file,
            organisation=audit.organisation,
            summary=f"Removed an evidence file from self-audit area {answer.area}",
            changes={"file": evidence_file.original_name[:100]},
        )
        evidence_file.delete()
        # The stored copy goes only once the row is surely gone.
        transaction.on_commit(lambda: storage.delete(name))


def complete_audit(audit, *, by):
    """Mark the audit completed, or raise ValidationError naming the areas
    still without a rating."""
    with transaction.atomic():
        audit = SelfAudit.objects.select_for_update().get(pk=audit.pk)
        if audit.is_completed:
            return audit
        answers = {answer.area: answer for answer in audit.answers.all()}
        missing = audit.unanswered_areas(answers)
        if missing:
            raise ValidationError(
                _(
                    "Rate every area before completing the audit. Still to rate: %(areas)s"
                )
                % {"areas": "; ".join(str(area.title) for area in missing)},
                code="unanswered",
            )
        audit.status = SelfAudit.Status.COMPLETED
        audit.completed_by = by
        audit.completed_at = timezone.now()
        audit.save(update_fields=["status", "completed_by", "completed_at"])
        record(
            AuditEvent.Action.SUBMIT,
            by=by,
            record=audit,
            summary=f"Completed the self-audit for {audit.period_start} "
            f"to {audit.period_end}",
        )
    return audit


def reopen_audit(audit, *, by):
    """Back to in progress, so answers can be corrected; recorded with when
    and by whom it had been completed."""
    with transaction.atomic():
        audit = SelfAudit.objects.select_for_update().get(pk=audit.pk)
        if not audit.is_completed:
            return audit
        changes = {
            "completed_at": formats.date_format(
                timezone.localtime(audit.completed_at), "c"
            ),
            "completed_by": audit.completed_by_id,
        }
        audit.status = SelfAudit.Status.DRAFT
        audit.completed_by = None
        audit.completed_at = None
        audit.save(update_fields=["status", "completed_by", "completed_at"])
        record(
            AuditEvent.Action.UPDATE,
            by=by,
            record=audit,
            summary="Reopened a completed self-audit",
            changes=changes,
        )
    return audit
