"""The one way views get a referral: through its person, checked and audited."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from caremap.people.permissions import get_person_for_user
from caremap.referrals.models import Referral


def get_referral_for_user(request, pk, *, perm="referrals.view_referrals"):
    """Return referral `pk` if request.user holds `perm` on its person.

    Refusals follow `get_person_for_user`: 403 for users who never work with
    named people, 404 for staff who cannot see this person, so a referral's
    existence is not given away either.
    """
    person_pk = (
        Referral.objects.filter(pk=pk).values_list("person_id", flat=True).first()
    )
    if person_pk is None:
        if not request.user.has_perm("people.list_people"):
            raise PermissionDenied
        raise Http404
    person = get_person_for_user(request, person_pk, perm=perm)
    referral = Referral.objects.select_related(
        "service__listing", "created_by", "organisation"
    ).get(pk=pk)
    referral.person = person
    return referral
