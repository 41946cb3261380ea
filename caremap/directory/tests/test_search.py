"""Searching an area's community directory, through the pages.

Every expected set is worked out here from the demo directory's own
specification (`caremap.directory.demo.SERVICES` and `VENUES`), never by
asking the search code.
"""

import datetime
import math
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from caremap.directory import demo
from caremap.directory.actions import appoint_editor, load_demo_directory, load_places
from caremap.directory.models import (
    Accessibility,
    Address,
    AreaDirectory,
    CostOption,
    Language,
    Listing,
    ListingTag,
    Location,
    Organization,
    Phone,
    Relationship,
    Schedule,
    Service,
    ServiceAtLocation,
)
from caremap.organisations.models import Area, Membership, Organisation
from caremap.testing.personas import make_user

LONDON = ZoneInfo("Europe/London")
SPECS = demo.SERVICES
PEER_MENTORING = "Afon Valley Peer Mentoring"
TREGARTH_NA = "Narcotics Anonymous: Tregarth Sunday Meeting"
FIRST_THURSDAY = "Al-Anon: Pontafon First Thursday Group"
FAMILIES = "Families in Recovery Support Group"
FORTNIGHT_ORIGIN = datetime.date(2026, 1, 5)
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
MILE_KM = 1.609344


# The demo directory, read independently of the search code ---------------


def spec_named(name):
    return next(s for s in SPECS if s["name"] == name)


def running(spec, day):
    started, ended = spec["started_on"], spec["ended_on"]
    return (started is None or started <= day) and (ended is None or ended > day)


def expected(predicate=lambda spec: True, day=None):
    day = day or timezone.localdate()
    return {s["name"] for s in SPECS if running(s, day) and predicate(s)}


def venue(spec):
    name, street, town, postcode, lat, lon, access = demo.VENUES[spec["venue"]]
    return {
        "name": name,
        "street": street,
        "town": town,
        "postcode": postcode,
        "lat": lat,
        "lon": lon,
        "access": access,
    }


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def centre_of(town):
    points = [(v[4], v[5]) for v in demo.VENUES.values() if v[2] == town]
    return (
        round(sum(p[0] for p in points) / len(points), 5),
        round(sum(p[1] for p in points) / len(points), 5),
    )


def miles_from(spec, lat, lon):
    v = venue(spec)
    return haversine_km(lat, lon, v["lat"], v["lon"]) / MILE_KM


def meets_on(schedule, day):
    freq, byday, _opens, _closes, _note, interval = schedule
    if freq == "WEEKLY":
        if DAY_CODES[day.weekday()] not in byday.split(","):
            return False
        if interval == 2:
            weeks = (day - FORTNIGHT_ORIGIN).days // 7
            return day >= FORTNIGHT_ORIGIN and weeks % 2 == 0
        return True
    ordinal, code = byday[:-2], byday[-2:]
    if DAY_CODES[day.weekday()] != code:
        return False
    if ordinal == "-1":
        return (day + datetime.timedelta(days=7)).month != day.month
    return (day.day - 1) // 7 + 1 == int(ordinal)


def local(day, hhmm):
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.datetime.combine(day, datetime.time(hours, minutes), tzinfo=LONDON)


def meets_between(spec, start, end):
    """Whether any meeting of `spec` is under way or starts in [start, end)."""
    day = start.astimezone(LONDON).date() - datetime.timedelta(days=1)
    while day <= end.astimezone(LONDON).date():
        for schedule in spec["schedules"]:
            if meets_on(schedule, day):
                opens, closes = local(day, schedule[2]), local(day, schedule[3])
                if closes > start and opens < end:
                    return True
        day += datetime.timedelta(days=1)
    return False


def expected_today(now):
    end_of_day = datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=LONDON
    )
    return expected(lambda s: meets_between(s, now, end_of_day), day=now.date())


def expected_week(now):
    return expected(
        lambda s: meets_between(s, now, now + datetime.timedelta(days=7)),
        day=now.date(),
    )


# Fixtures and page helpers ------------------------------------------------


@pytest.fixture
def directory(world, instruments):
    load_demo_directory(world.area, relationships=[(world.riverside, PEER_MENTORING)])
    load_places(demo.demo_places(), source="test")
    return world


@pytest.fixture
def public(directory):
    AreaDirectory.objects.create(area=directory.area, public=True)
    return directory


@pytest.fixture
def other_area(db):
    """South Valley: a private area with its own organisation and navigator."""
    area = Area.objects.create(name="South Valley")
    organisation = Organisation.objects.create(
        area=area, name="Southside Support", kind=Organisation.Kind.TREATMENT_SERVICE
    )
    user = make_user("sid@southside.test", "Sid Southside")
    Membership.objects.create(
        user=user, role=Membership.Role.NAVIGATOR, organisation=organisation
    )
    area.sid = user
    return area


