"""No lost updates and no double records, for every form in Caremap.

Two parts, used together (see docs/decisions/0014):

- `Guarded`, a mixin for forms. Every form gets a one-time token in a hidden
  field. A form that changes an existing record also gets a fingerprint of
  that record's fields as the page showed them. When the form is checked,
  the record is read again, locked, and fingerprinted; if someone changed it
  since the page was drawn, the form is not valid: the page says so at the
  top, keeps what was typed, lists what is saved now, and carries the new
  fingerprint, so sending it again is a deliberate choice.
- `guarded`, a decorator for the view. A POST that carries either field is
  handled in one transaction, so the lock taken while checking the form is
  held until the change is written. The token is written first, in that same
  transaction, to a table where it is unique: a second sending of the same
  form (a double click, two at once, a resend after a timeout) cannot write
  it again, and goes where the first went instead.

Forms name the fields their fingerprint covers (`fingerprint_fields`, model
field names; a ModelForm's own fields by default) or, for a record spread
over several rows, give the values themselves (`fingerprint_values`).
"""

import datetime
import functools
import json
import re
import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils import formats
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from caremap.models import FormToken

URL_LENGTH = FormToken._meta.get_field("url").max_length

TOKEN_FIELD = "form_token"  # noqa: S105 (a field name, not a secret)
FINGERPRINT_FIELD = "fingerprint"
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")

CHANGED_MESSAGE = _(
    "This was changed by someone else (or in another tab) after you opened "
    "this page, so your changes have not been saved. What is saved now is "
    "shown below and what you typed is still in the form: check it, then "
    "save again to replace what is saved."
)


def new_token():
    return secrets.token_urlsafe(24)


class Guarded:
    """Mixin for a form: a one-time token always, and a fingerprint of the
    record when it edits one (`instance` of a ModelForm, or `record=`)."""

    fingerprint_fields = None
    # Labels for fingerprinted parts that are not fields of the form.
    fingerprint_labels = {}

    def __init__(self, *args, record=None, fingerprint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fingerprint is not None:
            # A record spread over several rows: the page's own reading of it.
            self.fingerprint_values = fingerprint
        if record is None:
            record = getattr(self, "instance", None)
        self.record = record if record is not None and record.pk else None
        self.saved_meanwhile = None
        self.fields[TOKEN_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, max_length=64, initial=new_token
        )
        if self.record is not None:
            self.fields[FINGERPRINT_FIELD] = forms.CharField(
                widget=forms.HiddenInput,
                required=False,
                max_length=64,
                initial=self.fingerprint_of(self.record),
            )

    def fingerprint_names(self):
        if self.fingerprint_fields is not None:
            return list(self.fingerprint_fields)
        return list(self._meta.fields)

    def fingerprint_values(self, record):
        """(name, value) for each part of the record this form edits."""
        return [(name, _value(record, name)) for name in self.fingerprint_names()]

    def fingerprint_of(self, record):
        payload = json.dumps(self.fingerprint_values(record), default=str)
        return salted_hmac("caremap.concurrency.fingerprint", payload).hexdigest()[:32]

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.record is not None:
            self._check_unchanged()

    def _check_unchanged(self):
        name = self.add_prefix(FINGERPRINT_FIELD)
        seen = self.data.get(name)
        if not seen:
            return
        current = self.current_record()
        now = self.fingerprint_of(current)
        if now == seen:
            return
        self.add_error(None, forms.ValidationError(CHANGED_MESSAGE, code="changed"))
        self.saved_meanwhile = self.saved_values(current)
        data = self.data.copy()
        data[name] = now
        self.data = data

    def current_record(self):
        """The record as saved now, locked until the end of the transaction
        (the view's, from `guarded`) so nobody can change it between this
        check and the write."""
        query = type(self.record)._base_manager.filter(pk=self.record.pk)
        if not transaction.get_autocommit():
            query = query.select_for_update()
        current = query.first()
        if current is None:
            raise Http404
        return current

    def saved_values(self, current):
        """(label, saved value) for the fields whose saved value differs
        from what was sent."""
        rows = []
        sent = getattr(self, "cleaned_data", {})
        for name, value in self.fingerprint_values(current):
            if name in sent and _comparable(sent[name]) == _comparable(value):
                continue
            rows.append(
                (self.label_for(current, name), self.display(current, name, value))
            )
        return rows

    def label_for(self, record, name):
        if name in self.fingerprint_labels:
            return self.fingerprint_labels[name]
        if name in self.fields and self.fields[name].label:
            return self.fields[name].label
        try:
            return record._meta.get_field(name).verbose_name.capitalize()
        except FieldDoesNotExist:
            return name

    def display(self, record, name, value):
        """A saved value as a person reads it (`value` is its fingerprinted
        form, used as it is for parts that are not a field of the record)."""
        try:
            field = record._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if field is not None and field.many_to_many:
            value = ", ".join(str(item) for item in getattr(record, name).all())
        elif field is not None and field.is_relation:
            value = getattr(record, name)
        elif field is not None and field.flatchoices:
            raw = field.value_from_object(record)
            value = dict(field.flatchoices).get(raw, raw)
        if isinstance(value, list | tuple):
            value = ", ".join(str(item) for item in value)
        if isinstance(value, bool):
            return (
                pgettext("a yes/no value", "Yes")
                if value
                else pgettext("a yes/no value", "No")
            )
        if isinstance(value, datetime.date):
            return formats.date_format(value, "j F Y")
        if value in (None, "", []):
            return gettext("Not filled in")
        return str(value)


def _value(record, name):
    field = record._meta.get_field(name)
    if field.many_to_many:
        return sorted(
            str(pk) for pk in getattr(record, name).values_list("pk", flat=True)
        )
    value = field.value_from_object(record)
    return "" if value is None else value


def _comparable(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(_comparable(item) for item in value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def guarded(view):
    """Decorate a view whose form is `Guarded`: see the module's docstring."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST" or not (
            TOKEN_FIELD in request.POST or FINGERPRINT_FIELD in request.POST
        ):
            return view(request, *args, **kwargs)
        token = request.POST.get(TOKEN_FIELD, "")
        if not (TOKEN_PATTERN.fullmatch(token) and request.user.is_authenticated):
            token = None
        refusal = None
        with transaction.atomic():
            spent = None
            if token:
                try:
                    with transaction.atomic():
                        spent = FormToken.objects.create(token=token, user=request.user)
                except IntegrityError:
                    return _sent_before(request, token)
                FormToken.objects.expired().delete()
            try:
                response = view(request, *args, **kwargs)
            except (Http404, PermissionDenied) as error:
                # Refusals are audited as they happen: keep that record, and
                # raise the refusal once the transaction is over.
                refusal, response = error, None
            if spent is not None:
                went_to = _went_to(response)
                if went_to and len(went_to) <= URL_LENGTH:
                    spent.url = went_to
                    spent.save(update_fields=["url"])
                else:
                    # Not saved (a mistake to put right, or a refusal): the
                    # corrected form may be sent with the same token.
                    spent.delete()
        if refusal is not None:
            raise refusal
        return response

    wrapper.guarded = True
    return wrapper


def _went_to(response):
    if response is None:
        return ""
    if response.status_code in (301, 302, 303) and response.has_header("Location"):
        return response["Location"]
    return response.get("HX-Redirect", "")


def _sent_before(request, token):
    """The answer to a form sent again: where its first sending went."""
    first = FormToken.objects.filter(token=token, user=request.user).first()
    messages.info(request, gettext("That was already saved."))
    if first is None or not first.url:
        return redirect(request.get_full_path())
    return redirect(first.url)
