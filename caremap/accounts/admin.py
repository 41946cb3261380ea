"""Accounts in Django admin, narrowed so an administrator can look after
accounts without being able to reach anyone's record (decision 0016).

- No superuser flag, group or permission is ever offered: the superuser flag
  is set only by `caremap createsuperuser` on the server, and Caremap reads
  access from memberships alone.
- Nobody sets another person's password here: a new account gets an email
  to choose its own, and there is no change-password page.
- An email address is fixed once the account exists, since changing it and
  then asking for a password reset would hand the account to whoever holds
  the new address.
- Every change is audited under each organisation the account works in, so
  those organisations' managers see it in their trail.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from caremap.accounts.emails import send_set_password_link
from caremap.accounts.identity import normalise_address
from caremap.accounts.models import User
from caremap.privacy.admin import AuditedModelAdmin
from caremap.privacy.audit import record

# Caremap grants nothing through Django's groups.
admin.site.unregister(Group)


class AccountCreationForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]

    def clean_email(self):
        email = normalise_address(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email


class AccountChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "is_active"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["email", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "is_active"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name"]})]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if not change:
            transaction.on_commit(lambda: send_set_password_link(obj, request))

    @staticmethod
    def _audit(action, request, obj, changes=None):
        # An account change matters to every organisation the account works
        # in, so it is filed under each of them.
        organisations = {
            m.organisation for m in obj.memberships.all() if m.organisation_id
        } or {None}
        for organisation in organisations:
            record(
                action,
                by=request.user,
                record=obj,
                organisation=organisation,
                summary=f"In administration: {obj.email}",
                changes=changes,
            )
