"""Backing up a whole Caremap, and putting it back exactly.

A backup is one gzip-compressed tar archive holding:

- `database/caremap.sqlite3` or `database/caremap.pgdump`: the database in its
  own native form (SQLite's online backup, or `pg_dump --format=custom`), so
  every value comes back as it was stored, to the microsecond;
- `files/…`: every file under MEDIA_ROOT (self-audit evidence);
- `manifest.json`, written last: the format, Caremap's version, the database
  kind, when it was made, the migrations applied, each table's row count, and
  each member's size and SHA-256.

Restoring checks every member against the manifest before it touches
anything, refuses a database that already holds Caremap data unless forced,
and counts every table afterwards. docs/decisions/0015-backup-and-restore.md
says why it works this way; docs/operations.md says how to run it.

Failures an operator can expect (a missing program, a damaged archive, a
database that is not empty) raise BackupError with one line to show them.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.loader import MigrationLoader

from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

FORMAT = "caremap-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMPS = {
    "sqlite": "database/caremap.sqlite3",
    "postgresql": "database/caremap.pgdump",
}
FILES = "files/"
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024

# Where to get the PostgreSQL programs, for the message when one is missing.
POSTGRES_CLIENT = (
    "install the PostgreSQL client programs of the server's version or newer "
    "(on Debian and Ubuntu: apt-get install postgresql-client)"
)


class BackupError(Exception):
    """An expected failure, said in one line an operator can act on."""


def caremap_version():
    try:
        return version("caremap")
    except PackageNotFoundError:
        return "unknown"


# Making a backup ------------------------------------------------------------


def create_backup(destination, *, media_root=None):
    """Write a backup of the database and of the files under `media_root`
    (MEDIA_ROOT unless given) to `destination`: a path, which must not exist
    yet, or a binary file object. Returns the manifest."""
    connection = connections[DEFAULT_DB_ALIAS]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if connection.vendor not in DUMPS:
        raise BackupError(
            f"Backups of {connection.vendor} databases are not supported."
        )
    created_at = datetime.datetime.now(datetime.UTC)
    with tempfile.TemporaryDirectory(prefix="caremap-backup-") as scratch:
        dump = Path(scratch) / "dump"
        database = DUMPERS[connection.vendor](connection, dump)
        members = {}
        with (
            _writing(destination) as out,
            tarfile.open(fileobj=out, mode="w|gz") as archive,
        ):
            members[DUMPS[connection.vendor]] = _add_file(
                archive, DUMPS[connection.vendor], dump
            )
            for path in _media_files(media_root):
                name = FILES + path.relative_to(media_root).as_posix()
                members[name] = _add_file(archive, name, path)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "caremap_version": caremap_version(),
                "created_at": created_at.isoformat(),
                "database": {"vendor": connection.vendor, **database},
                "members": members,
            }
            _add_bytes(
                archive,
                MANIFEST,
                json.dumps(manifest, indent=2, sort_keys=True).encode(),
            )
    # Recorded only once the archive is whole: the trail says a copy of
    # everything now exists outside the database.
    record(
        AuditEvent.Action.EXPORT,
        by=None,
        record_type="backup",
        summary="Made a backup of the database and uploaded files",
        changes={
            "tables": len(database["tables"]),
            "rows": sum(database["tables"].values()),
            "files": file_count(manifest),
        },
    )
    return manifest


def _dump_sqlite(connection, target):
    # SQLite's online backup copies the database as one consistent snapshot
    # while the app carries on writing (WAL), which copying the file would not.
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        return _inventory(cursor, tables, connection.ops.quote_name)
    finally:
        copy.close()


def _dump_postgresql(connection, target):
    pg_dump = find_program("pg_dump")
    # A connection of our own holds a repeatable-read snapshot that pg_dump
    # shares, so the row counts in the manifest are of exactly what it dumps.
    snapshot = connection.copy()
    try:
        with snapshot.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot_id,) = cursor.fetchone()
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                ],
                snapshot.settings_dict,
            )
            tables = snapshot.introspection.table_names(cursor)
            inventory = _inventory(cursor, tables, snapshot.ops.quote_name)
            cursor.execute("ROLLBACK")
        return inventory
    finally:
        snapshot.close()


DUMPERS = {"sqlite": _dump_sqlite, "postgresql": _dump_postgresql}


def _inventory(cursor, tables, quote):
    """Row counts per table and the migrations applied, as the manifest
    keeps them."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from the database's own catalogue
        counts[table] = cursor.fetchone()[0]
    migrations = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return {"tables": counts, "migrations": migrations}


