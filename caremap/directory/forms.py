"""Forms for keeping an area's directory: one page per service, with the
HSDS fields a directory keeper needs and Caremap's own facts beside them."""

import re

from django import forms
from django.conf.locale import LANG_INFO
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from caremap.concurrency import Guarded
from caremap.directory.models import Accessibility, Listing, Relationship, Service
from caremap.forms import DatePartsField, Form
from caremap.people.models import Person

# HSDS 3.0 service status values. The value is what HSDS stores; only the
# label is translated.
STATUS_CHOICES = [
    ("active", _("Active")),
    ("inactive", _("Inactive")),
    ("defunct", _("Defunct: it has closed for good")),
    ("temporarily closed", _("Temporarily closed")),
]

DAY_CHOICES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]
DAY_CODES = [code for code, _label in DAY_CHOICES]

WEEKLY, FORTNIGHTLY, MONTHLY = "weekly", "fortnightly", "monthly"
HOW_OFTEN_CHOICES = [
    (WEEKLY, _("Every week")),
    (FORTNIGHTLY, _("Every other week")),
    (MONTHLY, _("Once a month")),
]

WEEK_CHOICES = [
    ("1", _("First")),
    ("2", _("Second")),
    ("3", _("Third")),
    ("4", _("Fourth")),
    ("-1", _("Last")),
]

FREE, CHARGE = "free", "charge"
COST_CHOICES = [(FREE, _("Free")), (CHARGE, _("There is a charge"))]

# Offered as checkboxes because almost every service in Wales needs them;
# any other language is typed as a code.
COMMON_LANGUAGES = [("en", _("English")), ("cy", _("Welsh"))]

TIME_FORMATS = ["%H:%M", "%H.%M"]
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


def language_name(code):
    """The English name HSDS stores for an ISO 639-1 code, or None when
    Django does not know the language."""
    info = LANG_INFO.get(code)
    return info["name"] if info and "name" in info else None


def schedule_initial(schedule):
    """A schedule as the form's fields, or None when it uses rules the form
    cannot show (daily, by date of the month, several weeks of the month),
    so the page can leave it as it is rather than lose part of it."""
    freq = (schedule.freq or "").upper()
    interval = int(schedule.interval or 1)
    parts = [p.strip().upper() for p in (schedule.byday or "").split(",") if p.strip()]
    if not parts or schedule.bymonthday or schedule.byweekno or schedule.byyearday:
        return None
    opens, closes = _hh_mm(schedule.opens_at), _hh_mm(schedule.closes_at)
    if opens is None or closes is None:
        return None
    initial = {
        "schedule_id": schedule.id,
        "opens_at": opens,
        "closes_at": closes,
        "note": schedule.notes or "",
    }
    if freq == "WEEKLY" and interval in (1, 2) and set(parts) <= set(DAY_CODES):
        initial["how_often"] = WEEKLY if interval == 1 else FORTNIGHTLY
        initial["days"] = [d for d in DAY_CODES if d in parts]
        return initial
    if freq == "MONTHLY" and interval == 1:
        weeks = {p[:-2] for p in parts}
        days = [p[-2:] for p in parts]
        if len(weeks) != 1 or not set(days) <= set(DAY_CODES):
            return None
        (week,) = weeks
        if week not in dict(WEEK_CHOICES):
            return None
        initial.update(
            how_often=MONTHLY, week=week, days=[d for d in DAY_CODES if d in days]
        )
        return initial
    return None


def _hh_mm(value):
    # HSDS times may carry seconds or a UTC offset ("19:00:00+01:00"); the
    # form shows hours and minutes, which is all a weekly meeting needs.
    match = re.match(r"^(\d{1,2}):(\d{2})", value or "")
    return f"{int(match[1]):02d}:{match[2]}" if match else None


def _format(text, **values):
    return str(text) % values


lazy_format = lazy(_format, str)


