"""The email that lets a new account holder choose their password."""

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def send_set_password_link(user, request):
    """Email `user` a link to choose a password. PasswordResetForm's own
    save() skips accounts without a usable password, which is exactly what a
    new account is, so the email is built here from its parts. Nobody but
    the holder of the address ever learns the password: administrators and
    managers cannot set one."""
    context = {
        "email": user.email,
        "user": user,
        "domain": request.get_host(),
        "protocol": "https" if request.is_secure() else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    PasswordResetForm().send_mail(
        "accounts/emails/invitation-subject.txt",
        "accounts/emails/invitation-body-text.txt",
        context,
        None,
        user.email,
    )