def search_url():
    return reverse("directory:search")


def service_url(name):
    return reverse("directory:service", args=[demo.service_id_for(name)])


def page_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def search(client, **params):
    return page_of(client.get(search_url(), params))


def results(soup):
    listing = soup.find("ul", attrs={"aria-labelledby": "results-heading"})
    return listing.find_all("li", recursive=False) if listing else []


def result_names(soup):
    return [item.find("h3").get_text(strip=True) for item in results(soup)]


def total_of(soup):
    heading = soup.find(id="results-heading").get_text(" ", strip=True)
    return int(re.match(r"(\d+) services? found", heading).group(1))


def all_result_names(client, **params):
    """Every result name, page by page, in order."""
    names, page = [], 1
    while True:
        soup = search(client, **params, page=page)
        names += result_names(soup)
        if not soup.find("a", attrs={"rel": "next"}):
            return names, total_of(soup)
        page += 1
        assert page < 10


def result_item(soup, name):
    for item in results(soup):
        if item.find("h3").get_text(strip=True) == name:
            return item
    raise AssertionError(f"{name} is not in the results")


def distance_shown(item):
    match = re.search(r"([\d.]+) miles away", item.get_text(" ", strip=True))
    return float(match.group(1)) if match else None


def travel(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=LONDON), tick=False)


# Who may search ------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_when_no_directory_is_public(client, directory):
    response = client.get(search_url())
    assert response.status_code == 302
    login = resolve_url(settings.LOGIN_URL)
    assert response["Location"].startswith(login)
    assert "next=" in response["Location"]


def test_anonymous_may_search_a_public_directory(client, public):
    soup = search(client)
    assert total_of(soup) == len(expected())
    # No staff-only filter for the public.
    assert soup.find(attrs={"name": "works_with_us"}) is None


def test_signed_in_without_a_role_is_refused_without_a_public_area(sign_in, directory):
    response = sign_in(directory.nora).get(search_url())
    assert response.status_code == 403


def test_signed_in_without_a_role_may_search_a_public_area(sign_in, public):
    soup = search(sign_in(public.nora))
    assert total_of(soup) == len(expected())
    assert soup.find(attrs={"name": "works_with_us"}) is None


@pytest.mark.parametrize("persona", ["alice", "mia", "cara", "oscar"])
def test_staff_in_the_area_may_search(sign_in, directory, persona):
    soup = search(sign_in(getattr(directory, persona)))
    assert total_of(soup) == len(expected())
    assert soup.find(attrs={"name": "works_with_us"}) is not None


def test_appointed_editor_may_search(sign_in, directory):
    editor = make_user("ed@editor.test", "Ed Editor")
    appoint_editor(directory.area, editor, by=directory.cara)
    soup = search(sign_in(editor))
    assert total_of(soup) == len(expected())


def test_another_areas_navigator_is_refused(sign_in, directory, other_area):
    # Sid's own area has no listings, and North Valley is private.
    client = sign_in(other_area.sid)
    soup = search(client)
    assert total_of(soup) == 0
    response = client.get(search_url(), {"area": directory.area.pk})
    assert response.status_code == 404


def test_area_the_user_cannot_see_is_not_found(sign_in, directory, other_area):
    client = sign_in(directory.alice)
    assert client.get(search_url(), {"area": other_area.pk}).status_code == 404
    assert client.get(search_url(), {"area": "not-an-area"}).status_code == 404
    assert client.get(search_url(), {"area": directory.area.pk}).status_code == 200


def test_public_area_chosen_by_anyone(client, public, other_area):
    soup = search(client, area=public.area.pk)
    assert total_of(soup) == len(expected())
    assert client.get(search_url(), {"area": other_area.pk}).status_code == 404


def test_service_page_private_area_sends_anonymous_to_sign_in(client, directory):
    response = client.get(service_url(PEER_MENTORING))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_service_page_refused_to_staff_of_another_area(sign_in, directory, other_area):
    response = sign_in(other_area.sid).get(service_url(PEER_MENTORING))
    assert response.status_code == 403


def test_service_page_refused_to_nora(sign_in, directory):
    response = sign_in(directory.nora).get(service_url(PEER_MENTORING))
    assert response.status_code == 403


def test_service_page_public_area_open_to_anonymous(client, public):
    soup = page_of(client.get(service_url(PEER_MENTORING)))
    assert soup.find("h1").get_text(strip=True) == PEER_MENTORING


