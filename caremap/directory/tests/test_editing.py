"""Adding, editing and checking directory entries through the keeper's page."""

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.shortcuts import resolve_url
from django.urls import reverse

from caremap.directory import demo
from caremap.directory.actions import load_demo_directory
from caremap.directory.exporting import export_services_json
from caremap.directory.models import (
    Editor,
    Language,
    Listing,
    Relationship,
    Schedule,
    Service,
)
from caremap.organisations.models import Area, Membership, Organisation
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import make_user

HSDS = Path(__file__).parent / "hsds"
AFON = demo.service_id_for("Afon Valley Peer Mentoring")


@pytest.fixture
def directory(world, instruments):
    load_demo_directory(world.area)
    return world


@pytest.fixture
def service_validator():
    schema = json.loads(
        (HSDS / "schema" / "compiled" / "service.json").read_text(encoding="utf-8")
    )
    cls = jsonschema.validators.validator_for(schema, jsonschema.Draft202012Validator)
    return cls(schema)


def edit_url(service_id=AFON):
    return reverse("directory:service-edit", args=[service_id])


def check_url(service_id=AFON):
    return reverse("directory:service-check", args=[service_id])


def form_fields(**overrides):
    """A full, valid submission of the keeper's page, with two new times."""
    data = {
        "name": "Riverside Recovery Café",
        "description": "A friendly drop-in with food and peer support.",
        "organisation": "",
        "new_organisation": "Riverside Café Collective",
        "url": "https://example.org/cafe",
        "email": "cafe@example.org",
        "phone": "01234 567890",
        "status": "temporarily closed",
        "eligibility": "Anyone in recovery, and their families.",
        "alert": "Closed over Christmas.",
        "venue": "St Mary’s Hall",
        "address": "1 Church Street",
        "town": "Aberafon",
        "postcode": "CF99 1AA",
        "latitude": "51.7",
        "longitude": "-3.4",
        "accessibility": "Step-free entrance and a hearing loop.",
        "cost": "charge",
        "amount": "3.50",
        "cost_note": "Pay what you can.",
        "languages": ["en", "cy"],
        "other_languages": "pl, ar",
        "kind": "peer-led",
        "peer_led": "on",
        "independent": "on",
        "started_on_day": "5",
        "started_on_month": "4",
        "started_on_year": "2019",
        "ended_on_day": "",
        "ended_on_month": "",
        "ended_on_year": "",
        "domains": ["social-support", "meaningful-activities"],
        "needs": ["peer-support"],
        "pathways": ["abstinence", "harm_reduction"],
        "works_with": [],
        "relationship_note": "",
        "schedules-TOTAL_FORMS": "2",
        "schedules-INITIAL_FORMS": "0",
        "schedules-MIN_NUM_FORMS": "0",
        "schedules-MAX_NUM_FORMS": "1000",
        "schedules-0-schedule_id": "",
        "schedules-0-how_often": "monthly",
        "schedules-0-days": ["TU"],
        "schedules-0-week": "1",
        "schedules-0-opens_at": "19:30",
        "schedules-0-closes_at": "21:00",
        "schedules-0-note": "Not in August.",
        "schedules-1-schedule_id": "",
        "schedules-1-how_often": "fortnightly",
        "schedules-1-days": ["MO", "TH"],
        "schedules-1-week": "",
        "schedules-1-opens_at": "10:00",
        "schedules-1-closes_at": "12:00",
        "schedules-1-note": "",
    }
    data.update(overrides)
    return data


