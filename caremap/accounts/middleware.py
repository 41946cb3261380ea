import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from caremap.accounts import drafts, twostep
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

LAST_SEEN_KEY = "caremap_last_seen"
SIGNED_IN_AT_KEY = "caremap_signed_in_at"


class SessionTimeoutMiddleware:
    """Signs staff out after SESSION_IDLE_TIMEOUT without a request, and after
    SESSION_MAX_AGE from signing in however busy they are, so that a session
    taken from a shared computer or a stolen cookie does not live for ever.

    A form submitted after either limit is not thrown away: its fields are
    kept (see `drafts`) and offered back, to the same user only, after they
    sign in again. Without this, a navigator who typed a long note and was
    called away would lose it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = int(time.time())
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT_KEY, now)
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - signed_in_at > settings.SESSION_MAX_AGE.total_seconds():
                return sign_out_keeping_input(
                    request,
                    summary="Signed out at the end of the longest session allowed",
                    kept=_(
                        "You were signed out because you had been signed in for "
                        "a long time. What you typed has been kept: sign in "
                        "again to check it and send it."
                    ),
                    not_kept=_(
                        "You were signed out because you had been signed in for "
                        "a long time. Sign in again to carry on."
                    ),
                )
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds():
                return sign_out_keeping_input(
                    request,
                    summary="Signed out after a period without activity",
                    kept=_(
                        "You were signed out because you had not done anything for a while. "
                        "What you typed has been kept: sign in again to check it and send it."
                    ),
                    not_kept=_(
                        "You were signed out because you had not done anything for a while."
                    ),
                )
        response = self.get_response(request)
        # Stamped after the view, so the request that signs someone in starts
        # both clocks. Signing in always starts a fresh session (signing out
        # empties it), so the first stamp is the moment of signing in.
        if request.user.is_authenticated:
            request.session.setdefault(SIGNED_IN_AT_KEY, now)
            request.session[LAST_SEEN_KEY] = now
        return response


class TwoStepRequiredMiddleware:
    """Signs out a session that is not verified with a code when the user's
    role has come to require one (an area switched it on, an administrator
    removed their app) since they signed in. Signing in again asks for the
    code, or for the app to be set up. Sign-in itself never lets such a
    session start: see `twostep`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and twostep.is_required(user)
        ):
            return sign_out_keeping_input(
                request,
                summary="Signed out: two-step verification is required",
                kept=_(
                    "Your role now needs two-step verification. What you typed "
                    "has been kept: sign in again to set it up, then check it "
                    "and send it."
                ),
                not_kept=_(
                    "Your role now needs two-step verification. Sign in again "
                    "to set it up."
                ),
            )
        return self.get_response(request)


def sign_out_keeping_input(request, *, summary, kept, not_kept):
    """End the session and send the user to sign in again, keeping a form
    they were sending for them to check and send again afterwards."""
    user_pk = request.user.pk
    post_data = request.POST.copy() if request.method == "POST" else None
    path = request.get_full_path()
    record(
        AuditEvent.Action.SIGN_OUT,
        by=request.user,
        record=request.user,
        summary=summary,
    )
    logout(request)
    if post_data is not None:
        drafts.keep(request, path=request.path, data=post_data, user_pk=user_pk)
        messages.warning(request, kept)
    else:
        messages.info(request, not_kept)
    return redirect(
        f"{reverse(settings.LOGIN_URL)}?next={path if request.method == 'GET' else request.path}"
    )


class PrivateCacheMiddleware:
    """Pages for signed-in users hold personal data: no browser or proxy may
    store them (a shared or lost phone must not give them back)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response
