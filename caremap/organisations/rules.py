"""Who may do what with organisations, teams and memberships."""

import rules

from caremap.organisations.models import Membership


def managed_organisation_ids(user):
    if not user.is_authenticated:
        return set()
    return {
        m.organisation_id for m in user.memberships_with_role(Membership.Role.MANAGER)
    }


def person_level_organisation_ids(user):
    """Organisations in which the user works with named people."""
    if not user.is_authenticated:
        return set()
    return {
        m.organisation_id
        for m in user.active_memberships
        if m.role in (Membership.Role.NAVIGATOR, Membership.Role.MANAGER)
    }


@rules.predicate
def is_manager_of(user, organisation):
    return organisation is not None and organisation.pk in managed_organisation_ids(
        user
    )


@rules.predicate
def is_any_manager(user):
    return bool(managed_organisation_ids(user))


rules.add_perm("organisations.manage_organisation", is_manager_of)
rules.add_perm("organisations.manage_any_organisation", is_any_manager)
