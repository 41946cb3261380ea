"""Groups and attendance: who may see and record them, the forms' messages,
one attendance per session date, and a group's register that lists only
people who agreed to it and whom the user may see."""

import datetime
import uuid

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from caremap.directory.actions import load_demo_directory
from caremap.directory.models import Listing
from caremap.engagement import actions
from caremap.engagement.attendance import groups_card
from caremap.engagement.models import Attendance, GroupMembership
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import make_person

TODAY = datetime.date(2026, 11, 25)
NOW = datetime.datetime(2026, 11, 25, 15, 30, tzinfo=datetime.UTC)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(response):
    return soup(response).get_text(" ", strip=True)


@pytest.fixture
def groups(world):
    """The demo directory in the world's area: two mutual-aid meetings and a
    peer-led group, and a service that is not a group."""
    load_demo_directory(world.area)
    findable = Listing.objects.in_area(world.area).findable(timezone.localdate())
    mutual_aid = list(
        findable.filter(kind=Listing.Kind.MUTUAL_AID)
        .select_related("service")
        .order_by("service__name")[:2]
    )
    peer_led = (
        findable.filter(kind=Listing.Kind.PEER_LED).select_related("service").first()
    )
    other = (
        findable.exclude(kind__in=[Listing.Kind.MUTUAL_AID, Listing.Kind.PEER_LED])
        .select_related("service")
        .first()
    )
    return {
        "meeting": mutual_aid[0].service,
        "second_meeting": mutual_aid[1].service,
        "peer_led": peer_led.service,
        "not_a_group": other.service,
    }


def join(person, service, *, by, on_register=True, started_on=None, **fields):
    return actions.add_group_membership(
        person,
        by=by,
        service=service,
        on_register=on_register,
        started_on=started_on or timezone.localdate() - datetime.timedelta(days=60),
        **fields,
    )


def person_urls(person, membership):
    return [
        reverse("engagement:person-groups", args=[person.pk]),
        reverse("engagement:group-add", args=[person.pk]),
        reverse("engagement:group-change", args=[person.pk, membership.pk]),
        reverse("engagement:group-stop", args=[person.pk, membership.pk]),
        reverse("engagement:attendance-record", args=[person.pk, membership.pk]),
    ]


def date_parts(name, day):
    return {
        f"{name}_day": day.day,
        f"{name}_month": day.month,
        f"{name}_year": day.year,
    }


# Who may -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 200), ("bob", 200), ("mia", 200), ("oscar", 404), ("cara", 403)],
)
def test_who_may_open_a_persons_group_pages(world, groups, sign_in, persona, expected):
    membership = join(world.alices_person, groups["meeting"], by=world.alice)
    client = sign_in(getattr(world, persona))
    for url in person_urls(world.alices_person, membership):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize(("persona", "expected"), [("oscar", 404), ("cara", 403)])
