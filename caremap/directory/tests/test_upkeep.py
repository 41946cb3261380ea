"""Keeping an area's directory: the review list, editors, settings and API
tokens, and the recovery-community view."""

import csv
import datetime
import io
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caremap.accounts.models import User
from caremap.directory.actions import load_demo_directory
from caremap.directory.demo import SERVICES
from caremap.directory.models import (
    ApiToken,
    AreaDirectory,
    Editor,
    Listing,
    ListingTag,
    Service,
)
from caremap.organisations.models import Area, Membership
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import make_user

TODAY = datetime.date(2026, 11, 27)
NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)
PAGES = ["review", "editors", "settings", "community"]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def demo(world, frozen):
    load_demo_directory(world.area)
    return world


@pytest.fixture
def other_commissioner(db):
    south = Area.objects.create(name="South Valley")
    user = make_user("sian@south.test", "Sian Commissioner")
    Membership.objects.create(user=user, role=Membership.Role.COMMISSIONER, area=south)
    user.area = south
    return user


def fresh(user):
    # Permissions cache roles on the user object; a new one sees changes.
    return User.objects.get(pk=user.pk)


def url(name, **query):
    base = reverse(f"directory:{name}")
    if not query:
        return base
    return base + "?" + "&".join(f"{k}={v}" for k, v in query.items())


# What the demo directory should show, worked out from its specs ---------


def running_on(spec, day):
    return (spec["started_on"] is None or spec["started_on"] <= day) and (
        spec["ended_on"] is None or spec["ended_on"] > day
    )


def is_group(spec):
    return spec["peer_led"] and spec["independent"]


def due_for_review_count(after_days=182):
    # load_demo_directory leaves every seventh entry (from the fourth) long
    # unchecked, and checks the rest 5 + 3n days ago.
    return sum(
        1
        for index in range(len(SERVICES))
        if (240 + index if index % 7 == 3 else 5 + 3 * index) > after_days
    )


def period_query(start, end):
    return {
        "start_day": start.day,
        "start_month": start.month,
        "start_year": start.year,
        "end_day": end.day,
        "end_month": end.month,
        "end_year": end.year,
    }


def table(response, slug):
    return next(t for t in response.context["tables"] if t.slug == slug)


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


# Who may see each page ---------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, page):
    response = client.get(url(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("alice", set()),
        ("nora", set()),
        ("ada", set()),
        ("mia", {"review", "community"}),
        ("hugo", {"review", "community"}),
        ("cara", {"editors", "settings", "community"}),
    ],
)
def test_each_persona_reaches_only_their_pages(world, sign_in, persona, allowed):
    client = sign_in(getattr(world, persona))
    for page in PAGES:
        status = client.get(url(page)).status_code
        assert status == (200 if page in allowed else 403), (persona, page, status)


def test_a_commissioner_who_is_also_an_editor_may_review(world, sign_in):
    Editor.objects.create(area=world.area, user=world.cara, appointed_by=world.cara)
    assert sign_in(world.cara).get(url("review")).status_code == 200


def test_a_commissioner_of_another_area_is_refused_this_one(
    world, sign_in, other_commissioner
):
    client = sign_in(other_commissioner)
    for page in ["editors", "settings", "community"]:
        assert client.get(url(page, area=world.area.pk)).status_code == 403
        own = client.get(url(page))
        assert own.status_code == 200
        assert own.context["choice"].area == other_commissioner.area
    editor = Editor.objects.create(
        area=world.area, user=world.nora, appointed_by=world.cara
    )
    assert (
        client.get(reverse("directory:editor-remove", args=[editor.pk])).status_code
        == 403
    )
    assert (
        client.post(reverse("directory:editor-remove", args=[editor.pk])).status_code
        == 403
    )
    assert Editor.objects.filter(pk=editor.pk).exists()
    assert (
        client.get(
            reverse("directory:community-csv", args=["kinds"]), {"area": world.area.pk}
        ).status_code
        == 403
    )


