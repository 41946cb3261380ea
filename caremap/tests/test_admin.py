from django.urls import reverse

from caremap.organisations.models import Team
from caremap.privacy.models import AuditEvent


def test_an_administrator_change_in_admin_is_audited(world, sign_in):
    client = sign_in(world.ada)
    response = client.post(
        reverse("admin:organisations_team_add"),
        {"organisation": world.riverside.pk, "name": "Outreach team"},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Outreach team")
    event = AuditEvent.objects.get(
        record_type="organisations.team", record_id=str(team.pk)
    )
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == world.ada
    assert event.organisation == world.riverside


def test_admin_does_not_offer_people_or_audit_events(world, sign_in):
    client = sign_in(world.ada)
    html = client.get(reverse("admin:index")).content.decode()
    assert "/admin/people/" not in html
    assert "/admin/privacy/" not in html
    assert client.get("/en/admin/people/person/").status_code == 404


def test_a_manager_cannot_use_admin(world, sign_in):
    client = sign_in(world.mia)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_administrators_see_installed_instruments_but_cannot_change_them(
    world, instruments, sign_in
):
    client = sign_in(world.ada)
    listing = client.get(reverse("admin:instruments_instrumentversion_changelist"))
    assert listing.status_code == 200
    assert "recovery-capital-profile" in listing.content.decode()
    version = instruments["recovery-capital-profile"]
    detail = client.get(
        reverse("admin:instruments_instrumentversion_change", args=[version.pk])
    )
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert (
        client.get(reverse("admin:instruments_instrumentversion_add")).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:instruments_instrumentversion_delete", args=[version.pk]),
            {"post": "yes"},
        ).status_code
        == 403
    )
    assert (
        "/admin/assessments/" not in client.get(reverse("admin:index")).content.decode()
    )
