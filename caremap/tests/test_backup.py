"""`caremap backup` and `caremap restore`: a round trip gives back every row
of every table and every uploaded file exactly, on whichever database the
suite runs on; and a restore refuses, in one line, whatever it should not do.

The database is dumped by its own tools (SQLite's backup API, pg_dump),
which see only committed data, so these tests run outside a transaction.
`caremap restore` runs as an operator would run it: a separate process whose
DATABASE_URL names an empty database of the suite's kind (a new SQLite file,
or a second PostgreSQL database made and dropped here).
"""

import copy
import datetime
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import load_backend
from django.test import override_settings

from caremap import backups
from caremap.accounts.models import User
from caremap.privacy.models import AuditEvent
from caremap.selfaudits import actions as selfaudit_actions
from caremap.selfaudits import checklist
from caremap.testing.processes import CLEARED

pytestmark = pytest.mark.django_db(transaction=True)

RESTORED = "Restored the database and uploaded files from a backup"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
CSV = "area,rating\nCroeso,ŵ\n".encode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


@dataclass
class Target:
    """An empty database to restore into, the MEDIA_ROOT beside it, and a
    connection of its own to read it back with."""

    url: str
    media: Path
    reader: object


@pytest.fixture
def target(transactional_db, tmp_path):
    settings_dict = copy.deepcopy(connection.settings_dict)
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        settings_dict["NAME"] = str(path)
        url = f"sqlite:///{path}"
    else:
        name = f"{settings_dict['NAME']}_restore"
        drop_database(name)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quote_name(name)} TEMPLATE template0")
        settings_dict["NAME"] = name
        url = postgres_url(settings_dict)
    reader = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        settings_dict, "restored"
    )
    yield Target(url=url, media=tmp_path / "restored-files", reader=reader)
    reader.close()
    if connection.vendor == "postgresql":
        drop_database(settings_dict["NAME"])


def quote_name(name):
    return connection.ops.quote_name(name)


def drop_database(name):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote_name(name)} WITH (FORCE)")


def postgres_url(settings_dict):
    user = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        user += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict["HOST"] or "localhost"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{quote(settings_dict['NAME'])}"


RESTORE = (
    "import sys\n"
    "from caremap.cli import main\n"
    "sys.argv = ['caremap', 'restore', *sys.argv[1:]]\n"
    "main()\n"
)


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str


def restore(target, *args, stdin=None):
    """Run `caremap restore` as an operator would: a process of its own, with
    DATABASE_URL and MEDIA_ROOT naming `target`."""
    environment = {
        name: value for name, value in os.environ.items() if name not in CLEARED
    }
    environment.update(
        DEBUG="true", DATABASE_URL=target.url, MEDIA_ROOT=str(target.media)
    )
    finished = subprocess.run(  # noqa: S603 - the interpreter running the tests, fixed code
        [sys.executable, "-c", RESTORE, *map(str, args)],
        input=stdin,
        env=environment,
        capture_output=True,
        check=False,
    )
    return Finished(
        finished.returncode, finished.stdout.decode(), finished.stderr.decode()
    )


def backup(path):
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def contents(database):
    """Everything the database holds: each table's columns and rows (in a
    fixed order), its schema (tables, indexes, triggers) and where each
    sequence has got to."""
    found = {}
    with database.cursor() as cursor:
        tables = database.introspection.table_names(cursor)
        if database.vendor == "sqlite":
            tables.append("sqlite_sequence")
        for table in tables:
            cursor.execute(f"SELECT * FROM {database.ops.quote_name(table)}")  # noqa: S608
            columns = tuple(column[0] for column in cursor.description)
            found[table] = (columns, sorted(cursor.fetchall(), key=repr))
        if database.vendor == "sqlite":
            cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
            found["schema"] = sorted(cursor.fetchall(), key=repr)
        else:
            cursor.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = 'public'"
            )
            found["indexes"] = sorted(cursor.fetchall())
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
                "WHERE NOT tgisinternal"
            )
            found["triggers"] = sorted(cursor.fetchall())
            cursor.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(
                    f"SELECT last_value, is_called FROM {database.ops.quote_name(name)}"  # noqa: S608
                )
                found[f"sequence {name}"] = cursor.fetchone()
    return found


