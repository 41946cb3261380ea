"""Records the form tables need beyond the personas' world, each added to
`world` by a `prepare` step so a table row can name it."""

import datetime

from django.utils import timezone

DAY = datetime.timedelta(days=1)


def directory(w, fixtures=None):
    from caremap.directory import demo
    from caremap.directory.actions import load_demo_directory
    from caremap.directory.models import Listing

    load_demo_directory(w.area)
    w.service_id = demo.service_id_for("Afon Valley Peer Mentoring")
    findable = Listing.objects.in_area(w.area).findable(timezone.localdate())
    meetings = list(
        findable.filter(kind=Listing.Kind.MUTUAL_AID)
        .select_related("service")
        .order_by("service__name")[:2]
    )
    w.meeting, w.second_meeting = meetings[0].service, meetings[1].service


def groups(w, fixtures=None):
    from caremap.engagement import actions

    directory(w)
    w.membership = actions.add_group_membership(
        w.alices_person,
        by=w.alice,
        service=w.meeting,
        on_register=True,
        started_on=timezone.localdate() - 60 * DAY,
    )


def referral(w, fixtures=None):
    from caremap.referrals import actions
    from caremap.referrals.models import Referral

    directory(w)
    w.referral = actions.create_referral(
        Referral(
            person=w.alices_person,
            service_id=w.service_id,
            kind=Referral.Kind.SIGNPOST,
            reason="Wants to meet others in recovery",
            person_agreed=True,
            consent_method=Referral.Consent.IN_PERSON,
        ),
        by=w.alice,
    )


def rated_referral(w, fixtures=None):
    from caremap.referrals import actions

    referral(w)
    actions.rate_referral(
        w.referral, score=3, comment="", given_by_person=False, by=w.alice
    )


def episode(w, fixtures=None):
    from caremap.episodes import actions

    today = timezone.localdate()
    w.episode = actions.record_episode(
        w.alices_person,
        by=w.alice,
        referred_on=today - 200 * DAY,
        started_on=today - 190 * DAY,
        referral_source="self",
        substance_group="alcohol",
    )


def check_up(w, fixtures=None):
    from caremap.engagement.alerting import schedule_check_ups
    from caremap.episodes import actions

    episode(w)
    actions.change_episode(
        w.episode,
        by=w.alice,
        ended_on=timezone.localdate() - 40 * DAY,
        exit_reason="completed_free",
    )
    schedule_check_ups(w.episode)
    w.check_up = w.episode.check_ups.order_by("due_on").first()


def alert(w, fixtures=None):
    from caremap.engagement.models import Alert

    w.alert = Alert.objects.create(
        person=w.alices_person,
        organisation=w.riverside,
        rule=Alert.Rule.NO_CONTACT,
        key=f"k:{w.alices_person.pk}",
        facts={"since": "2026-03-01", "reached": True},
    )


def draft(w, fixtures):
    from caremap.assessments import actions

    version = fixtures["instruments"]["recovery-capital-profile"]
    w.draft, _created = actions.start_assessment(w.alices_person, version, by=w.alice)
    w.section = version.instrument.sections[0]
    w.section_id, w.first_item = w.section.id, w.section.items[0]


def self_link(w, fixtures):
    from caremap.assessments import actions
    from caremap.assessments.models import SelfCompletionLink

    version = fixtures["instruments"]["recovery-capital-profile"]
    _link, w.link_token = actions.issue_link(w.alices_person, version, by=w.alice)
    w.section = version.instrument.sections[0]
    w.section_id, w.first_item = w.section.id, w.section.items[0]
    w.self_answers = lambda: SelfCompletionLink.find(w.link_token).assessment.answers


def self_audit(w, fixtures=None):
    from caremap.selfaudits import actions

    w.self_audit = actions.start_audit(
        w.riverside,
        by=w.mia,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
    )
    w.area_key = w.self_audit.checklist.keys()[0]


def plans(w, fixtures=None):
    from caremap.planaudits.tests.conftest import good_plan

    w.plans = [
        good_plan(w.alices_person, by=w.alice),
        good_plan(w.bobs_person, by=w.bob),
    ]


def plan_audit(w, fixtures=None):
    from caremap.planaudits import actions

    plans(w)
    w.plan_audit = actions.draw_sample(w.riverside, by=w.mia, size=2, seed=1)
    w.plan_item = w.plan_audit.items.order_by("pk").first()
