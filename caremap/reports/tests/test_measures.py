"""The measures against hand-worked examples, including the edge cases the
published definitions turn on."""

import datetime
import re

import pytest
from django.conf import settings

from caremap.episodes import actions
from caremap.reports import measures
from caremap.reports.measures import Period, Scope
from caremap.testing.personas import make_person

YEAR = Period(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
DAY = datetime.timedelta(days=1)


def episode(
    person,
    *,
    referred,
    started=None,
    ended=None,
    reason="",
    group="alcohol",
    medication=False,
    by=None,
):
    return actions.record_episode(
        person,
        by=by,
        referred_on=referred,
        started_on=started,
        ended_on=ended,
        exit_reason=reason,
        referral_source="self",
        substance_group=group,
        on_substitution_medication=medication,
    )


def completed(person, ended, group="alcohol", medication=False):
    return episode(
        person,
        referred=ended - 200 * DAY,
        started=ended - 190 * DAY,
        ended=ended,
        reason="completed_free",
        group=group,
        medication=medication,
    )


@pytest.fixture
def area(world):
    return Scope(area_id=world.area.pk)


def test_a_return_on_day_182_is_a_representation_and_day_183_is_not(world, area):
    exit_day = datetime.date(2025, 6, 30)
    back_182 = make_person(world.riverside, reference="P-182")
    back_183 = make_person(world.riverside, reference="P-183", given_name="Tom")
    completed(back_182, exit_day)
    completed(back_183, exit_day)
    # Each comes back at another service in the area, recorded the same way.
    elsewhere_182 = make_person(world.hillside, reference="H-182")
    elsewhere_183 = make_person(world.hillside, reference="H-183", given_name="Tom")
    episode(elsewhere_182, referred=exit_day + 182 * DAY)
    episode(elsewhere_183, referred=exit_day + 183 * DAY)
    rate = measures.successful_completion(
        YEAR, Scope(organisation_id=world.riverside.pk), "alcohol"
    )
    # Both were in treatment; only the day-183 return leaves a success.
    assert (rate.numerator, rate.denominator) == (1, 2)


def test_an_opiate_exit_on_medication_is_not_a_success(world, area):
    on = make_person(world.riverside, reference="O-1")
    off = make_person(world.riverside, reference="O-2", given_name="Tom")
    completed(on, datetime.date(2025, 9, 1), group="opiate", medication=True)
    completed(off, datetime.date(2025, 9, 1), group="opiate", medication=False)
    rate = measures.successful_completion(YEAR, area, "opiate")
    assert (rate.numerator, rate.denominator) == (1, 2)


def test_a_person_in_two_groups_over_time_counts_in_each(world, area):
    person = make_person(world.riverside, reference="G-1")
    completed(person, datetime.date(2025, 5, 1), group="opiate")
    episode(
        person,
        referred=datetime.date(2025, 9, 1),
        started=datetime.date(2025, 9, 8),
        group="alcohol",
    )
    opiate = measures.successful_completion(YEAR, area, "opiate")
    alcohol = measures.successful_completion(YEAR, area, "alcohol")
    # The alcohol episode began within 182 days of the opiate exit: a
    # re-presentation, so no success for opiates; in treatment for alcohol.
    assert (opiate.numerator, opiate.denominator) == (0, 1)
    assert (alcohol.numerator, alcohol.denominator) == (0, 1)


def test_the_period_bounds_who_was_in_treatment(world, area):
    before = make_person(world.riverside, reference="B-1")
    completed(before, YEAR.start - DAY)  # ended the day before the period
    on_first_day = make_person(world.riverside, reference="B-2", given_name="Tom")
    completed(on_first_day, YEAR.start)
    waiting = make_person(world.riverside, reference="B-3", given_name="Ann")
    episode(waiting, referred=YEAR.start + 10 * DAY)  # never started
    rate = measures.successful_completion(YEAR, area, "alcohol")
    assert (rate.numerator, rate.denominator) == (1, 1)


def test_waiting_times_share_within_21_days_and_median(world, area):
    referred = datetime.date(2025, 7, 1)
    for number, wait in enumerate([0, 5, 21, 22, 40]):
        person = make_person(
            world.riverside, reference=f"W-{number}", given_name=f"P{number}"
        )
        episode(person, referred=referred, started=referred + wait * DAY)
    waits = measures.waiting_times(YEAR, area, "alcohol")
    assert (waits.within.numerator, waits.within.denominator) == (3, 5)
    assert waits.median_days == 21
    person = make_person(world.riverside, reference="W-6", given_name="Six")
    episode(person, referred=referred, started=referred + 30 * DAY)
    assert measures.waiting_times(YEAR, area, "alcohol").median_days == 21.5


def test_no_one_in_treatment_gives_no_rate(world, area):
    rate = measures.successful_completion(YEAR, area, "non_opiate")
    assert rate.value is None and rate.interval is None
    assert measures.waiting_times(YEAR, area, "non_opiate").median_days is None


def test_every_measure_in_code_is_documented():
    text = (settings.PROJECT_DIR / "docs" / "measures.md").read_text()
    headings = set(re.findall(r"^## .*`([a-z-]+)`", text, flags=re.M))
    assert headings == set(measures.MEASURES)
