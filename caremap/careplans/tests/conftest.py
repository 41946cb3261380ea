"""A plan with a goal and a step, as most care-plan tests need them."""

import datetime

import pytest
from django.utils import timezone

from caremap.careplans import actions
from caremap.careplans.models import Action, Goal
from caremap.directory.actions import load_demo_directory


@pytest.fixture
def plan(world, instruments):
    plan, _created = actions.start_plan(world.alices_person, by=world.alice)
    return plan


@pytest.fixture
def goal(world, plan):
    return actions.add_goal(
        plan,
        by=world.alice,
        wording="Get back into walking",
        proposed_by=Goal.ProposedBy.PERSON,
        person_agreed=True,
    )


@pytest.fixture
def step(world, goal):
    return actions.add_action(
        goal,
        by=world.alice,
        what="Walk to the park on Saturday",
        who=Action.Who.PERSON,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )


@pytest.fixture
def directory(world):
    load_demo_directory(world.area)
    return world
