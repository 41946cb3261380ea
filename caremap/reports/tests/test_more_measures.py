"""Retention, recovery-capital growth, connection and engagement against
hand-worked examples, including the boundaries their definitions turn on."""

import datetime

import pytest
from django.utils import timezone

from caremap.assessments.models import Assessment
from caremap.careplans.models import CarePlan, Review
from caremap.directory.actions import load_demo_directory
from caremap.directory.models import Listing
from caremap.engagement.models import Alert, Attendance, CheckUp, GroupMembership
from caremap.referrals.models import Referral
from caremap.reports import measures
from caremap.reports.measures import Period, Scope
from caremap.reports.tests.test_measures import DAY, YEAR, episode
from caremap.testing.personas import make_person

END = YEAR.end  # 31 March 2026


def person(world, reference, *, organisation=None, born=None, **fields):
    # Different initials and birthdays, so no two people share a linkage
    # key unless a test means them to.
    number = sum(map(ord, reference))
    return make_person(
        organisation or world.riverside,
        reference=reference,
        given_name=fields.pop("given_name", f"{chr(65 + number % 26)}{reference}"),
        family_name=fields.pop("family_name", f"{chr(65 + number // 26 % 26)}xx"),
        date_of_birth=born or datetime.date(1970, 1, 1) + number * DAY,
        sex="female",
        **fields,
    )


@pytest.fixture
def area(world):
    return Scope(area_id=world.area.pk)


# Retention


def test_a_move_within_21_days_carries_the_journey_and_22_days_breaks_it(world):
    def moved(gap, reference, born):
        first = person(world, reference, given_name="Rhys", born=born)
        episode(
            first,
            referred=datetime.date(2025, 12, 20),
            started=datetime.date(2026, 1, 1),
            ended=datetime.date(2026, 2, 1),
            reason="transferred",
        )
        # The same human at the other service: same name, birthday and sex,
        # so the same linkage key.
        second = person(
            world,
            reference + "H",
            organisation=world.hillside,
            given_name="Rhys",
            family_name=first.family_name,
            born=born,
        )
        episode(
            second,
            referred=datetime.date(2026, 2, 1),
            started=datetime.date(2026, 2, 1) + gap * DAY,
        )

    moved(21, "T-1", datetime.date(1980, 1, 2))
    moved(22, "T-2", datetime.date(1981, 5, 6))
    hillside = Scope(organisation_id=world.hillside.pk)
    rate = measures.retention(YEAR, hillside, "alcohol")
    # Day 21 continues the journey begun on 1 January: 89 days by 31 March.
    # Day 22 starts a new one on 23 February: 36 days.
    assert (rate.numerator, rate.denominator) == (1, 2)
    # Across the area each move is one person, not two.
    area = measures.retention(YEAR, Scope(area_id=world.area.pk), "alcohol")
    assert (area.numerator, area.denominator) == (1, 2)


def test_retention_counts_84_days_and_not_83_and_any_completion(world, area):
    start = datetime.date(2025, 6, 1)
    for days, reference in [(84, "R-84"), (83, "R-83")]:
        episode(
            person(world, reference),
            referred=start - 5 * DAY,
            started=start,
            ended=start + days * DAY,
            reason="dropped_out",
        )
    quick = person(world, "R-C")
    episode(
        quick,
        referred=start - 5 * DAY,
        started=start,
        ended=start + 30 * DAY,
        reason="completed_free",
    )
    late = person(world, "R-L")  # still in treatment, started 40 days ago
    episode(late, referred=END - 50 * DAY, started=END - 40 * DAY)
    rate = measures.retention(YEAR, area, "alcohol")
    assert (rate.numerator, rate.denominator) == (2, 4)


def test_retention_is_judged_at_the_period_end_not_later(world, area):
    # Started 60 days before the period ended, still going today: not yet
    # retained for this period, whatever happens afterwards.
    episode(person(world, "R-P"), referred=END - 70 * DAY, started=END - 60 * DAY)
    rate = measures.retention(YEAR, area, "alcohol")
    assert (rate.numerator, rate.denominator) == (0, 1)


# Recovery-capital growth