def test_someone_in_two_areas_picks_one_and_can_switch(
    world, sign_in, other_commissioner
):
    Membership.objects.create(
        user=world.cara, role=Membership.Role.COMMISSIONER, area=other_commissioner.area
    )
    client = sign_in(world.cara)
    response = client.get(url("community"))
    # Areas come in name order: North Valley first.
    assert response.context["choice"].area == world.area
    switch = url("community", area=other_commissioner.area.pk)
    assert switch in response.content.decode()
    response = client.get(switch)
    assert response.context["choice"].area == other_commissioner.area
    assert client.get(url("community", area=99999)).status_code == 403


# Review list -------------------------------------------------------------


def test_review_list_shows_overdue_entries_oldest_first(demo, sign_in):
    # The most recently checked entry, so it is due only once unchecked.
    never = Listing.objects.filter(area=demo.area).order_by("-last_checked_at").first()
    never.last_checked_at = None
    never.last_checked_by = None
    never.save()
    Listing.objects.exclude(pk=never.pk).filter(
        last_checked_at__lt=NOW - datetime.timedelta(days=182)
    ).update(last_checked_by=demo.mia)

    response = sign_in(demo.mia).get(url("review"))

    assert response.status_code == 200
    rows = response.context["rows"]
    expected = due_for_review_count() + 1
    assert response.context["page"].paginator.count == expected
    assert rows[0]["listing"] == never
    assert rows[0]["overdue_days"] is None
    checks = [row["listing"].last_checked_at for row in rows[1:]]
    assert checks == sorted(checks)
    assert all(days > 0 for days in (row["overdue_days"] for row in rows[1:]))
    html = response.content.decode()
    assert reverse("directory:service", args=[never.service.pk]) in html
    assert "Never" in html
    assert "by Mia Manager" in html


def test_review_list_follows_the_areas_own_setting(demo, sign_in):
    AreaDirectory.objects.create(area=demo.area, review_after_days=30)
    response = sign_in(demo.mia).get(url("review"))
    assert response.context["page"].paginator.count == due_for_review_count(30)
    assert due_for_review_count(30) > due_for_review_count()


def test_review_list_pages_and_keeps_its_queries_bounded(
    demo, sign_in, django_assert_max_num_queries
):
    Listing.objects.filter(area=demo.area).update(last_checked_at=None)
    client = sign_in(demo.mia)
    with django_assert_max_num_queries(12):
        first = client.get(url("review"))
    assert len(first.context["rows"]) == 25
    second = client.get(url("review", page=2))
    assert len(second.context["rows"]) == len(SERVICES) - 25
    names = {r["listing"].pk for r in first.context["rows"]} | {
        r["listing"].pk for r in second.context["rows"]
    }
    assert len(names) == len(SERVICES)


# Editors -----------------------------------------------------------------


def test_commissioner_appoints_and_removes_an_editor(world, sign_in):
    client = sign_in(world.cara)
    assert not fresh(world.nora).has_perm("directory.keep_area", world.area)

    response = client.post(url("editors"), {"email": "NORA@nowhere.test"})

    assert response.status_code == 302
    editor = Editor.objects.get(area=world.area, user=world.nora)
    assert editor.appointed_by == world.cara
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE,
        actor=world.cara,
        record_type="directory.editor",
        record_id=str(editor.pk),
    ).exists()
    assert fresh(world.nora).has_perm("directory.keep_area", world.area)
    assert sign_in(world.nora).get(url("review")).status_code == 200

    client = sign_in(world.cara)
    listing = client.get(url("editors"))
    assert "Nora Norole" in listing.content.decode()
    confirm = client.get(reverse("directory:editor-remove", args=[editor.pk]))
    assert confirm.status_code == 200
    assert "Remove Nora Norole as an editor?" in confirm.content.decode()
    assert Editor.objects.filter(pk=editor.pk).exists()

    response = client.post(reverse("directory:editor-remove", args=[editor.pk]))

    assert response.status_code == 302
    assert not Editor.objects.filter(pk=editor.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DELETE, actor=world.cara, record_id=str(editor.pk)
    ).exists()
    assert not fresh(world.nora).has_perm("directory.keep_area", world.area)


