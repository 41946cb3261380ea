"""`caremap instrument validate|import|list|score|export`."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caremap.instruments import actions, fhir, scoring
from caremap.instruments.models import InstrumentVersion
from caremap.instruments.sources import read_source
from caremap.instruments.validation import InvalidInstrument
from caremap.privacy.audit import audit_context


class Command(BaseCommand):
    help = "Check, install, list, score and export instruments."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        validate = commands.add_parser(
            "validate", help="Check instrument files; exit 1 listing each problem."
        )
        validate.add_argument("files", nargs="+", type=Path)
        install = commands.add_parser(
            "import", help="Install a YAML instrument or a FHIR R4 Questionnaire."
        )
        install.add_argument("files", nargs="*", type=Path)
        install.add_argument(
            "--shipped",
            action="store_true",
            help="Install the instruments that come with Caremap (safe to repeat).",
        )
        commands.add_parser("list", help="The installed instruments and versions.")
        score = commands.add_parser("score", help="Score an answers file as JSON.")
        score.add_argument("instrument")
        score.add_argument("--answers", type=Path, required=True)
        score.add_argument("--version", dest="instrument_version")
        export = commands.add_parser("export", help="Export an instrument.")
        export.add_argument("instrument")
        export.add_argument("--format", choices=["fhir"], default="fhir")
        export.add_argument("--version", dest="instrument_version")
        export.add_argument("--output", type=Path)

    def handle(self, *args, action, **options):
        with audit_context(source="cli"):
            getattr(self, f"handle_{action}")(**options)

    def fail(self, lines):
        for line in lines:
            self.stderr.write(str(line))
        sys.exit(1)

    def handle_validate(self, files, **options):
        problems = []
        for path in files:
            try:
                read_source(path)
            except InvalidInstrument as error:
                problems.extend(error.problems)
            else:
                self.stdout.write(f"{path}: valid")
        if problems:
            self.fail(problems)

    def handle_import(self, files, shipped, **options):
        if not files and not shipped:
            raise CommandError("Name one or more files, or use --shipped.")
        if shipped:
            try:
                installed = actions.install_shipped()
            except InvalidInstrument as error:
                self.fail(error.problems)
            except actions.AlreadyImported as error:
                self.fail([f"{error.existing.key}: {error}"])
            for version in installed:
                self.stdout.write(f"Installed {version.key} {version.version}")
            if not installed:
                self.stdout.write("The shipped instruments are already installed.")
        problems = []
        for path in files:
            try:
                version = actions.import_file(path)
            except InvalidInstrument as error:
                problems.extend(error.problems)
            except actions.AlreadyImported as error:
                problems.append(f"{path}: {error}")
            else:
                self.stdout.write(f"Installed {version.key} {version.version}")
        if problems:
            self.fail(problems)

    def handle_list(self, **options):
        versions = list(InstrumentVersion.objects.order_by("key", "pk"))
        if not versions:
            self.stdout.write(
                "No instruments are installed. Run: caremap instrument import --shipped"
            )
            return
        current = set(InstrumentVersion.objects.current().values_list("pk", flat=True))
        for version in versions:
            marker = " (current)" if version.pk in current else ""
            self.stdout.write(
                f"{version.key}\t{version.version}{marker}\t{version.title}"
            )

    def _version(self, key, version):
        versions = InstrumentVersion.objects.filter(key=key)
        found = (
            versions.filter(version=version).first()
            if version
            else versions.order_by("-pk").first()
        )
        if found is None:
            raise CommandError(
                f"No installed instrument {key!r}"
                + (f" at version {version!r}" if version else "")
                + ". See: caremap instrument list"
            )
        return found

    def handle_score(self, instrument, answers, instrument_version, **options):
        version = self._version(instrument, instrument_version)
        try:
            raw = json.loads(answers.read_text(encoding="utf-8"))
        except OSError as error:
            self.fail([f"{answers}: cannot be read ({error.strerror})"])
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.fail([f"{answers}: is not valid JSON"])
        cleaned, problems = version.instrument.clean_answers(raw)
        if problems:
            self.fail(f"{answers}: {problem}" for problem in problems)
        result = scoring.score(version.instrument, cleaned)
        self.stdout.write(json.dumps(result.as_json(), indent=2, ensure_ascii=False))

    def handle_export(self, instrument, instrument_version, output, **options):
        version = self._version(instrument, instrument_version)
        resource = fhir.definition_to_questionnaire(version.definition)
        text = json.dumps(resource, indent=2, ensure_ascii=False)
        if output:
            output.write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"Wrote {output}")
        else:
            self.stdout.write(text)
