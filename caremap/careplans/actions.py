"""Changes to care plans. Each is one transaction and one audit event, and
bumps the plan's revision so concurrent editors are told, not overwritten."""

from django.db import transaction
from django.utils import timezone

from caremap.careplans.models import (
    Action,
    Barrier,
    CarePlan,
    Goal,
    PlanChange,
    Resource,
    Solution,
    Strength,
    review_due_from,
)
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent


class StaleEdit(Exception):
    """The plan changed after the page was loaded. `changes` says how, so
    the person can look before saving again."""

    def __init__(self, changes):
        super().__init__("The plan has changed since this page was opened.")
        self.changes = changes


def _change(
    plan, summary, *, by, expected_revision=None, action=AuditEvent.Action.UPDATE
):
    """Lock the plan, refuse a stale edit, then record the change."""
    locked = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if expected_revision is not None and locked.revision != expected_revision:
        raise StaleEdit(
            list(
                locked.changes.filter(revision__gt=expected_revision).select_related(
                    "by"
                )
            )
        )
    locked.revision += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["revision", "updated_at"])
    plan.revision, plan.updated_at = locked.revision, locked.updated_at
    PlanChange.objects.create(plan=plan, revision=plan.revision, summary=summary, by=by)
    record(action, by=by, record=plan, person=plan.person, summary=summary)


@transaction.atomic
def start_plan(person, *, by, today=None):
    """The person's active plan at their organisation, started if there is
    none. Two clicks start one plan: the person row is locked first."""
    type(person).objects.select_for_update().filter(pk=person.pk).first()
    plan = (
        CarePlan.objects.active()
        .filter(person=person, organisation=person.organisation)
        .first()
    )
    if plan is not None:
        return plan, False
    today = today or timezone.localdate()
    plan = CarePlan.objects.create(
        person=person,
        organisation=person.organisation,
        created_by=by,
        review_due_on=review_due_from(today, person.organisation),
    )
    PlanChange.objects.create(plan=plan, revision=1, summary="Plan started", by=by)
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=plan,
        person=person,
        summary="Started a care plan",
    )
    return plan, True


@transaction.atomic
def add_goal(plan, *, by, expected_revision=None, **fields):
    """Add a goal. `fields` are Goal fields (wording, domain, template,
    target_date, proposed_by, person_agreed)."""
    goal = Goal(plan=plan, position=plan.goals.count(), **fields)
    goal.full_clean(exclude=["plan"])
    _change(
        plan,
        f"Goal added: {goal.wording[:200]}",
        by=by,
        expected_revision=expected_revision,
    )
    goal.save()
    return goal


@transaction.atomic
def change_goal(goal, *, by, expected_revision=None, **fields):
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.full_clean(exclude=["plan"])
    _change(
        goal.plan,
        f"Goal changed: {goal.wording[:200]}",
        by=by,
        expected_revision=expected_revision,
    )
    goal.save()
    return goal


@transaction.atomic
def add_action(goal, *, by, expected_revision=None, **fields):
    step = Action(goal=goal, position=goal.actions.count(), **fields)
    step.full_clean(exclude=["goal"])
    _change(
        goal.plan,
        f"Step added: {step.what[:200]}",
        by=by,
        expected_revision=expected_revision,
    )
    step.save()
    return step


@transaction.atomic
def add_strength(goal, *, by, expected_revision=None, **fields):
    strength = Strength(goal=goal, **fields)
    strength.full_clean(exclude=["goal"])
    _change(
        goal.plan,
        f"Strength added: {strength.wording[:200]}",
        by=by,
        expected_revision=expected_revision,
    )
    strength.save()
    return strength


@transaction.atomic
def add_resource(goal, *, by, expected_revision=None, **fields):
    resource = Resource(goal=goal, **fields)
    resource.full_clean(exclude=["goal"])
    _change(
        goal.plan,
        f"Resource added: {resource.name[:200]}",
        by=by,
        expected_revision=expected_revision,
    )
    resource.save()
    return resource


@transaction.atomic
def add_barrier(goal, *, by, solutions=(), expected_revision=None, **fields):
    barrier = Barrier(goal=goal, **fields)
    barrier.full_clean(exclude=["goal"])
    _change(
        goal.plan,
        f"Barrier added: {barrier.wording[:200]}",
        by=by,
        expected_revision=expected_revision,
    )
    barrier.save()
    for wording in solutions:
        Solution(barrier=barrier, wording=wording).full_clean(exclude=["barrier"])
        Solution.objects.create(barrier=barrier, wording=wording)
    return barrier


@transaction.atomic
def change_action(step, *, by, expected_revision=None, **fields):
    """Change a step. `fields` are Action fields (what, who, who_else, due_on,
    how_we_know, status, service)."""
    for name, value in fields.items():
        setattr(step, name, value)
    step.full_clean(exclude=["goal"])
    _change(
        step.goal.plan,
        f"Step changed: {step.what[:200]}",
        by=by,
        expected_revision=expected_revision,
    )
    step.save()
    return step


@transaction.atomic
def change_barrier(barrier, *, by, wording, solutions, expected_revision=None):
    """Reword a barrier and replace its solutions with `solutions`."""
    barrier.wording = wording
    barrier.full_clean(exclude=["goal"])
    for words in solutions:
        Solution(barrier=barrier, wording=words).full_clean(exclude=["barrier"])
    _change(
        barrier.goal.plan,
        f"Barrier changed: {barrier.wording[:200]}",
        by=by,
        expected_revision=expected_revision,
    )
    barrier.save()
    barrier.solutions.all().delete()
    Solution.objects.bulk_create(
        [Solution(barrier=barrier, wording=words) for words in solutions]
    )
    return barrier


# What a removal is called in the plan's history, by the kind of item.
REMOVED = {
    Goal: "Goal removed",
    Action: "Step removed",
    Strength: "Strength removed",
    Resource: "Resource removed",
    Barrier: "Barrier removed",
}


@transaction.atomic
def remove_item(item, *, by, expected_revision=None):
    """Remove a goal (with everything under it), step, strength, resource or
    barrier (with its solutions)."""
    plan = item.plan if isinstance(item, Goal) else item.goal.plan
    _change(
        plan,
        f"{REMOVED[type(item)]}: {str(item)[:200]}",
        by=by,
        expected_revision=expected_revision,
        action=AuditEvent.Action.DELETE,
    )
    item.delete()
