"""Two-step verification: a code from an authenticator app (TOTP, through
django-otp) after the password, with single-use backup codes for when the
phone is not to hand.

A sign-in that needs a code is *held*: the password was right, but the
session is not signed in until the code is too, so no other page can be
reached in between. The held sign-in lives in the (anonymous) session for a
few minutes; `release` completes it with Django's `login`, which keeps the
session data and changes its key.
"""

import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from caremap.accounts import drafts

HELD_KEY = "caremap_held_sign_in"
HELD_SECONDS = 10 * 60
BACKUP_CODES_KEY = "caremap_backup_codes"


def is_required(user):
    """Whether this user may only sign in with a code: administrators when
    the installation says so, and managers in an area that says so."""
    from caremap.organisations.models import Membership

    if settings.TWO_STEP_FOR_ADMINISTRATORS and user.is_administrator:
        return True
    return any(
        m.role == Membership.Role.MANAGER and m.organisation.area.require_two_step
        for m in user.active_memberships
    )


def is_on(user):
    return user_has_device(user, confirmed=True)


def hold(request, user, *, next_url):
    request.session[HELD_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "since": int(time.time()),
        "next": next_url,
    }


def held_user(request):
    """The user whose sign-in is waiting for a code, or None when there is
    none or it has waited too long (then the password is asked again)."""
    held = request.session.get(HELD_KEY)
    if not held:
        return None
    if time.time() - held["since"] > HELD_SECONDS:
        del request.session[HELD_KEY]
        return None
    user = get_user_model().objects.filter(pk=held["user"], is_active=True).first()
    if user is not None:
        user.backend = held["backend"]
    return user


def next_url(request):
    held = request.session.get(HELD_KEY) or {}
    return held.get("next") or settings.LOGIN_REDIRECT_URL


def release(request, user, device):
    """Complete a held sign-in with the device that confirmed it."""
    request.session.pop(HELD_KEY, None)
    login(request, user, backend=user.backend)
    otp_login(request, device)
    drafts.discard_unless_owner(request)


def verify(user, code):
    """(device, None) when `code` is right; (None, None) when it is wrong;
    (None, seconds) when too many wrong codes mean waiting that long first.

    Six digits are tried on the authenticator app, anything else as a
    backup code, so a wrong code slows down only the kind it was meant for.
    Each device counts its own failures and makes the wait double with each
    (django-otp's throttling)."""
    code = tidy(code)
    if code.isdigit() and len(code) == 6:
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=True)
    else:
        devices = StaticDevice.objects.devices_for_user(user, confirmed=True)
    device = devices.first()
    if device is None:
        return None, None
    return check(device, code)


def tidy(code):
    # Apps show codes as "123 456"; backup codes are stored lower-case.
    return "".join(code.split()).lower()


def check(device, code):
    """verify() for one device: (device, None), (None, None) or (None, wait)."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return None, seconds_until(details.get("locked_until"))
    if device.verify_token(tidy(code)):
        return device, None
    return None, None


def seconds_until(moment):
    if moment is None:
        return 1
    return max(1, int((moment - timezone.now()).total_seconds()) + 1)


def new_app_device(user):
    """The unconfirmed authenticator-app device being set up, kept across
    reloads so the code the user has scanned stays the one checked."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    return device


def secret_text(device):
    """The secret, for typing into an app by hand: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device):
    code = segno.make(device.config_url, error="m")
    return code.svg_inline(
        scale=4,
        title=_("QR code to scan with your authenticator app"),
        dark="#0b0c0c",
        light="#ffffff",
        border=4,
    )
