"""A person's stance: settled on their medication and not looking for a change
now, ready to make changes, or unsure. The navigator records it with a date;
every entry is kept, the latest by date is the current one, and the people
list can be filtered by it (and by recovery pathway)."""

import datetime
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caremap.people import actions
from caremap.people.models import Person, PersonStance
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import make_person

SETTLED = Person.Stance.SETTLED_ON_MEDICATION
READY = Person.Stance.READY_FOR_CHANGE
UNSURE = Person.Stance.UNSURE


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def stance_url(person):
    return reverse("people:person-stance", args=[person.pk])


def typed(stance=READY, day=None, note="Talked it through at the drop-in"):
    day = day or days_ago(1)
    return {
        "stance": stance,
        "recorded_on_day": str(day.day),
        "recorded_on_month": str(day.month),
        "recorded_on_year": str(day.year),
        "note": note,
    }


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def text_of(element):
    return " ".join(element.get_text().split())


def history_rows(response):
    table = page(response).find(id="stance-history")
    assert table is not None, "no history table"
    return [
        [text_of(cell) for cell in row.find_all("td")]
        for row in table.select("tbody tr")
    ]


def names_in(response):
    return response.content.decode()


# Who may see and record it


@pytest.mark.parametrize(
    ("persona", "person_name"),
    [
        ("alice", "alices_person"),
        ("alice", "bobs_person"),  # her team's
        ("bob", "alices_person"),
        ("mia", "alices_person"),
        ("mia", "unassigned_person"),
    ],
)
def test_navigators_of_the_team_and_managers_may_see_and_record_it(
    world, sign_in, persona, person_name
):
    person = getattr(world, person_name)
    client = sign_in(getattr(world, persona))
    response = client.get(stance_url(person))
    assert response.status_code == 200
    assert page(response).find("input", attrs={"name": "stance"}) is not None

    response = client.post(stance_url(person), typed())
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.stance == READY


@pytest.mark.parametrize(
    ("persona", "person_name"),
    [
        ("oscar", "alices_person"),  # another organisation
        ("hugo", "alices_person"),
        ("carol", "alices_person"),  # another team
        ("alice", "unassigned_person"),
    ],
)
def test_staff_who_cannot_see_the_person_get_not_found(
    world, sign_in, persona, person_name
):
    person = getattr(world, person_name)
    client = sign_in(getattr(world, persona))
    assert client.get(stance_url(person)).status_code == 404
    assert client.post(stance_url(person), typed()).status_code == 404
    assert not PersonStance.objects.exists()
    person.refresh_from_db()
    assert person.stance == ""


@pytest.mark.parametrize("persona", ["cara", "ada", "nora"])
def test_users_without_a_person_level_role_are_refused(world, sign_in, persona):
    client = sign_in(getattr(world, persona))
    response = client.get(stance_url(world.alices_person))
    assert response.status_code == 403
    assert "Sam Jones" not in names_in(response)
    assert client.post(stance_url(world.alices_person), typed()).status_code == 403
    assert not PersonStance.objects.exists()


def test_a_refusal_is_audited(world, sign_in):
    sign_in(world.oscar).post(stance_url(world.alices_person), typed())
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, actor=world.oscar
    ).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(world, client, method):
    url = stance_url(world.alices_person)
    response = getattr(client, method)(url, typed())
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == reverse(settings.LOGIN_URL)
    assert not PersonStance.objects.exists()


def test_someone_who_may_see_but_not_change_sees_the_history_without_the_form(
    world, sign_in, monkeypatch
):
    # Today everyone who may see a person may change them; the page must
    # still hold if that ever differs.
    from django.contrib.auth.models import AnonymousUser

    actions.record_stance(
        world.alices_person, stance=UNSURE, recorded_on=days_ago(3), by=world.alice
    )
    real_has_perm = type(world.alice).has_perm

    def has_perm(user, perm, obj=None):
        if perm == "people.change_person" and not isinstance(user, AnonymousUser):
            return False
        return real_has_perm(user, perm, obj)

    monkeypatch.setattr(type(world.alice), "has_perm", has_perm)
    client = sign_in(world.alice)
    response = client.get(stance_url(world.alices_person))
    assert response.status_code == 200
    assert page(response).find("input", attrs={"name": "stance"}) is None
    assert history_rows(response)[0][1] == "Unsure at the moment"
    assert client.post(stance_url(world.alices_person), typed()).status_code == 403
    detail = client.get(reverse("people:person-detail", args=[world.alices_person.pk]))
    assert "See history" in text_of(page(detail).find(id="stance"))


