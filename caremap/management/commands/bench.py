"""`caremap bench`: timings for the pages whose cost could grow with data.

It builds a throw-away organisation with many people inside a transaction,
times real requests through Django's test client, prints the figures and
rolls everything back, so it can run against any database without leaving
anything behind.
"""

import datetime
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caremap.accounts.models import User
from caremap.organisations.models import Area, Membership, Organisation, Team
from caremap.people.models import Person

BACKEND = "django.contrib.auth.backends.ModelBackend"


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the people list, search and landing pages with many people."

    def add_arguments(self, parser):
        parser.add_argument(
            "--people", type=int, default=5000, help="People to create (default 5000)."
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=20,
            help="Requests per measurement (default 20).",
        )

    def handle(self, *args, people, repeat, **options):
        try:
            with transaction.atomic():
                self.run(people, repeat)
                raise Rollback
        except Rollback:
            pass

    def run(self, count, repeat):
        area = Area.objects.create(name="Benchmark area")
        organisation = Organisation.objects.create(
            area=area, name="Benchmark service", kind="treatment_service"
        )
        team = Team.objects.create(organisation=organisation, name="Benchmark team")
        navigators = []
        for n in range(20):
            user = User.objects.create_user(
                email=f"bench-navigator-{n}@bench.test", full_name=f"Navigator {n}"
            )
            Membership.objects.create(
                user=user,
                role="navigator",
                organisation=organisation,
                team=team if n < 5 else None,
            )
            navigators.append(user)
        manager = User.objects.create_user(
            email="bench-manager@bench.test", full_name="Manager"
        )
        Membership.objects.create(
            user=manager, role="manager", organisation=organisation
        )
        started = time.perf_counter()
        Person.objects.bulk_create(
            Person(
                organisation=organisation,
                reference=f"B-{n:06d}",
                given_name=f"Given{n}",
                family_name=f"Family{n % 997}",
                date_of_birth=datetime.date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                navigator=navigators[n % len(navigators)],
            )
            for n in range(count)
        )
        self.stdout.write(
            f"Created {count} people in {time.perf_counter() - started:.2f} s on {connection.vendor}."
        )
        self.stdout.write(
            f"{'page':<44} {'median ms':>10} {'p95 ms':>8} {'queries':>8}"
        )
        cases = [
            ("people list, manager, page 1", manager, reverse("people:person-list")),
            (
                "people list, manager, page 100",
                manager,
                reverse("people:person-list") + "?page=100",
            ),
            (
                "people search by name, manager",
                manager,
                reverse("people:person-list") + "?q=Family42",
            ),
            (
                "people search by reference, manager",
                manager,
                reverse("people:person-list") + "?q=B-004242",
            ),
            (
                "people list, team navigator",
                navigators[0],
                reverse("people:person-list"),
            ),
            ("home, manager", manager, reverse("home")),
            ("home, navigator", navigators[0], reverse("home")),
        ]
        for label, user, url in cases:
            self.measure(label, user, url, repeat)

    def measure(self, label, user, url, repeat):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user, backend=BACKEND)
        client.get(url)  # warm caches and the session
        timings = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                self.stderr.write(f"{label}: HTTP {response.status_code}")
                return
        p95 = (
            statistics.quantiles(timings, n=20)[-1] if len(timings) >= 2 else timings[0]
        )
        self.stdout.write(
            f"{label:<44} {statistics.median(timings):>10.1f} {p95:>8.1f} {len(queries):>8}"
        )
