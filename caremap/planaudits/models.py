"""A manager's sample audit of care plans: a random sample of the
organisation's active plans, each judged by the manager against the same
questions the automatic indicators answer, plus two only a person can.

The sample's seed is kept, so anyone can see how the plans were chosen; the
automatic indicators are kept as they were when the sample was drawn, so a
later edit to a plan cannot change what the manager was comparing against.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.careplans.models import CarePlan
from caremap.organisations.models import Organisation
from caremap.planaudits.indicators import INDICATORS, LABELS

DEFAULT_SAMPLE_SIZE = 10


class Applies(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "n/a", _("Not applicable")


def judged_good(prefix=""):
    """Items the manager judged good on every question: all six indicators
    and hopeful wording, and following the latest assessment where that
    applies. `prefix` reaches the items through a relation ("items__")."""
    yes = {f"{prefix}{name}": True for name in (*INDICATORS, "hopeful")}
    return Q(**{f"{prefix}reviewed_at__isnull": False}, **yes) & ~Q(
        **{f"{prefix}follows_assessment": Applies.NO}
    )


class PlanAuditQuerySet(models.QuerySet):
    def with_counts(self):
        return self.annotate(
            judged=Count("items", filter=Q(items__reviewed_at__isnull=False)),
            good=Count("items", filter=judged_good("items__")),
        )


class PlanAudit(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        COMPLETED = "completed", _("Completed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="plan_audits"
    )
    created_at = models.DateTimeField(_("drawn"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sample_size = models.PositiveIntegerField(_("number of plans"))
    # The random.Random seed the sample was drawn with, over the active
    # plans' ids in order: with it the same sample can be drawn again.
    seed = models.BigIntegerField(_("random seed"))
    plans_to_choose_from = models.PositiveIntegerField(
        _("active plans it was drawn from")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PlanAuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("care-plan audit")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", completed_at__isnull=True)
                | Q(status="completed", completed_at__isnull=False),
                name="planaudit_completed_has_date",
            )
        ]

    def __str__(self):
        return f"{self.organisation} {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("planaudits:audit", args=[self.organisation_id, self.pk])

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class PlanAuditItem(models.Model):
    """One sampled plan and the manager's judgement of it."""

    audit = models.ForeignKey(PlanAudit, on_delete=models.CASCADE, related_name="items")
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    # The person's navigator when the sample was drawn: results are about the
    # practice at that time, not about whoever holds the caseload now.
    navigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # {indicator: met?, "met": how many}, from indicators.snapshot.
    automatic = models.JSONField(default=dict)

    own_words = models.BooleanField(
        _("Are the goals in the person’s own words?"), null=True
    )
    smart_steps = models.BooleanField(
        _("Does every goal have at least one SMART step?"), null=True
    )
    owners_and_dates = models.BooleanField(
        _("Does every step say who will do it and by when?"), null=True
    )
    strengths_and_resources = models.BooleanField(
        _("Are the person’s strengths and community resources linked to the goals?"),
        null=True,
    )
    reviewed = models.BooleanField(
        _("Has the plan been reviewed in the last 90 days?"), null=True
    )
    agreed = models.BooleanField(
        _("Is the person’s agreement to the goals recorded?"), null=True
    )
    follows_assessment = models.CharField(
        _("Does the plan follow from the latest assessment?"),
        max_length=3,
        choices=Applies.choices,
        blank=True,
    )
    hopeful = models.BooleanField(
        _("Is the wording hopeful and built on strengths?"), null=True
    )
    note = models.TextField(_("Note"), blank=True, max_length=2000)
    reviewed_at = models.DateTimeField(_("judged"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("audited care plan")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "plan"], name="planaudititem_plan_once_per_audit"
            )
        ]

    def __str__(self):
        return f"{self.audit_id}: plan {self.plan_id}"

    def get_absolute_url(self):
        return reverse(
            "planaudits:item",
            args=[self.audit.organisation_id, self.audit_id, self.pk],
        )

    @property
    def is_judged(self):
        return self.reviewed_at is not None

    def automatic_results(self):
        """(indicator, its label, met when drawn?) for each indicator."""
        return [
            (name, LABELS[name], bool(self.automatic.get(name))) for name in INDICATORS
        ]
