from django.contrib import admin

from caremap.instruments.models import InstrumentVersion
from caremap.privacy.admin import AuditedModelAdmin


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(AuditedModelAdmin):
    """Installed versions, to look at only: a version never changes once
    assessments may rely on it, and installing goes through
    `caremap instrument import`, which validates the file first."""

    list_display = [
        "key",
        "version",
        "title",
        "source_format",
        "shipped",
        "imported_at",
    ]
    list_filter = ["shipped", "source_format"]
    search_fields = ["key", "title"]
    readonly_fields = [f.name for f in InstrumentVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
