"""A person completes an assessment alone, with a link from their navigator:
no account, single use, expiring, and the link itself is the only key."""

import datetime
import re
from urllib.parse import urlparse

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremap.assessments.models import Assessment, SelfCompletionLink, hash_token
from caremap.privacy.models import AuditEvent

DEFAULT = "recovery-capital-profile"
TOKEN_IN_URL = re.compile(r"^/en/a/([^/]+)/$")


def link_lifetime():
    """Seven days unless the installation says otherwise."""
    return datetime.timedelta(days=settings.ASSESSMENT_LINK_DAYS)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text_of(response):
    return soup(response).get_text(" ", strip=True)


def chosen_answers(instrument):
    """A plain, complete set of answers: the top of every scale and yes to
    every yes-or-no question. Optional questions are left out."""
    answers = {}
    for item in instrument.items:
        if item.optional:
            continue
        if item.type == "scale":
            answers[item.id] = str(max(point.value for point in item.points))
        elif item.type == "yes_no":
            answers[item.id] = "yes"
        else:
            raise AssertionError(f"no answer chosen for {item.type} item {item.id}")
    return answers


def form_data(section, answers):
    """What a browser posts: the chosen answers, and every text box, empty
    or not (unchosen radios are not sent at all)."""
    data = {item.id: "" for item in section.items if item.type == "text"}
    return data | {i.id: answers[i.id] for i in section.items if i.id in answers}


def self_url(name, token, *args):
    return reverse(f"assessments:self-{name}", args=[token, *args])


@pytest.fixture
def version(instruments):
    return instruments[DEFAULT]


def issue_link(client, person, version):
    """Issues a link through the pages; returns the link, the token and the
    show page's response."""
    response = client.post(
        reverse("assessments:link-issue", args=[person.pk]), {"instrument": version.pk}
    )
    assert response.status_code == 302
    link = SelfCompletionLink.objects.filter(person=person).order_by("-pk").first()
    assert response["Location"] == reverse(
        "assessments:link-show", args=[person.pk, link.pk]
    )
    shown = client.get(response["Location"])
    anchor = soup(shown).select_one("#self-completion-url")
    assert anchor is not None, "the new link is not shown"
    path = urlparse(anchor["href"]).path
    token = TOKEN_IN_URL.match(path)[1]
    return link, token, shown


@pytest.fixture
def issued(world, sign_in, version):
    return issue_link(sign_in(world.alice), world.alices_person, version)


def answer(client, token, sections, answers):
    for section in sections:
        response = client.post(
            self_url("section", token, section.id), form_data(section, answers)
        )
        assert response.status_code == 302, (section.id, response.content[:2000])


# Issuing and showing a link


def test_a_new_link_is_shown_once_with_a_qr_code(world, sign_in, version, issued):
    link, token, shown = issued
    page = soup(shown)
    url = page.select_one("#self-completion-url")["href"]
    assert url == f"http://testserver{self_url('start', token)}"
    assert page.select_one("#self-completion-url").get_text(strip=True) == url
    qr = page.select_one(".app-qr svg")
    assert qr is not None
    assert qr.title.get_text() == "QR code for the link"
    assert link.state == SelfCompletionLink.State.ACTIVE
    assert link.instrument == version
    assert link.created_by == world.alice
    assert link.expires_at - link.created_at == link_lifetime()
    created = AuditEvent.objects.get(
        action="create", record_type="assessments.selfcompletionlink"
    )
    assert created.actor == world.alice
    assert created.person == world.alices_person

    again = sign_in(world.alice).get(
        reverse("assessments:link-show", args=[world.alices_person.pk, link.pk])
    )

    assert again.status_code == 200
    assert token not in again.content.decode()
    assert soup(again).select_one("#self-completion-url") is None
    assert soup(again).select_one(".app-qr svg") is None
    assert "cannot be shown again" in text_of(again)
    assert "Waiting to be completed" in text_of(again)


def test_the_token_is_not_stored_with_the_link(issued):
    link, token, _shown = issued
    stored = SelfCompletionLink.objects.filter(pk=link.pk).values().get()
    assert stored["token_hash"] == hash_token(token)
    for column, value in stored.items():
        assert token not in str(value), column
    assert SelfCompletionLink.find(token) == link


def test_the_token_is_not_kept_in_any_session_once_shown(issued):
    _link, token, _shown = issued
    for session in Session.objects.all():
        assert token not in str(session.get_decoded())


