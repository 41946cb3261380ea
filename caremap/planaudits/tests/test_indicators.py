"""Each automatic indicator against plans that just meet it and just miss it."""

import datetime

import pytest
from django.utils import timezone

from caremap.careplans import actions
from caremap.careplans.models import Action, CarePlan, Goal
from caremap.planaudits import indicators
from caremap.planaudits.tests.conftest import good_plan, review, started_days_ago


def results(plan, today=None):
    annotated = indicators.with_indicators(
        CarePlan.objects.filter(pk=plan.pk), today=today
    ).get()
    return indicators.snapshot(annotated)


@pytest.fixture
def plan(world):
    return good_plan(world.alices_person, by=world.alice)


def goal_of(plan):
    return plan.goals.get()


def test_a_good_plan_meets_all_six(plan):
    assert results(plan) == dict.fromkeys(indicators.INDICATORS, True) | {"met": 6}


def test_a_plan_with_no_goals_meets_only_the_review_indicator(world):
    plan, _created = actions.start_plan(world.alices_person, by=world.alice)
    assert results(plan) == {
        indicators.OWN_WORDS: False,
        indicators.SMART_STEPS: False,
        indicators.OWNERS_AND_DATES: False,
        indicators.STRENGTHS_AND_RESOURCES: False,
        indicators.REVIEWED: True,
        indicators.AGREED: False,
        "met": 1,
    }


# (a) Goals in the person's own words.


@pytest.mark.parametrize("proposed_by", ["person", "together"])
def test_the_persons_or_a_shared_idea_is_in_their_words(plan, world, proposed_by):
    Goal.objects.filter(plan=plan).update(proposed_by=proposed_by)
    assert results(plan)[indicators.OWN_WORDS] is True


def test_a_navigators_own_goal_is_not_in_the_persons_words(plan):
    Goal.objects.filter(plan=plan).update(proposed_by="navigator", template="")
    assert results(plan)[indicators.OWN_WORDS] is False


def test_a_navigators_suggestion_copied_word_for_word_is_not(plan):
    template_id, titles = indicators._template_titles()[0]
    Goal.objects.filter(plan=plan).update(
        proposed_by="navigator", template=template_id, wording=titles[0].upper()
    )
    assert results(plan)[indicators.OWN_WORDS] is False


def test_a_navigators_suggestion_reworded_is(plan):
    template_id, titles = indicators._template_titles()[0]
    Goal.objects.filter(plan=plan).update(
        proposed_by="navigator",
        template=template_id,
        wording=f"{titles[0]}, one week at a time",
    )
    assert results(plan)[indicators.OWN_WORDS] is True


def test_one_goal_not_in_their_words_spoils_the_plan(plan, world):
    actions.add_goal(
        plan,
        by=world.alice,
        wording="Attend the group",
        proposed_by="navigator",
        person_agreed=True,
    )
    assert results(plan)[indicators.OWN_WORDS] is False


def test_finished_goals_do_not_count(plan, world):
    old = actions.add_goal(
        plan,
        by=world.alice,
        wording="Attend the group",
        proposed_by="navigator",
        person_agreed=False,
    )
    Goal.objects.filter(pk=old.pk).update(status=Goal.Status.ACHIEVED)
    assert results(plan)["met"] == 6


# (b) Every goal has a SMART step.


def test_a_step_without_how_we_will_know_is_not_smart(plan):
    Action.objects.filter(goal__plan=plan).update(how_we_know="")
    assert results(plan)[indicators.SMART_STEPS] is False


def test_how_we_will_know_made_of_spaces_is_not_smart(plan):
    Action.objects.filter(goal__plan=plan).update(how_we_know="   ")
    assert results(plan)[indicators.SMART_STEPS] is False


