"""Demo sample audits over an organisation's existing plans: one completed
some weeks ago and one under way. Everything goes through the audited
actions, as a manager's clicks would."""

import datetime

from django.utils import timezone

from caremap.planaudits import actions, indicators
from caremap.planaudits.models import Applies, PlanAudit

# Fixed, so every demo draws the same plans from the same list.
EARLIER_SEED = 20260101
CURRENT_SEED = 20260402
EARLIER_DAYS_AGO = 75


def _judgement(item, number):
    """Answers a careful manager might give: mostly as the automatic check
    found, with the odd plan judged more strictly."""
    answers = {name: item.automatic[name] for name in indicators.INDICATORS}
    if number % 3 == 1 and answers[indicators.OWN_WORDS]:
        # The wording was the person's, but said in the service's language.
        answers[indicators.OWN_WORDS] = False
    return {
        **answers,
        "follows_assessment": Applies.YES if number % 4 else Applies.NOT_APPLICABLE,
        "hopeful": number % 5 != 2,
        "note": "Talked this through in supervision." if number % 2 else "",
    }


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def load_demo(organisation, by, today) -> int:
    """Add the demo audits to `organisation`, drawn and judged by `by`
    (a manager). Returns how many audits were added: 0 if it has any
    already, or has no active plans."""
    if PlanAudit.objects.filter(organisation=organisation).exists():
        return 0
    available = len(actions.active_plan_ids(organisation))
    if not available:
        return 0
    earlier = today - datetime.timedelta(days=EARLIER_DAYS_AGO)
    done = actions.draw_sample(
        organisation, by=by, size=min(5, available), seed=EARLIER_SEED, today=earlier
    )
    items = list(done.items.select_related("plan__person"))
    for number, item in enumerate(items):
        actions.judge_item(item, by=by, **_judgement(item, number))
    actions.complete_audit(done, by=by)
    PlanAudit.objects.filter(pk=done.pk).update(
        created_at=_at(earlier),
        completed_at=_at(earlier + datetime.timedelta(days=6)),
    )
    done.items.update(reviewed_at=_at(earlier + datetime.timedelta(days=5)))

    current = actions.draw_sample(
        organisation,
        by=by,
        size=min(8, available),
        seed=CURRENT_SEED,
        today=today,
    )
    for number, item in enumerate(current.items.select_related("plan__person")[:3]):
        actions.judge_item(item, by=by, **_judgement(item, number))
    return 2