def test_refused_people_cannot_record(world, groups, sign_in, persona, expected):
    person = world.alices_person
    membership = join(person, groups["meeting"], by=world.alice)
    client = sign_in(getattr(world, persona))
    posts = [
        (reverse("engagement:group-add", args=[person.pk]), add_data(groups)),
        (
            reverse("engagement:group-change", args=[person.pk, membership.pk]),
            {"regular": "no", "on_register": "no"},
        ),
        (
            reverse("engagement:group-stop", args=[person.pk, membership.pk]),
            date_parts("ended_on", timezone.localdate()),
        ),
        (
            reverse("engagement:attendance-record", args=[person.pk, membership.pk]),
            attendance_data(),
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == expected, url
    membership.refresh_from_db()
    assert (membership.regular, membership.on_register, membership.ended_on) == (
        True,
        True,
        None,
    )
    assert GroupMembership.objects.count() == 1
    assert not Attendance.objects.exists()


def test_a_membership_of_someone_else_is_not_found(world, groups, sign_in):
    theirs = join(world.bobs_person, groups["meeting"], by=world.bob)
    client = sign_in(world.alice)
    url = reverse(
        "engagement:attendance-record", args=[world.alices_person.pk, theirs.pk]
    )
    assert client.get(url).status_code == 404


# A person's groups -----------------------------------------------------------


def add_data(groups, **overrides):
    return {
        "token": str(uuid.uuid4()),
        "service": groups["meeting"].pk,
        "name": "",
        "regular": "yes",
        "on_register": "yes",
        **date_parts("started_on", timezone.localdate() - datetime.timedelta(days=7)),
        **overrides,
    }


def test_the_add_form_offers_only_the_areas_groups(world, groups, sign_in):
    client = sign_in(world.alice)
    page = soup(
        client.get(reverse("engagement:group-add", args=[world.alices_person.pk]))
    )
    offered = {o["value"] for o in page.select("#id_service option") if o["value"]}
    kinds = set(
        Listing.objects.filter(service_id__in=offered).values_list("kind", flat=True)
    )
    assert groups["meeting"].pk in offered
    assert groups["peer_led"].pk in offered
    assert groups["not_a_group"].pk not in offered
    assert kinds == {Listing.Kind.MUTUAL_AID, Listing.Kind.PEER_LED}
    assert {g["label"] for g in page.select("#id_service optgroup")} == {
        "Mutual-aid meeting",
        "Peer-led recovery organisation or group",
    }


def test_adding_a_group_from_the_directory_once(world, groups, sign_in):
    client = sign_in(world.alice)
    person = world.alices_person
    url = reverse("engagement:group-add", args=[person.pk])
    data = add_data(groups)
    first = client.post(url, data)
    second = client.post(url, data)
    groups_url = reverse("engagement:person-groups", args=[person.pk])
    assert first.url == second.url == groups_url
    membership = GroupMembership.objects.get()
    assert membership.service == groups["meeting"]
    assert membership.name == groups["meeting"].name
    assert membership.regular and membership.on_register
    assert membership.register_agreed_on == timezone.localdate()
    assert membership.started_on == timezone.localdate() - datetime.timedelta(days=7)
    assert membership.created_by == world.alice
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.CREATE,
            record_type="engagement.groupmembership",
            record_id=str(membership.pk),
            person=person,
        ).count()
        == 1
    )
    shown = text(client.get(groups_url))
    assert groups["meeting"].name in shown
    assert "No sessions recorded yet" in shown
    assert "Yes, agreed on" in shown


def test_adding_a_group_that_is_not_listed(world, groups, sign_in):
    client = sign_in(world.alice)
    url = reverse("engagement:group-add", args=[world.alices_person.pk])
    response = client.post(
        url,
        add_data(groups, service="", name="Tuesday walking group", on_register="no"),
    )
    assert response.status_code == 302
    membership = GroupMembership.objects.get()
    assert (membership.service, membership.name) == (None, "Tuesday walking group")
    assert not membership.on_register and membership.register_agreed_on is None


def test_a_group_they_already_go_to_is_not_added_twice(world, groups, sign_in):
    join(world.alices_person, groups["meeting"], by=world.alice)
    client = sign_in(world.alice)
    url = reverse("engagement:group-add", args=[world.alices_person.pk])
    response = client.post(url, add_data(groups))
    assert (
        "already goes to this group"
        in soup(response).select_one("#id_service_error").get_text()
    )
    assert GroupMembership.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"service": ""}, "service", "Choose a group from the list, or type its name"),
        ({"service": "not-a-service"}, "service", "Choose a group from the list"),
        ({"name": "Another group"}, "name", "not both"),
        ({"service": "", "name": "x" * 201}, "name", "200 characters or fewer"),
        ({"regular": ""}, "regular", "Select whether they go regularly"),
        ({"on_register": ""}, "on_register", "agreed to be on the register"),
        (
            {"service": "", "name": "Walking group"},
            "on_register",
            "Only a group from the directory can keep a register",
        ),
        ({"started_on_month": "13"}, "started_on", "The date must be a real date"),
        ({"started_on_day": ""}, "started_on", "The date must include a day"),
        (
            date_parts("started_on", TODAY + datetime.timedelta(days=1)),
            "started_on",
            "cannot be in the future",
        ),
    ],
)
def test_add_form_mistakes_are_shown_beside_the_field_and_input_kept(
    world, groups, sign_in, change, field, message
):
    client = sign_in(world.alice)
    url = reverse("engagement:group-add", args=[world.alices_person.pk])
    with time_machine.travel(NOW, tick=False):
        client.force_login(world.alice)
        data = add_data(groups, **change)
        response = client.post(url, data)
    assert response.status_code == 200
    page = soup(response)
    assert message in page.select_one(f"#id_{field}_error").get_text()
    assert message in page.select_one(".govuk-error-summary").get_text()
    if field != "service" and data["service"]:
        assert page.select_one(
            f"#id_service option[value='{data['service']}']"
        ).has_attr("selected")
    if field != "regular":
        assert page.select_one("input[name=regular][value=yes]").has_attr("checked")
    assert not GroupMembership.objects.exists()