def test_unknown_service_is_not_found(sign_in, directory):
    response = sign_in(directory.alice).get(
        reverse("directory:service", args=["no-such-service"])
    )
    assert response.status_code == 404


# What to search for --------------------------------------------------------


def test_everything_in_name_order_with_our_services_first(sign_in, directory):
    names, total = all_result_names(sign_in(directory.alice))
    others = sorted(expected() - {PEER_MENTORING}, key=str.casefold)
    assert names == [PEER_MENTORING, *others]
    assert total == len(expected())
    assert TREGARTH_NA not in names


def test_oscars_organisation_works_with_nobody_so_plain_name_order(sign_in, directory):
    names, _total = all_result_names(sign_in(directory.oscar))
    assert names == sorted(expected(), key=str.casefold)


@pytest.mark.parametrize(
    ("need", "kind", "value"),
    [
        ("need:peer-support", "need", "peer-support"),
        ("need:money", "need", "money"),
        ("domain:social-support", "domain", "social-support"),
        ("domain:housing-and-safety", "domain", "housing-and-safety"),
    ],
)
def test_search_by_need(sign_in, directory, need, kind, value):
    names, total = all_result_names(sign_in(directory.alice), need=need)
    want = expected(lambda s: value in s["tags"][kind])
    assert set(names) == want
    assert total == len(want)
    assert 0 < len(want) < len(expected())


def test_search_by_words(sign_in, directory):
    client = sign_in(directory.alice)

    def containing(*words):
        def matches(spec):
            organisation = demo.ORGANIZATIONS[spec["org"]][0]
            text = f"{spec['name']} {spec['description']} {organisation}".casefold()
            return all(word.casefold() in text for word in words)

        return expected(matches)

    for words in (["meditation"], ["Anonymous", "Wednesday"], ["DEBT"]):
        names, _total = all_result_names(client, q=" ".join(words))
        assert set(names) == containing(*words), words
        assert names
    names, total = all_result_names(client, q="zzzz-nothing")
    assert names == [] and total == 0


def test_search_by_pathway(sign_in, directory):
    names, _total = all_result_names(sign_in(directory.alice), pathway="moderation")
    want = expected(lambda s: "moderation" in s["tags"]["pathway"])
    assert set(names) == want
    assert len(want) < len(expected())


def test_search_by_language_welsh(sign_in, directory):
    client = sign_in(directory.alice)
    soup = search(client)
    options = [
        o["value"] for o in soup.find("select", attrs={"name": "language"})("option")
    ]
    assert options == ["", "en", "cy"]
    names, _total = all_result_names(client, language="cy")
    assert set(names) == expected(lambda s: s["welsh"])


def test_search_accessible_venues(sign_in, directory):
    names, _total = all_result_names(sign_in(directory.alice), accessible="on")
    want = expected(lambda s: venue(s)["access"] is not None)
    assert set(names) == want
    assert len(want) < len(expected())


def test_search_peer_led(sign_in, directory):
    names, _total = all_result_names(sign_in(directory.alice), peer_led="on")
    assert set(names) == expected(lambda s: s["peer_led"])


def test_search_by_kind(sign_in, directory):
    client = sign_in(directory.alice)
    for kind in ("housing", "mutual-aid", "family"):
        names, _total = all_result_names(client, kind=kind)
        assert set(names) == expected(lambda s, kind=kind: s["kind"] == kind)


def test_works_with_us_for_staff(sign_in, directory):
    names, total = all_result_names(sign_in(directory.alice), works_with_us="on")
    assert names == [PEER_MENTORING]
    assert total == 1
    names, total = all_result_names(sign_in(directory.oscar), works_with_us="on")
    assert names == [] and total == 0


def test_works_with_us_tag_on_our_services_only(sign_in, directory):
    soup = search(sign_in(directory.alice))
    tagged = [
        item.find("h3").get_text(strip=True)
        for item in results(soup)
        if "We work with them" in item.get_text()
    ]
    assert tagged == [PEER_MENTORING]


def test_works_with_us_ignored_for_the_public(client, public):
    names, total = all_result_names(client, works_with_us="on")
    assert total == len(expected())


def test_works_with_us_counts_each_service_once(sign_in, directory):
    # Mia also manages at Hillside, and both her organisations work with the
    # same service.
    Membership.objects.create(
        user=directory.mia,
        role=Membership.Role.MANAGER,
        organisation=directory.hillside,
    )
    Relationship.objects.create(
        organisation=directory.hillside,
        listing=Listing.objects.get(service_id=demo.service_id_for(PEER_MENTORING)),
    )
    names, total = all_result_names(sign_in(directory.mia), works_with_us="on")
    assert names == [PEER_MENTORING]
    assert total == 1


