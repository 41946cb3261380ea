"""Staying in touch: contacts and attempts at them, the groups a person goes
to and their attendance, check-ups after an exit, and the alerts and
outreach that follow when someone drifts away.

A contact that did not reach the person (no answer, a message left, a
missed appointment) is recorded too: the pattern of attempts is what tells
a service someone is drifting away.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from caremap.episodes.models import Episode
from caremap.organisations.models import Organisation
from caremap.people.models import Person


class ContactQuerySet(models.QuerySet):
    def reached(self):
        return self.filter(outcome=Contact.Outcome.REACHED)


class Contact(models.Model):
    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("Face to face")
        PHONE = "phone", _("Phone call")
        VIDEO = "video", _("Video call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("Email")
        GROUP = "group", _("Group session")
        VISIT = "visit", _("Outreach or home visit")
        LETTER = "letter", _("Letter")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("We were in touch")
        NO_ANSWER = "no_answer", _("No answer")
        MESSAGE_LEFT = "message_left", _("Left a message")
        MISSED = "missed", _("The person did not come")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="contacts"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contacts"
    )
    happened_at = models.DateTimeField(_("when"), default=timezone.now)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    outcome = models.CharField(
        _("what happened"), max_length=12, choices=Outcome.choices
    )
    minutes = models.PositiveSmallIntegerField(
        _("how long, in minutes"), null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # An attempt made as part of outreach after an alert.
    task = models.ForeignKey(
        "OutreachTask",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attempts",
    )
    # The form's one-time token, so a form sent twice records one contact.
    token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_at", "-pk"]
        indexes = [
            models.Index(
                fields=["person", "happened_at"], name="contact_person_when_idx"
            ),
            models.Index(
                fields=["organisation", "happened_at"], name="contact_org_when_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()}: {self.get_outcome_display()}"


class EngagementSettings(models.Model):
    """An organisation's rules for noticing disengagement and following up
    after an exit. Without a row, the defaults apply."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="engagement_settings"
    )
    no_contact_days = models.PositiveSmallIntegerField(
        _("days without being in touch before an alert"),
        default=21,
        validators=[MinValueValidator(7), MaxValueValidator(180)],
    )
    missed_in_a_row = models.PositiveSmallIntegerField(
        _("regular group sessions missed in a row before an alert"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    worrying_check_in = models.BooleanField(
        _("alert when a check-in says the person's use has worried them"),
        default=True,
    )
    check_up_months = models.CharField(
        _("months after an exit when check-ups are due"),
        max_length=40,
        default="1,3,6",
    )
    check_up_grace_days = models.PositiveSmallIntegerField(
        _("days after a check-up's date before it counts as not reached"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    def __str__(self):
        return f"Engagement settings for {self.organisation}"

    @classmethod
    def for_organisation(cls, organisation_id):
        """The stored settings, or unsaved ones with the fields' defaults."""
        found = cls.objects.filter(organisation_id=organisation_id).first()
        return found or cls(organisation_id=organisation_id)

    def months(self):
        return sorted({int(m) for m in self.check_up_months.split(",") if m.strip()})


class GroupMembership(models.Model):
    """A group a person goes to: a mutual-aid meeting or peer-led group from
    the directory (or, if it is not listed, by name)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="group_memberships"
    )
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group from the directory"),
    )
    name = models.CharField(_("group"), max_length=200)
    regular = models.BooleanField(
        _("goes regularly"),
        default=True,
        help_text=_("Missed sessions of a regular group can raise an alert."),
    )
    # A peer volunteer's register lists only people who said yes, and when.
    on_register = models.BooleanField(
        _("agreed to be on the group's register"), default=False
    )
    register_agreed_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(_("started going"), default=timezone.localdate)
    ended_on = models.DateField(_("stopped going"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class Attendance(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("The person said")
        REGISTER = "register", _("Group register")
        STAFF = "staff", _("Staff")

    membership = models.ForeignKey(
        GroupMembership, on_delete=models.CASCADE, related_name="attendances"
    )
    on = models.DateField(_("session date"))
    attended = models.BooleanField(_("went"))
    source = models.CharField(max_length=8, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "on"], name="attendance_once_per_session"
            )
        ]

    def __str__(self):
        return f"{self.membership} {self.on}"


class CheckUp(models.Model):
    """A recovery check-up after an exit: a contact and a check-in, due a
    set number of months after it."""

    class Outcome(models.TextChoices):
        DOING_WELL = "doing_well", _("Doing well")
        STRUGGLING = "struggling", _("Struggling, and offered support")
        REPRESENTED = "represented", _("Has gone back to treatment")
        NOT_REACHED = "not_reached", _("Could not be reached")
        DECLINED = "declined", _("Did not want a check-up")

    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="check_ups"
    )
    months = models.PositiveSmallIntegerField(_("months after the exit"))
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    check_in = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "months"], name="check_up_once_per_month_mark"
            ),
            models.CheckConstraint(
                name="check_up_done_has_outcome",
                condition=models.Q(done_on__isnull=True, outcome="")
                | (models.Q(done_on__isnull=False) & ~models.Q(outcome="")),
            ),
        ]

    def __str__(self):
        return f"{self.months}-month check-up for {self.episode}"


class AlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class Alert(models.Model):
    """Something that suggests a person is drifting away, raised by
    `caremap alerts run`. `key` names the event, so the same event never
    raises a second alert however often the rules run."""

    class Rule(models.TextChoices):
        NO_CONTACT = "no_contact", _("Not in touch for a while")
        MISSED_GROUP = "missed_group", _("Missed their regular group")
        WORRYING_CHECK_IN = "check_in", _("A check-in says their use has worried them")
        CHECK_UP_NOT_REACHED = (
            "check_up",
            _("They could not be reached for a check-up after their exit"),
        )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="alerts")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="alerts"
    )
    rule = models.CharField(max_length=12, choices=Rule.choices)
    key = models.CharField(max_length=120)
    # What the rule saw (dates, a group's name), worded only when shown, so
    # each reader gets it in their own language: see describe().
    facts = models.JSONField(default=dict)
    raised_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="alert_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "closed_at"], name="alert_open_idx")
        ]

    def __str__(self):
        return f"{self.get_rule_display()}: {self.person}"

    def get_absolute_url(self):
        return reverse("engagement:alert", args=[self.pk])

    def describe(self):
        """What the rule saw, in a sentence."""
        facts = self.facts

        def day(name):
            return formats.date_format(
                datetime.date.fromisoformat(facts[name]), "j F Y"
            )

        if self.rule == self.Rule.NO_CONTACT:
            if facts.get("reached"):
                return gettext("Last in touch on %(date)s") % {"date": day("since")}
            return gettext("Not in touch since being added on %(date)s") % {
                "date": day("since")
            }
        if self.rule == self.Rule.MISSED_GROUP:
            return ngettext(
                "Missed %(count)s session of %(group)s, on %(date)s",
                "Missed %(count)s sessions of %(group)s in a row, the last on %(date)s",
                facts["count"],
            ) % {"count": facts["count"], "group": facts["group"], "date": day("last")}
        if self.rule == self.Rule.WORRYING_CHECK_IN:
            return gettext(
                "A check-in on %(date)s says their drinking or drug use has "
                "worried them"
            ) % {"date": day("on")}
        return gettext(
            "The %(months)s-month check-up due on %(date)s was not reached"
        ) % {"months": facts["months"], "date": day("due")}


class OutreachTask(models.Model):
    """Reaching out after an alert: attempts (contacts) and an outcome."""

    class Outcome(models.TextChoices):
        RECONNECTED = "reconnected", _("Back in touch")
        RE_REFERRED = "re_referred", _("Referred back to treatment")
        DECLINED = "declined", _("Does not want contact now")
        UNREACHABLE = "unreachable", _("Could not be reached")

    alert = models.OneToOneField(Alert, on_delete=models.CASCADE, related_name="task")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outreach_tasks",
    )
    opened_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"Outreach: {self.alert}"
