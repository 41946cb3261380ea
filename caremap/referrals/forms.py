from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.concurrency import Guarded
from caremap.forms import DatePartsField, Form, ModelForm
from caremap.referrals.models import Rating, Referral, ReferralUpdate


class SearchForm(Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["q"].label = label


class ReferralForm(Guarded, ModelForm):
    shared = forms.MultipleChoiceField(
        label=_("What did you share with the service?"),
        help_text=_(
            "Select all that apply. A referral always shares something; when "
            "signposting you may share nothing."
        ),
        required=False,
        choices=Referral.Shared.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # Needed for a referral but not for signposting, so "(optional)" would
    # mislead; the hint says when it is needed.
    shared.hide_optional = True
    # Not required here: the model's own check gives the message, so the
    # rule lives in one place whether a form or an action saves it.
    person_agreed = forms.BooleanField(
        label=_("The person agreed to this, and to what is being shared"),
        required=False,
    )

    class Meta:
        model = Referral
        fields = [
            "kind",
            "reason",
            "shared",
            "shared_note",
            "person_agreed",
            "consent_method",
        ]
        labels = {
            "kind": _("Are you referring or signposting?"),
            "reason": _("Reason"),
            "shared_note": _("Anything more about what was shared"),
            "consent_method": _("How did they agree?"),
        }
        help_texts = {
            "reason": _("In a few words, what the service can help with."),
            "shared_note": _("Needed if you selected ‘Other’."),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "shared_note": forms.Textarea(attrs={"rows": 3}),
            "consent_method": forms.RadioSelect,
        }
        error_messages = {
            "kind": {"required": _("Select whether you are referring or signposting")},
            "reason": {"required": _("Enter the reason")},
            "consent_method": {"required": _("Select how the person agreed")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radios need no blank "---------" option; nothing checked means unanswered.
        self.fields["kind"].choices = list(Referral.Kind.choices)
        self.fields["consent_method"].choices = list(Referral.Consent.choices)


class StatusUpdateForm(Guarded, Form):
    fingerprint_fields = ["status"]

    to_status = forms.ChoiceField(
        label=_("What has happened?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select what has happened"),
            "invalid_choice": _(
                "That is not possible from the referral's current status. Select one of the options."
            ),
        },
    )
    on = DatePartsField(
        label=_("When did it happen?"), help_text=_("For example, 27 3 2026")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=ReferralUpdate._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, referral, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, record=referral, **kwargs)
        self.referral = referral
        labels = dict(Referral.Status.choices)
        self.fields["to_status"].choices = [
            (status, labels[status]) for status in referral.next_statuses
        ]

    def clean_on(self):
        day = self.cleaned_data["on"]
        self.referral.check_update_date(day)
        return day


class RatingForm(Guarded, ModelForm):
    given_by_person = forms.TypedChoiceField(
        label=_("Who gave this rating?"),
        choices=[
            ("True", _("The person, in their own words")),
            ("False", _("I did, on their behalf")),
        ],
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who gave this rating")},
    )

    class Meta:
        model = Rating
        fields = ["score", "comment", "given_by_person"]
        labels = {
            "score": _("How useful was the service?"),
            "comment": _("Comment"),
        }
        help_texts = {
            "comment": _("Only shown on this referral, never in the directory."),
        }
        widgets = {
            "score": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "score": {"required": _("Select how useful the service was")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's choices include a blank option a radio group does not need.
        self.fields["score"].choices = list(Rating.Score.choices)
