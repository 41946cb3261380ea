"""The project's own tables, used by every app: the spent form tokens that
make a create form safe to send twice (`caremap.concurrency`)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

# Long enough to cover a double click, a resend after a timeout and a kept
# form offered back after signing in again; short enough that the table
# stays a few days' worth of forms.
TOKEN_LIFETIME = datetime.timedelta(days=1)


class FormTokenQuerySet(models.QuerySet):
    def expired(self, now=None):
        return self.filter(created_at__lt=(now or timezone.now()) - TOKEN_LIFETIME)


class FormToken(models.Model):
    """A form's one-time token, once the form has been sent with it, and
    where that sending went (the record it created).

    The token is unique, and it is written in the same transaction as the
    record, so of two sendings at the same moment only one can get past
    writing it."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Where the first sending went: the page of what it created.
    url = models.CharField(max_length=2000, blank=True)

    objects = FormTokenQuerySet.as_manager()

    def __str__(self):
        return self.url or self.token