def test_changing_and_withdrawing_from_the_register(world, groups, sign_in):
    person = world.alices_person
    membership = join(person, groups["meeting"], by=world.alice)
    client = sign_in(world.alice)
    url = reverse("engagement:group-change", args=[person.pk, membership.pk])
    page = text(client.get(url))
    assert "They agreed on" in page
    response = client.post(url, {"regular": "no", "on_register": "no"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.regular
    assert not membership.on_register and membership.register_agreed_on is None
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.UPDATE, record_id=str(membership.pk)
    )
    assert event.person == person
    assert "withdrew from the register" in event.summary
    # The same answers again change nothing and write nothing.
    client.post(url, {"regular": "no", "on_register": "no"})
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.UPDATE, record_id=str(membership.pk)
        ).count()
        == 1
    )
    client.post(url, {"regular": "no", "on_register": "yes"})
    membership.refresh_from_db()
    assert membership.on_register
    assert membership.register_agreed_on == timezone.localdate()


def test_a_group_not_in_the_directory_cannot_have_a_register(world, groups, sign_in):
    person = world.alices_person
    membership = actions.add_group_membership(
        person, by=world.alice, name="Walking group"
    )
    client = sign_in(world.alice)
    url = reverse("engagement:group-change", args=[person.pk, membership.pk])
    response = client.post(url, {"regular": "no", "on_register": "yes"})
    assert (
        "Only a group from the directory"
        in soup(response).select_one("#id_on_register_error").get_text()
    )
    assert (
        soup(response).select_one("input[name=regular][value=no]").has_attr("checked")
    )


def test_stopping_going(world, groups, sign_in):
    person = world.alices_person
    membership = join(person, groups["meeting"], by=world.alice)
    client = sign_in(world.alice)
    url = reverse("engagement:group-stop", args=[person.pk, membership.pk])
    too_early = membership.started_on - datetime.timedelta(days=1)
    response = client.post(url, date_parts("ended_on", too_early))
    assert (
        "They started going on"
        in soup(response).select_one("#id_ended_on_error").get_text()
    )
    assert soup(response).select_one("#id_ended_on_day")["value"] == str(too_early.day)
    today = timezone.localdate()
    first = client.post(url, date_parts("ended_on", today))
    second = client.post(url, date_parts("ended_on", today))
    assert first.status_code == second.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_on == today
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.UPDATE, record_id=str(membership.pk)
        ).count()
        == 1
    )
    page = soup(client.get(reverse("engagement:person-groups", args=[person.pk])))
    assert "Groups they used to go to" in page.get_text()
    assert not page.select(
        f"a[href='{reverse('engagement:group-stop', args=[person.pk, membership.pk])}']"
    )


# Attendance for a person -----------------------------------------------------


def attendance_data(**overrides):
    return {
        **date_parts("on", timezone.localdate()),
        "attended": "yes",
        "source": "self",
        **overrides,
    }


