from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from caremap.accounts import actions, drafts, twostep
from caremap.accounts.auditing import account_for, describe, record_about_account
from caremap.accounts.forms import (
    CodeForm,
    PasswordResetForm,
    SetPasswordForm,
    SignInForm,
)
from caremap.http import allow
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        has_app = twostep.is_on(user)
        if has_app or twostep.is_required(user):
            # The password was right, but the session stays signed out until
            # a code is too (or, where one is required, until the app is set up).
            twostep.hold(self.request, user, next_url=self.get_success_url())
            return redirect(
                "accounts:two-step" if has_app else "accounts:two-step-setup"
            )
        response = super().form_valid(form)
        drafts.discard_unless_owner(self.request)
        record(
            AuditEvent.Action.SIGN_IN, by=self.request.user, record=self.request.user
        )
        return response


sign_in = allow("GET", "POST")(SignInView.as_view())


def admin_sign_in(request, extra_context=None):
    """Django admin's sign-in page, sent to Caremap's (see AccountsConfig)."""
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(next_url)


@allow("POST")
def sign_out(request):
    if request.user.is_authenticated:
        record(AuditEvent.Action.SIGN_OUT, by=request.user, record=request.user)
    logout(request)
    return redirect("accounts:sign-in")


@allow("POST")
def keep_alive(request):
    """Called by the idle warning's "Stay signed in" button. Reaching here is
    enough: SessionTimeoutMiddleware restarts the idle clock on every request."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/emails/password_reset-body-text.txt"
    subject_template_name = "accounts/emails/password_reset-subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The page that follows is the same whether or not the address has
        # an account; only the audit trail knows.
        address = form.cleaned_data["email"]
        user = account_for(address)
        record_about_account(
            AuditEvent.Action.PASSWORD_RESET_REQUESTED,
            user=user,
            by=self.request.user,
            summary=f"New password asked for {describe(address, user)}",
        )
        return response


password_reset = allow("GET", "POST")(PasswordResetView.as_view())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            # Whoever holds the mailbox may sign in again at once: a pause
            # on this account (the paused page points here) is lifted.
            AxesProxyHandler.reset_attempts(username=form.user.email)
            record_about_account(
                AuditEvent.Action.PASSWORD_RESET,
                user=form.user,
                by=form.user,
                summary="Set a new password from a reset link",
            )
        return response


password_reset_sent = allow("GET")(
    auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_sent.html"
    )
)
password_reset_confirm = allow("GET", "POST")(PasswordResetConfirmView.as_view())
password_reset_complete = allow("GET")(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


@allow("GET", "POST")
def two_step(request):
    """The second page of a sign-in: the code from the app, or a backup code."""
    user = twostep.held_user(request)
    if user is None:
        return redirect("accounts:sign-in")
    if not twostep.is_on(user):
        return redirect("accounts:two-step-setup")
    form = CodeForm(request.POST or None, backup=True)
    if request.method == "POST" and form.is_valid():
        device, wait = twostep.verify(user, form.cleaned_data["code"])
        if device is not None:
            return redirect(
                finish_held_sign_in(
                    request, user, device, "Signed in with two-step verification"
                )
            )
        refuse_code(form, user, wait)
    return render(request, "accounts/two_step.html", {"form": form})


def finish_held_sign_in(request, user, device, summary):
    """Sign in the user whose sign-in was held for a code, audit it, and
    return where they were going."""
    next_url = twostep.next_url(request)
    twostep.release(request, user, device)
    record(AuditEvent.Action.SIGN_IN, by=user, record=user, summary=summary)
    return next_url


def refuse_code(form, user, wait):
    if wait:
        form.too_many(wait)
    else:
        form.wrong()
    reason = "too many wrong codes, refused" if wait else "wrong code"
    record_about_account(
        AuditEvent.Action.SIGN_IN_FAILED,
        user=user,
        summary=f"Two-step verification for {user.email}: {reason}",
    )


@allow("GET", "POST")
def two_step_setup(request):
    """Setting up the authenticator app: by choice from the account page, or,
    where the user's role requires it, as part of signing in."""
    held = None
    if request.user.is_authenticated:
        user = request.user
    else:
        held = user = twostep.held_user(request)
        if held is None:
            return redirect_to_login(request.get_full_path())
    if twostep.is_on(user):
        return redirect("accounts:account" if held is None else "accounts:two-step")
    device = twostep.new_app_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed, wait = twostep.check(device, form.cleaned_data["code"])
        if confirmed is not None:
            codes = actions.turn_on_two_step(device, by=user)
            if held is not None:
                next_url = finish_held_sign_in(
                    request,
                    user,
                    device,
                    "Signed in after setting up two-step verification",
                )
            else:
                # The code just given verifies this session too.
                otp_login(request, device)
                next_url = reverse("accounts:account")
            request.session[twostep.BACKUP_CODES_KEY] = {
                "codes": codes,
                "next": next_url,
            }
            return redirect("accounts:two-step-backup-codes")
        refuse_code(form, user, wait)
    return render(
        request,
        "accounts/two_step_setup.html",
        {
            "form": form,
            "qr": twostep.qr_svg(device),
            "secret": twostep.secret_text(device),
            "signing_in": held is not None,
            "back_url": reverse("accounts:account") if held is None else None,
        },
    )


@allow("GET")
@login_required
def two_step_backup_codes(request):
    """The backup codes, shown once: leaving or reloading the page loses them."""
    shown = request.session.pop(twostep.BACKUP_CODES_KEY, None)
    if not shown:
        return redirect("accounts:account")
    return render(
        request,
        "accounts/two_step_backup_codes.html",
        {"codes": shown["codes"], "next_url": shown["next"]},
    )


@allow("GET")
@login_required
def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "two_step_on": twostep.is_on(user),
            "two_step_required": twostep.is_required(user),
        },
    )


@allow("GET", "POST")
@login_required
def two_step_off(request):
    user = request.user
    if not twostep.is_on(user) or twostep.is_required(user):
        return redirect("accounts:account")
    form = CodeForm(request.POST or None, backup=True)
    if request.method == "POST" and form.is_valid():
        device, wait = twostep.verify(user, form.cleaned_data["code"])
        if device is not None:
            actions.turn_off_two_step(user, by=user)
            messages.success(request, _("Two-step verification is off."))
            return redirect("accounts:account")
        refuse_code(form, user, wait)
    return render(
        request,
        "accounts/two_step_off.html",
        {"form": form, "back_url": reverse("accounts:account")},
    )
