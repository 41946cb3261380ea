"""When a service next meets, worked out from HSDS schedule rows.

The example tests give exact expected datetimes, worked out from a calendar
by hand (Europe/London; in 2026 the clocks go forward on Sunday 29 March and
back on Sunday 25 October). The property tests check the answer against a
day-by-day walk of the calendar.
"""

import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from caremap.directory.models import Schedule
from caremap.directory.schedules import (
    Meeting,
    meetings_between,
    next_meeting,
    parse_time,
)

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def at(year, month, day, hour=0, minute=0, tz=LONDON):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=tz)


def weekly(byday, opens="19:00", closes="20:30", **fields):
    return {
        "freq": "WEEKLY",
        "byday": byday,
        "opens_at": opens,
        "closes_at": closes,
        **fields,
    }


def next_of(row, after):
    return next_meeting([row], after, LONDON)


def same_instant_and_wall(actual, expected):
    """Equal as instants and as local wall-clock times (offset included)."""
    local = actual.astimezone(LONDON)
    return (
        actual == expected
        and local.replace(tzinfo=None) == expected.replace(tzinfo=None)
        and local.utcoffset() == expected.utcoffset()
    )


# Weekly -------------------------------------------------------------------


def test_weekly_meeting_later_the_same_day():
    meeting = next_of(weekly("TU"), at(2026, 11, 24, 12))
    assert meeting == Meeting(at(2026, 11, 24, 19), at(2026, 11, 24, 20, 30))
    assert meeting.all_day is False


def test_weekly_meeting_next_week_once_today_has_finished():
    meeting = next_of(weekly("TU"), at(2026, 11, 24, 20, 30))
    assert meeting.start == at(2026, 12, 1, 19)
    assert meeting.end == at(2026, 12, 1, 20, 30)


def test_meeting_in_progress_is_the_next_meeting():
    meeting = next_of(weekly("TU"), at(2026, 11, 24, 20, 0))
    assert meeting.start == at(2026, 11, 24, 19)
    assert meeting.start < at(2026, 11, 24, 20, 0) < meeting.end


def test_weekly_on_several_days_gives_the_soonest():
    row = weekly("MO,TH", "10:00", "12:00")
    assert next_of(row, at(2026, 11, 24, 9)).start == at(2026, 11, 26, 10)
    assert next_of(row, at(2026, 11, 27, 9)).start == at(2026, 11, 30, 10)


def test_soonest_of_several_schedules():
    rows = [weekly("FR", "17:00", "21:00"), weekly("SA", "11:00", "15:00")]
    assert next_meeting(rows, at(2026, 11, 27, 22), LONDON).start == at(
        2026, 11, 28, 11
    )
    assert next_meeting(rows, at(2026, 11, 27, 16), LONDON).start == at(
        2026, 11, 27, 17
    )


def test_after_in_another_zone_is_the_same_instant():
    # 19:15 UTC on 24 June is 20:15 in London: the 19:00-20:30 meeting is on.
    meeting = next_of(weekly("WE"), at(2026, 6, 24, 19, 15, tz=UTC))
    assert meeting.start == at(2026, 6, 24, 19)
    # 19:45 UTC is 20:45 in London: it has finished, so next week.
    meeting = next_of(weekly("WE"), at(2026, 6, 24, 19, 45, tz=UTC))
    assert meeting.start == at(2026, 7, 1, 19)


def test_meeting_past_midnight_ends_the_next_day():
    row = weekly("SA", "22:00", "02:00")
    meeting = next_of(row, at(2026, 11, 29, 1, 0))  # Sunday 01:00
    assert meeting.start == at(2026, 11, 28, 22)
    assert meeting.end == at(2026, 11, 29, 2)


def test_a_schedule_model_instance_is_read_like_a_mapping():
    row = Schedule(freq="WEEKLY", interval=1.0, byday="TU", opens_at="19:00")
    meeting = next_of(row, at(2026, 11, 24, 12))
    assert meeting == Meeting(at(2026, 11, 24, 19), None)