def test_one_smart_step_is_enough_for_a_goal(plan, world):
    actions.add_action(
        goal_of(plan),
        by=world.alice,
        what="Look at flats",
        who="person",
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert results(plan)[indicators.SMART_STEPS] is True


def test_a_goal_with_no_steps_spoils_the_plan(plan, world):
    actions.add_goal(
        plan,
        by=world.alice,
        wording="Walk more",
        proposed_by="person",
        person_agreed=True,
    )
    assert results(plan)[indicators.SMART_STEPS] is False


def test_a_stopped_step_is_not_a_plan(plan):
    Action.objects.filter(goal__plan=plan).update(status=Action.Status.STOPPED)
    assert results(plan)[indicators.SMART_STEPS] is False


# (c) Every step has an owner and a date.


def test_a_step_with_nobody_doing_it_has_no_owner(plan):
    Action.objects.filter(goal__plan=plan).update(who="")
    outcome = results(plan)
    assert outcome[indicators.OWNERS_AND_DATES] is False
    assert outcome[indicators.SMART_STEPS] is False


def test_a_step_without_how_we_know_still_has_an_owner_and_date(plan):
    Action.objects.filter(goal__plan=plan).update(how_we_know="")
    assert results(plan)[indicators.OWNERS_AND_DATES] is True


def test_someone_else_named_is_an_owner(plan):
    Action.objects.filter(goal__plan=plan).update(who="someone-else", who_else="Dad")
    assert results(plan)[indicators.OWNERS_AND_DATES] is True


def test_a_plan_without_steps_has_no_owners_and_dates(plan):
    Action.objects.filter(goal__plan=plan).delete()
    assert results(plan)[indicators.OWNERS_AND_DATES] is False


# (d) Strengths and resources.


def test_no_resource_misses_strengths_and_resources(plan):
    goal_of(plan).resources.all().delete()
    assert results(plan)[indicators.STRENGTHS_AND_RESOURCES] is False


def test_no_strength_misses_strengths_and_resources(plan):
    goal_of(plan).strengths.all().delete()
    assert results(plan)[indicators.STRENGTHS_AND_RESOURCES] is False


def test_strength_and_resource_on_different_goals_count(plan, world):
    other = actions.add_goal(
        plan, by=world.alice, wording="Walk", proposed_by="person", person_agreed=True
    )
    goal_of_first = plan.goals.order_by("pk").first()
    goal_of_first.resources.all().delete()
    actions.add_resource(other, by=world.alice, name="Walking group")
    assert results(plan)[indicators.STRENGTHS_AND_RESOURCES] is True


# (e) Reviewed within 90 days.


def test_a_plan_started_89_days_ago_needs_no_review_yet(plan):
    started_days_ago(plan, 89)
    assert results(plan)[indicators.REVIEWED] is True


def test_a_plan_started_91_days_ago_without_a_review_misses(plan):
    started_days_ago(plan, 91)
    assert results(plan)[indicators.REVIEWED] is False


def test_a_review_90_days_ago_is_within(plan, world):
    started_days_ago(plan, 200)
    review(plan, by=world.alice, days_ago=90)
    assert results(plan)[indicators.REVIEWED] is True


def test_a_review_91_days_ago_is_not(plan, world):
    started_days_ago(plan, 200)
    review(plan, by=world.alice, days_ago=91)
    assert results(plan)[indicators.REVIEWED] is False


def test_the_day_counted_from_can_be_given(plan, world):
    started_days_ago(plan, 200)
    review(plan, by=world.alice, days_ago=91)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert results(plan, today=yesterday)[indicators.REVIEWED] is True


# (f) The person's agreement.


def test_a_goal_not_agreed_misses_agreement(plan):
    Goal.objects.filter(plan=plan).update(person_agreed=False)
    outcome = results(plan)
    assert outcome[indicators.AGREED] is False
    assert outcome["met"] == 5


def test_one_goal_of_two_not_agreed_misses_agreement(world):
    plan = good_plan(world.alices_person, by=world.alice, goals=2)
    Goal.objects.filter(pk=plan.goals.last().pk).update(person_agreed=False)
    assert results(plan)[indicators.AGREED] is False


def test_indicators_cost_one_query_for_many_plans(
    world, many_people, django_assert_num_queries
):
    many_people(12, world.alice)
    with django_assert_num_queries(1):
        plans = list(indicators.with_indicators(CarePlan.objects.all()))
    assert [p.indicators_met for p in plans] == [6] * 12
