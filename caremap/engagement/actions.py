"""Recording contacts: one transaction and one audit event each. A form
carries a one-time token, so sending it twice records one contact."""

from django.db import IntegrityError, transaction

from caremap.engagement.models import Contact
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent


def record_contact(person, *, by, token=None, **fields):
    """The contact, and whether it is new (False: this form was already
    sent, and the contact it recorded is returned)."""
    if token is not None:
        existing = Contact.objects.filter(token=token, person=person).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            contact = Contact(
                person=person,
                organisation=person.organisation,
                by=by,
                token=token,
                **fields,
            )
            contact.full_clean(exclude=["person", "organisation", "by", "token"])
            contact.save()
            record(
                AuditEvent.Action.CREATE,
                by=by,
                record=contact,
                person=person,
                summary=f"Recorded a contact: {contact.method}, {contact.outcome}",
            )
    except IntegrityError:
        # The same token, sent twice at the same moment: the first won.
        return Contact.objects.get(token=token), False
    return contact, True
