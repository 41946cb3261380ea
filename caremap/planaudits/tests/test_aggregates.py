"""The supervision table, the drawing of samples, judging and completing,
and the results of a sample, worked out by hand."""

import pytest
from django.core.exceptions import ValidationError

from caremap.careplans import actions as plan_actions
from caremap.careplans.models import CarePlan, Resource
from caremap.people.models import Person
from caremap.planaudits import actions, indicators, results
from caremap.planaudits.models import PlanAudit, PlanAuditItem
from caremap.planaudits.tests.conftest import good_plan, started_days_ago
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import make_person


@pytest.fixture
def plans(world):
    """Alice: two plans, one without a resource. Bob: one plan, unreviewed
    for 100 days. Nobody's: one good plan. Carol: none. Hillside's plan and a
    closed plan must not count."""
    alices = good_plan(world.alices_person, by=world.alice)
    second = make_person(world.riverside, reference="R-010", navigator=world.alice)
    no_resource = good_plan(second, by=world.alice)
    Resource.objects.filter(goal__plan=no_resource).delete()
    bobs = good_plan(world.bobs_person, by=world.bob)
    started_days_ago(bobs, 100)
    nobodys = good_plan(world.unassigned_person, by=world.mia)
    good_plan(world.oscars_person, by=world.oscar)
    closed_for = make_person(world.riverside, reference="R-011", navigator=world.bob)
    closed = good_plan(closed_for, by=world.bob)
    CarePlan.objects.filter(pk=closed.pk).update(status=CarePlan.Status.CLOSED)
    return {"alice": [alices, no_resource], "bob": [bobs], "none": [nobodys]}


def test_one_row_per_current_navigator_and_a_total(world, plans):
    rows, total = indicators.by_navigator(world.riverside)
    assert [(row.name, row.plans) for row in rows] == [
        ("Alice Navigator", 2),
        ("Bob Navigator", 1),
        ("No navigator", 1),
    ]
    alice, bob, nobody = rows
    assert alice.met == {
        "own_words": 2,
        "smart_steps": 2,
        "owners_and_dates": 2,
        "strengths_and_resources": 1,
        "reviewed": 2,
        "agreed": 2,
    }
    assert alice.share(alice.met["strengths_and_resources"]) == 50
    assert (alice.all_met, alice.all_met_share) == (1, 50)
    assert bob.met["reviewed"] == 0 and bob.met["agreed"] == 1
    assert (nobody.all_met, nobody.navigator_id) == (1, None)
    assert total.plans == 4
    assert total.met["strengths_and_resources"] == 3
    assert total.met["reviewed"] == 3
    assert (total.all_met, total.all_met_share) == (2, 50)


def test_the_current_navigator_counts_not_the_one_who_wrote_it(world, plans):
    Person.objects.filter(pk=world.bobs_person.pk).update(navigator=world.alice)
    rows, _total = indicators.by_navigator(world.riverside)
    assert [(row.name, row.plans) for row in rows] == [
        ("Alice Navigator", 3),
        ("No navigator", 1),
    ]


def test_the_table_costs_two_queries(world, plans, django_assert_num_queries):
    with django_assert_num_queries(2):
        indicators.by_navigator(world.riverside)


def test_no_plans_no_rows(world):
    rows, total = indicators.by_navigator(world.hillside)
    assert rows == [] and total.plans == 0 and total.share(0) is None


# Drawing a sample.


def test_the_same_seed_draws_the_same_sample(world, plans):
    first = actions.draw_sample(world.riverside, by=world.mia, size=3, seed=42)
    second = actions.draw_sample(world.riverside, by=world.mia, size=3, seed=42)
    drawn = [list(a.items.values_list("plan_id", flat=True)) for a in (first, second)]
    assert drawn[0] == drawn[1]
    ids = actions.active_plan_ids(world.riverside)
    assert drawn[0] == actions.choose(ids, 3, 42)
    assert first.seed == 42 and first.plans_to_choose_from == 4


def test_the_sample_is_of_active_plans_of_the_organisation(world, plans):
    audit = actions.draw_sample(world.riverside, by=world.mia, size=4, seed=7)
    sampled = set(audit.items.values_list("plan_id", flat=True))
    expected = {plan.pk for group in plans.values() for plan in group}
    assert sampled == expected


def test_a_sample_cannot_be_bigger_than_the_active_plans(world, plans):
    with pytest.raises(ValidationError) as refusal:
        actions.draw_sample(world.riverside, by=world.mia, size=5)
    assert refusal.value.message_dict["size"] == [
        "The sample can have at most 4 plans: that is how many active plans there are"
    ]
    with pytest.raises(ValidationError):
        actions.draw_sample(world.riverside, by=world.mia, size=0)
    assert not PlanAudit.objects.exists()


def test_no_sample_without_active_plans(world):
    with pytest.raises(ValidationError):
        actions.draw_sample(world.riverside, by=world.mia, size=1)