# The clocks changing ------------------------------------------------------


def test_sunday_1930_meeting_stays_1930_the_day_the_clocks_go_back():
    row = weekly("SU", "19:30", "21:00")
    before = next_of(row, at(2026, 10, 18, 12))
    on_the_day = next_of(row, at(2026, 10, 24, 12))
    assert same_instant_and_wall(
        before.start, datetime.datetime(2026, 10, 18, 19, 30, tzinfo=LONDON)
    )
    assert before.start.utcoffset() == datetime.timedelta(hours=1)
    assert on_the_day.start.astimezone(LONDON).hour == 19
    assert on_the_day.start.astimezone(LONDON).minute == 30
    assert on_the_day.start.utcoffset() == datetime.timedelta(0)
    assert on_the_day.start == datetime.datetime(2026, 10, 25, 19, 30, tzinfo=UTC)


def test_tuesday_1930_meeting_across_the_clocks_going_forward():
    row = weekly("TU", "19:30", "21:00")
    # Asked on the Tuesday before the change, after that week's meeting.
    meeting = next_of(row, at(2026, 3, 24, 22))
    assert meeting.start == datetime.datetime(2026, 3, 31, 18, 30, tzinfo=UTC)
    assert meeting.start.astimezone(LONDON).strftime("%H:%M") == "19:30"
    assert meeting.end == datetime.datetime(2026, 3, 31, 20, 0, tzinfo=UTC)


def test_week_of_meetings_across_the_change_all_at_1930_local():
    row = weekly(",".join(DAY_CODES), "19:30", "20:30")
    found = meetings_between([row], at(2026, 10, 22, 0), at(2026, 10, 29, 0), LONDON)
    assert [m.start.astimezone(LONDON).day for m in found] == list(range(22, 29))
    assert {m.start.astimezone(LONDON).strftime("%H:%M") for m in found} == {"19:30"}
    offsets = [m.start.utcoffset().total_seconds() / 3600 for m in found]
    assert offsets == [1, 1, 1, 0, 0, 0, 0]


# Times with an offset -----------------------------------------------------


def test_opening_time_with_summer_offset_is_converted_in_winter():
    row = weekly("TU", "19:30+01:00", "21:00+01:00")
    meeting = next_of(row, at(2026, 11, 24, 12))
    assert meeting.start == at(2026, 11, 24, 18, 30)
    assert meeting.end == at(2026, 11, 24, 20)


def test_opening_time_with_summer_offset_in_summer_is_unchanged():
    row = weekly("TU", "19:30+01:00", "21:00+01:00")
    meeting = next_of(row, at(2026, 6, 23, 12))
    assert meeting.start == at(2026, 6, 23, 19, 30)


def test_opening_time_in_utc():
    row = weekly("TU", "18:00Z", "19:00Z")
    assert next_of(row, at(2026, 6, 23, 12)).start == at(2026, 6, 23, 19)
    assert next_of(row, at(2026, 11, 24, 12)).start == at(2026, 11, 24, 18)


def test_parse_time():
    assert parse_time("19:30") == (datetime.time(19, 30), None)
    assert parse_time("07:05:09") == (datetime.time(7, 5, 9), None)
    assert parse_time("19:30Z") == (datetime.time(19, 30), UTC)
    assert parse_time("19:30-05:00") == (
        datetime.time(19, 30),
        datetime.timezone(-datetime.timedelta(hours=5)),
    )
    assert parse_time("19:30+0530") == (
        datetime.time(19, 30),
        datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
    )
    for bad in ("7pm", "25:00", "19:60", "", None):
        assert parse_time(bad) is None


# Every other week ---------------------------------------------------------


def test_every_other_week_counts_fortnights_from_dtstart():
    # 23 November 2026 is 46 weeks after Monday 5 January 2026: an "on" week.
    row = weekly("MO", "18:30", "20:00", interval=2, dtstart="2026-01-05")
    assert next_of(row, at(2026, 11, 23, 9)).start == at(2026, 11, 23, 18, 30)
    # The next Monday is an "off" week.
    assert next_of(row, at(2026, 11, 23, 21)).start == at(2026, 12, 7, 18, 30)
    assert next_of(row, at(2026, 11, 30, 9)).start == at(2026, 12, 7, 18, 30)


