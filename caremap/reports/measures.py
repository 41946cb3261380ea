"""The outcome measures, each a documented function over a period, a scope
(an organisation or a whole area) and a substance group, computed in the
database. The definitions are written out in docs/measures.md, which a test
keeps in step with `MEASURES` below.

A rate measure is built from `Parts`: the rows of its denominator, the
condition that puts a row in its numerator, and how to count distinct
people among them. Keeping the parts apart from the counting lets the same
definition be counted whole, grouped (by substance group, gender, age band
or ethnic group: see tables.py), or listed person by person for a manager
(views.people_behind).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce, Concat, Least

from caremap.assessments.models import Assessment
from caremap.careplans.models import CarePlan, Review
from caremap.days import span, start_of
from caremap.directory.models import Listing
from caremap.engagement.models import Alert, Attendance, CheckUp
from caremap.episodes.models import REPRESENTATION_DAYS, Episode
from caremap.people.models import Person
from caremap.referrals.models import Referral
from caremap.reports.stats import Rate, mean_interval

# The share of starts that began within this many days of the referral.
WAIT_DAYS = 21
# Retained: in treatment this long, counting the whole journey.
RETENTION_DAYS = 84
# A plan's review is on time when one was held within this many days.
REVIEW_DAYS = 90
# The instrument whose growth the reports follow unless told otherwise.
RECOVERY_CAPITAL = "recovery-capital-profile"
# Directory kinds that are the recovery community.
COMMUNITY_KINDS = (Listing.Kind.MUTUAL_AID, Listing.Kind.PEER_LED)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    def moments(self):
        """The period as [start, end) moments, for stored timestamps."""
        return span(self.start, self.end)

    def to(self, today: datetime.date) -> datetime.date:
        """The period's last day, or `today` if the period has not ended."""
        return min(self.end, today)


@dataclass(frozen=True)
class Scope:
    """Whose records: one organisation's, or every organisation's in an
    area."""

    organisation_id: int | None = None
    area_id: int | None = None

    def __post_init__(self):
        if self.organisation_id is None and self.area_id is None:
            raise ValueError("a scope needs an organisation or an area")

    def q(self, path: str = "") -> Q:
        """The filter for rows whose organisation is reached by `path`."""
        if self.organisation_id is not None:
            return Q(**{f"{path}organisation_id": self.organisation_id})
        return Q(**{f"{path}organisation__area_id": self.area_id})

    def episodes(self):
        return Episode.objects.filter(self.q())


@dataclass(frozen=True)
class Parts:
    """A rate measure before counting: the denominator's rows, the condition
    that puts a row in the numerator, the expression that tells people apart
    among them, and the path from a row to its Person.

    Numerator and denominator are counted in one query, and a breakdown
    (`grouped`) in one grouped query, whatever the number of groups. With
    `separate`, the numerator is counted in a query of its own: a condition
    that is a subquery (has a referral, went to a group) is then a join the
    database can plan once, where inside a count it would run once a row.
    """

    rows: object
    met: Q
    who: object
    person: str
    separate: bool = False

    @property
    def numerator(self):
        return self.rows.filter(self.met)

    @property
    def denominator(self):
        return self.rows

    def _distinct(self):
        return Count(self.who, distinct=True)

    def rate(self) -> Rate:
        if self.separate:
            return Rate(
                self.numerator.aggregate(n=self._distinct())["n"],
                self.rows.aggregate(n=self._distinct())["n"],
            )
        got = self.rows.aggregate(
            hit=Count(self.who, distinct=True, filter=self.met),
            total=self._distinct(),
        )
        return Rate(got["hit"], got["total"])

    def grouped(self, expression) -> dict:
        """{category: (met, total)} for each value of `expression`."""

        def by_category(rows, **counts):
            return {
                row.pop("category"): row
                for row in rows.annotate(category=expression)
                .values("category")
                .annotate(**counts)
                .order_by()
            }

        if not self.separate:
            counted = by_category(
                self.rows,
                hit=Count(self.who, distinct=True, filter=self.met),
                total=self._distinct(),
            )
            return {key: (row["hit"], row["total"]) for key, row in counted.items()}
        hits = by_category(self.numerator, n=self._distinct())
        totals = by_category(self.rows, n=self._distinct())
        return {
            key: (hits.get(key, {"n": 0})["n"], row["n"]) for key, row in totals.items()
        }

    def narrowed(self, q: Q) -> Parts:
        return replace(self, rows=self.rows.filter(q))