# Recording it, and the history


def test_recording_a_stance_makes_it_current_and_shows_it_on_the_person_page(
    world, sign_in
):
    person = world.alices_person
    client = sign_in(world.alice)
    day = days_ago(2)
    response = client.post(
        stance_url(person), typed(SETTLED, day, note="Happy on 60ml")
    )
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()

    [entry] = PersonStance.objects.filter(person=person)
    assert (entry.stance, entry.recorded_on, entry.note, entry.by) == (
        SETTLED,
        day,
        "Happy on 60ml",
        world.alice,
    )
    person.refresh_from_db()
    assert (person.stance, person.stance_recorded_on) == (SETTLED, day)

    detail = client.get(person.get_absolute_url())
    row = text_of(page(detail).find(id="stance"))
    assert "Settled on their medication and not looking for a change now" in row
    assert f"As of {day:%-d %B %Y}" in row
    assert "The stance has been recorded." in names_in(detail)


def test_the_person_page_says_when_no_stance_has_been_recorded(world, sign_in):
    person = world.alices_person
    detail = sign_in(world.alice).get(person.get_absolute_url())
    row = page(detail).find(id="stance")
    assert "Not recorded yet" in text_of(row)
    assert row.find("a")["href"] == stance_url(person)


def test_the_history_lists_every_entry_latest_first(world, sign_in):
    person = world.alices_person
    client = sign_in(world.alice)
    client.post(stance_url(person), typed(UNSURE, days_ago(30), note="First chat"))
    client.post(stance_url(person), typed(READY, days_ago(10), note=""))
    client.post(stance_url(person), typed(SETTLED, days_ago(1), note="Steady"))

    rows = history_rows(client.get(stance_url(person)))
    assert [row[1] for row in rows] == [
        "Settled on their medication and not looking for a change now",
        "Ready to make changes in their recovery",
        "Unsure at the moment",
    ]
    assert rows[0][0] == f"{days_ago(1):%-d %B %Y}"
    assert rows[0][2] == "Steady"
    assert rows[0][3] == "Alice Navigator"
    person.refresh_from_db()
    assert person.stance == SETTLED


def test_an_earlier_dated_entry_joins_the_history_without_replacing_the_current_one(
    world, sign_in
):
    person = world.alices_person
    client = sign_in(world.alice)
    client.post(stance_url(person), typed(READY, days_ago(5)))
    response = client.post(
        stance_url(person), typed(SETTLED, days_ago(40)), follow=True
    )

    person.refresh_from_db()
    assert (person.stance, person.stance_recorded_on) == (READY, days_ago(5))
    assert "still the one from" in names_in(response)
    rows = history_rows(client.get(stance_url(person)))
    assert [row[1] for row in rows] == [
        "Ready to make changes in their recovery",
        "Settled on their medication and not looking for a change now",
    ]


def test_two_entries_on_the_same_day_the_one_recorded_last_is_current(world):
    person = world.alices_person
    day = days_ago(3)
    actions.record_stance(person, stance=UNSURE, recorded_on=day, by=world.alice)
    actions.record_stance(person, stance=READY, recorded_on=day, by=world.alice)
    person.refresh_from_db()
    assert person.stance == READY
    assert [e.stance for e in person.stances.latest_first()] == [READY, UNSURE]


def test_the_form_offers_today_as_the_date(world, sign_in):
    soup = page(sign_in(world.alice).get(stance_url(world.alices_person)))
    today = timezone.localdate()
    assert soup.find("input", attrs={"name": "recorded_on_day"})["value"] == str(
        today.day
    )
    assert soup.find("input", attrs={"name": "recorded_on_year"})["value"] == str(
        today.year
    )


def test_the_choices_keep_the_models_order_and_none_is_preselected(world, sign_in):
    soup = page(sign_in(world.alice).get(stance_url(world.alices_person)))
    radios = soup.find_all("input", attrs={"name": "stance"})
    assert [r["value"] for r in radios] == [value for value, _ in Person.Stance.choices]
    assert not any(r.has_attr("checked") for r in radios)


