from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caremap.testing.personas import make_person


def queries_for_list(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_people(world, count, *, prefix):
    for n in range(count):
        make_person(
            world.riverside,
            reference=f"{prefix}-{n:04d}",
            given_name=f"Given{n}",
            family_name=f"Family{n}",
            navigator=world.alice if n % 2 else world.bob,
        )


def test_the_people_list_runs_the_same_queries_for_5_and_200_people(world, sign_in):
    client = sign_in(world.mia)
    url = reverse("people:person-list")
    add_people(world, 5, prefix="A")
    few = queries_for_list(client, url)
    add_people(world, 195, prefix="B")
    many = queries_for_list(client, url)
    assert few == many
    # Session, user, memberships, permission check, count, page, audit write
    # and the savepoints around it: a fixed budget, whatever the caseload size.
    assert many <= 14


def test_a_navigator_caseload_search_runs_a_bounded_number_of_queries(world, sign_in):
    client = sign_in(world.alice)
    add_people(world, 200, prefix="C")
    assert (
        queries_for_list(client, reverse("people:person-list") + "?q=Given1&page=2")
        <= 14
    )


def test_the_manager_landing_page_runs_a_bounded_number_of_queries(world, sign_in):
    client = sign_in(world.mia)
    add_people(world, 5, prefix="D")
    few = queries_for_list(client, reverse("home"))
    add_people(world, 200, prefix="E")
    assert queries_for_list(client, reverse("home")) == few
