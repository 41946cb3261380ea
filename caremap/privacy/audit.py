"""Writing audit events. Every action in an `actions.py` and every view of a
person's record calls `record`; the request's address and page come from
`AuditContextMiddleware` so callers need only say who did what to which record."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from caremap.privacy.models import AuditEvent


@dataclass(frozen=True)
class AuditContext:
    ip_address: str | None = None
    path: str = ""
    source: str = "web"


SYSTEM_CONTEXT = AuditContext(source="system")
_context: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


@contextmanager
def audit_context(**values):
    token = _context.set(AuditContext(**values))
    try:
        yield
    finally:
        _context.reset(token)


def record(
    action,
    *,
    by,
    record=None,
    record_type="",
    person=None,
    organisation=None,
    summary="",
    changes=None,
):
    """Write one audit event. `record` is any model instance; its type and id
    are stored as text so the event outlives schema changes to that model."""
    context = _context.get() or SYSTEM_CONTEXT
    if record is not None:
        record_type = record_type or record._meta.label_lower
        record_id = str(record.pk)
    else:
        record_id = ""
    if organisation is None:
        organisation = _organisation_of(person) or _organisation_of(record)
    return AuditEvent.objects.create(
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        record_type=record_type,
        record_id=record_id,
        summary=summary[:255],
        person=person,
        organisation=organisation,
        changes=changes or {},
        ip_address=context.ip_address,
        path=context.path[:255],
        source=context.source,
    )


def _organisation_of(instance):
    """The organisation an event is filed under, so that organisation's
    managers see it in their trail: the instance itself if it is one,
    otherwise its `organisation`, if it has one."""
    if instance is None:
        return None
    if instance._meta.label_lower == "organisations.organisation":
        return instance
    return getattr(instance, "organisation", None)