class AddDays(Func):
    """A date `days` later (earlier when negative), in the database's own
    date arithmetic. Django's generic date-plus-interval calls a Python
    function for every row on SQLite, which at an area's scale is most of a
    measure's time."""

    output_field = DateField()

    def __init__(self, expression, days):
        super().__init__(expression)
        self.days = int(days)  # an int, so writing it into the SQL is safe

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{self.days:+d} days')", params

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + {self.days})", params


class DaysBetween(Func):
    """Whole days from `earlier` to `later`, natively on each database."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        later, earlier = (compiler.compile(e) for e in self.source_expressions)
        return (
            f"CAST(julianday({later[0]}) - julianday({earlier[0]}) AS INTEGER)",
            [*later[1], *earlier[1]],
        )

    def as_sql(self, compiler, connection, **extra):
        later, earlier = (compiler.compile(e) for e in self.source_expressions)
        return f"({later[0]} - {earlier[0]})", [*later[1], *earlier[1]]


def _episode_who():
    """Who an episode belongs to, counted once across the area: the linkage
    key where there is one (so a move between services is one person), the
    person record otherwise."""
    return Case(
        When(~Q(linkage_key=""), then=Concat(Value("k"), F("linkage_key"))),
        default=Concat(Value("p"), Cast("person_id", CharField())),
        output_field=CharField(),
    )


def in_treatment(period, scope, substance_group=None):
    """Episodes (of the group, or of any group when None) in structured
    treatment at some point in the period: a first intervention on or before
    its end, and no exit before its start."""
    rows = scope.episodes().filter(started_on__lte=period.end)
    if substance_group:
        rows = rows.filter(substance_group=substance_group)
    return rows.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))


def _represented():
    """Whether a new presentation followed the outer episode's exit within
    REPRESENTATION_DAYS: by the same person record, or under the same
    linkage key (never an empty one). Two subqueries, not one with an OR, so
    each is a range on its own index. Both stay within the area: a person
    record belongs to one organisation, and a key is made with the area's
    own secret."""
    deadline = AddDays(OuterRef("ended_on"), REPRESENTATION_DAYS)
    returns = Episode.objects.filter(
        referred_on__gt=OuterRef("ended_on"), referred_on__lte=deadline
    )
    return Exists(returns.filter(person=OuterRef("person"))) | Exists(
        returns.filter(linkage_key=OuterRef("linkage_key")).exclude(linkage_key="")
    )


def successful_completion_parts(period, scope, substance_group=None) -> Parts:
    treated = in_treatment(period, scope, substance_group)
    completed = (
        Q(
            ended_on__gte=period.start,
            ended_on__lte=period.end,
            exit_reason__in=Episode.COMPLETED,
        )
        & ~Q(
            substance_group=Episode.SubstanceGroup.OPIATE,
            on_substitution_medication=True,
        )
        & ~_represented()
    )
    return Parts(treated, completed, _episode_who(), "person__")


def successful_completion(period, scope, substance_group=None) -> Rate:
    """Successful completion and non-re-presentation.

    Denominator: people in treatment for the group in the period.
    Numerator: those of them whose episode of the group ended in the period
    with a completion (for opiates, with no substitution medication at
    exit) and who did not re-present within 182 days of that exit.
    """
    return successful_completion_parts(period, scope, substance_group).rate()


def retention_parts(period, scope, substance_group=None) -> Parts:
    treated = in_treatment(period, scope, substance_group)
    seen_to = Least(Coalesce("ended_on", Value(period.end)), Value(period.end))
    rows = treated.annotate(long_enough=AddDays(seen_to, -RETENTION_DAYS))
    retained = Q(journey_started_on__lte=F("long_enough")) | Q(
        exit_reason__in=Episode.COMPLETED, ended_on__lte=period.end
    )
    return Parts(rows, retained, _episode_who(), "person__")


def retention(period, scope, substance_group=None) -> Rate:
    """Effective retention: of the people in treatment in the period, those
    whose journey (moves within 21 days joined up) had lasted 12 weeks by
    the earlier of its exit and the period's end, or who completed."""
    return retention_parts(period, scope, substance_group).rate()


@dataclass(frozen=True)
class Waits:
    within: Rate
    median_days: float | None


