"""The disengagement rules, with time travel: each default rule fires on the
day it should, not the day before, and only once; a new lapse is a new
alert; `caremap alerts run` twice in a row changes nothing the second time."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone, translation

from caremap.assessments.samples import complete_assessment
from caremap.engagement import actions, alerting
from caremap.engagement.models import (
    Alert,
    Attendance,
    CheckUp,
    EngagementSettings,
    GroupMembership,
)
from caremap.episodes import actions as episode_actions
from caremap.people.models import Person
from caremap.privacy.models import AuditEvent

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def on_day(traveller, day):
    """Move to 10:00 on `day` days after the start, and run the rules."""
    traveller.move_to(START + day * DAY)
    return alerting.run(timezone.localdate())


def alerts(rule=None):
    found = Alert.objects.all()
    return list(found.filter(rule=rule) if rule else found)


def only_alice(world):
    """Just Alice's person stays active, so each test watches one person."""
    Person.objects.exclude(pk=world.alices_person.pk).update(
        status=Person.Status.CLOSED, closure_reason="other"
    )
    return world.alices_person


def reached(person, by):
    actions.record_contact(person, by=by, method="phone", outcome="reached")


# Not in touch.


def test_not_in_touch_fires_on_day_21_and_only_once(world, traveller):
    person = only_alice(world)
    reached(person, world.alice)
    on_day(traveller, 20)
    assert alerts() == []
    on_day(traveller, 21)
    (alert,) = alerts(Alert.Rule.NO_CONTACT)
    assert alert.person == person
    assert alert.describe() == "Last in touch on 2 March 2026"
    on_day(traveller, 22)
    on_day(traveller, 40)
    assert len(alerts()) == 1
    # An attempt that did not reach the person does not reset the clock.
    actions.record_contact(person, by=world.alice, method="phone", outcome="no_answer")
    on_day(traveller, 41)
    assert len(alerts()) == 1


def test_a_new_lapse_after_being_back_in_touch_is_a_new_alert(world, traveller):
    person = only_alice(world)
    reached(person, world.alice)
    on_day(traveller, 21)
    traveller.move_to(START + 30 * DAY)
    reached(person, world.alice)
    on_day(traveller, 50)
    assert len(alerts()) == 1
    on_day(traveller, 51)
    first, second = sorted(alerts(), key=lambda a: a.raised_at)
    assert first.key != second.key
    assert second.describe() == "Last in touch on 1 April 2026"


def test_someone_never_in_touch_counts_from_being_added(world, traveller):
    person = only_alice(world)
    Person.objects.filter(pk=person.pk).update(created_at=START)
    on_day(traveller, 20)
    assert alerts() == []
    on_day(traveller, 21)
    assert alerts()[0].describe() == "Not in touch since being added on 2 March 2026"


def test_after_an_exit_check_ups_follow_the_person_not_this_rule(world, traveller):
    person = only_alice(world)
    reached(person, world.alice)
    today = timezone.localdate()
    episode = episode_actions.record_episode(
        person,
        by=world.alice,
        referred_on=today - 100 * DAY,
        started_on=today - 90 * DAY,
        referral_source="self",
        substance_group="alcohol",
    )
    on_day(traveller, 21)
    assert len(alerts(Alert.Rule.NO_CONTACT)) == 1
    Alert.objects.all().delete()
    episode_actions.change_episode(
        episode, by=world.alice, ended_on=today, exit_reason="dropped_out"
    )
    on_day(traveller, 22)
    assert alerts(Alert.Rule.NO_CONTACT) == []


def test_each_organisation_sets_its_own_days(world, traveller):
    person = only_alice(world)
    EngagementSettings.objects.create(
        organisation=person.organisation, no_contact_days=30
    )
    reached(person, world.alice)
    on_day(traveller, 29)
    assert alerts() == []
    on_day(traveller, 30)
    assert len(alerts()) == 1


def test_closed_records_raise_nothing_and_do_not_contact_still_does(world, traveller):
    person = only_alice(world)
    reached(person, world.alice)
    Person.objects.filter(pk=person.pk).update(do_not_contact=True)
    on_day(traveller, 21)
    # The service should know; nobody is sent to reach out (see outreach).
    assert len(alerts()) == 1
    Person.objects.filter(pk=world.bobs_person.pk).update(created_at=START)
    assert not Alert.objects.filter(person=world.bobs_person).exists()


# Missed groups.


