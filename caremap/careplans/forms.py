"""The outline editor's forms: one small form per page, each carrying the
plan's revision so a change made elsewhere since the page opened is noticed.

The person usually reads these alongside their navigator, so labels speak
to them ("your goal") wherever that reads naturally.
"""

from django import forms
from django.core.validators import validate_slug
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.careplans.models import (
    WHO_FOR_PERSON,
    WHOSE_IDEA_FOR_PERSON,
    Action,
    Goal,
    Resource,
)
from caremap.forms import THE_DATE_ERRORS, DatePartsField, Form

DATE_HINT = _("For example, 27 3 2027")
DATE_ERRORS = THE_DATE_ERRORS
NOT_IN_THE_PAST = _("The date must be today or in the future")

GOAL_PROPOSED_BY = [
    (value, WHOSE_IDEA_FOR_PERSON[value]) for value in Goal.ProposedBy.values
]
STEP_WHO = [(value, WHO_FOR_PERSON[value]) for value in Action.Who.values]

# Choosing this instead of a strength from the profile.
OWN_WORDS = "own"


class PlanForm(Form):
    """Every editor form: the revision of the plan the page was made from."""

    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        # Within what either database stores, so a forged number is
        # refused as out of date rather than failing a query.
        max_value=2**31 - 1,
        error_messages={
            "required": _(
                "This page is out of date. Go back to the plan and try again."
            ),
            "invalid": _(
                "This page is out of date. Go back to the plan and try again."
            ),
            "max_value": _(
                "This page is out of date. Go back to the plan and try again."
            ),
        },
    )


def _not_before_today(day, *, allowed=None):
    """Dates must be today or later, except `allowed`: the date already
    stored, which an edit may keep even once it has passed."""
    if day and day < timezone.localdate() and day != allowed:
        raise forms.ValidationError(NOT_IN_THE_PAST)
    return day


