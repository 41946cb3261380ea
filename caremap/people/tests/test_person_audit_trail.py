"""Every look at or change to a person's record is written to an audit trail
that nobody, not even code that bypasses the ORM, can rewrite."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from caremap.people.models import Person
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

TEST_CLIENT_ADDRESS = "127.0.0.1"


def form_data(person, **changes):
    """The person form as it would be submitted unchanged, with `changes` applied."""
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "reference": person.reference,
        "date_of_birth_day": person.date_of_birth.day,
        "date_of_birth_month": person.date_of_birth.month,
        "date_of_birth_year": person.date_of_birth.year,
        "gender": person.gender,
        "pronouns": person.pronouns,
        "email": person.email,
        "phone": person.phone,
        "address": person.address,
        "postcode": person.postcode,
        "preferred_contact_method": person.preferred_contact_method,
        "preferred_language": person.preferred_language,
        "pathway": person.pathway,
    }
    data.update(changes)
    return data


def new_person_data(**changes):
    data = {
        "given_name": "Nia",
        "family_name": "Owen",
        "reference": "R-500",
        "date_of_birth_day": "4",
        "date_of_birth_month": "11",
        "date_of_birth_year": "1990",
        "preferred_language": "en",
        "pathway": "harm_reduction",
    }
    data.update(changes)
    return data


def events(**filters):
    return list(AuditEvent.objects.filter(**filters))


# What is recorded


def test_viewing_a_person_records_who_looked_from_where(world, sign_in):
    url = reverse("people:person-detail", args=[world.alices_person.pk])
    sign_in(world.alice).get(url)

    [event] = events(action=AuditEvent.Action.VIEW, person=world.alices_person)
    assert event.actor == world.alice
    assert event.organisation == world.riverside
    assert event.record_type == "people.person"
    assert event.record_id == str(world.alices_person.pk)
    assert event.ip_address == TEST_CLIENT_ADDRESS
    assert event.path == url
    assert event.source == "web"


def test_each_view_is_a_separate_event(world, sign_in):
    client = sign_in(world.bob)
    url = reverse("people:person-detail", args=[world.alices_person.pk])
    client.get(url)
    client.get(url)
    assert (
        len(
            events(
                action=AuditEvent.Action.VIEW,
                person=world.alices_person,
                actor=world.bob,
            )
        )
        == 2
    )


def test_editing_records_the_old_and_new_values_of_the_changed_fields_only(
    world, sign_in
):
    person = world.alices_person
    url = reverse("people:person-edit", args=[person.pk])
    response = sign_in(world.alice).post(
        url,
        form_data(
            person, given_name="Samuel", phone="07700 900123", pathway="moderation"
        ),
    )
    assert response.status_code == 302

    [event] = events(action=AuditEvent.Action.UPDATE, person=person)
    assert event.actor == world.alice
    assert event.organisation == world.riverside
    assert event.changes == {
        "given_name": ["Sam", "Samuel"],
        "phone": ["", "07700 900123"],
        "pathway": ["not_decided", "moderation"],
    }
    assert event.ip_address == TEST_CLIENT_ADDRESS
    assert event.path == url


def test_saving_without_changes_records_no_update(world, sign_in):
    person = world.alices_person
    response = sign_in(world.alice).post(
        reverse("people:person-edit", args=[person.pk]), form_data(person)
    )
    assert response.status_code == 302
    assert events(action=AuditEvent.Action.UPDATE, person=person) == []


def test_changing_a_date_of_birth_records_both_dates(world, sign_in):
    person = world.alices_person
    sign_in(world.alice).post(
        reverse("people:person-edit", args=[person.pk]),
        form_data(person, date_of_birth_day="28"),
    )
    [event] = events(action=AuditEvent.Action.UPDATE, person=person)
    assert event.changes == {"date_of_birth": ["1985-03-27", "1985-03-28"]}


def test_closing_support_records_the_status_and_reason(world, sign_in):
    person = world.alices_person
    sign_in(world.alice).post(
        reverse("people:person-status", args=[person.pk]),
        {"status": "closed", "closure_reason": "goals_met"},
    )
    [event] = events(action=AuditEvent.Action.UPDATE, person=person)
    assert event.changes == {
        "status": ["active", "closed"],
        "closure_reason": ["", "goals_met"],
    }


def test_reassigning_records_the_old_and_new_navigator(world, sign_in):
    person = world.alices_person
    response = sign_in(world.mia).post(
        reverse("people:person-navigator", args=[person.pk]),
        {"navigator": world.carol.pk},
    )
    assert response.status_code == 302
    [event] = events(action=AuditEvent.Action.UPDATE, person=person)
    assert event.actor == world.mia
    assert event.changes == {"navigator": ["Alice Navigator", "Carol Navigator"]}


def test_creating_a_person_records_a_create_event(world, sign_in):
    url = reverse("people:person-create")
    response = sign_in(world.alice).post(url, new_person_data())
    assert response.status_code == 302
    person = Person.objects.get(organisation=world.riverside, reference="R-500")

    [event] = events(action=AuditEvent.Action.CREATE, person=person)
    assert event.actor == world.alice
    assert event.organisation == world.riverside
    assert event.record_id == str(person.pk)
    assert event.ip_address == TEST_CLIENT_ADDRESS
    assert event.path == url
    assert event.changes["given_name"] == ["", "Nia"]
    assert event.changes["reference"] == ["", "R-500"]
    assert event.changes["navigator"] == ["", "Alice Navigator"]


def test_a_refused_attempt_from_another_organisation_is_recorded_in_the_owners_trail(
    world, sign_in
):
    url = reverse("people:person-detail", args=[world.alices_person.pk])
    response = sign_in(world.oscar).get(url)
    assert response.status_code == 404

    [event] = events(action=AuditEvent.Action.DENIED, actor=world.oscar)
    assert event.person == world.alices_person
    assert event.organisation == world.riverside
    assert event.path == url
    assert event.ip_address == TEST_CLIENT_ADDRESS
    assert event in AuditEvent.objects.for_organisation(world.riverside)
    assert event in AuditEvent.objects.for_person(world.alices_person)
    # Oscar's attempt is not a view.
    assert events(action=AuditEvent.Action.VIEW, actor=world.oscar) == []


def test_the_refused_attempt_appears_on_riversides_audit_pages(world, sign_in, client):
    sign_in(world.oscar).get(
        reverse("people:person-edit", args=[world.alices_person.pk])
    )
    client.logout()
    manager = sign_in(world.mia)
    for url in [
        reverse("organisations:organisation-audit", args=[world.riverside.pk]),
        reverse("people:person-audit", args=[world.alices_person.pk]),
    ]:
        html = manager.get(url).content.decode()
        assert "Oscar Outsider" in html, url
        assert "Refused access" in html, url


def test_a_refusal_to_a_user_without_a_role_is_recorded(world, sign_in):
    response = sign_in(world.cara).get(
        reverse("people:person-detail", args=[world.alices_person.pk])
    )
    assert response.status_code == 403
    [event] = events(action=AuditEvent.Action.DENIED, actor=world.cara)
    assert event.record_type == "people.person"
    assert event.summary == f"Refused access to person {world.alices_person.pk}"


def test_a_navigator_refused_the_manager_only_page_is_recorded(world, sign_in):
    sign_in(world.alice).get(
        reverse("people:person-audit", args=[world.alices_person.pk])
    )
    assert (
        len(
            events(
                action=AuditEvent.Action.DENIED,
                actor=world.alice,
                person=world.alices_person,
            )
        )
        == 1
    )


def test_the_managers_audit_page_lists_the_persons_events(world, sign_in, client):
    person = world.alices_person
    alice = sign_in(world.alice)
    alice.get(reverse("people:person-detail", args=[person.pk]))
    alice.post(
        reverse("people:person-edit", args=[person.pk]),
        form_data(person, phone="07700 900456"),
    )
    client.logout()

    response = sign_in(world.mia).get(reverse("people:person-audit", args=[person.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alice Navigator" in html
    assert "Viewed" in html
    assert "Changed" in html
    assert "07700 900456" in html
    assert f"From {TEST_CLIENT_ADDRESS}" in html


def test_a_persons_audit_page_does_not_list_other_peoples_events(
    world, sign_in, client
):
    sign_in(world.bob).get(reverse("people:person-detail", args=[world.bobs_person.pk]))
    client.logout()
    html = (
        sign_in(world.mia)
        .get(reverse("people:person-audit", args=[world.alices_person.pk]))
        .content.decode()
    )
    assert "Bob Navigator" not in html


# Nothing can rewrite the trail


@pytest.fixture
def event(world):
    return record(
        AuditEvent.Action.VIEW,
        by=world.alice,
        record=world.alices_person,
        person=world.alices_person,
    )


def summary_of(event):
    return (
        AuditEvent.objects.filter(pk=event.pk).values_list("summary", flat=True).get()
    )


def test_an_event_cannot_be_saved_again(event):
    event.summary = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    assert summary_of(event) == ""


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_in_bulk(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(summary="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    assert summary_of(event) == ""


def test_events_cannot_be_deleted_in_bulk(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_a_raw_update(event):
    # SQLite's trigger raises IntegrityError and PostgreSQL's InternalError;
    # both are DatabaseErrors.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE privacy_auditevent SET summary = 'x'")
    assert summary_of(event) == ""


def test_postgresql_refuses_a_raw_delete(event):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite allows DELETE so the test database can be flushed (migration 0002)"
        )
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM privacy_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_person_with_an_audit_trail_cannot_be_deleted(world, event):
    with pytest.raises(ProtectedError):
        world.alices_person.delete()


@pytest.mark.parametrize(
    "path",
    [
        "/en/admin/privacy/auditevent/",
        "/en/admin/privacy/",
        "/en/admin/privacy/auditevent/1/change/",
    ],
)
def test_there_is_no_admin_page_for_audit_events(world, sign_in, event, path):
    client = sign_in(world.ada)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(path).status_code == 404
