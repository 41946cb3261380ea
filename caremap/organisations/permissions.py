from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from caremap.organisations.models import Membership, Organisation, Team


def get_organisation_for_user(request, pk):
    """The organisation `pk`, if request.user manages it; 403 otherwise."""
    organisation = get_object_or_404(Organisation.objects.select_related("area"), pk=pk)
    if not request.user.has_perm("organisations.manage_organisation", organisation):
        raise PermissionDenied
    return organisation


def get_team_for_user(request, organisation_pk, pk):
    organisation = get_organisation_for_user(request, organisation_pk)
    return get_object_or_404(Team, organisation=organisation, pk=pk)


def get_membership_for_user(request, organisation_pk, pk):
    organisation = get_organisation_for_user(request, organisation_pk)
    return get_object_or_404(
        Membership.objects.select_related("user", "team", "organisation"),
        organisation=organisation,
        pk=pk,
    )