# Near a place --------------------------------------------------------------


@pytest.mark.parametrize(
    ("near", "within"),
    [("Pontafon", 2), ("pontafon", 5), ("CF99 9EB", 1), ("51.70, -3.40", 2)],
)
def test_near_a_place_within_miles(sign_in, directory, near, within):
    if "," in near:
        lat, lon = map(float, near.split(","))
    elif near.upper().startswith("CF"):
        postcode = next(v for v in demo.VENUES.values() if v[3] == near)
        lat, lon = postcode[4], postcode[5]
    else:
        lat, lon = centre_of(near.title())
    want = expected(lambda s: miles_from(s, lat, lon) <= within)
    assert 0 < len(want) < len(expected())

    client = sign_in(directory.alice)
    soup = search(client, near=near, within=within)
    assert total_of(soup) == len(want)
    names, _total = all_result_names(client, near=near, within=within)
    assert set(names) == want
    distances = [distance_shown(item) for item in results(soup)]
    assert all(d is not None and d <= within + 0.05 for d in distances)
    assert distances == sorted(distances)
    # Nearest first by the true distances too.
    true = [miles_from(spec_named(n), lat, lon) for n in names]
    assert true == sorted(true)
    for name, shown in zip(result_names(soup), distances, strict=True):
        assert shown == pytest.approx(miles_from(spec_named(name), lat, lon), abs=0.051)


def test_near_without_within_lists_everything_nearest_first(sign_in, directory):
    names, total = all_result_names(sign_in(directory.alice), near="Tregarth")
    assert set(names) == expected()
    lat, lon = centre_of("Tregarth")
    true = [miles_from(spec_named(n), lat, lon) for n in names]
    assert true == sorted(true)
    assert venue(spec_named(names[0]))["town"] == "Tregarth"


def test_near_a_district(sign_in, directory):
    # Every venue is in CF99, so everything is within 25 miles of it.
    names, _total = all_result_names(sign_in(directory.alice), near="cf99", within=25)
    assert set(names) == expected()


def test_unknown_place_is_an_error_beside_the_field(sign_in, directory):
    soup = search(sign_in(directory.alice), near="Atlantis", within=5)
    summary = soup.find(class_="govuk-error-summary")
    assert summary is not None
    assert "We could not find “Atlantis”" in summary.get_text()
    link = summary.find("a")
    assert link["href"] == "#id_near"
    group = soup.find(id="id_near").find_parent(class_="govuk-form-group")
    assert "govuk-form-group--error" in group["class"]
    assert "We could not find “Atlantis”" in group.get_text()
    assert results(soup) == []
    # No count beside an error: "0 found" would read as a real answer.
    assert soup.find(id="results-heading") is None


def test_place_typed_is_escaped_in_the_error(sign_in, directory):
    response = sign_in(directory.alice).get(search_url(), {"near": "<b>x</b>"})
    body = response.content.decode()
    assert "<b>x</b>" not in body
    assert "&lt;b&gt;x&lt;/b&gt;" in body


def test_within_without_near_is_an_error(sign_in, directory):
    soup = search(sign_in(directory.alice), within=5)
    summary = soup.find(class_="govuk-error-summary")
    assert "Enter a postcode, town or place to search within a distance." in (
        summary.get_text()
    )
    group = soup.find(id="id_near").find_parent(class_="govuk-form-group")
    assert "govuk-form-group--error" in group["class"]
    assert results(soup) == []


def test_unknown_choice_is_an_error(sign_in, directory):
    soup = search(sign_in(directory.alice), need="need:no-such-need")
    assert soup.find(class_="govuk-error-summary") is not None
    assert results(soup) == []


# When it meets -------------------------------------------------------------


def test_meets_today_on_a_tuesday_evening(sign_in, directory):
    now = datetime.datetime(2026, 11, 24, 18, 30, tzinfo=LONDON)
    with travel(2026, 11, 24, 18, 30):
        client = sign_in(directory.alice)
        names, total = all_result_names(client, when="today")
        soup = search(client, when="today")
    want = expected_today(now)
    assert set(names) == want
    assert total == len(want)
    assert "Alcoholics Anonymous: Aberafon Tuesday Night Group" in want
    assert "SMART Recovery: Aberafon Tuesday Meeting" in want  # on now
    # Finished for the day at 17:00.
    assert "Afon Valley Tenancy Support" not in want
    # The first Tuesday of November was the 3rd.
    assert "Alcoholics Anonymous: Glanafon Welsh-language meeting" not in want
    # Soonest first: what is on now before what starts later.
    assert names.index("SMART Recovery: Aberafon Tuesday Meeting") < names.index(
        "Alcoholics Anonymous: Aberafon Tuesday Night Group"
    )
    item = result_item(soup, "SMART Recovery: Aberafon Tuesday Meeting")
    assert "On now, until 19:30" in item.get_text()


