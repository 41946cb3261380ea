"""Support and treatment episodes: from referral to exit, with the fields the
national definitions need (substance group, substitution medication, a coded
exit), and the pseudonymous key that links a person's episodes across the
services of an area.

An episode is *waiting* from referral until its first intervention, *in
treatment* from then until its exit, and *ended* after. One that ends
without ever starting was declined (or never took place): it was not
treatment and no measure counts it as such.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.organisations.models import Area, Organisation
from caremap.people.models import Person

# A successful exit followed by a new presentation this many days or fewer
# later is a re-presentation (the national "within 6 months"): day 182
# counts, day 183 does not. docs/measures.md uses the same rule.
REPRESENTATION_DAYS = 182
REPRESENTATION_WITHIN = datetime.timedelta(days=REPRESENTATION_DAYS)


class EpisodeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(ended_on__isnull=True)

    def waiting(self):
        return self.filter(started_on__isnull=True, ended_on__isnull=True)

    def in_treatment(self):
        return self.filter(started_on__isnull=False, ended_on__isnull=True)

    def successful(self):
        """Ended with a completion: free of dependence or an occasional user
        (for the opiate group, only without substitution medication at exit)."""
        return self.filter(exit_reason__in=Episode.COMPLETED).exclude(
            substance_group=Episode.SubstanceGroup.OPIATE,
            on_substitution_medication=True,
        )

    def journeyers_of(self, episode):
        """Every episode in the area of the same person record or the same
        linkage key: all that could share a journey with `episode`."""
        same = Q(person_id=episode.person_id)
        if episode.linkage_key:
            same |= Q(linkage_key=episode.linkage_key)
        return self.filter(same, organisation__area_id=episode.organisation.area_id)

    def refresh_journeys(self):
        """Work out `journey_started_on` for these episodes again, by the
        21-day continuity rule (continuity.py), one human at a time: the
        linkage key where there is one, the person record otherwise. Run
        after any change to an episode's dates, over its journeyers."""
        from caremap.episodes.continuity import Span, journeys

        rows = self.filter(started_on__isnull=False).values_list(
            "pk",
            "person_id",
            "linkage_key",
            "organisation__area_id",
            "started_on",
            "ended_on",
            "journey_started_on",
        )
        humans = defaultdict(list)
        current = {}
        for pk, person, key, area, started, ended, journey in rows.iterator(2000):
            who = ("k", key) if key else ("p", person)
            humans[area, who].append(Span(pk, started, ended))
            current[pk] = journey
        changed = defaultdict(list)
        for spans in humans.values():
            for journey in journeys(spans):
                first = journey[0].start
                changed[first] += [
                    span.key for span in journey if current[span.key] != first
                ]
        # One UPDATE per first day, not one long CASE per batch of rows: a
        # bulk load changes many rows but has comparatively few days.
        for first, pks in changed.items():
            for start in range(0, len(pks), 2000):
                Episode.objects.filter(pk__in=pks[start : start + 2000]).update(
                    journey_started_on=first
                )
        self.filter(started_on__isnull=True, journey_started_on__isnull=False).update(
            journey_started_on=None
        )

    def overlapping(self, person, organisation, referred_on, ended_on):
        """This person's episodes at this organisation whose span (referral to
        exit, or to now if open) meets the span given."""
        overlaps = self.filter(person=person, organisation=organisation)
        if ended_on is not None:
            overlaps = overlaps.filter(referred_on__lte=ended_on)
        return overlaps.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=referred_on))

    def representations_of(self, episode):
        """Presentations in the same area, under the same linkage key, in the
        six months after `episode` ended: at any service, this one included."""
        if episode.ended_on is None or not episode.linkage_key:
            return self.none()
        return (
            self.filter(
                linkage_key=episode.linkage_key,
                organisation__area_id=episode.organisation.area_id,
                referred_on__gt=episode.ended_on,
                referred_on__lte=episode.ended_on + REPRESENTATION_WITHIN,
            )
            .exclude(pk=episode.pk)
            .order_by("referred_on", "pk")
        )