def starts(period, scope, substance_group=None):
    rows = scope.episodes().filter(
        started_on__gte=period.start, started_on__lte=period.end
    )
    if substance_group:
        rows = rows.filter(substance_group=substance_group)
    return rows


def waiting_times_parts(period, scope, substance_group=None) -> Parts:
    started = starts(period, scope, substance_group)
    deadline = AddDays("referred_on", WAIT_DAYS)
    # Each start counts, not each person: a wait belongs to a referral.
    return Parts(started, Q(started_on__lte=deadline), "pk", "person__")


def waiting_times(period, scope, substance_group=None) -> Waits:
    """Of the treatment starts (first interventions) in the period: the
    share that began within 21 days of the referral, and the median wait."""
    parts = waiting_times_parts(period, scope, substance_group)
    within = parts.rate()
    return Waits(within, median_wait(parts.denominator, within.denominator))


def median_wait(started, total):
    """The median of started_on minus referred_on, by fetching only the
    one or two middle rows in wait order."""
    if total == 0:
        return None
    waits = started.annotate(wait=DaysBetween("started_on", "referred_on")).order_by(
        "wait"
    )
    middle = list(
        waits.values_list("wait", flat=True)[(total - 1) // 2 : total // 2 + 1]
    )
    return sum(middle) / len(middle)


def cohort(period, scope, substance_group=None):
    """The people a person-level measure is about: everyone with an
    episode (of the group, when given) in treatment in the period."""
    # An IN over the episodes' person ids, which the databases turn into one
    # hashed semi-join; an EXISTS per person was planned as a loop.
    treated = in_treatment(period, scope, substance_group)
    return Person.objects.filter(pk__in=treated.values("person_id"))


# Recovery-capital growth


@dataclass(frozen=True)
class Change:
    """The change in one score between people's first and latest
    assessments: how many had both, the mean change and its 95% interval,
    and the standardised response mean (the mean change over the spread of
    the changes), a size that can be compared across scores."""

    key: str
    people: int
    mean: float | None
    interval: tuple[float, float] | None
    effect_size: float | None


@dataclass(frozen=True)
class Growth:
    instrument: str
    domains: list[Change]
    total: Change | None
    improved: int
    same: int
    worse: int
    # The name of each domain and composite, in the instrument's words.
    titles: dict = field(default_factory=dict)

    @property
    def people(self) -> int:
        return self.improved + self.same + self.worse


def follow_ups(
    period, scope, substance_group=None, instrument=RECOVERY_CAPITAL, *, where=None
):
    """Each person's latest assessment of the instrument completed in the
    period, for people (of the cohort, narrowed by `where`) who also have an
    earlier one: those with a baseline (see Assessment.baseline)."""
    submitted = Assessment.objects.submitted().filter(instrument__key=instrument)
    people = cohort(period, scope, substance_group)
    if where:
        people = people.filter(where)
    start, end = period.moments()
    return submitted.filter(
        person__in=people,
        baseline__isnull=False,
        submitted_at__gte=start,
        submitted_at__lt=end,
    ).filter(
        ~Exists(
            submitted.filter(
                person=OuterRef("person"),
                submitted_at__gt=OuterRef("submitted_at"),
                submitted_at__lt=end,
            )
        )
    )


def _score(kind, key, field="points"):
    """One score of an assessment, as a number: `kind` is "d" for a domain
    or "c" for a composite (see Assessment.points)."""
    return Cast(KeyTextTransform(key, KeyTransform(kind, F(field))), FloatField())


def _summarise(key, n, total, squares) -> Change:
    """A score's change from its count, sum and sum of squares."""
    if not n:
        return Change(key, 0, None, None, None)
    mean = total / n
    spread = (
        math.sqrt(max(0.0, (squares - n * mean * mean) / (n - 1))) if n > 1 else None
    )
    effect = mean / spread if spread else None
    return Change(key, n, mean, mean_interval(mean, spread, n), effect)


def recovery_capital_growth(
    period, scope, substance_group=None, instrument=RECOVERY_CAPITAL, *, where=None
) -> Growth:
    """For people with a baseline and a later assessment of the instrument,
    the latest in the period: mean change per domain and in the total, and
    how many improved, stayed the same or got worse on the total.

    One aggregate query: each score's change is a column of a subquery, and
    its count, sum and sum of squares give the mean and the spread without
    fetching a row."""
    from caremap.instruments.models import InstrumentVersion

    version = InstrumentVersion.objects.filter(key=instrument).order_by("-pk").first()
    if version is None:
        return Growth(instrument, [], None, 0, 0, 0)
    definition = version.instrument
    titles = {d.id: str(d.title) for d in definition.domains}
    titles.update({c.id: str(c.title) for c in definition.composites})
    paths = {f"d{i}": ("d", d.id) for i, d in enumerate(definition.domains)}
    total_id = _total_composite(definition)
    if total_id:
        paths["total"] = ("c", total_id)
    rows = follow_ups(period, scope, substance_group, instrument, where=where)
    changes = {
        name: ExpressionWrapper(
            _score(*path) - _score(*path, field="baseline__points"),
            output_field=FloatField(),
        )
        for name, path in paths.items()
    }
    got = _sums(
        rows.annotate(**changes).values(*paths).order_by(),
        list(paths),
        "total" in paths,
    )

    def change(name, key):
        return _summarise(key, *got[name])

    domains = [change(f"d{i}", d.id) for i, d in enumerate(definition.domains)]
    if not total_id:
        return Growth(instrument, domains, None, 0, 0, 0, titles)
    return Growth(
        instrument,
        domains,
        change("total", total_id),
        *got["directions"],
        titles,
    )


def _sums(rows, names, directions):
    """Count, sum and sum of squares of each column of `rows`, and (with
    `directions`) how many of its "total" column are above, at and below
    zero. Aggregated over `rows` as a subquery so that each change is worked
    out once a row: aggregating the annotations directly would repeat every
    extraction from the stored scores in each of the sums."""
    inner, params = rows.query.sql_with_params()
    columns = []
    for name in names:
        quoted = connection.ops.quote_name(name)
        columns += [
            f"COUNT({quoted})",
            f"SUM({quoted})",
            f"SUM({quoted} * {quoted})",
        ]
    if directions:
        total = connection.ops.quote_name("total")
        columns += [
            f"COUNT(CASE WHEN {total} > 0 THEN 1 END)",
            f"COUNT(CASE WHEN {total} = 0 THEN 1 END)",
            f"COUNT(CASE WHEN {total} < 0 THEN 1 END)",
        ]
    with connection.cursor() as cursor:
        # Every part of the SQL is Django's own compiled query or a quoted
        # column name of ours; the values travel as parameters.
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM ({inner}) changes",  # noqa: S608
            params,
        )
        values = cursor.fetchone()
    got = {}
    for index, name in enumerate(names):
        n, total, squares = values[3 * index : 3 * index + 3]
        got[name] = (n, total, squares)
    if directions:
        got["directions"] = values[-3:]
    return got


