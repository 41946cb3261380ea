"""Care plans: a person's goals in their own words, the SMART steps towards
each, what helps (strengths and community resources), what could get in the
way and how to get round it, and the reviews that keep the plan alive.

One active plan per person and organisation. Every change goes through
`actions.py`, which audits it and bumps the plan's `revision`, so two people
editing the same plan at once find out instead of overwriting each other.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.organisations.models import Organisation
from caremap.people.models import Person

REVIEW_EVERY_DAYS_DEFAULT = 90


class PlanSettings(models.Model):
    """An organisation's care-planning settings."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="plan_settings"
    )
    review_every_days = models.PositiveIntegerField(
        _("days between reviews"),
        default=REVIEW_EVERY_DAYS_DEFAULT,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("care-plan settings")

    def __str__(self):
        return str(self.organisation)


class CarePlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(person__in=Person.objects.visible_to(user))

    def active(self):
        return self.filter(status=CarePlan.Status.ACTIVE)

    def review_due_by(self, day):
        """Active plans whose next review falls on or before `day`."""
        return self.active().filter(review_due_on__lte=day)


class CarePlan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="care_plans"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="care_plans"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    # Goes up by one with every change, so a form sent from an older page
    # can be told what changed since.
    revision = models.PositiveIntegerField(default=1)
    review_due_on = models.DateField(_("next review due"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CarePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("care plan")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=Q(status="active"),
                name="careplan_one_active_per_person_and_organisation",
            )
        ]

    def __str__(self):
        return f"{self.person} ({self.organisation})"

    def get_absolute_url(self):
        return reverse("careplans:plan", args=[self.pk])


# The plan is written for the person it belongs to (it is shown to them on
# the navigator's screen and taken away as a PDF), so who did what is said
# to them: "yours", "your navigator".
WHOSE_IDEA_FOR_PERSON = {
    "person": _("Yours"),
    "navigator": _("Your navigator’s"),
    "together": _("You came up with it together"),
}
WHO_FOR_PERSON = {
    "person": _("You"),
    "navigator": _("Your navigator"),
    "someone-else": _("Someone else"),
}
PARTICIPANT_FOR_PERSON = {
    "person": _("You"),
    "navigator": _("Your navigator"),
    "family": _("Family or a carer"),
    "someone-else": _("Someone else"),
}


class Goal(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Working on it")
        ACHIEVED = "achieved", _("Achieved")
        CHANGED = "changed", _("Changed")
        STOPPED = "stopped", _("Stopped")

    class ProposedBy(models.TextChoices):
        PERSON = "person", _("The person")
        NAVIGATOR = "navigator", _("The navigator")
        TOGETHER = "together", _("Both, together")

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    wording = models.TextField(
        _("the goal, in the person's own words"),
        max_length=300,
        help_text=_("How the person would say it, for example “Get back to work”."),
    )
    domain = models.CharField(_("life area"), max_length=80, blank=True)
    # The template it started from, if any: a starting point, never the words.
    template = models.CharField(max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    target_date = models.DateField(_("aiming for"), null=True, blank=True)
    proposed_by = models.CharField(
        _("whose idea"), max_length=10, choices=ProposedBy.choices
    )
    person_agreed = models.BooleanField(_("the person agrees with this goal"))
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(wording=""), name="goal_has_wording")
        ]

    def __str__(self):
        return self.wording

    def whose_idea(self):
        return WHOSE_IDEA_FOR_PERSON.get(self.proposed_by, self.proposed_by)


class Action(models.Model):
    """A SMART step towards a goal."""

    class Who(models.TextChoices):
        PERSON = "person", _("The person")
        NAVIGATOR = "navigator", _("The navigator")
        SOMEONE_ELSE = "someone-else", _("Someone else")

    class Status(models.TextChoices):
        TO_DO = "to_do", _("To do")
        DOING = "doing", _("Doing")
        DONE = "done", _("Done")
        STOPPED = "stopped", _("Stopped")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField(_("what exactly"), max_length=500)
    who = models.CharField(_("who"), max_length=12, choices=Who.choices)
    who_else = models.CharField(_("who else"), max_length=200, blank=True)
    due_on = models.DateField(_("by when"))
    how_we_know = models.TextField(
        _("how we will know it is done"), blank=True, max_length=500
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.TO_DO
    )
    # A directory service this step uses, so a referral can start from it.
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community resource"),
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(what=""), name="action_has_wording"),
            models.CheckConstraint(
                condition=~Q(who="someone-else") | ~Q(who_else=""),
                name="action_names_someone_else",
            ),
        ]

    def __str__(self):
        return self.what

    def doer(self):
        """Who will do it, said to the person."""
        if self.who == self.Who.SOMEONE_ELSE:
            return self.who_else
        return WHO_FOR_PERSON.get(self.who, self.who)

    def clean(self):
        # A new step is planned for today or later; an old one may well be
        # past its date, and its status is what changes then.
        if self._state.adding and self.due_on and self.due_on < timezone.localdate():
            raise ValidationError(
                {"due_on": _("The date must be today or in the future")}
            )
        if self.who == self.Who.SOMEONE_ELSE and not self.who_else.strip():
            raise ValidationError({"who_else": _("Say who will do it")})

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.status in (self.Status.TO_DO, self.Status.DOING) and (
            self.due_on < today
        )


