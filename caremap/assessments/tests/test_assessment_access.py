"""Who may open which assessment page.

The same rules as a person's own pages: navigators may use the pages for
their own caseload and their team's, managers for everyone in their
organisation; staff of another team or organisation get 404 (the answer must
not reveal that the person exists); commissioners, administrators and people
with no role get 403; anonymous visitors are sent to sign in. Every page
opened is audited, and so is every refusal. Self-completion pages need no
account: the link is the key, and their views are audited with no actor.
"""

import datetime
import random
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from caremap.assessments import actions
from caremap.assessments.models import Assessment, SelfCompletionLink
from caremap.assessments.samples import complete_assessment, plausible_answers
from caremap.privacy.models import AuditEvent

DEFAULT = "recovery-capital-profile"
NO_PERSON_ROLE = ["cara", "ada", "nora"]
OUTSIDERS = ["carol", "oscar", "hugo"]

# (name, method, which record the URL is about, what an allowed user gets)
PAGES = [
    ("person-assessments", "get", "person", 200),
    ("start-assessment", "get", "person", 200),
    ("link-issue", "get", "person", 200),
    ("link-show", "get", "link", 200),
    ("link-revoke", "post", "link", 302),
    ("assessment", "get", "draft", 200),
    ("section", "get", "section", 200),
    ("check", "get", "draft", 200),
    ("profile", "get", "completed", 200),
    ("pdf", "get", "completed", 200),
    ("fhir", "get", "completed", 200),
]
ASSESSMENT_PAGES = {"assessment", "section", "check", "profile", "pdf", "fhir"}


def records_for(person, version, by):
    """A completed assessment, a draft and a waiting link for `person`."""
    answers = plausible_answers(version.instrument, random.Random(1), 0.5)
    completed = complete_assessment(
        person,
        version,
        answers,
        by=by,
        when=timezone.now() - datetime.timedelta(days=30),
    )
    draft, _created = actions.start_assessment(person, version, by=by)
    link, _token = actions.issue_link(person, version, by=by)
    return {"person": person, "completed": completed, "draft": draft, "link": link}


@pytest.fixture
def records(world, instruments):
    version = instruments[DEFAULT]
    return {
        "alices_person": records_for(world.alices_person, version, world.alice),
        "bobs_person": records_for(world.bobs_person, version, world.bob),
    }


def page_url(name, kind, records):
    person = records["person"]
    if kind == "person":
        args = [person.pk]
    elif kind == "link":
        args = [person.pk, records["link"].pk]
    elif kind == "section":
        args = [
            records["draft"].pk,
            records["draft"].instrument.instrument.sections[0].id,
        ]
    else:
        args = [records[kind].pk]
    return reverse(f"assessments:{name}", args=args)


def page(name):
    return next(p for p in PAGES if p[0] == name)


def open_page(client, name, records):
    _name, method, kind, _status = page(name)
    url = page_url(name, kind, records)
    return getattr(client, method)(url), url


def events_since(last_pk, **filters):
    return AuditEvent.objects.filter(pk__gt=last_pk, **filters)


def last_event_pk():
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


def assert_redirects_to_sign_in(response, url):
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.path == reverse(settings.LOGIN_URL)
    assert f"next={url}" in response["Location"]


# Allowed


@pytest.mark.parametrize(
    "persona, person_name",
    [
        ("alice", "alices_person"),  # her own
        ("alice", "bobs_person"),  # her team's
        ("mia", "alices_person"),  # the manager
    ],
)
def test_navigators_and_managers_may_use_every_assessment_page(
    world, sign_in, records, persona, person_name
):
    user = getattr(world, persona)
    mine = records[person_name]
    person = mine["person"]
    client = sign_in(user)
    problems = []
    for name, _method, _kind, status in PAGES:
        before = last_event_pk()
        response, url = open_page(client, name, mine)
        if response.status_code != status:
            problems.append(f"{url} answered {response.status_code}, not {status}")
            continue
        views = events_since(before, actor=user, person=person, action="view")
        # The person's record was opened, through the one checked door.
        if not views.filter(
            record_type="people.person", record_id=str(person.pk)
        ).exists():
            problems.append(f"{url} did not audit viewing the person")
        if name in ASSESSMENT_PAGES:
            assessment = mine[
                "completed" if name in {"profile", "pdf", "fhir"} else "draft"
            ]
            if not views.filter(
                record_type="assessments.assessment", record_id=str(assessment.pk)
            ).exists():
                problems.append(f"{url} did not audit viewing the assessment")
        if (
            name in {"pdf", "fhir"}
            and not events_since(
                before,
                actor=user,
                person=person,
                action="export",
                record_id=str(mine["completed"].pk),
            ).exists()
        ):
            problems.append(f"{url} did not audit the download as an export")
        if events_since(before, action="denied").exists():
            problems.append(f"{url} audited a refusal")
    assert problems == []


