import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.concurrency import Guarded
from caremap.forms import THE_DATE_ERRORS, DatePartsField, Form, ModelForm
from caremap.organisations.models import Membership
from caremap.people.models import Person, PersonStance

EMAIL_FORMAT_MESSAGE = _(
    "Enter an email address in the correct format, like name@example.org"
)


class PersonForm(Guarded, ModelForm):
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
            "ethnic_group",
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
            "ethnic_group": forms.RadioSelect,
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
        self.fields["ethnic_group"].choices = [
            *Person.EthnicGroup.choices,
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


class PersonStatusForm(Guarded, ModelForm):
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


class AssignNavigatorForm(Guarded, Form):
    fingerprint_fields = ["navigator"]

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


STANCE_HINTS = {
    Person.Stance.SETTLED_ON_MEDICATION: _(
        "For example, stable on a prescription such as methadone or "
        "buprenorphine and happy with how things are for now."
    ),
    Person.Stance.READY_FOR_CHANGE: _(
        "The person wants to change something now, in the way they choose."
    ),
    Person.Stance.UNSURE: _(
        "The person has not decided, or would rather not say for now."
    ),
}


class StanceForm(Guarded, ModelForm):
    recorded_on = DatePartsField(
        label=_("Date"),
        help_text=_(
            "The day the person told you. Today or earlier, for example 27 3 2026"
        ),
        error_messages={
            "required": _("Enter the date"),
            **THE_DATE_ERRORS,
        },
    )

    class Meta:
        model = PersonStance
        fields = ["stance", "recorded_on", "note"]
        labels = {
            "stance": _("Where is the person now?"),
            "note": _("Note"),
        }
        help_texts = {
            "stance": _("In the person's own view. No answer is better than another."),
            "note": _("A few words, if they help. Up to 200 characters."),
        }
        widgets = {"stance": forms.RadioSelect}
        error_messages = {
            "stance": {"required": _("Select where the person is now")},
            "note": {"max_length": _("The note must be 200 characters or fewer")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Same order as the model, which ranks none above another.
        self.fields["stance"].choices = list(Person.Stance.choices)
        self.fields["stance"].hints = STANCE_HINTS

    def clean_recorded_on(self):
        day = self.cleaned_data["recorded_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("The date must be today or in the past"), code="future"
            )
        return day


# The filter value for people whose stance has never been recorded; not a
# stance, so it cannot clash with one.
STANCE_NOT_RECORDED = "not_recorded"


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
    stance = forms.ChoiceField(
        label=_("Stance"),
        required=False,
        choices=[
            ("", _("All")),
            *Person.Stance.choices,
            (STANCE_NOT_RECORDED, _("Not recorded")),
        ],
    )
    pathway = forms.ChoiceField(
        label=_("Recovery pathway"),
        required=False,
        choices=[("", _("All")), *Person.Pathway.choices],
    )
    mine = forms.BooleanField(label=_("Only people I support"), required=False)

    def filter(self, people, *, user):
        """`people` narrowed by whatever this (valid) form asks for."""
        data = self.cleaned_data
        people = people.search(data["q"])
        if data["mine"]:
            people = people.filter(navigator=user)
        if data["status"]:
            people = people.filter(status=data["status"])
        if data["stance"] == STANCE_NOT_RECORDED:
            people = people.with_stance("")
        elif data["stance"]:
            people = people.with_stance(data["stance"])
        if data["pathway"]:
            people = people.filter(pathway=data["pathway"])
        return people