def test_every_other_week_before_dtstart_starts_on_dtstart():
    row = weekly("MO", "18:30", "20:00", interval=2, dtstart="2027-01-04")
    assert next_of(row, at(2026, 11, 23, 9)).start == at(2027, 1, 4, 18, 30)


def test_nothing_beyond_the_horizon():
    row = weekly("MO", "18:30", "20:00", interval=2, dtstart="2028-06-05")
    assert next_of(row, at(2026, 11, 23, 9)) is None
    assert next_meeting(
        [row], at(2026, 11, 23, 9), LONDON, horizon=datetime.timedelta(days=600)
    ).start == at(2028, 6, 5, 18, 30)


def test_every_other_week_without_dtstart_gives_no_date():
    row = weekly("MO", "18:30", "20:00", interval=2)
    assert next_of(row, at(2026, 11, 23, 9)) is None


# Monthly ------------------------------------------------------------------


def test_first_tuesday_of_the_month():
    row = {"freq": "MONTHLY", "byday": "1TU", "opens_at": "19:00", "closes_at": "20:30"}
    assert next_of(row, at(2026, 11, 4, 9)).start == at(2026, 12, 1, 19)
    assert next_of(row, at(2026, 12, 1, 9)).start == at(2026, 12, 1, 19)
    assert next_of(row, at(2026, 12, 1, 21)).start == at(2027, 1, 5, 19)


def test_last_friday_of_the_month():
    row = {
        "freq": "MONTHLY",
        "byday": "-1FR",
        "opens_at": "10:00",
        "closes_at": "11:00",
    }
    assert next_of(row, at(2026, 11, 1, 9)).start == at(2026, 11, 27, 10)
    assert next_of(row, at(2026, 11, 27, 12)).start == at(2026, 12, 25, 10)
    # October 2026 has five Fridays; the last is the 30th.
    assert next_of(row, at(2026, 10, 24, 9)).start == at(2026, 10, 30, 10)


def test_monthly_by_day_of_month():
    row = {"freq": "MONTHLY", "bymonthday": "15", "opens_at": "09:00"}
    assert next_of(row, at(2026, 11, 16, 9)).start == at(2026, 12, 15, 9)


def test_monthly_from_dtstart_alone_keeps_dtstart_day_of_month():
    """RFC 5545: a MONTHLY rule with no BYDAY or BYMONTHDAY recurs on
    DTSTART's day of the month."""
    row = {
        "freq": "MONTHLY",
        "dtstart": "2026-01-15",
        "opens_at": "18:00",
        "closes_at": "19:00",
    }
    assert next_of(row, at(2026, 11, 20, 9)).start == at(2026, 12, 15, 18)


# Limits: valid_from, valid_to, until, count -------------------------------


def test_valid_from_holds_meetings_back():
    row = weekly("TU", valid_from="2026-12-10")
    assert next_of(row, at(2026, 11, 24, 9)).start == at(2026, 12, 15, 19)


def test_valid_to_ends_the_meetings():
    row = weekly("TU", valid_to="2026-12-01")
    assert next_of(row, at(2026, 11, 30, 9)).start == at(2026, 12, 1, 19)
    assert next_of(row, at(2026, 12, 1, 21)) is None


def test_until_ends_the_meetings():
    row = weekly("TU", until="2026-12-08")
    assert next_of(row, at(2026, 12, 2, 9)).start == at(2026, 12, 8, 19)
    assert next_of(row, at(2026, 12, 8, 21)) is None


def test_count_ends_the_meetings():
    row = weekly("TU", dtstart="2026-11-03", count=3)
    assert next_of(row, at(2026, 11, 1, 9)).start == at(2026, 11, 3, 19)
    assert next_of(row, at(2026, 11, 11, 9)).start == at(2026, 11, 17, 19)
    assert next_of(row, at(2026, 11, 17, 21)) is None


