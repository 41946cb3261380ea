from django.contrib import admin

from caremap.organisations.models import Area, Membership, Organisation, Team


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area"]
    list_filter = ["kind", "area"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "team", "area"]
    list_filter = ["role", "organisation", "area"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]
