"""When a service next meets, from its HSDS schedules.

HSDS writes a regular schedule in iCalendar terms (RFC 5545): `freq`,
`interval`, `byday` ("TU", "MO,TH", or "1TU" for the first Tuesday of the
month and "-1FR" for the last Friday), `bymonthday`, `dtstart`, `until`,
`count`, and the wall-clock `opens_at` and `closes_at`. dateutil's `rrule`
does the calendar arithmetic; this module turns HSDS rows into rules and
rules into meetings. It reads any object or mapping with the HSDS field
names (a `Schedule` or an exported dict) and touches no database.

Times without an offset are local to the service (wall-clock, so a 19:30
meeting stays at 19:30 across the clocks changing). Times with an offset
("19:30+01:00" or "Z") are converted to local time.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil import rrule

FREQUENCIES = {
    "DAILY": rrule.DAILY,
    "WEEKLY": rrule.WEEKLY,
    "MONTHLY": rrule.MONTHLY,
    "YEARLY": rrule.YEARLY,
}
WEEKDAYS = {
    "MO": rrule.MO,
    "TU": rrule.TU,
    "WE": rrule.WE,
    "TH": rrule.TH,
    "FR": rrule.FR,
    "SA": rrule.SA,
    "SU": rrule.SU,
}
DAY_TOKEN = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
TIME = re.compile(
    r"^(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?"
    r"(?P<tz>Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$"
)

# How far ahead to look for a next meeting: further than a quarterly event.
HORIZON = datetime.timedelta(days=400)


@dataclass(frozen=True)
class Meeting:
    """One occurrence: local start and end (None when the end is not
    known); `all_day` when the schedule gives no opening time."""

    start: datetime.datetime
    end: datetime.datetime | None
    all_day: bool = False


def _field(schedule, name):
    if isinstance(schedule, dict):
        return schedule.get(name)
    return getattr(schedule, name, None)


def parse_time(text) -> tuple[datetime.time, datetime.tzinfo | None] | None:
    """'19:30' -> (19:30, None); '19:30+01:00' -> (19:30, UTC+1); bad -> None."""
    if not text:
        return None
    match = TIME.match(str(text).strip())
    if not match:
        return None
    at = datetime.time(int(match["h"]), int(match["m"]), int(match["s"] or 0))
    tz = match["tz"]
    if tz is None:
        return at, None
    if tz == "Z":
        return at, datetime.UTC
    sign = 1 if tz[0] == "+" else -1
    digits = tz[1:].replace(":", "")
    offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return at, datetime.timezone(sign * offset)


def parse_date(text) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(str(text).strip()[:10])
    except ValueError:
        return None


def weekdays(byday) -> list[rrule.weekday] | None:
    """'1TU,-1FR' -> [TU(+1), FR(-1)]; None when any part is not a day."""
    days = []
    for token in str(byday).replace(" ", "").upper().split(","):
        match = DAY_TOKEN.match(token)
        if not match:
            return None
        day = WEEKDAYS[match.group(2)]
        days.append(day(int(match.group(1))) if match.group(1) else day)
    return days


def _number(value):
    """A count or interval as a number (tabular data gives text); None when
    not given, False when not a whole number of at least 1."""
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    if number < 1 or number != int(number):
        return False
    return number


def _integers(text) -> list[int] | None:
    try:
        return [int(part) for part in str(text).split(",")]
    except ValueError:
        return None


class Recurrence:
    """A schedule row as a calendar rule, or `usable` False when the row
    describes its times only in words (or gives them wrongly)."""

    def __init__(self, schedule, tz: datetime.tzinfo):
        self.tz = tz
        self.usable = False
        freq = str(_field(schedule, "freq") or "").upper()
        if freq not in FREQUENCIES:
            return
        self.freq = freq
        opens = parse_time(_field(schedule, "opens_at"))
        closes = parse_time(_field(schedule, "closes_at"))
        if _field(schedule, "opens_at") and opens is None:
            return
        self.all_day = opens is None
        self.opens = opens
        self.closes = closes
        interval = _number(_field(schedule, "interval"))
        if interval is False:
            return
        self.interval = max(int(interval or 1), 1)
        self.dtstart = parse_date(_field(schedule, "dtstart"))
        count = _number(_field(schedule, "count"))
        if count is False:
            return
        self.count = int(count) if count else None
        # Every other week, or the first five times, mean nothing without a
        # first date to count from.
        if (self.interval > 1 or self.count) and self.dtstart is None:
            return
        self.until = parse_date(_field(schedule, "until"))
        self.valid_from = parse_date(_field(schedule, "valid_from"))
        self.valid_to = parse_date(_field(schedule, "valid_to"))
        self.options = {}
        byday = _field(schedule, "byday")
        if byday:
            days = weekdays(byday)
            if days is None:
                return
            self.options["byweekday"] = days
        bymonthday = _field(schedule, "bymonthday")
        if bymonthday:
            monthdays = _integers(bymonthday)
            if monthdays is None:
                return
            self.options["bymonthday"] = monthdays
        # Without days or a first date, the day it meets would depend on the
        # day someone asked.
        if self.dtstart is None and not (byday or bymonthday):
            return
        wkst = str(_field(schedule, "wkst") or "").upper()
        if wkst in WEEKDAYS:
            self.options["wkst"] = WEEKDAYS[wkst]
        self.usable = True

    def _anchor(self, after: datetime.date) -> datetime.date:
        """The rule's first date, moved forward by whole periods to just
        before `after` so dateutil need not walk years of past meetings. A
        rule with a count must be walked from its real start."""
        start = self.dtstart or (self.valid_from or after) - datetime.timedelta(days=40)
        if self.count or start >= after:
            return start
        if self.freq == "DAILY":
            step = self.interval
            periods = (after - start).days // step - 1
            return start + datetime.timedelta(days=max(periods, 0) * step)
        if self.freq == "WEEKLY":
            step = 7 * self.interval
            periods = (after - start).days // step - 1
            return start + datetime.timedelta(days=max(periods, 0) * step)
        # A rule with only a first date meets on that date's day of the
        # month (and month of the year), so those must survive the move.
        keep_day = not self.options.get("byweekday") and not self.options.get(
            "bymonthday"
        )
        if self.freq == "MONTHLY":
            months = (after.year - start.year) * 12 + after.month - start.month
            periods = max(months // self.interval - 1, 0)
            month_index = start.month - 1 + periods * self.interval
            year, month = start.year + month_index // 12, month_index % 12 + 1
        else:
            years = max((after.year - start.year) // self.interval - 1, 0)
            year, month = start.year + years * self.interval, start.month
        if not keep_day:
            return datetime.date(year, month, 1)
        # dateutil skips months too short for the day (no 31 April), as
        # iCalendar does, so step back to a period that has the day; never
        # before the rule's own start.
        index = year * 12 + month - 1
        step = self.interval if self.freq == "MONTHLY" else 12 * self.interval
        while index >= start.year * 12 + start.month - 1:
            try:
                return datetime.date(index // 12, index % 12 + 1, start.day)
            except ValueError:
                index -= step
        return start

    def _wall_time(self) -> datetime.time:
        return self.opens[0] if self.opens else datetime.time(0, 0)

    def _meeting(self, wall: datetime.datetime) -> Meeting:
        if self.all_day:
            start = wall.replace(tzinfo=self.tz)
            return Meeting(start, None, all_day=True)
        start = self._localise(wall, self.opens[1])
        end = None
        if self.closes:
            closes_wall = datetime.datetime.combine(wall.date(), self.closes[0])
            if closes_wall <= wall:  # runs past midnight
                closes_wall += datetime.timedelta(days=1)
            end = self._localise(closes_wall, self.closes[1])
        return Meeting(start, end)

    def _localise(self, wall, offset):
        if offset is None:
            return wall.replace(tzinfo=self.tz)
        return wall.replace(tzinfo=offset).astimezone(self.tz)

    def between(self, start: datetime.datetime, end: datetime.datetime):
        """Meetings that have not finished by `start` and begin before `end`
        (both aware)."""
        return list(self._between(start, end))

    def first_between(self, start, end) -> Meeting | None:
        """The first of `between`: a next meeting needs no more, and working
        out the rest was most of the cost of searching a large directory."""
        return next(self._between(start, end), None)

    def _between(self, start, end):
        local_start = start.astimezone(self.tz)
        local_end = end.astimezone(self.tz)
        # A day's slack either side covers offsets and meetings in progress.
        first_day = local_start.date() - datetime.timedelta(days=1)
        window_start = local_start.replace(tzinfo=None) - datetime.timedelta(days=1)
        window_end = local_end.replace(tzinfo=None) + datetime.timedelta(days=1)
        walls = self._walls(first_day, window_start, window_end)
        for meeting in map(self._meeting, walls):
            if self._overlaps(meeting, start, end):
                yield meeting

    def _overlaps(self, meeting, start, end):
        finish = meeting.end or (
            meeting.start + datetime.timedelta(days=1)
            if meeting.all_day
            else meeting.start
        )
        return finish > start and meeting.start < end

    def _simple_weekly(self):
        """Every week (or day) on plain weekdays, with no limits: common
        enough, and cheap enough to count out by hand, that searching a large
        directory need not build a calendar rule for each service."""
        return (
            self.freq in ("WEEKLY", "DAILY")
            and self.interval == 1
            and not (self.count or self.until or self.valid_from or self.valid_to)
            and "bymonthday" not in self.options
            and all(day.n is None for day in self.options.get("byweekday", ()))
            and (self.freq == "DAILY" or "byweekday" in self.options)
        )

    def _walls(self, first_day, window_start, window_end):
        """Wall-clock starts of the meetings from `window_start` to
        `window_end` (naive local times)."""
        if self._simple_weekly():
            days = {day.weekday for day in self.options.get("byweekday", ())}
            at = self._wall_time()
            day = window_start.date()
            while day <= window_end.date():
                wall = datetime.datetime.combine(day, at)
                if (not days or day.weekday() in days) and (
                    window_start <= wall <= window_end
                ):
                    yield wall
                day += datetime.timedelta(days=1)
            return
        anchor = self._anchor(first_day)
        until = self.until
        if self.valid_to and (until is None or self.valid_to < until):
            until = self.valid_to
        rule = rrule.rrule(
            FREQUENCIES[self.freq],
            dtstart=datetime.datetime.combine(anchor, self._wall_time()),
            interval=self.interval,
            count=self.count,
            until=(
                datetime.datetime.combine(until, datetime.time.max) if until else None
            ),
            **self.options,
        )
        for wall in rule.xafter(window_start, inc=True):
            if wall > window_end:
                return
            if self.valid_from and wall.date() < self.valid_from:
                continue
            yield wall


def meetings_between(
    schedules: Iterable, start: datetime.datetime, end: datetime.datetime, tz
) -> list[Meeting]:
    """Every meeting of any of `schedules` overlapping [start, end), in
    order."""
    found = []
    for schedule in schedules:
        recurrence = Recurrence(schedule, tz)
        if recurrence.usable:
            found.extend(recurrence.between(start, end))
    return sorted(found, key=lambda m: m.start)


def next_meeting(
    schedules: Iterable, after: datetime.datetime, tz, *, horizon=HORIZON
) -> Meeting | None:
    """The first meeting that has not yet finished at `after`, within
    `horizon`; None if the schedules give no dates (or none are left)."""
    best = None
    for schedule in schedules:
        recurrence = Recurrence(schedule, tz)
        if not recurrence.usable:
            continue
        # Meetings come in order, so the first is found without walking
        # the rest of the horizon.
        meeting = recurrence.first_between(after, after + horizon)
        if meeting is not None and (best is None or meeting.start < best.start):
            best = meeting
    return best
