from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from caremap.accounts.identity import normalise_address
from caremap.forms import GovukFormMixin


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _(
                "Enter an email address in the correct format, like name@example.org"
            ),
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Enter your password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The email address or password is not right. Check them and try again; "
            "after several wrong tries in a row, signing in is paused for a while."
        ),
        "inactive": _(
            "This account has been switched off. Ask your manager to switch it back on."
        ),
    }

    def error_summary(self):
        # A wrong email/password pair is not one field's fault; the link
        # still takes the user to the first box to correct.
        return [
            (message, "#id_username" if link == "#" else link)
            for message, link in super().error_summary()
        ]


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _(
                "Enter an email address in the correct format, like name@example.org"
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def clean_email(self):
        return normalise_address(self.cleaned_data["email"])


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    pass