def membership(person, *, regular=True):
    return GroupMembership.objects.create(
        person=person, name="Tuesday mutual aid", regular=regular
    )


def session(group, day, went):
    Attendance.objects.create(
        membership=group,
        on=(START + day * DAY).date(),
        attended=went,
        source=Attendance.Source.SELF,
    )


def test_two_missed_sessions_in_a_row_fire_once(world, traveller):
    person = only_alice(world)
    reached(person, world.alice)
    group = membership(person)
    session(group, 0, True)
    session(group, 7, False)
    on_day(traveller, 7)
    assert alerts(Alert.Rule.MISSED_GROUP) == []
    session(group, 14, False)
    on_day(traveller, 14)
    (alert,) = alerts(Alert.Rule.MISSED_GROUP)
    assert "Missed 2 sessions of Tuesday mutual aid in a row" in alert.describe()
    on_day(traveller, 15)
    assert len(alerts(Alert.Rule.MISSED_GROUP)) == 1
    # Back at the group, then two more missed: a new alert.
    session(group, 21, True)
    session(group, 28, False)
    on_day(traveller, 28)
    assert len(alerts(Alert.Rule.MISSED_GROUP)) == 1
    session(group, 35, False)
    on_day(traveller, 35)
    assert len(alerts(Alert.Rule.MISSED_GROUP)) == 2


def test_groups_not_gone_to_regularly_raise_nothing(world, traveller):
    person = only_alice(world)
    reached(person, world.alice)
    group = membership(person, regular=False)
    session(group, 1, False)
    session(group, 8, False)
    on_day(traveller, 9)
    assert alerts(Alert.Rule.MISSED_GROUP) == []


def test_the_number_in_a_row_is_a_setting(world, traveller):
    person = only_alice(world)
    reached(person, world.alice)
    EngagementSettings.objects.create(
        organisation=person.organisation, missed_in_a_row=3
    )
    group = membership(person)
    for day in (1, 8):
        session(group, day, False)
    on_day(traveller, 9)
    assert alerts(Alert.Rule.MISSED_GROUP) == []
    session(group, 15, False)
    on_day(traveller, 16)
    assert len(alerts(Alert.Rule.MISSED_GROUP)) == 1


# Check-ins.


def check_in(person, by, instruments, *, worried):
    version = instruments["check-in"]
    answers = {
        "checkin-overall": 2,
        "checkin-use-worry": worried,
        "checkin-connected": 2,
        "checkin-in-the-way": False,
    }
    return complete_assessment(person, version, answers, by=by, when=timezone.now())


def test_a_worrying_check_in_fires_once(world, traveller, instruments):
    person = only_alice(world)
    reached(person, world.alice)
    check_in(person, world.alice, instruments, worried=False)
    on_day(traveller, 1)
    assert alerts(Alert.Rule.WORRYING_CHECK_IN) == []
    traveller.move_to(START + 2 * DAY)
    worrying = check_in(person, world.alice, instruments, worried=True)
    on_day(traveller, 2)
    (alert,) = alerts(Alert.Rule.WORRYING_CHECK_IN)
    assert alert.key == f"check-in:{worrying.pk}"
    on_day(traveller, 3)
    assert len(alerts(Alert.Rule.WORRYING_CHECK_IN)) == 1


def test_an_old_worrying_check_in_is_history_not_news(world, traveller, instruments):
    person = only_alice(world)
    check_in(person, world.alice, instruments, worried=True)
    reached(person, world.alice)
    on_day(traveller, 15)
    assert alerts(Alert.Rule.WORRYING_CHECK_IN) == []


def test_the_check_in_rule_can_be_turned_off(world, traveller, instruments):
    person = only_alice(world)
    EngagementSettings.objects.create(
        organisation=person.organisation, worrying_check_in=False
    )
    check_in(person, world.alice, instruments, worried=True)
    on_day(traveller, 0)
    assert alerts(Alert.Rule.WORRYING_CHECK_IN) == []


# Post-exit check-ups.


def completed_exit(person, by):
    today = timezone.localdate()
    return episode_actions.record_episode(
        person,
        by=by,
        referred_on=today - 200 * DAY,
        started_on=today - 190 * DAY,
        ended_on=today,
        exit_reason="completed_free",
        referral_source="self",
        substance_group="alcohol",
    )


