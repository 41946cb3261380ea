"""Database triggers that keep audit events append-only even for code that
bypasses the ORM guards on AuditEvent.

PostgreSQL refuses row UPDATE and DELETE. TRUNCATE is left to the database
owner: it is an operator's act, not something the app ever issues, and the
test suite's table flush relies on it. SQLite refuses UPDATE; its only way to
empty a table is DELETE, which the test suite's flush needs, so there DELETE is
refused by the ORM (AuditEvent.delete and AuditEventQuerySet.delete)."""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE TRIGGER privacy_auditevent_no_update
    BEFORE UPDATE ON privacy_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS privacy_auditevent_no_update;",
]

POSTGRES_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION privacy_auditevent_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER privacy_auditevent_append_only
    BEFORE UPDATE OR DELETE ON privacy_auditevent
    FOR EACH ROW EXECUTE FUNCTION privacy_auditevent_refuse_change();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS privacy_auditevent_append_only ON privacy_auditevent;",
    "DROP FUNCTION IF EXISTS privacy_auditevent_refuse_change();",
]


def forward(apps, schema_editor):
    statements = POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    for statement in statements:
        schema_editor.execute(statement)


def reverse(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse)]
