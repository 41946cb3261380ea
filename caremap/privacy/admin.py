"""Audit events are deliberately not registered with Django admin: nobody may
edit or delete them. This module provides the base class that makes every
configuration change made in admin write an audit event too."""

from django.contrib import admin

from caremap.organisations.models import Organisation
from caremap.privacy.audit import record as record_event
from caremap.privacy.models import AuditEvent


def record(action, *, by, record, summary, changes=None):
    organisation = (
        record
        if isinstance(record, Organisation)
        else getattr(record, "organisation", None)
    )
    return record_event(
        action,
        by=by,
        record=record,
        organisation=organisation,
        summary=summary,
        changes=changes,
    )


class AuditedModelAdmin(admin.ModelAdmin):
    """Django admin keeps its own change log; these hooks also write each
    change to Caremap's audit trail, so one place shows every change."""

    def log_addition(self, request, obj, message):
        record(
            AuditEvent.Action.CREATE,
            by=request.user,
            record=obj,
            summary=f"In administration: {obj}"[:255],
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        record(
            AuditEvent.Action.UPDATE,
            by=request.user,
            record=obj,
            summary=f"In administration: {obj}"[:255],
            changes={"fields": ["", ", ".join(self._changed_fields(message))]},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            record(
                AuditEvent.Action.DELETE,
                by=request.user,
                record=obj,
                summary=f"In administration: {obj}"[:255],
            )
        return super().log_deletions(request, queryset)

    @staticmethod
    def _changed_fields(message):
        fields = []
        for entry in message or []:
            fields.extend(entry.get("changed", {}).get("fields", []))
        return fields