def test_meetings_between_lists_each_in_order():
    rows = [weekly("TU"), weekly("TH", "12:30", "13:30")]
    found = meetings_between(rows, at(2026, 11, 24, 0), at(2026, 12, 3, 0), LONDON)
    assert [m.start for m in found] == [
        at(2026, 11, 24, 19),
        at(2026, 11, 26, 12, 30),
        at(2026, 12, 1, 19),
    ]


# All-day rows and rows in words only --------------------------------------


def test_all_day_row_without_opening_time():
    row = {"freq": "WEEKLY", "byday": "SA"}
    meeting = next_of(row, at(2026, 11, 25, 9))
    assert meeting == Meeting(at(2026, 11, 28), None, all_day=True)
    # Still "on" in the middle of the day.
    assert next_of(row, at(2026, 11, 28, 15)).start == at(2026, 11, 28)
    assert next_of(row, at(2026, 11, 29, 0, 1)).start == at(2026, 12, 5)


def test_rows_in_words_only_give_no_date():
    rows = [
        {"description": "Ring to ask when the next meeting is."},
        {"freq": "", "description": "Most Tuesdays"},
        {"freq": "FORTNIGHTLY", "byday": "TU", "opens_at": "19:00"},
        {"freq": "WEEKLY", "byday": "Tuesdays", "opens_at": "19:00"},
        {"freq": "WEEKLY", "byday": "TU", "opens_at": "7pm"},
        {"freq": "MONTHLY", "bymonthday": "the first", "opens_at": "19:00"},
    ]
    for row in rows:
        assert next_of(row, at(2026, 11, 24, 9)) is None, row
    assert next_meeting(rows, at(2026, 11, 24, 9), LONDON) is None
    assert next_meeting([], at(2026, 11, 24, 9), LONDON) is None


def test_a_row_in_words_does_not_hide_a_usable_one():
    rows = [{"description": "Also by appointment."}, weekly("TU")]
    assert next_meeting(rows, at(2026, 11, 24, 9), LONDON).start == at(2026, 11, 24, 19)


# Properties ---------------------------------------------------------------

ZONES = st.sampled_from([LONDON, UTC, ZoneInfo("America/New_York")])


@st.composite
def aware_datetimes(draw):
    naive = draw(
        st.datetimes(
            min_value=datetime.datetime(2024, 1, 1),
            max_value=datetime.datetime(2030, 12, 31),
        )
    )
    return naive.replace(tzinfo=draw(ZONES))


def wall(day, time):
    return datetime.datetime.combine(day, time).replace(tzinfo=LONDON)


@settings(max_examples=150, deadline=None)
@given(
    days=st.sets(st.sampled_from(DAY_CODES), min_size=1),
    opens=st.times(min_value=datetime.time(6, 0), max_value=datetime.time(21, 0)).map(
        lambda t: t.replace(second=0, microsecond=0)
    ),
    minutes=st.integers(min_value=15, max_value=150),
    after=aware_datetimes(),
)
def test_property_weekly_next_meeting_is_the_first_not_finished(
    days, opens, minutes, after
):
    closes = (datetime.datetime.combine(datetime.date(2000, 1, 1), opens)) + (
        datetime.timedelta(minutes=minutes)
    )
    row = weekly(
        ",".join(sorted(days)), opens.strftime("%H:%M"), closes.strftime("%H:%M")
    )
    meeting = next_of(row, after)
    assert meeting is not None
    start = meeting.start.astimezone(LONDON)
    assert DAY_CODES[start.weekday()] in days
    assert start.strftime("%H:%M") == opens.strftime("%H:%M")
    assert meeting.end > after
    # Walk the calendar day by day: no meeting of the rule that has not
    # finished by `after` starts before the one found.
    day = after.astimezone(LONDON).date() - datetime.timedelta(days=1)
    while day <= start.date():
        if DAY_CODES[day.weekday()] in days:
            candidate = wall(day, opens)
            candidate_end = wall(day, closes.time())
            if candidate_end > after:
                assert candidate >= meeting.start, (candidate, meeting)
        day += datetime.timedelta(days=1)


