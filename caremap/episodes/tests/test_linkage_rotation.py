"""Replacing an area's linkage secret: every key in the area is worked out
again under the new secret, in one audited transaction, and linkage goes on
working as before; other areas are untouched."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caremap.episodes import actions, linkage
from caremap.episodes.models import Episode, LinkageSecret
from caremap.episodes.tests.test_episodes import DAY, ago, record
from caremap.organisations.models import Area, Organisation
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import make_person


def expected_key(episode, secret):
    person = episode.person
    return linkage.linkage_key(
        person.given_name,
        person.family_name,
        person.date_of_birth,
        person.sex,
        secret=bytes.fromhex(secret),
    )


@pytest.fixture
def keyed(world):
    """Episodes in two of the area's services for one human (two records),
    one for someone else, one for a name with no letter, and one in another
    area."""
    here = record(world.alices_person, world.alice, started_on=ago(190))
    same_human = make_person(
        world.hillside, reference="H-9", given_name="SAM", family_name="JONES"
    )
    there = record(same_human, world.oscar, referred_on=ago(30), started_on=ago(25))
    other = record(world.bobs_person, world.bob, referred_on=ago(60))
    unkeyable = make_person(
        world.riverside, reference="R-9", given_name="—", family_name="Smith"
    )
    blank = record(unkeyable, world.alice, referred_on=ago(40))
    far_area = Area.objects.create(name="South Hills")
    far = Organisation.objects.create(area=far_area, name="Far Away Recovery")
    stranger = record(make_person(far, reference="F-1"), world.ada, referred_on=ago(30))
    return {
        "here": here,
        "there": there,
        "other": other,
        "blank": blank,
        "stranger": stranger,
    }


def test_every_key_in_the_area_is_worked_out_again_under_a_new_secret(world, keyed):
    old_secret = LinkageSecret.objects.get(area=world.area).secret
    far_secret = LinkageSecret.objects.get(area__name="South Hills").secret
    before = {name: episode.linkage_key for name, episode in keyed.items()}

    assert actions.rotate_linkage_secret(world.area, by=world.ada) == 4

    new_secret = LinkageSecret.objects.get(area=world.area).secret
    assert new_secret != old_secret and len(bytes.fromhex(new_secret)) == 32
    after = {
        name: Episode.objects.get(pk=episode.pk).linkage_key
        for name, episode in keyed.items()
    }
    for name in ("here", "there", "other"):
        assert after[name] == expected_key(keyed[name], new_secret)
        assert after[name] != before[name]
    # The same human at two services still shares a key; others still don't.
    assert after["here"] == after["there"] != after["other"]
    assert after["blank"] == before["blank"] == ""
    assert LinkageSecret.objects.get(area__name="South Hills").secret == far_secret
    assert after["stranger"] == before["stranger"]
    # An episode recorded from now on is keyed under the new secret.
    newcomer = make_person(
        world.riverside, reference="R-10", given_name="Sam", family_name="Jones"
    )
    assert (
        record(newcomer, world.alice, referred_on=ago(5)).linkage_key == after["here"]
    )


def test_the_replacement_is_on_record_without_the_secret(world, keyed):
    actions.rotate_linkage_secret(world.area, by=world.ada)

    event = AuditEvent.objects.get(record_type="episodes.linkagesecret")
    assert event.actor == world.ada
    assert event.action == AuditEvent.Action.UPDATE
    assert event.changes == {"area": "North Valley", "episodes": 4}
    secret = LinkageSecret.objects.get(area=world.area).secret
    assert secret not in str(event.changes) and secret not in event.summary


def test_keys_follow_details_corrected_since_an_episode_was_recorded(world, keyed):
    # A family name corrected after the first episode: the old episode kept
    # the old key, so the two records were two humans. Recomputing from
    # today's details joins them, and their journey with them.
    person = world.alices_person
    person.family_name = "Evans"
    person.save()
    again = make_person(
        world.hillside, reference="H-10", given_name="Sam", family_name="Evans"
    )
    later = record(again, world.oscar, referred_on=ago(20), started_on=ago(20))
    assert later.linkage_key != Episode.objects.get(pk=keyed["here"].pk).linkage_key
    later.refresh_from_db()
    assert later.journey_started_on == ago(20)

    actions.rotate_linkage_secret(world.area, by=world.ada)

    here = Episode.objects.get(pk=keyed["here"].pk)
    later.refresh_from_db()
    assert here.linkage_key == later.linkage_key
    assert later.journey_started_on == here.journey_started_on == ago(190)


def queries_to_rotate(world, people, start):
    for number in range(start, start + people):
        person = make_person(
            world.riverside,
            reference=f"Q-{number}",
            given_name=f"{chr(65 + number)}ndy",
            date_of_birth=datetime.date(1970, 1, 1) + number * DAY,
        )
        record(person, world.alice, started_on=ago(150))
    with CaptureQueriesContext(connection) as queries:
        actions.rotate_linkage_secret(world.area, by=world.ada)
    return len(queries)


def test_the_queries_do_not_grow_with_the_episodes(world, keyed):
    first = queries_to_rotate(world, 2, start=0)
    assert queries_to_rotate(world, 12, start=2) == first


def test_an_area_without_a_secret_is_left_alone(world):
    assert actions.rotate_linkage_secret(world.area, by=world.ada) is None
    assert not LinkageSecret.objects.exists()
    assert not AuditEvent.objects.filter(record_type="episodes.linkagesecret")


def test_the_command_rotates_the_named_area(world, keyed):
    old_secret = LinkageSecret.objects.get(area=world.area).secret
    out = StringIO()

    call_command(
        "episodes", "rotate-linkage-secret", "--area", "North Valley", stdout=out
    )

    assert LinkageSecret.objects.get(area=world.area).secret != old_secret
    assert out.getvalue().startswith(
        "Replaced the linkage secret of North Valley and recomputed the key of "
        "4 episodes from each person's current details."
    )
    event = AuditEvent.objects.get(record_type="episodes.linkagesecret")
    assert event.source == "cli" and event.actor is None


def test_the_command_names_the_areas_when_one_is_unknown(world, keyed):
    with pytest.raises(CommandError) as refused:
        call_command("episodes", "rotate-linkage-secret", "--area", "Nowhere")
    assert str(refused.value) == (
        "There is no area called 'Nowhere'. The areas are: North Valley, South Hills."
    )


def test_the_command_says_when_there_is_nothing_to_replace(world):
    out = StringIO()
    call_command(
        "episodes", "rotate-linkage-secret", "--area", "North Valley", stdout=out
    )
    assert "has no linkage secret yet" in out.getvalue()
