"""Plans built to meet every indicator, for tests to spoil one way at a time."""

import datetime

import pytest
from django.utils import timezone

from caremap.careplans import actions
from caremap.careplans.models import Action, CarePlan, Goal
from caremap.testing.personas import make_person


def good_plan(person, *, by, goals=1, how_we_know="They show me the letter"):
    """A plan meeting all six indicators: the person's goals, each with one
    SMART step, a strength and a resource, agreed, and started today."""
    plan, _created = actions.start_plan(person, by=by)
    for number in range(goals):
        goal = actions.add_goal(
            plan,
            by=by,
            wording=f"Find a place of my own {number}",
            proposed_by=Goal.ProposedBy.PERSON,
            person_agreed=True,
        )
        actions.add_action(
            goal,
            by=by,
            what="Ring the housing team",
            who=Action.Who.PERSON,
            due_on=timezone.localdate() + datetime.timedelta(days=7),
            how_we_know=how_we_know,
        )
        actions.add_strength(goal, by=by, wording="Determined")
        actions.add_resource(goal, by=by, name="Housing advice drop-in")
    return plan


def started_days_ago(plan, days):
    CarePlan.objects.filter(pk=plan.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def review(plan, *, by, days_ago):
    return actions.submit_review(
        plan,
        by=by,
        held_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        participants=["person", "navigator"],
        who_else="",
        requested_by_person=False,
        what_changed="",
        assessment=None,
        progress=[],
    )


@pytest.fixture
def many_people(world):
    """make(n, navigator) adds n more people at Riverside with good plans."""
    counter = iter(range(100, 10_000))

    def make(count, navigator):
        plans = []
        for _ in range(count):
            number = next(counter)
            person = make_person(
                world.riverside, reference=f"R-{number}", navigator=navigator
            )
            plans.append(good_plan(person, by=world.mia))
        return plans

    return make