def test_opening_the_link_leaves_no_token_in_the_audit_log(world, version, issued):
    """Only a hash of the token is stored, so that nobody who can read the
    database (or a backup of it) can open someone's link and answer as them.
    The audit log is part of the database."""
    _link, token, _shown = issued
    stranger = Client()
    first = version.instrument.sections[0]
    stranger.get(self_url("start", token))
    stranger.post(
        self_url("section", token, first.id),
        form_data(first, chosen_answers(version.instrument)),
    )
    events = AuditEvent.objects.filter(person=world.alices_person).values()
    assert events
    leaks = [
        (event["action"], column)
        for event in events
        for column, value in event.items()
        if token in str(value)
    ]
    assert leaks == []


# Using a link


def test_the_link_opens_without_an_account(world, version, issued):
    link, token, _shown = issued
    response = Client().get(self_url("start", token))

    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == str(version.instrument.title)
    start = page.select_one("a.govuk-button")
    assert start.get_text(strip=True) == "Start now"
    first = version.instrument.sections[0]
    assert start["href"] == self_url("section", token, first.id)
    # The person's record, and the way back to it, are not on the page.
    assert world.alices_person.family_name not in response.content.decode()
    assert page.select_one(".govuk-back-link") is None
    link.refresh_from_db()
    assert link.assessment.mode == Assessment.Mode.SELF
    assert link.assessment.person == world.alices_person
    assert link.assessment.started_by is None


def test_pages_on_the_link_are_never_stored_by_a_browser_or_proxy(version, issued):
    _link, token, _shown = issued
    client = Client()
    section = version.instrument.sections[0].id
    for url in [self_url("start", token), self_url("section", token, section)]:
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url


def test_the_link_opens_in_welsh_too(issued):
    _link, token, _shown = issued
    response = Client().get(f"/cy/a/{token}/")
    assert response.status_code == 200
    assert soup(response).html["lang"] == "cy"


def test_the_link_is_in_the_persons_preferred_language(world, sign_in, version):
    person = world.alices_person
    person.preferred_language = "cy"
    person.save()
    client = sign_in(world.alice)
    response = client.post(
        reverse("assessments:link-issue", args=[person.pk]), {"instrument": version.pk}
    )
    shown = client.get(response["Location"])
    href = soup(shown).select_one("#self-completion-url")["href"]
    assert urlparse(href).path.startswith("/cy/a/")
    assert Client().get(urlparse(href).path).status_code == 200


def test_a_page_sent_with_nothing_chosen_is_explained(version, issued):
    _link, token, _shown = issued
    first = version.instrument.sections[0]
    url = self_url("section", token, first.id)
    # A real browser: it sends the form's CSRF token, and nothing else when
    # no answer is chosen.
    browser = Client(enforce_csrf_checks=True)
    form = soup(browser.get(url)).select_one("#main-content form")
    csrf = form.select_one('input[name="csrfmiddlewaretoken"]')["value"]

    response = browser.post(url, {"csrfmiddlewaretoken": csrf})

    assert response.status_code == 200
    errors = soup(response).select(".govuk-error-summary__list a")
    assert [a["href"] for a in errors] == [
        f"#id_{item.id}_0" for item in first.items if not item.optional
    ]
    assert Assessment.objects.get().answers == {}


def test_answers_are_kept_and_another_browser_carries_on(world, version, issued):
    link, token, _shown = issued
    sections = version.instrument.sections
    answers = chosen_answers(version.instrument)
    first_browser = Client()
    first_browser.get(self_url("start", token))
    answer(first_browser, token, sections[:3], answers)
    later = first_browser.post(
        self_url("section", token, sections[3].id),
        form_data(sections[3], answers) | {"later": "1"},
    )
    assert later.status_code == 302
    assert later["Location"] == self_url("start", token)

    second_browser = Client()
    response = second_browser.get(self_url("start", token))

    assert response.status_code == 200
    carry_on = soup(response).select_one("a.govuk-button")
    assert carry_on.get_text(strip=True) == "Continue"
    assert carry_on["href"] == self_url("section", token, sections[4].id)
    assert "You have completed 4 of 16 sections." in text_of(response)
    assessment = Assessment.objects.get(person=world.alices_person)
    assert assessment.sections_saved == [s.id for s in sections[:4]]
    assert set(assessment.answers) == {i.id for s in sections[:4] for i in s.items}
    assert Assessment.objects.filter(person=world.alices_person).count() == 1
    saved = AuditEvent.objects.filter(action="update", summary__startswith="Saved")
    assert saved.count() == 4
    assert not saved.filter(actor__isnull=False).exists()


