"""A navigator takes an assessment with a person, page by page, through the
same HTTP requests a browser makes: start, one page per section, check the
answers, submit, and read the profile."""

import contextlib
import datetime
import json
import random
import re
import threading
import zlib

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from caremap.assessments import actions
from caremap.assessments.models import Assessment
from caremap.assessments.samples import complete_assessment, plausible_answers
from caremap.instruments.scoring import score
from caremap.privacy.models import AuditEvent

DEFAULT = "recovery-capital-profile"


def made_up(seed):
    return random.Random(seed)


def chosen_answers(instrument):
    """Answers with something in every part of the profile: strengths in
    every area, exactly one barrier, exactly one need wanted and not met.
    Optional items are left out."""
    barrier = next(item for item in instrument.items if item.is_barrier)
    needs = {need.wanted: need for need in instrument.needs}
    first_need = instrument.needs[0]
    received = {need.received for need in instrument.needs}
    answers = {}
    for item in instrument.items:
        if item.optional:
            continue
        if item.type == "scale":
            answers[item.id] = max(point.value for point in item.points)
        elif item.id in needs:
            answers[item.id] = item.id == first_need.wanted
        elif item.id in received:
            answers[item.id] = item.id != first_need.received
        elif item.is_barrier:
            answers[item.id] = item.id == barrier.id
        elif item.type == "yes_no":
            answers[item.id] = not item.reverse
        else:
            raise AssertionError(f"no answer chosen for {item.type} item {item.id}")
    return answers


def form_data(section, answers):
    """What a browser posts for these answers: unchosen radios are not sent,
    but every text box is, empty or not."""
    data = {}
    for item in section.items:
        if item.id not in answers:
            if item.type == "text":
                data[item.id] = ""
            continue
        value = answers[item.id]
        if item.type == "yes_no":
            data[item.id] = "yes" if value else "no"
        else:
            data[item.id] = str(value)
    return data


def section_url(assessment, section, *, returning=False):
    url = reverse("assessments:section", args=[assessment.pk, section.id])
    return url + "?return=check" if returning else url


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def version(instruments):
    return instruments[DEFAULT]


@pytest.fixture
def navigator(world, sign_in):
    return sign_in(world.alice)


def start(client, person, version):
    response = client.post(
        reverse("assessments:start-assessment", args=[person.pk]),
        {"instrument": version.pk},
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(person=person, status="draft")
    assert response["Location"] == reverse(
        "assessments:assessment", args=[assessment.pk]
    )
    return assessment


def answer_sections(client, assessment, sections, answers):
    for section in sections:
        response = client.post(
            section_url(assessment, section), form_data(section, answers)
        )
        assert response.status_code == 302, (section.id, response.content[:2000])


# Starting


def test_the_start_page_offers_every_instrument_with_the_default_chosen(
    world, navigator, version, instruments
):
    response = navigator.get(
        reverse("assessments:start-assessment", args=[world.alices_person.pk])
    )
    radios = soup(response).select('input[type="radio"][name="instrument"]')
    assert response.status_code == 200
    assert {int(r["value"]) for r in radios} == {v.pk for v in instruments.values()}
    checked = [r for r in radios if r.has_attr("checked")]
    assert [int(r["value"]) for r in checked] == [version.pk]
    assert version.key == settings.DEFAULT_INSTRUMENT


def test_starting_makes_a_draft_and_audits_it(world, navigator, version):
    assessment = start(navigator, world.alices_person, version)
    assert assessment.instrument == version
    assert assessment.mode == Assessment.Mode.WITH_NAVIGATOR
    assert assessment.started_by == world.alice
    assert assessment.answers == {}
    created = AuditEvent.objects.get(
        action="create", record_type="assessments.assessment"
    )
    assert created.actor == world.alice
    assert created.person == world.alices_person


def test_starting_twice_resumes_the_same_draft(world, navigator, version):
    first = start(navigator, world.alices_person, version)
    second = start(navigator, world.alices_person, version)
    assert first.pk == second.pk
    assert Assessment.objects.filter(person=world.alices_person).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a database where two connections can write at once",
)
def test_two_overlapping_starts_make_one_draft(world, instruments, transactional_db):
    """A double click that reaches the server as two requests at once: the
    second looks for a draft before the first has committed its own. The
    first request is held open here so the two overlap every time."""
    version = instruments[DEFAULT]
    person = world.alices_person
    first_started = threading.Event()
    second_done = threading.Event()
    failures = []

    def second_is_done_or_waiting():
        # Done: it found nothing to wait for. Waiting: it is blocked on a
        # lock the first request holds, and will see its draft afterwards.
        with connection.cursor() as cursor:
            for _ in range(500):
                if second_done.wait(0.01):
                    return
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cursor.fetchone()[0]:
                    return

    def first_request():
        try:
            with transaction.atomic():
                actions.start_assessment(person, version, by=world.alice)
                first_started.set()
                second_is_done_or_waiting()
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            first_started.set()
            connection.close()

    def second_request():
        try:
            first_started.wait(5)
            actions.start_assessment(person, version, by=world.bob)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            second_done.set()
            connection.close()

    requests = [
        threading.Thread(target=first_request),
        threading.Thread(target=second_request),
    ]
    for request in requests:
        request.start()
    for request in requests:
        request.join(10)

    assert failures == []
    assert Assessment.objects.drafts().filter(person=person).count() == 1


