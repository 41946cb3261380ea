"""Forms for keeping an area's directory."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from caremap.concurrency import Guarded
from caremap.directory.models import REVIEW_AFTER_DAYS_DEFAULT, Editor
from caremap.forms import DatePartsField, Form

REVIEW_AFTER_DAYS_MIN = 1
REVIEW_AFTER_DAYS_MAX = 730


class AppointEditorForm(Guarded, Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("They must already have a Caremap account."),
        max_length=254,
    )

    def __init__(self, *args, area, **kwargs):
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _("There is no Caremap account with the email address %(email)s"),
                code="no_such_user",
                params={"email": email},
            )
        if Editor.objects.filter(area=self.area, user=user).exists():
            raise forms.ValidationError(
                _("%(name)s is already an editor of this directory"),
                code="already_editor",
                params={"name": user.full_name or user.email},
            )
        self.user = user
        return email


class DirectorySettingsForm(Guarded, Form):
    public = forms.BooleanField(
        label=_("Open the directory and its HSDS API to everyone"),
        help_text=_(
            "Anyone may then search the directory without signing in, and the "
            "HSDS API answers without a token. Leave this off to keep both to "
            "staff in the area and holders of the area's API tokens."
        ),
        required=False,
    )
    review_after_days = forms.IntegerField(
        label=_("Days before an entry needs checking again"),
        validators=[
            MinValueValidator(REVIEW_AFTER_DAYS_MIN),
            MaxValueValidator(REVIEW_AFTER_DAYS_MAX),
        ],
        error_messages={
            "required": _("Enter the number of days before an entry needs checking"),
            "invalid": _("The number of days must be a whole number"),
            "min_value": _("The number of days must be %(limit_value)s or more"),
            "max_value": _("The number of days must be %(limit_value)s or fewer"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["review_after_days"]
        # Filled in here, not at import, so it is in the reader's language.
        field.help_text = gettext(
            "A whole number from %(min)s to %(max)s. About six months is %(default)s."
        ) % {
            "min": REVIEW_AFTER_DAYS_MIN,
            "max": REVIEW_AFTER_DAYS_MAX,
            "default": REVIEW_AFTER_DAYS_DEFAULT,
        }
        widget = field.widget
        widget.input_type = "text"
        widget.attrs.update({"inputmode": "numeric", "class": "govuk-input--width-4"})


class ApiTokenForm(Guarded, Form):
    name = forms.CharField(
        label=_("Who or what the token is for"),
        help_text=_(
            "For example, the name of the website or partner that will use it."
        ),
        max_length=200,
        error_messages={"required": _("Enter who or what the token is for")},
    )


class CommunityPeriodForm(Form):
    start = DatePartsField(
        label=_("Start date"),
        help_text=_(
            "For example, 1 12 2025. Left empty, the period starts on the first "
            "day of the month eleven months ago."
        ),
        required=False,
    )
    end = DatePartsField(
        label=_("End date"),
        help_text=_("For example, 30 11 2026. Left empty, the period ends today."),
        required=False,
    )

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)
        default_start, default_end = default_period(today)
        self.fields["start"].initial = default_start
        self.fields["end"].initial = default_end

    def clean(self):
        cleaned = super().clean()
        default_start, default_end = default_period(self.today)
        if "start" in cleaned and cleaned["start"] is None:
            cleaned["start"] = default_start
        if "end" in cleaned and cleaned["end"] is None:
            cleaned["end"] = default_end
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error(
                "end", _("End date must be the same as or after the start date")
            )
        return cleaned

    def period(self):
        """(start, end) of a valid form, or the default for an unbound one."""
        if not self.is_bound:
            return default_period(self.today)
        return self.cleaned_data["start"], self.cleaned_data["end"]


def default_period(today):
    """The last twelve calendar months, this one included: whole months
    compare fairly from one report to the next, where "365 days ago" would
    start mid-month."""
    month = today.month - 11
    year = today.year
    if month < 1:
        month += 12
        year -= 1
    return datetime.date(year, month, 1), today