def test_cancelling_a_link_is_audited_and_stops_it(world, sign_in, records):
    mine = records["bobs_person"]
    before = last_event_pk()
    response, _url = open_page(sign_in(world.alice), "link-revoke", mine)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessments:person-assessments", args=[world.bobs_person.pk]
    )
    change = events_since(before, action="update").get()
    assert change.actor == world.alice
    assert change.person == world.bobs_person
    assert change.record_type == "assessments.selfcompletionlink"
    link = SelfCompletionLink.objects.get(pk=mine["link"].pk)
    assert link.state == SelfCompletionLink.State.REVOKED


def test_the_person_assessments_list_offers_a_navigator_the_actions(
    world, sign_in, records
):
    mine = records["alices_person"]
    response = sign_in(world.alice).get(page_url("person-assessments", "person", mine))
    html = response.content.decode()
    assert reverse("assessments:start-assessment", args=[mine["person"].pk]) in html
    assert reverse("assessments:link-issue", args=[mine["person"].pk]) in html
    assert reverse("assessments:profile", args=[mine["completed"].pk]) in html
    assert reverse("assessments:assessment", args=[mine["draft"].pk]) in html
    revoke = reverse(
        "assessments:link-revoke", args=[mine["person"].pk, mine["link"].pk]
    )
    assert revoke in html


# Refused: another team or organisation


def refusals(client, user, records, expected_status):
    """Opens every page; returns what went wrong, if anything."""
    person = records["person"]
    problems = []
    for name, *_ in PAGES:
        before = last_event_pk()
        response, url = open_page(client, name, records)
        if response.status_code != expected_status:
            problems.append(f"{url} answered {response.status_code}")
        if f"{person.given_name} {person.family_name}" in response.content.decode():
            problems.append(f"{url} named the person")
        refused = events_since(before, action="denied", actor=user)
        if refused.count() != 1:
            problems.append(f"{url} audited {refused.count()} refusals, not 1")
        if events_since(before, action__in=["view", "export", "update"]).exists():
            problems.append(f"{url} audited an access that was refused")
    return problems


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_staff_of_another_team_or_organisation_get_not_found(
    world, sign_in, records, persona
):
    user = getattr(world, persona)
    problems = refusals(sign_in(user), user, records["alices_person"], 404)
    assert problems == []
    # Each refusal names the person asked about, for a manager to follow up.
    refused = AuditEvent.objects.filter(action="denied", actor=user)
    assert refused.count() == len(PAGES)
    assert set(refused.values_list("person", flat=True)) == {world.alices_person.pk}
    link = SelfCompletionLink.objects.get(pk=records["alices_person"]["link"].pk)
    assert link.state == SelfCompletionLink.State.ACTIVE


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_a_refusal_looks_the_same_as_an_assessment_that_does_not_exist(
    world, sign_in, records, persona
):
    client = sign_in(getattr(world, persona))
    completed = records["alices_person"]["completed"]
    refused = client.get(reverse("assessments:profile", args=[completed.pk]))
    missing = client.get(reverse("assessments:profile", args=[999_999]))
    assert refused.status_code == missing.status_code == 404
    assert refused.content.decode().count("<h1") == 1
    assert refused.templates[0].name == missing.templates[0].name


def test_a_link_cannot_be_reached_through_another_persons_address(
    world, sign_in, records
):
    # Alice may see both people, but a link belongs to one of them only.
    bobs_link = records["bobs_person"]["link"]
    client = sign_in(world.alice)
    show = client.get(
        reverse("assessments:link-show", args=[world.alices_person.pk, bobs_link.pk])
    )
    cancel = client.post(
        reverse("assessments:link-revoke", args=[world.alices_person.pk, bobs_link.pk])
    )
    assert show.status_code == cancel.status_code == 404
    bobs_link.refresh_from_db()
    assert bobs_link.state == SelfCompletionLink.State.ACTIVE


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_cannot_change_anything_by_posting(
    world, sign_in, records, persona, instruments
):
    draft = records["alices_person"]["draft"]
    client = sign_in(getattr(world, persona))
    section = draft.instrument.instrument.sections[0]
    answers_before = dict(Assessment.objects.get(pk=draft.pk).answers)

    responses = [
        client.post(
            reverse("assessments:start-assessment", args=[world.alices_person.pk]),
            {"instrument": instruments["check-in"].pk},
        ),
        client.post(
            reverse("assessments:link-issue", args=[world.alices_person.pk]),
            {"instrument": instruments["check-in"].pk},
        ),
        client.post(
            reverse("assessments:section", args=[draft.pk, section.id]),
            {item.id: "0" for item in section.items},
        ),
        client.post(reverse("assessments:check", args=[draft.pk])),
    ]

    assert [r.status_code for r in responses] == [404] * 4
    assert not Assessment.objects.filter(
        person=world.alices_person, instrument=instruments["check-in"]
    ).exists()
    assert not SelfCompletionLink.objects.filter(
        person=world.alices_person, instrument=instruments["check-in"]
    ).exists()
    draft.refresh_from_db()
    assert draft.answers == answers_before
    assert draft.sections_saved == []
    assert draft.status == Assessment.Status.DRAFT
    denied = AuditEvent.objects.filter(actor=getattr(world, persona), action="denied")
    assert denied.count() == 4


