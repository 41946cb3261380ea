"""The commissioner's view: every organisation in the area side by side,
each with its latest completed audit by the chosen date; never a draft,
never a file, never a way to change anything."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from caremap.organisations.models import Organisation
from caremap.privacy.models import AuditEvent
from caremap.selfaudits import actions
from caremap.selfaudits.tests.conftest import (
    AREAS,
    PNG,
    Q1,
    Q2,
    Q3,
    completed,
    start,
    upload,
)


def table(response):
    soup = BeautifulSoup(response.content, "html.parser")
    headers = [th.get_text(" ", strip=True) for th in soup.select("thead th")]
    rows = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row("td")]
        for row in soup.select("tbody tr")
    }
    return headers, rows


@pytest.fixture
def audits(world):
    completed(world.riverside, world.mia, Q1, rating="no")
    completed(world.riverside, world.mia, Q2, rating="partially")
    draft = start(world.riverside, world.mia, Q3)
    actions.save_answer(
        draft, AREAS[0].key, by=world.mia, rating="yes", evidence="DRAFT-ONLY note"
    )
    completed(world.hillside, world.hugo, Q1, rating="yes")
    return draft


def area_url(world, **on):
    url = reverse("selfaudits:area", args=[world.area.pk])
    if on:
        day = on["on"]
        url += f"?on_day={day.day}&on_month={day.month}&on_year={day.year}"
    return url


def test_each_organisations_latest_completed_audit_side_by_side(world, audits, sign_in):
    response = sign_in(world.cara).get(area_url(world))
    headers, rows = table(response)
    assert headers == [
        "Area of practice",
        "Hillside Peer Project 1 Jan 2026 to 31 Mar 2026",
        "Riverside Recovery 1 Apr 2026 to 30 Jun 2026",
    ]
    assert len(rows) == 22
    assert rows[str(AREAS[0].title)] == ["Yes", "Partially"]
    html = response.content.decode()
    assert "DRAFT-ONLY" not in html
    assert "1 Jul 2026" not in html


def test_an_earlier_date_shows_the_audits_ending_by_then(world, audits, sign_in):
    client = sign_in(world.cara)
    _headers, rows = table(client.get(area_url(world, on=datetime.date(2026, 5, 1))))
    assert rows[str(AREAS[0].title)] == ["Yes", "No"]
    headers, rows = table(client.get(area_url(world, on=datetime.date(2025, 12, 1))))
    assert headers[1:] == [
        "Hillside Peer Project No completed audit",
        "Riverside Recovery No completed audit",
    ]
    assert rows[str(AREAS[0].title)] == ["No audit", "No audit"]


def test_a_bad_date_is_explained_beside_the_field(world, audits, sign_in):
    url = reverse("selfaudits:area", args=[world.area.pk])
    response = sign_in(world.cara).get(url + "?on_day=31&on_month=2&on_year=2026")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find(id="id_on_error").get_text(" ", strip=True) == (
        "Error: The date must be a real date"
    )
    assert soup.find(id="id_on_day")["value"] == "31"


def test_a_reopened_audit_leaves_the_commissioners_view(world, audits, sign_in):
    latest = world.riverside.self_audits.get(period_start=Q2[0])
    actions.reopen_audit(latest, by=world.mia)
    _headers, rows = table(sign_in(world.cara).get(area_url(world)))
    assert rows[str(AREAS[0].title)] == ["Yes", "No"]


def test_the_commissioner_reads_evidence_notes_but_not_files(world, sign_in):
    audit = start(world.riverside, world.mia, Q1)
    for area in AREAS:
        actions.save_answer(
            audit,
            area.key,
            by=world.mia,
            rating="yes",
            evidence=f"Seen in practice: {area.key}",
            files=[upload("proof.png", PNG)] if area is AREAS[0] else [],
        )
    actions.complete_audit(audit, by=world.mia)
    response = sign_in(world.cara).get(
        reverse("selfaudits:area-audit", args=[world.area.pk, audit.pk])
    )
    html = response.content.decode()
    assert "Seen in practice: practitioner-role" in html
    assert "Seen in practice: communication" in html
    assert "proof.png" not in html
    assert "/files/" not in html
    assert "<form" not in BeautifulSoup(html, "html.parser").find("main").decode()
    event = AuditEvent.objects.filter(actor=world.cara).latest("pk")
    assert (event.action, event.record_id) == ("view", str(audit.pk))


def test_the_commissioner_cannot_open_a_draft(world, audits, sign_in):
    url = reverse("selfaudits:area-audit", args=[world.area.pk, audits.pk])
    assert sign_in(world.cara).get(url).status_code == 404


def test_the_area_page_query_count_does_not_grow_with_organisations(
    world, audits, sign_in, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = sign_in(world.cara)
    client.get(area_url(world))
    with CaptureQueriesContext(connection) as few:
        client.get(area_url(world))
    for number in range(5):
        organisation = Organisation.objects.create(
            area=world.area, name=f"Extra {number}", kind="other"
        )
        completed(organisation, world.mia, Q1)
    with django_assert_max_num_queries(len(few)):
        response = client.get(area_url(world))
    assert len(few) <= 12
    headers, _rows = table(response)
    assert len(headers) == 8