# Mistakes


def assert_error_beside(response, field_id, message):
    assert response.status_code == 200
    soup = page(response)
    assert text_of(soup.title).startswith("Error:")
    beside = soup.find(id=f"{field_id}_error")
    assert beside is not None, f"no message beside {field_id}"
    assert message in text_of(beside)
    summary_links = {
        a["href"]: text_of(a) for a in soup.select(".govuk-error-summary a")
    }
    assert any(message in text for text in summary_links.values()), summary_links
    return soup


def test_a_future_date_is_refused_beside_the_field_and_the_input_kept(world, sign_in):
    person = world.alices_person
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = typed(SETTLED, tomorrow, note="Wants to keep things as they are")
    response = sign_in(world.alice).post(stance_url(person), data)

    soup = assert_error_beside(
        response, "id_recorded_on", "The date must be today or in the past"
    )
    for part in ["day", "month", "year"]:
        field = soup.find("input", attrs={"name": f"recorded_on_{part}"})
        assert field["value"] == data[f"recorded_on_{part}"]
    checked = soup.find("input", attrs={"name": "stance", "checked": True})
    assert checked["value"] == SETTLED
    assert (
        soup.find("textarea", attrs={"name": "note"})
        or soup.find("input", attrs={"name": "note"})
    )["value"] == data["note"]
    assert not PersonStance.objects.exists()
    person.refresh_from_db()
    assert person.stance == ""


def test_a_missing_stance_is_refused_beside_the_field(world, sign_in):
    data = typed()
    del data["stance"]
    response = sign_in(world.alice).post(stance_url(world.alices_person), data)
    soup = assert_error_beside(response, "id_stance", "Select where the person is now")
    assert soup.select_one('.govuk-error-summary a[href="#id_stance_0"]') is not None
    assert not PersonStance.objects.exists()


def test_a_date_that_is_not_real_is_refused(world, sign_in):
    data = typed(day=days_ago(1))
    data.update(recorded_on_day="31", recorded_on_month="2")
    response = sign_in(world.alice).post(stance_url(world.alices_person), data)
    assert_error_beside(response, "id_recorded_on", "The date must be a real date")


def test_a_long_note_is_refused(world, sign_in):
    response = sign_in(world.alice).post(
        stance_url(world.alices_person), typed(note="x" * 201)
    )
    assert_error_beside(response, "id_note", "200 characters or fewer")


def test_the_action_refuses_a_future_date_too(world):
    with pytest.raises(ValidationError):
        actions.record_stance(
            world.alices_person,
            stance=READY,
            recorded_on=timezone.localdate() + datetime.timedelta(days=1),
            by=world.alice,
        )
    assert not PersonStance.objects.exists()


# The audit trail


def test_recording_writes_one_audit_event_with_the_change(world, sign_in):
    person = world.alices_person
    sign_in(world.alice).post(stance_url(person), typed(READY, days_ago(2)))

    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE)
    entry = PersonStance.objects.get()
    assert event.actor == world.alice
    assert event.person == person
    assert event.organisation == world.riverside
    assert event.record_type == "people.personstance"
    assert event.record_id == str(entry.pk)
    assert event.changes == {
        "stance": ["", "ready_for_change"],
        "stance_recorded_on": ["", str(days_ago(2))],
    }
    # The note may be sensitive; the history holds it, the trail does not.
    assert "drop-in" not in event.summary


def test_an_earlier_entry_is_audited_as_history_only(world):
    person = world.alices_person
    actions.record_stance(person, stance=READY, recorded_on=days_ago(1), by=world.bob)
    actions.record_stance(
        person, stance=UNSURE, recorded_on=days_ago(9), by=world.alice
    )
    event = AuditEvent.objects.filter(actor=world.alice).get()
    assert event.changes == {}
    assert "history only" in event.summary


def test_seeing_the_stance_page_is_audited_as_a_view(world, sign_in):
    sign_in(world.alice).get(stance_url(world.alices_person))
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, person=world.alices_person, actor=world.alice
    ).exists()