def test_recording_a_session_once_and_correcting_it(world, groups, sign_in):
    person = world.alices_person
    membership = join(person, groups["meeting"], by=world.alice)
    client = sign_in(world.alice)
    url = reverse("engagement:attendance-record", args=[person.pk, membership.pk])
    data = attendance_data()
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    attendance = Attendance.objects.get()
    assert (attendance.on, attendance.attended, attendance.source) == (
        timezone.localdate(),
        True,
        "self",
    )
    assert attendance.recorded_by == world.alice
    events = AuditEvent.objects.filter(
        record_type="engagement.attendance", person=person
    )
    assert events.count() == 1
    # The same date again, with a different answer: the one record changes.
    client.post(url, attendance_data(attended="no", source="staff"))
    attendance = Attendance.objects.get()
    assert (attendance.attended, attendance.source) == (False, "staff")
    assert events.filter(action=AuditEvent.Action.UPDATE).count() == 1
    shown = text(client.get(reverse("engagement:person-groups", args=[person.pk])))
    assert "Did not go on" in shown


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"attended": ""}, "attended", "Select whether they went"),
        ({"source": ""}, "source", "Select who told you"),
        ({"on_day": "31", "on_month": "2"}, "on", "The date must be a real date"),
        ({"on_year": "26"}, "on", "Year must include 4 numbers"),
        (
            date_parts("on", TODAY + datetime.timedelta(days=1)),
            "on",
            "cannot be in the future",
        ),
        (
            date_parts("on", TODAY - datetime.timedelta(days=61)),
            "on",
            "They started going on",
        ),
    ],
)
def test_attendance_mistakes_are_shown_beside_the_field_and_input_kept(
    world, groups, sign_in, change, field, message
):
    person = world.alices_person
    with time_machine.travel(NOW, tick=False):
        membership = join(person, groups["meeting"], by=world.alice)
        client = sign_in(world.alice)
        url = reverse("engagement:attendance-record", args=[person.pk, membership.pk])
        response = client.post(url, attendance_data(**change))
    assert response.status_code == 200
    page = soup(response)
    assert message in page.select_one(f"#id_{field}_error").get_text()
    assert message in page.select_one(".govuk-error-summary").get_text()
    if field != "source":
        assert page.select_one("input[name=source][value=self]").has_attr("checked")
    assert not Attendance.objects.exists()


def test_a_session_after_they_stopped_going_is_refused(world, groups, sign_in):
    person = world.alices_person
    membership = join(person, groups["meeting"], by=world.alice)
    actions.stop_group_membership(
        membership,
        by=world.alice,
        ended_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    client = sign_in(world.alice)
    url = reverse("engagement:attendance-record", args=[person.pk, membership.pk])
    response = client.post(url, attendance_data())
    assert (
        "They stopped going on" in soup(response).select_one("#id_on_error").get_text()
    )
    assert not Attendance.objects.exists()


# Registers ------------------------------------------------------------------


@pytest.fixture
def register_world(world, groups):
    """On the meeting's register: Alice's and Bob's people (Alice sees both:
    same team), Carol's (another team) and Oscar's (another organisation).
    Not on it: the unassigned person, who goes but did not agree, and a
    person who stopped going."""
    meeting = groups["meeting"]
    w = world
    w.on_register = {
        "alice": join(w.alices_person, meeting, by=w.alice),
        "bob": join(w.bobs_person, meeting, by=w.bob),
        "carol": join(w.carols_person, meeting, by=w.carol),
        "oscar": join(w.oscars_person, meeting, by=w.oscar),
    }
    join(w.unassigned_person, meeting, by=w.mia, on_register=False)
    stopped = make_person(
        w.riverside,
        reference="R-005",
        given_name="Dee",
        family_name="Stopped",
        navigator=w.alice,
    )
    gone = join(stopped, meeting, by=w.alice)
    actions.stop_group_membership(gone, by=w.alice, ended_on=timezone.localdate())
    w.meeting = meeting
    return w


def register_url(service):
    return reverse("engagement:register", args=[service.pk])


def listed_names(response):
    return [
        label.get_text(strip=True)
        for label in soup(response).select("form label.govuk-checkboxes__label")
    ]


@pytest.mark.parametrize(
    ("persona", "names"),
    [
        ("alice", ["Jo Evans", "Sam Jones"]),
        ("bob", ["Jo Evans", "Sam Jones"]),
        ("carol", ["Rhys Price"]),
        ("mia", ["Jo Evans", "Rhys Price", "Sam Jones"]),
        ("oscar", ["Ann Hughes"]),
    ],
)
def test_a_register_lists_only_people_the_user_may_see_who_agreed(
    register_world, sign_in, persona, names
):
    w = register_world
    client = sign_in(getattr(w, persona))
    chooser = client.get(reverse("engagement:register-choose"))
    assert chooser.status_code == 200
    link = soup(chooser).select_one(f"a[href='{register_url(w.meeting)}']")
    assert link.get_text(strip=True) == w.meeting.name
    response = client.get(register_url(w.meeting))
    assert response.status_code == 200
    assert listed_names(response) == names
    for hidden in {"Lee Morgan", "Dee Stopped"}:
        assert hidden not in text(response)


def test_a_group_with_nobody_the_user_may_see_is_not_found(
    register_world, groups, sign_in
):
    client = sign_in(register_world.alice)
    assert client.get(register_url(groups["second_meeting"])).status_code == 404
    assert client.get(register_url(groups["not_a_group"])).status_code == 404
    assert groups["second_meeting"].name not in text(
        client.get(reverse("engagement:register-choose"))
    )


@pytest.mark.parametrize("persona", ["cara", "nora"])
def test_people_without_a_caseload_cannot_take_registers(
    register_world, sign_in, persona
):
    client = sign_in(getattr(register_world, persona))
    assert client.get(reverse("engagement:register-choose")).status_code == 403
    url = register_url(register_world.meeting)
    assert client.get(url).status_code == 403
    assert client.post(url, register_data([])).status_code == 403
    assert not Attendance.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, actor=getattr(register_world, persona)
    ).exists()


