from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from caremap.directory.demo import service_id_for
from caremap.directory.models import Listing
from caremap.organisations.models import Area
from caremap.privacy.models import AuditEvent
from caremap.referrals.models import Referral
from caremap.referrals.tests.conftest import CLOSED_MEETING, MENTORING, referral_post


def create_url(person, service_name=None):
    url = reverse("referrals:create", args=[person.pk])
    if service_name:
        url += "?" + urlencode({"service": service_id_for(service_name)})
    return url


def test_a_navigator_refers_their_person_and_it_is_audited(directory, sign_in):
    world = directory
    client = sign_in(world.alice)
    url = create_url(world.alices_person, MENTORING)

    page = client.get(url)
    assert page.status_code == 200
    assert "---------" not in page.content.decode()
    response = client.post(
        url, referral_post(shared=["contact", "other"], shared_note="Their GP's name")
    )

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == referral.get_absolute_url()
    assert referral.person == world.alices_person
    assert referral.service_id == service_id_for(MENTORING)
    assert referral.organisation == world.riverside
    assert referral.created_by == world.alice
    assert referral.status == Referral.Status.SENT
    assert referral.shared == ["contact", "other"]
    assert referral.shared_note == "Their GP's name"
    assert referral.consent_method == "in_person"
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATE, record_type="referrals.referral"
    )
    assert event.record_id == str(referral.pk)
    assert event.person == world.alices_person
    assert event.actor == world.alice
    assert event.organisation == world.riverside


