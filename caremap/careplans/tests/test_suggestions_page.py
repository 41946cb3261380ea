"""The goals a profile suggests, as a navigator sees them: in the agreed
order, with the person's words and local help, for the right people only."""

import random

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation

from caremap.assessments import actions as assessment_actions
from caremap.assessments.samples import complete_assessment, plausible_answers
from caremap.directory.actions import load_demo_directory
from caremap.directory.samples import bulk_services
from caremap.organisations.models import Area, Membership, Organisation
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import make_person, make_user

PEER_MENTORING = "Afon Valley Peer Mentoring"


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