def test_the_task_list_starts_at_the_first_section(world, navigator, version):
    assessment = start(navigator, world.alices_person, version)
    page = soup(navigator.get(reverse("assessments:assessment", args=[assessment.pk])))
    sections = version.instrument.sections
    start_button = page.select_one("a.govuk-button")
    assert start_button.get_text(strip=True) == "Start now"
    assert start_button["href"] == section_url(assessment, sections[0])
    statuses = [s.get_text(strip=True) for s in page.select("[id^=section-]")]
    assert statuses == ["Incomplete"] * len(sections)
    assert page.select_one("#check-status").get_text(strip=True) == "Cannot start yet"


# One page per section


def test_an_empty_page_gives_one_error_per_required_question(world, navigator, version):
    assessment = start(navigator, world.alices_person, version)
    first = version.instrument.sections[0]
    required = [item for item in first.items if not item.optional]
    assert required

    response = navigator.post(section_url(assessment, first), {})

    assert response.status_code == 200
    page = soup(response)
    assert page.title.get_text(strip=True).startswith("Error:")
    summary_links = page.select(".govuk-error-summary__list a")
    assert [a["href"] for a in summary_links] == [
        f"#id_{item.id}_0" for item in required
    ]
    for item, link in zip(required, summary_links, strict=True):
        beside = page.select_one(f"#id_{item.id}_error")
        assert beside is not None, item.id
        message = link.get_text(strip=True)
        assert str(item.text) in message
        assert message in beside.get_text(" ", strip=True)
        group = beside.find_parent(class_="govuk-form-group")
        assert "govuk-form-group--error" in group["class"]
    assessment.refresh_from_db()
    assert assessment.answers == {}
    assert assessment.sections_saved == []


def test_a_page_with_errors_keeps_what_was_answered(world, navigator, version):
    assessment = start(navigator, world.alices_person, version)
    first = version.instrument.sections[0]
    answers = chosen_answers(version.instrument)
    answered, missing = first.items[:2], first.items[2:]
    posted = form_data(first, {i.id: answers[i.id] for i in answered})

    response = navigator.post(section_url(assessment, first), posted)

    assert response.status_code == 200
    page = soup(response)
    errors = page.select(".govuk-error-summary__list a")
    assert [a["href"] for a in errors] == [f"#id_{i.id}_0" for i in missing]
    for item in answered:
        checked = page.select(f'input[name="{item.id}"][checked]')
        assert [c["value"] for c in checked] == [posted[item.id]]
        assert page.select_one(f"#id_{item.id}_error") is None
    for item in missing:
        assert not page.select(f'input[name="{item.id}"][checked]')
    assessment.refresh_from_db()
    assert assessment.answers == {}


def test_an_answer_that_is_not_an_option_is_refused(world, navigator, version):
    assessment = start(navigator, world.alices_person, version)
    first = version.instrument.sections[0]
    posted = form_data(first, chosen_answers(version.instrument))
    posted[first.items[0].id] = "99"
    response = navigator.post(section_url(assessment, first), posted)
    assert response.status_code == 200
    assert soup(response).select_one(f"#id_{first.items[0].id}_error") is not None
    assessment.refresh_from_db()
    assert assessment.answers == {}