def register_data(memberships, day=None, **overrides):
    return {
        **date_parts("on", day or timezone.localdate()),
        "went": [str(m.pk) for m in memberships],
        **overrides,
    }


def test_taking_a_register(register_world, sign_in):
    w = register_world
    client = sign_in(w.alice)
    url = register_url(w.meeting)
    page = soup(client.get(url))
    today = timezone.localdate()
    assert page.select_one("#id_on_day")["value"] == str(today.day)
    data = register_data([w.on_register["alice"]])
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == f"{url}?on={today.isoformat()}"
    recorded = {
        a.membership_id: (a.attended, a.source, a.on, a.recorded_by)
        for a in Attendance.objects.all()
    }
    assert recorded == {
        w.on_register["alice"].pk: (True, "register", today, w.alice),
        w.on_register["bob"].pk: (False, "register", today, w.alice),
    }
    # Each person's own trail says their attendance was recorded, and how.
    for key, went in [("alice", "went"), ("bob", "did not go")]:
        person = w.on_register[key].person
        event = AuditEvent.objects.get(
            person=person, record_type="engagement.attendance"
        )
        assert event.action == AuditEvent.Action.CREATE
        assert event.actor == w.alice
        assert f"{went} (group register)" in event.summary
    summary = AuditEvent.objects.get(
        action=AuditEvent.Action.SUBMIT, record_type="directory.service"
    )
    assert summary.organisation == w.riverside
    assert "1 went, 1 did not" in summary.summary
    # The saved register shows what was recorded.
    after = client.get(response.url)
    assert "Register saved" in text(after)
    ticked = {i["value"] for i in soup(after).select("input[name=went][checked]")}
    assert ticked == {str(w.on_register["alice"].pk)}


def test_a_register_sent_twice_records_once(register_world, sign_in):
    w = register_world
    client = sign_in(w.alice)
    data = register_data([w.on_register["bob"]])
    client.post(register_url(w.meeting), data)
    again = client.post(register_url(w.meeting), data, follow=True)
    assert "already saved" in text(again)
    assert Attendance.objects.count() == 2
    assert AuditEvent.objects.filter(record_type="engagement.attendance").count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SUBMIT).count() == 1


def test_saving_a_register_again_corrects_it(register_world, sign_in):
    w = register_world
    client = sign_in(w.alice)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    actions.record_attendance(
        w.on_register["alice"],
        on=yesterday,
        attended=False,
        source="self",
        by=w.alice,
    )
    page = soup(client.get(f"{register_url(w.meeting)}?on={yesterday.isoformat()}"))
    assert page.select_one("#id_on_day")["value"] == str(yesterday.day)
    assert not page.select("input[name=went][checked]")
    client.post(
        register_url(w.meeting),
        register_data([w.on_register["alice"], w.on_register["bob"]], yesterday),
    )
    assert set(Attendance.objects.values_list("attended", "source")) == {
        (True, "register")
    }
    assert Attendance.objects.filter(on=yesterday).count() == 2
    event = AuditEvent.objects.get(
        person=w.alices_person,
        record_type="engagement.attendance",
        action=AuditEvent.Action.UPDATE,
    )
    assert event.changes["attended"] == [False, True]


