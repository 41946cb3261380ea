"""Every view answers only the methods it serves.

Each view declares them with caremap.http.allow (the HSDS API with its own
JSON refusal), and the method is checked before anything else: a PUT is
refused with 405 and an Allow header whether or not anyone is signed in,
rather than being treated as a GET, redirected to sign-in or refused as
forbidden. Django admin's pages get the same check (GET and POST) from
caremap.urls, since its views take any method they are sent.
"""

import pytest

from caremap.testing.routes import every_route

OTHER_METHODS = ["PUT", "DELETE", "PATCH", "TRACE", "BREW"]
# Django admin's app pages match only installed apps' labels.
EXAMPLE = {"app_label": "organisations"}


def routes():
    return every_route()


def declared():
    # A view without a declaration fails the first test, by name; the
    # others check what the declarations say.
    return [r for r in routes() if getattr(r.callback, "allowed_methods", None)]


def test_every_view_declares_the_methods_it_serves(db):
    undeclared = [
        f"{route.name} ({route.callback.__module__}.{route.callback.__name__})"
        for route in routes()
        if not getattr(route.callback, "allowed_methods", None)
    ]
    assert not undeclared, (
        "These views do not say which HTTP methods they serve; put "
        '@allow("GET") or @allow("GET", "POST") (from caremap.http) above '
        "their other decorators: " + ", ".join(undeclared)
    )


def test_head_comes_with_get_and_options_with_everything(db):
    for route in declared():
        methods = route.callback.allowed_methods
        assert "OPTIONS" in methods, route.name
        assert ("GET" in methods) == ("HEAD" in methods), route.name
        assert set(methods) <= {"GET", "HEAD", "POST", "OPTIONS"}, route.name


@pytest.fixture
def clients(world, client, sign_in):
    from django.test import Client

    return {"anonymous": Client(), "manager": sign_in(world.mia)}


def assert_refused(response, route, method, who):
    allowed = route.callback.allowed_methods
    assert response.status_code == 405, (
        f"{method} {route.name} as {who} answered {response.status_code}, not 405"
    )
    assert response["Allow"] == ", ".join(allowed), route.name


def test_methods_no_view_serves_are_refused_first(clients):
    for who, client in clients.items():
        for route in declared():
            url = route.url(**EXAMPLE)
            for method in OTHER_METHODS:
                response = client.generic(method, url)
                assert_refused(response, route, method, who)


def test_get_only_views_refuse_post_and_post_only_views_refuse_get(clients):
    checked = {"GET": 0, "POST": 0}
    for who, client in clients.items():
        for route in declared():
            allowed = route.callback.allowed_methods
            for method in ("GET", "POST"):
                if method not in allowed:
                    response = client.generic(method, route.url(**EXAMPLE))
                    assert_refused(response, route, method, who)
                    checked[method] += 1
    # Both kinds exist (sign-out is POST only; most pages GET only).
    assert checked["GET"] and checked["POST"]


def test_options_lists_the_methods_without_running_the_view(clients):
    for who, client in clients.items():
        for route in declared():
            response = client.options(route.url(**EXAMPLE))
            assert response.status_code == 200, (route.name, who)
            assert response["Allow"] == ", ".join(route.callback.allowed_methods)
            assert response.content == b""


def test_head_answers_like_get_without_a_body(client, db):
    from django.urls import reverse

    response = client.head(reverse("accounts:sign-in"))
    assert response.status_code == 200
    assert response.content == b""
    assert client.head("/healthz").status_code == 200


def test_the_api_refuses_other_methods_in_json(client, db):
    response = client.generic("BREW", "/api/hsds/services")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == 405
