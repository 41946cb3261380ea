"""Pausing sign-in after repeated failures, through django-axes.

Three counts are kept over the same failed attempts, each with its own limit:

- one email address from one client address (`AXES_FAILURE_LIMIT`): someone
  who has forgotten their password, or a guesser at one account;
- one email address from anywhere (`AXES_ACCOUNT_FAILURE_LIMIT`): guessing
  spread over many addresses. Set higher than the first, because anyone who
  knows an address can use it to pause that person's signing in;
- one client address, whatever accounts it tries (`AXES_ADDRESS_FAILURE_LIMIT`):
  password spraying, one common password tried against many accounts.

Axes counts the first itself (`AXES_LOCKOUT_PARAMETERS`). It compares every
lockout parameter against one failure limit, so the two wider counts, with
limits of their own, are added here in a handler, the extension point axes
offers for this. Every failure and every pause is also written to the audit
trail (see `auditing`).
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

from caremap.accounts.auditing import account_for, describe, record_about_account
from caremap.accounts.identity import normalise_address
from caremap.privacy.models import AuditEvent

PAIR = "address_and_account"
ACCOUNT = "account"
ADDRESS = "address"


def username_for_lockout(request, credentials):
    """AXES_USERNAME_CALLABLE: the address as accounts are keyed, so every
    spelling of it shares one count."""
    if credentials:
        typed = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        typed = getattr(request, "data", request.POST).get(
            settings.AXES_USERNAME_FORM_FIELD
        )
    return normalise_address(typed)


def pause_minutes():
    return int(get_cool_off().total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the paused page, saying how long the pause is.
    It never says which count was reached, nor whether the account exists."""
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": pause_minutes()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class SignInAttemptHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or bool(
            self.wider_limits_reached(request, credentials)
        )

    def wider_limits_reached(self, request, credentials=None):
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return []
        recent = AccessAttempt.objects.filter(
            attempt_time__gte=get_cool_off_threshold(request)
        )
        username = get_client_username(request, credentials)
        counts = [
            (ACCOUNT, settings.AXES_ACCOUNT_FAILURE_LIMIT, {"username": username}),
            (
                ADDRESS,
                settings.AXES_ADDRESS_FAILURE_LIMIT,
                {"ip_address": request.axes_ip_address},
            ),
        ]
        return [
            name
            for name, limit, match in counts
            # A limit of 0 switches that count off.
            if limit
            and all(match.values())
            and failures(recent.filter(**match)) >= limit
        ]

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        # Set before the password is checked when signing in is already
        # paused (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off).
        refused = request.axes_locked_out
        super().user_login_failed(sender, credentials, request, **kwargs)
        if refused:
            audit_failure(request, credentials, reason="paused")
            return
        reached = self.wider_limits_reached(request, credentials)
        if request.axes_locked_out:
            reached.insert(0, PAIR)
        elif reached:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
        audit_failure(request, credentials, reason="wrong_password")
        if reached:
            audit_failure(request, credentials, reason="paused", limits=reached)


def failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


REASONS = {
    "wrong_password": "wrong password",
    "switched_off": "account switched off",
    "paused": "refused while signing in is paused",
}
LIMITS = {
    PAIR: "too many from one address",
    ACCOUNT: "too many for this account",
    ADDRESS: "too many from one address across accounts",
}


def audit_failure(request, credentials, *, reason, limits=None):
    """A failed sign-in (or, with `limits`, the pause it started). No
    password is stored. An address with no account is recorded as typed, for
    spotting spraying; nothing about it is shown to the person signing in."""
    address = get_client_username(request, credentials) or ""
    user = account_for(address)
    if user is not None and not user.is_active and reason == "wrong_password":
        reason = "switched_off"
    if limits:
        record_about_account(
            AuditEvent.Action.LOCKED_OUT,
            user=user,
            summary=f"Signing in paused for {describe(address, user)}: "
            + ", ".join(LIMITS[limit] for limit in limits),
        )
    else:
        record_about_account(
            AuditEvent.Action.SIGN_IN_FAILED,
            user=user,
            summary=f"Failed sign-in for {describe(address, user)}: {REASONS[reason]}",
        )
