"""The goals a profile suggests, as a navigator sees them: in the agreed
order, with the person's words and local help, for the right people only."""

import datetime
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation

from caremap.assessments import actions as assessment_actions
from caremap.assessments.samples import complete_assessment, plausible_answers
from caremap.careplans.suggestions import RESOURCES_PER_SUGGESTION
from caremap.directory.actions import load_demo_directory, load_places
from caremap.directory.models import (
    Listing,
    ListingTag,
    Location,
    Organization,
    Relationship,
    Schedule,
    Service,
    ServiceAtLocation,
)
from caremap.directory.samples import bulk_services
from caremap.organisations.models import Area, Membership, Organisation
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import make_person, make_user

PEER_MENTORING = "Afon Valley Peer Mentoring"
PEER_SUPPORT_GOAL = "Connect with people who understand recovery"
LONDON = ZoneInfo("Europe/London")
# Where the person lives in the tests where distance counts.
HOME = (51.70, -3.40)
# About a kilometre, going north.
KM_OF_LATITUDE = 1 / 111.2


def answers_with_needs(instrument):
    answers = plausible_answers(instrument, random.Random(7), 0)
    answers["barrier-housing"] = True
    answers["peer-support-wanted"] = True
    answers["peer-support-now"] = False
    return answers


@pytest.fixture
def assessed(world, instruments):
    load_demo_directory(world.area, relationships=[(world.riverside, PEER_MENTORING)])
    version = instruments["recovery-capital-profile"]
    world.assessment = complete_assessment(
        world.alices_person,
        version,
        answers_with_needs(version.instrument),
        by=world.alice,
        when=timezone.now(),
    )
    return world


def url(assessment):
    return reverse("careplans:suggestions", args=[assessment.pk])


def page(client, assessment):
    response = client.get(url(assessment))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def cards(soup):
    return soup.select(".govuk-summary-card")


def card_titled(soup, words):
    for card in cards(soup):
        if words in card.select_one(".govuk-summary-card__title").get_text():
            return card
    raise AssertionError(f"no suggestion titled {words!r}")


def test_groups_come_in_order_barriers_needs_strengths(assessed, sign_in):
    soup = page(sign_in(assessed.alice), assessed.assessment)
    headings = [h.get_text(strip=True) for h in soup.select("main h2")]
    assert headings[:3] == [
        "Deal with first: what is getting in the way",
        "Help you would like",
        "Build on what is there",
    ]
    assert len(cards(soup)) >= 3


def test_a_barrier_quotes_the_person(assessed, sign_in):
    soup = page(sign_in(assessed.alice), assessed.assessment)
    card = card_titled(soup, "A safe and settled place to live")
    barrier_heading = soup.find("h2", string="Help you would like")
    # In the first group, above the help the person asked for.
    assert card in barrier_heading.find_all_previous(class_="govuk-summary-card")
    assert "You said: “I have problems with my housing.”" in card.get_text()
    assert card.select("a[href*='/directory/services/']")


def test_a_need_lists_the_service_we_work_with_first(assessed, sign_in):
    soup = page(sign_in(assessed.alice), assessed.assessment)
    card = card_titled(soup, "Connect with people who understand recovery")
    assert "You would like: Peer and mutual-aid recovery support" in card.get_text()
    links = card.select("a[href*='/directory/services/']")
    assert links[0].get_text(strip=True) == PEER_MENTORING
    assert "We work with them" in links[0].find_parent("li").get_text()


def test_viewing_is_audited(assessed, sign_in):
    page(sign_in(assessed.alice), assessed.assessment)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW,
        person=assessed.alices_person,
        summary="Opened the suggested goals",
    ).exists()


def test_others_are_refused(assessed, sign_in, client):
    assessment = assessed.assessment
    assert sign_in(assessed.oscar).get(url(assessment)).status_code == 404
    assert sign_in(assessed.cara).get(url(assessment)).status_code == 403
    client.logout()
    response = client.get(url(assessment))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_a_draft_has_no_suggestions(assessed, sign_in, instruments):
    draft, _ = assessment_actions.start_assessment(
        assessed.bobs_person, instruments["recovery-capital-profile"], by=assessed.bob
    )
    assert sign_in(assessed.bob).get(url(draft)).status_code == 404


def test_the_profile_links_here(assessed, sign_in):
    response = sign_in(assessed.alice).get(
        reverse("assessments:profile", args=[assessed.assessment.pk])
    )
    assert url(assessed.assessment) in response.content.decode()


