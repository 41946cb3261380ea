from django import forms
from django.utils.translation import gettext_lazy as _

from caremap.concurrency import Guarded
from caremap.episodes.models import Episode
from caremap.forms import THE_DATE_ERRORS, DatePartsField, ModelForm

DATE_HINT = _("For example, 27 3 2026")
DATE_ERRORS = THE_DATE_ERRORS

# What each exit means, in Caremap's words (the national data set has the
# authoritative wording; these say when to choose each).
EXIT_HINTS = {
    Episode.ExitReason.COMPLETED_FREE: _(
        "Structured support is no longer needed, and the person is not using "
        "heroin or other opioids, crack or any other illicit drug (for the "
        "alcohol group: no longer dependent on alcohol)."
    ),
    Episode.ExitReason.COMPLETED_OCCASIONAL: _(
        "Structured support is no longer needed and the person is no longer "
        "dependent, but may still use a drug now and then: never opioids or "
        "crack."
    ),
    Episode.ExitReason.TRANSFERRED: _(
        "Moving to another service in the community. A start there within 21 "
        "days counts as the same journey."
    ),
    Episode.ExitReason.TRANSFERRED_CUSTODY: _(
        "Support continues in prison or another secure setting."
    ),
    Episode.ExitReason.DROPPED_OUT: _(
        "Contact stopped without a planned ending, and attempts to re-engage "
        "have not worked."
    ),
    Episode.ExitReason.WITHDRAWN: _(
        "The service ended support, for example for safety reasons."
    ),
    Episode.ExitReason.DECLINED: _(
        "Referred and offered support, but the person chose not to start. Only "
        "for an episode with no first intervention."
    ),
    Episode.ExitReason.DIED: _("The person died while in support."),
    Episode.ExitReason.OTHER: _("None of the above fits."),
}


class EpisodeForm(Guarded, ModelForm):
    """A referral and, as they happen, its triage and first intervention."""

    referred_on = DatePartsField(
        label=_("Referral date"),
        help_text=DATE_HINT,
        error_messages={"required": _("Enter the referral date"), **DATE_ERRORS},
    )
    triaged_on = DatePartsField(
        label=_("Assessment (triage) date"),
        help_text=_("If the first assessment has happened. For example, 27 3 2026"),
        required=False,
        error_messages=DATE_ERRORS,
    )
    started_on = DatePartsField(
        label=_("Date of first intervention"),
        help_text=_(
            "The day structured support began. Leave it empty while the person "
            "is waiting. For example, 27 3 2026"
        ),
        required=False,
        error_messages=DATE_ERRORS,
    )

    class Meta:
        model = Episode
        fields = [
            "referred_on",
            "referral_source",
            "triaged_on",
            "started_on",
            "substance_group",
            "on_substitution_medication",
        ]
        labels = {
            "referral_source": _("Who referred the person?"),
            "substance_group": _("Substance group"),
            "on_substitution_medication": _("Receiving opioid substitution medication"),
        }
        help_texts = {
            "substance_group": _(
                "The group the national statistics report this episode in: the "
                "main substance the person came for help with."
            ),
        }
        widgets = {
            "referral_source": forms.RadioSelect,
            "substance_group": forms.RadioSelect,
        }
        error_messages = {
            "referral_source": {"required": _("Choose who referred the person")},
            "substance_group": {"required": _("Choose the substance group")},
        }


class ExitForm(Guarded, ModelForm):
    """The end of an episode: its date, the reason, and (for the opiate rule)
    whether substitution medication was still being received."""

    ended_on = DatePartsField(
        label=_("Exit date"),
        help_text=DATE_HINT,
        error_messages={"required": _("Enter the exit date"), **DATE_ERRORS},
    )

    class Meta:
        model = Episode
        fields = ["ended_on", "exit_reason", "on_substitution_medication"]
        labels = {
            "exit_reason": _("Reason for the exit"),
            "on_substitution_medication": _(
                "Still receiving opioid substitution medication at exit"
            ),
        }
        widgets = {"exit_reason": forms.RadioSelect}
        error_messages = {
            "exit_reason": {"required": _("Choose the reason for the exit")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exit_reason"].required = True
        self.fields["exit_reason"].choices = Episode.ExitReason.choices
        self.fields["exit_reason"].hints = EXIT_HINTS
