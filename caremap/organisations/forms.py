from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from caremap.accounts.models import User
from caremap.concurrency import Guarded
from caremap.forms import Form
from caremap.organisations.models import Membership, Team


class TeamForm(Guarded, Form):
    fingerprint_fields = ["name"]

    name = forms.CharField(
        label=_("Team name"),
        max_length=200,
        error_messages={"required": _("Enter a name for the team")},
    )

    def __init__(self, *args, organisation, team=None, **kwargs):
        super().__init__(*args, record=team, **kwargs)
        self.organisation = organisation
        self.team = team

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = Team.objects.filter(organisation=self.organisation, name__iexact=name)
        if self.team is not None:
            taken = taken.exclude(pk=self.team.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("There is already a team called %(name)s") % {"name": name}
            )
        return name


class MemberForm(Guarded, Form):
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Enter their email address"),
            "invalid": _(
                "Enter an email address in the correct format, like name@example.org"
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={"required": _("Enter their full name")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (
                Membership.Role.NAVIGATOR,
                _("Navigator: works with the people on their caseload"),
            ),
            (
                Membership.Role.MANAGER,
                _("Manager: sees everyone in the organisation and manages staff"),
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a role")},
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        label=_("Team"),
        required=False,
        empty_label=_("No team"),
        help_text=_("Navigators in a team can see each other's caseloads."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["team"].queryset = organisation.teams.all()

    def clean(self):
        cleaned = super().clean()
        email = (cleaned.get("email") or "").lower()
        role = cleaned.get("role")
        if cleaned.get("team") and role == Membership.Role.MANAGER:
            self.add_error(
                "team",
                _("Only navigators belong to a team. Choose 'No team' for a manager"),
            )
        if (
            email
            and role
            and Membership.objects.filter(
                user__email=email, role=role, organisation=self.organisation
            ).exists()
        ):
            self.add_error(
                "email", _("This person already has that role in your organisation")
            )
        return cleaned


class MembershipTeamForm(Guarded, Form):
    fingerprint_fields = ["team"]

    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        label=_("Team"),
        required=False,
        empty_label=_("No team"),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = organisation.teams.all()


class JoinForm(Form):
    """For someone invited at an address with no account yet: their name and
    a password, checked by the same rules as every password."""

    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        error_messages={"required": _("Enter your full name")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        max_length=128,
        help_text=_(
            "Use at least 12 characters. A few unrelated words together make a "
            "strong password that is easy to remember."
        ),
        error_messages={"required": _("Choose a password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        max_length=128,
        error_messages={"required": _("Type the password again")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match"))
        elif first:
            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
