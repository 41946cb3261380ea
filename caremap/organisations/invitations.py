"""Invitations to an organisation's staff: the manager's side (sending and
cancelling, on the organisation's pages) and the invited person's side (the
link in the email), which is the only place an account's existence makes a
difference, and only to the holder of the address."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from caremap.accounts.models import User
from caremap.http import allow
from caremap.organisations import actions
from caremap.organisations.forms import JoinForm
from caremap.organisations.models import Invitation
from caremap.organisations.permissions import get_organisation_for_user


@allow("GET", "POST")
@login_required
def invitation_cancel(request, pk, invitation_pk):
    organisation = get_organisation_for_user(request, pk)
    invitation = get_object_or_404(
        Invitation.objects.open(), organisation=organisation, pk=invitation_pk
    )
    if request.method == "POST":
        actions.cancel_invitation(invitation, by=request.user)
        messages.success(
            request,
            _("The invitation to %(email)s has been cancelled.")
            % {"email": invitation.email},
        )
        return redirect(organisation)
    return render(
        request,
        "organisations/invitation_cancel.html",
        {"organisation": organisation, "invitation": invitation},
    )


@allow("GET", "POST")
def invitation(request, token):
    """Where the emailed link lands. Who is asking decides what is offered:
    the invited account (accept or decline), another account (sign out
    first), nobody signed in with an account at the address (sign in), or
    nobody with one (set one up and accept)."""
    found = Invitation.objects.select_related("organisation", "team").filter(
        token_hash=Invitation.hash_token(token)
    )
    invitation = found.first()
    if invitation is None or not invitation.is_open:
        return render(request, "organisations/invitation_closed.html", status=404)
    user = request.user
    context = {"invitation": invitation}
    if user.is_authenticated:
        if user.email != invitation.email:
            if request.method == "POST" and request.POST.get("choice") == "sign-out":
                logout(request)
                return redirect(request.path)
            return render(request, "organisations/invitation_other.html", context)
        return _answer(request, invitation, context)
    account = User.objects.filter(email=invitation.email).first()
    if account is not None and account.has_usable_password():
        return redirect_to_login(request.get_full_path())
    return _join(request, invitation, context)


def _answer(request, invitation, context):
    if request.method == "POST":
        choice = request.POST.get("choice")
        try:
            if choice == "accept":
                actions.accept_invitation(invitation, by=request.user)
                messages.success(
                    request,
                    _("You have joined %(organisation)s.")
                    % {"organisation": invitation.organisation.name},
                )
                return redirect("home")
            if choice == "decline":
                actions.decline_invitation(invitation, by=request.user)
                messages.success(request, _("You have declined the invitation."))
                return redirect("home")
        except ValidationError as error:
            context["problems"] = error.messages
            return render(
                request, "organisations/invitation_answer.html", context, status=400
            )
    return render(request, "organisations/invitation_answer.html", context)


def _join(request, invitation, context):
    form = JoinForm(
        request.POST if request.method == "POST" else None,
        email=invitation.email,
        initial={"full_name": invitation.full_name},
    )
    if request.method == "POST" and request.POST.get("choice") == "decline":
        actions.decline_invitation(invitation)
        messages.success(request, _("You have declined the invitation."))
        return redirect("accounts:sign-in")
    if request.method == "POST" and form.is_valid():
        try:
            actions.join_with_new_account(
                invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(
                request,
                _(
                    "Your account is ready and you have joined %(organisation)s. "
                    "Sign in with your email address and new password."
                )
                % {"organisation": invitation.organisation.name},
            )
            return redirect("accounts:sign-in")
    context["form"] = form
    return render(request, "organisations/invitation_join.html", context)