def test_the_sample_keeps_the_indicators_and_navigator_at_drawing(world, plans):
    audit = actions.draw_sample(world.riverside, by=world.mia, size=4, seed=1)
    item = audit.items.get(plan=plans["bob"][0])
    assert item.navigator == world.bob
    assert item.automatic == {
        "own_words": True,
        "smart_steps": True,
        "owners_and_dates": True,
        "strengths_and_resources": True,
        "reviewed": False,
        "agreed": True,
        "met": 5,
    }
    # Later changes to the plan and caseload leave the snapshot alone.
    plan_actions.add_goal(
        plans["bob"][0],
        by=world.bob,
        wording="Walk",
        proposed_by="navigator",
        person_agreed=False,
    )
    Person.objects.filter(pk=world.bobs_person.pk).update(navigator=world.alice)
    item.refresh_from_db()
    assert item.automatic["met"] == 5 and item.navigator == world.bob
    event = AuditEvent.objects.get(record_type="planaudits.planaudit")
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == world.mia and event.organisation == world.riverside
    assert "seed 1" in event.summary


# Judging and completing.

ALL_YES = {
    **dict.fromkeys(indicators.INDICATORS, True),
    "follows_assessment": "yes",
    "hopeful": True,
    "note": "",
}


def test_completing_is_refused_while_plans_are_unjudged(world, plans):
    audit = actions.draw_sample(world.riverside, by=world.mia, size=3, seed=3)
    first, *rest = audit.items.all()
    actions.judge_item(first, by=world.mia, **ALL_YES)
    with pytest.raises(actions.Unjudged) as refusal:
        actions.complete_audit(audit, by=world.mia)
    assert [item.pk for item in refusal.value.items] == [item.pk for item in rest]
    audit.refresh_from_db()
    assert audit.is_open and audit.completed_at is None
    for item in rest:
        actions.judge_item(item, by=world.mia, **ALL_YES)
    actions.complete_audit(audit, by=world.mia)
    audit.refresh_from_db()
    assert audit.status == "completed" and audit.completed_by == world.mia
    events = AuditEvent.objects.filter(record_type="planaudits.planaudititem")
    assert events.count() == 3
    assert {e.person_id for e in events} == set(
        audit.items.values_list("plan__person", flat=True)
    )
    assert AuditEvent.objects.filter(
        record_type="planaudits.planaudit", action=AuditEvent.Action.UPDATE
    ).exists()


def test_a_completed_audit_cannot_be_changed(world, plans):
    audit = actions.draw_sample(world.riverside, by=world.mia, size=1, seed=3)
    item = audit.items.get()
    actions.judge_item(item, by=world.mia, **ALL_YES)
    actions.complete_audit(audit, by=world.mia)
    with pytest.raises(ValidationError):
        actions.judge_item(item, by=world.mia, **{**ALL_YES, "hopeful": False})
    assert PlanAuditItem.objects.get().hopeful is True


def test_results_per_navigator_and_disagreements(world, plans):
    audit = actions.draw_sample(world.riverside, by=world.mia, size=4, seed=9)
    items = {item.plan_id: item for item in audit.items.all()}
    alices, no_resource = plans["alice"]
    # Agrees with the check on Alice's first plan, but finds the wording
    # not hopeful; finds resources on the plan the check says has none.
    actions.judge_item(items[alices.pk], by=world.mia, **{**ALL_YES, "hopeful": False})
    actions.judge_item(items[no_resource.pk], by=world.mia, **ALL_YES)
    # Bob's unreviewed plan: the manager agrees, and says no assessment.
    actions.judge_item(
        items[plans["bob"][0].pk],
        by=world.mia,
        **{**ALL_YES, "reviewed": False, "follows_assessment": "n/a"},
    )
    # The unassigned person's good plan: the manager finds the goals are not
    # really in the person's words. Left unjudged: nothing.
    actions.judge_item(
        items[plans["none"][0].pk], by=world.mia, **{**ALL_YES, "own_words": False}
    )
    rows, total = results.tallies(audit)
    assert [(row.name, row.judged) for row in rows] == [
        ("Alice Navigator", 2),
        ("Bob Navigator", 1),
        ("No navigator", 1),
    ]
    alice = {key: (yes, asked, share) for key, _l, yes, asked, share in rows[0].answers}
    assert alice["hopeful"] == (1, 2, 50)
    assert alice["strengths_and_resources"] == (2, 2, 100)
    answers = {key: (yes, asked, share) for key, _l, yes, asked, share in total.answers}
    assert answers["follows_assessment"] == (3, 3, 100)
    assert answers["reviewed"] == (3, 4, 75)
    assert answers["own_words"] == (3, 4, 75)
    disagreed = {key: (missed, harsh) for key, _l, missed, harsh in total.disagreements}
    assert disagreed == {
        "own_words": (1, 0),
        "smart_steps": (0, 0),
        "owners_and_dates": (0, 0),
        "strengths_and_resources": (0, 1),
        "reviewed": (0, 0),
        "agreed": (0, 0),
    }
    good = PlanAudit.objects.with_counts().get(pk=audit.pk)
    assert (good.judged, good.good) == (4, 1)