def set_aside_restore_event(found):
    """Take the one audit event the restore itself wrote out of `found`, and
    step the audit table's sequence back over it; return the event."""
    columns, rows = found["privacy_auditevent"]
    summary, pk = columns.index("summary"), columns.index("id")
    (event,) = [row for row in rows if row[summary] == RESTORED]
    found["privacy_auditevent"] = (columns, [row for row in rows if row != event])
    event_id = event[pk]
    if "sqlite_sequence" in found:
        sequence_columns, sequences = found["sqlite_sequence"]
        assert ("privacy_auditevent", event_id) in sequences
        stepped_back = [
            (name, event_id - 1 if name == "privacy_auditevent" else value)
            for name, value in sequences
        ]
        found["sqlite_sequence"] = (sequence_columns, sorted(stepped_back, key=repr))
    else:
        key = "sequence privacy_auditevent_id_seq"
        assert found[key] == (event_id, True)
        found[key] = (event_id - 1, True)
    return dict(zip(columns, event, strict=True))


def files(root):
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def upload_evidence(organisation, by):
    """Evidence files uploaded as a manager would, through the self-audit
    action, so MEDIA_ROOT holds real files the database points at."""
    audit = selfaudit_actions.start_audit(
        organisation,
        by=by,
        period_start=datetime.date(2031, 1, 1),
        period_end=datetime.date(2031, 3, 31),
    )
    area = checklist.get(checklist.CURRENT).areas[0]
    selfaudit_actions.save_answer(
        audit,
        area.key,
        by=by,
        rating="yes",
        evidence="Tystiolaeth: cofnodion y tîm ✓",
        files=[
            SimpleUploadedFile("Llun ŵ.png", PNG, content_type="image/png"),
            SimpleUploadedFile("ratings.csv", CSV, content_type="text/csv"),
        ],
    )


def test_a_restore_gives_back_every_row_and_file_exactly(media, target, tmp_path):
    with override_settings(DEBUG=True):
        call_command("demo", stdout=io.StringIO())
    manager = User.objects.get(email="manager@demo.caremap.test")
    upload_evidence(manager.memberships.get().organisation, manager)
    # What a JSON dump would lose must be there to lose: sub-millisecond times
    # and JSON holding text beyond ASCII.
    assert any(
        event.occurred_at.microsecond % 1000 for event in AuditEvent.objects.all()
    )
    assert any(
        "Llun ŵ.png" in event.changes.get("files_added", [])
        for event in AuditEvent.objects.all()
    )
    before = contents(connection)
    uploaded = files(media)
    assert len(uploaded) == 2

    archive = tmp_path / "caremap.tar.gz"
    output = backup(archive)
    result = restore(target, archive)

    assert result.returncode == 0, result.stderr
    after = contents(target.reader)
    event = set_aside_restore_event(after)
    assert event["source"] == "cli"
    assert event["actor_id"] is None
    assert set(after) == set(before)
    for name in before:
        assert after[name] == before[name], name
    assert files(target.media) == uploaded
    assert f"Backed up the {backups.VENDOR_NAMES[connection.vendor]} database" in output
    assert "2 uploaded files" in output
    assert "every checksum matches" in result.stdout
    assert "2 uploaded files" in result.stdout
    assert "every table has the rows the backup counted" in result.stdout
    # The backup itself is on record in the database it was taken from.
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, record_type="backup", source="cli"
    ).exists()


def test_the_manifest_counts_every_table_and_checksums_every_member(
    world, media, tmp_path
):
    upload_evidence(world.riverside, world.mia)
    archive = tmp_path / "caremap.tar.gz"
    backup(archive)

    with tarfile.open(archive) as opened:
        members = {
            member.name: opened.extractfile(member).read()
            for member in opened.getmembers()
        }
    manifest = json.loads(members.pop("manifest.json"))
    assert manifest["format"] == "caremap-backup"
    assert manifest["format_version"] == 1
    assert manifest["caremap_version"] == backups.caremap_version()
    assert manifest["database"]["vendor"] == connection.vendor
    assert datetime.datetime.fromisoformat(manifest["created_at"]).tzinfo
    assert set(manifest["members"]) == set(members)
    for name, data in members.items():
        assert manifest["members"][name] == {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }
    tables = manifest["database"]["tables"]
    assert tables["people_person"] == 5
    assert tables["selfaudits_evidencefile"] == 2
    assert set(connection.introspection.table_names()) == set(tables)
    assert "0001_initial" in manifest["database"]["migrations"]["privacy"]
    uploaded = {f"files/{name}": data for name, data in files(media).items()}
    assert {name: members[name] for name in uploaded} == uploaded


