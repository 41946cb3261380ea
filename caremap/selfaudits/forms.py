import datetime

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from caremap.concurrency import Guarded
from caremap.forms import THE_DATE_ERRORS, DatePartsField, Form
from caremap.selfaudits import uploads
from caremap.selfaudits.models import Answer, Rating

DATE_HINT = _("For example, 31 3 2026")


def last_full_quarter(today):
    """The calendar quarter before the one `today` is in: the usual period
    for an audit, since it has just finished."""
    first_of_this = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_this - datetime.timedelta(days=1)
    start = datetime.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return start, end


def quarter_of(today):
    start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    following = datetime.date(
        start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1
    )
    return start, following - datetime.timedelta(days=1)


class StartForm(Guarded, Form):
    period_start = DatePartsField(
        label=_("Start of the period"),
        help_text=DATE_HINT,
        error_messages={
            "required": _("Enter the date the period starts"),
            **THE_DATE_ERRORS,
        },
    )
    period_end = DatePartsField(
        label=_("End of the period"),
        help_text=DATE_HINT,
        error_messages={
            "required": _("Enter the date the period ends"),
            **THE_DATE_ERRORS,
        },
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error(
                "period_end", _("The end of the period must be after its start")
            )
        return data


class AnswerForm(Guarded, Form):
    rating = forms.ChoiceField(
        label=_("Does the service do this?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        help_text=_(
            "What shows it, or what is missing: documents, feedback, observed "
            "practice. Commissioners read these notes, so do not name staff or "
            "people who use the service."
        ),
        required=False,
        max_length=Answer._meta.get_field("evidence").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _("Keep the evidence to %(limit_value)d characters or fewer")
        },
    )
    file = forms.FileField(
        label=_("Attach a file"),
        required=False,
        widget=forms.FileInput,
        error_messages={
            "invalid": _("Choose a file to attach"),
            "empty": _("The chosen file is empty"),
            "missing": _("Choose a file to attach"),
        },
    )
    all_optional = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "Optional. One file at a time, up to 10 MB: %(kinds)s. Only managers "
            "of this organisation can open it."
        ) % {"kinds": uploads.ACCEPTED_LIST}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            uploads.check(upload)
        return upload


class AreaDateForm(Form):
    on = DatePartsField(
        label=_("Show the latest completed audits ending on or before"),
        help_text=DATE_HINT,
        required=False,
        error_messages=THE_DATE_ERRORS,
    )
