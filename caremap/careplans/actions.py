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
    PlanSettings,
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


def _save_new(item, *, plan, summary, parent, by, expected_revision):
    """Check a new part of a plan, record the change, then save it."""
    item.full_clean(exclude=[parent])
    _change(plan, summary, by=by, expected_revision=expected_revision)
    item.save()
    return item


@transaction.atomic
def add_goal(plan, *, by, expected_revision=None, **fields):
    """Add a goal. `fields` are Goal fields (wording, domain, template,
    target_date, proposed_by, person_agreed)."""
    goal = Goal(plan=plan, position=plan.goals.count(), **fields)
    return _save_new(
        goal,
        plan=plan,
        summary=f"Goal added: {goal.wording[:200]}",
        parent="plan",
        by=by,
        expected_revision=expected_revision,
    )


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


def _add_to_goal(goal, item, summary, *, by, expected_revision):
    return _save_new(
        item,
        plan=goal.plan,
        summary=summary,
        parent="goal",
        by=by,
        expected_revision=expected_revision,
    )


@transaction.atomic
def add_action(goal, *, by, expected_revision=None, **fields):
    step = Action(goal=goal, position=goal.actions.count(), **fields)
    return _add_to_goal(
        goal,
        step,
        f"Step added: {step.what[:200]}",
        by=by,
        expected_revision=expected_revision,
    )


@transaction.atomic
def add_strength(goal, *, by, expected_revision=None, **fields):
    strength = Strength(goal=goal, **fields)
    return _add_to_goal(
        goal,
        strength,
        f"Strength added: {strength.wording[:200]}",
        by=by,
        expected_revision=expected_revision,
    )


@transaction.atomic
def add_resource(goal, *, by, expected_revision=None, **fields):
    resource = Resource(goal=goal, **fields)
    return _add_to_goal(
        goal,
        resource,
        f"Resource added: {resource.name[:200]}",
        by=by,
        expected_revision=expected_revision,
    )


@transaction.atomic
def add_barrier(goal, *, by, solutions=(), expected_revision=None, **fields):
    barrier = Barrier(goal=goal, **fields)
    _add_to_goal(
        goal,
        barrier,
        f"Barrier added: {barrier.wording[:200]}",
        by=by,
        expected_revision=expected_revision,
    )
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


# Reviews.

# What a review's progress does to the plan itself; any other answer is
# recorded on the review and leaves the status as it was.
GOAL_STATUS_AFTER = {
    "achieved": Goal.Status.ACHIEVED,
    "changed": Goal.Status.CHANGED,
    "stopped": Goal.Status.STOPPED,
}
STEP_STATUS_AFTER = {
    "done": Action.Status.DONE,
    "not-needed": Action.Status.STOPPED,
}


def _check_review(plan, *, held_on, assessment, progress):
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from caremap.careplans.models import GOAL_PROGRESS, STEP_PROGRESS

    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("The date of the review must be today or in the past")
    if assessment is not None and not (
        assessment.person_id == plan.person_id
        and assessment.status == assessment.Status.SUBMITTED
    ):
        errors["assessment"] = _("Choose a completed assessment of this person")
    for item, answer, _note in progress:
        if isinstance(item, Goal):
            fits = item.plan_id == plan.pk and answer in GOAL_PROGRESS
        else:
            fits = item.goal.plan_id == plan.pk and answer in STEP_PROGRESS
        if not fits:
            raise ValueError(f"{answer!r} does not fit {item!r} in plan {plan.pk}")
    if errors:
        raise ValidationError(errors)


def _take_version(plan, *, by, review=None):
    from caremap.careplans import versions
    from caremap.careplans.models import PlanVersion

    current = versions.with_parts(CarePlan.objects.filter(pk=plan.pk)).get()
    last = plan.versions.order_by("-number").values_list("number", flat=True)
    return PlanVersion.objects.create(
        plan=plan,
        number=(last.first() or 0) + 1,
        snapshot=versions.snapshot_of(current),
        created_by=by,
        review=review,
    )


@transaction.atomic
def submit_review(
    plan,
    *,
    by,
    held_on,
    participants,
    who_else,
    requested_by_person,
    what_changed,
    assessment,
    progress,
    expected_revision=None,
):
    """Record a review of `plan` and move its next review date on.

    `progress` is a list of (goal or step, progress value, note). Achieved,
    changed and stopped goals, and done or no-longer-needed steps, take that
    status. The plan is then kept as a new PlanVersion linked to the review;
    before a plan's first review, the plan as it was is kept first, so the
    first review has something to be compared with."""
    from caremap.careplans.models import Review, ReviewProgress

    progress = list(progress)
    _check_review(plan, held_on=held_on, assessment=assessment, progress=progress)
    # Locks the plan: a second sending of the same form stops here.
    _change(
        plan,
        f"Review held on {held_on.isoformat()}",
        by=by,
        expected_revision=expected_revision,
    )
    if not plan.versions.exists():
        _take_version(plan, by=by)
    review = Review.objects.create(
        plan=plan,
        held_on=held_on,
        requested_by_person=requested_by_person,
        participants=list(participants),
        who_else=who_else if Review.Participant.SOMEONE_ELSE in participants else "",
        what_changed=what_changed,
        assessment=assessment,
        submitted_by=by,
    )
    rows = []
    # (model, status) -> pks, so a long plan costs no more queries.
    moves = {}
    for item, answer, note in progress:
        is_goal = isinstance(item, Goal)
        rows.append(
            ReviewProgress(
                review=review,
                goal=item if is_goal else None,
                action=None if is_goal else item,
                progress=answer,
                note=note or "",
            )
        )
        status = (GOAL_STATUS_AFTER if is_goal else STEP_STATUS_AFTER).get(answer)
        if status and item.status != status:
            item.status = status
            moves.setdefault((type(item), status), []).append(item.pk)
    ReviewProgress.objects.bulk_create(rows)
    for (model, status), pks in moves.items():
        model.objects.filter(pk__in=pks).update(status=status)
    _take_version(plan, by=by, review=review)
    plan.review_due_on = review_due_from(held_on, plan.organisation)
    CarePlan.objects.filter(pk=plan.pk).update(review_due_on=plan.review_due_on)
    return review


@transaction.atomic
def save_plan_settings(organisation, *, review_every_days, by):
    """Set how often an organisation's plans are reviewed. Plans already
    running keep their next review date; the new interval applies from
    their next review."""
    settings_, _created = PlanSettings.objects.get_or_create(organisation=organisation)
    before = settings_.review_every_days
    settings_.review_every_days = review_every_days
    settings_.full_clean()
    settings_.save()
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=settings_,
        organisation=organisation,
        summary=f"Reviews every {review_every_days} days",
        changes={"review_every_days": [before, review_every_days]},
    )
    return settings_
