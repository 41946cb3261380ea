from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.engagement.models import CheckUp, OutreachTask
from caremap.forms import DatePartsField, Form, ModelForm

DATE_ERRORS = {
    "missing": _("The date must include a %(part)s"),
    "not_number": _("The date must be a real date"),
    "invalid": _("The date must be a real date"),
}


class CloseForm(Form):
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


class CheckUpForm(ModelForm):
    done_on = DatePartsField(
        label=_("Date of the check-up"),
        help_text=_("For example, 27 3 2026"),
        error_messages={"required": _("Enter the date of the check-up"), **DATE_ERRORS},
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = True
        self.fields["outcome"].choices = CheckUp.Outcome.choices

    def clean_done_on(self):
        day = self.cleaned_data["done_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The date must be today or in the past"))
        if day and day < self.instance.episode.ended_on:
            raise forms.ValidationError(_("The check-up must be after the exit"))
        return day
