"""Days as moments: where a date is compared with stored timestamps.

Comparing timestamps with the moment a day begins, rather than converting
each stored timestamp to a date, keeps indexes usable (and on SQLite avoids
a Python call for every row)."""

import datetime

from django.utils import timezone


def start_of(day: datetime.date) -> datetime.datetime:
    """The moment `day` begins in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def span(first: datetime.date, last: datetime.date):
    """[start, end) moments covering the days `first` to `last` inclusive."""
    return start_of(first), start_of(last + datetime.timedelta(days=1))
