"""Drawing, judging and completing sample audits of care plans. Each is one
transaction and one audit event."""

import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caremap.careplans.models import CarePlan
from caremap.planaudits import indicators
from caremap.planaudits.models import (
    DEFAULT_SAMPLE_SIZE,
    Applies,
    PlanAudit,
    PlanAuditItem,
)
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

# Room for a seed anyone can read out and type back in.
SEED_LIMIT = 2**31 - 1
ANSWERS = (*indicators.INDICATORS, "follows_assessment", "hopeful", "note")


def active_plan_ids(organisation):
    """The ids a sample is drawn from, in a fixed order, so the same seed
    always draws the same plans from the same list."""
    return list(
        CarePlan.objects.active()
        .filter(organisation=organisation)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def choose(plan_ids, size, seed):
    """The sample: `size` of `plan_ids`, chosen by random.Random(seed)."""
    # Not for secrecy: a seeded generator is what makes the sample repeatable.
    return random.Random(seed).sample(plan_ids, size)  # noqa: S311


class Unjudged(Exception):
    """An audit cannot be completed while these items are still to judge."""

    def __init__(self, items):
        super().__init__(f"{len(items)} plans are still to be judged")
        self.items = items


@transaction.atomic
def draw_sample(organisation, *, by, size=DEFAULT_SAMPLE_SIZE, seed=None, today=None):
    """Start a sample audit of `size` of the organisation's active plans,
    with each plan's automatic indicators as they are now."""
    plan_ids = active_plan_ids(organisation)
    if not plan_ids:
        raise ValidationError(
            {"size": _("There are no active care plans to audit yet")}
        )
    if size < 1:
        raise ValidationError({"size": _("The sample must have at least 1 plan")})
    if size > len(plan_ids):
        raise ValidationError(
            {
                "size": _(
                    "The sample can have at most %(count)s plans: that is how "
                    "many active plans there are"
                )
                % {"count": len(plan_ids)}
            }
        )
    if seed is None:
        seed = random.SystemRandom().randint(1, SEED_LIMIT)
    chosen = choose(plan_ids, size, seed)
    audit = PlanAudit.objects.create(
        organisation=organisation,
        created_by=by,
        sample_size=size,
        seed=seed,
        plans_to_choose_from=len(plan_ids),
    )
    plans = indicators.with_indicators(
        CarePlan.objects.filter(pk__in=chosen).select_related("person"),
        today=today,
    ).in_bulk()
    PlanAuditItem.objects.bulk_create(
        PlanAuditItem(
            audit=audit,
            plan_id=pk,
            position=position,
            navigator_id=plans[pk].person.navigator_id,
            automatic=indicators.snapshot(plans[pk]),
        )
        for position, pk in enumerate(chosen)
    )
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=audit,
        organisation=organisation,
        summary=f"Drew {size} of {len(plan_ids)} care plans to audit (seed {seed})",
    )
    return audit


@transaction.atomic
def judge_item(item, *, by, **answers):
    """Record the manager's judgement of one sampled plan. `answers` are the
    item's question fields (see ANSWERS)."""
    audit = PlanAudit.objects.select_for_update().get(pk=item.audit_id)
    if not audit.is_open:
        raise ValidationError(_("This audit is completed, so it cannot be changed"))
    unknown = set(answers) - set(ANSWERS)
    if unknown:
        raise TypeError(f"not questions of an audit: {sorted(unknown)}")
    before = {name: getattr(item, name) for name in answers}
    for name, value in answers.items():
        setattr(item, name, value)
    missing = [
        name for name in ANSWERS if name != "note" and getattr(item, name) in (None, "")
    ]
    if missing:
        raise ValueError(f"unanswered: {missing}")
    if item.follows_assessment not in Applies.values:
        raise ValueError(f"not an answer: {item.follows_assessment!r}")
    item.reviewed_at = timezone.now()
    item.reviewed_by = by
    item.save()
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=item,
        person=item.plan.person,
        organisation=audit.organisation,
        summary=f"Judged care plan {item.plan_id} in audit {audit.pk}",
        changes={
            name: [before[name], value]
            for name, value in answers.items()
            if before[name] != value and name != "note"
        },
    )
    return item


@transaction.atomic
def complete_audit(audit, *, by):
    """Close the audit. Refused, with the plans still to judge, while any is."""
    locked = PlanAudit.objects.select_for_update().get(pk=audit.pk)
    if not locked.is_open:
        return locked
    unjudged = list(
        locked.items.filter(reviewed_at__isnull=True).select_related("plan__person")
    )
    if unjudged:
        raise Unjudged(unjudged)
    locked.status = PlanAudit.Status.COMPLETED
    locked.completed_at = timezone.now()
    locked.completed_by = by
    locked.save(update_fields=["status", "completed_at", "completed_by"])
    audit.status, audit.completed_at = locked.status, locked.completed_at
    audit.completed_by = by
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=locked,
        organisation=locked.organisation,
        summary=f"Completed the care-plan audit drawn on {locked.created_at:%Y-%m-%d}",
    )
    return locked
