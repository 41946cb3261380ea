from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from caremap.accounts import drafts
from caremap.concurrency import guarded
from caremap.http import allow
from caremap.organisations import actions
from caremap.organisations.forms import MemberForm, MembershipTeamForm, TeamForm
from caremap.organisations.models import Invitation, Membership
from caremap.organisations.permissions import (
    get_membership_for_user,
    get_organisation_for_user,
    get_team_for_user,
)
from caremap.organisations.rules import managed_organisation_ids
from caremap.people.models import Person
from caremap.privacy.models import AuditEvent


@allow("GET")
@login_required
def manage(request):
    """Managers land on their organisation; with several, on the first."""
    organisation_ids = sorted(managed_organisation_ids(request.user))
    if not organisation_ids:
        raise PermissionDenied
    return redirect("organisations:organisation-detail", pk=organisation_ids[0])


@allow("GET")
@login_required
def organisation_detail(request, pk):
    organisation = get_organisation_for_user(request, pk)
    teams = organisation.teams.annotate(members=Count("memberships"))
    memberships = (
        Membership.objects.in_organisation(organisation)
        .select_related("user", "team")
        .annotate(
            # Active people in this organisation only: a navigator may also
            # work elsewhere, and closed records are no longer a caseload.
            caseload=Count(
                "user__caseload",
                filter=Q(
                    user__caseload__organisation=organisation,
                    user__caseload__status=Person.Status.ACTIVE,
                ),
                distinct=True,
            )
        )
        .order_by("user__full_name", "role")
    )
    invitations = (
        Invitation.objects.open()
        .filter(organisation=organisation)
        .select_related("team")
        .order_by("email", "role")
    )
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "teams": teams,
            "memberships": memberships,
            "invitations": invitations,
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def team_create(request, pk):
    organisation = get_organisation_for_user(request, pk)
    form = TeamForm(
        drafts.form_data(request),
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        team = actions.create_team(
            organisation, form.cleaned_data["name"], by=request.user
        )
        messages.success(
            request, _("Team %(name)s has been added.") % {"name": team.name}
        )
        return redirect(organisation)
    return render(
        request,
        "organisations/team_form.html",
        {
            "organisation": organisation,
            "form": form,
            "team": None,
            "back_url": organisation.get_absolute_url(),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def team_edit(request, pk, team_pk):
    team = get_team_for_user(request, pk, team_pk)
    organisation = team.organisation
    data = drafts.form_data(request)
    form = TeamForm(
        data, organisation=organisation, team=team, initial={"name": team.name}
    )
    if request.method == "POST" and form.is_valid():
        actions.rename_team(team, form.cleaned_data["name"], by=request.user)
        messages.success(request, _("Your changes have been saved."))
        return redirect(organisation)
    return render(
        request,
        "organisations/team_form.html",
        {
            "organisation": organisation,
            "form": form,
            "team": team,
            "back_url": organisation.get_absolute_url(),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def member_create(request, pk):
    organisation = get_organisation_for_user(request, pk)
    data = drafts.form_data(request)
    form = MemberForm(data, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        invitation, _token = actions.invite_member(
            organisation,
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            role=form.cleaned_data["role"],
            team=form.cleaned_data["team"],
            by=request.user,
            request=request,
        )
        messages.success(
            request,
            _(
                "An invitation has been sent to %(email)s. They join as %(role)s "
                "when they accept it."
            )
            % {
                "email": invitation.email,
                "role": invitation.get_role_display().lower(),
            },
        )
        return redirect(organisation)
    return render(
        request,
        "organisations/member_form.html",
        {
            "organisation": organisation,
            "form": form,
            "back_url": organisation.get_absolute_url(),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def member_edit(request, pk, membership_pk):
    membership = get_membership_for_user(request, pk, membership_pk)
    organisation = membership.organisation
    if membership.role != Membership.Role.NAVIGATOR:
        raise PermissionDenied
    data = drafts.form_data(request)
    form = MembershipTeamForm(
        data,
        organisation=organisation,
        initial={"team": membership.team},
        record=membership,
    )
    if request.method == "POST" and form.is_valid():
        actions.change_membership_team(
            membership, form.cleaned_data["team"], by=request.user
        )
        messages.success(request, _("Your changes have been saved."))
        return redirect(organisation)
    return render(
        request,
        "organisations/member_edit.html",
        {
            "organisation": organisation,
            "form": form,
            "membership": membership,
            "back_url": organisation.get_absolute_url(),
        },
    )


@allow("GET", "POST")
@login_required
def member_remove(request, pk, membership_pk):
    membership = get_membership_for_user(request, pk, membership_pk)
    organisation = membership.organisation
    if membership.user == request.user and membership.role == Membership.Role.MANAGER:
        messages.error(
            request, _("You cannot remove your own manager role. Ask another manager.")
        )
        return redirect(organisation)
    if request.method == "POST":
        unassigned = actions.remove_member(membership, by=request.user)
        messages.success(
            request,
            _(
                "%(name)s no longer has that role. People unassigned from their caseload: %(count)s."
            )
            % {"name": membership.user, "count": unassigned},
        )
        return redirect(organisation)
    caseload = membership.user.caseload.filter(organisation=organisation).count()
    return render(
        request,
        "organisations/member_remove.html",
        {"organisation": organisation, "membership": membership, "caseload": caseload},
    )


@allow("GET")
@login_required
def organisation_audit(request, pk):
    organisation = get_organisation_for_user(request, pk)
    events = AuditEvent.objects.for_organisation(organisation).select_related(
        "actor", "person"
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/organisation_audit.html",
        {"organisation": organisation, "page": page},
    )