def scored(version, person, when, total, domain):
    made = Assessment.objects.create(
        person=person,
        organisation=person.organisation,
        instrument=version,
        status=Assessment.Status.SUBMITTED,
        mode=Assessment.Mode.WITH_NAVIGATOR,
        scores={
            "domains": {"substance-use": {"score": domain}},
            "composites": {"total": {"score": total}},
        },
        started_at=when,
        submitted_at=when,
    )
    # As completing an assessment does.
    Assessment.objects.filter(person=person).link_baselines()
    return made


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_growth_compares_first_and_latest_in_the_period(world, area, instruments):
    version = instruments["recovery-capital-profile"]
    a, b, c, d = (person(world, f"G-{n}") for n in "abcd")
    for someone in (a, b, c, d):
        episode(someone, referred=datetime.date(2025, 3, 1), started=YEAR.start)
    scored(version, a, at(datetime.date(2025, 3, 1)), 20, 2.0)
    scored(version, a, at(datetime.date(2025, 7, 1)), 24, 2.5)  # between: ignored
    scored(version, a, at(datetime.date(2026, 1, 1)), 30, 3.0)
    scored(version, a, at(END + 10 * DAY), 50, 5.0)  # after the period: ignored
    scored(version, b, at(datetime.date(2025, 5, 1)), 25, 3.0)
    scored(version, b, at(datetime.date(2025, 11, 1)), 20, 3.0)
    scored(version, c, at(datetime.date(2025, 5, 1)), 25, 1.0)  # no later one
    # d's only two are both before the period: no follow-up in it.
    scored(version, d, at(datetime.date(2024, 5, 1)), 10, 1.0)
    scored(version, d, at(datetime.date(2025, 2, 1)), 12, 1.0)

    growth = measures.recovery_capital_growth(YEAR, area)
    assert (growth.improved, growth.same, growth.worse) == (1, 0, 1)
    total = growth.total
    assert total.people == 2
    assert total.mean == pytest.approx(2.5)  # (+10 and -5) / 2
    spread = (7.5**2 * 2) ** 0.5  # sd of the changes, n - 1 = 1
    assert total.effect_size == pytest.approx(2.5 / spread)
    low, high = total.interval
    assert (low, high) == pytest.approx(
        (2.5 - 12.706 * spread / 2**0.5, 2.5 + 12.706 * spread / 2**0.5)
    )
    substance = next(c for c in growth.domains if c.key == "substance-use")
    assert (substance.people, substance.mean) == (2, pytest.approx(0.5))
    # Domains with no scores on either side have nobody to compare.
    others = [c for c in growth.domains if c.key != "substance-use"]
    assert others and all(c.people == 0 and c.mean is None for c in others)


def test_growth_follows_the_substance_group(world, area, instruments):
    version = instruments["recovery-capital-profile"]
    someone = person(world, "G-s")
    episode(
        someone, referred=datetime.date(2025, 3, 1), started=YEAR.start, group="opiate"
    )
    scored(version, someone, at(datetime.date(2025, 5, 1)), 10, 1.0)
    scored(version, someone, at(datetime.date(2025, 9, 1)), 15, 1.0)
    assert measures.recovery_capital_growth(YEAR, area, "opiate").people == 1
    assert measures.recovery_capital_growth(YEAR, area, "alcohol").people == 0


# Connection


@pytest.fixture
def directory(world):
    load_demo_directory(world.area)
    Listing.objects.update(peer_led=False, independent=False)
    return Listing.objects.select_related("service").order_by("pk")


def refer(someone, listing, day, by):
    referral = Referral.objects.create(
        person=someone,
        service=listing.service,
        organisation=someone.organisation,
        kind=Referral.Kind.SIGNPOST,
        reason="test",
        person_agreed=True,
        consent_method=Referral.Consent.IN_PERSON,
        created_by=by,
    )
    Referral.objects.filter(pk=referral.pk).update(created_at=at(day))


def test_community_referrals_and_attendance_are_shares_of_the_cohort(
    world, area, directory
):
    people = [person(world, f"C-{n}") for n in range(3)]
    for someone in people:
        episode(someone, referred=datetime.date(2025, 3, 1), started=YEAR.start)
    community = directory.filter(kind=Listing.Kind.MUTUAL_AID).first()
    housing = directory.filter(kind=Listing.Kind.HOUSING).first()
    refer(people[0], community, datetime.date(2025, 6, 1), world.alice)
    refer(people[1], housing, datetime.date(2025, 6, 1), world.alice)
    refer(people[2], community, YEAR.start - DAY, world.alice)
    rate = measures.mutual_aid_referral(YEAR, area)
    assert (rate.numerator, rate.denominator) == (1, 3)

    for someone, went in [(people[0], True), (people[1], False)]:
        membership = GroupMembership.objects.create(person=someone, name="Tuesday")
        Attendance.objects.create(
            membership=membership,
            on=datetime.date(2025, 8, 5),
            attended=went,
            source=Attendance.Source.STAFF,
        )
    rate = measures.group_attendance(YEAR, area)
    assert (rate.numerator, rate.denominator) == (1, 3)