def test_meets_today_on_the_first_tuesday(sign_in, directory):
    with travel(2026, 12, 1, 9, 0):
        client = sign_in(directory.alice)
        names, _total = all_result_names(client, when="today")
    assert "Alcoholics Anonymous: Glanafon Welsh-language meeting" in names
    assert set(names) == expected_today(
        datetime.datetime(2026, 12, 1, 9, tzinfo=LONDON)
    )


@pytest.mark.parametrize(
    ("moment", "today", "week"),
    [
        # The Friday before: Thursday 3 December is in the next 7 days.
        ((2026, 11, 27, 10, 0), False, True),
        # The first Thursday itself.
        ((2026, 12, 3, 10, 0), True, True),
        # The day after: the next is Thursday 7 January.
        ((2026, 12, 4, 10, 0), False, False),
        # Thursday 31 December, a week before the first Thursday of January.
        ((2026, 12, 31, 20, 0), False, True),
    ],
)
def test_first_thursday_group(sign_in, directory, moment, today, week):
    now = datetime.datetime(*moment, tzinfo=LONDON)
    with travel(*moment):
        client = sign_in(directory.alice)
        today_names, _ = all_result_names(client, when="today")
        week_names, _ = all_result_names(client, when="week")
    assert (FIRST_THURSDAY in today_names) is today
    assert (FIRST_THURSDAY in week_names) is week
    assert set(today_names) == expected_today(now)
    assert set(week_names) == expected_week(now)


@pytest.mark.parametrize(
    ("moment", "on"),
    [
        ((2026, 11, 23, 10, 0), True),  # 46 weeks after 5 January
        ((2026, 11, 30, 10, 0), False),
        ((2026, 12, 7, 10, 0), True),
    ],
)
def test_fortnightly_family_group(sign_in, directory, moment, on):
    with travel(*moment):
        client = sign_in(directory.alice)
        names, _ = all_result_names(client, when="today")
        soup = search(client, q="Families in Recovery")
    assert (FAMILIES in names) is on
    assert set(names) == expected_today(datetime.datetime(*moment, tzinfo=LONDON))
    item = result_item(soup, FAMILIES)
    day = datetime.date(*moment[:3])
    next_day = day if on else day + datetime.timedelta(days=7)
    assert f"{next_day:%A} {next_day.day} {next_day:%B}, 18:30 to 20:00" in (
        item.get_text()
    )


def test_meets_in_the_next_seven_days(sign_in, directory):
    now = datetime.datetime(2026, 11, 24, 18, 30, tzinfo=LONDON)
    with travel(2026, 11, 24, 18, 30):
        client = sign_in(directory.alice)
        names, total = all_result_names(client, when="week")
    want = expected_week(now)
    assert set(names) == want
    assert total == len(want)
    # The last-Thursday forum (26 November) and the monthly legal clinic
    # (second Wednesday: 9 December, outside the week).
    assert "Afon Valley Recovery Community Forum" in want
    assert "Afon Valley Advice Centre: Free Legal Clinic" not in want


def test_ended_meeting_is_never_shown(sign_in, directory):
    # A Sunday after it ended.
    with travel(2026, 11, 22, 10, 0):
        client = sign_in(directory.alice)
        today, _ = all_result_names(client, when="today")
        week, _ = all_result_names(client, when="week")
        everything, _ = all_result_names(client)
    assert TREGARTH_NA not in today + week + everything
    assert "Alcoholics Anonymous: Tregarth Sunday Book Study" in today
    # The Sunday before it ended, it was still listed (and, then, active:
    # the demo's HSDS status is today's, and inactive services are hidden).
    Service.objects.filter(name=TREGARTH_NA).update(status="active")
    with travel(2026, 6, 21, 10, 0):
        client = sign_in(directory.alice)
        before, _ = all_result_names(client, when="today")
    assert TREGARTH_NA in before
    assert set(before) == expected_today(
        datetime.datetime(2026, 6, 21, 10, tzinfo=LONDON)
    )


def test_when_and_near_together(sign_in, directory):
    now = datetime.datetime(2026, 11, 24, 18, 30, tzinfo=LONDON)
    with travel(2026, 11, 24, 18, 30):
        client = sign_in(directory.alice)
        names, _ = all_result_names(client, when="week", near="Pontafon", within=2)
    lat, lon = centre_of("Pontafon")
    want = expected_week(now) & expected(lambda s: miles_from(s, lat, lon) <= 2)
    assert set(names) == want
    assert want


