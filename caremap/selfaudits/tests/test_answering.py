"""Answering an area: rating, evidence and files; uploads are checked by
size, name and contents, and a refused file loses nothing typed; an audit
completes only when every area is rated, and every change is recorded."""

import os

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from caremap.privacy.models import AuditEvent
from caremap.selfaudits import actions, uploads
from caremap.selfaudits.models import Answer, EvidenceFile, SelfAudit
from caremap.selfaudits.tests.conftest import (
    AREAS,
    PNG,
    Q1,
    answer_all,
    docx_bytes,
    start,
    upload,
)


@pytest.fixture
def draft(world):
    return start(world.riverside, world.mia)


def answer_url(audit, key):
    return reverse("selfaudits:answer", args=[audit.organisation_id, audit.pk, key])


def field_error(response, name):
    soup = BeautifulSoup(response.content, "html.parser")
    error = soup.find(id=f"id_{name}_error")
    return error.get_text(" ", strip=True) if error else None


def test_saving_an_answer_with_a_file_moves_to_the_next_area(world, draft, sign_in):
    client = sign_in(world.mia)
    response = client.post(
        answer_url(draft, "practitioner-role"),
        {
            "rating": "partially",
            "evidence": "Peer mentors at two of three sites.",
            "file": upload("Peer rota.pdf", b"%PDF-1.7\n..."),
            "then": "next",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == answer_url(draft, "coaching-stance")
    answer = Answer.objects.get(audit=draft, area="practitioner-role")
    assert (answer.rating, answer.evidence) == (
        "partially",
        "Peer mentors at two of three sites.",
    )
    stored = EvidenceFile.objects.get(answer=answer)
    assert stored.original_name == "Peer rota.pdf"
    assert stored.content_type == "application/pdf"
    assert stored.file.name.startswith(f"selfaudits/{draft.pk}/")
    assert "Peer rota" not in stored.file.name


def test_save_and_stay_returns_to_the_same_area(world, draft, sign_in):
    response = sign_in(world.mia).post(
        answer_url(draft, "language"), {"rating": "yes", "then": "stay"}
    )
    assert response["Location"] == answer_url(draft, "language")


def test_the_last_area_returns_to_the_audit(world, draft, sign_in):
    response = sign_in(world.mia).post(
        answer_url(draft, AREAS[-1].key), {"rating": "no", "then": "next"}
    )
    assert response["Location"] == draft.get_absolute_url()


def test_the_answer_page_shows_the_prompts_and_what_was_saved(world, draft, sign_in):
    actions.save_answer(
        draft, "aftercare", by=world.mia, rating="no", evidence="Nothing written."
    )
    html = sign_in(world.mia).get(answer_url(draft, "aftercare")).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    area = next(area for area in AREAS if area.key == "aftercare")
    for prompt in area.prompts:
        assert str(prompt) in html
    assert soup.find("input", attrs={"name": "rating", "value": "no"}).has_attr(
        "checked"
    )
    assert soup.find("textarea", attrs={"name": "evidence"}).text.strip() == (
        "Nothing written."
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.pdf", b"%PDF-" + b"0" * uploads.MAX_SIZE, "must be smaller than 10"),
        ("script.exe", b"MZ\x90\x00", "The file must be a PDF"),
        ("photo.png", b"%PDF-1.4 not a picture", "named as .png but its contents"),
        ("report.pdf", PNG, "named as .pdf but its contents"),
        ("notes.docx", b"PK\x03\x04 not really a zip", "named as .docx"),
        ("notes.txt", b"\x00\x01\x02binary", "named as .txt"),
        ("empty.csv", b"", "The chosen file is empty"),
    ],
)
def test_a_refused_file_keeps_the_typed_rating_and_evidence(
    world, draft, sign_in, name, content, message
):
    response = sign_in(world.mia).post(
        answer_url(draft, "tools"),
        {
            "rating": "partially",
            "evidence": "Maps used by most of the team.",
            "file": upload(name, content),
            "then": "next",
        },
    )
    assert response.status_code == 200
    assert message in field_error(response, "file")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.title.string.startswith("Error:")
    summary = soup.find(class_="govuk-error-summary")
    assert summary.find("a")["href"] == "#id_file"
    assert soup.find("input", attrs={"value": "partially"}).has_attr("checked")
    assert soup.find("textarea", attrs={"name": "evidence"}).text.strip() == (
        "Maps used by most of the team."
    )
    assert not Answer.objects.filter(audit=draft).exists()
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.docx", docx_bytes()),
        ("scan.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
        ("figures.csv", "area,score\nlanguage,2\ncafé,1\n".encode()),
        ("notes.txt", b"Plain words."),
        ("rota.png", PNG),
    ],
)
def test_good_files_are_accepted(name, content):
    assert (
        uploads.check(upload(name, content))
        == uploads.ACCEPTED["." + name.rsplit(".", 1)[1].lower()]
    )


def test_a_word_document_renamed_as_a_spreadsheet_is_refused():
    with pytest.raises(Exception, match="named as .xlsx"):
        uploads.check(upload("figures.xlsx", docx_bytes()))