def test_check_ups_are_scheduled_at_1_3_and_6_months(world, traveller):
    person = only_alice(world)
    episode = completed_exit(person, world.alice)
    counts = on_day(traveller, 0)
    assert counts["check-up"] == 3
    assert [(c.months, c.due_on) for c in episode.check_ups.all()] == [
        (1, datetime.date(2026, 4, 2)),
        (3, datetime.date(2026, 6, 2)),
        (6, datetime.date(2026, 9, 2)),
    ]
    assert on_day(traveller, 1)["check-up"] == 0


def test_no_check_ups_after_a_drop_out(world, traveller):
    person = only_alice(world)
    today = timezone.localdate()
    episode_actions.record_episode(
        person,
        by=world.alice,
        referred_on=today - 100 * DAY,
        started_on=today - 90 * DAY,
        ended_on=today,
        exit_reason="dropped_out",
        referral_source="self",
        substance_group="alcohol",
    )
    assert on_day(traveller, 0)["check-up"] == 0


def test_a_check_up_not_done_14_days_after_its_date_fires_once(world, traveller):
    person = only_alice(world)
    completed_exit(person, world.alice)
    on_day(traveller, 0)
    first = CheckUp.objects.get(months=1)
    late = (first.due_on - START.date()).days + 14
    on_day(traveller, late)
    assert alerts(Alert.Rule.CHECK_UP_NOT_REACHED) == []
    on_day(traveller, late + 1)
    (alert,) = alerts(Alert.Rule.CHECK_UP_NOT_REACHED)
    assert alert.key == f"check-up:{first.pk}"
    assert "1-month check-up due on 2 April 2026" in alert.describe()
    on_day(traveller, late + 2)
    assert len(alerts(Alert.Rule.CHECK_UP_NOT_REACHED)) == 1


def test_a_check_up_recorded_as_not_reached_fires_at_once(world, traveller):
    person = only_alice(world)
    completed_exit(person, world.alice)
    on_day(traveller, 0)
    check_up = CheckUp.objects.get(months=1)
    CheckUp.objects.filter(pk=check_up.pk).update(
        done_on=check_up.due_on, outcome=CheckUp.Outcome.NOT_REACHED
    )
    on_day(traveller, 31)
    assert [a.key for a in alerts(Alert.Rule.CHECK_UP_NOT_REACHED)] == [
        f"check-up:{check_up.pk}"
    ]


def test_a_done_check_up_raises_nothing(world, traveller):
    person = only_alice(world)
    completed_exit(person, world.alice)
    on_day(traveller, 0)
    CheckUp.objects.update(done_on=START.date(), outcome=CheckUp.Outcome.DOING_WELL)
    on_day(traveller, 300)
    assert alerts(Alert.Rule.CHECK_UP_NOT_REACHED) == []


# The command.


def state():
    return (
        list(Alert.objects.order_by("pk").values()),
        list(CheckUp.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def test_running_the_command_twice_changes_nothing_the_second_time(world, traveller):
    person = only_alice(world)
    reached(person, world.alice)
    completed_exit(world.bobs_person, world.bob)
    Person.objects.filter(pk=world.bobs_person.pk).update(
        status="active", closure_reason=""
    )
    traveller.move_to(START + 60 * DAY)
    out = io.StringIO()
    call_command("alerts", "run", stdout=out)
    assert "Check-ups scheduled: 3." in out.getvalue()
    assert "not in touch" in out.getvalue()
    before = state()
    assert before[0]
    again = io.StringIO()
    call_command("alerts", "run", stdout=again)
    assert state() == before
    assert "Alerts raised: none." in again.getvalue()
    assert "Check-ups scheduled: 0." in again.getvalue()


def test_each_alert_raised_is_audited(world, traveller):
    person = only_alice(world)
    reached(person, world.alice)
    on_day(traveller, 21)
    (alert,) = alerts()
    event = AuditEvent.objects.get(
        record_type="engagement.alert", record_id=str(alert.pk), action="create"
    )
    assert event.person_id == person.pk
    assert event.summary.startswith("Alert raised: Last in touch on")


def test_an_alert_is_worded_in_the_readers_language(world, traveller):
    person = only_alice(world)
    reached(person, world.alice)
    on_day(traveller, 21)
    (alert,) = alerts()
    with translation.override("cy"):
        welsh = alert.describe()
    assert welsh == "Mewn cysylltiad ddiwethaf ar 2 Mawrth 2026"
    assert alert.describe() == "Last in touch on 2 March 2026"
