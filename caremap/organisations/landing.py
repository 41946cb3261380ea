"""What each role sees first after signing in."""

from django.db.models import Count, Max, Q
from django.utils import timezone

from caremap.organisations.models import Membership, Organisation


def suppressed(counts):
    """Counts as commissioners may see them (None: hidden): counts from 1 to
    4, and whatever would let one be worked out from the area's total, are
    hidden (see caremap/reports/disclosure.py)."""
    from caremap.reports.disclosure import protect_counts

    return protect_counts(counts).counts


def landing_sections(user):
    from caremap.people.models import Person

    sections = []
    navigator_orgs = [
        m.organisation for m in user.memberships_with_role(Membership.Role.NAVIGATOR)
    ]
    if navigator_orgs:
        caseload = Person.objects.filter(
            navigator=user, organisation__in=navigator_orgs
        )
        sections.append(
            {
                "kind": "caseload",
                "people": caseload.active()
                .select_related("organisation")
                .annotate(
                    # Drafts have no submission date, so Max sees completed
                    # assessments only.
                    last_assessed=Max("assessments__submitted_at"),
                    assessments_in_progress=Count(
                        "assessments", filter=Q(assessments__status="draft")
                    ),
                )[:50],
                "active_count": caseload.active().count(),
            }
        )
        sections.append(_referrals_section(user))
    managed = [
        m.organisation for m in user.memberships_with_role(Membership.Role.MANAGER)
    ]
    for organisation in managed:
        people = Person.objects.filter(organisation=organisation)
        counts = people.aggregate(
            active=Count("pk", filter=Q(status=Person.Status.ACTIVE)),
            closed=Count("pk", filter=Q(status=Person.Status.CLOSED)),
            unassigned=Count(
                "pk", filter=Q(status=Person.Status.ACTIVE, navigator__isnull=True)
            ),
        )
        caseloads = (
            people.active()
            .filter(navigator__isnull=False)
            .values("navigator__full_name", "navigator__email")
            .annotate(total=Count("pk"))
            .order_by("navigator__full_name")
        )
        sections.append(
            {
                "kind": "organisation",
                "organisation": organisation,
                "counts": counts,
                "caseloads": caseloads,
            }
        )
    for membership in user.memberships_with_role(Membership.Role.COMMISSIONER):
        organisations = (
            Organisation.objects.filter(area=membership.area)
            .annotate(
                active=Count("people", filter=Q(people__status=Person.Status.ACTIVE))
            )
            .order_by("name")
        )
        organisations = list(organisations)
        shown = suppressed({str(o.pk): o.active for o in organisations})
        sections.append(
            {
                "kind": "area",
                "area": membership.area,
                "organisations": [
                    {
                        "name": o.name,
                        "kind": o.get_kind_display(),
                        "active": shown[str(o.pk)],
                    }
                    for o in organisations
                ],
            }
        )
    sections += _reviews_sections(user)
    sections += _work_sections(user)
    sections += _directory_sections(user)
    if user.is_administrator:
        sections.append({"kind": "administration"})
    return sections


def _work_sections(user):
    from caremap.engagement import landing

    return landing.sections(user)


def _referrals_section(user):
    """Referrals with no news for a while, so the navigator can follow them up."""
    from caremap.referrals.models import AWAITING_UPDATE_AFTER_DAYS, Referral

    waiting = Referral.objects.visible_to(user).awaiting_update()
    return {
        "kind": "referrals",
        "count": waiting.count(),
        "referrals": list(waiting.select_related("person", "service")[:5]),
        "days": AWAITING_UPDATE_AFTER_DAYS,
    }


def _directory_sections(user):
    """For those who keep or oversee an area's directory: how much of it
    needs checking, and the way to the recovery-community view."""
    from caremap.directory.models import Listing
    from caremap.directory.rules import keeper_area_ids, overseer_area_ids
    from caremap.organisations.models import Area

    keeps, oversees = keeper_area_ids(user), overseer_area_ids(user)
    if not keeps | oversees:
        return []
    today = timezone.localdate()
    sections = []
    for area in Area.objects.filter(pk__in=keeps | oversees).order_by("name"):
        listings = Listing.objects.in_area(area)
        sections.append(
            {
                "kind": "directory",
                "area": area,
                "running": listings.running_on(today).count(),
                "due": listings.due_for_review().count(),
                "keeps": area.pk in keeps,
                "oversees": area.pk in oversees,
                "several": len(keeps | oversees) > 1,
            }
        )
    return sections


def _reviews_sections(user):
    """Plan reviews due soon or overdue, overdue first: for a navigator the
    people they can see, for a manager each organisation they manage."""
    import datetime

    from caremap.careplans.models import CarePlan
    from caremap.people.models import Person

    within_days, listed = 14, 10
    today = timezone.localdate()
    due = CarePlan.objects.review_due_by(
        today + datetime.timedelta(days=within_days)
    ).order_by("review_due_on", "pk")
    managed = {
        m.organisation_id for m in user.memberships_with_role(Membership.Role.MANAGER)
    }
    # Where someone both navigates and manages, the manager's list covers it.
    navigated = {
        m.organisation_id for m in user.memberships_with_role(Membership.Role.NAVIGATOR)
    } - managed
    groups = []
    if navigated:
        groups.append(
            (
                None,
                due.filter(
                    person__in=Person.objects.visible_to(user),
                    organisation_id__in=navigated,
                ),
            )
        )
    for organisation in Organisation.objects.filter(pk__in=managed).order_by("name"):
        groups.append((organisation, due.filter(organisation=organisation)))
    return [
        {
            "kind": "reviews",
            "organisation": organisation,
            "count": plans.count(),
            "plans": list(plans.select_related("person")[:listed]),
            "today": today,
            "days": within_days,
        }
        for organisation, plans in groups
    ]