def test_signposting_may_share_nothing(directory, sign_in):
    client = sign_in(directory.alice)
    response = client.post(
        create_url(directory.alices_person, MENTORING),
        referral_post(kind="signpost", shared=None, consent_method="phone"),
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.kind == Referral.Kind.SIGNPOST
    assert referral.shared == []


def test_a_referral_must_say_what_was_shared(directory, sign_in):
    client = sign_in(directory.alice)
    response = client.post(
        create_url(directory.alices_person, MENTORING), referral_post(shared=None)
    )
    assert response.status_code == 200
    assert "Select what you shared with the service" in response.content.decode()
    assert not Referral.objects.exists()


def test_other_needs_a_note(directory, sign_in):
    client = sign_in(directory.alice)
    response = client.post(
        create_url(directory.alices_person, MENTORING),
        referral_post(shared=["other"]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["shared_note"] == [
        "Say what else you shared"
    ]
    assert not Referral.objects.exists()


def test_without_consent_the_error_is_beside_the_field_and_nothing_is_saved(
    directory, sign_in
):
    client = sign_in(directory.alice)
    response = client.post(
        create_url(directory.alices_person, MENTORING),
        referral_post(person_agreed=None),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["person_agreed"]
    assert len(form.errors["person_agreed"]) == 1
    html = response.content.decode()
    # In the summary at the top, linked to the checkbox, and beside it.
    assert 'href="#id_person_agreed"' in html
    assert 'id="id_person_agreed_error"' in html
    assert "Confirm the person agreed to this" in html
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()


def test_without_a_service_the_picker_lists_the_areas_running_services(
    directory, sign_in
):
    client = sign_in(directory.alice)
    response = client.get(create_url(directory.alices_person))
    assert response.status_code == 200
    names = [listing.service.name for listing, _summary in response.context["rows"]]
    assert len(names) == 25
    running = Listing.objects.filter(area=directory.area).running_on(
        timezone.localdate()
    )
    assert response.context["page"].paginator.count == running.count()
    assert response.context["page"].paginator.count < Listing.objects.count()

    second = client.get(create_url(directory.alices_person) + "?page=2")
    assert second.context["page"].number == 2
    assert not set(names) & {
        listing.service.name for listing, _summary in second.context["rows"]
    }


def test_the_picker_filters_by_text_and_skips_ended_services(directory, sign_in):
    client = sign_in(directory.alice)
    url = create_url(directory.alices_person)
    response = client.get(url + "?q=mentoring")
    names = [listing.service.name for listing, _summary in response.context["rows"]]
    assert MENTORING in names
    assert len(names) < Listing.objects.count()

    response = client.get(url + "?q=Tregarth+Sunday")
    names = [listing.service.name for listing, _summary in response.context["rows"]]
    assert CLOSED_MEETING not in names


def test_an_ended_service_cannot_be_referred_to(directory, sign_in):
    client = sign_in(directory.alice)
    assert (
        client.get(create_url(directory.alices_person, CLOSED_MEETING)).status_code
        == 404
    )


def test_a_service_outside_the_persons_area_is_not_found(directory, sign_in):
    elsewhere = Area.objects.create(name="South Valley")
    Listing.objects.filter(service_id=service_id_for(MENTORING)).update(area=elsewhere)
    client = sign_in(directory.alice)
    url = create_url(directory.alices_person, MENTORING)
    assert client.get(url).status_code == 404
    assert client.post(url, referral_post()).status_code == 404
    assert not Referral.objects.exists()


def test_an_unknown_service_is_not_found(directory, sign_in):
    client = sign_in(directory.alice)
    url = reverse("referrals:create", args=[directory.alices_person.pk])
    assert client.get(url + "?service=no-such-service").status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("oscar", 404),
        ("carol", 404),
        ("hugo", 404),
        ("cara", 403),
        ("ada", 403),
        ("nora", 403),
    ],
)
def test_others_cannot_refer_alices_person(directory, sign_in, persona, status):
    client = sign_in(getattr(directory, persona))
    url = create_url(directory.alices_person, MENTORING)
    assert client.get(url).status_code == status
    assert client.post(url, referral_post()).status_code == status
    assert not Referral.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()


@pytest.mark.parametrize("persona", ["bob", "mia"])
def test_team_mates_and_managers_can_refer(directory, sign_in, persona):
    client = sign_in(getattr(directory, persona))
    response = client.post(
        create_url(directory.alices_person, MENTORING), referral_post()
    )
    assert response.status_code == 302
    assert Referral.objects.get().created_by == getattr(directory, persona)


def test_anonymous_visitors_are_sent_to_sign_in(directory, client):
    url = create_url(directory.alices_person, MENTORING)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert client.post(url, referral_post()).status_code == 302
    assert not Referral.objects.exists()


def test_choosing_a_person_from_a_service_lists_only_people_the_navigator_sees(
    directory, sign_in
):
    world = directory
    client = sign_in(world.alice)
    url = reverse("referrals:choose-person", args=[service_id_for(MENTORING)])
    response = client.get(url)
    assert response.status_code == 200
    people = set(response.context["page"].object_list)
    # Alice's own and her team-mate Bob's, never Carol's (other team) or Hillside's.
    assert people == {world.alices_person, world.bobs_person}
    html = response.content.decode()
    assert create_url(world.alices_person, MENTORING) in html

    response = client.get(url + "?q=Evans")
    assert list(response.context["page"].object_list) == [world.bobs_person]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LIST, actor=world.alice
    ).exists()


def test_choosing_a_person_skips_people_whose_support_is_closed(directory, sign_in):
    world = directory
    world.bobs_person.status = "closed"
    world.bobs_person.closure_reason = "goals_met"
    world.bobs_person.save()
    client = sign_in(world.alice)
    response = client.get(
        reverse("referrals:choose-person", args=[service_id_for(MENTORING)])
    )
    assert list(response.context["page"].object_list) == [world.alices_person]


def test_choosing_a_person_is_refused_to_commissioners_and_unknown_services(
    directory, sign_in
):
    url = reverse("referrals:choose-person", args=[service_id_for(MENTORING)])
    assert sign_in(directory.cara).get(url).status_code == 403
    client = sign_in(directory.alice)
    assert (
        client.get(reverse("referrals:choose-person", args=["nope"])).status_code == 404
    )