def test_a_backup_is_private_and_never_overwrites_another(world, media, tmp_path):
    archive = tmp_path / "caremap.tar.gz"
    backup(archive)
    assert archive.stat().st_mode & 0o777 == 0o600
    first = archive.read_bytes()

    with pytest.raises(CommandError, match="already exists; a backup never overwrites"):
        backup(archive)

    assert archive.read_bytes() == first
    assert sorted(path.name for path in tmp_path.iterdir()) == ["caremap.tar.gz"]


def test_a_backup_into_a_missing_folder_says_so(world, media, tmp_path):
    with pytest.raises(CommandError, match="Cannot write .*: No such file"):
        backup(tmp_path / "no-such-folder" / "caremap.tar.gz")


def test_restore_refuses_a_database_with_data_unless_forced(
    world, media, target, tmp_path
):
    upload_evidence(world.riverside, world.mia)
    before = contents(connection)
    archive = tmp_path / "caremap.tar.gz"
    backup(archive)
    first = restore(target, "-", stdin=archive.read_bytes())
    assert first.returncode == 0, first.stderr
    restored = contents(target.reader)
    target.reader.close()
    (target.media / "stray.txt").write_text("not in the backup")

    refused = restore(target, archive)

    assert refused.returncode == 1
    (line,) = refused.stderr.strip().splitlines()
    assert re.fullmatch(
        r"CommandError: The database already holds Caremap data \(\d+ tables have "
        r"rows, such as accounts_user\)\. Restoring replaces all of it: run again "
        r"with --force if that is what you mean\. Nothing was restored\.",
        line,
    )
    assert contents(target.reader) == restored
    target.reader.close()

    forced = restore(target, archive, "--force")

    assert forced.returncode == 0, forced.stderr
    assert "and removed 1 file the backup did not have" in forced.stdout
    after = contents(target.reader)
    set_aside_restore_event(after)
    assert after == before
    assert files(target.media) == files(media)


def test_restore_refuses_files_already_in_media_root(world, media, target, tmp_path):
    archive = tmp_path / "caremap.tar.gz"
    backup(archive)
    target.media.mkdir()
    (target.media / "left-over.pdf").write_bytes(b"%PDF-1.7")

    refused = restore(target, archive)

    assert refused.returncode == 1
    assert "CommandError: MEDIA_ROOT (" in refused.stderr
    assert "already holds files. Restoring replaces them" in refused.stderr
    assert files(target.media) == {"left-over.pdf": b"%PDF-1.7"}


def rewrite(archive, change):
    """A copy of `archive` with `change(members)` applied to its {name: bytes}."""
    with tarfile.open(archive) as opened:
        members = {
            member.name: opened.extractfile(member).read()
            for member in opened.getmembers()
        }
    change(members)
    altered = archive.with_name("altered.tar.gz")
    with tarfile.open(altered, "w:gz") as out:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return altered


@pytest.fixture
def archive(world, media, tmp_path):
    upload_evidence(world.riverside, world.mia)
    path = tmp_path / "caremap.tar.gz"
    backup(path)
    return path


def test_restore_refuses_a_tampered_file_in_one_line(archive, target):
    def tamper(members):
        name = next(name for name in members if name.endswith(".csv"))
        members[name] = members[name].replace(b"Croeso", b"Croesi")

    refused = restore(target, rewrite(archive, tamper))

    assert refused.returncode == 1
    (line,) = refused.stderr.strip().splitlines()
    assert line.startswith("CommandError: files/selfaudits/")
    assert line.endswith(
        ".csv does not match its checksum in the manifest: the archive is damaged "
        "or has been altered. Nothing was restored."
    )
    assert not target.media.exists()


