import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from caremap.directory.demo import service_id_for
from caremap.directory.models import Service
from caremap.privacy.models import AuditEvent
from caremap.referrals import actions
from caremap.referrals.models import AWAITING_UPDATE_AFTER_DAYS, Referral

S = Referral.Status
START = datetime.datetime(2026, 5, 1, 9, tzinfo=datetime.UTC)
SERVICES = [
    "Afon Valley Peer Mentoring",
    "Alcoholics Anonymous: Aberafon Tuesday Night Group",
    "Alcoholics Anonymous: Cwmafon Thursday Lunchtime",
]


@pytest.fixture
def services(directory):
    return [Service.objects.get(pk=service_id_for(name)) for name in SERVICES]


def at(days):
    return time_machine.travel(START + datetime.timedelta(days=days), tick=False)


def test_awaiting_lists_stale_sent_and_accepted_referrals_oldest_first(
    directory, services, refer, sign_in
):
    world = directory
    with at(0):
        oldest = refer(world.alices_person, services[0], by=world.alice)
        accepted = refer(world.bobs_person, services[1], by=world.bob)
        declined = refer(world.alices_person, services[2], by=world.alice)
        actions.update_referral_status(
            declined, S.DECLINED, on=timezone.localdate(), by=world.alice
        )
        hidden = refer(world.carols_person, services[0], by=world.carol)
    with at(2):
        actions.update_referral_status(
            accepted, S.ACCEPTED, on=timezone.localdate(), by=world.bob
        )
    with at(5):
        fresh = refer(world.alices_person, services[1], by=world.alice)

    with at(AWAITING_UPDATE_AFTER_DAYS - 1):
        response = sign_in(world.alice).get(reverse("referrals:awaiting"))
        assert list(response.context["page"].object_list) == []

    with at(AWAITING_UPDATE_AFTER_DAYS + 3):
        response = sign_in(world.alice).get(reverse("referrals:awaiting"))
        # Carol's person is in another team; the declined one needs no chasing;
        # the fresh one changed less than a week ago.
        assert list(response.context["page"].object_list) == [oldest, accepted]
        assert hidden not in response.context["page"].object_list
        assert fresh not in response.context["page"].object_list
        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.LIST, record_type="referrals.referral"
        ).exists()

        home = sign_in(world.alice).get(reverse("home"))
        (section,) = [s for s in home.context["sections"] if s["kind"] == "referrals"]
        assert section["count"] == 2
        assert section["referrals"] == [oldest, accepted]
        assert "Referrals awaiting an update" in home.content.decode()

    with at(AWAITING_UPDATE_AFTER_DAYS + 20):
        assert Referral.objects.visible_to(world.alice).awaiting_update().count() == 3


def test_the_landing_section_shows_at_most_five(directory, services, refer, sign_in):
    world = directory
    with at(0):
        for n in range(7):
            refer(world.alices_person, services[n % 3], by=world.alice)
    with at(30):
        home = sign_in(world.alice).get(reverse("home"))
    (section,) = [s for s in home.context["sections"] if s["kind"] == "referrals"]
    assert section["count"] == 7
    assert len(section["referrals"]) == 5


@pytest.mark.parametrize("persona", ["mia", "cara", "ada"])
def test_only_navigators_get_the_landing_section(directory, sign_in, persona):
    home = sign_in(getattr(directory, persona)).get(reverse("home"))
    assert "referrals" not in [s["kind"] for s in home.context["sections"]]


@pytest.mark.parametrize("persona", ["cara", "ada", "nora"])
def test_the_awaiting_page_is_refused_without_a_person_level_role(
    directory, sign_in, persona
):
    response = sign_in(getattr(directory, persona)).get(reverse("referrals:awaiting"))
    assert response.status_code == 403


def test_the_person_page_has_a_referrals_card(directory, services, refer, sign_in):
    world = directory
    refer(world.alices_person, services[0], by=world.alice)
    closed = refer(world.alices_person, services[1], by=world.alice)
    actions.update_referral_status(
        closed, S.CLOSED, on=timezone.localdate(), by=world.alice
    )
    response = sign_in(world.alice).get(world.alices_person.get_absolute_url())
    assert response.status_code == 200
    assert response.context["referral_counts"] == {"total": 2, "waiting": 1}
    html = response.content.decode()
    assert reverse("referrals:person-referrals", args=[world.alices_person.pk]) in html
    assert services[0].name in html
    assert "Referred or signposted 2 times; waiting for an outcome: 1." in html


def test_the_person_page_card_when_there_are_none(directory, sign_in):
    response = sign_in(directory.alice).get(directory.alices_person.get_absolute_url())
    assert "No referrals yet." in response.content.decode()


def test_the_persons_referrals_page_lists_theirs_only(
    directory, services, refer, sign_in
):
    world = directory
    mine = refer(world.alices_person, services[0], by=world.alice)
    refer(world.bobs_person, services[1], by=world.bob)
    response = sign_in(world.alice).get(
        reverse("referrals:person-referrals", args=[world.alices_person.pk])
    )
    assert list(response.context["page"].object_list) == [mine]
    assert (
        sign_in(world.oscar)
        .get(reverse("referrals:person-referrals", args=[world.alices_person.pk]))
        .status_code
        == 404
    )
    assert (
        sign_in(world.cara)
        .get(reverse("referrals:person-referrals", args=[world.alices_person.pk]))
        .status_code
        == 403
    )


def make_many(world, services, refer, count):
    for n in range(count):
        referral = refer(world.alices_person, services[n % 3], by=world.alice)
        actions.update_referral_status(
            referral, S.ACCEPTED, on=timezone.localdate(), by=world.alice
        )
        actions.rate_referral(
            referral, score=1 + n % 5, given_by_person=True, by=world.alice
        )


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "page",
    ["person", "person-referrals", "awaiting", "home", "picker", "detail"],
)
def test_pages_run_the_same_queries_for_1_and_20_referrals(
    directory, services, refer, sign_in, django_assert_max_num_queries, page
):
    world = directory
    client = sign_in(world.alice)

    def url():
        first = Referral.objects.order_by("pk").first()
        return {
            "person": world.alices_person.get_absolute_url(),
            "person-referrals": reverse(
                "referrals:person-referrals", args=[world.alices_person.pk]
            ),
            "awaiting": reverse("referrals:awaiting"),
            "home": reverse("home"),
            "picker": reverse("referrals:create", args=[world.alices_person.pk]),
            "detail": first.get_absolute_url(),
        }[page]

    with at(0):
        make_many(world, services, refer, 1)
    with at(30):
        one = count_queries(client, url())
    with at(0):
        make_many(world, services, refer, 19)
    with at(30):
        address = url()
        twenty = count_queries(client, address)
        with django_assert_max_num_queries(BUDGETS[page]):
            assert client.get(address).status_code == 200
    assert one == twenty


# Session, user, memberships, the person check and its audit write with
# savepoints, then the page's own queries. The person page and home page
# also carry episodes, contacts, groups and the staying-connected work list.
BUDGETS = {
    "person": 21,
    "person-referrals": 14,
    "awaiting": 11,
    "home": 20,
    "picker": 15,
    "detail": 18,
}