def test_editing_a_person_read_before_a_stance_was_recorded_keeps_the_stance(world):
    stale = Person.objects.get(pk=world.alices_person.pk)
    actions.record_stance(
        world.alices_person, stance=SETTLED, recorded_on=days_ago(1), by=world.alice
    )
    stale.preferred_name = "Sammy"
    actions.update_person(stale, by=world.alice)

    fresh = Person.objects.get(pk=stale.pk)
    assert (fresh.preferred_name, fresh.stance) == ("Sammy", SETTLED)
    update = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert update.changes == {"preferred_name": ["", "Sammy"]}


# The people list's filters


@pytest.fixture
def stances(world):
    """Sam: ready; Jo: settled; Rhys: unsure; Lee: never recorded."""
    for person, stance in [
        (world.alices_person, READY),
        (world.bobs_person, SETTLED),
        (world.carols_person, UNSURE),
    ]:
        actions.record_stance(
            person, stance=stance, recorded_on=days_ago(4), by=world.mia
        )
    Person.objects.filter(pk=world.bobs_person.pk).update(
        pathway=Person.Pathway.MEDICATION_ASSISTED
    )
    Person.objects.filter(pk=world.unassigned_person.pk).update(
        pathway=Person.Pathway.MEDICATION_ASSISTED
    )
    return world


def listed(client, **params):
    response = client.get(reverse("people:person-list"), params)
    assert response.status_code == 200
    rows = page(response).select("tbody tr")
    return {text_of(row.find("a")) for row in rows}


RIVERSIDE = {"Sam Jones", "Jo Evans", "Rhys Price", "Lee Morgan"}


@pytest.mark.parametrize(
    ("stance", "expected"),
    [
        ("settled_on_medication", {"Jo Evans"}),
        ("ready_for_change", {"Sam Jones"}),
        ("unsure", {"Rhys Price"}),
        ("not_recorded", {"Lee Morgan"}),
        ("", RIVERSIDE),
    ],
)
def test_the_list_filters_by_stance(stances, sign_in, stance, expected):
    assert listed(sign_in(stances.mia), stance=stance) == expected


def test_the_list_filters_by_pathway(stances, sign_in):
    client = sign_in(stances.mia)
    assert listed(client, pathway="medication_assisted") == {"Jo Evans", "Lee Morgan"}
    assert listed(client, pathway="not_decided") == {"Sam Jones", "Rhys Price"}
    assert listed(client, pathway="abstinence") == set()


def test_the_filters_combine_with_each_other_with_search_and_with_status(
    stances, sign_in
):
    Person.objects.filter(pk=stances.unassigned_person.pk).update(
        status="closed", closure_reason="moved_away"
    )
    client = sign_in(stances.mia)
    assert listed(client, pathway="medication_assisted", stance="not_recorded") == {
        "Lee Morgan"
    }
    assert listed(client, pathway="medication_assisted", stance="unsure") == set()
    assert listed(client, q="evans", stance="settled_on_medication") == {"Jo Evans"}
    assert listed(client, q="evans", stance="ready_for_change") == set()
    assert listed(client, q="r-001", stance="ready_for_change") == {"Sam Jones"}
    assert listed(client, status="active", pathway="medication_assisted") == {
        "Jo Evans"
    }
    assert listed(client, status="closed", stance="not_recorded") == {"Lee Morgan"}


def test_the_filters_never_show_people_the_user_cannot_see(stances, sign_in):
    client = sign_in(stances.alice)
    assert listed(client, stance="unsure") == set()  # Rhys is Carol's
    assert listed(client, stance="not_recorded") == set()  # Lee is nobody's
    assert listed(client, pathway="medication_assisted") == {"Jo Evans"}


def test_the_filters_are_kept_when_paging_and_on_the_form(stances, sign_in):
    for number in range(27):
        make_person(
            stances.riverside,
            reference=f"Z-{number:03}",
            given_name=f"Person{number:02}",
            family_name="Zed",
            navigator=stances.alice,
        )
    response = sign_in(stances.alice).get(
        reverse("people:person-list"), {"stance": "not_recorded"}
    )
    html = names_in(response)
    assert "?stance=not_recorded&amp;page=2" in html
    soup = page(response)
    selected = soup.find("select", attrs={"name": "stance"}).find(
        "option", selected=True
    )
    assert selected["value"] == "not_recorded"
    assert "Clear search and filters" in html


