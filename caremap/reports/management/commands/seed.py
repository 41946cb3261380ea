"""`caremap seed --people N`: a made-up area at scale, for outcome reports and
benchmarks. The same --seed and --today always make the same area."""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from caremap.organisations.models import Area
from caremap.reports.synthetic import AreaExists, default_area_name, seed_area

REFUSAL = (
    "The synthetic area adds many made-up people. It only runs with DEBUG on; "
    "use --force to load it anyway (never on a live service)."
)


def day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--today must be a date as YYYY-MM-DD, not {text!r}."
        ) from None


class Command(BaseCommand):
    help = "Make a synthetic area with N people and their histories."

    def add_arguments(self, parser):
        parser.add_argument(
            "--people", type=int, required=True, help="Person records to make."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (default 1)."
        )
        parser.add_argument(
            "--today",
            type=day,
            default=None,
            help="The day the data ends on, as YYYY-MM-DD (default: today).",
        )
        parser.add_argument(
            "--area-name",
            default=None,
            help="Name of the new area (default: 'Synthetic area (seed S)').",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. Never use on a live service.",
        )

    def handle(self, *args, people, seed, today, area_name, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(REFUSAL)
        if people < 1:
            raise CommandError("--people must be at least 1.")
        if isinstance(today, str):  # call_command passes keywords unparsed
            today = day(today)
        today = today or timezone.localdate()
        if today > timezone.localdate():
            raise CommandError("--today cannot be in the future.")
        name = area_name or default_area_name(seed)
        if Area.objects.filter(name=name).exists():
            raise CommandError(self.exists(name))
        started = time.perf_counter()
        try:
            seeded = seed_area(people, seed=seed, today=today, area_name=name)
        except AreaExists:
            raise CommandError(self.exists(name)) from None
        elapsed = time.perf_counter() - started
        width = max(len(kind) for kind in seeded.rows)
        for kind, count in seeded.rows.items():
            self.stdout.write(f"{kind:<{width}} {count:>10,}")
        total = sum(seeded.rows.values())
        self.stdout.write(f"{'total rows':<{width}} {total:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Made “{name}” with {people:,} people in {elapsed:.1f} s "
                f"on {connection.vendor}."
            )
        )

    @staticmethod
    def exists(name):
        return (
            f"An area called “{name}” already exists; nothing was added. "
            "Choose another name with --area-name, or another --seed."
        )