def test_a_valid_page_is_saved_and_leads_to_the_next_section(world, navigator, version):
    assessment = start(navigator, world.alices_person, version)
    first, second = version.instrument.sections[:2]
    answers = chosen_answers(version.instrument)

    response = navigator.post(section_url(assessment, first), form_data(first, answers))

    assert response.status_code == 302
    assert response["Location"] == section_url(assessment, second)
    assessment.refresh_from_db()
    assert assessment.answers == {i.id: answers[i.id] for i in first.items}
    assert assessment.sections_saved == [first.id]
    saved = AuditEvent.objects.get(action="update", summary=f"Saved section {first.id}")
    assert saved.actor == world.alice
    # Answers never go into the audit log.
    assert saved.changes == {}


def test_a_saved_page_shows_its_answers_when_opened_again(world, navigator, version):
    assessment = start(navigator, world.alices_person, version)
    first = version.instrument.sections[0]
    posted = form_data(first, chosen_answers(version.instrument))
    navigator.post(section_url(assessment, first), posted)
    page = soup(navigator.get(section_url(assessment, first)))
    for item in first.items:
        checked = page.select(f'input[name="{item.id}"][checked]')
        assert [c["value"] for c in checked] == [posted[item.id]]


def test_save_and_come_back_later_returns_to_the_task_list(world, navigator, version):
    assessment = start(navigator, world.alices_person, version)
    sections = version.instrument.sections
    answers = chosen_answers(version.instrument)
    answer_sections(navigator, assessment, sections[:1], answers)

    response = navigator.post(
        section_url(assessment, sections[1]),
        form_data(sections[1], answers) | {"later": "1"},
    )

    tasks = reverse("assessments:assessment", args=[assessment.pk])
    assert response.status_code == 302
    assert response["Location"] == tasks
    page = soup(navigator.get(tasks))
    statuses = [s.get_text(strip=True) for s in page.select("[id^=section-]")]
    assert statuses == ["Completed", "Completed"] + ["Incomplete"] * (len(sections) - 2)
    assert "You have completed 2 of 16 sections." in page.get_text(" ", strip=True)
    assert "Your answers are saved" in page.get_text()


def test_resuming_continues_at_the_first_section_not_yet_done(
    world, navigator, version
):
    assessment = start(navigator, world.alices_person, version)
    sections = version.instrument.sections
    answers = chosen_answers(version.instrument)
    # The first two and the fourth: the third is the one still to do.
    answer_sections(navigator, assessment, [sections[0], sections[1]], answers)
    answer_sections(navigator, assessment, [sections[3]], answers)

    page = soup(navigator.get(reverse("assessments:assessment", args=[assessment.pk])))

    carry_on = page.select_one("a.govuk-button")
    assert carry_on.get_text(strip=True) == "Continue"
    assert carry_on["href"] == section_url(assessment, sections[2])


def test_an_unknown_section_is_not_found(world, navigator, version):
    assessment = start(navigator, world.alices_person, version)
    response = navigator.get(
        reverse("assessments:section", args=[assessment.pk, "no-such-section"])
    )
    assert response.status_code == 404


# Checking and submitting


@pytest.fixture
def answered(world, navigator, version):
    """A draft with every section saved through the pages."""
    assessment = start(navigator, world.alices_person, version)
    answers = chosen_answers(version.instrument)
    answer_sections(navigator, assessment, version.instrument.sections, answers)
    assessment.refresh_from_db()
    return assessment, answers


def test_the_last_section_leads_to_check_answers(world, navigator, version):
    assessment = start(navigator, world.alices_person, version)
    sections = version.instrument.sections
    answers = chosen_answers(version.instrument)
    answer_sections(navigator, assessment, sections[:-1], answers)
    response = navigator.post(
        section_url(assessment, sections[-1]), form_data(sections[-1], answers)
    )
    assert response["Location"] == reverse("assessments:check", args=[assessment.pk])
    page = soup(navigator.get(reverse("assessments:assessment", args=[assessment.pk])))
    check_link = page.select_one("a[aria-describedby=check-status]")
    assert check_link["href"] == reverse("assessments:check", args=[assessment.pk])
    assert page.select_one("a.govuk-button") is None  # nothing left to continue