class Episode(models.Model):
    class SubstanceGroup(models.TextChoices):
        OPIATE = "opiate", _("Opiates")
        NON_OPIATE = "non_opiate", _("Non-opiates")
        ALCOHOL = "alcohol", _("Alcohol only")
        ALCOHOL_NON_OPIATE = "alcohol_non_opiate", _("Alcohol and non-opiates")

    class ReferralSource(models.TextChoices):
        SELF = "self", _("The person themselves")
        FAMILY = "family", _("Family or friends")
        GP = "gp", _("GP")
        HOSPITAL = "hospital", _("Hospital or other health service")
        MENTAL_HEALTH = "mental_health", _("Mental health service")
        CRIMINAL_JUSTICE = (
            "criminal_justice",
            _("Criminal justice (police, court, probation, prison)"),
        )
        SOCIAL_CARE = "social_care", _("Social care")
        HOUSING = "housing", _("Housing or homelessness service")
        TREATMENT = "treatment", _("Another drug or alcohol service")
        RECOVERY_COMMUNITY = "recovery_community", _("Mutual aid or recovery community")
        OTHER = "other", _("Other")

    class ExitReason(models.TextChoices):
        COMPLETED_FREE = "completed_free", _("Completed: free of dependence")
        COMPLETED_OCCASIONAL = (
            "completed_occasional",
            _("Completed: occasional use, not dependent"),
        )
        TRANSFERRED = "transferred", _("Transferred to another service")
        TRANSFERRED_CUSTODY = "transferred_custody", _("Transferred into custody")
        DROPPED_OUT = "dropped_out", _("Dropped out")
        WITHDRAWN = "withdrawn", _("Support withdrawn by the service")
        DECLINED = "declined", _("Declined to start")
        DIED = "died", _("Died")
        OTHER = "other", _("Other")

    COMPLETED = (ExitReason.COMPLETED_FREE, ExitReason.COMPLETED_OCCASIONAL)
    # Exits that only make sense after treatment began, and the one that
    # only makes sense if it never did.
    AFTER_A_START = (
        *COMPLETED,
        ExitReason.TRANSFERRED,
        ExitReason.TRANSFERRED_CUSTODY,
        ExitReason.DROPPED_OUT,
        ExitReason.WITHDRAWN,
    )

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="episodes"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="episodes"
    )
    referred_on = models.DateField(_("referral date"))
    referral_source = models.CharField(
        _("referred by"), max_length=20, choices=ReferralSource.choices
    )
    triaged_on = models.DateField(_("assessment (triage) date"), null=True, blank=True)
    started_on = models.DateField(
        _("date of first intervention"), null=True, blank=True
    )
    substance_group = models.CharField(
        _("substance group"), max_length=20, choices=SubstanceGroup.choices
    )
    on_substitution_medication = models.BooleanField(
        _("receiving opioid substitution medication"), default=False
    )
    ended_on = models.DateField(_("exit date"), null=True, blank=True)
    exit_reason = models.CharField(
        _("reason for exit"), max_length=20, choices=ExitReason.choices, blank=True
    )
    # Worked out from the person's details when the episode is recorded (see
    # linkage.py and actions.py); kept as it was then.
    linkage_key = models.CharField(max_length=64, blank=True, db_index=True)
    # The first day of the treatment journey this episode belongs to (moves
    # within 21 days joined up); kept by EpisodeQuerySet.refresh_journeys()
    # so that retention is a comparison of columns, not a search.
    journey_started_on = models.DateField(null=True, blank=True, editable=False)
    # Empty for episodes loaded in bulk, or once the account is gone (the
    # audit trail keeps who it was).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="episode_triage_not_before_referral",
                condition=Q(triaged_on__isnull=True)
                | Q(triaged_on__gte=F("referred_on")),
            ),
            models.CheckConstraint(
                name="episode_start_not_before_referral",
                condition=Q(started_on__isnull=True)
                | Q(started_on__gte=F("referred_on")),
            ),
            models.CheckConstraint(
                name="episode_exit_not_before_start",
                condition=Q(ended_on__isnull=True)
                | (
                    Q(ended_on__gte=F("referred_on"))
                    & (Q(started_on__isnull=True) | Q(ended_on__gte=F("started_on")))
                ),
            ),
            models.CheckConstraint(
                name="episode_exit_has_reason",
                condition=Q(ended_on__isnull=True, exit_reason="")
                | (Q(ended_on__isnull=False) & ~Q(exit_reason="")),
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "ended_on"], name="episode_org_ended_idx"
            ),
            models.Index(fields=["person", "referred_on"], name="episode_person_idx"),
            # Re-presentation: a return under the same key soon after an exit.
            models.Index(
                fields=["linkage_key", "referred_on"], name="episode_key_referred_idx"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.referred_on:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("episodes:episode", args=[self.pk])

    @property
    def stage(self):
        if self.ended_on is not None:
            return "ended"
        return "waiting" if self.started_on is None else "in_treatment"

    @property
    def successful(self):
        if self.exit_reason not in self.COMPLETED:
            return False
        return not (
            self.substance_group == self.SubstanceGroup.OPIATE
            and self.on_substitution_medication
        )

    def waited_days(self):
        if self.started_on is None:
            return None
        return (self.started_on - self.referred_on).days

    def clean(self):
        """Every rule about the dates and the exit, each message on its own
        field. Overlaps with other episodes are checked in actions.py, under
        a lock."""
        today = timezone.localdate()
        errors = {}
        for name in ("referred_on", "triaged_on", "started_on", "ended_on"):
            day = getattr(self, name)
            if day is not None and day > today:
                errors[name] = _("The date must be today or in the past")
        if self.triaged_on and self.referred_on and self.triaged_on < self.referred_on:
            errors.setdefault(
                "triaged_on", _("The assessment date must be on or after the referral")
            )
        if self.started_on and self.referred_on and self.started_on < self.referred_on:
            errors.setdefault(
                "started_on",
                _("The first intervention must be on or after the referral"),
            )
        if self.ended_on is not None:
            if not self.exit_reason:
                errors["exit_reason"] = _("Choose the reason for the exit")
            if self.referred_on and self.ended_on < self.referred_on:
                errors.setdefault(
                    "ended_on", _("The exit date must be on or after the referral")
                )
            elif self.started_on and self.ended_on < self.started_on:
                errors.setdefault(
                    "ended_on",
                    _("The exit date must be on or after the first intervention"),
                )
            if self.exit_reason == self.ExitReason.DECLINED and self.started_on:
                errors.setdefault(
                    "exit_reason",
                    _(
                        "Support started on the date of first intervention, so "
                        "it was not declined: choose another reason"
                    ),
                )
            if self.exit_reason in self.AFTER_A_START and not self.started_on:
                errors.setdefault(
                    "exit_reason",
                    _(
                        "This reason needs a date of first intervention: add it, "
                        "or choose “Declined to start” or another reason"
                    ),
                )
        elif self.exit_reason:
            errors["ended_on"] = _("Enter the exit date")
        if errors:
            raise ValidationError(errors)


class LinkageSecret(models.Model):
    """The secret an area's linkage keys are made with. Made once, when the
    area's first episode is recorded; never shown or exported."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="+")
    secret = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self):
        return f"Linkage secret for {self.area}"
