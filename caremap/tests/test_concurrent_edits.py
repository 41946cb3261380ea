"""Every form that changes a record refuses to overwrite a change it did not
show: two people (or two tabs) open the same form, the first saves, and the
second is told at the top of the page that the record changed, with what
they typed kept, what is saved now shown, and nothing of the first lost.
Sending again on purpose then saves.

Each edit form is a row of EDITS. The last test walks every page and fails
when one with a form is in neither this table nor CREATES, and not exempt."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from caremap.assessments.models import Assessment
from caremap.careplans.models import PlanSettings
from caremap.concurrency import CHANGED_MESSAGE
from caremap.directory.models import AreaDirectory, Service
from caremap.engagement import actions as engagement_actions
from caremap.engagement.models import (
    Alert,
    CheckUp,
    EngagementSettings,
    GroupMembership,
)
from caremap.episodes.models import Episode
from caremap.organisations.models import Team
from caremap.planaudits.models import PlanAuditItem
from caremap.referrals.models import Rating, Referral
from caremap.selfaudits.models import Answer
from caremap.tests import scenes
from caremap.tests.sending import (
    Page,
    client_for,
    fields_of,
    guarded_form,
    problems,
    url_of,
)


@dataclass
class Edit:
    url: str
    args: Callable
    first: Callable  # the first person's answers
    second: Callable  # the second person's answers, refused
    saved: Callable  # the first person's change as saved, read from the database
    expected: object  # what `saved` gives after the first save
    user: str = "alice"
    other: str = "bob"
    fixtures: tuple = ()
    prepare: Callable = lambda w, fixtures=None: None
    resend: bool = True  # whether sending again on purpose applies
    # Whether the record's own state already refuses a second change (a
    # closed alert, a stopped membership): the page then says so instead.
    already: bool = False

    def __str__(self):
        return self.url


TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def person_row(w):
    from caremap.people.models import Person

    return Person.objects.get(pk=w.alices_person.pk)


EDITS = [
    Edit(
        "people:person-edit",
        args=lambda w: [w.alices_person.pk],
        first=lambda w: {"preferred_name": "Sammy"},
        second=lambda w: {"phone": "07700 900123"},
        saved=lambda w: person_row(w).preferred_name,
        expected="Sammy",
    ),
    Edit(
        "people:person-status",
        args=lambda w: [w.alices_person.pk],
        first=lambda w: {"status": "closed", "closure_reason": "moved_away"},
        second=lambda w: {"status": "closed", "closure_reason": "goals_met"},
        saved=lambda w: person_row(w).closure_reason,
        expected="moved_away",
    ),
    Edit(
        "people:person-navigator",
        args=lambda w: [w.alices_person.pk],
        first=lambda w: {"navigator": str(w.bob.pk)},
        second=lambda w: {"navigator": str(w.carol.pk)},
        saved=lambda w: person_row(w).navigator_id,
        expected=lambda w: w.bob.pk,
        user="mia",
        other="mia",
    ),
    Edit(
        "episodes:edit",
        args=lambda w: [w.episode.pk],
        prepare=scenes.episode,
        first=lambda w: {"substance_group": "opiate"},
        second=lambda w: {"referral_source": "gp"},
        saved=lambda w: row(Episode, w.episode).substance_group,
        expected="opiate",
    ),
    Edit(
        "episodes:exit",
        args=lambda w: [w.episode.pk],
        prepare=scenes.episode,
        first=lambda w: {**dated("ended_on", TODAY), "exit_reason": "completed_free"},
        second=lambda w: {**dated("ended_on", TODAY), "exit_reason": "dropped_out"},
        saved=lambda w: row(Episode, w.episode).exit_reason,
        expected="completed_free",
    ),
    Edit(
        "engagement:group-change",
        args=lambda w: [w.alices_person.pk, w.membership.pk],
        prepare=scenes.groups,
        first=lambda w: {"regular": "no"},
        second=lambda w: {"on_register": "no"},
        saved=lambda w: row(GroupMembership, w.membership).regular,
        expected=False,
    ),
    Edit(
        "engagement:group-stop",
        args=lambda w: [w.alices_person.pk, w.membership.pk],
        prepare=scenes.groups,
        first=lambda w: dated("ended_on", TODAY),
        second=lambda w: dated("ended_on", TODAY - DAY),
        saved=lambda w: row(GroupMembership, w.membership).ended_on,
        expected=TODAY,
        # Once stopped, the page says so rather than asking again.
        already=True,
    ),
    Edit(
        "engagement:alert-close",
        args=lambda w: [w.alert.pk],
        prepare=scenes.alert,
        first=lambda w: {"outcome": "reconnected"},
        second=lambda w: {"outcome": "declined", "note": "Said no thanks"},
        saved=lambda w: row(Alert, w.alert).closed_at is not None,
        expected=True,
        already=True,
    ),
    Edit(
        "engagement:check-up",
        args=lambda w: [w.check_up.pk],
        prepare=scenes.check_up,
        first=lambda w: {**dated("done_on", TODAY), "outcome": "doing_well"},
        second=lambda w: {**dated("done_on", TODAY), "outcome": "struggling"},
        saved=lambda w: row(CheckUp, w.check_up).outcome,
        expected="doing_well",
    ),
    Edit(
        "engagement:settings",
        args=lambda w: [w.riverside.pk],
        prepare=lambda w, f=None: engagement_actions.save_settings(
            w.riverside,
            by=w.mia,
            **{
                name: getattr(EngagementSettings.for_organisation(w.riverside.pk), name)
                for name in engagement_actions.FIELDS
            },
        ),
        first=lambda w: {"no_contact_days": "30"},
        second=lambda w: {"missed_in_a_row": "5"},
        saved=lambda w: (
            EngagementSettings.for_organisation(w.riverside.pk).no_contact_days
        ),
        expected=30,
        user="mia",
        other="mia",
    ),
    Edit(
        "referrals:update",
        args=lambda w: [w.referral.pk],
        prepare=scenes.referral,
        first=lambda w: {"to_status": "accepted"},
        second=lambda w: {"to_status": "closed", "note": "No places"},
        saved=lambda w: row(Referral, w.referral).status,
        expected="accepted",
    ),
    Edit(
        "referrals:rate",
        args=lambda w: [w.referral.pk],
        prepare=scenes.rated_referral,
        first=lambda w: {"score": "5"},
        second=lambda w: {"score": "1", "comment": "Not for me"},
        saved=lambda w: Rating.objects.get(referral=w.referral).score,
        expected=5,
    ),
    Edit(
        "directory:service-edit",
        args=lambda w: [w.service_id],
        prepare=scenes.directory,
        first=lambda w: {"description": "Meets on Tuesdays now"},
        second=lambda w: {"phone": "01234 567890"},
        saved=lambda w: Service.objects.get(pk=w.service_id).description,
        expected="Meets on Tuesdays now",
        user="mia",
        other="hugo",
    ),
    Edit(
        "directory:settings",
        args=lambda w: [],
        first=lambda w: {"review_after_days": "90"},
        second=lambda w: {"public": "on"},
        saved=lambda w: AreaDirectory.objects.get(area=w.area).review_after_days,
        expected=90,
        user="cara",
        other="cara",
    ),
    Edit(
        "organisations:team-edit",
        args=lambda w: [w.riverside.pk, w.north_team.pk],
        first=lambda w: {"name": "North and West team"},
        second=lambda w: {"name": "Northern team"},
        saved=lambda w: row(Team, w.north_team).name,
        expected="North and West team",
        user="mia",
        other="mia",
    ),
    Edit(
        "organisations:member-edit",
        args=lambda w: [w.riverside.pk, w.alice.memberships.get().pk],
        first=lambda w: {"team": str(w.south_team.pk)},
        second=lambda w: {"team": ""},
        saved=lambda w: w.alice.memberships.get().team_id,
        expected=lambda w: w.south_team.pk,
        user="mia",
        other="mia",
    ),
    Edit(
        "careplans:plan-settings",
        args=lambda w: [w.riverside.pk],
        first=lambda w: {"review_every_days": "60"},
        second=lambda w: {"review_every_days": "120"},
        saved=lambda w: (
            PlanSettings.objects.get(organisation=w.riverside).review_every_days
        ),
        expected=60,
        user="mia",
        other="mia",
    ),
    Edit(
        "assessments:section",
        args=lambda w: [w.draft.pk, w.section_id],
        fixtures=("instruments",),
        prepare=scenes.draft,
        first=lambda w: section_answers(w, 0),
        second=lambda w: section_answers(w, 1),
        saved=lambda w: str(row(Assessment, w.draft).answers.get(w.first_item.id)),
        expected="0",
    ),
    Edit(
        "assessments:self-section",
        args=lambda w: [w.link_token, w.section_id],
        fixtures=("instruments",),
        prepare=scenes.self_link,
        first=lambda w: section_answers(w, 0),
        second=lambda w: section_answers(w, 1),
        saved=lambda w: str(w.self_answers().get(w.first_item.id)),
        expected="0",
        # The person, on their own phone and in a second tab, not signed in.
        user=None,
        other=None,
    ),
    Edit(
        "selfaudits:answer",
        args=lambda w: [w.riverside.pk, w.self_audit.pk, w.area_key],
        prepare=scenes.self_audit,
        first=lambda w: {"rating": "yes", "evidence": "Minutes of the meeting"},
        second=lambda w: {"rating": "no", "evidence": "Not yet"},
        saved=lambda w: (
            Answer.objects.get(audit=w.self_audit, area=w.area_key).evidence
        ),
        expected="Minutes of the meeting",
        user="mia",
        other="mia",
    ),
    Edit(
        "planaudits:item",
        args=lambda w: [w.riverside.pk, w.plan_audit.pk, w.plan_item.pk],
        prepare=scenes.plan_audit,
        first=lambda w: judged(note="Well done"),
        second=lambda w: judged(note="Needs dates"),
        saved=lambda w: row(PlanAuditItem, w.plan_item).note,
        expected="Well done",
        user="mia",
        other="mia",
    ),
]


def row(model, record):
    return model.objects.get(pk=record.pk)


def dated(name, day):
    return {
        f"{name}_{part}": str(getattr(day, part)) for part in ("day", "month", "year")
    }


def judged(**answers):
    from caremap.planaudits.indicators import INDICATORS

    return {
        **dict.fromkeys((*INDICATORS, "hopeful"), "yes"),
        "follows_assessment": "yes",
        **answers,
    }


def section_answers(w, value):
    # Every question on the section's page is a scale from 0.
    return {item.id: str(value) for item in w.section.items}


@pytest.fixture
def fixtures(request):
    def load(names):
        return {name: request.getfixturevalue(name) for name in names}

    return load


def client_as(world, name):
    return client_for(getattr(world, name)) if name else Client()


def top_of(response):
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one(".govuk-error-summary")
    assert summary is not None, "no error summary"
    return " ".join(summary.get_text().split())


@pytest.mark.parametrize("form", EDITS, ids=str)
def test_a_change_made_meanwhile_is_not_overwritten(world, fixtures, form):
    form.prepare(world, fixtures(form.fixtures))
    url = url_of(form.url, form.args(world))
    expected = form.expected(world) if callable(form.expected) else form.expected
    first = Page.open(client_as(world, form.user), url)
    second = Page.open(client_as(world, form.other), url)

    saved = first.send(form.first(world))
    assert saved.status_code == 302, problems(saved)
    assert form.saved(world) == expected

    refused = second.send(form.second(world))
    if form.already:
        assert refused.status_code == 302
        assert form.saved(world) == expected
        return

    assert refused.status_code == 200
    assert str(CHANGED_MESSAGE) in top_of(refused)
    assert 'id="saved-meanwhile"' in refused.content.decode()
    kept = fields_of(guarded_form(refused.content))
    for name, value in form.second(world).items():
        assert kept[name] == (value if isinstance(value, list) else [value]), name
    assert form.saved(world) == expected

    if not form.resend:
        return
    # Sent again on purpose, it replaces what is saved.
    resent = Page(client=second.client, url=second.url, data=kept).send({})
    assert resent.status_code == 302
    assert form.saved(world) != expected


# Every form is guarded ------------------------------------------------------

# Views that take a POST yet need neither a token nor a fingerprint, and why.
EXEMPT = {
    "accounts:": "signing in and out and passwords: no record of ours is written",
    "admin:": "Django's admin, for administrators' configuration only",
    "organisations:invitation": "the invitation itself is used once: sent "
    "again, it is found already answered",
    "organisations:invitation-cancel": "a question and its answer: a cancelled "
    "invitation stays cancelled",
    "organisations:member-remove": "a question and its answer: sent twice, the "
    "membership is already gone",
    "directory:editor-remove": "a question and its answer, as above",
    "directory:token-revoke": "one button; a revoked token stays revoked",
    "directory:service-check": "one button; marking checked today twice is once",
    "assessments:link-revoke": "one button; a cancelled link stays cancelled",
    "assessments:check": "submitted once and never changed (AlreadySubmitted)",
    "assessments:self-check": "submitted once and never changed (AlreadySubmitted)",
    "engagement:no-answer": "one tap, made once by the contact's own unique token",
    "engagement:outreach-start": "starting gives back the alert's open task",
    "careplans:person-plan": "one active plan a person, with the person locked",
    "careplans:": "the plan's revision refuses stale and repeated sendings "
    "(careplans/editing.py)",
    "selfaudits:complete": "one button; completing a completed audit is refused",
    "selfaudits:reopen": "one button; reopening an open audit is refused",
    "selfaudits:remove-file": "one button; a removed file is gone",
    "planaudits:complete": "one button; a completed audit says so",
}


def _routes():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (
                    f"{pattern.namespace}:" if pattern.namespace else ""
                )
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name, pattern.callback

    return list(walk(get_resolver().url_patterns))


def _exempt(name):
    """Keys ending in ":" or "*" cover every name they start."""
    return any(
        name == key or (key[-1] in ":*" and name.startswith(key.rstrip("*")))
        for key in EXEMPT
    )


def test_every_view_that_takes_a_post_is_guarded_or_exempt():
    from caremap.tests.test_double_posts import CREATES

    tested = {row.url for row in CREATES} | {row.url for row in EDITS}
    unguarded, untested = [], []
    for name, view in _routes():
        methods = getattr(view, "allowed_methods", ("POST",))
        if "POST" not in methods:
            continue
        if getattr(view, "guarded", False):
            if name not in tested:
                untested.append(name)
        elif not _exempt(name):
            unguarded.append(name)
    assert not unguarded, f"take a POST without @guarded: {unguarded}"
    assert not untested, f"guarded but in neither CREATES nor EDITS: {untested}"
