"""The groups a person goes to and their attendance, and a group's register
taken on a phone by the navigator or peer mentor at the session."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caremap.accounts import drafts
from caremap.concurrency import guarded
from caremap.directory.models import Listing
from caremap.engagement import actions
from caremap.engagement.attendance_forms import (
    GROUP_KINDS,
    AttendanceForm,
    GroupMembershipChangeForm,
    GroupMembershipForm,
    RegisterForm,
    StopGoingForm,
)
from caremap.engagement.models import Attendance, GroupMembership
from caremap.http import allow
from caremap.people.models import Person
from caremap.people.permissions import CHANGE, get_person_for_user
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

RECENT_SESSIONS = 10
# Tokens of forms already sent, per session; a few are enough to catch a
# form sent twice.
SPENT_TOKENS_KEY = "engagement_spent_group_tokens"
SPENT_TOKENS_KEPT = 20


def _long_date(day):
    return formats.date_format(day, "j F Y")


def with_last_attendance(memberships):
    """Each membership with its last recorded session (`last_on`,
    `last_attended`) and the last session they went to (`last_went_on`), in
    the one query."""
    sessions = Attendance.objects.filter(membership=OuterRef("pk")).order_by(
        "-on", "-pk"
    )
    return memberships.annotate(
        last_on=Subquery(sessions.values("on")[:1]),
        last_attended=Subquery(sessions.values("attended")[:1]),
        last_went_on=Subquery(sessions.filter(attended=True).values("on")[:1]),
    )


def groups_card(request, person, *, can_record=None):
    """What `engagement/groups_card.html` needs on the person's page: one
    query, and two more for the permission unless the caller already knows
    it (`can_record`, the same "people.change_person" the contacts card asks)."""
    current = with_last_attendance(
        GroupMembership.objects.filter(person=person, ended_on__isnull=True)
    )
    if can_record is None:
        can_record = request.user.has_perm(CHANGE, person)
    return {"current_groups": list(current), "can_record_groups": can_record}


@allow("GET")
@login_required
def person_groups(request, person_pk):
    person = get_person_for_user(request, person_pk)
    memberships = list(
        with_last_attendance(GroupMembership.objects.filter(person=person)).order_by(
            "-started_on", "name", "pk"
        )
    )
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=person,
        person=person,
        summary="Looked at the person's groups",
    )
    return render(
        request,
        "engagement/attendance/person_groups.html",
        {
            "person": person,
            "current": [m for m in memberships if m.ended_on is None],
            "past": [m for m in memberships if m.ended_on is not None],
            "can_record": request.user.has_perm(CHANGE, person),
        },
    )


def _spent(request, token):
    return (request.session.get(SPENT_TOKENS_KEY) or {}).get(str(token))


def _spend(request, token, value):
    spent = dict(request.session.get(SPENT_TOKENS_KEY) or {})
    spent[str(token)] = value
    request.session[SPENT_TOKENS_KEY] = dict(list(spent.items())[-SPENT_TOKENS_KEPT:])


def _group_listings(person):
    return list(
        Listing.objects.in_area(person.organisation.area_id)
        .findable(timezone.localdate())
        .filter(kind__in=GROUP_KINDS)
        .select_related("service")
        .order_by("kind", "service__name", "pk")
    )


def _groups_url(person):
    return reverse("engagement:person-groups", args=[person.pk])


@allow("GET", "POST")
@login_required
@guarded
def group_add(request, person_pk):
    person = get_person_for_user(request, person_pk, perm=CHANGE)
    form = GroupMembershipForm(
        drafts.form_data(request), listings=_group_listings(person)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token = data["token"]
        if token and _spent(request, token):
            messages.info(request, _("That group was already added."))
            return redirect(_groups_url(person))
        listing = data["listing"]
        duplicate = GroupMembership.objects.filter(
            person=person, ended_on__isnull=True
        ).filter(
            service=listing.service if listing else None,
            **({} if listing else {"name__iexact": data["name"]}),
        )
        if duplicate.exists():
            form.add_error(
                "service" if listing else "name",
                _("%(name)s already goes to this group")
                % {"name": person.display_name},
            )
        else:
            membership = actions.add_group_membership(
                person,
                by=request.user,
                service=listing.service if listing else None,
                name=data["name"],
                regular=data["regular"],
                on_register=data["on_register"],
                started_on=data["started_on"],
            )
            if token:
                _spend(request, token, membership.pk)
            messages.success(
                request, _("Group added: %(group)s.") % {"group": membership.name}
            )
            return redirect(_groups_url(person))
    return render(
        request,
        "engagement/attendance/group_form.html",
        {"form": form, "person": person, "back_url": _groups_url(person)},
    )


def _membership(person, membership_pk):
    return get_object_or_404(
        GroupMembership.objects.select_related("service"),
        pk=membership_pk,
        person=person,
    )


@allow("GET", "POST")
@login_required
@guarded
def group_change(request, person_pk, membership_pk):
    person = get_person_for_user(request, person_pk, perm=CHANGE)
    membership = _membership(person, membership_pk)
    form = GroupMembershipChangeForm(drafts.form_data(request), membership=membership)
    if request.method == "POST" and form.is_valid():
        changes = actions.change_group_membership(
            membership,
            by=request.user,
            regular=form.cleaned_data["regular"],
            on_register=form.cleaned_data["on_register"],
        )
        if changes:
            messages.success(
                request, _("Saved: %(group)s.") % {"group": membership.name}
            )
        else:
            messages.info(request, _("Nothing needed changing."))
        return redirect(_groups_url(person))
    return render(
        request,
        "engagement/attendance/group_change.html",
        {
            "form": form,
            "person": person,
            "membership": membership,
            "back_url": _groups_url(person),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def group_stop(request, person_pk, membership_pk):
    person = get_person_for_user(request, person_pk, perm=CHANGE)
    membership = _membership(person, membership_pk)
    if membership.ended_on is not None:
        messages.info(
            request,
            _("You have already recorded that they stopped going to %(group)s.")
            % {"group": membership.name},
        )
        return redirect(_groups_url(person))
    form = StopGoingForm(drafts.form_data(request), membership=membership)
    if request.method == "POST" and form.is_valid():
        actions.stop_group_membership(
            membership, by=request.user, ended_on=form.cleaned_data["ended_on"]
        )
        messages.success(
            request,
            _("Recorded: they stopped going to %(group)s.")
            % {"group": membership.name},
        )
        return redirect(_groups_url(person))
    return render(
        request,
        "engagement/attendance/group_stop.html",
        {
            "form": form,
            "person": person,
            "membership": membership,
            "back_url": _groups_url(person),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def attendance_record(request, person_pk, membership_pk):
    person = get_person_for_user(request, person_pk, perm=CHANGE)
    membership = _membership(person, membership_pk)
    form = AttendanceForm(drafts.form_data(request), membership=membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _attendance, outcome = actions.record_attendance(
            membership,
            on=data["on"],
            attended=data["attended"],
            source=data["source"],
            by=request.user,
        )
        values = {"group": membership.name, "day": _long_date(data["on"])}
        if outcome == "unchanged":
            messages.info(request, _("That was already recorded."))
        elif data["attended"]:
            messages.success(
                request, _("Recorded: they went to %(group)s on %(day)s.") % values
            )
        else:
            messages.success(
                request,
                _("Recorded: they did not go to %(group)s on %(day)s.") % values,
            )
        return redirect(_groups_url(person))
    return render(
        request,
        "engagement/attendance/attendance_form.html",
        {
            "form": form,
            "person": person,
            "membership": membership,
            "recent": list(
                membership.attendances.select_related("recorded_by")[:RECENT_SESSIONS]
            ),
            "back_url": _groups_url(person),
        },
    )


# Registers -----------------------------------------------------------------


def _may_take_registers(request):
    if not request.user.has_perm("people.list_people"):
        record(
            AuditEvent.Action.DENIED,
            by=request.user,
            record_type="engagement.groupmembership",
            summary="Refused a group register",
        )
        raise PermissionDenied


def _on_registers(user):
    """Open memberships of directory groups, of people `user` may see, who
    have agreed to be on the group's register. Nobody else is ever listed."""
    return GroupMembership.objects.filter(
        person__in=Person.objects.visible_to(user).active(),
        service__isnull=False,
        on_register=True,
        ended_on__isnull=True,
    )


