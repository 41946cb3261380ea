"""Referrals and signposting: sending a person to a directory service, and
following up until the loop is closed."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from caremap.people.models import Person

# A referral still sent or accepted after this long needs someone to find out
# what happened, so it appears on the navigator's "awaiting an update" list.
AWAITING_UPDATE_AFTER_DAYS = 7

# With fewer ratings than this, an average would let anyone who knows who
# used a service work out what one person said.
MIN_RATINGS_SHOWN = 3


@dataclass(frozen=True)
class RatingSummary:
    """How useful people found a service, across every referral to it."""

    mean: float
    count: int

    @property
    def shown(self):
        return self.count >= MIN_RATINGS_SHOWN


NO_RATINGS = RatingSummary(mean=0.0, count=0)


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Referrals of the people whose records `user` may open."""
        return self.filter(person__in=Person.objects.visible_to(user))

    def open(self):
        return self.filter(status__in=Referral.WAITING_STATUSES)

    def awaiting_update(self, *, now=None):
        """Sent or accepted referrals nobody has updated for a while, the
        longest-waiting first."""
        now = now or timezone.now()
        cutoff = now - datetime.timedelta(days=AWAITING_UPDATE_AFTER_DAYS)
        return (
            self.open()
            .filter(status_changed_at__lt=cutoff)
            .order_by("status_changed_at", "pk")
        )

    def rating_summary(self, service_ids):
        """{service id: RatingSummary} for each of `service_ids`, in one
        query. A service nobody has rated gets a summary with count 0."""
        service_ids = list(service_ids)
        rows = (
            self.filter(service_id__in=service_ids, rating__isnull=False)
            .order_by()
            .values("service_id")
            .annotate(mean=Avg("rating__score"), count=Count("rating"))
        )
        found = {
            row["service_id"]: RatingSummary(
                mean=round(float(row["mean"]), 1), count=row["count"]
            )
            for row in rows
        }
        return {
            service_id: found.get(service_id, NO_RATINGS) for service_id in service_ids
        }