def test_appointing_an_unknown_or_existing_editor_explains_why_not(world, sign_in):
    client = sign_in(world.cara)
    response = client.post(url("editors"), {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "There is no Caremap account with the email address nobody@example.org"
    ]
    assert not Editor.objects.exists()

    Editor.objects.create(area=world.area, user=world.nora, appointed_by=world.cara)
    response = client.post(url("editors"), {"email": "nora@nowhere.test"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Nora Norole is already an editor of this directory"
    ]
    assert Editor.objects.count() == 1


# Settings and tokens -----------------------------------------------------


def test_commissioner_saves_the_area_settings(world, sign_in):
    client = sign_in(world.cara)
    assert not AreaDirectory.objects.filter(area=world.area).exists()
    form = client.get(url("settings")).context["form"]
    assert form["review_after_days"].value() == 182

    response = client.post(url("settings"), {"public": "on", "review_after_days": "90"})

    assert response.status_code == 302
    saved = AreaDirectory.objects.get(area=world.area)
    assert saved.public is True
    assert saved.review_after_days == 90
    assert AuditEvent.objects.filter(
        actor=world.cara, record_type="directory.areadirectory", record_id=str(saved.pk)
    ).exists()

    client.post(url("settings"), {"review_after_days": "200"})
    saved.refresh_from_db()
    assert (saved.public, saved.review_after_days) == (False, 200)


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("0", "The number of days must be 1 or more"),
        ("731", "The number of days must be 730 or fewer"),
        ("six", "The number of days must be a whole number"),
    ],
)
def test_settings_refuse_days_out_of_range(world, sign_in, days, message):
    response = sign_in(world.cara).post(url("settings"), {"review_after_days": days})
    assert response.status_code == 200
    assert response.context["form"].errors["review_after_days"] == [message]
    assert not AreaDirectory.objects.exists()


