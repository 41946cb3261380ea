"""Who may see and change a person's record. Views, exports and the API all
ask through these permissions (via `people.permissions`), never by hand."""

import rules

from caremap.organisations.rules import (
    managed_organisation_ids,
    person_level_organisation_ids,
)
from caremap.people.models import Person


@rules.predicate
def works_with_people(user):
    return bool(person_level_organisation_ids(user))


@rules.predicate
def can_see_person(user, person):
    if person is None:
        return False
    return Person.objects.visible_to(user).filter(pk=person.pk).exists()


@rules.predicate
def manages_person(user, person):
    return person is not None and person.organisation_id in managed_organisation_ids(
        user
    )


rules.add_perm("people.list_people", works_with_people)
rules.add_perm("people.add_person", works_with_people)
rules.add_perm("people.view_person", manages_person | can_see_person)
rules.add_perm("people.change_person", manages_person | can_see_person)
rules.add_perm("people.assign_navigator", manages_person)
rules.add_perm("people.view_person_audit", manages_person)