class Referral(models.Model):
    """A person sent to, or told about, a service in the area's directory."""

    class Kind(models.TextChoices):
        REFER = "refer", _("Referral: you contact the service for them")
        SIGNPOST = "signpost", _("Signposting: they get the details and go themselves")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        ATTENDED = "attended", _("Attended")
        DID_NOT_ATTEND = "did_not_attend", _("Did not attend")
        CLOSED = "closed", _("Closed")

    class Shared(models.TextChoices):
        CONTACT = "contact", _("Name and contact details")
        REASON = "reason", _("Reason for referral")
        ASSESSMENT = "assessment", _("Assessment summary")
        GOALS = "goals", _("Care-plan goals")
        OTHER = "other", _("Other")

    class Consent(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("By phone")
        WRITING = "writing", _("In writing")

    # Where a referral may go next. "Did not attend" can go back to
    # "accepted" when the person is offered another appointment.
    TRANSITIONS = {
        Status.SENT: (Status.ACCEPTED, Status.DECLINED, Status.CLOSED),
        Status.ACCEPTED: (Status.ATTENDED, Status.DID_NOT_ATTEND, Status.CLOSED),
        Status.DECLINED: (Status.CLOSED,),
        Status.ATTENDED: (Status.CLOSED,),
        Status.DID_NOT_ATTEND: (Status.ACCEPTED, Status.CLOSED),
        Status.CLOSED: (),
    }
    WAITING_STATUSES = (Status.SENT, Status.ACCEPTED)

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("person"),
    )
    # PROTECT: a referral is part of the person's history, so the service it
    # names cannot disappear from under it.
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("service"),
    )
    # The person's organisation when the referral was made; they may move on.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    shared = models.JSONField(_("what was shared"), default=list, blank=True)
    shared_note = models.TextField(
        _("more about what was shared"), blank=True, max_length=1000
    )
    person_agreed = models.BooleanField(_("the person agreed"), default=False)
    consent_method = models.CharField(
        _("how they agreed"), max_length=16, choices=Consent.choices
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SENT
    )
    status_changed_at = models.DateTimeField(
        _("status last changed"), default=timezone.now
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Nothing is shared with a service without the person's agreement.
            models.CheckConstraint(
                name="referral_person_agreed", condition=Q(person_agreed=True)
            ),
        ]
        indexes = [
            models.Index(fields=["person", "-created_at"], name="referral_person_idx"),
            # The awaiting-update list filters by status and age.
            models.Index(
                fields=["status", "status_changed_at"], name="referral_waiting_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.service}"

    def get_absolute_url(self):
        return reverse("referrals:detail", args=[self.pk])

    def clean(self):
        errors = {}
        if not self.person_agreed:
            errors["person_agreed"] = _(
                "Confirm the person agreed to this. Do not go ahead without their agreement."
            )
        unknown = set(self.shared or []) - set(self.Shared.values)
        if unknown:
            errors["shared"] = _("Select only the listed kinds of information")
        elif self.kind == self.Kind.REFER and not self.shared:
            errors["shared"] = _(
                "Select what you shared with the service. Signposting may share nothing; a referral cannot."
            )
        if self.Shared.OTHER in (self.shared or []) and not self.shared_note.strip():
            errors["shared_note"] = _("Say what else you shared")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # clean() already explains a missing agreement beside the field; the
        # database constraint's generic message would only repeat it.
        exclude = set(exclude or ())
        if not self.person_agreed:
            exclude.add("person_agreed")
        super().validate_constraints(exclude=exclude)

    @property
    def next_statuses(self):
        return self.TRANSITIONS[self.status]

    def can_move_to(self, status):
        return status in self.TRANSITIONS[self.status]

    @property
    def made_on(self):
        return timezone.localdate(self.created_at)

    def shared_labels(self):
        labels = dict(self.Shared.choices)
        return [labels.get(code, code) for code in self.shared or []]

    def check_update_date(self, day):
        """Raise ValidationError unless a status change could have happened on `day`."""
        if day > timezone.localdate():
            raise ValidationError(
                _("The date must be today or in the past"), code="future"
            )
        if day < self.made_on:
            raise ValidationError(
                _("The date must be on or after %(date)s, when the referral was made")
                % {"date": date_format(self.made_on, "j F Y")},
                code="before_referral",
            )


class ReferralUpdate(models.Model):
    """One change of a referral's status, kept so its history can be read back."""

    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=_("referral"),
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=Referral.Status.choices
    )
    to_status = models.CharField(
        _("to"), max_length=16, choices=Referral.Status.choices
    )
    on = models.DateField(_("date it happened"))
    note = models.TextField(_("note"), blank=True, max_length=1000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("referral update")
        verbose_name_plural = _("referral updates")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status} ({self.on})"

    def clean(self):
        if not self.referral.can_move_to(self.to_status):
            raise ValidationError(
                {"to_status": _("A referral cannot move to that status from here")}
            )
        if self.on:
            try:
                self.referral.check_update_date(self.on)
            except ValidationError as error:
                raise ValidationError({"on": error.messages}) from None


class Rating(models.Model):
    """How useful the person found the service they were referred to."""

    class Score(models.IntegerChoices):
        NOT_USEFUL = 1, _("1 – not useful at all")
        A_LITTLE = 2, _("2 – a little useful")
        QUITE = 3, _("3 – quite useful")
        VERY = 4, _("4 – very useful")
        EXTREMELY = 5, _("5 – extremely useful")

    referral = models.OneToOneField(
        Referral,
        on_delete=models.CASCADE,
        related_name="rating",
        verbose_name=_("referral"),
    )
    score = models.PositiveSmallIntegerField(
        _("how useful"),
        choices=Score.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    given_by_person = models.BooleanField(_("given by the person themselves"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                name="rating_score_1_to_5", condition=Q(score__gte=1, score__lte=5)
            ),
        ]

    def __str__(self):
        return f"{self.score}/5"
