"""Changes to an account that span models and are audited."""

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caremap.accounts.auditing import record_about_account
from caremap.privacy.models import AuditEvent

BACKUP_CODES = 10


def turn_on_two_step(device, *, by):
    """Confirm a newly set-up authenticator app (its first code has been
    checked) and give the account a fresh set of backup codes, returned so
    they can be shown once."""
    user = device.user
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        StaticDevice.objects.filter(user=user).delete()
        backup = StaticDevice.objects.create(user=user, name="Backup codes")
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
        StaticToken.objects.bulk_create(
            StaticToken(device=backup, token=code) for code in codes
        )
        record_about_account(
            AuditEvent.Action.TWO_STEP_ON,
            user=user,
            by=by,
            summary=f"Turned on two-step verification for {user.email}",
        )
    return codes


def turn_off_two_step(user, *, by):
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record_about_account(
            AuditEvent.Action.TWO_STEP_OFF,
            user=user,
            by=by,
            summary=f"Turned off two-step verification for {user.email}",
        )