def test_submitting_shows_the_results_and_then_the_link_is_used(world, version, issued):
    link, token, _shown = issued
    sections = version.instrument.sections
    answers = chosen_answers(version.instrument)
    browser = Client()
    browser.get(self_url("start", token))
    answer(browser, token, sections, answers)
    check = browser.get(self_url("check", token))
    assert check.status_code == 200
    assert "Submit and see results" in text_of(check)

    submitted = browser.post(self_url("check", token))

    assert submitted.status_code == 302
    assert submitted["Location"] == self_url("done", token)
    results = browser.get(self_url("done", token))
    assert results.status_code == 200
    assert soup(results).h1.get_text(strip=True) == "Your results"
    assert soup(results).select_one("#profile-summary").get_text(strip=True)
    # No way from the results into the service: no history, no record.
    assert world.alices_person.family_name not in results.content.decode()
    assessment = Assessment.objects.get(person=world.alices_person)
    assert reverse("assessments:fhir", args=[assessment.pk]) not in (
        results.content.decode()
    )
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.mode == Assessment.Mode.SELF
    assert assessment.submitted_by is None
    link.refresh_from_db()
    assert link.state == SelfCompletionLink.State.USED

    # Anyone else who opens the link afterwards learns only that it was used.
    for url in [
        self_url("start", token),
        self_url("section", token, sections[0].id),
        self_url("check", token),
        self_url("done", token),
        self_url("pdf", token),
    ]:
        response = Client().get(url)
        assert response.status_code == 410, url
        page = soup(response)
        assert page.h1.get_text(strip=True) == "This link has already been used"
        assert page.select_one("#profile-summary") is None
        assert str(sections[0].items[0].text) not in page.get_text()
    # Nor can the browser that submitted change anything afterwards.
    again = browser.post(
        self_url("section", token, sections[0].id), form_data(sections[0], answers)
    )
    assert (again.status_code, again.get("Location")) in [
        (410, None),
        (302, self_url("done", token)),
    ]
    assert Assessment.objects.get(pk=assessment.pk).answers == assessment.answers


def test_submitting_twice_from_the_same_browser_shows_the_results(
    world, version, issued
):
    """A double tap, or a browser resending the form: the person who has just
    submitted sees their results, not a page saying the link was used."""
    _link, token, _shown = issued
    browser = Client()
    answer(
        browser, token, version.instrument.sections, chosen_answers(version.instrument)
    )
    first = browser.post(self_url("check", token))
    assert first.status_code == 302

    second = browser.post(self_url("check", token))
    back_to_start = browser.get(self_url("start", token))

    assert Assessment.objects.filter(person=world.alices_person).count() == 1
    assert AuditEvent.objects.filter(action="submit").count() == 1
    assert (second.status_code, second.get("Location")) == (
        302,
        self_url("done", token),
    )
    assert (back_to_start.status_code, back_to_start.get("Location")) == (
        302,
        self_url("done", token),
    )


def test_a_link_stops_working_when_it_expires(world, version, issued):
    link, token, _shown = issued
    sections = version.instrument.sections
    answers = chosen_answers(version.instrument)
    answer(Client(), token, sections[:2], answers)

    with time_machine.travel(
        timezone.now() + link_lifetime() + datetime.timedelta(minutes=1)
    ):
        response = Client().get(self_url("start", token))
        posted = Client().post(
            self_url("section", token, sections[2].id),
            form_data(sections[2], answers),
        )
        link.refresh_from_db()
        state = link.state

    assert response.status_code == 410
    assert soup(response).h1.get_text(strip=True) == "This link has expired"
    assert "Any answers you saved are kept" in text_of(response)
    assert posted.status_code == 410
    assert state == SelfCompletionLink.State.EXPIRED
    assessment = Assessment.objects.get(person=world.alices_person)
    assert assessment.sections_saved == [sections[0].id, sections[1].id]


def test_a_link_still_works_just_before_it_expires(issued):
    _link, token, _shown = issued
    with time_machine.travel(
        timezone.now() + link_lifetime() - datetime.timedelta(hours=1)
    ):
        response = Client().get(self_url("start", token))
    assert response.status_code == 200


