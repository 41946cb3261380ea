"""Made-up self-audits for the demo: the last three quarters completed, with
most areas getting better over time and one slipping back, and the current
quarter in progress. Recorded through the same actions the pages use."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from caremap.selfaudits import actions, checklist
from caremap.selfaudits.forms import quarter_of
from caremap.selfaudits.models import SelfAudit

RATINGS = ["no", "partially", "yes"]

# Where each area starts, by checklist order (0 no, 1 partially, 2 yes), and
# the audits at which it moves up a step.
START = [1, 1, 0, 1, 1, 0, 1, 0, 1, 2, 0, 1, 0, 0, 1, 2, 1, 1, 0, 2, 0, 1]
RISES = {0: (), 1: (2,), 2: (1,), 3: (1, 2), 4: (), 5: (2,)}
# One area slips back in the latest quarter: improvement is rarely even.
SLIPS = {"language": 2}

NOTES = {
    "no": [
        "Not in place yet. Raised at the team meeting; a lead has been named.",
        "No written approach so far. Planned for the next quarter.",
        "Only happens when individual staff think of it; not yet routine.",
    ],
    "partially": [
        "Happens in one team but not the other. Checked in five case files.",
        "Started this quarter; feedback so far is mixed.",
        "Written into the policy, not yet seen consistently in practice.",
    ],
    "yes": [
        "Seen in case-file checks and in feedback from people using the service.",
        "Routine now: covered at induction and in supervision notes.",
        "Confirmed by observed practice and by partner feedback.",
    ],
}


def _previous_quarter(start):
    return quarter_of(start - datetime.timedelta(days=1))


def _rating(index, key, step):
    level = START[index % len(START)]
    level += sum(1 for rise in RISES[index % len(RISES)] if rise <= step)
    if SLIPS.get(key) == step:
        level -= 1
    return RATINGS[max(0, min(2, level))]


def _answer(audit, index, area, step, *, by):
    rating = _rating(index, area.key, step)
    notes = NOTES[rating]
    actions.save_answer(
        audit,
        area.key,
        by=by,
        rating=rating,
        evidence=notes[(index + step) % len(notes)],
    )


def load_demo(organisation, by, today):
    """Audits for the organisation; the number made (0 when it already has
    them)."""
    current = quarter_of(today)
    quarters = [current]
    for _step in range(3):
        quarters.insert(0, _previous_quarter(quarters[0][0]))
    areas = checklist.get(checklist.CURRENT).areas
    made = 0
    for step, (start, end) in enumerate(quarters):
        if SelfAudit.objects.overlapping(organisation, start, end).exists():
            continue
        try:
            audit = actions.start_audit(
                organisation, by=by, period_start=start, period_end=end
            )
        except ValidationError:
            continue
        made += 1
        if (start, end) == current:
            for index, area in enumerate(areas[:4]):
                _answer(audit, index, area, step, by=by)
            continue
        for index, area in enumerate(areas):
            _answer(audit, index, area, step, by=by)
        actions.complete_audit(audit, by=by)
        # Backdated so the history reads as audits done as each quarter ended.
        completed_at = timezone.make_aware(
            datetime.datetime.combine(
                end + datetime.timedelta(days=10), datetime.time(15)
            )
        )
        SelfAudit.objects.filter(pk=audit.pk).update(
            completed_at=min(completed_at, timezone.now())
        )
    return made