def test_a_file_is_removed_and_the_removal_recorded(
    world, draft, sign_in, django_capture_on_commit_callbacks
):
    answer = actions.save_answer(
        draft, "tools", by=world.mia, rating="yes", files=[upload("a.png", PNG)]
    )
    stored = answer.files.get()
    path = stored.file.path
    client = sign_in(world.mia)
    url = reverse(
        "selfaudits:remove-file", args=[world.riverside.pk, draft.pk, stored.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == answer_url(draft, "tools")
    assert not EvidenceFile.objects.exists()
    assert not os.path.exists(path)
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
    assert event.organisation == world.riverside
    assert event.actor == world.mia


def test_completing_is_refused_while_areas_are_unrated(world, draft, sign_in):
    for area in AREAS[:20]:
        actions.save_answer(draft, area.key, by=world.mia, rating="yes")
    actions.save_answer(draft, AREAS[20].key, by=world.mia, evidence="Not sure yet")
    client = sign_in(world.mia)
    response = client.post(
        reverse("selfaudits:complete", args=[world.riverside.pk, draft.pk])
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.find(class_="govuk-error-summary")
    links = [a.get_text(strip=True) for a in summary.find_all("a")]
    assert links == [str(AREAS[20].title), str(AREAS[21].title)]
    draft.refresh_from_db()
    assert draft.status == SelfAudit.Status.DRAFT
    with pytest.raises(Exception, match="Still to rate"):
        actions.complete_audit(draft, by=world.mia)


def test_a_completed_audit_refuses_changes_until_reopened(world, draft, sign_in):
    answer_all(draft, world.mia)
    client = sign_in(world.mia)
    response = client.post(
        reverse("selfaudits:complete", args=[world.riverside.pk, draft.pk])
    )
    assert response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.is_completed and draft.completed_by == world.mia

    response = client.post(
        answer_url(draft, "tools"), {"rating": "no", "evidence": "Changed my mind"}
    )
    assert response.status_code == 200
    assert "Reopen it" in response.content.decode()
    assert "Changed my mind" in response.content.decode()
    assert Answer.objects.get(audit=draft, area="tools").rating == "yes"

    client.post(reverse("selfaudits:reopen", args=[world.riverside.pk, draft.pk]))
    draft.refresh_from_db()
    assert draft.status == SelfAudit.Status.DRAFT
    reopened = AuditEvent.objects.get(summary="Reopened a completed self-audit")
    assert reopened.actor == world.mia
    assert reopened.changes["completed_by"] == world.mia.pk


def test_every_change_and_view_is_recorded(world, sign_in):
    client = sign_in(world.mia)
    client.post(
        reverse("selfaudits:start", args=[world.riverside.pk]),
        {
            "period_start_day": "1",
            "period_start_month": "1",
            "period_start_year": "2026",
            "period_end_day": "31",
            "period_end_month": "3",
            "period_end_year": "2026",
        },
    )
    audit = SelfAudit.objects.get()
    client.post(answer_url(audit, "language"), {"rating": "yes"})
    client.get(answer_url(audit, "language"))
    answer_all(audit, world.mia)
    client.post(reverse("selfaudits:complete", args=[world.riverside.pk, audit.pk]))
    actions_seen = list(
        AuditEvent.objects.filter(actor=world.mia)
        .order_by("pk")
        .values_list("action", "record_type")
    )
    assert actions_seen[:4] == [
        ("create", "selfaudits.selfaudit"),
        ("update", "selfaudits.answer"),
        ("view", "selfaudits.selfaudit"),
        ("update", "selfaudits.answer"),
    ]
    assert actions_seen[-1] == ("submit", "selfaudits.selfaudit")
    assert set(
        AuditEvent.objects.filter(actor=world.mia).values_list(
            "organisation", flat=True
        )
    ) == {world.riverside.pk}


def date_fields(prefix, day):
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def test_the_start_form_suggests_the_last_full_quarter(world, sign_in):
    from django.utils import timezone

    from caremap.selfaudits.forms import last_full_quarter

    start_day, end_day = last_full_quarter(timezone.localdate())
    html = sign_in(world.mia).get(
        reverse("selfaudits:start", args=[world.riverside.pk])
    )
    soup = BeautifulSoup(html.content, "html.parser")
    assert soup.find(id="id_period_start_day")["value"] == str(start_day.day)
    assert soup.find(id="id_period_end_month")["value"] == str(end_day.month)


def test_last_full_quarter():
    import datetime

    from caremap.selfaudits.forms import last_full_quarter, quarter_of

    assert last_full_quarter(datetime.date(2026, 1, 5)) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 12, 31),
    )
    assert last_full_quarter(datetime.date(2026, 8, 31)) == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 30),
    )
    assert quarter_of(datetime.date(2026, 12, 7)) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )


@pytest.mark.parametrize(
    ("start_day", "end_day", "field", "message"),
    [
        (Q1[1], Q1[0], "period_end", "The end of the period must be after its start"),
        (Q1[0], Q1[1], "period_start", "There is already an audit for 1 Jan 2026"),
        (
            Q1[1],
            Q1[1].replace(month=5),
            "period_start",
            "The period overlaps the audit for 1 Jan 2026 to 31 Mar 2026",
        ),
    ],
)
def test_the_start_form_refuses_bad_periods(
    world, sign_in, start_day, end_day, field, message
):
    start(world.riverside, world.mia, Q1)
    response = sign_in(world.mia).post(
        reverse("selfaudits:start", args=[world.riverside.pk]),
        {
            **date_fields("period_start", start_day),
            **date_fields("period_end", end_day),
        },
    )
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert SelfAudit.objects.count() == 1
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find(id="id_period_end_year")["value"] == str(end_day.year)


def test_another_organisation_may_audit_the_same_period(world):
    start(world.riverside, world.mia, Q1)
    start(world.hillside, world.hugo, Q1)
    assert SelfAudit.objects.count() == 2
