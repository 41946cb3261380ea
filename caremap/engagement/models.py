"""Staying in touch: each contact with a person, or attempt at one.

A contact that did not reach the person (no answer, a message left, a
missed appointment) is recorded too: the pattern of attempts is what tells
a service someone is drifting away.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
