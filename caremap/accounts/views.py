from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy

from caremap.accounts import drafts
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
    enough: IdleTimeoutMiddleware restarts the idle clock on every request."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)


password_reset = allow("GET", "POST")(
    auth_views.PasswordResetView.as_view(
        form_class=PasswordResetForm,
        template_name="accounts/password_reset.html",
        email_template_name="accounts/emails/password_reset-body-text.txt",
        subject_template_name="accounts/emails/password_reset-subject.txt",
        success_url=reverse_lazy("accounts:password-reset-sent"),
    )
)
password_reset_sent = allow("GET")(
    auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_sent.html"
    )
)
password_reset_confirm = allow("GET", "POST")(
    auth_views.PasswordResetConfirmView.as_view(
        form_class=SetPasswordForm,
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password-reset-complete"),
    )
)
password_reset_complete = allow("GET")(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)