@contextmanager
def _writing(destination):
    """A file to write the archive to. A path gets a private file (only its
    owner can read it) that appears under its name only once complete."""
    if not isinstance(destination, str | os.PathLike):
        yield destination
        return
    path = Path(destination)
    if path.exists():
        raise BackupError(
            f"{path} already exists; a backup never overwrites one, so give a new name."
        )
    partial = path.with_name(path.name + ".partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(
            f"{partial} exists: another backup is running, or one was interrupted "
            "(then delete it)."
        ) from None
    except OSError as error:
        raise BackupError(f"Cannot write {partial}: {error.strerror}.") from None
    try:
        with os.fdopen(descriptor, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)


class _Hashing:
    """Reads a file for tarfile, hashing what passes through."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _add_file(archive, name, path):
    with open(path, "rb") as source:
        status = os.fstat(source.fileno())
        info = tarfile.TarInfo(name)
        info.size = status.st_size
        info.mtime = int(status.st_mtime)
        info.mode = status.st_mode & 0o777
        hashing = _Hashing(source)
        archive.addfile(info, hashing)
    return {"sha256": hashing.sha256.hexdigest(), "size": info.size}


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _media_files(root):
    """Every regular file under `root`, in a stable order. Links are left
    out: what they point at is not Caremap's to copy."""
    if not root.is_dir():
        return []
    found = []
    for folder, folders, names in os.walk(root):
        folders.sort()
        for name in sorted(names):
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


# Restoring -----------------------------------------------------------------


def restore_backup(source, *, media_root=None, force=False):
    """Put the backup at `source` (a path or a binary file object) into the
    database and under `media_root` (MEDIA_ROOT unless given). Returns what
    was done: the manifest, the migrations still to run, the files removed."""
    connection = connections[DEFAULT_DB_ALIAS]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="caremap-restore-") as scratch:
        scratch = Path(scratch)
        extracted = _extract(source, scratch)
        manifest = _read_manifest(scratch / MANIFEST)
        _check_members(manifest, extracted)
        vendor = manifest["database"]["vendor"]
        _check_vendor(vendor, connection.vendor)
        pending = _check_migrations(manifest)
        if not force:
            _refuse_existing_data(connection, media_root)
        RESTORERS[vendor](connection, scratch / DUMPS[vendor])
        removed = _restore_files(scratch, manifest, media_root)
    _verify_counts(connection, manifest["database"]["tables"])
    # An older backup's audit table may lack columns this Caremap writes
    # until `caremap migrate` has run; then no event is written, and the
    # command says so.
    recorded = not any(app == "privacy" for app, _name in pending)
    if recorded:
        record(
            AuditEvent.Action.UPDATE,
            by=None,
            record_type="backup",
            summary="Restored the database and uploaded files from a backup",
            changes={
                "backup_made_at": manifest["created_at"],
                "caremap_version": manifest["caremap_version"],
            },
        )
    return {
        "manifest": manifest,
        "media_root": media_root,
        "pending_migrations": pending,
        "removed": removed,
        "recorded": recorded,
    }


def _open_for_reading(source):
    if not isinstance(source, str | os.PathLike):
        return _borrowed(source)
    try:
        return open(source, "rb")  # noqa: SIM115 - closed by the caller's with
    except FileNotFoundError:
        raise BackupError(f"There is no backup at {source}.") from None
    except OSError as error:
        raise BackupError(f"Cannot read {source}: {error.strerror}.") from None


@contextmanager
def _borrowed(file):
    yield file


def _acceptable(name):
    """Whether a member's name is one a Caremap backup can hold, and safe to
    unpack: no absolute paths, no climbing out with '..'."""
    if name == MANIFEST or name in DUMPS.values():
        return True
    if not name.startswith(FILES):
        return False
    parts = PurePosixPath(name).parts
    return len(parts) > 1 and not {"", ".", ".."} & set(parts) and "\\" not in name