class Strength(models.Model):
    """Something the person has that will help with a goal: from their
    profile (a domain that is going well) or in their own words."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="strengths")
    wording = models.CharField(_("the strength"), max_length=300)
    domain = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.wording


class Resource(models.Model):
    """A community resource that supports a goal: a directory service, or
    something the directory does not list (a friend's allotment, a book)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="resources")
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=300)
    note = models.TextField(_("how it helps"), blank=True, max_length=1000)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Barrier(models.Model):
    """Something that could get in the way of a goal, and its solutions."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="barriers")
    wording = models.CharField(_("what could get in the way"), max_length=300)
    # The profile's barrier item or unmet need it came from, if any.
    source = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.wording


class Solution(models.Model):
    barrier = models.ForeignKey(
        Barrier, on_delete=models.CASCADE, related_name="solutions"
    )
    wording = models.CharField(_("a way round it"), max_length=300)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.wording


class PlanChange(models.Model):
    """One change to a plan, numbered by the revision it made, so someone
    whose page is out of date can be told what happened since."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="changes")
    revision = models.PositiveIntegerField()
    summary = models.CharField(max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "revision"], name="planchange_unique_revision"
            )
        ]

    def __str__(self):
        return f"{self.plan_id} r{self.revision}: {self.summary}"


def review_due_from(day: datetime.date, organisation) -> datetime.date:
    settings_ = getattr(organisation, "plan_settings", None)
    every = settings_.review_every_days if settings_ else REVIEW_EVERY_DAYS_DEFAULT
    return day + datetime.timedelta(days=every)


class Review(models.Model):
    """A planned (or asked-for) look back at the plan with the person: how
    each goal and step is going, who was there, and the assessment taken for
    it. Submitting one moves the next review date on."""

    class Participant(models.TextChoices):
        PERSON = "person", _("The person")
        NAVIGATOR = "navigator", _("Their navigator")
        FAMILY = "family", _("Family or a carer")
        SOMEONE_ELSE = "someone-else", _("Someone else")

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(_("held on"))
    requested_by_person = models.BooleanField(
        _("the person asked for this review"), default=False
    )
    # Participant values, kept as a list so a review can name several.
    participants = models.JSONField(_("who took part"), default=list, blank=True)
    who_else = models.CharField(_("who else"), max_length=200, blank=True)
    what_changed = models.TextField(
        _("what changed and why"), blank=True, max_length=4000
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the assessment taken for it"),
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("review")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.plan_id} review {self.held_on}"

    def participant_labels(self):
        """Who took part, said to the person."""
        names = []
        for value in self.participants:
            if value == self.Participant.SOMEONE_ELSE and self.who_else:
                names.append(self.who_else)
            elif value in PARTICIPANT_FOR_PERSON:
                names.append(PARTICIPANT_FOR_PERSON[value])
        return names


class Progress(models.TextChoices):
    """How a goal or step was going at a review, in the person's words."""

    GOING_WELL = "going-well", _("Going well")
    SOME_PROGRESS = "some-progress", _("Some progress")
    NO_PROGRESS = "no-progress", _("No progress yet")
    ACHIEVED = "achieved", _("Achieved")
    CHANGED = "changed", _("Changed")
    STOPPED = "stopped", _("Stopped")
    DONE = "done", _("Done")
    IN_PROGRESS = "in-progress", _("In progress")
    NOT_STARTED = "not-started", _("Not started")
    NOT_NEEDED = "not-needed", _("No longer needed")


GOAL_PROGRESS = [
    Progress.GOING_WELL,
    Progress.SOME_PROGRESS,
    Progress.NO_PROGRESS,
    Progress.ACHIEVED,
    Progress.CHANGED,
    Progress.STOPPED,
]
STEP_PROGRESS = [
    Progress.DONE,
    Progress.IN_PROGRESS,
    Progress.NOT_STARTED,
    Progress.NOT_NEEDED,
]


class ReviewProgress(models.Model):
    """How one goal or one step was going when a plan was reviewed."""

    Progress = Progress

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="progress"
    )
    # A goal or step removed later takes its progress rows with it; the
    # review's PlanVersion snapshot still records the plan as reviewed.
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    progress = models.CharField(_("progress"), max_length=16, choices=Progress.choices)
    note = models.TextField(_("note"), blank=True, max_length=1000)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    goal__isnull=False,
                    action__isnull=True,
                    progress__in=[p.value for p in GOAL_PROGRESS],
                )
                | Q(
                    goal__isnull=True,
                    action__isnull=False,
                    progress__in=[p.value for p in STEP_PROGRESS],
                ),
                name="reviewprogress_goal_or_step",
            ),
            models.UniqueConstraint(
                fields=["review", "goal"],
                condition=Q(goal__isnull=False),
                name="reviewprogress_once_per_goal",
            ),
            models.UniqueConstraint(
                fields=["review", "action"],
                condition=Q(action__isnull=False),
                name="reviewprogress_once_per_step",
            ),
        ]

    def __str__(self):
        return f"{self.review_id}: {self.progress}"


class PlanVersion(models.Model):
    """The plan as it stood at one moment, kept as JSON (see versions.py) so
    later edits cannot change what was agreed at a review."""

    plan = models.ForeignKey(
        CarePlan, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    review = models.OneToOneField(
        Review,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="version",
    )

    class Meta:
        verbose_name = _("plan version")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="planversion_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.plan_id} v{self.number}"

    def get_absolute_url(self):
        return reverse("careplans:version", args=[self.plan_id, self.number])