@allow("GET")
@login_required
def register_choose(request):
    _may_take_registers(request)
    groups = {}
    for service_id, name in (
        _on_registers(request.user)
        .values_list("service_id", "service__name")
        .order_by("service__name", "service_id")
    ):
        group = groups.setdefault(service_id, {"id": service_id, "name": name})
        group["people"] = group.get("people", 0) + 1
    record(
        AuditEvent.Action.LIST,
        by=request.user,
        record_type="engagement.groupmembership",
        summary=f"Group registers: {len(groups)} groups",
    )
    return render(
        request,
        "engagement/attendance/register_choose.html",
        {"groups": list(groups.values())},
    )


def _register_memberships(user, service_id):
    memberships = sorted(
        _on_registers(user)
        .filter(service_id=service_id)
        .select_related("service", "person", "person__organisation"),
        key=lambda m: (m.person.display_name.casefold(), m.person.reference, m.pk),
    )
    if not memberships:
        raise Http404
    names = [m.person.display_name.casefold() for m in memberships]
    for membership in memberships:
        membership.register_label = membership.person.display_name
        # Only a shared name needs telling apart, and then by reference.
        membership.shares_name = (
            names.count(membership.person.display_name.casefold()) > 1
        )
    return memberships


def _day_from_query(request):
    try:
        day = datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()
    return min(day, timezone.localdate())


