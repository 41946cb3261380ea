from django.contrib import admin

from caremap.organisations.models import Area, Membership, Organisation, Team
from caremap.privacy.admin import AuditedModelAdmin


@admin.register(Area)
class AreaAdmin(AuditedModelAdmin):
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
    list_display = ["user", "role", "organisation", "team", "area"]
    list_filter = ["role", "organisation", "area"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]
