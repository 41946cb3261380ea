"""Changes to people's records. Each is atomic and writes one audit event."""

from django.db import transaction
from django.utils import timezone

from caremap.people.models import Person, PersonStance
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

# The current stance is a copy of the stance history, changed and audited
# only by `record_stance`.
STANCE_FIELDS = {"stance", "stance_recorded_on"}
AUDITED_FIELDS = [
    f.name
    for f in Person._meta.concrete_fields
    if f.name not in {"id", "created_at", "updated_at", *STANCE_FIELDS}
]


@transaction.atomic
def create_person(person, *, by):
    """Save a new person, validated against the model's rules and constraints."""
    person.full_clean()
    person.save()
    changes = {name: ["", value] for name, value in _snapshot(person).items() if value}
    record(
        AuditEvent.Action.CREATE, by=by, record=person, person=person, changes=changes
    )
    return person


@transaction.atomic
def update_person(person, *, by):
    """Save changes to a person, recording each changed field's old and new value."""
    before = (
        Person.objects.select_for_update(of=("self",))
        .select_related("organisation", "navigator")
        .get(pk=person.pk)
    )
    old, new = _snapshot(before), _snapshot(person)
    changes = {
        name: [old[name], new[name]]
        for name in AUDITED_FIELDS
        if old[name] != new[name]
    }
    if not changes:
        return person
    # `person` was read before the form was filled in; a stance recorded
    # meanwhile must not be put back to what it was then.
    for name in STANCE_FIELDS:
        setattr(person, name, getattr(before, name))
    person.full_clean()
    person.save()
    record(
        AuditEvent.Action.UPDATE, by=by, record=person, person=person, changes=changes
    )
    return person


def assign_navigator(person, navigator, *, by):
    person.navigator = navigator
    return update_person(person, by=by)


@transaction.atomic
def record_stance(person, *, stance, recorded_on, by, note=""):
    """Add an entry to the person's stance history, and make it their
    current stance unless a later-dated one is already recorded.

    Returns the new entry."""
    # Locked so two entries recorded at once cannot both decide they are
    # the latest and leave the current stance pointing at the older one.
    locked = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
    entry = PersonStance(
        person=person, stance=stance, recorded_on=recorded_on, note=note, by=by
    )
    entry.full_clean(exclude=["person", "by"])
    entry.save()
    latest = PersonStance.objects.filter(person=person).latest_first().first()
    is_current = latest.pk == entry.pk
    changes = {}
    if is_current:
        Person.objects.filter(pk=person.pk).update(
            stance=entry.stance,
            stance_recorded_on=entry.recorded_on,
            updated_at=timezone.now(),
        )
        for name, old, new in [
            ("stance", locked.stance, entry.stance),
            ("stance_recorded_on", locked.stance_recorded_on, entry.recorded_on),
        ]:
            if old != new:
                changes[name] = [_text(old), _text(new)]
    person.stance, person.stance_recorded_on = latest.stance, latest.recorded_on
    summary = f"Recorded a stance: {entry.stance} on {entry.recorded_on:%Y-%m-%d}"
    if not is_current:
        summary += ", before the current one, so kept as history only"
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=entry,
        person=person,
        summary=summary,
        changes=changes,
    )
    return entry


def _text(value):
    return "" if value is None else str(value)


def _snapshot(person):
    """Each audited field as the text the audit trail shows (a related
    record by its name, not its id)."""
    values = {}
    for name in AUDITED_FIELDS:
        value = getattr(person, name)
        values[name] = "" if value is None else str(value)
    return values
