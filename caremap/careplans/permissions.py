"""The one way views get a plan or a part of it: through the plan's person,
checked and audited by `get_person_for_user`."""

from caremap.careplans.models import Action, Barrier, CarePlan, Goal
from caremap.people.permissions import (
    VIEW,
    get_person_for_user,
    refuse_missing,
)


def get_plan_for_user(request, pk, *, perm=VIEW):
    """Plan `pk`, if request.user holds `perm` on its person (403 for users
    who never work with named people, 404 for staff who cannot see them)."""
    plan = CarePlan.objects.select_related("organisation").filter(pk=pk).first()
    if plan is None:
        refuse_missing(request)
    plan.person = get_person_for_user(request, plan.person_id, perm=perm)
    return plan


def get_goal_for_user(request, pk, *, perm=VIEW):
    goal = Goal.objects.select_related("plan").filter(pk=pk).first()
    if goal is None:
        refuse_missing(request)
    goal.plan = get_plan_for_user(request, goal.plan_id, perm=perm)
    return goal


def get_action_for_user(request, pk, *, perm=VIEW):
    step = Action.objects.filter(pk=pk).first()
    if step is None:
        refuse_missing(request)
    step.goal = get_goal_for_user(request, step.goal_id, perm=perm)
    return step


def get_barrier_for_user(request, pk, *, perm=VIEW):
    barrier = Barrier.objects.filter(pk=pk).first()
    if barrier is None:
        refuse_missing(request)
    barrier.goal = get_goal_for_user(request, barrier.goal_id, perm=perm)
    return barrier