def page_fields(response):
    """The edit page's own form values as a submission, so a test changes
    only what it means to change."""
    form = response.context["form"]
    formset = response.context["formset"]
    data = {}
    for bound in form:
        value = bound.value()
        if bound.name in ("started_on", "ended_on"):
            parts = value if isinstance(value, dict) else None
            date = value if isinstance(value, datetime.date) else None
            for part in ("day", "month", "year"):
                data[f"{bound.name}_{part}"] = (
                    parts[part] if parts else (getattr(date, part) if date else "")
                )
        elif isinstance(value, bool):
            if value:
                data[bound.name] = "on"
        elif value is None:
            data[bound.name] = ""
        else:
            data[bound.name] = value
    for key, value in formset.management_form.initial.items():
        data[f"schedules-{key}"] = value
    for row in formset.forms:
        for bound in row:
            value = bound.value()
            # As a browser would: an unticked box or radio sends nothing.
            if bound.name == "DELETE" or value in (None, []):
                continue
            data[bound.html_name] = value
    for key, value in list(data.items()):
        if hasattr(value, "strftime"):
            data[key] = value.strftime("%H:%M")
    return data


# Who may keep the directory ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["mia", "hugo", "nora_editor"])
def test_keepers_may_open_the_add_and_edit_pages(directory, sign_in, who):
    if who == "nora_editor":
        Editor.objects.create(
            area=directory.area, user=directory.nora, appointed_by=directory.cara
        )
        who = "nora"
    client = sign_in(getattr(directory, who))
    assert client.get(reverse("directory:service-add")).status_code == 200
    response = client.get(edit_url())
    assert response.status_code == 200
    assert "Afon Valley Peer Mentoring" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "cara", "ada", "nora"])
def test_others_are_refused(directory, sign_in, who):
    client = sign_in(getattr(directory, who))
    assert client.get(reverse("directory:service-add")).status_code == 403
    assert client.get(edit_url()).status_code == 403
    assert client.post(edit_url(), form_fields()).status_code == 403
    assert client.post(check_url()).status_code == 403
    assert Service.objects.get(pk=AFON).name == "Afon Valley Peer Mentoring"
    assert Listing.objects.get(service_id=AFON).last_checked_by is None