MONTHLY_ORDINALS = st.sampled_from([1, 2, 3, 4, -1])


@settings(max_examples=150, deadline=None)
@given(n=MONTHLY_ORDINALS, day=st.sampled_from(DAY_CODES), after=aware_datetimes())
def test_property_monthly_nth_weekday(n, day, after):
    row = {
        "freq": "MONTHLY",
        "byday": f"{n}{day}",
        "opens_at": "18:00",
        "closes_at": "19:00",
    }
    meeting = next_of(row, after)
    assert meeting is not None
    date = meeting.start.astimezone(LONDON).date()
    assert DAY_CODES[date.weekday()] == day
    if n > 0:
        assert (date.day - 1) // 7 + 1 == n
    else:
        assert (date + datetime.timedelta(days=7)).month != date.month
    assert meeting.end > after
    # No earlier month qualifies: the month before the one found either
    # ended before `after` or its meeting had finished by then.
    first_of_month = date.replace(day=1)
    previous_month_day = first_of_month - datetime.timedelta(days=1)
    earlier = [
        previous_month_day.replace(day=d)
        for d in range(1, previous_month_day.day + 1)
        if DAY_CODES[previous_month_day.replace(day=d).weekday()] == day
    ]
    earlier_meeting = earlier[n - 1] if n > 0 else earlier[-1]
    assert wall(earlier_meeting, datetime.time(19)) <= after


@settings(max_examples=150, deadline=None)
@given(
    # dtstart up to about five years before `after`, or a little after it
    # (inside the 400-day horizon next_meeting looks ahead).
    offset=st.integers(min_value=-1900, max_value=380),
    after=aware_datetimes(),
)
def test_property_every_other_week_is_whole_fortnights_from_dtstart(offset, after):
    dtstart = after.astimezone(LONDON).date() + datetime.timedelta(days=offset)
    row = weekly(
        DAY_CODES[dtstart.weekday()],
        "18:30",
        "20:00",
        interval=2,
        dtstart=dtstart.isoformat(),
    )
    meeting = next_of(row, after)
    assert meeting is not None
    date = meeting.start.astimezone(LONDON).date()
    assert date >= dtstart
    assert (date - dtstart).days % 14 == 0
    assert meeting.end > after
    # The fortnight before was either before dtstart or already over.
    previous = date - datetime.timedelta(days=14)
    assert previous < dtstart or wall(previous, datetime.time(20)) <= after


def test_interval_given_as_text_like_count():
    row = weekly("TU", interval="2", dtstart="2026-01-06", count="100")
    assert next_of(row, at(2026, 11, 1, 9)).start == at(2026, 11, 10, 19)


def test_count_without_a_first_date_gives_no_date():
    # "The first five times" counts from nothing.
    assert next_of(weekly("TU", count=5), at(2026, 11, 27, 12)) is None


def test_weekly_without_days_or_first_date_gives_no_date():
    row = {"freq": "WEEKLY", "opens_at": "10:00"}
    assert next_of(row, at(2026, 11, 27, 12)) is None


def test_monthly_on_the_31st_skips_short_months():
    row = {"freq": "MONTHLY", "dtstart": "2026-01-31", "opens_at": "10:00"}
    # After 31 October the next 31st is in December: November has 30 days.
    assert next_of(row, at(2026, 11, 1, 12)).start == at(2026, 12, 31, 10)


def test_bad_interval_or_count_makes_the_row_unusable():
    after = at(2026, 11, 27, 12)
    assert next_of(weekly("TU", interval="two"), after) is None
    assert next_of(weekly("TU", interval=0.5), after) is None
    assert next_of(weekly("TU", count="-1", dtstart="2026-01-06"), after) is None