def test_a_new_link_after_one_expired_carries_on_with_the_saved_answers(
    world, sign_in, version, issued
):
    _link, token, _shown = issued
    sections = version.instrument.sections
    answer(Client(), token, sections[:2], chosen_answers(version.instrument))

    with time_machine.travel(
        timezone.now() + link_lifetime() + datetime.timedelta(days=1)
    ):
        _new, new_token, _shown = issue_link(
            sign_in(world.alice), world.alices_person, version
        )
        response = Client().get(self_url("start", new_token))

    assert response.status_code == 200
    carry_on = soup(response).select_one("a.govuk-button")
    assert carry_on["href"] == self_url("section", new_token, sections[2].id)
    assert Assessment.objects.filter(person=world.alices_person).count() == 1


def test_an_unknown_link_is_explained(db):
    response = Client().get(self_url("start", "not-a-real-token"))
    assert response.status_code == 404
    page = soup(response)
    assert page.h1.get_text(strip=True) == "This link does not work"
    assert "Check that you copied the whole link" in page.get_text()
    assert not AuditEvent.objects.exists()


def test_a_new_link_cancels_the_older_one(world, sign_in, version, issued):
    old, old_token, _shown = issued
    new, new_token, _shown = issue_link(
        sign_in(world.alice), world.alices_person, version
    )

    refused = Client().get(self_url("start", old_token))

    assert refused.status_code == 410
    assert soup(refused).h1.get_text(strip=True) == "This link has been cancelled"
    assert Client().get(self_url("start", new_token)).status_code == 200
    old.refresh_from_db()
    assert old.state == SelfCompletionLink.State.REVOKED
    assert new.pk != old.pk


def test_a_link_for_another_questionnaire_is_not_cancelled(
    world, sign_in, instruments, issued
):
    _old, old_token, _shown = issued
    issue_link(sign_in(world.alice), world.alices_person, instruments["check-in"])
    assert Client().get(self_url("start", old_token)).status_code == 200


def test_the_cancel_button_stops_a_link(world, sign_in, issued):
    link, token, _shown = issued
    navigator = sign_in(world.alice)
    listing = reverse("assessments:person-assessments", args=[world.alices_person.pk])
    cancel = reverse("assessments:link-revoke", args=[world.alices_person.pk, link.pk])
    form = soup(navigator.get(listing)).select_one(f'form[action="{cancel}"]')
    assert form is not None
    assert "Cancel link" in form.button.get_text()

    response = navigator.post(cancel)

    assert response.status_code == 302
    assert response["Location"] == listing
    after = navigator.get(listing)
    assert "The link has been cancelled." in text_of(after)
    assert soup(after).select_one(f'form[action="{cancel}"]') is None
    refused = Client().get(self_url("start", token))
    assert refused.status_code == 410
    assert soup(refused).h1.get_text(strip=True) == "This link has been cancelled"
    cancelled = AuditEvent.objects.get(summary="Cancelled a self-completion link")
    assert cancelled.actor == world.alice


def test_cancelling_needs_a_post(world, sign_in, issued):
    link, token, _shown = issued
    response = sign_in(world.alice).get(
        reverse("assessments:link-revoke", args=[world.alices_person.pk, link.pk])
    )
    assert response.status_code == 405
    assert Client().get(self_url("start", token)).status_code == 200


@pytest.mark.parametrize("persona", ["carol", "oscar"])
def test_other_staff_cannot_show_or_cancel_a_link(world, sign_in, persona, issued):
    link, token, _shown = issued
    client = sign_in(getattr(world, persona))
    person = world.alices_person.pk

    shown = client.get(reverse("assessments:link-show", args=[person, link.pk]))
    cancelled = client.post(reverse("assessments:link-revoke", args=[person, link.pk]))

    assert shown.status_code == cancelled.status_code == 404
    assert token not in shown.content.decode()
    link.refresh_from_db()
    assert link.state == SelfCompletionLink.State.ACTIVE
    assert Client().get(self_url("start", token)).status_code == 200
    denied = AuditEvent.objects.filter(action="denied", actor=getattr(world, persona))
    assert denied.count() == 2


@pytest.mark.parametrize("persona", ["carol", "oscar"])
def test_other_staff_cannot_show_a_link_through_their_own_person(
    world, sign_in, persona, issued
):
    # Their own person is someone they may see, but the link is not theirs.
    link, _token, _shown = issued
    own = world.carols_person if persona == "carol" else world.oscars_person
    client = sign_in(getattr(world, persona))
    shown = client.get(reverse("assessments:link-show", args=[own.pk, link.pk]))
    cancelled = client.post(reverse("assessments:link-revoke", args=[own.pk, link.pk]))
    assert shown.status_code == cancelled.status_code == 404
    link.refresh_from_db()
    assert link.state == SelfCompletionLink.State.ACTIVE
