"""`caremap templates validate|list`: goal-template packs."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from caremap.careplans import sources, validation
from caremap.careplans.goals import TemplatePack


class Command(BaseCommand):
    help = "Check and list goal-template packs."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        check = commands.add_parser(
            "validate",
            help="Check goal-template files against their instrument; exit 1 "
            "listing each problem.",
        )
        check.add_argument("files", nargs="*", type=Path)
        check.add_argument(
            "--shipped", action="store_true", help="Check the packs Caremap ships."
        )
        check.add_argument(
            "--complete",
            action="store_true",
            help="Also require three templates per recovery-capital domain and "
            "one for each barrier and each kind of unmet need.",
        )
        commands.add_parser("list", help="The shipped packs and their templates.")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_validate(self, files, shipped, complete, **options):
        files = list(files) + (sources.shipped_paths() if shipped else [])
        if not files:
            self.stderr.write("Name the files to check, or give --shipped.")
            sys.exit(2)
        problems = []
        for path in files:
            data, found = validation.read_file(path)
            if data is not None:
                instrument = sources.instrument_for(str(data.get("instrument", "")))
                found = validation.validate(data, str(path), instrument)
                if not found and complete:
                    pack = TemplatePack.from_dict(data)
                    found = [
                        validation.Problem(str(path), "templates", gap)
                        for gap in validation.coverage_gaps(pack, instrument)
                    ]
            problems += found
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            sys.exit(1)
        self.stdout.write(f"{len(files)} file(s) valid.")

    def handle_list(self, **options):
        for path in sources.shipped_paths():
            data, problems = validation.read_file(path)
            if data is None:
                continue
            pack = TemplatePack.from_dict(data)
            self.stdout.write(
                f"{pack.id} {pack.version} ({pack.instrument}): "
                f"{len(pack.templates)} templates"
            )
