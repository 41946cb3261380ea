"""The 21-day continuity rule, at its edges and as properties."""

import datetime
import random

from hypothesis import given
from hypothesis import strategies as st

from caremap.episodes.continuity import CONTINUITY_DAYS, Span, continues, journeys

DAY = datetime.timedelta(days=1)
START = datetime.date(2026, 1, 5)


def keys(grouped):
    return [[span.key for span in journey] for journey in grouped]


def test_a_move_within_21_days_is_one_journey_and_22_days_is_two():
    first = Span("first", START, START + 30 * DAY)
    on_the_21st = Span("next", first.end + 21 * DAY, None)
    on_the_22nd = Span("next", first.end + 22 * DAY, None)
    assert keys(journeys([first, on_the_21st])) == [["first", "next"]]
    assert keys(journeys([first, on_the_22nd])) == [["first"], ["next"]]
    assert continues(first.end, first.end + CONTINUITY_DAYS * DAY)
    assert not continues(first.end, first.end + (CONTINUITY_DAYS + 1) * DAY)


def test_starting_the_next_on_the_day_the_last_ended_continues():
    first = Span("first", START, START + 10 * DAY)
    assert continues(first.end, first.end)
    assert keys(journeys([first, Span("next", first.end, None)])) == [["first", "next"]]


def test_an_overlap_at_another_service_continues_the_journey():
    long = Span("long", START, START + 100 * DAY)
    inside = Span("inside", START + 10 * DAY, START + 20 * DAY)
    after = Span("after", long.end + 5 * DAY, None)
    # The journey runs to the latest end seen, not the last one added.
    assert keys(journeys([after, inside, long])) == [["long", "inside", "after"]]


def test_an_open_episode_carries_on_into_anything_later():
    open_ = Span("open", START, None)
    much_later = Span("later", START + 400 * DAY, START + 500 * DAY)
    assert keys(journeys([open_, much_later])) == [["open", "later"]]


def test_episodes_that_never_started_are_in_no_journey():
    declined = Span("declined", None, START)
    waiting = Span("waiting", None, None)
    treated = Span("treated", START, None)
    assert keys(journeys([declined, waiting, treated])) == [["treated"]]
    assert journeys([declined, waiting]) == []


spans = st.lists(
    st.builds(
        lambda start, length: Span(
            f"{start}+{length}",
            START + start * DAY,
            None if length is None else START + (start + length) * DAY,
        ),
        st.integers(0, 400),
        st.one_of(st.none(), st.integers(0, 120)),
    ),
    max_size=12,
    unique_by=lambda span: span.key,
)


@given(spans, st.randoms())
def test_every_started_episode_is_in_exactly_one_journey_whatever_the_order(
    episodes, shuffler: random.Random
):
    grouped = journeys(episodes)
    shuffled = list(episodes)
    shuffler.shuffle(shuffled)
    assert keys(journeys(shuffled)) == keys(grouped)
    flat = [span for journey in grouped for span in journey]
    assert sorted(span.key for span in flat) == sorted(span.key for span in episodes)


@given(spans)
def test_journeys_are_apart_by_more_than_21_days_and_joined_within(episodes):
    grouped = journeys(episodes)
    for journey in grouped:
        latest = journey[0].end
        for span in journey[1:]:
            assert continues(latest, span.start)
            latest = (
                None if latest is None or span.end is None else max(latest, span.end)
            )
    for earlier, later in zip(grouped, grouped[1:], strict=False):
        ends = [span.end for span in earlier]
        assert None not in ends
        assert (later[0].start - max(ends)).days > CONTINUITY_DAYS