def _coordinate_field(label, limit, example):
    """A latitude (limit 90) or longitude (limit 180) box. Its texts are
    formatted when shown, so they come out in the reader's language."""

    def between(text):
        return lazy_format(text, name=label, low=-limit, high=limit, example=example)

    out_of_range = between(_("%(name)s must be between %(low)s and %(high)s"))
    return forms.FloatField(
        label=label,
        required=False,
        validators=[MinValueValidator(-limit), MaxValueValidator(limit)],
        help_text=between(
            _(
                "From a map or open postcode data; between %(low)s and %(high)s, "
                "for example %(example)s"
            )
        ),
        error_messages={
            "invalid": between(_("Enter a number, for example %(example)s")),
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}
        ),
    )


class ServiceForm(Guarded, Form):
    fingerprint_labels = {"schedules": _("When it runs")}

    """Everything on the edit page except the opening times, which are a
    formset of `ScheduleForm`."""

    area = forms.ChoiceField(label=_("Area"), choices=())

    # The service.
    name = forms.CharField(label=_("Name of the service"), max_length=300)
    description = forms.CharField(
        label=_("What it offers"),
        required=False,
        max_length=Service._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Say who it is for and what happens there, in plain words."),
    )
    organisation = forms.ChoiceField(
        label=_("Organisation that runs it"),
        required=False,
        choices=(),
        help_text=_("Choose one already in the directory, or type a new one below."),
    )
    new_organisation = forms.CharField(
        label=_("Or the name of an organisation not yet listed"),
        required=False,
        max_length=300,
    )
    url = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        max_length=Service._meta.get_field("url").max_length,
        help_text=_("For example, https://example.org"),
        error_messages={"invalid": _("Enter a web address like https://example.org")},
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        error_messages={
            "invalid": _("Enter an email address like name@example.org"),
        },
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=STATUS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the service is running")},
    )
    eligibility = forms.CharField(
        label=_("Who can use it"),
        required=False,
        max_length=Service._meta.get_field("eligibility_description").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example, adults affected by someone else’s drinking."),
    )
    alert = forms.CharField(
        label=_("Short notice"),
        required=False,
        max_length=250,
        help_text=_(
            "Shown at the top of the entry, for example a change of venue "
            "or a closure over the holidays."
        ),
    )

    # Where.
    venue = forms.CharField(label=_("Venue name"), required=False, max_length=300)
    address = forms.CharField(label=_("Address line"), required=False, max_length=300)
    town = forms.CharField(label=_("Town or city"), required=False, max_length=200)
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    latitude = _coordinate_field(_("Latitude"), 90, "51.7012")
    longitude = _coordinate_field(_("Longitude"), 180, "-3.4015")
    accessibility = forms.CharField(
        label=_("Getting in and around"),
        required=False,
        max_length=Accessibility._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example, step-free entrance, hearing loop, accessible toilet."
        ),
    )

    # Cost.
    cost = forms.ChoiceField(
        label=_("Does it cost anything?"),
        required=False,
        choices=COST_CHOICES,
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=_("Charge in pounds"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=_("Only if there is a charge. For example, 3.50"),
        error_messages={
            "invalid": _("Enter the charge as an amount, for example 3.50"),
            "min_value": _("The charge cannot be less than 0"),
            "max_decimal_places": _("Enter the charge in pounds and pence"),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}
        ),
    )
    cost_note = forms.CharField(
        label=_("About the cost"),
        required=False,
        max_length=300,
        help_text=_(
            "For example, a collection for tea and coffee, or free for carers."
        ),
    )

    # Languages.
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        choices=COMMON_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    other_languages = forms.CharField(
        label=_("Other languages"),
        required=False,
        max_length=200,
        help_text=_(
            "Two-letter ISO 639-1 codes separated by commas, for example pl, ar"
        ),
    )

    # Caremap's facts.
    kind = forms.ChoiceField(label=_("Kind of service"), choices=Listing.Kind.choices)
    peer_led = forms.BooleanField(
        label=_("Run by people with lived experience of recovery"), required=False
    )
    independent = forms.BooleanField(
        label=_("Independent of treatment services"), required=False
    )
    started_on = DatePartsField(
        label=_("Date it started"),
        required=False,
        help_text=_("For example, 27 3 2007. Leave blank if you do not know."),
    )
    ended_on = DatePartsField(
        label=_("Date it ended"),
        required=False,
        help_text=_("Only if it has stopped running."),
    )
    domains = forms.MultipleChoiceField(
        label=_("Recovery-capital areas it helps with"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    needs = forms.MultipleChoiceField(
        label=_("Unmet needs it helps with"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    pathways = forms.MultipleChoiceField(
        label=_("Recovery pathways it suits"),
        required=False,
        choices=Person.Pathway.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    works_with = forms.MultipleChoiceField(
        label=_("Our organisation works with this service"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Your navigators see these services first when they look for help."
        ),
    )
    relationship_note = forms.CharField(
        label=_("About how you work together"),
        required=False,
        max_length=Relationship._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args,
        areas,
        organisations,
        instrument=None,
        managed_organisations=(),
        **kwargs,
    ):
        """`areas`: the areas this form may list the service in (one when
        editing). `organisations`: (HSDS organisation, area ids it has listed
        services in) pairs. `managed_organisations`: the user's own
        organisations in the area, for the relationship question."""
        super().__init__(*args, **kwargs)
        self.areas = {str(area.pk): area for area in areas}
        if len(self.areas) > 1:
            self.fields["area"].choices = [("", _("Choose an area"))] + [
                (key, area.name) for key, area in self.areas.items()
            ]
            self.fields["area"].error_messages["required"] = _(
                "Choose the area whose directory lists it"
            )
        else:
            del self.fields["area"]
        self.organisation_areas = {org.pk: area_ids for org, area_ids in organisations}
        self.fields["organisation"].choices = [("", _("Choose an organisation"))] + [
            (org.pk, org.name) for org, _area_ids in organisations
        ]
        self.fields["name"].error_messages["required"] = _(
            "Enter the name of the service"
        )
        if instrument is not None:
            self.fields["domains"].choices = [
                (d.id, str(d.title)) for d in instrument.domains if d.strength
            ]
            self.fields["needs"].choices = [
                (n.id, str(n.title)) for n in instrument.needs
            ]
        for name in ("domains", "needs"):
            if not self.fields[name].choices:
                del self.fields[name]
        if managed_organisations:
            self.fields["works_with"].choices = [
                (str(org.pk), org.name) for org in managed_organisations
            ]
        else:
            del self.fields["works_with"]
            del self.fields["relationship_note"]

    @property
    def chosen_area(self):
        if len(self.areas) == 1:
            return next(iter(self.areas.values()))
        return self.areas.get(self.cleaned_data.get("area") or "")

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_other_languages(self):
        raw = self.cleaned_data["other_languages"]
        codes = [c.strip().lower() for c in raw.split(",") if c.strip()]
        bad = [c for c in codes if not LANGUAGE_CODE.match(c)]
        if bad:
            raise forms.ValidationError(
                _(
                    "Enter languages as two-letter codes separated by commas, "
                    "for example pl, ar"
                )
            )
        return codes

    def clean(self):
        data = super().clean()
        if "latitude" in data and "longitude" in data:
            lat, lon = data["latitude"], data["longitude"]
            if lat is not None and lon is None:
                self.add_error(
                    "longitude", _("Enter the longitude too, or remove the latitude")
                )
            elif lon is not None and lat is None:
                self.add_error(
                    "latitude", _("Enter the latitude too, or remove the longitude")
                )
        address_parts = {
            "address": _("Enter the address line, or leave the whole address blank"),
            "town": _("Enter the town or city, or leave the whole address blank"),
            "postcode": _("Enter the postcode, or leave the whole address blank"),
        }
        if any(data.get(name) for name in address_parts):
            for name, message in address_parts.items():
                if name in data and not data[name]:
                    self.add_error(name, message)
        organisation = data.get("organisation")
        new_organisation = (data.get("new_organisation") or "").strip()
        if organisation and new_organisation:
            self.add_error(
                "new_organisation",
                _("Choose an organisation from the list or type a new one, not both"),
            )
        elif not organisation and not new_organisation:
            self.add_error(
                "organisation",
                _(
                    "Choose the organisation that runs it, or type the name of a new one"
                ),
            )
        elif (
            organisation
            and "area" in self.fields
            and self.chosen_area is not None
            and self.chosen_area.pk not in self.organisation_areas.get(organisation, ())
        ):
            self.add_error(
                "organisation",
                _("Choose an organisation listed in the area you chose"),
            )
        if (
            data.get("cost") == CHARGE
            and data.get("amount") in (None, "")
            and "amount" not in self.errors
        ):
            self.add_error("amount", _("Enter the charge, for example 3.50"))
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error(
                "ended_on",
                _("The date it ended must be the same as or after the date it started"),
            )
        return data


class ScheduleForm(Form):
    """One regular opening time. A blank extra row is ignored."""

    schedule_id = forms.CharField(
        required=False, max_length=250, widget=forms.HiddenInput
    )
    how_often = forms.ChoiceField(
        label=_("How often"),
        choices=HOW_OFTEN_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often it happens")},
    )
    days = forms.MultipleChoiceField(
        label=_("Day"),
        choices=DAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more days."),
        error_messages={"required": _("Choose at least one day")},
    )
    week = forms.ChoiceField(
        label=_("Which week of the month"),
        required=False,
        choices=WEEK_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("Only for once a month."),
    )
    opens_at = forms.TimeField(
        label=_("Opens"),
        input_formats=TIME_FORMATS,
        help_text=_("24-hour clock, for example 19:30"),
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "required": _("Enter the time it opens"),
            "invalid": _("Enter the time it opens like 19:30"),
        },
    )
    closes_at = forms.TimeField(
        label=_("Closes"),
        input_formats=TIME_FORMATS,
        help_text=_("24-hour clock, for example 21:00"),
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "required": _("Enter the time it closes"),
            "invalid": _("Enter the time it closes like 21:00"),
        },
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        help_text=_("For example, not on bank holidays."),
    )

    def clean(self):
        data = super().clean()
        if data.get("how_often") == MONTHLY and not data.get("week"):
            self.add_error("week", _("Choose which week of the month"))
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must be after it opens"))
        return data

    def hsds(self):
        """The row's HSDS schedule fields: freq, interval, byday and times."""
        data = self.cleaned_data
        how_often = data["how_often"]
        days = [d for d in DAY_CODES if d in data["days"]]
        if how_often == MONTHLY:
            freq, interval = "MONTHLY", 1
            byday = ",".join(f"{data['week']}{d}" for d in days)
        else:
            freq, interval = "WEEKLY", 2 if how_often == FORTNIGHTLY else 1
            byday = ",".join(days)
        return {
            "id": data.get("schedule_id") or None,
            "freq": freq,
            "interval": interval,
            "byday": byday,
            "opens_at": data["opens_at"].strftime("%H:%M"),
            "closes_at": data["closes_at"].strftime("%H:%M"),
            "note": data.get("note") or None,
        }


class BaseScheduleFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this time")

    def schedules(self):
        """Kept and new rows as HSDS fields, and the ids of removed rows."""
        kept, removed = [], []
        for form in self.forms:
            if self._should_delete_form(form):
                if form.cleaned_data.get("schedule_id"):
                    removed.append(form.cleaned_data["schedule_id"])
            elif form.cleaned_data and (
                form.has_changed() or form.cleaned_data.get("schedule_id")
            ):
                kept.append(form.hsds())
        return kept, removed


ScheduleFormSet = forms.formset_factory(
    ScheduleForm,
    formset=BaseScheduleFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
)