def _extract(source, into):
    """Unpack the archive's members into `into`, hashing each as it is
    written. Returns {name: (sha256, size)}."""
    unpacked = {}
    try:
        with (
            _open_for_reading(source) as raw,
            tarfile.open(fileobj=raw, mode="r|*") as archive,
        ):
            for member in archive:
                name = member.name
                if not member.isfile() or not _acceptable(name) or name in unpacked:
                    raise BackupError(
                        f"The archive holds {name!r}, which a Caremap backup never "
                        "does: it was not made by caremap backup, or it has been "
                        "altered. Nothing was restored."
                    )
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                sha256 = hashlib.sha256()
                with archive.extractfile(member) as data, open(target, "xb") as out:
                    while chunk := data.read(CHUNK):
                        sha256.update(chunk)
                        out.write(chunk)
                os.chmod(target, (member.mode & 0o777) | 0o600)
                os.utime(target, (member.mtime, member.mtime))
                unpacked[name] = (sha256.hexdigest(), member.size)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            f"The archive cannot be read ({error}): it is damaged or not a Caremap "
            "backup. Nothing was restored."
        ) from None
    return unpacked


def _read_manifest(path):
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(
            "The archive has no manifest: it is incomplete (was the backup "
            "interrupted?) or not a Caremap backup. Nothing was restored."
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError(
            "The archive's manifest cannot be read. Nothing was restored."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive is not a Caremap backup. Nothing was restored.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"The backup is in format {manifest.get('format_version')}, made by "
            f"Caremap {manifest.get('caremap_version')}; this Caremap "
            f"({caremap_version()}) reads format {FORMAT_VERSION}. Restore it with "
            "the version that made it."
        )
    return manifest


def _check_members(manifest, unpacked):
    listed = manifest.get("members", {})
    for name in unpacked:
        if name != MANIFEST and name not in listed:
            raise BackupError(
                f"The archive holds {name}, which its manifest does not list: it "
                "has been altered. Nothing was restored."
            )
    for name, expected in listed.items():
        if name not in unpacked:
            raise BackupError(
                f"The archive lacks {name}, which its manifest lists: it is "
                "incomplete or has been altered. Nothing was restored."
            )
        if unpacked[name] != (expected.get("sha256"), expected.get("size")):
            raise BackupError(
                f"{name} does not match its checksum in the manifest: the archive "
                "is damaged or has been altered. Nothing was restored."
            )
    if DUMPS[manifest["database"]["vendor"]] not in listed:
        raise BackupError(
            "The archive holds no database the manifest can name. Nothing was restored."
        )


def _check_vendor(archived, target):
    if archived == target:
        return
    raise BackupError(
        f"This backup holds a {VENDOR_NAMES[archived]} database, but this "
        f"Caremap's database (DATABASE_URL) is {VENDOR_NAMES.get(target, target)}. "
        f"Restore it into {VENDOR_NAMES[archived]}; moving between the two is a "
        "separate step (see docs/operations.md). Nothing was restored."
    )


def _check_migrations(manifest):
    """Refuse a backup from a newer Caremap, whose tables this one would not
    understand; return the migrations this Caremap has that the backup's
    database still needs (run `caremap migrate` after restoring)."""
    applied = {
        (app, name)
        for app, names in manifest["database"]["migrations"].items()
        for name in names
    }
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(applied - known)
    if unknown:
        app, name = unknown[0]
        raise BackupError(
            f"The backup was made by Caremap {manifest['caremap_version']}, whose "
            f"database has changes this Caremap ({caremap_version()}) does not know "
            f"({app}.{name}, {len(unknown)} in all). Install that version or newer, "
            "then restore. Nothing was restored."
        )
    return sorted(known - applied)


def caremap_tables():
    """The tables of Caremap's own apps, whose rows are Caremap data."""
    return sorted(
        model._meta.db_table
        for config in apps.get_app_configs()
        if config.name.startswith("caremap")
        for model in config.get_models(include_auto_created=True)
    )


def _refuse_existing_data(connection, media_root):
    try:
        existing = set(connection.introspection.table_names())
        holding = []
        with connection.cursor() as cursor:
            for table in caremap_tables():
                if table in existing:
                    quoted = connection.ops.quote_name(table)
                    cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")  # noqa: S608 - names from the models
                    if cursor.fetchone():
                        holding.append(table)
    except DatabaseError as error:
        raise BackupError(f"Cannot use the database: {_one_line(error)}") from None
    if holding:
        raise BackupError(
            f"The database already holds Caremap data ({len(holding)} tables have "
            f"rows, such as {holding[0]}). Restoring replaces all of it: run again "
            "with --force if that is what you mean. Nothing was restored."
        )
    if _media_files(media_root):
        raise BackupError(
            f"MEDIA_ROOT ({media_root}) already holds files. Restoring replaces "
            "them: run again with --force if that is what you mean. Nothing was "
            "restored."
        )


def _restore_sqlite(connection, dump):
    # The backup API the other way writes the archived pages into the live
    # database under its lock, so a connection left open sees the restored
    # data rather than a file swapped from under it.
    connection.close()
    connection.ensure_connection()
    archived = sqlite3.connect(dump)
    try:
        archived.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not restore the database: {error}.") from None
    finally:
        archived.close()
    connection.close()


def _restore_postgresql(connection, dump):
    pg_restore = find_program("pg_restore")
    # Our own connection must not hold a lock on a table pg_restore drops.
    connection.close()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        connection.settings_dict,
    )


