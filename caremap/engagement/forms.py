import datetime
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.concurrency import Guarded
from caremap.engagement.models import Contact
from caremap.forms import THE_DATE_ERRORS, DatePartsField, Form


class ContactForm(Guarded, Form):
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    method = forms.ChoiceField(
        label=_("How?"),
        choices=Contact.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you were in touch, or tried to be")},
    )
    outcome = forms.ChoiceField(
        label=_("What happened?"),
        choices=Contact.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happened")},
    )
    day = DatePartsField(
        label=_("Date"),
        help_text=_("For example, 27 3 2026"),
        error_messages={
            "required": _("Enter the date"),
            **THE_DATE_ERRORS,
        },
    )
    time = forms.TimeField(
        label=_("Time"),
        help_text=_("For example, 14:30. Leave empty if you are not sure."),
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}
        ),
        error_messages={"invalid": _("Enter a time like 14:30")},
    )
    minutes = forms.IntegerField(
        label=_("How long, in minutes"),
        required=False,
        min_value=1,
        max_value=600,
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
        ),
        error_messages={
            "invalid": _("Enter the minutes as a number, like 30"),
            "min_value": _("Enter at least 1 minute"),
            "max_value": _("Enter no more than 600 minutes"),
        },
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("A line or two: what was talked about, or what happens next."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep the note to 500 characters or fewer")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {"token": uuid.uuid4(), "day": timezone.localdate(), "method": "phone"},
        )
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("day")
        if day is None:
            return cleaned
        at = cleaned.get("time")
        if at is None:
            # No time given: now if it was today, otherwise the middle of the day.
            now = timezone.localtime()
            at = now.time() if day == now.date() else datetime.time(12, 0)
        when = timezone.make_aware(datetime.datetime.combine(day, at))
        if day > timezone.localdate() or when > timezone.now() + datetime.timedelta(
            minutes=5
        ):
            self.add_error(
                "time" if day == timezone.localdate() else "day",
                _("A contact cannot be in the future"),
            )
        cleaned["happened_at"] = when
        return cleaned

    def contact_fields(self):
        data = self.cleaned_data
        return {
            "happened_at": data["happened_at"],
            "method": data["method"],
            "outcome": data["outcome"],
            "minutes": data["minutes"],
            "note": data["note"],
        }