def manifest_change(change):
    def apply(members):
        manifest = json.loads(members["manifest.json"])
        change(manifest)
        members["manifest.json"] = json.dumps(manifest).encode()

    return apply


def call_restore(path, *args):
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda members: members.update({"files/extra.txt": b"slipped in"}),
            "The archive holds files/extra.txt, which its manifest does not list",
            id="an added file",
        ),
        pytest.param(
            lambda members: members.pop(
                next(name for name in members if name.endswith(".png"))
            ),
            r"The archive lacks files/selfaudits/.*\.png, which its manifest lists",
            id="a missing file",
        ),
        pytest.param(
            lambda members: members.update({"../outside.txt": b"escape"}),
            "The archive holds '../outside.txt', which a Caremap backup never does",
            id="a path out of the folder",
        ),
        pytest.param(
            lambda members: members.pop("manifest.json"),
            "The archive has no manifest",
            id="no manifest",
        ),
        pytest.param(
            manifest_change(lambda manifest: manifest.update(format_version=2)),
            "The backup is in format 2",
            id="a newer format",
        ),
        pytest.param(
            manifest_change(
                lambda manifest: manifest["database"]["migrations"]["privacy"].append(
                    "0099_from_the_future"
                )
            ),
            r"made by Caremap .* whose database has changes this Caremap .* does not "
            r"know \(privacy.0099_from_the_future, 1 in all\)",
            id="a newer Caremap",
        ),
    ],
)
def test_restore_refuses_an_altered_archive(archive, change, message):
    before = AuditEvent.objects.count()

    with pytest.raises(CommandError, match=message):
        call_restore(rewrite(archive, change))

    assert AuditEvent.objects.count() == before


def test_restore_refuses_a_backup_of_the_other_kind_of_database(archive):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def pretend(members):
        manifest = json.loads(members["manifest.json"])
        dump = backups.DUMPS[connection.vendor]
        manifest["database"]["vendor"] = other
        manifest["members"][backups.DUMPS[other]] = manifest["members"].pop(dump)
        members[backups.DUMPS[other]] = members.pop(dump)
        members["manifest.json"] = json.dumps(manifest).encode()

    with pytest.raises(CommandError) as refused:
        call_restore(rewrite(archive, pretend))

    names = backups.VENDOR_NAMES
    assert str(refused.value) == (
        f"This backup holds a {names[other]} database, but this Caremap's database "
        f"(DATABASE_URL) is {names[connection.vendor]}. Restore it into "
        f"{names[other]}; moving between the two is a separate step (see "
        "docs/operations.md). Nothing was restored."
    )


def test_restore_refuses_a_database_with_data_in_process(archive):
    with pytest.raises(CommandError, match="The database already holds Caremap data"):
        call_restore(archive)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        pytest.param(
            lambda data: data[: len(data) // 2],
            "The archive cannot be read",
            id="cut short",
        ),
        pytest.param(
            lambda data: b"not an archive at all",
            "The archive cannot be read",
            id="not an archive",
        ),
    ],
)
def test_restore_refuses_a_damaged_archive(archive, damage, message):
    archive.write_bytes(damage(archive.read_bytes()))

    with pytest.raises(CommandError, match=message):
        call_restore(archive)


def test_restore_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="There is no backup at .*nothing.tar.gz"):
        call_restore(tmp_path / "nothing.tar.gz")


def test_a_missing_postgresql_program_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(backups.BackupError) as missing:
        backups.find_program("pg_dump")

    assert str(missing.value) == (
        "pg_dump was not found on PATH: install the PostgreSQL client programs of "
        "the server's version or newer (on Debian and Ubuntu: apt-get install "
        "postgresql-client)."
    )


def test_a_backup_can_go_to_a_stream_for_encrypting_on_the_fly(world, media):
    upload_evidence(world.riverside, world.mia)
    stream = io.BytesIO()

    manifest = backups.create_backup(stream)

    stream.seek(0)
    with tarfile.open(fileobj=stream) as opened:
        names = set(opened.getnames())
        written = json.loads(opened.extractfile("manifest.json").read())
    assert names == {*manifest["members"], "manifest.json"}
    assert written == manifest
    assert backups.file_count(manifest) == 2