@pytest.mark.django_db
def test_a_manager_in_another_area_is_refused(directory, sign_in):
    elsewhere = Area.objects.create(name="South Hills")
    organisation = Organisation.objects.create(
        area=elsewhere,
        name="Hilltop Recovery",
        kind=Organisation.Kind.TREATMENT_SERVICE,
    )
    outsider = make_user("olwen@hilltop.test", "Olwen Outsider")
    Membership.objects.create(
        user=outsider, role=Membership.Role.MANAGER, organisation=organisation
    )
    client = sign_in(outsider)
    assert client.get(edit_url()).status_code == 403
    assert client.post(edit_url(), form_fields()).status_code == 403
    assert client.post(check_url()).status_code == 403
    # They keep their own area's directory, which has no Afon services.
    response = client.get(reverse("directory:service-add"))
    assert response.status_code == 200
    assert "Afon" not in response.content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(directory, client):
    for response in (
        client.get(reverse("directory:service-add")),
        client.get(edit_url()),
        client.post(check_url()),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.django_db
def test_a_service_without_a_listing_is_not_found(directory, sign_in):
    Service.objects.create(id="unlisted", name="Unlisted", status="active")
    client = sign_in(directory.mia)
    assert client.get(edit_url("unlisted")).status_code == 404
    assert client.post(check_url("unlisted")).status_code == 404
    assert client.get(edit_url("no-such-service")).status_code == 404


# Adding and editing ---------------------------------------------------------


@pytest.mark.django_db
def test_adding_a_service_saves_every_field(directory, sign_in):
    client = sign_in(directory.mia)
    data = form_fields(works_with=[str(directory.riverside.pk)])
    data["relationship_note"] = "We refer people on Tuesdays."
    response = client.post(reverse("directory:service-add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    service = Service.objects.get(name="Riverside Recovery Café")
    assert response["Location"] == reverse("directory:service", args=[service.pk])
    listing = service.listing
    assert listing.area == directory.area
    assert service.organization.name == "Riverside Café Collective"
    assert service.description == "A friendly drop-in with food and peer support."
    assert service.url == "https://example.org/cafe"
    assert service.email == "cafe@example.org"
    assert service.status == "temporarily closed"
    assert service.eligibility_description == "Anyone in recovery, and their families."
    assert service.alert == "Closed over Christmas."
    assert service.alternate_name is None
    assert [p.number for p in service.phones.all()] == ["01234 567890"]
    (link,) = service.service_at_locations.all()
    location = link.location
    assert (location.name, location.latitude, location.longitude) == (
        "St Mary’s Hall",
        51.7,
        -3.4,
    )
    (address,) = location.addresss.all()
    assert (address.address_1, address.city, address.postal_code) == (
        "1 Church Street",
        "Aberafon",
        "CF99 1AA",
    )
    (access,) = location.accessibilitys.all()
    assert access.description == "Step-free entrance and a hearing loop."
    schedules = {s.byday: s for s in link.schedules.all()}
    assert set(schedules) == {"1TU", "MO,TH"}
    monthly = schedules["1TU"]
    assert (monthly.freq, monthly.interval) == ("MONTHLY", 1)
    assert (monthly.opens_at, monthly.closes_at) == ("19:30", "21:00")
    assert monthly.description == (
        "The first Tuesday of the month, 19:30 to 21:00. Not in August."
    )
    fortnightly = schedules["MO,TH"]
    assert (fortnightly.freq, fortnightly.interval) == ("WEEKLY", 2)
    assert fortnightly.description == "Every other Monday and Thursday, 10:00 to 12:00"
    (cost,) = service.cost_options.all()
    assert (cost.amount, cost.currency, cost.amount_description) == (
        3.5,
        "GBP",
        "Pay what you can.",
    )
    assert sorted(service.languages.values_list("code", "name")) == [
        ("ar", "Arabic"),
        ("cy", "Welsh"),
        ("en", "English"),
        ("pl", "Polish"),
    ]
    assert listing.kind == "peer-led"
    assert listing.peer_led and listing.independent
    assert listing.started_on == datetime.date(2019, 4, 5)
    assert listing.ended_on is None
    assert sorted(listing.tags.values_list("kind", "value")) == [
        ("domain", "meaningful-activities"),
        ("domain", "social-support"),
        ("need", "peer-support"),
        ("pathway", "abstinence"),
        ("pathway", "harm_reduction"),
    ]
    (relationship,) = Relationship.objects.filter(listing=listing)
    assert relationship.organisation == directory.riverside
    assert relationship.note == "We refer people on Tuesdays."
    assert listing.last_checked_by == directory.mia
    assert listing.last_checked_at is not None
    event = AuditEvent.objects.get(
        record_type="directory.listing", record_id=str(listing.pk)
    )
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == directory.mia


@pytest.mark.django_db
def test_editing_round_trips_and_changes_only_what_was_changed(directory, sign_in):
    client = sign_in(directory.mia)
    page = client.get(edit_url())
    data = page_fields(page)
    # An untouched save keeps the entry as it was.
    before = export_services_json()
    response = client.post(edit_url(), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    after = export_services_json()
    by_id = {s["id"]: s for s in after}
    old = {s["id"]: s for s in before}[AFON]
    new = by_id[AFON]
    for key in ("name", "description", "url", "email", "status", "phones"):
        assert new.get(key) == old.get(key), key
    assert [s["byday"] for s in new["service_at_locations"][0]["schedules"]] == [
        s["byday"] for s in old["service_at_locations"][0]["schedules"]
    ]
    assert sorted(lang["code"] for lang in new["languages"]) == sorted(
        lang["code"] for lang in old["languages"]
    )

    # Now change things: an every-other-week time, a relationship, tags.
    data = page_fields(client.get(edit_url()))
    data.update(
        {
            "name": "Afon Valley Peer Mentors",
            "schedules-0-how_often": "fortnightly",
            "schedules-0-days": ["WE"],
            "schedules-0-opens_at": "18:00",
            "schedules-0-closes_at": "19:15",
            f"schedules-{int(data['schedules-INITIAL_FORMS'])}-how_often": "monthly",
            f"schedules-{int(data['schedules-INITIAL_FORMS'])}-days": ["FR"],
            f"schedules-{int(data['schedules-INITIAL_FORMS'])}-week": "-1",
            f"schedules-{int(data['schedules-INITIAL_FORMS'])}-opens_at": "12:00",
            f"schedules-{int(data['schedules-INITIAL_FORMS'])}-closes_at": "13:00",
            "domains": ["coping"],
            "needs": ["housing", "money"],
            "pathways": ["moderation"],
            "works_with": [str(directory.riverside.pk)],
            "relationship_note": "Our mentors meet here.",
            "ended_on_day": "1",
            "ended_on_month": "1",
            "ended_on_year": "2030",
        }
    )
    response = client.post(edit_url(), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    listing = Listing.objects.get(service_id=AFON)
    assert listing.service.name == "Afon Valley Peer Mentors"
    assert listing.ended_on == datetime.date(2030, 1, 1)
    schedules = {
        s.byday: s
        for s in Schedule.objects.filter(service_at_location__service_id=AFON)
        | Schedule.objects.filter(service_id=AFON)
    }
    assert schedules["WE"].interval == 2
    assert schedules["WE"].description.startswith("Every other Wednesday, 18:00")
    assert schedules["-1FR"].freq == "MONTHLY"
    assert set(listing.tags.values_list("kind", "value")) == {
        ("domain", "coping"),
        ("need", "housing"),
        ("need", "money"),
        ("pathway", "moderation"),
    }
    assert Relationship.objects.get(listing=listing).note == "Our mentors meet here."
    assert (
        AuditEvent.objects.filter(
            record_id=str(listing.pk), action=AuditEvent.Action.UPDATE
        ).count()
        == 2
    )

    # Unticking removes the relationship; deleting a time removes it.
    page = client.get(edit_url())
    data = page_fields(page)
    data["works_with"] = []
    (wednesday,) = [
        row.prefix
        for row in page.context["formset"].forms
        if row.initial.get("days") == ["WE"]
    ]
    data[f"{wednesday}-DELETE"] = "on"
    response = client.post(edit_url(), data)
    assert response.status_code == 302
    assert not Relationship.objects.filter(listing=listing).exists()
    assert "WE" not in set(
        Schedule.objects.filter(service_at_location__service_id=AFON).values_list(
            "byday", flat=True
        )
    )


@pytest.mark.django_db
def test_hugo_cannot_toggle_riversides_relationship(directory, sign_in):
    listing = Listing.objects.get(service_id=AFON)
    Relationship.objects.create(listing=listing, organisation=directory.riverside)
    client = sign_in(directory.hugo)
    data = page_fields(client.get(edit_url()))
    # Hugo is offered only Hillside; a forged Riverside id is ignored.
    data["works_with"] = [str(directory.hillside.pk)]
    assert client.post(edit_url(), data).status_code == 302
    assert set(
        Relationship.objects.filter(listing=listing).values_list(
            "organisation", flat=True
        )
    ) == {directory.riverside.pk, directory.hillside.pk}


@pytest.mark.django_db
def test_an_editor_sees_no_relationship_question(directory, sign_in):
    Editor.objects.create(
        area=directory.area, user=directory.nora, appointed_by=directory.cara
    )
    client = sign_in(directory.nora)
    response = client.get(edit_url())
    assert "works_with" not in response.context["form"].fields
    data = page_fields(response)
    data["name"] = "Changed by an editor"
    assert client.post(edit_url(), data).status_code == 302
    assert Service.objects.get(pk=AFON).name == "Changed by an editor"


# Bad input ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"longitude": ""}, "longitude", "Enter the longitude too"),
        ({"latitude": "95"}, "latitude", "Latitude must be between -90 and 90"),
        ({"schedules-0-closes_at": "19:00"}, "schedules-0-closes_at", "closing time"),
        (
            {"ended_on_day": "1", "ended_on_month": "1", "ended_on_year": "2000"},
            "ended_on",
            "must be the same as or after the date it started",
        ),
        ({"name": ""}, "name", "Enter the name of the service"),
        ({"new_organisation": ""}, "organisation", "Choose the organisation"),
        ({"amount": ""}, "amount", "Enter the charge"),
        ({"other_languages": "polish"}, "other_languages", "two-letter codes"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    directory, sign_in, change, field, message
):
    client = sign_in(directory.mia)
    services_before = Service.objects.count()
    events_before = AuditEvent.objects.count()
    response = client.post(reverse("directory:service-add"), form_fields(**change))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    summary = [text for text, _link in response.context["errors"]]
    assert any(message in text for text in summary), summary
    # Beside the field too: its error message carries the field's id.
    field_id = f"id_{field}"
    assert f'id="{field_id}_error"' in html, field_id
    assert Service.objects.count() == services_before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_bad_edit_changes_nothing(directory, sign_in):
    client = sign_in(directory.mia)
    data = page_fields(client.get(edit_url()))
    data.update(name="Renamed", latitude="51.7", longitude="")
    before = export_services_json()
    response = client.post(edit_url(), data)
    assert response.status_code == 200
    assert "Enter the longitude too" in response.content.decode()
    assert export_services_json() == before
    assert Listing.objects.get(service_id=AFON).last_checked_by is None


# Checking -------------------------------------------------------------------


@pytest.mark.django_db
def test_mark_as_checked_is_recorded_and_audited(directory, sign_in):
    client = sign_in(directory.hugo)
    listing = Listing.objects.get(service_id=AFON)
    before = listing.last_checked_at
    assert client.get(check_url()).status_code == 405
    response = client.post(check_url(), follow=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:service", args=[AFON])
    listing.refresh_from_db()
    assert listing.last_checked_by == directory.hugo
    assert listing.last_checked_at > before
    assert AuditEvent.objects.filter(
        actor=directory.hugo,
        action=AuditEvent.Action.UPDATE,
        record_type="directory.listing",
        record_id=str(listing.pk),
    ).exists()
    (message,) = get_messages(response.wsgi_request)
    assert message.level_tag == "success"
    assert "Afon Valley Peer Mentoring" in str(message)


# The HSDS export ------------------------------------------------------------


@pytest.mark.django_db
def test_export_still_validates_after_edits(directory, sign_in, service_validator):
    client = sign_in(directory.mia)
    assert (
        client.post(reverse("directory:service-add"), form_fields()).status_code == 302
    )
    data = page_fields(client.get(edit_url()))
    data.update(
        venue="",
        address="",
        town="",
        postcode="",
        latitude="",
        longitude="",
        accessibility="",
        cost="charge",
        amount="2",
        phone="",
        other_languages="de",
    )
    assert client.post(edit_url(), data).status_code == 302
    services = export_services_json()
    assert len(services) == 44
    for service in services:
        errors = sorted(
            service_validator.iter_errors(service), key=lambda e: list(e.path)
        )
        assert not errors, (service["name"], [e.message for e in errors][:3])
    added = next(s for s in services if s["name"] == "Riverside Recovery Café")
    assert added["organization"]["name"] == "Riverside Café Collective"
    assert Language.objects.filter(service_id=AFON, code="de").exists()


# Queries --------------------------------------------------------------------


@pytest.mark.django_db
def test_edit_page_queries_are_bounded(
    directory, sign_in, django_assert_max_num_queries
):
    client = sign_in(directory.mia)
    client.get(edit_url())  # warm per-process caches (instrument, sessions)
    with django_assert_max_num_queries(25):
        response = client.get(edit_url())
    assert response.status_code == 200
