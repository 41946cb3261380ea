"""`caremap restore PATH`: put back the database and the uploaded files from
an archive that `caremap backup` made (see caremap/backups.py).

PATH "-" reads the archive from standard input, for one decrypted on the fly."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caremap import backups
from caremap.management.commands.backup import counted, size
from caremap.privacy.audit import audit_context


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from a backup archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="The archive to restore, or - to read it from standard input."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Replace a database that already holds Caremap data, and the "
                "files already in MEDIA_ROOT."
            ),
        )

    def handle(self, *args, path, force, **options):
        source = sys.stdin.buffer if path == "-" else Path(path)
        try:
            with audit_context(source="cli"):
                done = backups.restore_backup(source, force=force)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"The restore failed: {error}") from None
        manifest = done["manifest"]
        database = manifest["database"]
        vendor = backups.VENDOR_NAMES[database["vendor"]]
        self.stdout.write(
            f"Checked the archive: made by Caremap {manifest['caremap_version']} at "
            f"{manifest['created_at']}, every checksum matches."
        )
        self.stdout.write(
            f"Restored the {vendor} database "
            f"({counted(len(database['tables']), 'table', 'tables')}, "
            f"{counted(sum(database['tables'].values()), 'row', 'rows')}); every "
            "table has the rows the backup counted."
        )
        files = (
            f"Restored {counted(backups.file_count(manifest), 'uploaded file', 'uploaded files')} "
            f"({size(backups.file_bytes(manifest))}) to {done['media_root']}"
        )
        if done["removed"]:
            files += (
                f" and removed {counted(done['removed'], 'file', 'files')} the "
                "backup did not have"
            )
        self.stdout.write(files + ".")
        if done["pending_migrations"]:
            self.stdout.write(
                f"The backup predates {counted(len(done['pending_migrations']), 'database change', 'database changes')} "
                "this Caremap makes: run `caremap migrate` before starting it."
            )
        if not done["recorded"]:
            self.stdout.write(
                "The restore could not be written to the audit trail, whose table "
                "needs those changes first: note it in your own records."
            )