# Refused: no person-level role


@pytest.mark.parametrize("persona", NO_PERSON_ROLE)
def test_users_without_a_person_level_role_are_refused(
    world, sign_in, records, persona
):
    user = getattr(world, persona)
    problems = refusals(sign_in(user), user, records["alices_person"], 403)
    assert problems == []
    # Refused before the person is looked up, so no event names anyone.
    refused = AuditEvent.objects.filter(action="denied", actor=user)
    assert refused.count() == len(PAGES)
    assert not refused.filter(person__isnull=False).exists()


# Anonymous


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(world, client, records):
    before = last_event_pk()
    for name, *_ in PAGES:
        response, url = open_page(client, name, records["alices_person"])
        assert_redirects_to_sign_in(response, url)
    assert not events_since(before, person=world.alices_person).exists()
    link = SelfCompletionLink.objects.get(pk=records["alices_person"]["link"].pk)
    assert link.state == SelfCompletionLink.State.ACTIVE


# Self-completion: no account, the link is the key


@pytest.fixture
def alices_link(world, instruments):
    _link, token = actions.issue_link(
        world.alices_person, instruments[DEFAULT], by=world.alice
    )
    return token


def self_url(name, token, *args):
    return reverse(f"assessments:self-{name}", args=[token, *args])


@pytest.mark.parametrize("name", ["start", "section", "check"])
def test_self_completion_pages_open_without_signing_in_and_are_audited_without_actor(
    world, client, instruments, alices_link, name
):
    first = instruments[DEFAULT].instrument.sections[0].id
    args = [first] if name == "section" else []
    before = last_event_pk()

    response = client.get(self_url(name, alices_link, *args))

    assert response.status_code == 200
    assessment = Assessment.objects.get(person=world.alices_person)
    assert assessment.mode == Assessment.Mode.SELF
    view = events_since(before, action="view").get()
    assert view.actor is None
    assert view.person == world.alices_person
    assert view.record_type == "assessments.assessment"
    assert view.record_id == str(assessment.pk)
    assert "self-completion link" in view.summary
    # The person reads no one's name but their own questions.
    assert "Sam Jones" not in response.content.decode()


def test_self_completion_results_are_audited_without_actor(
    world, client, instruments, alices_link
):
    version = instruments[DEFAULT]
    client.get(self_url("start", alices_link))
    assessment = Assessment.objects.get(person=world.alices_person)
    answers = plausible_answers(version.instrument, random.Random(2), 0.5)
    for section in version.instrument.sections:
        actions.save_section(
            assessment,
            section,
            {i.id: answers[i.id] for i in section.items if i.id in answers},
            by=None,
        )
    submitted = client.post(self_url("check", alices_link))
    assert submitted.status_code == 302
    assert submitted["Location"] == self_url("done", alices_link)
    before = last_event_pk()

    done = client.get(self_url("done", alices_link))
    pdf = client.get(self_url("pdf", alices_link))

    assert done.status_code == 200
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    events = events_since(before, person=world.alices_person)
    assert {e.action for e in events} == {"view", "export"}
    assert all(e.actor is None for e in events)
    submit = AuditEvent.objects.get(action="submit", person=world.alices_person)
    assert submit.actor is None


def test_a_link_shows_the_questions_and_not_the_record_even_to_staff(
    world, sign_in, records, alices_link
):
    # A link works for whoever holds it, signed in or not; it opens the
    # questions, never the person's record.
    response = sign_in(world.carol).get(self_url("start", alices_link))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sam Jones" not in html
    assert (
        reverse("assessments:person-assessments", args=[world.alices_person.pk])
        not in html
    )
