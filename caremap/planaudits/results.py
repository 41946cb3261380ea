"""What a sample audit found: per navigator (as at sampling), the share of
plans the manager answered yes to on each question, and where the manager's
judgement and the automatic indicator disagreed. Aggregates, two queries."""

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from caremap.planaudits.indicators import INDICATORS, LABELS
from caremap.planaudits.models import Applies

YES_NO_QUESTIONS = (*INDICATORS, "hopeful")
QUESTION_LABELS = {
    **LABELS,
    "follows_assessment": _("Follows from the latest assessment"),
    "hopeful": _("Hopeful and strengths-based wording"),
}
QUESTIONS = (*INDICATORS, "follows_assessment", "hopeful")


def _counts():
    judged = Q(reviewed_at__isnull=False)
    counts = {"judged": Count("pk", filter=judged)}
    for name in YES_NO_QUESTIONS:
        counts[f"{name}_yes"] = Count("pk", filter=judged & Q(**{name: True}))
        counts[f"{name}_asked"] = counts["judged"]
    counts["follows_assessment_yes"] = Count(
        "pk", filter=judged & Q(follows_assessment=Applies.YES)
    )
    # "Not applicable" (no assessment yet) is left out of the share.
    counts["follows_assessment_asked"] = Count(
        "pk",
        filter=judged & Q(follows_assessment__in=[Applies.YES, Applies.NO]),
    )
    for name in INDICATORS:
        counts[f"{name}_missed"] = Count(
            "pk", filter=judged & Q(**{f"automatic__{name}": True, name: False})
        )
        counts[f"{name}_harsh"] = Count(
            "pk", filter=judged & Q(**{f"automatic__{name}": False, name: True})
        )
    return counts


def _share(yes, asked):
    return round(100 * yes / asked) if asked else None


class Tally:
    def __init__(self, name, values):
        self.name = name
        self.judged = values["judged"]
        self.answers = [
            (
                question,
                QUESTION_LABELS[question],
                values[f"{question}_yes"],
                values[f"{question}_asked"],
                _share(values[f"{question}_yes"], values[f"{question}_asked"]),
            )
            for question in QUESTIONS
        ]
        # The check said met but the manager said no; and the other way.
        self.disagreements = [
            (
                name_,
                QUESTION_LABELS[name_],
                values[f"{name_}_missed"],
                values[f"{name_}_harsh"],
            )
            for name_ in INDICATORS
        ]


def tallies(audit):
    """(a Tally per navigator at sampling, a Tally for the whole sample)."""
    counts = _counts()
    items = audit.items.all()
    rows = [
        Tally(values["navigator__full_name"] or _("No navigator"), values)
        for values in items.values("navigator", "navigator__full_name")
        .annotate(**counts)
        .order_by(F("navigator__full_name").asc(nulls_last=True), "navigator")
    ]
    return rows, Tally(_("Whole sample"), items.aggregate(**counts))