def expected_text(item, answers):
    if item.id not in answers:
        return "Not provided" if item.optional else "Not answered"
    answer = answers[item.id]
    if item.type == "yes_no":
        return "Yes" if answer else "No"
    if item.type == "scale":
        label = next(p.label for p in item.points if p.value == answer)
        return f"{label} ({answer})"
    return str(answer)


def test_check_answers_lists_every_answer(navigator, version, answered):
    assessment, answers = answered
    response = navigator.get(reverse("assessments:check", args=[assessment.pk]))
    page = soup(response)
    rows = page.select(".govuk-summary-list__row")
    items = version.instrument.items
    assert len(rows) == len(items)
    shown = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(
            " ", strip=True
        )
        for row in rows
    }
    for item in items:
        assert shown[str(item.text)] == expected_text(item, answers), item.id
    optional = [item for item in items if item.optional]
    assert optional
    assert list(shown.values()).count("Not provided") == len(optional)
    assert "Not answered" not in page.get_text()
    assert page.select_one("#main-content form button").get_text(strip=True) == (
        "Submit and see results"
    )


def test_change_links_return_to_check_answers(navigator, version, answered):
    assessment, answers = answered
    check = reverse("assessments:check", args=[assessment.pk])
    page = soup(navigator.get(check))
    changes = [a["href"] for a in page.select(".govuk-summary-card__action a")]
    assert changes == [
        section_url(assessment, s, returning=True) for s in version.instrument.sections
    ]
    section = version.instrument.sections[1]
    item = section.items[0]
    assert (
        soup(navigator.get(changes[1])).select_one(".govuk-back-link")["href"] == check
    )

    changed = answers | {item.id: not answers[item.id]}
    response = navigator.post(changes[1], form_data(section, changed))

    assert response.status_code == 302
    assert response["Location"] == check
    assessment.refresh_from_db()
    assert assessment.answers[item.id] is (not answers[item.id])
    shown = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(
            strip=True
        )
        for row in soup(navigator.get(check)).select(".govuk-summary-list__row")
    }
    assert shown[str(item.text)] == expected_text(item, changed)


def test_submitting_stores_the_scores_of_the_answers(
    world, navigator, version, answered
):
    assessment, answers = answered
    response = navigator.post(reverse("assessments:check", args=[assessment.pk]))

    profile = reverse("assessments:profile", args=[assessment.pk])
    assert response.status_code == 302
    assert response["Location"] == profile
    submitted = Assessment.objects.get(person=world.alices_person)
    assert submitted.pk == assessment.pk
    assert submitted.status == Assessment.Status.SUBMITTED
    assert submitted.submitted_by == world.alice
    assert submitted.submitted_at is not None
    assert submitted.answers == answers
    instrument = version.instrument
    cleaned, problems = instrument.clean_answers(answers)
    assert problems == []
    assert submitted.scores == score(instrument, cleaned).as_json()
    event = AuditEvent.objects.get(action="submit")
    assert event.actor == world.alice
    assert event.record_id == str(assessment.pk)


def test_submitting_twice_keeps_one_assessment(world, navigator, answered):
    assessment, _answers = answered
    check = reverse("assessments:check", args=[assessment.pk])
    first = navigator.post(check)
    submitted_at = Assessment.objects.get(pk=assessment.pk).submitted_at
    second = navigator.post(check)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert second["Location"] == reverse("assessments:profile", args=[assessment.pk])
    assert Assessment.objects.filter(person=world.alices_person).count() == 1
    assert Assessment.objects.get(pk=assessment.pk).submitted_at == submitted_at
    assert AuditEvent.objects.filter(action="submit").count() == 1


def test_a_completed_assessment_cannot_be_changed(world, navigator, version, answered):
    assessment, answers = answered
    navigator.post(reverse("assessments:check", args=[assessment.pk]))
    before = Assessment.objects.get(pk=assessment.pk)
    section = version.instrument.sections[1]
    flipped = {item.id: not answers[item.id] for item in section.items}

    response = navigator.post(
        section_url(assessment, section), form_data(section, flipped)
    )
    tasks = navigator.get(reverse("assessments:assessment", args=[assessment.pk]))

    profile = reverse("assessments:profile", args=[assessment.pk])
    assert response.status_code == 302
    assert response["Location"] == profile
    assert tasks["Location"] == profile
    after = Assessment.objects.get(pk=assessment.pk)
    assert after.answers == before.answers == answers
    assert after.scores == before.scores
    assert after.updated_at == before.updated_at
    assert (
        not AuditEvent.objects.filter(
            action="update", summary=f"Saved section {section.id}"
        )
        .exclude(occurred_at__lte=before.submitted_at)
        .exists()
    )


