"""Recording episodes. Each change is one transaction and one audit event;
the person's row is locked first, so two episodes recorded at once cannot
both slip past the overlap check."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from caremap.episodes import linkage
from caremap.episodes.models import Episode, LinkageSecret
from caremap.people.models import Person
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

AUDITED = [
    "referred_on",
    "referral_source",
    "triaged_on",
    "started_on",
    "substance_group",
    "on_substitution_medication",
    "ended_on",
    "exit_reason",
]


def area_secret(area_id) -> bytes:
    """The area's linkage secret, made the first time it is needed."""
    secret, _created = LinkageSecret.objects.get_or_create(
        area_id=area_id, defaults={"secret": secrets.token_hex(32)}
    )
    return bytes.fromhex(secret.secret)


def linkage_key_for(person) -> str:
    """The person's key in their organisation's area, or "" when their name
    has no letter to take an initial from."""
    try:
        return linkage.linkage_key(
            person.given_name,
            person.family_name,
            person.date_of_birth,
            person.sex,
            secret=area_secret(person.organisation.area_id),
        )
    except linkage.NoInitial:
        return ""


@transaction.atomic
def rotate_linkage_secret(area, *, by):
    """Replace the area's linkage secret with a new one and work out every
    stored key in the area again under it, from each person's details as
    they are now. Returns how many episodes were keyed, or None when the area
    has no secret yet (it gets one with its first episode).

    Every person in the area is locked first: recording an episode locks its
    person before reading the secret, so none can be keyed under the old
    secret once this has begun."""
    secret = LinkageSecret.objects.select_for_update().filter(area=area).first()
    if secret is None:
        return None
    list(
        Person.objects.select_for_update()
        .filter(organisation__area=area)
        .values_list("pk", flat=True)
    )
    secret.secret = secrets.token_hex(32)
    secret.created_at = timezone.now()
    secret.save(update_fields=["secret", "created_at"])
    key = bytes.fromhex(secret.secret)
    episodes = Episode.objects.filter(organisation__area=area)
    rows = episodes.values_list(
        "pk",
        "person__given_name",
        "person__family_name",
        "person__date_of_birth",
        "person__sex",
    )
    batch = []
    keyed = 0
    for pk, given_name, family_name, date_of_birth, sex in rows.iterator(2000):
        try:
            value = linkage.linkage_key(
                given_name, family_name, date_of_birth, sex, secret=key
            )
        except linkage.NoInitial:
            value = ""
        batch.append(Episode(pk=pk, linkage_key=value))
        keyed += 1
        if len(batch) == 2000:
            Episode.objects.bulk_update(batch, ["linkage_key"])
            batch = []
    Episode.objects.bulk_update(batch, ["linkage_key"])
    # Keys from today's details can join episodes that older details kept
    # apart, so journeys are worked out again over the whole area.
    episodes.refresh_journeys()
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=secret,
        summary="Replaced the area's linkage secret and recomputed its keys",
        changes={"area": area.name, "episodes": keyed},
    )
    return keyed


@transaction.atomic
def record_episode(person, *, by, **fields):
    """A new episode for `person` at their organisation."""
    _lock(person)
    episode = Episode(
        person=person, organisation=person.organisation, recorded_by=by, **fields
    )
    _check(episode)
    episode.linkage_key = linkage_key_for(person)
    episode.save()
    Episode.objects.journeyers_of(episode).refresh_journeys()
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=episode,
        person=person,
        summary="Recorded an episode",
        changes={name: ["", _text(episode, name)] for name in AUDITED},
    )
    return episode


@transaction.atomic
def change_episode(episode, *, by, **fields):
    """Correct or move on an episode: any of its dates, its details, its exit."""
    _lock(episode.person)
    before = {name: _text(episode, name) for name in AUDITED}
    for name, value in fields.items():
        setattr(episode, name, value)
    changes = {
        name: [before[name], _text(episode, name)]
        for name in AUDITED
        if before[name] != _text(episode, name)
    }
    if not changes:
        return episode
    _check(episode)
    episode.save()
    Episode.objects.journeyers_of(episode).refresh_journeys()
    summary = "Ended an episode" if "ended_on" in changes else "Changed an episode"
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=episode,
        person=episode.person,
        summary=summary,
        changes=changes,
    )
    return episode


def _lock(person):
    Person.objects.select_for_update().filter(pk=person.pk).first()


def _check(episode):
    """The model's rules, then no overlap with the person's other episodes
    at the same organisation."""
    episode.full_clean(exclude=["person", "organisation", "recorded_by"])
    others = Episode.objects.overlapping(
        episode.person, episode.organisation, episode.referred_on, episode.ended_on
    ).exclude(pk=episode.pk)
    clash = others.order_by("referred_on").first()
    if clash is not None:
        raise ValidationError({"referred_on": _overlap_message(clash)})


def _overlap_message(clash):
    referred = formats.date_format(clash.referred_on, "j F Y")
    if clash.ended_on is None:
        return _(
            "This overlaps the episode referred on %(referred)s, which is still "
            "open. End that episode first, or change this one's dates."
        ) % {"referred": referred}
    return _(
        "This overlaps the episode from %(referred)s to %(ended)s. Episodes at "
        "the same service cannot overlap: change the dates."
    ) % {"referred": referred, "ended": formats.date_format(clash.ended_on, "j F Y")}


def _text(episode, name):
    value = getattr(episode, name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