def _total_composite(definition):
    """The composite that sums the profile up: one called "total", or the
    first there is."""
    ids = [composite.id for composite in definition.composites]
    if "total" in ids:
        return "total"
    return ids[0] if ids else None


# Connection to the recovery community


def mutual_aid_referral_parts(period, scope, substance_group=None) -> Parts:
    people = cohort(period, scope, substance_group)
    start, end = period.moments()
    referred = Q(
        Exists(
            Referral.objects.filter(
                person=OuterRef("pk"),
                service__listing__kind__in=COMMUNITY_KINDS,
                created_at__gte=start,
                created_at__lt=end,
            )
        )
    )
    return Parts(people, referred, "pk", "", separate=True)


def mutual_aid_referral(period, scope, substance_group=None) -> Rate:
    """Of the people in treatment in the period, those referred or
    signposted in the period to a mutual-aid meeting or peer-led group."""
    return mutual_aid_referral_parts(period, scope, substance_group).rate()


def group_attendance_parts(period, scope, substance_group=None) -> Parts:
    people = cohort(period, scope, substance_group)
    went = Q(
        Exists(
            Attendance.objects.filter(
                membership__person=OuterRef("pk"),
                attended=True,
                on__gte=period.start,
                on__lte=period.end,
            )
        )
    )
    return Parts(people, went, "pk", "", separate=True)


def group_attendance(period, scope, substance_group=None) -> Rate:
    """Of the people in treatment in the period, those recorded as going to
    a recovery group at least once in the period."""
    return group_attendance_parts(period, scope, substance_group).rate()


@dataclass(frozen=True)
class Groups:
    active: int
    new: int


