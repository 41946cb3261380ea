"""`caremap bench_area`: the outcome reports and person-level pages at the
scale of a whole area.

It seeds a synthetic area (`caremap seed`'s generator) inside a transaction,
times real requests through Django's test client and each measure against a
plain COUNT(*) over the same filtered rows, prints the figures beside the
targets, and rolls everything back.
"""

from __future__ import annotations

import datetime
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caremap.management.commands.bench import BACKEND, Rollback
from caremap.people.models import Person
from caremap.reports import measures
from caremap.reports.synthetic import seed_area
from caremap.reports.tables import SECTIONS

# Targets from the reports issue; measured here, never asserted in tests.
PERSON_PAGE_P95_MS = 100
DASHBOARD_P95_MS = 1000
KPI_RATIO = 3


def percentiles(timings):
    p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) >= 2 else timings[0]
    return statistics.median(timings), p95


class Command(BaseCommand):
    help = "Time the outcome reports, caseload and person pages for a whole area."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, people, repeat, seed, **options):
        try:
            with transaction.atomic():
                self.run(people, repeat, seed)
                raise Rollback
        except Rollback:
            pass

    def run(self, people, repeat, seed):
        today = timezone.localdate()
        started = time.perf_counter()
        seeded = seed_area(people, seed=seed, today=today, area_name="Benchmark area")
        self.stdout.write(
            f"Seeded {people:,} people ({sum(seeded.rows.values()):,} rows) in "
            f"{time.perf_counter() - started:.1f} s on {connection.vendor}."
        )
        # Fresh statistics, as a live database would have, so the planner
        # chooses as it would in service.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.pages(seeded, repeat)
        self.kpis(seeded, today, max(3, repeat // 2))

    def pages(self, seeded, repeat):
        navigator = seeded.navigators[0]
        manager = seeded.managers[0]
        organisation = seeded.organisations[0]
        person = (
            Person.objects.filter(navigator=navigator, episodes__isnull=False)
            .order_by("pk")
            .first()
        )
        trivial = reverse("privacy-notice")
        self.stdout.write(
            f"\n{'page':<44} {'median ms':>10} {'p95 ms':>8} {'x trivial':>9} "
            f"{'queries':>8} {'target':>12}"
        )
        base, _p95, _q = self.time_page(seeded.commissioner, trivial, repeat)
        self.line("trivial page (privacy notice)", base, _p95, base, _q, "")
        area = reverse("reports:area", args=[seeded.area.pk])
        mine = reverse("reports:organisation", args=[organisation.pk])
        cases = [
            (
                f"area dashboard: {section}",
                seeded.commissioner,
                f"{area}?section={section}",
                DASHBOARD_P95_MS,
            )
            for section in SECTIONS
        ]
        cases += [
            (
                f"organisation dashboard: {section}",
                manager,
                f"{mine}?section={section}",
                DASHBOARD_P95_MS,
            )
            for section in SECTIONS
        ]
        cases += [
            (
                "caseload, navigator",
                navigator,
                reverse("people:person-list") + "?mine=on",
                PERSON_PAGE_P95_MS,
            ),
            (
                "person page, navigator",
                navigator,
                reverse("people:person-detail", args=[person.pk]),
                PERSON_PAGE_P95_MS,
            ),
            (
                "person's episodes, navigator",
                navigator,
                reverse("episodes:person-episodes", args=[person.pk]),
                PERSON_PAGE_P95_MS,
            ),
            (
                "person's assessments, navigator",
                navigator,
                reverse("assessments:person-assessments", args=[person.pk]),
                PERSON_PAGE_P95_MS,
            ),
        ]
        for label, user, url, target in cases:
            median, p95, queries = self.time_page(user, url, repeat)
            verdict = "met" if p95 < target else "NOT MET"
            self.line(label, median, p95, base, queries, f"<{target} {verdict}")

    def line(self, label, median, p95, base, queries, target):
        self.stdout.write(
            f"{label:<44} {median:>10.1f} {p95:>8.1f} {median / base:>9.1f} "
            f"{queries:>8} {target:>12}"
        )

    def time_page(self, user, url, repeat):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user, backend=BACKEND)
        response = client.get(url)  # warm caches and the session
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        timings = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
        median, p95 = percentiles(timings)
        return median, p95, len(queries)

    def kpis(self, seeded, today, repeat):
        period = measures.Period(today - datetime.timedelta(days=364), today)
        scope = measures.Scope(area_id=seeded.area.pk)
        group = "opiate"
        baselines = {
            "episodes in treatment": lambda: measures.in_treatment(
                period, scope, group
            ).count(),
            "starts": lambda: measures.starts(period, scope, group).count(),
            "cohort": lambda: measures.cohort(period, scope, group).count(),
            "follow-ups": lambda: measures.follow_ups(period, scope, group).count(),
        }
        baseline_of = {
            "successful-completion": "episodes in treatment",
            "retention": "episodes in treatment",
            "waiting-times": "starts",
            "recovery-capital-growth": "follow-ups",
            "mutual-aid-referral": "cohort",
            "group-attendance": "cohort",
            "peer-led-groups": "cohort",
            "reviews-on-time": "cohort",
            "alerts-resolved": "cohort",
            "check-ups-reached": "cohort",
        }
        counted = {
            name: self.time_call(call, repeat) for name, call in baselines.items()
        }
        self.stdout.write(
            f"\n{'measure (opiates, whole area, 12 months)':<40} {'median ms':>10} "
            f"{'COUNT(*) ms':>11} {'ratio':>6} {'target':>12}"
        )
        for name, function in measures.MEASURES.items():
            if name in measures.NEEDS_TODAY:
                call = lambda f=function: f(period, scope, group, today=today)  # noqa: E731
            else:
                call = lambda f=function: f(period, scope, group)  # noqa: E731
            median = self.time_call(call, repeat)
            base = counted[baseline_of[name]]
            ratio = median / base if base else float("inf")
            verdict = "met" if ratio <= KPI_RATIO else "NOT MET"
            self.stdout.write(
                f"{name:<40} {median:>10.1f} {base:>11.1f} {ratio:>6.1f} "
                f"{'<=3x ' + verdict:>12}"
            )

    def time_call(self, call, repeat):
        call()
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)
