"""`caremap directory import|export`: HSDS 3.0 JSON or tabular (CSV) packages
in and out."""

import csv
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from caremap.directory import tabular
from caremap.directory.actions import import_directory, load_places
from caremap.directory.exporting import directory_rows, export_services_json
from caremap.directory.models import Place
from caremap.organisations.models import Area
from caremap.privacy.audit import audit_context


class Command(BaseCommand):
    help = "Import and export the community directory as HSDS 3.0 JSON."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        load = commands.add_parser(
            "import",
            help="Import an HSDS JSON file (a service, a list of services, an "
            "organization or an API page) or a folder holding an HSDS tabular "
            "data package (CSV files). Nothing is saved if anything is wrong.",
        )
        load.add_argument("path", type=Path)
        load.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows, leaving out (and listing) invalid ones "
            "and the rows that depend on them.",
        )
        load.add_argument(
            "--area",
            help="List every imported service in this area's directory (the "
            "area's name). Without it, services are stored but not listed.",
        )
        gazetteer = commands.add_parser(
            "places",
            help="Load places with coordinates for searches near a postcode or "
            "town: a CSV file with the columns name, latitude and longitude "
            "(and optionally kind: postcode, district or place). Open data such "
            "as a postcode directory or a gazetteer of place names will do. "
            "Existing places are updated.",
        )
        gazetteer.add_argument("path", type=Path)
        export = commands.add_parser(
            "export",
            help="Write every service as a JSON array of HSDS services, or "
            "(--format csv) every row as an HSDS tabular package into a folder.",
        )
        export.add_argument("--format", choices=["json", "csv"], default="json")
        export.add_argument("path", type=Path)

    def handle(self, *args, action, **options):
        with audit_context(source="cli"):
            getattr(self, f"handle_{action}")(**options)

    def fail(self, lines):
        for line in lines:
            self.stderr.write(str(line))
        sys.exit(1)

    def handle_import(self, path, skip_invalid, area, **options):
        source = str(path)
        if area is not None:
            found = Area.objects.filter(name=area).first()
            if found is None:
                names = ", ".join(Area.objects.values_list("name", flat=True))
                self.fail([f"--area: no area is called {area!r} (areas: {names})"])
            area = found
        if path.is_dir():
            rows, problems = tabular.read_package(path)
            if problems:
                self.fail([f"{source}: {problem}" for problem in problems])
            report = import_directory(
                rows=rows, source=source, skip_invalid=skip_invalid, area=area
            )
            self.show(report, source, rows)
            return
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            self.fail([f"{source}: cannot be read ({error.strerror})"])
        except UnicodeDecodeError:
            self.fail([f"{source}: is not UTF-8 text"])
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            self.fail(
                [
                    f"{source}: line {error.lineno}, column {error.colno}: "
                    f"is not valid JSON: {error.msg}"
                ]
            )
        report = import_directory(
            document=document, source=source, skip_invalid=skip_invalid, area=area
        )
        self.show(report, source)

    def show(self, report, source, rows=None):
        """Report an import; `rows` from a tabular package place each problem
        in its file and data row."""

        def where(problem):
            return str(problem) if rows is None else tabular.locate(problem, rows)

        if not report.ok:
            self.fail([where(problem) for problem in report.problems])
        for warning in report.warnings:
            self.stderr.write(f"warning: {where(warning)}")
        for skipped in report.skipped:
            self.stderr.write(f"skipped: {where(skipped)}")
        created = sum(report.created.values())
        updated = sum(report.updated.values())
        self.stdout.write(
            f"{source}: {created} rows created, {updated} updated"
            + (f", {len(report.skipped)} problems skipped" if report.skipped else "")
            + (f", {report.listed} services newly listed" if report.listed else "")
        )

    def handle_places(self, path, **options):
        source = str(path)
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = {"name", "latitude", "longitude"} - set(
                    reader.fieldnames or []
                )
                if missing:
                    self.fail(
                        [f"{source}: missing columns: {', '.join(sorted(missing))}"]
                    )
                rows, problems = [], []
                for line, row in enumerate(reader, start=2):
                    problem = _place_problem(row)
                    if problem:
                        problems.append(f"{source}: line {line}: {problem}")
                    else:
                        rows.append(row)
        except OSError as error:
            self.fail([f"{source}: cannot be read ({error.strerror})"])
        except UnicodeDecodeError:
            self.fail([f"{source}: is not UTF-8 text"])
        if problems:
            self.fail(problems)
        added, updated = load_places(rows, source=source)
        self.stdout.write(f"{source}: {added} places added, {updated} updated")

    def handle_export(self, path, format, **options):
        if format == "csv":
            rows = directory_rows()
            try:
                tabular.write_package(rows, path)
            except OSError as error:
                self.fail([f"{path}: cannot be written ({error.strerror})"])
            total = sum(len(table_rows) for table_rows in rows.values())
            self.stdout.write(f"{path}: {total} rows in {len(rows)} tables")
            return
        services = export_services_json()
        text = json.dumps(services, ensure_ascii=False, indent=2) + "\n"
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            self.fail([f"{path}: cannot be written ({error.strerror})"])
        self.stdout.write(f"{path}: {len(services)} services")


def _place_problem(row):
    """What is wrong with a gazetteer row, or None."""
    if not (row.get("name") or "").strip():
        return "name is empty"
    for column, limit in (("latitude", 90), ("longitude", 180)):
        try:
            value = float(row.get(column) or "")
        except ValueError:
            return f"{column} {row.get(column)!r} is not a number"
        if not -limit <= value <= limit:
            return f"{column} {value} is outside -{limit} to {limit}"
    kind = (row.get("kind") or "").strip()
    if kind and kind not in Place.Kind.values:
        return f"kind {kind!r} is not one of {', '.join(Place.Kind.values)}"
    return None
