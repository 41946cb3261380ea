import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from caremap.accounts import drafts
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

LAST_SEEN_KEY = "caremap_last_seen"


class IdleTimeoutMiddleware:
    """Signs staff out after SESSION_IDLE_TIMEOUT without a request.

    A form submitted after the timeout is not thrown away: its fields are kept
    (see `drafts`) and offered back, to the same user only, after they sign in
    again. Without this, a navigator who typed a long note and was called away
    would lose it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = int(time.time())
        if request.user.is_authenticated:
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds():
                return self.sign_out_idle(request)
        response = self.get_response(request)
        # Stamped after the view, so the request that signs someone in starts
        # their idle clock too.
        if request.user.is_authenticated:
            request.session[LAST_SEEN_KEY] = now
        return response

    def sign_out_idle(self, request):
        user_pk = request.user.pk
        post_data = request.POST.copy() if request.method == "POST" else None
        path = request.get_full_path()
        record(
            AuditEvent.Action.SIGN_OUT,
            by=request.user,
            record=request.user,
            summary="Signed out after a period without activity",
        )
        logout(request)
        if post_data is not None:
            drafts.keep(request, path=request.path, data=post_data, user_pk=user_pk)
            messages.warning(
                request,
                _(
                    "You were signed out because you had not done anything for a while. "
                    "What you typed has been kept: sign in again to check it and send it."
                ),
            )
        else:
            messages.info(
                request,
                _("You were signed out because you had not done anything for a while."),
            )
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
