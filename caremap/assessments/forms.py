"""One page of an assessment as a form, built from the instrument's items."""

import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from caremap.concurrency import Guarded
from caremap.forms import DatePartsField, Form
from caremap.instruments.definition import AnswerError
from caremap.instruments.models import InstrumentVersion


class SectionForm(Guarded, Form):
    """A field per item in the section, named by the item's id."""

    def __init__(self, section, *args, answers=None, **kwargs):
        self.section = section
        super().__init__(*args, **kwargs)
        answers = answers or {}
        for item in section.items:
            field = _field_for(item)
            if item.id in answers:
                field.initial = _initial(item, answers[item.id])
            self.fields[item.id] = field

    def fingerprint_values(self, record):
        return [(item.id, record.answers.get(item.id)) for item in self.section.items]

    def clean(self):
        cleaned = super().clean()
        self.answers = {}
        for item in self.section.items:
            value = cleaned.get(item.id)
            if value in (None, "", []):
                continue
            if item.type == "date":
                value = value.isoformat()
            try:
                self.answers[item.id] = item.clean_answer(value)
            except AnswerError:
                self.add_error(item.id, _("Enter a valid answer"))
        return cleaned


def _field_for(item):
    label = str(item.text)
    help_text = str(item.hint) if item.hint else ""
    required = not item.optional
    if item.type == "yes_no":
        field = forms.ChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))],
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Select yes or no for ‘%(question)s’")
                % {"question": label}
            },
        )
        field.inline = True
    elif item.type == "scale":
        field = forms.ChoiceField(
            choices=[(str(p.value), str(p.label)) for p in item.points],
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Select an answer for ‘%(question)s’")
                % {"question": label}
            },
        )
    elif item.type == "number":
        if item.minimum is not None and item.maximum is not None:
            message = _(
                "Enter a whole number between %(minimum)s and %(maximum)s for "
                "‘%(question)s’"
            ) % {"minimum": item.minimum, "maximum": item.maximum, "question": label}
        else:
            message = _("Enter a whole number for ‘%(question)s’") % {"question": label}
        field = forms.IntegerField(
            min_value=item.minimum,
            max_value=item.maximum,
            widget=forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}
            ),
            error_messages={
                "required": message,
                "invalid": message,
                "min_value": message,
                "max_value": message,
            },
        )
        field.suffix = str(item.unit) if item.unit else ""
    elif item.type == "single_choice":
        field = forms.ChoiceField(
            choices=[(o.code, str(o.label)) for o in item.options],
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Select an answer for ‘%(question)s’")
                % {"question": label}
            },
        )
    elif item.type == "multiple_choice":
        field = forms.MultipleChoiceField(
            choices=[(o.code, str(o.label)) for o in item.options],
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": _("Select at least one answer for ‘%(question)s’")
                % {"question": label}
            },
        )
    elif item.type == "date":
        field = DatePartsField(label=label)
    else:
        field = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4}),
            max_length=item.max_length or 2000,
        )
    field.label = label
    field.help_text = help_text
    field.required = required
    return field


def _initial(item, answer):
    if item.type == "yes_no":
        return "yes" if answer else "no"
    if item.type == "scale":
        return str(answer)
    if item.type == "date":
        return datetime.date.fromisoformat(answer)
    return answer


class InstrumentChoiceForm(Guarded, Form):
    instrument = forms.ModelChoiceField(
        label=_("Which questionnaire?"),
        queryset=InstrumentVersion.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Select a questionnaire")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        field.queryset = InstrumentVersion.objects.current()
        field.label_from_instance = lambda version: version.instrument.title
        default = field.queryset.filter(key=settings.DEFAULT_INSTRUMENT).first()
        if default is not None:
            field.initial = default.pk
