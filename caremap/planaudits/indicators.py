"""The six automatic quality indicators of a care plan, worked out by the
database as annotations on a CarePlan queryset, so a page about hundreds of
plans costs one query, not one per plan.

Goal-based indicators look at the goals being worked on (status "Working on
it"): an achieved, changed or stopped goal is history, not the plan. A plan
with no such goal meets none of them: "every goal" of nothing is not a plan.
docs/planaudits.md says each rule in plain words; keep the two in step.
"""

import datetime
from functools import cache

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.careplans import sources, validation
from caremap.careplans.models import Action, CarePlan, Goal, Resource, Review, Strength
from caremap.days import start_of

# The audit's own standard, the same for every organisation: a plan looked at
# less often than this has gone quiet, whatever the local review interval.
REVIEW_WITHIN_DAYS = 90

OWN_WORDS = "own_words"
SMART_STEPS = "smart_steps"
OWNERS_AND_DATES = "owners_and_dates"
STRENGTHS_AND_RESOURCES = "strengths_and_resources"
REVIEWED = "reviewed"
AGREED = "agreed"

INDICATORS = (
    OWN_WORDS,
    SMART_STEPS,
    OWNERS_AND_DATES,
    STRENGTHS_AND_RESOURCES,
    REVIEWED,
    AGREED,
)

LABELS = {
    OWN_WORDS: _("Goals in the person’s own words"),
    SMART_STEPS: _("Every goal has a SMART step"),
    OWNERS_AND_DATES: _("Every step has someone doing it and a date"),
    STRENGTHS_AND_RESOURCES: _("Strengths and community resources linked"),
    REVIEWED: _("Reviewed in the last 90 days"),
    AGREED: _("The person’s agreement recorded"),
}


@cache
def _template_titles():
    """(template id, its title in each language) for every shipped goal
    template. Read from the files, which change only on deploy."""
    titles = {}
    for path in sources.shipped_paths():
        data, problems = validation.read_file(path)
        if problems or not data:
            continue
        for template in data.get("templates", ()):
            title = template.get("title")
            words = [title] if isinstance(title, str) else list(title.values())
            titles[template["id"]] = tuple(w for w in words if w)
    return tuple(titles.items())


def copied_from_template():
    """Goals whose wording is a template's title word for word (ignoring
    capitals), in any language: the suggestion, not yet the person's words."""
    copied = Q(pk__in=[])
    for template_id, titles in _template_titles():
        said = Q()
        for title in titles:
            said |= Q(wording__iexact=title)
        copied |= Q(template=template_id) & said
    return copied


def _not_blank(field):
    return ~Q(**{field: ""}) & Q(**{f"{field}__isnull": False})


def has_owner():
    """A step someone is doing: "someone else" counts only with a name."""
    return ~Q(who="") & (~Q(who=Action.Who.SOMEONE_ELSE) | ~Q(who_else=""))


def smart_steps():
    """Steps that say what, who, by when and how we will know; a stopped step
    no longer plans anything."""
    return (
        Action.objects.alias(how=Trim("how_we_know"))
        .exclude(status=Action.Status.STOPPED)
        .filter(has_owner(), _not_blank("what"), due_on__isnull=False)
        .exclude(how="")
    )


def _current_goals():
    return Goal.objects.filter(plan=OuterRef("pk"), status=Goal.Status.ACTIVE)


def _every_current_goal(failing):
    """At least one goal being worked on, and none of them `failing`."""
    return Exists(_current_goals()) & ~Exists(_current_goals().filter(failing))


def conditions(today):
    """Each indicator as a boolean expression over a CarePlan row."""
    since = today - datetime.timedelta(days=REVIEW_WITHIN_DAYS)
    current_steps = Action.objects.filter(
        goal__plan=OuterRef("pk"), goal__status=Goal.Status.ACTIVE
    )
    on_current_goal = {"goal__plan": OuterRef("pk"), "goal__status": Goal.Status.ACTIVE}
    goal_has_smart_step = Exists(smart_steps().filter(goal=OuterRef("pk")))
    return {
        OWN_WORDS: _every_current_goal(
            Q(proposed_by=Goal.ProposedBy.NAVIGATOR)
            & (Q(template="") | copied_from_template())
        ),
        SMART_STEPS: _every_current_goal(~goal_has_smart_step),
        OWNERS_AND_DATES: Exists(current_steps)
        & ~Exists(current_steps.exclude(has_owner() & Q(due_on__isnull=False))),
        STRENGTHS_AND_RESOURCES: Exists(Strength.objects.filter(**on_current_goal))
        & Exists(Resource.objects.filter(**on_current_goal)),
        REVIEWED: Exists(Review.objects.filter(plan=OuterRef("pk"), held_on__gte=since))
        | Q(created_at__gte=start_of(since)),
        AGREED: _every_current_goal(Q(person_agreed=False)),
    }


def with_indicators(plans=None, *, today=None):
    """`plans` (by default every plan) with one boolean annotation per
    indicator and `indicators_met`, how many of the six are met."""
    today = today or timezone.localdate()
    plans = CarePlan.objects.all() if plans is None else plans
    annotations = {
        name: ExpressionWrapper(condition, output_field=BooleanField())
        for name, condition in conditions(today).items()
    }
    plans = plans.annotate(**annotations)
    met = Value(0)
    for name in INDICATORS:
        met = met + Case(When(**{name: True}, then=Value(1)), default=Value(0))
    return plans.annotate(
        indicators_met=ExpressionWrapper(met, output_field=IntegerField())
    )


def snapshot(plan):
    """The indicators of an annotated plan, as kept in a sample audit."""
    values = {name: bool(getattr(plan, name)) for name in INDICATORS}
    values["met"] = sum(values.values())
    return values


def _counts(today):
    """Counts of plans meeting each indicator, with the conditions written
    out in each filter rather than referring to annotations: an aggregate
    over annotations cannot always see them."""
    found = conditions(today)
    counts = {"plans": Count("pk")}
    for name in INDICATORS:
        counts[name] = Count("pk", filter=Q(found[name]))
    every = Q()
    for name in INDICATORS:
        every &= Q(found[name])
    counts["all_met"] = Count("pk", filter=every)
    return counts


class Row:
    """One line of the supervision table: a navigator (or the whole
    organisation), how many active plans, and how many meet each indicator."""

    def __init__(self, name, counts, navigator_id=None):
        self.name = name
        self.navigator_id = navigator_id
        self.plans = counts["plans"]
        self.all_met = counts["all_met"]
        self.met = {key: counts[key] for key in INDICATORS}

    def share(self, count):
        return round(100 * count / self.plans) if self.plans else None

    @property
    def shares(self):
        """(indicator, its label, plans meeting it, their percentage)."""
        return [
            (key, LABELS[key], self.met[key], self.share(self.met[key]))
            for key in INDICATORS
        ]

    @property
    def all_met_share(self):
        return self.share(self.all_met)


def by_navigator(organisation, *, today=None):
    """(rows per navigator, total row) over the organisation's active plans,
    each plan counted under the person's current navigator. Two queries."""
    today = today or timezone.localdate()
    plans = CarePlan.objects.active().filter(organisation=organisation)
    counts = _counts(today)
    rows = [
        Row(
            values["person__navigator__full_name"] or _("No navigator"),
            values,
            navigator_id=values["person__navigator"],
        )
        for values in plans.values("person__navigator", "person__navigator__full_name")
        .annotate(**counts)
        .order_by(
            F("person__navigator__full_name").asc(nulls_last=True), "person__navigator"
        )
    ]
    total = Row(_("All navigators"), plans.aggregate(**counts))
    return rows, total