class GoalForm(PlanForm):
    wording = forms.CharField(
        label=_("The goal, in your own words"),
        help_text=_("How you would say it, for example “Get back to work”."),
        max_length=Goal._meta.get_field("wording").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the goal in your own words")},
    )
    template = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=80,
        validators=[validate_slug],
    )
    domain = forms.ChoiceField(
        label=_("Life area"),
        help_text=_("The part of your life this goal is about, if it helps to say."),
        required=False,
        choices=(),
    )
    target_date = DatePartsField(
        label=_("Aiming for"),
        help_text=_(
            "A date you would like to get there by, if you have one. "
            "For example, 27 3 2027"
        ),
        required=False,
        error_messages=DATE_ERRORS,
    )
    proposed_by = forms.ChoiceField(
        label=_("Whose idea was this goal?"),
        choices=GOAL_PROPOSED_BY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whose idea the goal was")},
    )
    person_agreed = forms.BooleanField(
        label=_("I agree with this goal"),
        help_text=_("It is your plan: a goal is only saved once you agree with it."),
        error_messages={"required": _("Tick the box to say you agree with this goal")},
    )
    status = forms.ChoiceField(
        label=_("How is it going?"),
        choices=Goal.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the goal is going")},
    )

    def __init__(self, *args, domains, goal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal = goal
        self.fields["domain"].choices = [("", _("Not sure yet"))] + list(domains)
        if goal is None:
            del self.fields["status"]
        elif goal.domain and goal.domain not in dict(domains):
            # A life area no longer offered stays as it was, not lost.
            self.fields["domain"].choices.append((goal.domain, goal.domain))

    def clean_target_date(self):
        stored = self.goal.target_date if self.goal else None
        return _not_before_today(self.cleaned_data.get("target_date"), allowed=stored)

    def goal_fields(self):
        data = self.cleaned_data
        fields = {
            "wording": data["wording"],
            "domain": data["domain"],
            "target_date": data["target_date"],
            "proposed_by": data["proposed_by"],
            "person_agreed": data["person_agreed"],
        }
        if self.goal is None:
            fields["template"] = data["template"]
        else:
            fields["status"] = data["status"]
        return fields


def service_choices(listings, *, keep=None):
    """(service id, name) choices for the area's running listings, plus
    `keep`, a (service id, name) already chosen that is no longer listed."""
    choices = [(str(service_id), name) for service_id, name in listings]
    if keep and str(keep[0]) not in {value for value, _label in choices}:
        choices.append((str(keep[0]), keep[1]))
    return choices


class ActionForm(PlanForm):
    what = forms.CharField(
        label=_("What exactly will be done?"),
        help_text=_(
            "One small, clear step, for example “Phone the housing team and ask "
            "about the waiting list”."
        ),
        max_length=Action._meta.get_field("what").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the step is")},
    )
    who = forms.ChoiceField(
        label=_("Who will do it?"),
        choices=STEP_WHO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who will do it")},
    )
    who_else = forms.CharField(
        label=_("If someone else, who?"),
        help_text=_(
            "Their name or role, for example “my sister” or “housing officer”."
        ),
        required=False,
        max_length=200,
    )
    due_on = DatePartsField(
        label=_("By when?"),
        help_text=DATE_HINT,
        error_messages={
            "required": _("Enter the date it will be done by"),
            **DATE_ERRORS,
        },
    )
    how_we_know = forms.CharField(
        label=_("How will you know it is done?"),
        help_text=_("For example, “I have a date for a viewing”."),
        required=False,
        max_length=Action._meta.get_field("how_we_know").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    service = forms.ChoiceField(
        label=_("A community group or service that could help"),
        help_text=_("From the local directory, if one fits."),
        required=False,
        choices=(),
    )
    status = forms.ChoiceField(
        label=_("How is it going?"),
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the step is going")},
    )

    def __init__(self, *args, services, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["service"].choices = [("", _("None"))] + list(services)
        # Only asked about for "Someone else", so "(optional)" would mislead.
        self.fields["who_else"].hide_optional = True
        if step is None:
            del self.fields["status"]

    def clean_due_on(self):
        stored = self.step.due_on if self.step else None
        return _not_before_today(self.cleaned_data.get("due_on"), allowed=stored)

    def clean(self):
        data = super().clean()
        if data.get("who") == Action.Who.SOMEONE_ELSE:
            if not (data.get("who_else") or "").strip():
                self.add_error("who_else", _("Say who will do it"))
        elif "who_else" in data:
            # Only kept when it means something.
            data["who_else"] = ""
        return data

    def action_fields(self):
        data = self.cleaned_data
        fields = {
            "what": data["what"],
            "who": data["who"],
            "who_else": data["who_else"],
            "due_on": data["due_on"],
            "how_we_know": data["how_we_know"],
            "service_id": data["service"] or None,
        }
        if self.step is not None:
            fields["status"] = data["status"]
        return fields


class StrengthForm(PlanForm):
    pick = forms.ChoiceField(
        label=_("Something going well in your profile"),
        help_text=_("Choose one, or say it in your own words below, or both."),
        required=False,
        widget=forms.RadioSelect,
        choices=(),
    )
    wording = forms.CharField(
        label=_("In your own words"),
        help_text=_("For example, “My brother is always there for me”."),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, profile_strengths, **kwargs):
        super().__init__(*args, **kwargs)
        self.titles = dict(profile_strengths)
        if profile_strengths:
            self.fields["pick"].choices = list(profile_strengths) + [
                (OWN_WORDS, _("Something else"))
            ]
        else:
            del self.fields["pick"]
            self.fields["wording"].label = _("A strength, in your own words")

    def clean(self):
        data = super().clean()
        picked = data.get("pick") if data.get("pick") in self.titles else ""
        words = (data.get("wording") or "").strip()
        if not picked and not words and "wording" not in self.errors:
            self.add_error(
                "wording",
                _("Choose a strength from your profile or write one in your own words")
                if self.titles
                else _("Enter a strength, in your own words"),
            )
        data["domain"] = picked
        # The person's words win; the profile's title stands in for none.
        data["wording"] = words or str(self.titles.get(picked, ""))
        return data

    def strength_fields(self):
        return {
            "wording": self.cleaned_data["wording"],
            "domain": self.cleaned_data["domain"],
        }


class ResourceForm(PlanForm):
    service = forms.ChoiceField(
        label=_("A service from the local directory"),
        required=False,
        choices=(),
    )
    name = forms.CharField(
        label=_("Or something not in the directory"),
        help_text=_("For example, “the allotment at my friend’s” or a book or app."),
        required=False,
        max_length=300,
    )
    note = forms.CharField(
        label=_("How it helps"),
        required=False,
        max_length=Resource._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_names = dict(services)
        self.fields["service"].choices = [("", _("Choose a service"))] + list(services)

    def clean(self):
        data = super().clean()
        service = data.get("service")
        name = (data.get("name") or "").strip()
        if "name" in self.errors:
            return data
        if not service and not name:
            self.add_error(
                "service",
                _(
                    "Choose a service from the directory or type the name of something else"
                ),
            )
        elif service and name:
            self.add_error(
                "name",
                _("Choose a service from the directory or type a name, not both"),
            )
        return data

    def resource_fields(self):
        service = self.cleaned_data["service"]
        if service:
            return {
                "service_id": service,
                "name": self.service_names[service],
                "note": self.cleaned_data["note"],
            }
        return {
            "service_id": None,
            "name": self.cleaned_data["name"].strip(),
            "note": self.cleaned_data["note"],
        }


SOLUTION_LENGTH = 300


class BarrierForm(PlanForm):
    wording = forms.CharField(
        label=_("What could get in the way?"),
        help_text=_("For example, “I find it hard to get up in the morning”."),
        max_length=300,
        error_messages={"required": _("Say what could get in the way")},
    )
    solutions = forms.CharField(
        label=_("Ways round it"),
        help_text=_(
            "Put each idea on a line of its own. It helps to have at least one, "
            "but you can add them later."
        ),
        required=False,
        # Room for ten ideas of full length, one a line.
        max_length=10 * (SOLUTION_LENGTH + 1),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_solutions(self):
        lines = [line.strip() for line in self.cleaned_data["solutions"].splitlines()]
        lines = [line for line in lines if line]
        if any(len(line) > SOLUTION_LENGTH for line in lines):
            raise forms.ValidationError(
                _("Each way round it must be %(limit)s characters or fewer"),
                params={"limit": SOLUTION_LENGTH},
            )
        return lines


class RemoveForm(PlanForm):
    pass
