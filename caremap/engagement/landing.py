"""The work list on the home page: open alerts and check-ups due, for a
navigator's people and, for a manager, their whole organisation."""

import datetime

from django.utils import timezone

from caremap.engagement.models import Alert, CheckUp
from caremap.organisations.models import Membership, Organisation
from caremap.people.models import Person

LISTED = 10
CHECK_UPS_WITHIN_DAYS = 14


def _groups(user):
    """(organisation or None for "mine", people) pairs: a navigator's
    visible people where they do not also manage, then each managed
    organisation."""
    managed = {
        m.organisation_id for m in user.memberships_with_role(Membership.Role.MANAGER)
    }
    navigated = {
        m.organisation_id for m in user.memberships_with_role(Membership.Role.NAVIGATOR)
    } - managed
    groups = []
    if navigated:
        groups.append(
            (
                None,
                Person.objects.visible_to(user).filter(organisation_id__in=navigated),
            )
        )
    for organisation in Organisation.objects.filter(pk__in=managed).order_by("name"):
        groups.append((organisation, Person.objects.filter(organisation=organisation)))
    return groups


def sections(user):
    today = timezone.localdate()
    due_by = today + datetime.timedelta(days=CHECK_UPS_WITHIN_DAYS)
    found = []
    for organisation, people in _groups(user):
        alerts = (
            Alert.objects.open()
            .filter(person__in=people)
            .select_related("person", "task")
            .order_by("-raised_at", "-pk")
        )
        check_ups = (
            CheckUp.objects.filter(
                done_on__isnull=True,
                due_on__lte=due_by,
                episode__person__in=people,
            )
            .select_related("episode__person")
            .order_by("due_on", "pk")
        )
        found.append(
            {
                "kind": "work",
                "organisation": organisation,
                "alert_count": alerts.count(),
                "alerts": list(alerts[:LISTED]),
                "check_up_count": check_ups.count(),
                "check_ups": list(check_ups[:LISTED]),
                "today": today,
                "days": CHECK_UPS_WITHIN_DAYS,
            }
        )
    return found