RESTORERS = {"sqlite": _restore_sqlite, "postgresql": _restore_postgresql}


def _restore_files(scratch, manifest, media_root):
    """Put each archived file in place and remove any file the backup did not
    have (with --force, the folder ends as the backup had it). Returns the
    number of files removed."""
    wanted = set()
    media_root.mkdir(parents=True, exist_ok=True)
    for name in manifest["members"]:
        if not name.startswith(FILES):
            continue
        relative = name.removeprefix(FILES)
        wanted.add(relative)
        target = media_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        # Copied beside its final name first, so a file is never half there.
        landing = target.with_name(f".{target.name}.restoring")
        shutil.copy2(scratch / name, landing)
        os.replace(landing, target)
    removed = 0
    for path in _media_files(media_root):
        if path.relative_to(media_root).as_posix() not in wanted:
            path.unlink()
            removed += 1
    return removed


def _verify_counts(connection, expected):
    actual = {}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in expected:
            if table not in existing:
                raise BackupError(
                    f"The restore finished but table {table} is missing; do not "
                    "use this database."
                )
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 - names from the manifest, checked against the catalogue
            actual[table] = cursor.fetchone()[0]
    for table, count in sorted(expected.items()):
        if actual[table] != count:
            raise BackupError(
                f"The restore finished but {table} has {actual[table]} rows where "
                f"the backup had {count}; do not use this database."
            )


# Running the PostgreSQL programs --------------------------------------------


def find_program(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found on PATH: {POSTGRES_CLIENT}.")
    return path


def postgres_environment(settings_dict):
    """The environment for pg_dump and pg_restore: libpq's variables from the
    database settings, so no password ever appears on a command line."""
    _args, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    environment = {**os.environ, **(extra or {})}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _run(command, settings_dict):
    program = Path(command[0]).name
    try:
        finished = subprocess.run(  # noqa: S603 - a fixed program, arguments we built
            command,
            env=postgres_environment(settings_dict),
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        raise BackupError(
            f"{program} could not be started: {error.strerror}."
        ) from None
    if finished.returncode != 0:
        detail = (
            " ".join(finished.stderr.split()) or f"exit status {finished.returncode}"
        )
        raise BackupError(f"{program} failed: {detail}")


def _one_line(error):
    return " ".join(str(error).split())


# Describing ----------------------------------------------------------------


def file_count(manifest):
    return sum(1 for name in manifest["members"] if name.startswith(FILES))


def file_bytes(manifest):
    return sum(
        member["size"]
        for name, member in manifest["members"].items()
        if name.startswith(FILES)
    )
