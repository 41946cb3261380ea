from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEventQuerySet(models.QuerySet):
    """Append-only: bulk updates and deletes are refused here as well as by
    database triggers (see migration 0002), so no code path can rewrite history."""

    def update(self, **kwargs):
        raise PermissionError("Audit events cannot be changed.")

    def delete(self):
        raise PermissionError("Audit events cannot be deleted.")

    def for_person(self, person):
        return self.filter(person=person)

    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class AuditEvent(models.Model):
    """One thing that happened: a change to a record, or someone looking at a
    person's record. Written only through `caremap.privacy.audit.record`."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        LIST = "list", _("Listed")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Removed")
        DENIED = "denied", _("Refused access")
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_OUT = "sign_out", _("Signed out")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        LOCKED_OUT = "locked_out", _("Signing in paused")
        PASSWORD_RESET_REQUESTED = "reset_requested", _("Asked for a new password")
        PASSWORD_RESET = (
            "password_reset",
            pgettext_lazy("audit action", "Set a new password"),
        )
        TWO_STEP_ON = "two_step_on", _("Turned on two-step verification")
        TWO_STEP_OFF = "two_step_off", _("Turned off two-step verification")
        SUBMIT = "submit", _("Submitted")
        EXPORT = "export", _("Exported")

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    record_type = models.CharField(_("record type"), max_length=64)
    record_id = models.CharField(_("record"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    path = models.CharField(_("from page"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=16, default="web")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # A person's audit trail page, newest first.
            models.Index(
                fields=["person", "-occurred_at"], name="audit_person_time_idx"
            ),
            # An organisation's audit trail page, newest first.
            models.Index(
                fields=["organisation", "-occurred_at"], name="audit_org_time_idx"
            ),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.record_type}:{self.record_id}"

    def save(self, *args, **kwargs):
        # A guard, not behaviour: an event, once written, is never rewritten.
        if not self._state.adding:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")