def test_the_filter_offers_every_stance_in_the_models_order_then_not_recorded(
    world, sign_in
):
    soup = page(sign_in(world.alice).get(reverse("people:person-list")))
    options = soup.find("select", attrs={"name": "stance"}).find_all("option")
    assert [o["value"] for o in options] == [
        "",
        *(value for value, _ in Person.Stance.choices),
        "not_recorded",
    ]


def test_the_list_audit_event_names_the_filters(stances, sign_in):
    sign_in(stances.mia).get(
        reverse("people:person-list"), {"stance": "unsure", "pathway": "abstinence"}
    )
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LIST).latest("pk")
    assert "stance unsure" in event.summary
    assert "pathway abstinence" in event.summary


# For reports


def test_people_with_a_stance_now(stances):
    riverside = Person.objects.filter(organisation=stances.riverside)
    assert set(riverside.with_stance(READY)) == {stances.alices_person}
    assert set(riverside.with_stance("")) == {stances.unassigned_person}


def test_people_with_a_stance_on_a_past_day(world):
    person = world.alices_person
    actions.record_stance(person, stance=UNSURE, recorded_on=days_ago(60), by=None)
    actions.record_stance(person, stance=READY, recorded_on=days_ago(10), by=None)
    people = Person.objects.filter(pk=person.pk)
    assert list(people.with_stance(UNSURE, on=days_ago(30))) == [person]
    assert list(people.with_stance(READY, on=days_ago(30))) == []
    assert list(people.with_stance(READY, on=days_ago(10))) == [person]
    assert list(people.with_stance("", on=days_ago(90))) == [person]
    assert list(people.with_stance("", on=days_ago(30))) == []


# Query counts


def queries_for(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def add_people(world, count, *, prefix):
    stances = [SETTLED, READY, UNSURE, ""]
    for n in range(count):
        person = make_person(
            world.riverside,
            reference=f"{prefix}-{n:04d}",
            given_name=f"Given{n}",
            family_name=f"Family{n}",
            navigator=world.alice if n % 2 else world.bob,
            pathway=Person.Pathway.MEDICATION_ASSISTED if n % 3 else "not_decided",
        )
        if stances[n % 4]:
            actions.record_stance(
                person, stance=stances[n % 4], recorded_on=days_ago(1), by=None
            )


@pytest.mark.parametrize(
    "params",
    [
        {"stance": "ready_for_change"},
        {"stance": "not_recorded", "pathway": "medication_assisted"},
        {"q": "Given1", "status": "active", "stance": "unsure", "page": "2"},
    ],
)
def test_the_filtered_list_runs_the_same_bounded_queries_for_12_and_200_people(
    world, sign_in, params
):
    client = sign_in(world.mia)
    url = reverse("people:person-list")
    # Enough that every filter matches someone, so both lists fetch a page.
    add_people(world, 12, prefix="A")
    few = queries_for(client, url, params)
    add_people(world, 188, prefix="B")
    many = queries_for(client, url, params)
    assert few == many
    assert many <= 14


def test_the_stance_page_runs_the_same_queries_however_long_the_history(world, sign_in):
    person = world.alices_person
    client = sign_in(world.alice)
    for n in range(2):
        actions.record_stance(
            person, stance=UNSURE, recorded_on=days_ago(n), by=world.bob
        )
    few = queries_for(client, stance_url(person))
    for n in range(2, 60):
        actions.record_stance(
            person, stance=READY, recorded_on=days_ago(n), by=world.alice
        )
    assert queries_for(client, stance_url(person)) == few


def test_a_navigator_narrows_the_list_to_their_own_caseload(world, sign_in):
    client = sign_in(world.alice)
    url = reverse("people:person-list")
    everyone = client.get(url).content.decode()
    assert world.bobs_person.get_absolute_url() in everyone
    mine = client.get(url, {"mine": "on", "status": "active"}).content.decode()
    assert world.alices_person.get_absolute_url() in mine
    assert world.bobs_person.get_absolute_url() not in mine
    home = client.get(reverse("home")).content.decode()
    assert "?mine=on&amp;status=active" in home
