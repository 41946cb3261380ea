"""The outcome measures, each a documented function over a period, a scope
(an organisation or a whole area) and a substance group, computed in the
database. The definitions are written out in docs/measures.md, which a test
keeps in step with `MEASURES` below.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import DateField, Exists, ExpressionWrapper, F, OuterRef, Q

from caremap.episodes.models import REPRESENTATION_DAYS, Episode
from caremap.reports.stats import Rate

# The share of starts that began within this many days of the referral.
WAIT_DAYS = 21


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")


@dataclass(frozen=True)
class Scope:
    """Whose episodes: one organisation's, or every organisation's in an
    area."""

    organisation_id: int | None = None
    area_id: int | None = None

    def episodes(self):
        if self.organisation_id is not None:
            return Episode.objects.filter(organisation_id=self.organisation_id)
        if self.area_id is not None:
            return Episode.objects.filter(organisation__area_id=self.area_id)
        raise ValueError("a scope needs an organisation or an area")


def in_treatment(period, scope, substance_group):
    """Episodes of the group in structured treatment at some point in the
    period: a first intervention on or before its end, and no exit before
    its start."""
    return (
        scope.episodes()
        .filter(substance_group=substance_group, started_on__lte=period.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
    )


def _represented():
    """Whether a new presentation followed the outer episode's exit within
    REPRESENTATION_DAYS, anywhere in its area: the same linkage key (never an
    empty one), or the same person record."""
    deadline = ExpressionWrapper(
        OuterRef("ended_on") + datetime.timedelta(days=REPRESENTATION_DAYS),
        output_field=DateField(),
    )
    same = (Q(linkage_key=OuterRef("linkage_key")) & ~Q(linkage_key="")) | Q(
        person=OuterRef("person")
    )
    return Exists(
        Episode.objects.filter(same)
        .filter(organisation__area_id=OuterRef("organisation__area_id"))
        .filter(referred_on__gt=OuterRef("ended_on"), referred_on__lte=deadline)
    )


def successful_completion(period, scope, substance_group) -> Rate:
    """Successful completion and non-re-presentation.

    Denominator: people in treatment for the group in the period.
    Numerator: those of them whose episode of the group ended in the period
    with a completion (for opiates, with no substitution medication at
    exit) and who did not re-present within 182 days of that exit.
    """
    treated = in_treatment(period, scope, substance_group)
    completed = (
        treated.filter(
            ended_on__gte=period.start,
            ended_on__lte=period.end,
            exit_reason__in=Episode.COMPLETED,
        )
        .exclude(
            substance_group=Episode.SubstanceGroup.OPIATE,
            on_substitution_medication=True,
        )
        .filter(~_represented())
    )
    return Rate(
        completed.values("person").distinct().count(),
        treated.values("person").distinct().count(),
    )


@dataclass(frozen=True)
class Waits:
    within: Rate
    median_days: float | None


def waiting_times(period, scope, substance_group) -> Waits:
    """Of the treatment starts (first interventions) in the period: the
    share that began within 21 days of the referral, and the median wait."""
    starts = scope.episodes().filter(
        substance_group=substance_group,
        started_on__gte=period.start,
        started_on__lte=period.end,
    )
    total = starts.count()
    deadline = ExpressionWrapper(
        F("referred_on") + datetime.timedelta(days=WAIT_DAYS),
        output_field=DateField(),
    )
    within = starts.filter(started_on__lte=deadline).count()
    return Waits(Rate(within, total), _median_wait(starts, total))


def _median_wait(starts, total):
    """The median of started_on minus referred_on, by fetching only the
    one or two middle rows in wait order."""
    if total == 0:
        return None
    waits = starts.annotate(wait=F("started_on") - F("referred_on")).order_by("wait")
    middle = [
        days.days if isinstance(days, datetime.timedelta) else days
        for days in waits.values_list("wait", flat=True)[
            (total - 1) // 2 : total // 2 + 1
        ]
    ]
    return sum(middle) / len(middle)


MEASURES = {
    "successful-completion": successful_completion,
    "waiting-times": waiting_times,
}
