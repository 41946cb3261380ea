"""`caremap assessments rescore --check`: recompute every completed
assessment from its stored answers and report any whose stored scores differ.

Completed assessments are never changed, so this only checks: a difference
means the scoring engine has changed behaviour for an existing instrument
version (a bug, since a version's scoring is fixed) or stored data was altered.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from caremap.assessments.models import Assessment


class Command(BaseCommand):
    help = "Check stored assessment scores against a fresh computation."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        rescore = commands.add_parser(
            "rescore", help="Recompute every completed assessment's scores."
        )
        rescore.add_argument(
            "--check",
            action="store_true",
            help="Report differences (required: stored scores are never rewritten).",
        )

    def handle(self, *args, action, check, **options):
        if not check:
            raise CommandError(
                "Completed assessments are never rewritten; use --check to compare "
                "their stored scores with a fresh computation."
            )
        differences = checked = 0
        assessments = (
            Assessment.objects.submitted()
            .select_related("instrument")
            .order_by("pk")
            .iterator(chunk_size=500)
        )
        for assessment in assessments:
            checked += 1
            try:
                fresh = assessment.compute_scores()
            except ValueError as error:
                differences += 1
                self.stderr.write(
                    f"Assessment {assessment.pk}: its answers no longer fit "
                    f"{assessment.instrument}: {error}"
                )
                continue
            if fresh != assessment.scores:
                differences += 1
                self.stderr.write(
                    f"Assessment {assessment.pk} ({assessment.instrument}): "
                    + _describe(assessment.scores, fresh)
                )
        if differences:
            self.stderr.write(
                f"{differences} of {checked} completed assessments differ."
            )
            sys.exit(1)
        self.stdout.write(f"Checked {checked} completed assessments: no differences.")


def _describe(stored, fresh):
    """Which parts differ, briefly, so a large report stays readable."""
    parts = []
    for key in sorted(set(stored or {}) | set(fresh)):
        before = (stored or {}).get(key)
        after = fresh.get(key)
        if before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            changed = sorted(
                k for k in set(before) | set(after) if before.get(k) != after.get(k)
            )
            parts.append(f"{key} differ for {', '.join(changed)}")
        else:
            parts.append(
                f"{key} stored {json.dumps(before)} but computed {json.dumps(after)}"
            )
    return "; ".join(parts)
