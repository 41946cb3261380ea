"""Audit events are deliberately not registered with Django admin: nobody may
edit or delete them. This module provides the base class that makes every
configuration change made in admin write an audit event too."""

from django.contrib import admin

from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent


class AuditedModelAdmin(admin.ModelAdmin):
    """Django admin keeps its own change log; these hooks also write each
    change to Caremap's audit trail, so one place shows every change."""

    def log_addition(self, request, obj, message):
        self._audit(AuditEvent.Action.CREATE, request, obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        fields = [
            field
            for entry in message or []
            for field in entry.get("changed", {}).get("fields", [])
        ]
        self._audit(
            AuditEvent.Action.UPDATE, request, obj, {"fields": ["", ", ".join(fields)]}
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(AuditEvent.Action.DELETE, request, obj)
        return super().log_deletions(request, queryset)

    @staticmethod
    def _audit(action, request, obj, changes=None):
        record(
            action,
            by=request.user,
            record=obj,
            summary=f"In administration: {obj}",
            changes=changes,
        )