def test_peer_led_groups_active_and_new_in_the_period(world, area, directory):
    listings = list(directory[:4])
    spans = [
        (datetime.date(2024, 1, 1), None),  # active, not new
        (datetime.date(2025, 9, 1), None),  # new
        (datetime.date(2023, 1, 1), YEAR.start - DAY),  # ended before
        (END + DAY, None),  # starts after
    ]
    for listing, (started, ended) in zip(listings, spans, strict=True):
        Listing.objects.filter(pk=listing.pk).update(
            peer_led=True, independent=True, started_on=started, ended_on=ended
        )
    groups = measures.peer_led_groups(YEAR, area)
    assert (groups.active, groups.new) == (2, 1)
    riverside = measures.peer_led_groups(
        YEAR, Scope(organisation_id=world.riverside.pk)
    )
    assert (riverside.active, riverside.new) == (2, 1)


# Engagement


def plan(someone, created, by):
    made = CarePlan.objects.create(
        person=someone,
        organisation=someone.organisation,
        review_due_on=created + 90 * DAY,
        created_by=by,
    )
    CarePlan.objects.filter(pk=made.pk).update(created_at=at(created))
    return made


def test_reviews_on_time_counts_90_days_and_not_91(world, area):
    day = END
    for days, reference in [(90, "V-90"), (91, "V-91")]:
        made = plan(person(world, reference), day - 300 * DAY, world.alice)
        Review.objects.create(
            plan=made, held_on=day - days * DAY, submitted_by=world.alice
        )
    plan(person(world, "V-new"), day - 30 * DAY, world.alice)  # young plan
    plan(person(world, "V-old"), day - 200 * DAY, world.alice)  # never reviewed
    rate = measures.reviews_on_time(YEAR, area, today=datetime.date(2026, 12, 1))
    assert (rate.numerator, rate.denominator) == (2, 4)


def test_alerts_raised_in_the_period_and_closed(world, area):
    someone = person(world, "A-1")
    for number, (raised, closed) in enumerate(
        [
            (datetime.date(2025, 5, 1), True),
            (datetime.date(2025, 6, 1), False),
            (datetime.date(2025, 7, 1), True),
            (YEAR.start - DAY, True),  # before the period
        ]
    ):
        Alert.objects.create(
            person=someone,
            organisation=someone.organisation,
            rule=Alert.Rule.NO_CONTACT,
            key=f"k{number}",
            raised_at=at(raised),
            closed_at=at(raised + 3 * DAY) if closed else None,
        )
    rate = measures.alerts_resolved(YEAR, area)
    assert (rate.numerator, rate.denominator) == (2, 3)


def test_check_ups_due_in_the_period_and_reached(world, area):
    someone = person(world, "K-1")
    ended = episode(
        someone,
        referred=datetime.date(2024, 1, 1),
        started=datetime.date(2024, 1, 10),
        ended=datetime.date(2025, 3, 1),
        reason="completed_free",
    )
    today = datetime.date(2025, 12, 1)
    for months, due, outcome in [
        (1, datetime.date(2025, 4, 1), CheckUp.Outcome.DOING_WELL),
        (3, datetime.date(2025, 6, 1), CheckUp.Outcome.NOT_REACHED),
        (6, datetime.date(2025, 9, 1), ""),  # due, not done: counts against
        (12, datetime.date(2026, 3, 1), ""),  # not due yet today
    ]:
        CheckUp.objects.create(
            episode=ended,
            months=months,
            due_on=due,
            done_on=due if outcome else None,
            outcome=outcome,
        )
    rate = measures.check_ups_reached(YEAR, area, today=today)
    assert (rate.numerator, rate.denominator) == (1, 3)


def test_a_scope_needs_an_organisation_or_an_area():
    with pytest.raises(ValueError):
        Scope()
    with pytest.raises(ValueError):
        Period(END, YEAR.start)
