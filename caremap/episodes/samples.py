"""Made-up episodes at every stage of a journey, for the demo and the
benchmarks, recorded through the same actions the pages use."""

import datetime

from caremap.episodes import actions
from caremap.episodes.models import Episode

DAY = datetime.timedelta(days=1)
GROUPS = [choice for choice, _label in Episode.SubstanceGroup.choices]
SOURCES = ["self", "gp", "criminal_justice", "family", "hospital", "social_care"]

# Where a person's journey has got to, by name.
STAGES = [
    "waiting",
    "in_treatment",
    "completed",
    "in_treatment",
    "dropped_out",
    "came_back",
]


def journey(person, *, by, stage, number, today):
    """Episodes for `person` that leave them at `stage`; `number` varies
    the dates and details so no two people look alike."""
    group = GROUPS[number % len(GROUPS)]
    source = SOURCES[number % len(SOURCES)]
    common = {
        "referral_source": source,
        "substance_group": group,
        "on_substitution_medication": group == "opiate" and number % 2 == 0,
    }
    if stage == "waiting":
        return [
            actions.record_episode(
                person,
                by=by,
                referred_on=today - (4 + number % 9) * DAY,
                triaged_on=today - (1 + number % 3) * DAY,
                **common,
            )
        ]
    referred = today - (90 + 9 * number % 200) * DAY
    started = referred + (number % 15) * DAY
    if stage == "in_treatment":
        return [
            actions.record_episode(
                person, by=by, referred_on=referred, started_on=started, **common
            )
        ]
    if stage == "dropped_out":
        return [
            actions.record_episode(
                person,
                by=by,
                referred_on=referred,
                started_on=started,
                ended_on=today - (25 + number % 10) * DAY,
                exit_reason=Episode.ExitReason.DROPPED_OUT,
                **common,
            )
        ]
    # A completion 1, 3 or nearly 6 months ago (post-exit check-ups fall
    # due at each); or one who came back to treatment within six months.
    ended = today - (150 if stage == "came_back" else [35, 95, 170][number % 3]) * DAY
    completed = actions.record_episode(
        person,
        by=by,
        referred_on=ended - 200 * DAY,
        triaged_on=ended - 195 * DAY,
        started_on=ended - 190 * DAY,
        ended_on=ended,
        exit_reason=Episode.ExitReason.COMPLETED_FREE,
        **{**common, "on_substitution_medication": False},
    )
    if stage != "came_back":
        return [completed]
    back = actions.record_episode(
        person,
        by=by,
        referred_on=ended + 60 * DAY,
        triaged_on=ended + 62 * DAY,
        started_on=ended + 66 * DAY,
        referral_source="self",
        substance_group=group,
        on_substitution_medication=False,
    )
    return [completed, back]
