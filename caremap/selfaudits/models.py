"""A service's audit of its own recovery orientation: one audit per period,
one answer per checklist area, and the evidence files attached to answers.

Every change goes through actions.py."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from caremap.organisations.models import Organisation
from caremap.selfaudits import checklist


class Rating(models.TextChoices):
    YES = "yes", _("Yes")
    PARTIALLY = "partially", _("Partially")
    NO = "no", _("No")


# Higher is better; used to say whether an area moved up or down.
RATING_RANK = {"no": 0, "partially": 1, "yes": 2}


class SelfAuditQuerySet(models.QuerySet):
    def completed(self):
        return self.filter(status=SelfAudit.Status.COMPLETED)

    def overlapping(self, organisation, start, end):
        return self.filter(
            organisation=organisation, period_start__lte=end, period_end__gte=start
        )

    def with_counts(self):
        return self.annotate(
            yes_count=Count("answers", filter=Q(answers__rating=Rating.YES)),
            partially_count=Count(
                "answers", filter=Q(answers__rating=Rating.PARTIALLY)
            ),
            no_count=Count("answers", filter=Q(answers__rating=Rating.NO)),
        )


class SelfAudit(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        COMPLETED = "completed", _("Completed")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="self_audits",
        verbose_name=_("organisation"),
    )
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    checklist_version = models.CharField(
        _("checklist version"), max_length=64, default=checklist.CURRENT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = SelfAuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-audit")
        verbose_name_plural = _("self-audits")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period_start", "period_end"],
                name="selfaudit_one_per_period",
            ),
            models.CheckConstraint(
                name="selfaudit_period_in_order",
                condition=Q(period_end__gte=models.F("period_start")),
            ),
        ]

    def __str__(self):
        return str(self.period_label)

    def get_absolute_url(self):
        return reverse("selfaudits:audit", args=[self.organisation_id, self.pk])

    @property
    def period_label(self):
        return _("%(start)s to %(end)s") % {
            "start": formats.date_format(self.period_start, "j M Y"),
            "end": formats.date_format(self.period_end, "j M Y"),
        }

    @property
    def checklist(self):
        return checklist.get(self.checklist_version)

    @property
    def is_completed(self):
        return self.status == self.Status.COMPLETED

    def unanswered_areas(self, answers):
        """The checklist areas with no rating among `answers` (the audit's
        answers, by area key)."""
        return [
            area
            for area in self.checklist.areas
            if not (answers.get(area.key) and answers[area.key].rating)
        ]


class Answer(models.Model):
    audit = models.ForeignKey(
        SelfAudit, on_delete=models.CASCADE, related_name="answers"
    )
    area = models.CharField(_("area"), max_length=64)
    rating = models.CharField(
        _("rating"), max_length=10, choices=Rating.choices, blank=True
    )
    evidence = models.TextField(_("evidence"), blank=True, max_length=4000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self-audit answer")
        verbose_name_plural = _("self-audit answers")
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "area"], name="selfaudit_answer_one_per_area"
            )
        ]

    def __str__(self):
        return f"{self.area}: {self.rating or '—'}"


def evidence_path(instance, filename):
    # A random name on disk: the original name (which may say anything) is
    # kept in the database and given back only on download.
    suffix = PurePath(filename).suffix.lower()
    return f"selfaudits/{instance.answer.audit_id}/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        audit = self.answer.audit
        return reverse(
            "selfaudits:file", args=[audit.organisation_id, audit.pk, self.pk]
        )
