"""Who may open which page about a person.

Navigators see their own caseload and their team's; managers see everyone in
their organisation; staff of another organisation get 404 (the answer must not
reveal that the person exists); commissioners, administrators and people with
no role get 403; anonymous visitors are sent to sign in.
"""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import reverse

from caremap.testing.personas import make_person

PERSON_VIEWS = [
    "people:person-detail",
    "people:person-edit",
    "people:person-status",
    "people:person-navigator",
    "people:person-audit",
]
# Pages about a person that a navigator who can see the person may open.
NAVIGATOR_VIEWS = ["people:person-detail", "people:person-edit", "people:person-status"]
MANAGER_ONLY_VIEWS = ["people:person-navigator", "people:person-audit"]
NO_PERSON_ROLE = ["cara", "ada", "nora"]


def person_url(view, person):
    return reverse(view, args=[person.pk])


def assert_redirects_to_sign_in(response, url):
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.path == reverse(settings.LOGIN_URL)
    assert f"next={url}" in response["Location"]


def names_in(response):
    return response.content.decode()


# The people list and the add-a-person page


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "mia", "oscar", "hugo"])
def test_it_shows_the_people_list_to_staff_who_work_with_people(
    world, sign_in, persona
):
    response = sign_in(getattr(world, persona)).get(reverse("people:person-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", NO_PERSON_ROLE)
def test_it_refuses_the_people_list_to_users_without_a_person_level_role(
    world, sign_in, persona
):
    response = sign_in(getattr(world, persona)).get(reverse("people:person-list"))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["alice", "mia", "oscar"])
def test_it_shows_the_add_a_person_page_to_navigators_and_managers(
    world, sign_in, persona
):
    response = sign_in(getattr(world, persona)).get(reverse("people:person-create"))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", NO_PERSON_ROLE)