# What a result shows --------------------------------------------------------


def test_result_shows_next_meeting_address_distance_cost_and_phone(sign_in, directory):
    name = "Alcoholics Anonymous: Aberafon Tuesday Night Group"
    spec = spec_named(name)
    where = venue(spec)
    with travel(2026, 11, 24, 12, 0):
        soup = search(sign_in(directory.alice), near="CF99 9AB", within=1)
    item = result_item(soup, name)
    text = item.get_text(" ", strip=True)
    assert "Tuesday 24 November, 19:00 to 20:30" in text
    assert where["name"] in text
    assert f"{where['street']}, {where['town']}, {where['postcode']}" in text
    assert "0.0 miles away" in text
    assert spec["cost"]["note"] in text
    phone = spec["phone"]
    link = item.find("a", href=f"tel:{phone.replace(' ', '')}")
    assert link is not None and link.get_text(strip=True) == phone
    assert "Peer-led" in text
    assert "Mutual-aid meeting" in text


def test_cost_is_not_said_twice(sign_in, directory):
    soup = search(sign_in(directory.alice), q="Tuesday Night")
    text = results(soup)[0].get_text(" ", strip=True)
    assert "Free. Free." not in text


def test_schedule_in_words_beside_the_next_meeting(sign_in, directory):
    with travel(2026, 11, 24, 12, 0):
        soup = search(sign_in(directory.alice), q="Tuesday Night")
    assert "Every Tuesday, 19:00 to 20:30." in results(soup)[0].get_text()


# Pages of results -----------------------------------------------------------


