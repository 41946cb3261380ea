"""A manager runs their own organisation's teams and staff; nobody else may,
and every change is written to the organisation's audit trail."""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import reverse

from caremap.accounts.models import User
from caremap.organisations.models import Membership, Team
from caremap.people.models import Person
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import make_person

OUTSIDERS = ["alice", "oscar", "hugo", "cara", "ada", "nora"]


def membership_of(world, persona):
    return Membership.objects.get(
        user=getattr(world, persona), organisation=world.riverside
    )


def management_urls(world):
    """Every management page for Riverside, with a real team and membership in it."""
    pk = world.riverside.pk
    alices = membership_of(world, "alice").pk
    return [
        reverse("organisations:organisation-detail", args=[pk]),
        reverse("organisations:organisation-audit", args=[pk]),
        reverse("organisations:team-create", args=[pk]),
        reverse("organisations:team-edit", args=[pk, world.north_team.pk]),
        reverse("organisations:member-create", args=[pk]),
        reverse("organisations:member-edit", args=[pk, alices]),
        reverse("organisations:member-remove", args=[pk, alices]),
    ]


def organisation_events(world, **filters):
    return list(AuditEvent.objects.for_organisation(world.riverside).filter(**filters))


def detail_url(world):
    return reverse("organisations:organisation-detail", args=[world.riverside.pk])


# The organisation page


def test_a_manager_is_taken_to_their_organisation(world, sign_in):
    response = sign_in(world.mia).get(reverse("organisations:manage"))
    assert response.status_code == 302
    assert response["Location"] == detail_url(world)


def test_a_manager_sees_their_teams_and_staff(world, sign_in):
    response = sign_in(world.mia).get(detail_url(world))
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "North team",
        "South team",
        "Alice Navigator",
        "Bob Navigator",
        "Carol Navigator",
        "Mia Manager",
    ]:
        assert text in html
    assert "Oscar Outsider" not in html
    assert "Hugo Manager" not in html


@pytest.mark.parametrize("persona", ["alice", "oscar", "cara", "ada", "nora"])
def test_users_who_manage_nothing_are_refused_the_organisation_link(
    world, sign_in, persona
):
    response = sign_in(getattr(world, persona)).get(reverse("organisations:manage"))
    assert response.status_code == 403


# Teams


