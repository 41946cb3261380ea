"""The national continuity rule: moving between services counts as one
journey when the next episode's first intervention begins no more than 21
days (inclusive) after the last one ended.

Pure: plain dates in, journeys out. Episodes that never started (declined,
or still waiting) were not treatment, so they belong to no journey.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

CONTINUITY_DAYS = 21


@dataclass(frozen=True)
class Span:
    """One episode as the rule sees it: `key` identifies it to the caller."""

    key: Any
    start: datetime.date | None
    end: datetime.date | None = None


def continues(ended: datetime.date | None, next_start: datetime.date) -> bool:
    """Whether treatment that ended on `ended` (None: it has not) carries on
    into treatment starting on `next_start`."""
    if ended is None:
        return True
    return (next_start - ended).days <= CONTINUITY_DAYS


def journeys(spans) -> list[list[Span]]:
    """`spans` (one person's episodes, in any order) grouped into journeys,
    each in order of start. An episode that overlaps the journey so far, or
    starts within 21 days of its latest end, continues it."""
    started = sorted(
        (span for span in spans if span.start is not None),
        key=lambda span: (span.start, span.end or datetime.date.max),
    )
    grouped: list[list[Span]] = []
    latest_end: datetime.date | None = None
    for span in started:
        if grouped and continues(latest_end, span.start):
            grouped[-1].append(span)
            if latest_end is not None:
                latest_end = None if span.end is None else max(latest_end, span.end)
        else:
            grouped.append([span])
            latest_end = span.end
    return grouped