def test_twenty_a_page_and_the_last_page(sign_in, directory):
    client = sign_in(directory.alice)
    total = len(expected())
    pages = -(-total // 20)
    last = total - 20 * (pages - 1)
    assert (total, pages, last) == (42, 3, 2)  # the demo as it stands
    first = search(client)
    assert len(results(first)) == 20
    assert f"Page 1 of {pages}" in first.get_text()
    third = search(client, page=pages)
    assert len(results(third)) == last
    assert f"Page {pages} of {pages}" in third.get_text()
    assert third.find("a", attrs={"rel": "next"}) is None
    beyond = search(client, page=99)
    assert result_names(beyond) == result_names(third)
    assert f"Page {pages} of {pages}" in beyond.get_text()
    assert result_names(search(client, page="x")) == result_names(first)


def test_pagination_links_keep_the_filters(sign_in, directory):
    soup = search(sign_in(directory.alice), pathway="abstinence")
    link = soup.find("a", attrs={"rel": "next"})
    assert "pathway=abstinence" in link["href"]
    assert "page=2" in link["href"]


# A service's page -------------------------------------------------------------


def overdue_and_fresh():
    """Names of an entry load_demo_directory marks long unchecked (every 7th
    from index 3) and of a recently checked one."""
    return SPECS[3]["name"], SPECS[0]["name"]


def test_service_page_last_checked_with_name_for_staff_only(client, sign_in, public):
    overdue, fresh = overdue_and_fresh()
    Listing.objects.filter(service_id=demo.service_id_for(fresh)).update(
        last_checked_by=public.mia
    )
    checked = Listing.objects.get(service_id=demo.service_id_for(fresh)).last_checked_at
    date = timezone.localtime(checked)
    when = f"{date.day} {date:%B %Y}"

    anonymous = page_of(client.get(service_url(fresh))).get_text(" ", strip=True)
    assert f"Last checked on {when}." in anonymous
    assert "Mia Manager" not in anonymous
    # The checking reminder is for staff only.
    overdue_page = page_of(client.get(service_url(overdue))).get_text()
    assert "Last checked on" in overdue_page
    assert "due to be checked" not in overdue_page

    staff = page_of(sign_in(public.cara).get(service_url(fresh))).get_text(
        " ", strip=True
    )
    assert f"Last checked on {when} by Mia Manager." in staff


def test_service_page_warns_when_overdue(sign_in, directory):
    overdue, fresh = overdue_and_fresh()
    client = sign_in(directory.cara)
    warning = "This entry is due to be checked"
    assert warning in page_of(client.get(service_url(overdue))).get_text()
    assert warning not in page_of(client.get(service_url(fresh))).get_text()
    # Every seventh entry from index 3 is overdue; the others are not.
    for index in (10, 17):
        assert (
            warning in page_of(client.get(service_url(SPECS[index]["name"]))).get_text()
        )
    for index in (4, 11):
        assert (
            warning
            not in page_of(client.get(service_url(SPECS[index]["name"]))).get_text()
        )


def test_ended_service_shows_its_end_date(sign_in, directory):
    soup = page_of(sign_in(directory.cara).get(service_url(TREGARTH_NA)))
    assert "This service ended on 28 June 2026." in soup.get_text()
    assert soup.find("a", string=re.compile("Refer or signpost")) is None


def test_service_page_details(sign_in, directory):
    name = "Al-Anon: Pontafon First Thursday Group"
    with travel(2026, 11, 27, 10, 0):
        soup = page_of(sign_in(directory.cara).get(service_url(name)))
    text = soup.get_text(" ", strip=True)
    assert soup.find("h1").get_text(strip=True) == name
    assert "Thursday 3 December, 19:00 to 20:30" in text
    # Coming up: the first Thursdays in the next 62 days (at most four).
    coming = soup.find("h2", string="Coming up").find_next("ul")
    items = [li.get_text(" ", strip=True) for li in coming.find_all("li")]
    assert items == [
        "Thursday 3 December, 19:00 to 20:30",
        "Thursday 7 January, 19:00 to 20:30",
    ]
    assert "Pontafon Welfare Hall" in text


def test_service_page_buttons_for_navigator_and_keeper(sign_in, directory):
    alice = page_of(sign_in(directory.alice).get(service_url(PEER_MENTORING)))
    assert alice.find("a", string=re.compile("Refer or signpost")) is not None
    assert alice.find("a", string=re.compile("Edit entry")) is None
    assert "Riverside Recovery works with this service." in alice.get_text()
    mia = page_of(sign_in(directory.mia).get(service_url(PEER_MENTORING)))
    assert mia.find("a", string=re.compile("Edit entry")) is not None


def test_welsh_search_page(client, public):
    with translation.override("cy"):
        url = reverse("directory:search")
    assert url.startswith("/cy/")
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="cy"' in response.content.decode()


# Bounded queries ----------------------------------------------------------------


def build_area(size):
    """An area with `size` services, each with an organisation, a location
    (with coordinates, an address and access notes), a weekly schedule, a
    phone, a cost, a language, a listing and two tags; and a navigator."""
    area = Area.objects.create(name=f"Area of {size}")
    organisation = Organisation.objects.create(
        area=area,
        name=f"Organisation of {size}",
        kind=Organisation.Kind.TREATMENT_SERVICE,
    )
    user = make_user(f"nav{size}@bound.test", f"Navigator {size}")
    Membership.objects.create(
        user=user, role=Membership.Role.NAVIGATOR, organisation=organisation
    )
    ids = [f"a{size}-{i}" for i in range(size)]
    Organization.objects.bulk_create(
        [Organization(id=f"org-{i}", name=f"Provider {i}", description="") for i in ids]
    )
    Service.objects.bulk_create(
        [
            Service(
                id=f"svc-{i}",
                name=f"Service {i}",
                description="A walking group",
                status="active",
                organization_id=f"org-{i}",
            )
            for i in ids
        ]
    )
    Location.objects.bulk_create(
        [
            Location(
                id=f"loc-{i}",
                location_type="physical",
                name=f"Hall {i}",
                latitude=51.70 + n * 0.00005,
                longitude=-3.40,
            )
            for n, i in enumerate(ids)
        ]
    )
    Address.objects.bulk_create(
        [
            Address(
                id=f"adr-{i}",
                location_id=f"loc-{i}",
                address_1="1 High Street",
                city="Boundton",
                postal_code="CF98 1AA",
                state_province="Wales",
                country="GB",
                address_type="physical",
            )
            for i in ids
        ]
    )
    Accessibility.objects.bulk_create(
        [
            Accessibility(id=f"acc-{i}", location_id=f"loc-{i}", description="Level")
            for i in ids
        ]
    )
    ServiceAtLocation.objects.bulk_create(
        [
            ServiceAtLocation(
                id=f"sal-{i}", service_id=f"svc-{i}", location_id=f"loc-{i}"
            )
            for i in ids
        ]
    )
    Schedule.objects.bulk_create(
        [
            Schedule(
                id=f"sch-{i}",
                service_at_location_id=f"sal-{i}",
                freq="WEEKLY",
                interval=1,
                byday=DAY_CODES[n % 7],
                opens_at="19:00",
                closes_at="20:30",
                description="Weekly.",
            )
            for n, i in enumerate(ids)
        ]
    )
    Phone.objects.bulk_create(
        [Phone(id=f"ph-{i}", service_id=f"svc-{i}", number="01632 960000") for i in ids]
    )
    CostOption.objects.bulk_create(
        [
            CostOption(id=f"co-{i}", service_id=f"svc-{i}", amount=0, currency="GBP")
            for i in ids
        ]
    )
    Language.objects.bulk_create(
        [
            Language(id=f"lang-{i}", service_id=f"svc-{i}", code="en", name="English")
            for i in ids
        ]
    )
    Listing.objects.bulk_create(
        [
            Listing(
                service_id=f"svc-{i}",
                area=area,
                kind=Listing.Kind.PEER_LED,
                peer_led=True,
                last_checked_at=timezone.now(),
                last_checked_by=user,
            )
            for i in ids
        ]
    )
    listings = list(Listing.objects.filter(area=area).values_list("pk", flat=True))
    ListingTag.objects.bulk_create(
        [
            ListingTag(listing_id=pk, kind="need", value="peer-support")
            for pk in listings
        ]
        + [
            ListingTag(listing_id=pk, kind="domain", value="social-support")
            for pk in listings
        ]
    )
    Relationship.objects.create(organisation=organisation, listing_id=listings[0])
    return area, user, ids


BOUND_SEARCHES = [
    {},
    {"near": "51.70, -3.40", "within": 25},
    {"when": "week"},
    {"need": "need:peer-support"},
    {"q": "walking", "peer_led": "on", "accessible": "on", "language": "en"},
]


def count_queries(client, url, params):
    """Queries to answer one request from an already signed-in client."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("params", BOUND_SEARCHES)
def test_search_queries_do_not_grow_with_the_directory(
    sign_in, instruments, django_assert_max_num_queries, params
):
    small, small_user, _ = build_area(10)
    big, big_user, _ = build_area(1000)

    small_count, response = count_queries(sign_in(small_user), search_url(), params)
    soup = page_of(response)
    assert total_of(soup) == 10
    assert len(results(soup)) == 10
    assert small_count <= 30

    client = sign_in(big_user)
    with django_assert_max_num_queries(small_count):
        response = client.get(search_url(), params)
    soup = page_of(response)
    # Every service meets weekly and is within 25 miles, so all match.
    assert total_of(soup) == 1000
    assert len(results(soup)) == 20


def test_service_page_queries_do_not_grow_with_the_directory(
    sign_in, instruments, django_assert_max_num_queries
):
    small, small_user, small_ids = build_area(10)
    big, big_user, big_ids = build_area(1000)
    small_count, _ = count_queries(
        sign_in(small_user),
        reverse("directory:service", args=[f"svc-{small_ids[3]}"]),
        {},
    )
    assert small_count <= 30
    client = sign_in(big_user)
    with django_assert_max_num_queries(small_count):
        response = client.get(reverse("directory:service", args=[f"svc-{big_ids[3]}"]))
    assert response.status_code == 200


def test_near_without_a_limit_keeps_services_with_no_place_last(sign_in, directory):
    crisis_line = "Afon Valley Mental Health Crisis Line"
    ServiceAtLocation.objects.filter(
        service_id=demo.service_id_for(crisis_line)
    ).delete()
    client = sign_in(directory.alice)
    names, total = all_result_names(client, near="Pontafon")
    assert names[-1] == crisis_line
    assert total == len(expected())
    within, _ = all_result_names(client, near="Pontafon", within=25)
    assert crisis_line not in within


def test_inactive_and_defunct_services_are_hidden(sign_in, directory):
    name = "Afon Valley Volunteer Centre"
    client = sign_in(directory.alice)
    assert name in all_result_names(client)[0]
    for status in ("inactive", "defunct"):
        Service.objects.filter(name=name).update(status=status)
        assert name not in all_result_names(client)[0]


def test_words_match_the_town_and_postcode(sign_in, directory):
    client = sign_in(directory.alice)
    names, _ = all_result_names(client, q="Pontafon")
    assert set(names) >= {
        spec["name"]
        for spec in demo.SERVICES
        if demo.VENUES[spec["venue"]][2] == "Pontafon"
        and running(spec, datetime.date.today())
    }


def test_a_locations_own_opening_times_count(sign_in, directory):
    name = "Aberafon Food Bank"
    service_id = demo.service_id_for(name)
    Schedule.objects.filter(
        Q(service_id=service_id) | Q(service_at_location__service_id=service_id)
    ).delete()
    location_id = (
        ServiceAtLocation.objects.filter(service_id=service_id)
        .values_list("location_id", flat=True)
        .first()
    )
    Schedule.objects.create(
        id="venue-hours",
        location_id=location_id,
        freq="WEEKLY",
        byday="FR",
        opens_at="10:00",
        closes_at="12:00",
    )
    with travel(2026, 11, 27, 9, 0):  # a Friday
        client = sign_in(directory.alice)
        today, _ = all_result_names(client, when="today")
    assert name in today