def test_token_is_shown_once_works_and_stops_when_revoked(demo, sign_in, client):
    cara = sign_in(demo.cara)
    response = cara.post(reverse("directory:token-create"), {"name": "Valley website"})
    api_token = ApiToken.objects.get(area=demo.area)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "directory:token-created", args=[api_token.pk]
    )

    shown = cara.get(response["Location"])
    token = shown.context["token"]
    assert token and token in shown.content.decode()
    assert api_token.token_hash != token and token not in api_token.token_hash
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, record_type="directory.apitoken"
    ).exists()

    again = cara.get(response["Location"])
    assert again.context["token"] is None
    assert token not in again.content.decode()
    settings_page = cara.get(url("settings"))
    assert "Valley website" in settings_page.content.decode()
    assert token not in settings_page.content.decode()

    cara.logout()
    answer = client.get("/api/hsds/services", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200
    assert answer.json()["total_items"] == len(SERVICES)

    cara = sign_in(demo.cara)
    revoked = cara.post(reverse("directory:token-revoke", args=[api_token.pk]))
    assert revoked.status_code == 302
    api_token.refresh_from_db()
    assert api_token.revoked_at is not None
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE,
        record_type="directory.apitoken",
        record_id=str(api_token.pk),
    ).exists()
    cara.logout()
    answer = client.get("/api/hsds/services", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 401


def test_only_the_areas_commissioners_handle_its_tokens(
    world, sign_in, other_commissioner
):
    api_token = ApiToken.objects.create(
        area=world.area, name="Partner", token_hash="0" * 64, created_by=world.cara
    )
    for user in (other_commissioner, world.mia):
        client = sign_in(user)
        assert (
            client.post(
                reverse("directory:token-revoke", args=[api_token.pk])
            ).status_code
            == 403
        )
        assert (
            client.get(
                reverse("directory:token-created", args=[api_token.pk])
            ).status_code
            == 403
        )
    assert (
        sign_in(world.mia)
        .post(reverse("directory:token-create"), {"name": "Sneaky"})
        .status_code
        == 403
    )
    assert ApiToken.objects.count() == 1
    api_token.refresh_from_db()
    assert api_token.revoked_at is None
    assert (
        sign_in(world.cara)
        .get(reverse("directory:token-revoke", args=[api_token.pk]))
        .status_code
        == 405
    )


# Recovery-community view -------------------------------------------------


def expected_figures(today, start, end):
    running = [s for s in SERVICES if running_on(s, today)]
    kinds = Counter(s["kind"] for s in running)
    domains = Counter(v for s in running for v in s["tags"].get("domain", []))
    needs = Counter(v for s in running for v in s["tags"].get("need", []))
    groups = [s for s in SERVICES if is_group(s)]
    new = sorted(
        (s for s in groups if s["started_on"] and start <= s["started_on"] <= end),
        key=lambda s: (s["started_on"], s["name"]),
    )
    in_period = [
        s
        for s in groups
        if (s["started_on"] is None or s["started_on"] <= end)
        and (s["ended_on"] is None or s["ended_on"] > start)
    ]
    return {
        "now_names": {s["name"] for s in groups if running_on(s, today)},
        "period_names": {s["name"] for s in in_period},
        "kinds": kinds,
        "domains": domains,
        "needs": needs,
        "now": sum(1 for s in groups if running_on(s, today)),
        "period": len(in_period),
        "new": new,
    }


def test_community_counts_are_exact_for_a_fixed_day_and_period(demo, sign_in):
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 8, 31)
    expected = expected_figures(TODAY, start, end)
    # The period is chosen so "now" and "in the period" are different
    # groups: one ended in June, another starts in September.
    assert expected["now_names"] != expected["period_names"]
    assert len(expected["new"]) == 2

    client = sign_in(demo.mia)
    response = client.get(url("community"), period_query(start, end))

    assert response.status_code == 200
    kinds = table(response, "kinds")
    by_label = {str(label): n for label, n in kinds.rows}
    assert by_label == {
        str(label): expected["kinds"].get(value, 0)
        for value, label in Listing.Kind.choices
    }
    assert sum(by_label.values()) == sum(expected["kinds"].values())
    # No instrument is installed here, so tags are named by their values.
    assert dict(table(response, "domains").rows) == dict(expected["domains"])
    assert dict(table(response, "needs").rows) == dict(expected["needs"])
    assert [n for _label, n in table(response, "peer-led").rows] == [
        expected["now"],
        expected["period"],
        len(expected["new"]),
    ]
    new = table(response, "new-peer-led")
    assert [(row[0], row[2]) for row in new.rows] == [
        (s["name"], s["started_on"]) for s in expected["new"]
    ]
    assert new.summary == (
        "2 new peer-led groups started between 1 January 2026 and 31 August 2026."
    )
    assert table(response, "review").rows[0][1] == due_for_review_count()
    html = response.content.decode()
    assert new.summary in html
    for spec in expected["new"]:
        assert spec["name"] in html
    assert reverse("directory:review") in html  # Mia keeps the directory


def test_community_period_defaults_to_the_last_twelve_months(demo, sign_in):
    response = sign_in(demo.cara).get(url("community"))
    assert (response.context["start"], response.context["end"]) == (
        datetime.date(2025, 12, 1),
        TODAY,
    )
    expected = expected_figures(TODAY, datetime.date(2025, 12, 1), TODAY)
    count = len(expected["new"])
    assert count == sum(
        1
        for s in SERVICES
        if is_group(s) and s["started_on"] and s["started_on"].year == 2026
    )
    assert (
        f"{count} new peer-led groups started between 1 December 2025 and "
        "27 November 2026." in response.content.decode()
    )
    # Cara commissions but does not keep the directory: no review link.
    assert reverse("directory:review") not in response.content.decode()


def test_community_names_domains_and_needs_from_the_instrument(
    demo, sign_in, instruments
):
    response = sign_in(demo.cara).get(url("community"))
    domains = dict(table(response, "domains").rows)
    expected = expected_figures(TODAY, datetime.date(2025, 12, 1), TODAY)
    assert domains["Social support"] == expected["domains"]["social-support"]
    needs = dict(table(response, "needs").rows)
    assert (
        needs["Peer and mutual-aid recovery support"]
        == expected["needs"]["peer-support"]
    )


