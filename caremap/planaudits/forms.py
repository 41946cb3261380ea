from django import forms
from django.utils.translation import gettext_lazy as _

from caremap.concurrency import Guarded
from caremap.forms import Form, ModelForm
from caremap.planaudits.indicators import INDICATORS
from caremap.planaudits.models import DEFAULT_SAMPLE_SIZE, Applies, PlanAuditItem

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class DrawForm(Guarded, Form):
    size = forms.IntegerField(
        label=_("How many plans should the sample have?"),
        initial=DEFAULT_SAMPLE_SIZE,
        min_value=1,
        # Far beyond any real sample; the form also checks how many plans
        # there are to draw from.
        max_value=1000,
        error_messages={
            "required": _("Enter how many plans the sample should have"),
            "invalid": _("Enter a whole number, like 10"),
            "min_value": _("The sample must have at least 1 plan"),
            "max_value": _("The sample can have at most 1,000 plans"),
        },
    )

    def __init__(self, *args, available, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["size"].help_text = _(
            "Plans are chosen at random from the %(count)s active plans."
        ) % {"count": available}
        self.fields["size"].widget.attrs.update(
            {"class": "govuk-input--width-4", "inputmode": "numeric"}
        )
        self.available = available

    def clean_size(self):
        size = self.cleaned_data["size"]
        if size > self.available:
            raise forms.ValidationError(
                _(
                    "The sample can have at most %(count)s plans: that is how "
                    "many active plans there are"
                )
                % {"count": self.available}
            )
        return size


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class JudgementForm(Guarded, ModelForm):
    """The manager's answers. Yes/no questions are radios, each hinted with
    what the automatic check found when the sample was drawn."""

    note = forms.CharField(
        label=_("Note"),
        help_text=_("What you would say to the navigator about this plan."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Keep the note to 2,000 characters or fewer")},
    )

    class Meta:
        model = PlanAuditItem
        fields = [*INDICATORS, "follows_assessment", "hopeful", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        automatic = self.instance.automatic
        for name in (*INDICATORS, "hopeful"):
            model_field = PlanAuditItem._meta.get_field(name)
            field = forms.TypedChoiceField(
                label=model_field.verbose_name,
                choices=YES_NO,
                coerce=_yes_no,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer yes or no")},
            )
            field.inline = True
            if name in automatic:
                field.help_text = (
                    _("The automatic check found this met.")
                    if automatic[name]
                    else _("The automatic check found this not met.")
                )
            self.fields[name] = field
            # The model's True/False shown as the radios' values.
            current = getattr(self.instance, name)
            if current is None:
                self.initial.pop(name, None)
            else:
                self.initial[name] = "yes" if current else "no"
        follows = self.fields["follows_assessment"]
        follows.widget = forms.RadioSelect()
        follows.choices = Applies.choices
        follows.required = True
        follows.error_messages["required"] = _("Answer yes, no or not applicable")
        follows.help_text = _(
            "Not applicable when the person has no completed assessment."
        )

    def answers(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
