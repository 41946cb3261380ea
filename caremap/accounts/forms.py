from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from caremap.accounts.identity import normalise_address
from caremap.forms import GovukFormMixin

#: Room for any passphrase or password manager's output; a bound all the
#: same, like every other box, so nothing unbounded reaches the hasher.
PASSWORD_LENGTH = 4096


def _bounded(field):
    field.max_length = PASSWORD_LENGTH
    field.validators.append(MaxLengthValidator(PASSWORD_LENGTH))
    return field


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
        max_length=PASSWORD_LENGTH,
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
    new_password1, new_password2 = map(
        _bounded, auth_forms.SetPasswordMixin.create_password_fields()
    )


class CodeForm(GovukFormMixin, forms.Form):
    """A code from the authenticator app (or, where `backup` is allowed, a
    backup code). Whether it is right is decided by the view, which knows
    whose devices to check."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        error_messages={"required": _("Enter the code")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args, backup=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            _(
                "The 6-digit code your authenticator app shows now, or one of "
                "your backup codes."
            )
            if backup
            else _("The 6-digit code your authenticator app shows now.")
        )

    def wrong(self):
        self.add_error(
            "code",
            _(
                "The code is not right. Check it and try again; the app shows "
                "a new code every 30 seconds."
            ),
        )

    def too_many(self, seconds):
        if seconds <= 60:
            message = ngettext(
                "There have been too many wrong codes. Wait %(count)d second "
                "and try again.",
                "There have been too many wrong codes. Wait %(count)d seconds "
                "and try again.",
                seconds,
            ) % {"count": seconds}
        else:
            minutes = -(-seconds // 60)
            message = ngettext(
                "There have been too many wrong codes. Wait %(count)d minute "
                "and try again.",
                "There have been too many wrong codes. Wait %(count)d minutes "
                "and try again.",
                minutes,
            ) % {"count": minutes}
        self.add_error("code", message)
