"""Starting a plan and adding to it: audited, validated, and safe when two
people edit at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from caremap.careplans import actions
from caremap.careplans.models import CarePlan, Goal, PlanSettings
from caremap.privacy.models import AuditEvent


@pytest.fixture
def plan(world):
    plan, _created = actions.start_plan(world.alices_person, by=world.alice)
    return plan


def goal_fields(**overrides):
    return {
        "wording": "Get back into walking",
        "domain": "physical-health",
        "proposed_by": Goal.ProposedBy.PERSON,
        "person_agreed": True,
        **overrides,
    }


def test_starting_twice_gives_one_plan(world):
    first, created = actions.start_plan(world.alices_person, by=world.alice)
    again, created_again = actions.start_plan(world.alices_person, by=world.bob)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert CarePlan.objects.count() == 1
    assert (
        AuditEvent.objects.filter(
            record_type="careplans.careplan", action=AuditEvent.Action.CREATE
        ).count()
        == 1
    )


def test_the_database_allows_one_active_plan_per_person_and_organisation(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        CarePlan.objects.create(
            person=plan.person,
            organisation=plan.organisation,
            created_by=plan.created_by,
            review_due_on=plan.review_due_on,
        )


def test_the_first_review_is_due_after_the_organisations_interval(world):
    today = datetime.date(2026, 11, 27)
    plan, _ = actions.start_plan(world.alices_person, by=world.alice, today=today)
    assert plan.review_due_on == datetime.date(2027, 2, 25)
    PlanSettings.objects.create(organisation=world.hillside, review_every_days=30)
    other, _ = actions.start_plan(world.oscars_person, by=world.oscar, today=today)
    assert other.review_due_on == datetime.date(2026, 12, 27)


def test_adding_a_goal_is_audited_and_counts_a_revision(world, plan):
    goal = actions.add_goal(plan, by=world.alice, **goal_fields())
    plan.refresh_from_db()
    assert plan.revision == 2
    assert list(plan.goals.all()) == [goal]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).get()
    assert event.person_id == world.alices_person.pk
    assert event.summary == "Goal added: Get back into walking"


def test_a_goal_needs_wording(world, plan):
    with pytest.raises(ValidationError) as error:
        actions.add_goal(plan, by=world.alice, **goal_fields(wording=""))
    assert "wording" in error.value.message_dict
    plan.refresh_from_db()
    assert plan.revision == 1 and not plan.goals.exists()


def test_a_new_step_cannot_be_due_in_the_past(world, plan):
    goal = actions.add_goal(plan, by=world.alice, **goal_fields())
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        actions.add_action(
            goal,
            by=world.alice,
            what="Walk to the park",
            who="person",
            due_on=yesterday,
        )
    assert error.value.message_dict["due_on"] == [
        "The date must be today or in the future"
    ]
    with pytest.raises(ValidationError) as error:
        actions.add_action(
            goal,
            by=world.alice,
            what="Walk to the park",
            who="someone-else",
            due_on=timezone.localdate(),
        )
    assert error.value.message_dict["who_else"] == ["Say who will do it"]
    step = actions.add_action(
        goal,
        by=world.alice,
        what="Walk to the park",
        who="person",
        due_on=timezone.localdate(),
    )
    assert step.goal == goal


def test_a_stale_edit_is_refused_and_told_what_changed(world, plan):
    seen = plan.revision
    actions.add_goal(plan, by=world.bob, expected_revision=seen, **goal_fields())
    with pytest.raises(actions.StaleEdit) as stale:
        actions.add_goal(
            plan,
            by=world.alice,
            expected_revision=seen,
            **goal_fields(wording="See my sister more often"),
        )
    assert [(c.summary, c.by) for c in stale.value.changes] == [
        ("Goal added: Get back into walking", world.bob)
    ]
    assert list(plan.goals.values_list("wording", flat=True)) == [
        "Get back into walking"
    ]


def test_barriers_keep_their_solutions(world, plan):
    goal = actions.add_goal(plan, by=world.alice, **goal_fields())
    barrier = actions.add_barrier(
        goal,
        by=world.alice,
        wording="Bad knee",
        solutions=["Flat routes first", "Ask the GP about physio"],
    )
    assert list(barrier.solutions.values_list("wording", flat=True)) == [
        "Flat routes first",
        "Ask the GP about physio",
    ]
    actions.add_strength(goal, by=world.alice, wording="Loves being outdoors")
    actions.add_resource(goal, by=world.alice, name="Step by Step Recovery Walks")
    plan.refresh_from_db()
    assert plan.revision == 5
    assert list(plan.changes.values_list("revision", flat=True)) == [1, 2, 3, 4, 5]