def test_a_manager_adds_a_team(world, sign_in):
    response = sign_in(world.mia).post(
        reverse("organisations:team-create", args=[world.riverside.pk]),
        {"name": "  East team "},
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(world)
    team = Team.objects.get(organisation=world.riverside, name="East team")

    [event] = organisation_events(
        world, action=AuditEvent.Action.CREATE, record_type="organisations.team"
    )
    assert event.actor == world.mia
    assert event.record_id == str(team.pk)
    assert event.changes == {"name": ["", "East team"]}


def test_a_team_name_must_be_unique_in_the_organisation(world, sign_in):
    response = sign_in(world.mia).post(
        reverse("organisations:team-create", args=[world.riverside.pk]),
        {"name": "north TEAM"},
    )
    assert response.status_code == 200
    assert "There is already a team called north TEAM" in response.content.decode()
    assert Team.objects.filter(organisation=world.riverside).count() == 2


def test_another_organisation_may_have_a_team_of_the_same_name(world, sign_in):
    response = sign_in(world.hugo).post(
        reverse("organisations:team-create", args=[world.hillside.pk]),
        {"name": "North team"},
    )
    assert response.status_code == 302
    assert Team.objects.filter(organisation=world.hillside, name="North team").exists()


def test_a_manager_renames_a_team(world, sign_in):
    url = reverse(
        "organisations:team-edit", args=[world.riverside.pk, world.north_team.pk]
    )
    client = sign_in(world.mia)
    assert 'value="North team"' in client.get(url).content.decode()

    response = client.post(url, {"name": "Northern team"})
    assert response.status_code == 302
    world.north_team.refresh_from_db()
    assert world.north_team.name == "Northern team"

    [event] = organisation_events(
        world, action=AuditEvent.Action.UPDATE, record_type="organisations.team"
    )
    assert event.actor == world.mia
    assert event.record_id == str(world.north_team.pk)
    assert event.changes == {"name": ["North team", "Northern team"]}


def test_renaming_a_team_to_its_own_name_records_nothing(world, sign_in):
    url = reverse(
        "organisations:team-edit", args=[world.riverside.pk, world.north_team.pk]
    )
    assert sign_in(world.mia).post(url, {"name": "North team"}).status_code == 302
    assert organisation_events(world, record_type="organisations.team") == []


def test_a_team_of_another_organisation_cannot_be_reached_through_riversides_pages(
    world, sign_in
):
    hillside_team = Team.objects.create(organisation=world.hillside, name="Hill team")
    url = reverse(
        "organisations:team-edit", args=[world.riverside.pk, hillside_team.pk]
    )
    response = sign_in(world.mia).post(url, {"name": "Taken over"})
    assert response.status_code == 404
    hillside_team.refresh_from_db()
    assert hillside_team.name == "Hill team"


# Staff


def test_a_member_cannot_be_given_the_same_role_twice(world, sign_in):
    response = sign_in(world.mia).post(
        reverse("organisations:member-create", args=[world.riverside.pk]),
        {
            "email": "alice@riverside.test",
            "full_name": "Alice Navigator",
            "role": "navigator",
        },
    )
    assert response.status_code == 200
    assert (
        "This person already has that role in your organisation"
        in response.content.decode()
    )
    assert Membership.objects.filter(user=world.alice).count() == 1


def test_a_manager_cannot_be_put_in_a_team(world, sign_in):
    response = sign_in(world.mia).post(
        reverse("organisations:member-create", args=[world.riverside.pk]),
        {
            "email": "max@riverside.test",
            "full_name": "Max",
            "role": "manager",
            "team": world.north_team.pk,
        },
    )
    assert response.status_code == 200
    assert "Only navigators belong to a team" in response.content.decode()
    assert not User.objects.filter(email="max@riverside.test").exists()


def test_a_team_from_another_organisation_cannot_be_chosen(world, sign_in):
    hillside_team = Team.objects.create(organisation=world.hillside, name="Hill team")
    response = sign_in(world.mia).post(
        reverse("organisations:member-create", args=[world.riverside.pk]),
        {
            "email": "max@riverside.test",
            "full_name": "Max",
            "role": "navigator",
            "team": hillside_team.pk,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="max@riverside.test").exists()


def test_a_manager_moves_a_navigator_to_another_team(world, sign_in):
    membership = membership_of(world, "alice")
    url = reverse("organisations:member-edit", args=[world.riverside.pk, membership.pk])
    response = sign_in(world.mia).post(url, {"team": world.south_team.pk})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.team == world.south_team

    [event] = organisation_events(
        world, action=AuditEvent.Action.UPDATE, record_type="organisations.membership"
    )
    assert event.actor == world.mia
    assert event.record_id == str(membership.pk)
    assert event.changes == {"team": ["North team", "South team"]}


def test_moving_a_navigator_changes_whose_caseloads_they_see(world, sign_in, client):
    membership = membership_of(world, "alice")
    sign_in(world.mia).post(
        reverse("organisations:member-edit", args=[world.riverside.pk, membership.pk]),
        {"team": world.south_team.pk},
    )
    client.logout()
    html = sign_in(world.alice).get(reverse("people:person-list")).content.decode()
    assert "Rhys Price" in html  # Carol's, now her teammate
    assert "Jo Evans" not in html  # Bob's, no longer


def test_a_navigator_can_be_taken_out_of_every_team(world, sign_in):
    membership = membership_of(world, "alice")
    url = reverse("organisations:member-edit", args=[world.riverside.pk, membership.pk])
    assert sign_in(world.mia).post(url, {"team": ""}).status_code == 302
    membership.refresh_from_db()
    assert membership.team is None
    [event] = organisation_events(
        world, action=AuditEvent.Action.UPDATE, record_type="organisations.membership"
    )
    assert event.changes == {"team": ["North team", ""]}


def test_only_a_navigators_team_can_be_changed(world, sign_in):
    membership = membership_of(world, "mia")
    url = reverse("organisations:member-edit", args=[world.riverside.pk, membership.pk])
    assert sign_in(world.mia).get(url).status_code == 403


def test_removing_a_navigator_leaves_their_caseload_unassigned_and_audited(
    world, sign_in
):
    membership = membership_of(world, "bob")
    url = reverse(
        "organisations:member-remove", args=[world.riverside.pk, membership.pk]
    )
    client = sign_in(world.mia)
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert (
        "1 person on their caseload will be left without a navigator"
        in confirm.content.decode()
    )

    response = client.post(url)
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    world.bobs_person.refresh_from_db()
    assert world.bobs_person.navigator is None

    [person_event] = AuditEvent.objects.for_person(world.bobs_person).filter(
        action=AuditEvent.Action.UPDATE
    )
    assert person_event.actor == world.mia
    assert person_event.organisation == world.riverside
    assert person_event.changes == {"navigator": ["Bob Navigator", ""]}

    [removal] = organisation_events(world, action=AuditEvent.Action.DELETE)
    assert removal.actor == world.mia
    assert removal.record_type == "organisations.membership"
    assert removal.record_id == str(membership.pk)
    assert (
        removal.summary
        == "bob@riverside.test removed as Navigator; 1 people unassigned"
    )


def test_removing_a_navigator_audits_each_person_on_their_caseload(world, sign_in):
    extra = [
        make_person(
            world.riverside,
            reference=f"R-1{n}",
            given_name=f"Extra{n}",
            navigator=world.bob,
        )
        for n in range(3)
    ]
    membership = membership_of(world, "bob")
    sign_in(world.mia).post(
        reverse("organisations:member-remove", args=[world.riverside.pk, membership.pk])
    )

    for person in [world.bobs_person, *extra]:
        person.refresh_from_db()
        assert person.navigator is None
        assert (
            AuditEvent.objects.for_person(person)
            .filter(action=AuditEvent.Action.UPDATE)
            .count()
            == 1
        )
    # Alice's caseload is untouched.
    world.alices_person.refresh_from_db()
    assert world.alices_person.navigator == world.alice


def test_unassigned_people_appear_as_waiting_on_the_managers_home_page(world, sign_in):
    client = sign_in(world.mia)
    client.post(
        reverse(
            "organisations:member-remove",
            args=[world.riverside.pk, membership_of(world, "bob").pk],
        )
    )
    html = client.get(reverse("home")).content.decode()
    assert "Waiting for a navigator" in html


def test_a_manager_cannot_remove_their_own_manager_role(world, sign_in):
    membership = membership_of(world, "mia")
    response = sign_in(world.mia).post(
        reverse("organisations:member-remove", args=[world.riverside.pk, membership.pk])
    )
    assert response.status_code == 302
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert organisation_events(world, action=AuditEvent.Action.DELETE) == []


def test_a_membership_of_another_organisation_cannot_be_reached_through_riversides_pages(
    world, sign_in
):
    oscars = Membership.objects.get(user=world.oscar)
    client = sign_in(world.mia)
    for name in ["organisations:member-edit", "organisations:member-remove"]:
        url = reverse(name, args=[world.riverside.pk, oscars.pk])
        assert client.post(url, {"team": world.north_team.pk}).status_code == 404
    assert Membership.objects.filter(pk=oscars.pk, team=None).exists()


# Everyone else


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_riversides_management_pages_to_everyone_but_its_managers(
    world, sign_in, persona
):
    client = sign_in(getattr(world, persona))
    for url in management_urls(world):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_cannot_change_riverside_by_posting(world, sign_in, persona):
    client = sign_in(getattr(world, persona))
    pk = world.riverside.pk
    alices = membership_of(world, "alice")
    attempts = [
        (reverse("organisations:team-create", args=[pk]), {"name": "Rogue team"}),
        (
            reverse("organisations:team-edit", args=[pk, world.north_team.pk]),
            {"name": "Rogue"},
        ),
        (
            reverse("organisations:member-create", args=[pk]),
            {"email": "rogue@example.org", "full_name": "Rogue", "role": "manager"},
        ),
        (
            reverse("organisations:member-edit", args=[pk, alices.pk]),
            {"team": world.south_team.pk},
        ),
        (reverse("organisations:member-remove", args=[pk, alices.pk]), {}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 403, url

    assert sorted(
        Team.objects.filter(organisation=world.riverside).values_list("name", flat=True)
    ) == [
        "North team",
        "South team",
    ]
    assert not User.objects.filter(email="rogue@example.org").exists()
    alices.refresh_from_db()
    assert alices.team == world.north_team
    assert organisation_events(world) == []


def test_it_sends_anonymous_visitors_to_sign_in(world, client):
    for url in [reverse("organisations:manage"), *management_urls(world)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert urlparse(response["Location"]).path == reverse(settings.LOGIN_URL)


def test_hugo_manages_hillside_but_not_riverside(world, sign_in):
    client = sign_in(world.hugo)
    assert (
        client.get(
            reverse("organisations:organisation-detail", args=[world.hillside.pk])
        ).status_code
        == 200
    )
    assert client.get(detail_url(world)).status_code == 403


# The organisation's audit trail


def test_every_change_is_on_the_organisations_audit_page(
    world, sign_in, django_capture_on_commit_callbacks
):
    client = sign_in(world.mia)
    pk = world.riverside.pk
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisations:team-create", args=[pk]), {"name": "East team"}
        )
        client.post(
            reverse("organisations:team-edit", args=[pk, world.north_team.pk]),
            {"name": "Northern team"},
        )
        client.post(
            reverse("organisations:member-create", args=[pk]),
            {
                "email": "nia@riverside.test",
                "full_name": "Nia New",
                "role": "navigator",
            },
        )
        client.post(
            reverse(
                "organisations:member-edit", args=[pk, membership_of(world, "carol").pk]
            ),
            {"team": ""},
        )
        client.post(
            reverse(
                "organisations:member-remove", args=[pk, membership_of(world, "bob").pk]
            )
        )

    actions = [e.action for e in organisation_events(world, actor=world.mia)]
    assert sorted(actions) == sorted(
        ["create", "update", "create", "update", "update", "delete"]
    )

    response = client.get(reverse("organisations:organisation-audit", args=[pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Mia Manager",
        "East team",
        "Northern team",
        "Invitation sent to nia@riverside.test as Navigator",
        "bob@riverside.test removed as Navigator; 1 people unassigned",
        "R-002",  # Bob's person, unassigned, shown by reference
    ]:
        assert text in html, text
    assert "Jo Evans" not in html  # people are shown by reference, not name


def test_the_organisation_audit_page_shows_only_that_organisations_events(
    world, sign_in, client
):
    sign_in(world.hugo).post(
        reverse("organisations:team-create", args=[world.hillside.pk]),
        {"name": "Hill team"},
    )
    client.logout()
    html = (
        sign_in(world.mia)
        .get(reverse("organisations:organisation-audit", args=[world.riverside.pk]))
        .content.decode()
    )
    assert "Hill team" not in html
    assert "Hugo Manager" not in html


def test_hugo_is_refused_riversides_audit_page(world, sign_in):
    response = sign_in(world.hugo).get(
        reverse("organisations:organisation-audit", args=[world.riverside.pk])
    )
    assert response.status_code == 403


def test_the_staff_table_counts_only_active_people_in_this_organisation(world, sign_in):
    Membership.objects.create(
        user=world.alice, role=Membership.Role.NAVIGATOR, organisation=world.hillside
    )
    make_person(world.hillside, reference="H-900", navigator=world.alice)
    make_person(
        world.riverside,
        reference="R-900",
        navigator=world.alice,
        status=Person.Status.CLOSED,
        closure_reason=Person.ClosureReason.GOALS_MET,
    )
    response = sign_in(world.mia).get(
        reverse("organisations:organisation-detail", args=[world.riverside.pk])
    )
    memberships = {m.user_id: m for m in response.context["memberships"]}
    assert memberships[world.alice.pk].caseload == 1


def test_removing_a_navigator_leaves_their_caseload_elsewhere_alone(world, sign_in):
    Membership.objects.create(
        user=world.alice, role=Membership.Role.NAVIGATOR, organisation=world.hillside
    )
    elsewhere = make_person(world.hillside, reference="H-901", navigator=world.alice)
    membership = world.alice.memberships.get(organisation=world.riverside)
    url = reverse(
        "organisations:member-remove", args=[world.riverside.pk, membership.pk]
    )
    assert sign_in(world.mia).post(url).status_code == 302
    elsewhere.refresh_from_db()
    world.alices_person.refresh_from_db()
    assert elsewhere.navigator == world.alice
    assert world.alices_person.navigator is None
