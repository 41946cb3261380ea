"""Assessments: a person's answers to one version of an instrument, saved
page by page as a draft, then submitted once and never changed again."""

import hashlib

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.instruments.models import InstrumentVersion
from caremap.instruments.scoring import score
from caremap.organisations.models import Organisation
from caremap.people.models import Person


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(person__in=Person.objects.visible_to(user))

    def submitted(self):
        return self.filter(status=Assessment.Status.SUBMITTED)

    def drafts(self):
        return self.filter(status=Assessment.Status.DRAFT)

    def link_baselines(self):
        """Point every completed assessment in the set at its person's first
        completed assessment of the same instrument (any version), and that
        first one at nothing: one UPDATE per instrument, so reports join to
        the baseline instead of searching for it row by row."""
        keys = (
            self.submitted()
            .values_list("instrument__key", flat=True)
            .distinct()
            .order_by()
        )
        for key in list(keys):
            first = (
                Assessment.objects.submitted()
                .filter(instrument__key=key, person=models.OuterRef("person"))
                .order_by("submitted_at", "pk")
                .values("pk")[:1]
            )
            chosen = self.submitted().filter(instrument__key=key)
            chosen.update(baseline=models.Subquery(first))
            chosen.filter(baseline=models.F("pk")).update(baseline=None)

    def history(self):
        """Newest first, the order a person's list of assessments reads in."""
        return self.order_by(
            models.F("submitted_at").desc(nulls_first=True), "-started_at"
        )


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        SUBMITTED = "submitted", _("Completed")

    class Mode(models.TextChoices):
        WITH_NAVIGATOR = "with_navigator", _("With a navigator")
        SELF = "self", _("By the person, using a link")

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("organisation"),
    )
    instrument = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("instrument"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    mode = models.CharField(_("completed"), max_length=16, choices=Mode.choices)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # Sections saved at least once, in the order first saved: a section is
    # done once its page has been saved, even if all its items are optional.
    sections_saved = models.JSONField(default=list, blank=True)
    scores = models.JSONField(_("scores"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Just the numbers of `scores` ({"d": domains, "c": composites}): a
    # tenth of the size, so reports over many assessments read them quickly.
    points = models.JSONField(null=True, blank=True, editable=False)
    # The person's first completed assessment of the same instrument, kept
    # by link_baselines() whenever one is completed; None for that first one.
    baseline = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["person", "status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft", submitted_at__isnull=True)
                | models.Q(
                    status="submitted",
                    submitted_at__isnull=False,
                    scores__isnull=False,
                ),
                name="assessment_submitted_has_scores",
            )
        ]

    def __str__(self):
        return f"{self.instrument.title} ({self.person.reference})"

    def save(self, *args, **kwargs):
        if self.scores and self.points is None:
            self.points = points_of(self.scores)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "points"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("assessments:assessment", args=[self.pk])

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED

    def section_done(self, section_id):
        return section_id in self.sections_saved

    def first_section_to_do(self):
        """Where someone resuming carries on: the first section not yet saved."""
        for section in self.instrument.instrument.sections:
            if not self.section_done(section.id):
                return section
        return None

    def all_sections_done(self):
        return self.first_section_to_do() is None

    def compute_scores(self):
        instrument = self.instrument.instrument
        cleaned, problems = instrument.clean_answers(self.answers)
        if problems:
            raise ValueError("; ".join(problems))
        return score(instrument, cleaned).as_json()

    def previous(self):
        """The person's last completed assessment of the same instrument
        before this one (any version), to show what has changed."""
        earlier = Assessment.objects.submitted().filter(
            person_id=self.person_id, instrument__key=self.instrument.key
        )
        if self.submitted_at:
            earlier = earlier.filter(submitted_at__lt=self.submitted_at)
        return earlier.select_related("instrument").order_by("-submitted_at").first()


def points_of(scores):
    """The scores of every domain and composite, without bands or details."""
    if not scores:
        return None
    return {
        "d": {key: value.get("score") for key, value in scores["domains"].items()},
        "c": {key: value.get("score") for key, value in scores["composites"].items()},
    }


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class SelfCompletionLinkQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class SelfCompletionLink(models.Model):
    """A single-use, expiring link that lets a person complete one
    assessment on their own device without an account. Only a hash of the
    token is stored, so the database cannot be used to open anyone's link."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Waiting to be completed")
        USED = "used", _("Completed")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Cancelled")

    token_hash = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="assessment_links",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    instrument = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("instrument"),
    )
    # Several links can lead to one draft: a new link sent after one expired
    # carries on with the answers already saved.
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("completed"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = SelfCompletionLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-completion link")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.instrument} for {self.person.reference}"

    @property
    def state(self):
        if self.used_at:
            return self.State.USED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.ACTIVE

    @classmethod
    def find(cls, token):
        return (
            cls.objects.select_related(
                "person", "organisation", "instrument", "assessment"
            )
            .filter(token_hash=hash_token(token))
            .first()
        )
