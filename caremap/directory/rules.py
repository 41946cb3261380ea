"""Who may read and keep each area's directory.

Staff read the directories of the areas they work in: navigators and
managers through their organisation's area, commissioners and appointed
editors through theirs. An area may open its directory to the public, and
then anyone may search it. The directory is kept by the managers of the
area's organisations and by editors the area's commissioners appoint;
commissioners appoint and remove editors and see the recovery-community view,
as do managers for their own area.
"""

import rules

from caremap.organisations.models import Membership


def _memberships(user):
    if not user.is_authenticated:
        return []
    return user.active_memberships


def staff_area_ids(user):
    """Areas whose directory `user` reads as staff."""
    ids = set()
    for m in _memberships(user):
        if m.role in (Membership.Role.NAVIGATOR, Membership.Role.MANAGER):
            ids.add(m.organisation.area_id)
        elif m.role == Membership.Role.COMMISSIONER:
            ids.add(m.area_id)
    if user.is_authenticated:
        ids |= editor_area_ids(user)
    return ids


def editor_area_ids(user):
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_directory_editor_areas", None)
    if cached is None:
        cached = set(user.directory_editor_roles.values_list("area_id", flat=True))
        user._directory_editor_areas = cached
    return cached


def keeper_area_ids(user):
    """Areas whose directory `user` may change."""
    ids = {
        m.organisation.area_id
        for m in _memberships(user)
        if m.role == Membership.Role.MANAGER
    }
    return ids | editor_area_ids(user)


def commissioner_area_ids(user):
    return {
        m.area_id for m in _memberships(user) if m.role == Membership.Role.COMMISSIONER
    }


def overseer_area_ids(user):
    """Areas whose recovery community `user` oversees: commissioners for
    their area, managers for their organisation's."""
    return commissioner_area_ids(user) | {
        m.organisation.area_id
        for m in _memberships(user)
        if m.role == Membership.Role.MANAGER
    }


def _area_id(obj):
    return getattr(obj, "area_id", None) or getattr(obj, "pk", None)


@rules.predicate
def reads_area_directory(user, area):
    return area is not None and area.pk in staff_area_ids(user)


@rules.predicate
def area_directory_is_public(user, area):
    if area is None:
        return False
    settings = getattr(area, "directory", None)
    return bool(settings and settings.public)


@rules.predicate
def keeps_area_directory(user, area):
    return area is not None and area.pk in keeper_area_ids(user)


@rules.predicate
def keeps_listing(user, listing):
    return listing is not None and listing.area_id in keeper_area_ids(user)


@rules.predicate
def commissions_area(user, area):
    return area is not None and area.pk in commissioner_area_ids(user)


@rules.predicate
def oversees_area(user, area):
    return area is not None and area.pk in overseer_area_ids(user)


@rules.predicate
def uses_any_directory(user):
    return bool(staff_area_ids(user))


rules.add_perm("directory.search_area", reads_area_directory | area_directory_is_public)
rules.add_perm("directory.use_directory", uses_any_directory)
rules.add_perm("directory.keep_area", keeps_area_directory)
rules.add_perm("directory.change_listing", keeps_listing)
rules.add_perm("directory.appoint_editors", commissions_area)
rules.add_perm("directory.view_community", oversees_area)