def peer_led_groups(period, scope, substance_group=None) -> Groups:
    """Independent peer-led groups in the scope's area active at some point
    in the period, and those that started in it. Groups belong to the
    area, so an organisation's scope counts its area's groups."""
    if scope.area_id is not None:
        area_id = scope.area_id
    else:
        from caremap.organisations.models import Organisation

        area_id = Organisation.objects.values_list("area_id", flat=True).get(
            pk=scope.organisation_id
        )
    groups = (
        Listing.objects.peer_led_groups()
        .filter(area_id=area_id)
        .filter(Q(started_on__isnull=True) | Q(started_on__lte=period.end))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
    )
    counted = groups.aggregate(
        active=Count("pk"),
        new=Count(
            "pk",
            filter=Q(started_on__gte=period.start, started_on__lte=period.end),
        ),
    )
    return Groups(counted["active"], counted["new"])


# Engagement


def reviews_on_time_parts(period, scope, substance_group=None, *, today) -> Parts:
    day = period.to(today)
    plans = CarePlan.objects.filter(scope.q(), status=CarePlan.Status.ACTIVE).filter(
        created_at__lt=start_of(day + datetime.timedelta(days=1))
    )
    if substance_group:
        plans = plans.filter(person__in=cohort(period, scope, substance_group))
    since = day - datetime.timedelta(days=REVIEW_DAYS)
    on_time = Q(created_at__gte=start_of(since)) | Q(
        Exists(
            Review.objects.filter(
                plan=OuterRef("pk"), held_on__gte=since, held_on__lte=day
            )
        )
    )
    return Parts(plans, on_time, "pk", "person__", separate=True)


def reviews_on_time(period, scope, substance_group=None, *, today) -> Rate:
    """Of the active care plans on the period's last day (or today), those
    started or reviewed within the 90 days before it."""
    return reviews_on_time_parts(period, scope, substance_group, today=today).rate()


def alerts_resolved_parts(period, scope, substance_group=None) -> Parts:
    start, end = period.moments()
    raised = Alert.objects.filter(scope.q()).filter(
        raised_at__gte=start, raised_at__lt=end
    )
    if substance_group:
        raised = raised.filter(person__in=cohort(period, scope, substance_group))
    return Parts(raised, Q(closed_at__isnull=False), "pk", "person__")


def alerts_resolved(period, scope, substance_group=None) -> Rate:
    """Alerts raised in the period, and the share of them closed since."""
    return alerts_resolved_parts(period, scope, substance_group).rate()


REACHED = (
    CheckUp.Outcome.DOING_WELL,
    CheckUp.Outcome.STRUGGLING,
    CheckUp.Outcome.REPRESENTED,
)


def check_ups_reached_parts(period, scope, substance_group=None, *, today) -> Parts:
    due = CheckUp.objects.filter(scope.q("episode__")).filter(
        due_on__gte=period.start, due_on__lte=period.to(today)
    )
    if substance_group:
        due = due.filter(episode__substance_group=substance_group)
    return Parts(due, Q(outcome__in=REACHED), "pk", "episode__person__")


def check_ups_reached(period, scope, substance_group=None, *, today) -> Rate:
    """Post-exit check-ups that fell due in the period (up to today): the
    share in which the person was reached."""
    return check_ups_reached_parts(period, scope, substance_group, today=today).rate()


MEASURES = {
    "successful-completion": successful_completion,
    "retention": retention,
    "waiting-times": waiting_times,
    "recovery-capital-growth": recovery_capital_growth,
    "mutual-aid-referral": mutual_aid_referral,
    "group-attendance": group_attendance,
    "peer-led-groups": peer_led_groups,
    "reviews-on-time": reviews_on_time,
    "alerts-resolved": alerts_resolved,
    "check-ups-reached": check_ups_reached,
}

# The rate measures, by id, as parts: what the dashboards break down and
# what a manager's list of people behind a number is drawn from.
PARTS = {
    "successful-completion": successful_completion_parts,
    "retention": retention_parts,
    "waiting-times": waiting_times_parts,
    "mutual-aid-referral": mutual_aid_referral_parts,
    "group-attendance": group_attendance_parts,
    "reviews-on-time": reviews_on_time_parts,
    "alerts-resolved": alerts_resolved_parts,
    "check-ups-reached": check_ups_reached_parts,
}
NEEDS_TODAY = {"reviews-on-time", "check-ups-reached"}


def parts(measure, period, scope, substance_group=None, *, today) -> Parts:
    function = PARTS[measure]
    if measure in NEEDS_TODAY:
        return function(period, scope, substance_group, today=today)
    return function(period, scope, substance_group)
