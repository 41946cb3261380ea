"""The review form, and the chooser for comparing two versions.

The review form grows a question for every goal still being worked on and
every open step, so its fields are made from the plan when it is built.
"""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from caremap.careplans.forms import DATE_ERRORS, DATE_HINT, PlanForm
from caremap.careplans.models import (
    GOAL_PROGRESS,
    PARTICIPANT_FOR_PERSON,
    STEP_PROGRESS,
    Action,
    Progress,
    Review,
    ReviewProgress,
)
from caremap.forms import DatePartsField, Form

NONE_YET = "none"
YES, NO = "yes", "no"

# A step's current status, as the answer the review form starts from.
STEP_ANSWER_FROM_STATUS = {
    Action.Status.TO_DO: Progress.NOT_STARTED,
    Action.Status.DOING: Progress.IN_PROGRESS,
}

PARTICIPANTS = [
    (value, PARTICIPANT_FOR_PERSON[value]) for value in Review.Participant.values
]


def goal_field(goal):
    return f"goal_{goal.pk}"


def goal_note_field(goal):
    return f"goal_{goal.pk}_note"


def step_field(step):
    return f"step_{step.pk}"


def _assessment_label(assessment):
    return _("%(date)s: %(instrument)s") % {
        "date": formats.date_format(
            timezone.localtime(assessment.submitted_at), "j F Y"
        ),
        "instrument": assessment.instrument.title,
    }


class ReviewForm(PlanForm):
    held_on = DatePartsField(
        label=_("When was the review?"),
        help_text=DATE_HINT,
        error_messages={
            "required": _("Enter the date of the review"),
            **DATE_ERRORS,
        },
    )
    requested = forms.ChoiceField(
        label=_("Did you ask for this review?"),
        help_text=_("Choose no if it was the regular review."),
        choices=[(NO, _("No, it was the regular review")), (YES, _("Yes"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you asked for this review")},
    )
    participants = forms.MultipleChoiceField(
        label=_("Who took part?"),
        help_text=_("Choose everyone who was there."),
        choices=PARTICIPANTS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose who took part in the review")},
    )
    who_else = forms.CharField(
        label=_("If someone else, who?"),
        help_text=_("A name or role, for example “my support worker”."),
        required=False,
        max_length=200,
    )
    what_changed = forms.CharField(
        label=_("What has changed since the last review, and why?"),
        help_text=_(
            "In your own words: what is different in your life or in the plan."
        ),
        required=False,
        max_length=Review._meta.get_field("what_changed").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    assessment = forms.ChoiceField(
        label=_("The assessment taken for this review"),
        help_text=_("Completed in the last 60 days."),
        widget=forms.RadioSelect,
        choices=(),
        error_messages={"required": _("Choose the assessment, or none yet")},
    )

    def __init__(self, *args, goals, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        # Only asked about for "Someone else", so "(optional)" would mislead.
        self.fields["who_else"].hide_optional = True
        self.assessments = {str(a.pk): a for a in assessments}
        self.fields["assessment"].choices = [
            (key, _assessment_label(a)) for key, a in self.assessments.items()
        ] + [(NONE_YET, _("None yet"))]
        self.goals = goals
        self.goal_progress = [(p.value, p.label) for p in GOAL_PROGRESS]
        step_progress = [(p.value, p.label) for p in STEP_PROGRESS]
        self.items = []
        for goal in goals:
            self.fields[goal_field(goal)] = forms.ChoiceField(
                label=_("How is this goal going?"),
                choices=self.goal_progress,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Say how “%(goal)s” is going")
                    % {"goal": goal.wording[:80]}
                },
            )
            self.fields[goal_note_field(goal)] = forms.CharField(
                label=_("Anything to add about this goal?"),
                required=False,
                max_length=ReviewProgress._meta.get_field("note").max_length,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.items.append((goal, goal_field(goal)))
            for step in goal.open_steps:
                name = step_field(step)
                self.fields[name] = forms.ChoiceField(
                    label=_("Step: %(step)s") % {"step": step.what},
                    choices=step_progress,
                    widget=forms.RadioSelect,
                    initial=STEP_ANSWER_FROM_STATUS.get(step.status),
                    error_messages={
                        "required": _("Say how the step “%(step)s” is going")
                        % {"step": step.what[:80]}
                    },
                )
                self.fields[name].inline = True
                self.items.append((step, name))

    def goal_questions(self):
        """(goal, its progress field, its note field, its steps' fields)
        for the template, which lays each goal out as a card."""
        return [
            (
                goal,
                self[goal_field(goal)],
                self[goal_note_field(goal)],
                [self[step_field(step)] for step in goal.open_steps],
            )
            for goal in self.goals
        ]

    def clean_held_on(self):
        day = self.cleaned_data.get("held_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(
                _("The date of the review must be today or in the past")
            )
        return day

    def clean(self):
        data = super().clean()
        if Review.Participant.SOMEONE_ELSE in data.get("participants", []):
            if not (data.get("who_else") or "").strip():
                self.add_error("who_else", _("Say who else took part"))
        else:
            data["who_else"] = ""
        return data

    def review_fields(self):
        data = self.cleaned_data
        notes = {goal_field(goal): goal_note_field(goal) for goal in self.goals}
        return {
            "held_on": data["held_on"],
            "requested_by_person": data["requested"] == YES,
            "participants": data["participants"],
            "who_else": data["who_else"].strip(),
            "what_changed": data["what_changed"].strip(),
            "assessment": self.assessments.get(data["assessment"]),
            "progress": [
                (item, data[name], data.get(notes.get(name, ""), "").strip())
                for item, name in self.items
            ],
        }


class CompareForm(Form):
    """Two versions to compare: GET, so the comparison has an address that
    can be shared or bookmarked."""

    from_ = forms.TypedChoiceField(label=_("From"), coerce=int, choices=())
    to = forms.TypedChoiceField(label=_("To"), coerce=int, choices=())

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the field is renamed for the URL.
        self.fields["from"] = self.fields.pop("from_")
        self.fields["to"] = self.fields.pop("to")
        choices = [(n, _("Version %(number)s") % {"number": n}) for n in numbers]
        error = _("Choose a version of this plan")
        for name in ("from", "to"):
            self.fields[name].choices = choices
            self.fields[name].error_messages.update(
                {"required": error, "invalid_choice": error}
            )
