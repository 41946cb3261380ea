"""Who may open each self-audit page, in both languages, within a bounded
number of queries."""

import datetime

import pytest
from django.urls import reverse

from caremap.selfaudits import actions
from caremap.selfaudits.models import EvidenceFile
from caremap.selfaudits.tests.conftest import (
    AREAS,
    PNG,
    Q1,
    Q2,
    Q3,
    completed,
    start,
    upload,
)
from caremap.tests.test_every_page import check_page


@pytest.fixture
def riverside(world):
    """Two completed audits and a draft with a file, at Riverside."""
    completed(world.riverside, world.mia, Q1, rating="partially")
    done = completed(world.riverside, world.mia, Q2)
    draft = start(world.riverside, world.mia, Q3)
    actions.save_answer(
        draft,
        AREAS[0].key,
        by=world.mia,
        rating="yes",
        evidence="A peer mentor is on every shift.",
        files=[upload("rota.png", PNG)],
    )
    return {
        "done": done,
        "draft": draft,
        "file": EvidenceFile.objects.get(),
    }


def manager_pages(world, riverside):
    organisation = world.riverside.pk
    draft = riverside["draft"].pk
    return [
        ("selfaudits:list", [organisation]),
        ("selfaudits:start", [organisation]),
        ("selfaudits:compare", [organisation]),
        ("selfaudits:audit", [organisation, draft]),
        ("selfaudits:audit", [organisation, riverside["done"].pk]),
        ("selfaudits:answer", [organisation, draft, AREAS[0].key]),
        ("selfaudits:answer", [organisation, riverside["done"].pk, AREAS[5].key]),
    ]


def commissioner_pages(world, riverside):
    return [
        ("selfaudits:area", [world.area.pk]),
        ("selfaudits:area-audit", [world.area.pk, riverside["done"].pk]),
    ]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_manager_pages_open_in_both_languages(world, riverside, sign_in, language):
    client = sign_in(world.mia)
    for name, args in manager_pages(world, riverside):
        check_page(client, name, args, language)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_commissioner_pages_open_in_both_languages(world, riverside, sign_in, language):
    client = sign_in(world.cara)
    for name, args in commissioner_pages(world, riverside):
        check_page(client, name, args, language)


def file_url(world, riverside):
    return reverse(
        "selfaudits:file",
        args=[world.riverside.pk, riverside["draft"].pk, riverside["file"].pk],
    )


def test_the_manager_downloads_a_file_as_an_attachment(world, riverside, sign_in):
    response = sign_in(world.mia).get(file_url(world, riverside))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="rota.png"'
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize("who", ["alice", "bob", "cara", "nora"])
def test_others_are_refused_every_manager_page_and_the_file(
    world, riverside, sign_in, who
):
    client = sign_in(getattr(world, who))
    for name, args in manager_pages(world, riverside):
        url = reverse(name, args=args)
        assert client.get(url).status_code == 403, url
    assert client.get(file_url(world, riverside)).status_code == 403


def test_hugo_cannot_reach_riversides_audits(world, riverside, sign_in):
    client = sign_in(world.hugo)
    for name, args in manager_pages(world, riverside):
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.get(file_url(world, riverside)).status_code == 403
    # Through his own organisation's address, Riverside's audit does not exist.
    own = reverse("selfaudits:audit", args=[world.hillside.pk, riverside["draft"].pk])
    assert client.get(own).status_code == 404
    own_file = reverse(
        "selfaudits:file",
        args=[world.hillside.pk, riverside["draft"].pk, riverside["file"].pk],
    )
    assert client.get(own_file).status_code == 404


@pytest.mark.parametrize("who", ["mia", "hugo", "alice", "oscar", "nora", "ada"])
def test_only_commissioners_open_the_area_pages(world, riverside, sign_in, who):
    client = sign_in(getattr(world, who))
    for name, args in commissioner_pages(world, riverside):
        assert client.get(reverse(name, args=args)).status_code == 403


def test_changes_are_refused_to_everyone_but_the_manager(world, riverside, sign_in):
    draft = riverside["draft"]
    posts = [
        reverse("selfaudits:start", args=[world.riverside.pk]),
        reverse("selfaudits:complete", args=[world.riverside.pk, draft.pk]),
        reverse("selfaudits:reopen", args=[world.riverside.pk, riverside["done"].pk]),
        reverse("selfaudits:answer", args=[world.riverside.pk, draft.pk, "language"]),
        reverse(
            "selfaudits:remove-file",
            args=[world.riverside.pk, draft.pk, riverside["file"].pk],
        ),
    ]
    for who in (world.cara, world.hugo, world.alice):
        client = sign_in(who)
        for url in posts:
            assert client.post(url, {"rating": "no"}).status_code == 403, url
    assert EvidenceFile.objects.count() == 1
    riverside["done"].refresh_from_db()
    assert riverside["done"].is_completed


def test_signed_out_visitors_are_sent_to_sign_in(world, riverside, client):
    url = reverse("selfaudits:list", args=[world.riverside.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]


def test_an_unknown_area_key_is_not_found(world, riverside, sign_in):
    url = reverse(
        "selfaudits:answer",
        args=[world.riverside.pk, riverside["draft"].pk, "no-such-area"],
    )
    assert sign_in(world.mia).get(url).status_code == 404


def test_a_commissioner_cannot_open_another_areas_audit(world, riverside, sign_in):
    from caremap.organisations.models import Area, Membership

    elsewhere = Area.objects.create(name="South Coast")
    Membership.objects.filter(user=world.cara).update(area=elsewhere)
    client = sign_in(world.cara)
    assert (
        client.get(reverse("selfaudits:area", args=[world.area.pk])).status_code == 403
    )
    url = reverse("selfaudits:area-audit", args=[elsewhere.pk, riverside["done"].pk])
    assert client.get(url).status_code == 404


QUERY_LIMIT = 14


def counts(client, pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = {}
    for name, args in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=args)).status_code == 200
        found[(name, tuple(args))] = len(queries)
    return found


def test_query_counts_are_bounded_and_do_not_grow_with_the_data(
    world, riverside, sign_in
):
    mia = sign_in(world.mia)
    pages = manager_pages(world, riverside)
    before = counts(mia, pages)
    # More audits, answers and files, here and in the rest of the area.
    for year in (2023, 2024, 2025):
        completed(
            world.riverside,
            world.mia,
            (datetime.date(year, 1, 1), datetime.date(year, 3, 31)),
            rating="no",
        )
        completed(
            world.hillside,
            world.hugo,
            (datetime.date(year, 1, 1), datetime.date(year, 3, 31)),
        )
    for area in AREAS[1:6]:
        actions.save_answer(
            riverside["draft"],
            area.key,
            by=world.mia,
            rating="no",
            files=[upload("more.png", PNG), upload("again.png", PNG)],
        )
    actions.save_answer(
        riverside["draft"], AREAS[0].key, by=world.mia, files=[upload("x.png", PNG)]
    )
    after = counts(mia, pages)
    assert after == before
    assert max(after.values()) <= QUERY_LIMIT, after
