"""The one way views get a person: checked, and the access audited."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from caremap.people.models import Person
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

VIEW = "people.view_person"
CHANGE = "people.change_person"


def refuse_missing(request):
    """The answer when a record hanging off a person (a plan, an episode, an
    alert) does not exist: 403 for users who never see named people, 404 for
    staff, as for the person themselves."""
    if not request.user.has_perm("people.list_people"):
        raise PermissionDenied
    raise Http404


def get_person_for_user(request, pk, *, perm="people.view_person"):
    """Return the person `pk` if request.user holds `perm` on them.

    Every call is an access to a person's record and is audited. Users with no
    person-level role at all (commissioners, administrators) get 403; staff
    asking for someone outside their caseload or organisation get 404, so the
    answer does not reveal whether that person exists. Both refusals are
    audited, since repeated attempts are worth a manager's attention.
    """
    user = request.user
    if not user.has_perm("people.list_people"):
        _record_refusal(request, pk)
        raise PermissionDenied
    person = (
        Person.objects.select_related("organisation", "navigator").filter(pk=pk).first()
    )
    if person is None:
        raise Http404
    if not user.has_perm("people.view_person", person):
        _record_refusal(request, pk, person=person)
        raise Http404
    if perm != "people.view_person" and not user.has_perm(perm, person):
        _record_refusal(request, pk, person=person)
        raise PermissionDenied
    record(AuditEvent.Action.VIEW, by=user, record=person, person=person)
    return person


def _record_refusal(request, pk, person=None):
    record(
        AuditEvent.Action.DENIED,
        by=request.user,
        record_type="people.person",
        record=person,
        person=person,
        summary=f"Refused access to person {pk}",
    )