def test_submitting_with_a_section_not_done_shows_an_error_and_saves_nothing(
    world, navigator, version
):
    assessment = start(navigator, world.alices_person, version)
    sections = version.instrument.sections
    answers = chosen_answers(version.instrument)
    answer_sections(navigator, assessment, sections[:-2] + sections[-1:], answers)

    response = navigator.post(reverse("assessments:check", args=[assessment.pk]))

    assert response.status_code == 200
    page = soup(response)
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None
    assert "Answer every question before you submit" in summary.get_text()
    assert page.title.get_text(strip=True).startswith("Error:")
    not_done = [
        card.select_one(".govuk-summary-card__title").get_text(" ", strip=True)
        for card in page.select(".govuk-summary-card")
        if card.select_one(".govuk-tag")
        and "Incomplete" in card.select_one(".govuk-summary-card__title").get_text()
    ]
    assert not_done == [f"{sections[-2].title} Incomplete"]
    assert (
        page.select("#main-content form button") == []
    )  # no submit button until ready
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.scores is None
    assert assessment.submitted_at is None
    assert not AuditEvent.objects.filter(action="submit").exists()


# The profile


def ids_in(page):
    return {tag["id"] for tag in page.select("[id]")}


@pytest.fixture
def earlier(world, version):
    """A completed assessment from three months ago."""
    return complete_assessment(
        world.alices_person,
        version,
        plausible_answers(version.instrument, made_up(1), 0.1),
        by=world.bob,
        when=timezone.now() - datetime.timedelta(days=90),
    )


def test_the_first_profile_shows_the_summary_lists_chart_and_numbers(
    navigator, version, answered
):
    assessment, answers = answered
    navigator.post(reverse("assessments:check", args=[assessment.pk]))
    response = navigator.get(reverse("assessments:profile", args=[assessment.pk]))

    assert response.status_code == 200
    page = soup(response)
    instrument = version.instrument
    scores = Assessment.objects.get(pk=assessment.pk).scores
    summary = page.select_one("#profile-summary").get_text(" ", strip=True)
    assert "You have strengths in" in summary
    assert "You named 1 thing getting in the way." in summary
    strengths = page.select("#profile-strengths > li")
    assert len(strengths) == len(scores["strengths"]) > 0
    titles = [li.strong.get_text(strip=True) for li in strengths]
    assert titles == [str(instrument.domain(d).title) for d in scores["strengths"]]
    barriers = page.select("#profile-barriers > li")
    assert len(barriers) == len(scores["barriers"]) == 1
    needs = [li.get_text(strip=True) for li in page.select("#profile-needs > li")]
    assert needs == [str(instrument.needs[0].title)]
    assert page.select("figure.app-chart--bar")
    table_rows = page.select("#profile-table tbody tr")
    assert len(table_rows) == len(instrument.domains) + len(instrument.composites)
    assert "profile-change" not in ids_in(page)
    assert "change-table" not in ids_in(page)
    fhir = reverse("assessments:fhir", args=[assessment.pk])
    assert page.select_one(f'a[href="{fhir}"]') is not None


def test_a_later_profile_shows_what_has_changed(
    world, navigator, version, earlier, answered
):
    # `earlier` first: a new draft would otherwise be the one it completes.
    assessment, _answers = answered
    navigator.post(reverse("assessments:check", args=[assessment.pk]))
    page = soup(navigator.get(reverse("assessments:profile", args=[assessment.pk])))

    ids = ids_in(page)
    assert {"profile-summary", "profile-table", "profile-change", "change-table"} <= ids
    change = page.select_one("#profile-change").get_text(" ", strip=True)
    assert change.startswith("Since ")
    rows = page.select("#change-table tbody tr")
    instrument = version.instrument
    assert [row.th.get_text(strip=True) for row in rows] == [
        str(d.title) for d in instrument.domains
    ] + [str(c.title) for c in instrument.composites]
    before = earlier.scores["domains"]
    after = Assessment.objects.get(pk=assessment.pk).scores["domains"]
    for row, domain in zip(rows, instrument.domains, strict=False):
        cells = [td.get_text(strip=True) for td in row.select("td")]
        assert cells[0] == str(before[domain.id]["score"]), domain.id
        assert cells[1] == str(after[domain.id]["score"]), domain.id
    assert page.select("figure.app-chart--dumbbell")
    # The earlier assessment is listed, and linked.
    earlier_link = reverse("assessments:profile", args=[earlier.pk])
    assert page.select_one(f'a[href="{earlier_link}"]') is not None


