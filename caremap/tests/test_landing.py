"""What each role sees on the home page, and who may use Django admin."""

import datetime
import random
import re
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from caremap.assessments import actions
from caremap.assessments.samples import complete_assessment, plausible_answers
from caremap.organisations.models import Area, Organisation
from caremap.people.models import Person
from caremap.testing.personas import make_person


def home_html(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def summary_values(html):
    """The manager's figures: {label: value} from the summary list."""
    soup = BeautifulSoup(html, "html.parser")
    return {
        row.select_one(".govuk-summary-list__key").get_text(strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(strip=True)
        for row in soup.select(".govuk-summary-list__row")
    }


def area_rows(html):
    """The commissioner's table: {organisation: people supported now}."""
    soup = BeautifulSoup(html, "html.parser")
    rows = {}
    for row in soup.select("tbody tr"):
        cells = [cell.get_text(strip=True) for cell in row.select("td")]
        rows[cells[0]] = cells[-1]
    return rows


def every_name():
    people = Person.objects.all()
    return {
        name
        for person in people
        for name in (person.given_name, person.family_name, person.reference)
    }


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == reverse(settings.LOGIN_URL)
    assert f"next={reverse('home')}" in response["Location"]


# Navigators


def test_a_navigator_sees_their_caseload(world, sign_in):
    html = home_html(sign_in(world.alice))
    assert "Your caseload" in html
    assert "Sam Jones" in html
    assert "You are supporting 1 person." in html
    assert reverse("people:person-detail", args=[world.alices_person.pk]) in html


def test_a_navigators_caseload_holds_only_their_own_active_people(world, sign_in):
    closed = make_person(
        world.riverside,
        reference="R-010",
        given_name="Cai",
        family_name="Closed",
        navigator=world.alice,
        status="closed",
        closure_reason="goals_met",
    )
    html = home_html(sign_in(world.alice))
    assert "Jo Evans" not in html  # a teammate's, found through the list instead
    assert "Cai Closed" not in html
    assert closed.reference not in html
    assert "You are supporting 1 person." in html


def test_a_navigator_has_no_organisation_or_area_figures(world, sign_in):
    html = home_html(sign_in(world.alice))
    assert "Waiting for a navigator" not in html
    assert "Organisations in the area" not in html
    assert reverse("admin:index") not in html


# Managers


def test_a_manager_sees_their_organisations_figures(world, sign_in):
    make_person(
        world.riverside,
        reference="R-010",
        given_name="Cai",
        family_name="Closed",
        navigator=world.bob,
        status="closed",
        closure_reason="goals_met",
    )
    html = home_html(sign_in(world.mia))
    assert "Riverside Recovery" in html
    assert "Your caseload" not in html
    assert summary_values(html) == {
        "People supported now": "4",
        "Waiting for a navigator": "1",
        "Support closed": "1",
    }
    # Active caseloads per navigator.
    assert area_rows(html) == {
        "Alice Navigator": "1",
        "Bob Navigator": "1",
        "Carol Navigator": "1",
    }
    assert (
        reverse("organisations:organisation-detail", args=[world.riverside.pk]) in html
    )
    assert (
        reverse("organisations:organisation-audit", args=[world.riverside.pk]) in html
    )


def test_a_manager_does_not_see_another_organisations_figures(world, sign_in):
    html = home_html(sign_in(world.hugo))
    assert "Hillside Peer Project" in html
    assert "Riverside Recovery" not in html
    assert summary_values(html)["People supported now"] == "1"


# Commissioners


def test_a_commissioner_sees_the_area_without_any_names(world, sign_in):
    html = home_html(sign_in(world.cara))
    assert "North Valley" in html
    assert "Organisations in the area" in html
    for name in every_name():
        assert not re.search(rf"\b{re.escape(name)}\b", html), (
            f"{name!r} is on the commissioner's page"
        )
    for navigator in ["Alice", "Bob", "Carol", "Oscar"]:
        assert navigator not in html


def test_a_commissioner_sees_counts_from_one_to_four_hidden(world, sign_in):
    # Riverside supports 4 people now and Hillside 1.
    rows = area_rows(home_html(sign_in(world.cara)))
    assert rows == {
        "Hillside Peer Project": "[c]",
        "Riverside Recovery": "[c]",
    }


def test_a_commissioner_sees_counts_of_five_or_more_and_zero(world, sign_in):
    make_person(
        world.riverside, reference="R-010", given_name="Fifth", family_name="Person"
    )
    Organisation.objects.create(
        area=world.area, name="Empty House", kind=Organisation.Kind.RECOVERY_RESIDENCE
    )
    rows = area_rows(home_html(sign_in(world.cara)))
    # Hillside's 1 is hidden; so is Riverside's 5, or the area's total (which
    # the outcomes show) would give Hillside's away by subtraction.
    assert rows == {
        "Empty House": "0",
        "Hillside Peer Project": "[c]",
        "Riverside Recovery": "[c]",
    }


def test_a_commissioner_does_not_count_closed_support(world, sign_in):
    for person in [world.alices_person, world.bobs_person]:
        person.status = "closed"
        person.closure_reason = "moved_on"
        person.save()
    for n in range(5):
        make_person(world.hillside, reference=f"H-1{n}", given_name=f"Hill{n}")
        make_person(world.riverside, reference=f"R-1{n}", given_name=f"River{n}")
    rows = area_rows(home_html(sign_in(world.cara)))
    # Riverside: 4 active, 2 closed, 5 added; Hillside: 1 and 5 added.
    assert rows["Riverside Recovery"] == "7"
    assert rows["Hillside Peer Project"] == "6"


def test_a_commissioner_sees_only_their_own_area(world, sign_in):
    elsewhere = Area.objects.create(name="South Coast")
    Organisation.objects.create(
        area=elsewhere, name="Seaside Service", kind=Organisation.Kind.OTHER
    )
    html = home_html(sign_in(world.cara))
    assert "South Coast" not in html
    assert "Seaside Service" not in html


# Administrators and users with no role


def test_an_administrator_sees_the_administration_link(world, sign_in):
    html = home_html(sign_in(world.ada))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(
        "a", href=reverse("admin:index"), string=re.compile("Open administration")
    )
    assert "Your caseload" not in html
    assert "Sam Jones" not in html


def test_a_user_with_no_role_is_told_so(world, sign_in):
    html = home_html(sign_in(world.nora))
    assert "Your account does not have a role yet" in html
    assert reverse("people:person-list") not in html
    assert reverse("admin:index") not in html


@pytest.mark.parametrize("persona", ["alice", "mia", "cara", "ada"])
def test_users_with_a_role_are_not_told_they_have_none(world, sign_in, persona):
    assert "Your account does not have a role yet" not in home_html(
        sign_in(getattr(world, persona))
    )


# Django admin


def test_an_administrator_can_open_admin_and_the_users_list(world, sign_in):
    client = sign_in(world.ada)
    assert client.get(reverse("admin:index")).status_code == 200
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "alice@riverside.test" in html
    assert "nora@nowhere.test" in html


def test_admin_offers_no_person_level_data(world, sign_in):
    html = sign_in(world.ada).get(reverse("admin:index")).content.decode()
    assert "/admin/people/" not in html
    assert "/admin/privacy/" not in html


@pytest.mark.parametrize("persona", ["alice", "mia", "cara", "nora"])
def test_users_who_are_not_administrators_are_sent_to_the_admin_sign_in(
    world, sign_in, persona
):
    client = sign_in(getattr(world, persona))
    for url in [reverse("admin:index"), reverse("admin:accounts_user_changelist")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert urlparse(response["Location"]).path == reverse("admin:login")


def test_a_switched_off_administrator_cannot_open_admin(world, client):
    world.ada.is_active = False
    world.ada.save()
    client.force_login(world.ada, backend="caremap.accounts.backends.PasswordBackend")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_a_navigator_sees_when_each_person_was_last_assessed(
    world, instruments, sign_in
):
    version = instruments["recovery-capital-profile"]
    answers = plausible_answers(version.instrument, random.Random(3), 0.5)
    when = timezone.make_aware(datetime.datetime(2026, 9, 14, 11, 0))
    complete_assessment(
        world.alices_person, version, answers, by=world.alice, when=when
    )
    alices_other = make_person(
        world.riverside,
        reference="R-010",
        given_name="Dee",
        family_name="Ward",
        navigator=world.alice,
    )
    actions.start_assessment(alices_other, version, by=world.alice)

    html = sign_in(world.alice).get(reverse("home")).content.decode()

    assert "14 Sep 2026" in html
    assert html.count("None yet") == 1
    assert "assessment for Dee Ward" in html
    assert "assessment for Sam Jones" not in html


def directory_section(html):
    soup = BeautifulSoup(html, "html.parser")
    heading = soup.find("h2", string=re.compile("Community directory"))
    return heading.find_parent("section") if heading else None


@pytest.fixture
def directory(world, instruments):
    from caremap.directory import demo
    from caremap.directory.actions import load_demo_directory

    load_demo_directory(world.area)
    today = timezone.localdate()
    world.running = sum(
        1
        for spec in demo.SERVICES
        if (spec["started_on"] is None or spec["started_on"] <= today)
        and (spec["ended_on"] is None or spec["ended_on"] > today)
    )
    # The demo checks every seventh entry, from the fourth, long ago.
    world.due = len(range(3, len(demo.SERVICES), 7))
    return world


def test_a_manager_sees_how_much_of_the_directory_needs_checking(directory, sign_in):
    section = directory_section(home_html(sign_in(directory.mia)))
    text = section.get_text(" ", strip=True)
    assert f"{directory.running} services are listed and running." in text
    assert f"{directory.due} entries are due to be checked." in text
    links = {a.get_text(strip=True): a["href"] for a in section.find_all("a")}
    assert links == {
        "Entries due for review": reverse("directory:review"),
        "Recovery community": reverse("directory:community"),
    }


def test_a_commissioner_sees_the_recovery_community_link_only(directory, sign_in):
    section = directory_section(home_html(sign_in(directory.cara)))
    links = [a.get_text(strip=True) for a in section.find_all("a")]
    assert links == ["Recovery community"]


def test_an_editor_sees_the_review_link(directory, sign_in):
    from caremap.directory.models import Editor

    Editor.objects.create(
        area=directory.area, user=directory.nora, appointed_by=directory.cara
    )
    section = directory_section(home_html(sign_in(directory.nora)))
    links = [a.get_text(strip=True) for a in section.find_all("a")]
    assert links == ["Entries due for review"]


def test_a_navigator_has_no_directory_section(directory, sign_in):
    assert directory_section(home_html(sign_in(directory.alice))) is None


def test_a_fully_checked_directory_says_so(directory, sign_in):
    from caremap.directory.models import Listing

    Listing.objects.update(last_checked_at=timezone.now())
    section = directory_section(home_html(sign_in(directory.mia)))
    assert "Every entry has been checked recently." in section.get_text()
