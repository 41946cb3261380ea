"""Properties every page shares: it opens in English and Welsh, links to
itself in the other language, and has a title and one main heading."""

import datetime
import random

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation


def manager_pages(world):
    person = world.alices_person.pk
    organisation = world.riverside.pk
    membership = world.alice.memberships.get().pk
    team = world.north_team.pk
    return [
        ("home", []),
        ("people:person-list", []),
        ("people:person-create", []),
        ("people:person-detail", [person]),
        ("people:person-edit", [person]),
        ("people:person-status", [person]),
        ("people:person-navigator", [person]),
        ("people:person-audit", [person]),
        ("people:person-stance", [person]),
        ("episodes:person-episodes", [person]),
        ("episodes:create", [person]),
        ("engagement:person-contacts", [person]),
        ("engagement:contact-create", [person]),
        ("engagement:person-groups", [person]),
        ("engagement:group-add", [person]),
        ("engagement:alerts", []),
        ("engagement:register-choose", []),
        ("engagement:settings", [organisation]),
        ("organisations:organisation-detail", [organisation]),
        ("organisations:organisation-audit", [organisation]),
        ("careplans:plan-settings", [organisation]),
        ("reports:organisation", [organisation]),
        ("selfaudits:list", [organisation]),
        ("selfaudits:start", [organisation]),
        ("selfaudits:compare", [organisation]),
        ("planaudits:overview", [organisation]),
        ("planaudits:draw", [organisation]),
        ("organisations:team-create", [organisation]),
        ("organisations:team-edit", [organisation, team]),
        ("organisations:member-create", [organisation]),
        ("organisations:member-edit", [organisation, membership]),
        ("organisations:member-remove", [organisation, membership]),
        ("privacy-notice", []),
        ("accessibility-statement", []),
    ]


PUBLIC_PAGES = [
    "accounts:sign-in",
    "accounts:password-reset",
    "accounts:password-reset-sent",
    "accounts:password-reset-complete",
    "privacy-notice",
    "accessibility-statement",
]


def url_in(language, name, args):
    with translation.override(language):
        return reverse(name, args=args)


def check_page(client, name, args, language):
    url = url_in(language, name, args)
    other = "cy" if language == "en" else "en"
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == language
    assert soup.title.string.strip(), f"{url} has no title"
    assert len(soup.find_all("h1")) == 1, f"{url} should have exactly one h1"
    alternate = soup.find("a", attrs={"hreflang": other})
    assert alternate is not None and alternate["href"] == url_in(other, name, args)
    assert soup.find(id="main-content") is not None


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_manager_page_works_in_both_languages(world, sign_in, language):
    client = sign_in(world.mia)
    for name, args in manager_pages(world):
        check_page(client, name, args, language)


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_open_without_signing_in(client, db, name, language):
    check_page(client, name, [], language)


def assessment_pages(world, instruments):
    from caremap.assessments import actions
    from caremap.assessments.samples import complete_assessment, plausible_answers

    version = instruments["recovery-capital-profile"]
    person = world.alices_person
    when = timezone.now() - datetime.timedelta(days=100)
    for step in range(2):
        answers = plausible_answers(version.instrument, random.Random(step), step)
        done = complete_assessment(
            person,
            version,
            answers,
            by=world.alice,
            when=when + datetime.timedelta(days=91 * step),
        )
    draft, _created = actions.start_assessment(person, version, by=world.alice)
    section = version.instrument.sections[0].id
    return [
        ("assessments:person-assessments", [person.pk]),
        ("assessments:start-assessment", [person.pk]),
        ("assessments:link-issue", [person.pk]),
        ("assessments:assessment", [draft.pk]),
        ("assessments:section", [draft.pk, section]),
        ("assessments:check", [draft.pk]),
        ("assessments:profile", [done.pk]),
    ]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_assessment_page_works_in_both_languages(
    world, instruments, sign_in, language
):
    client = sign_in(world.alice)
    for name, args in assessment_pages(world, instruments):
        check_page(client, name, args, language)


def test_public_pages_also_open_when_signed_in(world, sign_in):
    client = sign_in(world.cara)
    for name in ["privacy-notice", "accessibility-statement"]:
        assert client.get(reverse(name)).status_code == 200


def test_the_footer_links_to_the_privacy_notice_and_accessibility_statement(client, db):
    html = client.get(reverse("accounts:sign-in")).content.decode()
    assert f'href="{reverse("privacy-notice")}"' in html
    assert f'href="{reverse("accessibility-statement")}"' in html


def test_a_missing_page_is_styled_and_says_404(world, sign_in):
    client = sign_in(world.alice)
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "govuk-template" in response.content.decode()


def test_a_refusal_is_styled_and_says_why(world, sign_in):
    client = sign_in(world.cara)
    response = client.get(reverse("people:person-list"))
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


def directory_pages(world, instruments):
    from caremap.directory import demo
    from caremap.directory.actions import load_demo_directory
    from caremap.directory.models import Editor
    from caremap.referrals import actions as referral_actions
    from caremap.referrals.models import Referral

    load_demo_directory(world.area)
    service = demo.service_id_for("Afon Valley Peer Mentoring")
    editor = Editor.objects.create(
        area=world.area, user=world.nora, appointed_by=world.cara
    )
    referral = referral_actions.create_referral(
        Referral(
            person=world.alices_person,
            service_id=service,
            kind=Referral.Kind.SIGNPOST,
            reason="Wants to meet others in recovery",
            person_agreed=True,
            consent_method=Referral.Consent.IN_PERSON,
        ),
        by=world.alice,
    )
    person = world.alices_person.pk
    return {
        world.mia: [
            ("directory:search", []),
            ("directory:service", [service]),
            ("directory:service-add", []),
            ("directory:service-edit", [service]),
            ("directory:review", []),
            ("directory:community", []),
        ],
        world.cara: [
            ("directory:settings", []),
            ("directory:token-create", []),
            ("directory:editors", []),
            ("directory:editor-remove", [editor.pk]),
        ],
        world.alice: [
            ("referrals:person-referrals", [person]),
            ("referrals:create", [person]),
            ("referrals:choose-person", [service]),
            ("referrals:awaiting", []),
            ("referrals:detail", [referral.pk]),
            ("referrals:update", [referral.pk]),
            ("referrals:rate", [referral.pk]),
        ],
    }


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_directory_and_referral_page_works_in_both_languages(
    world, instruments, sign_in, language
):
    for user, pages in directory_pages(world, instruments).items():
        client = sign_in(user)
        for name, args in pages:
            check_page(client, name, args, language)
