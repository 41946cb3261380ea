"""Changes to people's records. Each is atomic and writes one audit event."""

from django.db import transaction

from caremap.people.models import Person
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

AUDITED_FIELDS = [
    f.name
    for f in Person._meta.concrete_fields
    if f.name not in {"id", "created_at", "updated_at"}
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
    person.full_clean()
    person.save()
    record(
        AuditEvent.Action.UPDATE, by=by, record=person, person=person, changes=changes
    )
    return person


def assign_navigator(person, navigator, *, by):
    person.navigator = navigator
    return update_person(person, by=by)


def _snapshot(person):
    """Each audited field as the text the audit trail shows (a related
    record by its name, not its id)."""
    values = {}
    for name in AUDITED_FIELDS:
        value = getattr(person, name)
        values[name] = "" if value is None else str(value)
    return values
