import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.forms import DatePartsField, Form, ModelForm
from caremap.organisations.models import Membership
from caremap.people.models import Person

EMAIL_FORMAT_MESSAGE = _(
    "Enter an email address in the correct format, like name@example.org"
)


class PersonForm(ModelForm):
    date_of_birth = DatePartsField(
        label=_("Date of birth"), help_text=_("For example, 27 3 1985")
    )

    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "preferred_name",
            "reference",
            "date_of_birth",
            "gender",
            "pronouns",
            "sex",
            "email",
            "phone",
            "address",
            "postcode",
            "preferred_contact_method",
            "do_not_contact",
            "preferred_language",
            "pathway",
        ]
        widgets = {
            "given_name": forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false"}
            ),
            "family_name": forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false"}
            ),
            "preferred_name": forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false"}
            ),
            "reference": forms.TextInput(
                attrs={"class": "govuk-input--width-10", "spellcheck": "false"}
            ),
            "pronouns": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "phone": forms.TextInput(
                attrs={"type": "tel", "class": "govuk-input--width-20"}
            ),
            "address": forms.Textarea(attrs={"rows": 3}),
            "postcode": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "sex": forms.RadioSelect,
            "preferred_contact_method": forms.RadioSelect,
            "preferred_language": forms.RadioSelect,
            "pathway": forms.RadioSelect,
        }
        error_messages = {
            "given_name": {"required": _("Enter the person's first name")},
            "family_name": {"required": _("Enter the person's last name")},
            "reference": {"required": _("Enter the service reference number")},
            "email": {"invalid": EMAIL_FORMAT_MESSAGE},
            "pathway": {
                "required": _(
                    "Select the person's recovery pathway, or 'Not decided yet'"
                )
            },
            "preferred_language": {
                "required": _("Select the language the person prefers")
            },
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["sex"].choices = [
            *Person.Sex.choices,
            ("", _("Not recorded, or prefers not to say")),
        ]
        self.fields["pathway"].help_text = _(
            "The person's own choice. Every pathway is recorded without judgement."
        )
        self.fields["preferred_contact_method"].choices = list(
            Person.ContactMethod.choices
        )
        self.fields["gender"].help_text = _(
            "In the person's own words. Leave blank if they prefer not to say."
        )

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("Date of birth must be today or in the past"))
        if born < today - datetime.timedelta(days=120 * 366):
            raise forms.ValidationError(
                _("Date of birth must be after %(year)s") % {"year": today.year - 120}
            )
        return born

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        taken = Person.objects.filter(
            organisation=self.organisation, reference__iexact=reference
        )
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _(
                    "Another person in your organisation already has the reference %(reference)s"
                )
                % {"reference": reference}
            )
        return reference


class PersonStatusForm(ModelForm):
    class Meta:
        model = Person
        fields = ["status", "closure_reason"]
        widgets = {"status": forms.RadioSelect, "closure_reason": forms.Select}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closure_reason"].choices = [("", _("Choose a reason"))] + list(
            Person.ClosureReason.choices
        )
        self.fields["closure_reason"].help_text = _(
            "Only needed when support is closed."
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Person.Status.CLOSED and not cleaned.get(
            "closure_reason"
        ):
            self.add_error("closure_reason", _("Select why support is being closed"))
        if cleaned.get("status") == Person.Status.ACTIVE:
            cleaned["closure_reason"] = ""
            self.instance.closure_reason = ""
        return cleaned


class AssignNavigatorForm(Form):
    navigator = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Navigator"),
        empty_label=_("No navigator yet"),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        from caremap.accounts.models import User

        self.fields["navigator"].queryset = User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role=Membership.Role.NAVIGATOR,
        ).distinct()


class PersonSearchForm(Form):
    q = forms.CharField(
        label=_("Search by name or reference"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(Person.Status.choices),
    )