def test_welsh_page(assessed, sign_in):
    client = sign_in(assessed.alice)
    with translation.override("cy"):
        address = url(assessed.assessment)
    response = client.get(address)
    assert response.status_code == 200
    assert '<html lang="cy"' in response.content.decode()


def test_queries_do_not_grow_with_the_directory(
    world, instruments, sign_in, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    version = instruments["recovery-capital-profile"]
    counts = []
    for size in (10, 1000):
        area = Area.objects.create(name=f"Area {size}")
        organisation = Organisation.objects.create(
            area=area, name=f"Org {size}", kind=Organisation.Kind.TREATMENT_SERVICE
        )
        navigator = make_user(f"nav{size}@size.test", f"Navigator {size}")
        Membership.objects.create(
            user=navigator, role=Membership.Role.NAVIGATOR, organisation=organisation
        )
        person = make_person(
            organisation,
            reference=f"S-{size}",
            navigator=navigator,
            postcode="CF99 9AB",
        )
        bulk_services(area, size, prefix=f"s{size}")
        assessment = complete_assessment(
            person,
            version,
            answers_with_needs(version.instrument),
            by=navigator,
            when=timezone.now(),
        )
        client = sign_in(navigator)
        with CaptureQueriesContext(connection) as queries:
            soup = page(client, assessment)
        counts.append(len(queries))
        assert soup.select("a[href*='/directory/services/']")
    small, big = counts
    assert big <= small, counts
    with django_assert_max_num_queries(small):
        client.get(url(assessment))


# Which local help is chosen, and in what order ------------------------------
#
# Each test builds its own small directory in which every service offers
# peer support (so all are candidates for the same suggestion), with more
# candidates than a suggestion shows, and names chosen so that sorting by
# name alone would give a different answer.


def peer_support_service(area, name, *, meets=None, km_north=None):
    """A listed service offering peer support; `meets` is (freq, byday,
    opens_at, closes_at) and `km_north` puts its venue that far north of
    HOME (no venue coordinates when None)."""
    key = name.lower().replace(" ", "-")
    organization = Organization.objects.create(
        id=f"org-{key}", name=f"{name} Trust", description="-"
    )
    service = Service.objects.create(
        id=f"service-{key}",
        name=name,
        description="Peer support.",
        status="active",
        organization=organization,
    )
    latitude = longitude = None
    if km_north is not None:
        latitude, longitude = HOME[0] + km_north * KM_OF_LATITUDE, HOME[1]
    location = Location.objects.create(
        id=f"location-{key}",
        location_type="physical",
        name=f"{name} venue",
        latitude=latitude,
        longitude=longitude,
    )
    at_location = ServiceAtLocation.objects.create(
        id=f"sal-{key}", service=service, location=location
    )
    if meets:
        freq, byday, opens_at, closes_at = meets
        Schedule.objects.create(
            id=f"schedule-{key}",
            service_at_location=at_location,
            freq=freq,
            byday=byday,
            opens_at=opens_at,
            closes_at=closes_at,
        )
    listing = Listing.objects.create(service=service, area=area, kind="other")
    ListingTag.objects.create(
        listing=listing, kind=ListingTag.Kind.NEED, value="peer-support"
    )
    return listing


def help_shown(client, assessment, when):
    """(name, the rest of its line) for each service the peer-support
    suggestion lists, as the page shows them at `when` (London time)."""
    with time_machine.travel(datetime.datetime(*when, tzinfo=LONDON), tick=False):
        soup = page(client, assessment)
    card = card_titled(soup, PEER_SUPPORT_GOAL)
    return [
        (
            link.get_text(strip=True),
            " ".join(link.find_parent("li").get_text(" ", strip=True).split()),
        )
        for link in card.select("a[href*='/directory/services/']")
    ]


@pytest.fixture
def own_directory(world, instruments):
    """Alice's person assessed, in an area whose directory the test fills."""
    version = instruments["recovery-capital-profile"]
    world.assessment = complete_assessment(
        world.alices_person,
        version,
        answers_with_needs(version.instrument),
        by=world.alice,
        when=timezone.now(),
    )
    return world


def test_without_a_postcode_the_soonest_to_meet_come_first(own_directory, sign_in):
    area = own_directory.area
    # Monday 23 November 2026, 09:00.
    now = (2026, 11, 23, 9, 0)
    peer_support_service(area, "Alder Group", meets=("WEEKLY", "SA", "10:00", ""))
    peer_support_service(area, "Birch Group", meets=("WEEKLY", "TU", "19:30", "21:00"))
    peer_support_service(area, "Cedar Group", meets=("WEEKLY", "MO", "18:00", "19:00"))
    # Finished at 08:30 today, so next Monday.
    peer_support_service(area, "Anchor Group", meets=("WEEKLY", "MO", "07:30", "08:30"))
    peer_support_service(area, "Damson Group", meets=("MONTHLY", "1TH", "12:00", ""))
    peer_support_service(area, "Able Helpline")  # no times given
    # Both meet on Wednesday at noon, so the name decides.
    peer_support_service(area, "Fir Group", meets=("WEEKLY", "WE", "12:00", "13:00"))
    peer_support_service(area, "Aspen Group", meets=("WEEKLY", "WE", "12:00", "13:00"))
    assert Listing.objects.filter(area=area).count() > RESOURCES_PER_SUGGESTION

    shown = help_shown(sign_in(own_directory.alice), own_directory.assessment, now)

    assert shown == [
        ("Cedar Group", "Cedar Group Next: Monday 23 November, 18:00 to 19:00"),
        ("Birch Group", "Birch Group Next: Tuesday 24 November, 19:30 to 21:00"),
        ("Aspen Group", "Aspen Group Next: Wednesday 25 November, 12:00 to 13:00"),
    ]


def test_later_in_the_week_the_order_follows_the_meetings(own_directory, sign_in):
    area = own_directory.area
    peer_support_service(area, "Alder Group", meets=("WEEKLY", "SA", "10:00", ""))
    peer_support_service(area, "Birch Group", meets=("WEEKLY", "TU", "19:30", "21:00"))
    peer_support_service(area, "Cedar Group", meets=("WEEKLY", "MO", "18:00", "19:00"))
    peer_support_service(area, "Damson Group", meets=("MONTHLY", "1TH", "12:00", ""))
    peer_support_service(area, "Able Helpline")
    # Wednesday 25 November 2026, 14:00.
    shown = help_shown(
        sign_in(own_directory.alice), own_directory.assessment, (2026, 11, 25, 14, 0)
    )
    assert [name for name, _line in shown] == [
        "Alder Group",  # Saturday 28 November
        "Cedar Group",  # Monday 30 November
        "Birch Group",  # Tuesday 1 December; Damson's is Thursday 3 December
    ]


def test_with_a_postcode_the_nearest_come_first(own_directory, sign_in):
    area = own_directory.area
    load_places(
        [{"name": "CF99 9AB", "latitude": HOME[0], "longitude": HOME[1]}],
        source="test",
    )
    own_directory.alices_person.postcode = "CF99 9AB"
    own_directory.alices_person.save()
    # Monday 23 November 2026, 09:00.
    now = (2026, 11, 23, 9, 0)
    far = peer_support_service(
        area, "Zinnia Group", meets=("WEEKLY", "FR", "10:00", ""), km_north=12
    )
    Relationship.objects.create(listing=far, organisation=own_directory.riverside)
    peer_support_service(
        area, "Yarrow Group", meets=("WEEKLY", "SA", "10:00", ""), km_north=1
    )
    # The same distance away: the sooner meeting wins, not the name.
    peer_support_service(
        area, "Willow Group", meets=("WEEKLY", "MO", "18:00", ""), km_north=2
    )
    peer_support_service(
        area, "Violet Group", meets=("WEEKLY", "TU", "18:00", ""), km_north=2
    )
    peer_support_service(
        area, "Ash Group", meets=("WEEKLY", "MO", "10:00", ""), km_north=3
    )
    # No place to measure from: after every service that has one, however
    # soon it meets.
    peer_support_service(
        area, "Able Helpline", meets=("WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "09:30", "")
    )

    shown = help_shown(sign_in(own_directory.alice), own_directory.assessment, now)

    assert shown == [
        (
            "Zinnia Group",
            "Zinnia Group We work with them "
            "Next: Friday 27 November at 10:00 7.5 miles away",
        ),
        (
            "Yarrow Group",
            "Yarrow Group Next: Saturday 28 November at 10:00 0.6 miles away",
        ),
        (
            "Willow Group",
            "Willow Group Next: Monday 23 November at 18:00 1.2 miles away",
        ),
    ]