def test_it_refuses_the_add_a_person_page_to_users_without_a_person_level_role(
    world, sign_in, persona
):
    client = sign_in(getattr(world, persona))
    assert client.get(reverse("people:person-create")).status_code == 403
    response = client.post(
        reverse("people:person-create"),
        {"given_name": "Nia", "family_name": "Owen", "reference": "X-1"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("view", ["people:person-list", "people:person-create"])
def test_it_sends_anonymous_visitors_to_sign_in_from_the_list_and_add_pages(
    world, client, view
):
    url = reverse(view)
    assert_redirects_to_sign_in(client.get(url), url)


def test_the_list_shows_a_navigator_their_caseload_and_their_teams_only(world, sign_in):
    html = names_in(sign_in(world.alice).get(reverse("people:person-list")))
    assert "Sam Jones" in html  # her own
    assert "Jo Evans" in html  # Bob's, same team
    assert "Rhys Price" not in html  # Carol's, another team
    assert "Lee Morgan" not in html  # nobody's
    assert "Ann Hughes" not in html  # another organisation


def test_the_list_shows_a_navigator_in_another_team_only_their_own_caseload(
    world, sign_in
):
    html = names_in(sign_in(world.carol).get(reverse("people:person-list")))
    assert "Rhys Price" in html
    for name in ["Sam Jones", "Jo Evans", "Lee Morgan", "Ann Hughes"]:
        assert name not in html


def test_the_list_shows_a_manager_everyone_in_their_organisation(world, sign_in):
    html = names_in(sign_in(world.mia).get(reverse("people:person-list")))
    for name in ["Sam Jones", "Jo Evans", "Rhys Price", "Lee Morgan"]:
        assert name in html
    assert "Ann Hughes" not in html


def test_the_list_shows_a_navigator_elsewhere_none_of_riversides_people(world, sign_in):
    html = names_in(sign_in(world.oscar).get(reverse("people:person-list")))
    assert "Ann Hughes" in html
    for name in ["Sam Jones", "Jo Evans", "Rhys Price", "Lee Morgan"]:
        assert name not in html


def test_the_list_shows_another_organisations_manager_none_of_riversides_people(
    world, sign_in
):
    html = names_in(sign_in(world.hugo).get(reverse("people:person-list")))
    assert "Ann Hughes" in html
    for name in ["Sam Jones", "Jo Evans", "Rhys Price", "Lee Morgan"]:
        assert name not in html


# Searching and paging


def test_searching_by_family_name_finds_only_that_person(world, sign_in):
    response = sign_in(world.mia).get(reverse("people:person-list"), {"q": "evans"})
    html = names_in(response)
    assert response.status_code == 200
    assert "Jo Evans" in html
    for name in ["Sam Jones", "Rhys Price", "Lee Morgan"]:
        assert name not in html


def test_searching_by_full_name_narrows_rather_than_widens(world, sign_in):
    make_person(
        world.riverside,
        reference="R-100",
        given_name="Sam",
        family_name="Evans",
        navigator=world.alice,
    )
    html = names_in(
        sign_in(world.alice).get(reverse("people:person-list"), {"q": "Sam Jones"})
    )
    assert "Sam Jones" in html
    assert "Sam Evans" not in html
    assert "Jo Evans" not in html


def test_searching_by_reference_finds_that_person(world, sign_in):
    html = names_in(
        sign_in(world.mia).get(reverse("people:person-list"), {"q": "r-003"})
    )
    assert "Rhys Price" in html
    for name in ["Sam Jones", "Jo Evans", "Lee Morgan"]:
        assert name not in html


def test_searching_never_finds_people_the_user_cannot_see(world, sign_in):
    client = sign_in(world.alice)
    for query in ["Price", "R-003", "Morgan", "R-004", "Hughes", "H-001"]:
        response = client.get(reverse("people:person-list"), {"q": query})
        html = names_in(response)
        assert response.status_code == 200
        for name in ["Rhys Price", "Lee Morgan", "Ann Hughes"]:
            assert name not in html, (query, name)


def test_the_list_filters_by_status(world, sign_in):
    world.unassigned_person.status = "closed"
    world.unassigned_person.closure_reason = "moved_away"
    world.unassigned_person.save()
    client = sign_in(world.mia)
    closed = names_in(client.get(reverse("people:person-list"), {"status": "closed"}))
    active = names_in(client.get(reverse("people:person-list"), {"status": "active"}))
    assert "Lee Morgan" in closed
    assert "Sam Jones" not in closed
    assert "Lee Morgan" not in active
    assert "Sam Jones" in active


def add_zeds_to_alices_caseload(world, count):
    for number in range(count):
        make_person(
            world.riverside,
            reference=f"P-{number:03}",
            given_name=f"Person{number:02}",
            family_name="Zed",
            navigator=world.alice,
        )


def test_the_list_is_paged_and_page_two_shows_the_rest(world, sign_in):
    # Family names sorting after "Jones".
    add_zeds_to_alices_caseload(world, 30)
    client = sign_in(world.alice)
    first = names_in(client.get(reverse("people:person-list")))
    second_response = client.get(reverse("people:person-list"), {"page": 2})
    second = names_in(second_response)

    assert second_response.status_code == 200
    # Visible: Jo Evans, Sam Jones and the 30 Zeds, ordered by family then given name.
    # Page 1 holds the first 25: Evans, Jones, Person00–Person22.
    assert "Jo Evans" in first
    assert "Person22 Zed" in first
    assert "Person23 Zed" not in first
    assert "Page 1 of 2" in first
    for number in range(23, 30):
        assert f"Person{number:02} Zed" in second
    assert "Person22 Zed" not in second
    assert "Jo Evans" not in second
    assert "Page 2 of 2" in second


def test_paging_keeps_the_search(world, sign_in):
    add_zeds_to_alices_caseload(world, 27)
    client = sign_in(world.alice)
    first = names_in(client.get(reverse("people:person-list"), {"q": "zed"}))
    assert "?q=zed&amp;page=2" in first
    second = names_in(
        client.get(reverse("people:person-list"), {"q": "zed", "page": 2})
    )
    assert "Person25 Zed" in second
    assert "Person26 Zed" in second
    assert "Sam Jones" not in second


# A person's own pages


@pytest.mark.parametrize("view", NAVIGATOR_VIEWS)
@pytest.mark.parametrize("person_name", ["alices_person", "bobs_person"])
def test_a_navigator_may_open_their_own_and_their_teams_people(
    world, sign_in, view, person_name
):
    response = sign_in(world.alice).get(person_url(view, getattr(world, person_name)))
    assert response.status_code == 200


@pytest.mark.parametrize("view", PERSON_VIEWS)
@pytest.mark.parametrize("person_name", ["carols_person", "unassigned_person"])
def test_a_navigator_gets_not_found_for_people_outside_their_caseload_and_team(
    world, sign_in, view, person_name
):
    response = sign_in(world.alice).get(person_url(view, getattr(world, person_name)))
    assert response.status_code == 404


@pytest.mark.parametrize("view", MANAGER_ONLY_VIEWS)
@pytest.mark.parametrize("person_name", ["alices_person", "bobs_person"])
def test_a_navigator_is_refused_the_manager_only_pages_for_people_they_can_see(
    world, sign_in, view, person_name
):
    response = sign_in(world.alice).get(person_url(view, getattr(world, person_name)))
    assert response.status_code == 403


def test_a_navigator_cannot_reassign_a_person_by_posting(world, sign_in):
    response = sign_in(world.alice).post(
        person_url("people:person-navigator", world.alices_person),
        {"navigator": world.bob.pk},
    )
    assert response.status_code == 403
    world.alices_person.refresh_from_db()
    assert world.alices_person.navigator == world.alice


@pytest.mark.parametrize("view", PERSON_VIEWS)
@pytest.mark.parametrize(
    "person_name",
    ["alices_person", "bobs_person", "carols_person", "unassigned_person"],
)
def test_a_manager_may_open_every_page_for_everyone_in_their_organisation(
    world, sign_in, view, person_name
):
    response = sign_in(world.mia).get(person_url(view, getattr(world, person_name)))
    assert response.status_code == 200


@pytest.mark.parametrize("view", PERSON_VIEWS)
@pytest.mark.parametrize("persona", ["oscar", "hugo"])
def test_it_refuses_staff_from_another_organisation_with_not_found(
    world, sign_in, view, persona
):
    response = sign_in(getattr(world, persona)).get(
        person_url(view, world.alices_person)
    )
    assert response.status_code == 404


def test_a_refusal_looks_the_same_as_a_person_who_does_not_exist(world, sign_in):
    client = sign_in(world.oscar)
    refused = client.get(person_url("people:person-detail", world.alices_person))
    missing = client.get(reverse("people:person-detail", args=[999_999]))
    assert refused.status_code == missing.status_code == 404
    assert "Sam Jones" not in names_in(refused)


def test_another_organisations_manager_cannot_change_a_riverside_person(world, sign_in):
    response = sign_in(world.hugo).post(
        person_url("people:person-status", world.alices_person),
        {"status": "closed", "closure_reason": "other"},
    )
    assert response.status_code == 404
    world.alices_person.refresh_from_db()
    assert world.alices_person.status == "active"


@pytest.mark.parametrize("view", PERSON_VIEWS)
@pytest.mark.parametrize("persona", NO_PERSON_ROLE)
def test_it_refuses_every_person_page_to_users_without_a_person_level_role(
    world, sign_in, view, persona
):
    response = sign_in(getattr(world, persona)).get(
        person_url(view, world.alices_person)
    )
    assert response.status_code == 403
    assert "Sam Jones" not in names_in(response)


@pytest.mark.parametrize("view", PERSON_VIEWS)
def test_it_sends_anonymous_visitors_to_sign_in_from_a_person_page(world, client, view):
    url = person_url(view, world.alices_person)
    assert_redirects_to_sign_in(client.get(url), url)


def test_the_detail_page_offers_managers_the_navigator_and_audit_links_only(
    world, sign_in, client
):
    navigator_link = person_url("people:person-navigator", world.alices_person)
    audit_link = person_url("people:person-audit", world.alices_person)
    as_manager = names_in(
        sign_in(world.mia).get(person_url("people:person-detail", world.alices_person))
    )
    assert navigator_link in as_manager
    assert audit_link in as_manager
    client.logout()
    as_navigator = names_in(
        sign_in(world.alice).get(
            person_url("people:person-detail", world.alices_person)
        )
    )
    assert navigator_link not in as_navigator
    assert audit_link not in as_navigator
