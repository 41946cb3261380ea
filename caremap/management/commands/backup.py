"""`caremap backup PATH`: the database and the uploaded files in one archive
that `caremap restore` puts back exactly (see caremap/backups.py).

PATH "-" writes the archive to standard output, so it can go straight into
an encryption program without a plain copy ever touching the disk; the
report then goes to standard error."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from caremap import backups
from caremap.privacy.audit import audit_context


def counted(number, singular, plural):
    return f"{number:,} {singular if number == 1 else plural}"


def size(number):
    return filesizeformat(number).replace("\xa0", " ")


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            help="The archive to write (it must not exist yet), or - for standard output.",
        )

    def handle(self, *args, path, **options):
        to_stdout = path == "-"
        destination = sys.stdout.buffer if to_stdout else Path(path)
        try:
            with audit_context(source="cli"):
                manifest = backups.create_backup(destination)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"The backup failed: {error}") from None
        database = manifest["database"]
        where = (
            "standard output"
            if to_stdout
            else f"{path} ({size(Path(path).stat().st_size)})"
        )
        lines = [
            f"Backed up the {backups.VENDOR_NAMES[database['vendor']]} database "
            f"({counted(len(database['tables']), 'table', 'tables')}, "
            f"{counted(sum(database['tables'].values()), 'row', 'rows')}) and "
            f"{counted(backups.file_count(manifest), 'uploaded file', 'uploaded files')} "
            f"({size(backups.file_bytes(manifest))}) to {where}.",
            "The archive holds every person's record: encrypt it before it leaves "
            "this machine (see docs/operations.md).",
        ]
        # With the archive on standard output, the report must not mix into it.
        report = self.stderr if to_stdout else self.stdout
        for line in lines:
            report.write(line, style_func=str)
