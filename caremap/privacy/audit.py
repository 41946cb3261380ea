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
    if person is not None and organisation is None:
        organisation = person.organisation
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


def changed_fields(instance, old_values, fields):
    """The fields whose values differ, as {field: [old, new]} in display text."""
    changes = {}
    for name in fields:
        old = old_values.get(name)
        new = getattr(instance, name)
        if old != new:
            changes[name] = [_as_text(old), _as_text(new)]
    return changes


def _as_text(value):
    return "" if value is None else str(value)