@allow("GET", "POST")
@login_required
@guarded
def register(request, service_id):
    _may_take_registers(request)
    memberships = _register_memberships(request.user, service_id)
    service = memberships[0].service
    if request.method == "POST":
        form = RegisterForm(request.POST, memberships=memberships)
        if form.is_valid():
            on = form.cleaned_data["on"]
            result = actions.record_register(
                service,
                memberships,
                on=on,
                went=form.cleaned_data["went"],
                by=request.user,
            )
            _tell_register_saved(request, result, service=service, on=on)
            url = reverse("engagement:register", args=[service_id])
            return redirect(f"{url}?{urlencode({'on': on.isoformat()})}")
        on = None
    else:
        on = _day_from_query(request)
        went = Attendance.objects.filter(
            membership__in=[m.pk for m in memberships], on=on, attended=True
        ).values_list("membership_id", flat=True)
        form = RegisterForm(
            initial={"on": on, "went": [str(pk) for pk in went]},
            memberships=memberships,
        )
    ticked = set(form["went"].value() or [])
    for membership in memberships:
        membership.ticked = str(membership.pk) in ticked
    for organisation in {m.person.organisation for m in memberships}:
        record(
            AuditEvent.Action.LIST,
            by=request.user,
            record=service,
            organisation=organisation,
            summary=f"Opened the register of {service.name}",
            changes={
                "people": [
                    m.person_id
                    for m in memberships
                    if m.person.organisation_id == organisation.pk
                ]
            },
        )
    return render(
        request,
        "engagement/attendance/register.html",
        {
            "form": form,
            "service": service,
            "memberships": memberships,
            "on": on,
            "back_url": reverse("engagement:register-choose"),
        },
    )


def _tell_register_saved(request, result, *, service, on):
    values = {"group": service.name, "day": _long_date(on)}
    recorded = result["went"] + result["missed"]
    if recorded and result["unchanged"] == recorded:
        messages.info(
            request,
            _("The register for %(group)s on %(day)s was already saved.") % values,
        )
    elif recorded:
        messages.success(
            request,
            _("Register saved for %(group)s on %(day)s: %(went)s, %(missed)s.")
            % {
                **values,
                "went": ngettext(
                    "%(count)s person went", "%(count)s people went", result["went"]
                )
                % {"count": result["went"]},
                "missed": ngettext(
                    "%(count)s did not go", "%(count)s did not go", result["missed"]
                )
                % {"count": result["missed"]},
            },
        )
    for membership in result["skipped"]:
        messages.warning(
            request,
            _("Not recorded for %(name)s: they were not going to the group on %(day)s.")
            % {"name": membership.person.display_name, "day": _long_date(on)},
        )
