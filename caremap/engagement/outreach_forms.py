from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from caremap.concurrency import Guarded
from caremap.engagement.models import CheckUp, EngagementSettings, OutreachTask
from caremap.forms import THE_DATE_ERRORS, DatePartsField, Form, ModelForm

DATE_ERRORS = THE_DATE_ERRORS


class CloseForm(Guarded, Form):
    fingerprint_fields = ["closed_at"]

    outcome = forms.ChoiceField(
        label=_("How did the outreach end?"),
        choices=OutreachTask.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the outreach ended")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep the note to 500 characters or fewer")},
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        if person.do_not_contact:
            # Nobody reached out, so the only honest ending is the person's choice.
            self.fields["outcome"].choices = [
                (OutreachTask.Outcome.DECLINED, OutreachTask.Outcome.DECLINED.label)
            ]
            self.fields["outcome"].initial = OutreachTask.Outcome.DECLINED


class CheckUpForm(Guarded, ModelForm):
    fingerprint_fields = ["done_on", "outcome", "note", "contact", "check_in"]

    done_on = DatePartsField(
        label=_("Date of the check-up"),
        help_text=_("For example, 27 3 2026"),
        error_messages={"required": _("Enter the date of the check-up"), **DATE_ERRORS},
    )

    contact = forms.ChoiceField(
        label=_("The contact it was made in"),
        help_text=_("Contacts with the person since the exit, newest first."),
        required=False,
        choices=(),
    )
    check_in = forms.ChoiceField(
        label=_("The check-in they took"),
        required=False,
        choices=(),
    )

    class Meta:
        model = CheckUp
        fields = ["done_on", "outcome", "note"]
        labels = {"outcome": _("How is the person?"), "note": _("Note")}
        widgets = {
            "outcome": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"outcome": {"required": _("Choose how the person is")}}

    def __init__(self, *args, contacts=(), check_ins=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = True
        self.fields["outcome"].choices = CheckUp.Outcome.choices
        # Only the person's own records since the exit can be linked.
        self.contacts = {str(c.pk): c for c in contacts}
        self.check_ins = {str(a.pk): a for a in check_ins}
        self.fields["contact"].choices = [("", _("None"))] + [
            (
                key,
                f"{formats.date_format(timezone.localtime(c.happened_at), 'j F Y')}: {c}",
            )
            for key, c in self.contacts.items()
        ]
        self.fields["check_in"].choices = [("", _("None"))] + [
            (key, formats.date_format(timezone.localtime(a.submitted_at), "j F Y"))
            for key, a in self.check_ins.items()
        ]
        if self.instance.contact_id:
            self.initial.setdefault("contact", str(self.instance.contact_id))
        if self.instance.check_in_id:
            self.initial.setdefault("check_in", str(self.instance.check_in_id))

    def linked(self):
        """The contact and check-in chosen, as records."""
        data = self.cleaned_data
        return {
            "contact": self.contacts.get(data.get("contact") or ""),
            "check_in": self.check_ins.get(data.get("check_in") or ""),
        }

    def clean_done_on(self):
        day = self.cleaned_data["done_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The date must be today or in the past"))
        if day and day < self.instance.episode.ended_on:
            raise forms.ValidationError(_("The check-up must be after the exit"))
        return day


class SettingsForm(Guarded, ModelForm):
    class Meta:
        model = EngagementSettings
        fields = [
            "no_contact_days",
            "missed_in_a_row",
            "worrying_check_in",
            "check_up_months",
            "check_up_grace_days",
        ]
        labels = {
            "no_contact_days": _("Days without being in touch before an alert"),
            "missed_in_a_row": _(
                "Regular group sessions missed in a row before an alert"
            ),
            "worrying_check_in": _(
                "Raise an alert when a check-in says the person's use has worried them"
            ),
            "check_up_months": _(
                "Months after a completed exit when check-ups are due"
            ),
            "check_up_grace_days": _(
                "Days after a check-up's date before it counts as not reached"
            ),
        }
        help_texts = {
            "no_contact_days": _("Between 7 and 180. The usual is 21."),
            "missed_in_a_row": _("Between 1 and 10. The usual is 2."),
            "check_up_months": _(
                "Whole months, separated by commas. The usual is 1, 3, 6."
            ),
            "check_up_grace_days": _("Between 1 and 60. The usual is 14."),
        }
        widgets = {
            "no_contact_days": forms.TextInput(
                attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
            ),
            "missed_in_a_row": forms.TextInput(
                attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
            ),
            "check_up_months": forms.TextInput(
                attrs={"class": "govuk-input--width-10"}
            ),
            "check_up_grace_days": forms.TextInput(
                attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
            ),
        }
        error_messages = {
            name: {
                "required": _("Enter a number"),
                "invalid": _("Enter a whole number"),
                "min_value": _("Enter %(limit_value)s or more"),
                "max_value": _("Enter %(limit_value)s or less"),
            }
            for name in ["no_contact_days", "missed_in_a_row", "check_up_grace_days"]
        }

    def clean_check_up_months(self):
        text = self.cleaned_data["check_up_months"]
        parts = [part.strip() for part in text.replace(" ", ",").split(",")]
        parts = [part for part in parts if part]
        if not parts or not all(part.isdigit() for part in parts):
            raise forms.ValidationError(
                _("Enter whole months separated by commas, like 1, 3, 6")
            )
        months = sorted({int(part) for part in parts})
        if months[0] < 1 or months[-1] > 24:
            raise forms.ValidationError(_("Each month must be from 1 to 24"))
        return ",".join(str(month) for month in months)