def test_someone_not_on_the_users_register_cannot_be_recorded(register_world, sign_in):
    w = register_world
    client = sign_in(w.alice)
    response = client.post(
        register_url(w.meeting), register_data([w.on_register["carol"]])
    )
    assert response.status_code == 200
    assert (
        "Check the list and save again"
        in soup(response).select_one("#id_went_error").get_text()
    )
    assert "Rhys Price" not in text(response)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"on_month": ""}, "The date must include a month"),
        (
            date_parts("on", TODAY + datetime.timedelta(days=1)),
            "cannot be in the future",
        ),
    ],
)
def test_register_mistakes_are_shown_beside_the_field_and_ticks_kept(
    register_world, sign_in, change, message
):
    w = register_world
    with time_machine.travel(NOW, tick=False):
        client = sign_in(w.alice)
        response = client.post(
            register_url(w.meeting),
            register_data([w.on_register["bob"]], TODAY, **change),
        )
    assert response.status_code == 200
    page = soup(response)
    assert message in page.select_one("#id_on_error").get_text()
    assert message in page.select_one(".govuk-error-summary").get_text()
    ticked = {i["value"] for i in page.select("input[name=went][checked]")}
    assert ticked == {str(w.on_register["bob"].pk)}
    assert not Attendance.objects.exists()


def test_a_session_before_someone_started_is_skipped_with_a_warning(
    register_world, sign_in
):
    w = register_world
    membership = w.on_register["bob"]
    membership.started_on = timezone.localdate()
    membership.save()
    client = sign_in(w.alice)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        register_url(w.meeting),
        register_data([w.on_register["alice"], membership], yesterday),
        follow=True,
    )
    assert "Not recorded for Jo Evans" in text(response)
    assert list(Attendance.objects.values_list("membership_id", flat=True)) == [
        w.on_register["alice"].pk
    ]


def test_people_who_share_a_name_are_told_apart(register_world, sign_in):
    w = register_world
    namesake = make_person(
        w.riverside,
        reference="R-099",
        given_name="Sam",
        family_name="Jones",
        navigator=w.alice,
    )
    join(namesake, w.meeting, by=w.alice)
    client = sign_in(w.alice)
    page = soup(client.get(register_url(w.meeting)))
    hints = [h.get_text(strip=True) for h in page.select(".govuk-checkboxes__hint")]
    assert sorted(hints) == ["Reference R-001", "Reference R-099"]


def test_opening_a_register_is_audited(register_world, sign_in):
    w = register_world
    client = sign_in(w.mia)
    client.get(register_url(w.meeting))
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.LIST, record_type="directory.service"
    )
    assert event.actor == w.mia and event.organisation == w.riverside
    assert sorted(event.changes["people"]) == sorted(
        [w.alices_person.pk, w.bobs_person.pk, w.carols_person.pk]
    )


# The person page's card ------------------------------------------------------


def test_groups_card_context(world, groups, rf):
    person = world.alices_person
    membership = join(person, groups["meeting"], by=world.alice)
    actions.record_attendance(
        membership,
        on=timezone.localdate(),
        attended=True,
        source="self",
        by=world.alice,
    )
    request = rf.get("/")
    request.user = world.alice
    context = groups_card(request, person)
    assert context["can_record_groups"]
    assert [m.last_went_on for m in context["current_groups"]] == [timezone.localdate()]
    assert groups_card(request, person, can_record=False)["can_record_groups"] is False
    html = render_to_string(
        "engagement/groups_card.html", {"person": person, **context}
    )
    assert "Went on" in html and groups["meeting"].name in html


# Queries ---------------------------------------------------------------------


def test_pages_cost_a_bounded_number_of_queries(
    register_world, groups, sign_in, django_assert_max_num_queries
):
    w = register_world
    person = w.alices_person
    memberships = [w.on_register["alice"]]
    for service in [groups["second_meeting"], groups["peer_led"]]:
        memberships.append(join(person, service, by=w.alice))
    for extra in range(12):
        someone = make_person(
            w.riverside,
            reference=f"R-1{extra:02}",
            given_name=f"Extra{extra}",
            navigator=w.alice,
        )
        join(someone, w.meeting, by=w.alice)
    start = timezone.localdate() - datetime.timedelta(days=30)
    for membership in memberships:
        for days in range(20):
            actions.record_attendance(
                membership,
                on=start + datetime.timedelta(days=days),
                attended=days % 3 != 0,
                source="staff",
                by=w.alice,
            )
    client = sign_in(w.alice)
    membership = memberships[0]
    for url in [
        reverse("engagement:person-groups", args=[person.pk]),
        reverse("engagement:group-add", args=[person.pk]),
        reverse("engagement:group-change", args=[person.pk, membership.pk]),
        reverse("engagement:attendance-record", args=[person.pk, membership.pk]),
        reverse("engagement:register-choose"),
        register_url(w.meeting),
    ]:
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200, url
