"""Each episode knows the first day of its treatment journey, kept up to
date as episodes are recorded and changed, across services in the area."""

import datetime

from caremap.episodes import actions
from caremap.episodes.models import Episode
from caremap.testing.personas import make_person

D = datetime.date


def record(person, by, referred, started, ended=None, reason=""):
    return actions.record_episode(
        person,
        by=by,
        referred_on=referred,
        started_on=started,
        ended_on=ended,
        exit_reason=reason,
        referral_source="self",
        substance_group="alcohol",
    )


def starts(*episodes):
    return [Episode.objects.get(pk=e.pk).journey_started_on for e in episodes]


def test_a_move_within_21_days_carries_the_journey_across_services(world):
    here = make_person(world.riverside, reference="J-1", given_name="Iolo", sex="male")
    there = make_person(world.hillside, reference="J-1H", given_name="Iolo", sex="male")
    first = record(
        here, world.alice, D(2025, 1, 1), D(2025, 1, 5), D(2025, 3, 1), "transferred"
    )
    second = record(there, world.oscar, D(2025, 3, 2), D(2025, 3, 22))
    assert starts(first, second) == [D(2025, 1, 5), D(2025, 1, 5)]


def test_changing_an_exit_date_splits_the_journey_again(world):
    person = make_person(world.riverside, reference="J-2", given_name="Owain")
    first = record(
        person, world.alice, D(2025, 1, 1), D(2025, 1, 5), D(2025, 3, 1), "dropped_out"
    )
    second = record(person, world.alice, D(2025, 3, 10), D(2025, 3, 20))
    assert starts(first, second) == [D(2025, 1, 5), D(2025, 1, 5)]
    actions.change_episode(first, by=world.alice, ended_on=D(2025, 2, 26))
    # 22 days from 26 February to 20 March: a new journey.
    assert starts(first, second) == [D(2025, 1, 5), D(2025, 3, 20)]


def test_an_episode_that_never_started_has_no_journey(world):
    person = make_person(world.riverside, reference="J-3", given_name="Elin")
    waiting = record(person, world.alice, D(2025, 5, 1), None)
    assert starts(waiting) == [None]