def test_each_csv_matches_its_table_and_is_audited(demo, sign_in):
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 8, 31)
    client = sign_in(demo.cara)
    page = client.get(url("community"), period_query(start, end))
    html = page.content.decode()
    for shown in page.context["tables"]:
        csv_url = reverse("directory:community-csv", args=[shown.slug])
        assert csv_url in html
        response = client.get(csv_url, period_query(start, end))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert (
            f'filename="{shown.slug}-2026-01-01-to-2026-08-31.csv"'
            in response["Content-Disposition"]
        )
        rows = csv_rows(response)
        assert rows[0] == [str(h) for h in shown.headers]
        assert rows[1:] == [
            [c.isoformat() if hasattr(c, "isoformat") else str(c) for c in row]
            for row in shown.rows
        ]
    new = csv_rows(
        client.get(
            reverse("directory:community-csv", args=["new-peer-led"]),
            period_query(start, end),
        )
    )
    assert [row[0] for row in new[1:]] == [
        s["name"] for s in expected_figures(TODAY, start, end)["new"]
    ]
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.EXPORT, actor=demo.cara
        ).count()
        == len(page.context["tables"]) + 1
    )
    assert (
        client.get(reverse("directory:community-csv", args=["nonsense"])).status_code
        == 404
    )


def test_end_before_start_is_refused_beside_the_end_date(demo, sign_in):
    client = sign_in(demo.cara)
    query = period_query(datetime.date(2026, 6, 1), datetime.date(2026, 1, 1))
    response = client.get(url("community"), query)
    assert response.status_code == 200
    message = "End date must be the same as or after the start date"
    assert response.context["form"].errors["end"] == [message]
    assert "start" not in response.context["form"].errors
    assert response.context["tables"] == []
    assert 'href="#id_end_day"' in response.content.decode()
    csv_response = client.get(reverse("directory:community-csv", args=["kinds"]), query)
    assert csv_response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def add_listings(area, count):
    services = Service.objects.bulk_create(
        Service(id=f"extra-{i:04}", name=f"Extra group {i}", status="active")
        for i in range(count)
    )
    listings = Listing.objects.bulk_create(
        Listing(
            service=service,
            area=area,
            kind=Listing.Kind.PEER_LED,
            peer_led=True,
            independent=True,
            started_on=datetime.date(2026, 3, 1) + datetime.timedelta(days=i % 100),
        )
        for i, service in enumerate(services)
    )
    ListingTag.objects.bulk_create(
        ListingTag(listing=listing, kind=kind, value=value)
        for listing in listings
        for kind, value in (
            (ListingTag.Kind.DOMAIN, "social-support"),
            (ListingTag.Kind.NEED, "peer-support"),
        )
    )


def count_queries(client, path, query=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, query or {})
    assert response.status_code == 200
    return len(captured), response


def test_community_queries_do_not_grow_with_the_directory(
    demo, sign_in, django_assert_max_num_queries
):
    client = sign_in(demo.mia)
    query = period_query(datetime.date(2026, 1, 1), datetime.date(2026, 8, 31))
    csv_path = reverse("directory:community-csv", args=["new-peer-led"])
    before, small = count_queries(client, url("community"), query)
    csv_before, _ = count_queries(client, csv_path, query)
    review_before, _ = count_queries(client, url("review"))

    add_listings(demo.area, 200)

    with django_assert_max_num_queries(20):
        after, large = count_queries(client, url("community"), query)
    assert after == before
    assert count_queries(client, csv_path, query)[0] == csv_before
    assert count_queries(client, url("review"))[0] == review_before
    extra_new = len(table(large, "new-peer-led").rows) - len(
        table(small, "new-peer-led").rows
    )
    assert extra_new == 200
    assert (
        table(large, "peer-led").rows[0][1] == table(small, "peer-led").rows[0][1] + 200
    )