def test_the_history_lists_every_assessment(world, navigator, version, earlier):
    later = complete_assessment(
        world.alices_person,
        version,
        plausible_answers(version.instrument, made_up(2), 0.8),
        by=world.alice,
        when=timezone.now() - datetime.timedelta(days=1),
    )
    check_in = complete_assessment(
        world.alices_person,
        version.__class__.objects.get(key="check-in"),
        plausible_answers(
            version.__class__.objects.get(key="check-in").instrument, made_up(3), 0.5
        ),
        by=world.alice,
        when=timezone.now() - datetime.timedelta(days=2),
    )
    draft, _created = actions.start_assessment(
        world.alices_person, version, by=world.alice
    )

    page = soup(
        navigator.get(
            reverse("assessments:person-assessments", args=[world.alices_person.pk])
        )
    )

    rows = page.select("tbody tr")
    assert len(rows) == 4
    links = [row.select_one("a")["href"] for row in rows]
    # Newest first, the draft at the top.
    assert links == [
        reverse("assessments:assessment", args=[draft.pk]),
        reverse("assessments:profile", args=[later.pk]),
        reverse("assessments:profile", args=[check_in.pk]),
        reverse("assessments:profile", args=[earlier.pk]),
    ]
    assert "In progress" in rows[0].get_text()
    assert all("Completed" in row.get_text() for row in rows[1:])
    # The latest profile lists the others too.
    profile = soup(navigator.get(reverse("assessments:profile", args=[later.pk])))
    listed = {
        a["href"] for a in profile.select("ul.govuk-list a") if "/profile/" in a["href"]
    }
    assert listed == {
        reverse("assessments:profile", args=[check_in.pk]),
        reverse("assessments:profile", args=[earlier.pk]),
    }


# Downloads


def page_sizes(pdf):
    """Every page's (width, height) in points, read from the MediaBox entries
    once the compressed streams are inflated."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):  # not every stream is Flate
            parts.append(zlib.decompress(match.group(1)))
    boxes = re.findall(
        rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", b"\n".join(parts)
    )
    assert boxes, "no page found"
    return {(round(float(width)), round(float(height))) for width, height in boxes}


def test_the_profile_downloads_as_a_pdf_in_a4_and_letter(world, navigator, earlier):
    url = reverse("assessments:pdf", args=[earlier.pk])
    a4 = navigator.get(url)
    letter = navigator.get(url + "?size=letter")

    for response in (a4, letter):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "recovery-profile-" in response["Content-Disposition"]
    assert page_sizes(a4.content) == {(595, 842)}
    assert page_sizes(letter.content) == {(612, 792)}
    exports = AuditEvent.objects.filter(action="export").order_by("pk")
    assert [e.summary for e in exports] == [
        "Downloaded the profile as a PDF (A4)",
        "Downloaded the profile as a PDF (letter)",
    ]


def test_the_answers_download_as_a_valid_fhir_questionnaire_response(
    world, navigator, version, earlier
):
    response = navigator.get(reverse("assessments:fhir", args=[earlier.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    data = json.loads(response.content)
    resource = QuestionnaireResponse.model_validate(data)
    assert resource.status == "completed"
    assert resource.questionnaire.endswith(f"|{version.version}")

    def link_ids(items):
        for item in items or []:
            if item.answer:
                yield item.linkId
            yield from link_ids(item.item)

    assert set(link_ids(resource.item)) == set(earlier.answers)
    # Nothing identifies the person in the file.
    text = response.content.decode()
    assert world.alices_person.family_name not in text
    assert world.alices_person.reference not in text


def test_a_draft_has_no_profile_or_downloads(world, navigator, version):
    assessment = start(navigator, world.alices_person, version)
    for name in ["profile", "pdf", "fhir"]:
        response = navigator.get(reverse(f"assessments:{name}", args=[assessment.pk]))
        assert response.status_code == 404, name
