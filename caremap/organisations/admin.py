from django.contrib import admin

from caremap.organisations.models import Area, Membership, Organisation, Team
from caremap.privacy.admin import AuditedModelAdmin


@admin.register(Area)
class AreaAdmin(AuditedModelAdmin):
    list_display = ["name", "require_two_step"]
    search_fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "area"]
    list_filter = ["kind", "area"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    """Who holds which role. Model validation refuses a person-level role to
    an administrator (and the reverse), whoever asks. Once a membership
    exists only its team can change: moving it to another account, role or
    organisation would be filed under one organisation only, so that is done
    by removing it and adding another, each audited where it belongs."""

    list_display = ["user", "role", "organisation", "team", "area"]
    list_filter = ["role", "organisation", "area"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "role", "organisation", "area"]
