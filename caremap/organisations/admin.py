from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from caremap.organisations.models import Area, Membership, Organisation, Team
from caremap.privacy.admin import AuditedModelAdmin
from caremap.privacy.audit import record


@admin.register(Area)
class AreaAdmin(AuditedModelAdmin):
    list_display = ["name", "require_two_step"]
    search_fields = ["name"]

    @staticmethod
    def _audit(action, request, obj, changes=None):
        # An area's settings (whether its managers need two-step
        # verification) matter to each of its organisations, so each one's
        # managers see the change in their own trail.
        organisations = list(obj.organisations.all()) if obj.pk else []
        for organisation in organisations or [None]:
            record(
                action,
                by=request.user,
                record=obj,
                organisation=organisation,
                summary=f"In administration: {obj}",
                changes=changes,
            )


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


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "role", "organisation", "team", "area"]

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        if (
            cleaned.get("role") in Membership.PERSON_LEVEL_ROLES
            and organisation is not None
            and organisation.has_active_manager()
        ):
            raise forms.ValidationError(
                _(
                    "%(organisation)s has a manager, who adds its staff by "
                    "invitation. Administrators only appoint the first manager "
                    "of an organisation that has none."
                )
                % {"organisation": organisation}
            )
        return cleaned


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    """Who holds which role. Model validation refuses a person-level role to
    an administrator (and the reverse), whoever asks. Here, in addition, an
    administrator may give a person-level role only in an organisation with
    no active manager (its first manager, or a new one when all have left),
    and may not remove one: staff come and go through the organisation's own
    managers, so an administrator cannot quietly swap a service's managers
    for an account of their own (decision 0016). Once a membership exists
    only its team can change: moving it to another account, role or
    organisation would be filed under one organisation only."""

    form = MembershipAdminForm
    list_display = ["user", "role", "organisation", "team", "area"]
    list_filter = ["role", "organisation", "area"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "role", "organisation", "area"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_person_level:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # The bulk delete does not ask about each membership.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
