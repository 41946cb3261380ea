from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy

from caremap.accounts import drafts
from caremap.accounts.auditing import account_for, describe, record_about_account
from caremap.accounts.forms import PasswordResetForm, SetPasswordForm, SignInForm
from caremap.http import allow
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        drafts.discard_unless_owner(self.request)
        record(
            AuditEvent.Action.SIGN_IN, by=self.request.user, record=self.request.user
        )
        return response


sign_in = allow("GET", "POST")(SignInView.as_view())


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
