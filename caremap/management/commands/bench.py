"""`caremap bench`: timings for the pages whose cost could grow with data,
and for the scoring engine.

It builds a throw-away organisation with many people inside a transaction,
times real requests through Django's test client, prints the figures and
rolls everything back, so it can run against any database without leaving
anything behind.
"""

import datetime
import io
import random
import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caremap.accounts.models import User
from caremap.assessments import actions as assessment_actions
from caremap.assessments.models import Assessment
from caremap.assessments.samples import complete_assessment, plausible_answers
from caremap.careplans import actions as plan_actions
from caremap.careplans.models import Action, Barrier, Goal, Resource, Solution, Strength
from caremap.careplans.samples import plan_from_suggestions
from caremap.directory.samples import bulk_services
from caremap.engagement import alerting
from caremap.engagement.models import Alert, Contact
from caremap.episodes.models import Episode
from caremap.instruments import scoring
from caremap.instruments.actions import install_shipped
from caremap.instruments.models import InstrumentVersion
from caremap.organisations.models import Area, Membership, Organisation, Team
from caremap.people.models import Person

BACKEND = "caremap.accounts.backends.PasswordBackend"


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
        self.bench_assessments(organisation, navigators[0], repeat)
        self.bench_directory(area, navigators[0], repeat)
        self.bench_careplans(navigators[0], repeat)
        self.bench_engagement(organisation, navigators[0], repeat)

    def bench_assessments(self, organisation, navigator, repeat):
        install_shipped()
        version = InstrumentVersion.objects.current_version("recovery-capital-profile")
        instrument = version.instrument
        rng = random.Random(1)  # noqa: S311 - made-up answers, not secrets
        samples = [
            instrument.clean_answers(plausible_answers(instrument, rng, n / 9))[0]
            for n in range(10)
        ]
        started = time.perf_counter()
        rounds = 2000
        for n in range(rounds):
            scoring.score(instrument, samples[n % len(samples)])
        per_score = (time.perf_counter() - started) / rounds * 1000
        self.stdout.write(
            f"Scoring engine: {per_score:.3f} ms per assessment "
            f"({len(instrument.items)} items)."
        )

        # Two completed assessments for everyone, so pages run against a
        # table far larger than one person's history.
        people = list(Person.objects.filter(organisation=organisation))
        now = timezone.now()
        started = time.perf_counter()
        Assessment.objects.bulk_create(
            Assessment(
                person=person,
                organisation=organisation,
                instrument=version,
                status=Assessment.Status.SUBMITTED,
                mode=Assessment.Mode.WITH_NAVIGATOR,
                answers=samples[(n + k) % len(samples)],
                sections_saved=[s.id for s in instrument.sections],
                scores=scoring.score(
                    instrument, samples[(n + k) % len(samples)]
                ).as_json(),
                started_at=now - datetime.timedelta(days=200 - 91 * k),
                submitted_at=now - datetime.timedelta(days=200 - 91 * k),
            )
            for n, person in enumerate(people)
            for k in range(2)
        )
        self.stdout.write(
            f"Created {2 * len(people)} assessments in "
            f"{time.perf_counter() - started:.2f} s."
        )
        person = Person.objects.filter(navigator=navigator).first()
        latest = complete_assessment(
            person, version, samples[3], by=navigator, when=now
        )
        draft, _created = assessment_actions.start_assessment(
            person, version, by=navigator
        )
        section = instrument.sections[1].id
        cases = [
            (
                "assessments of a person",
                reverse("assessments:person-assessments", args=[person.pk]),
            ),
            (
                "assessment task list",
                reverse("assessments:assessment", args=[draft.pk]),
            ),
            (
                "assessment question page",
                reverse("assessments:section", args=[draft.pk, section]),
            ),
            ("check answers", reverse("assessments:check", args=[draft.pk])),
            ("profile with change", reverse("assessments:profile", args=[latest.pk])),
        ]
        for label, url in cases:
            self.measure(label, navigator, url, repeat)
        self.measure(
            "profile PDF (A4)",
            navigator,
            reverse("assessments:pdf", args=[latest.pk]),
            max(2, repeat // 5),
        )
        started = time.perf_counter()
        call_command("assessments", "rescore", "--check", stdout=io.StringIO())
        total = Assessment.objects.submitted().count()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"rescore --check: {total} assessments in {elapsed:.2f} s "
            f"({elapsed / total * 1000:.2f} ms each)."
        )

    def bench_careplans(self, navigator, repeat):
        """A plan of five suggested goals, each with its template's steps,
        strengths and a barrier, against the directory built above."""
        latest = (
            Assessment.objects.submitted()
            .filter(person__navigator=navigator)
            .select_related("instrument", "person")
            .order_by("-submitted_at")
            .first()
        )
        plan = plan_from_suggestions(latest, by=navigator, goals=5)
        goal = plan.goals.first()
        cases = [
            ("suggested goals", reverse("careplans:suggestions", args=[latest.pk])),
            ("care plan, 5 goals", reverse("careplans:plan", args=[plan.pk])),
            ("care-planning map", reverse("careplans:plan-map", args=[plan.pk])),
            ("goal map", reverse("careplans:goal-map", args=[goal.pk])),
            ("review form", reverse("careplans:review", args=[plan.pk])),
        ]
        for label, url in cases:
            self.measure(label, navigator, url, repeat)
        self.bench_longest_plan(navigator, repeat)

    def bench_longest_plan(self, navigator, repeat):
        """Ten goals of five steps, with every text at its longest allowed
        length: what the maps and the PDF cost at worst."""

        def longest(model, name, n):
            limit = model._meta.get_field(name).max_length
            return (f"{n} " + "Walk to the park and back again " * limit)[:limit]

        person = Person.objects.create(
            organisation=navigator.memberships.first().organisation,
            reference="B-LONGEST",
            given_name="Longest",
            family_name="Plan",
            date_of_birth=datetime.date(1980, 1, 1),
            navigator=navigator,
        )
        plan, _created = plan_actions.start_plan(person, by=navigator)
        due = timezone.localdate() + datetime.timedelta(days=30)
        for g in range(10):
            goal = plan_actions.add_goal(
                plan,
                by=navigator,
                wording=longest(Goal, "wording", g),
                proposed_by=Goal.ProposedBy.TOGETHER,
                person_agreed=True,
            )
            for s in range(5):
                plan_actions.add_action(
                    goal,
                    by=navigator,
                    what=longest(Action, "what", s),
                    how_we_know=longest(Action, "how_we_know", s),
                    who=Action.Who.PERSON,
                    due_on=due,
                )
            plan_actions.add_strength(
                goal, by=navigator, wording=longest(Strength, "wording", g)
            )
            plan_actions.add_resource(
                goal,
                by=navigator,
                name=longest(Resource, "name", g),
                note=longest(Resource, "note", g),
            )
            plan_actions.add_barrier(
                goal,
                by=navigator,
                wording=longest(Barrier, "wording", g),
                solutions=[longest(Solution, "wording", n) for n in range(3)],
            )
        goal = plan.goals.first()
        cases = [
            ("care plan, longest texts", reverse("careplans:plan", args=[plan.pk])),
            (
                "care-planning map, longest texts",
                reverse("careplans:plan-map", args=[plan.pk]),
            ),
            ("goal map, longest texts", reverse("careplans:goal-map", args=[goal.pk])),
        ]
        for label, url in cases:
            self.measure(label, navigator, url, repeat)
        # WeasyPrint takes a while even for short plans; a few runs suffice.
        self.measure(
            "care plan PDF, longest texts",
            navigator,
            reverse("careplans:plan-pdf", args=[plan.pk]),
            min(repeat, 3),
        )

    def bench_engagement(self, organisation, navigator, repeat):
        """Every person with an open episode and four contacts, a third of
        them last in touch over a month ago; then one run of the alert rules
        and the pages that show their results."""
        today = timezone.localdate()
        people = list(Person.objects.filter(organisation=organisation))
        Person.objects.filter(organisation=organisation).update(
            created_at=timezone.now() - datetime.timedelta(days=120)
        )
        started = time.perf_counter()
        Episode.objects.bulk_create(
            Episode(
                person=person,
                organisation=organisation,
                referred_on=today - datetime.timedelta(days=100),
                started_on=today - datetime.timedelta(days=90),
                referral_source="self",
                substance_group="alcohol",
            )
            for person in people
        )
        Contact.objects.bulk_create(
            Contact(
                person=person,
                organisation=organisation,
                happened_at=timezone.now()
                - datetime.timedelta(days=7 * week + (30 if n % 3 == 0 else 1)),
                method="phone",
                outcome="reached" if week else "no_answer",
                by=navigator,
            )
            for n, person in enumerate(people)
            for week in range(4)
        )
        self.stdout.write(
            f"Created {len(people)} episodes and {4 * len(people)} contacts in "
            f"{time.perf_counter() - started:.2f} s."
        )
        started = time.perf_counter()
        counts = alerting.run(today)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"alerts run: {counts[Alert.Rule.NO_CONTACT]} alerts raised from "
            f"{counts['seen']} events in {elapsed:.2f} s."
        )
        # The usual case, every few minutes: nothing new to raise. (The
        # first run's thousands of inserts fill Django's query log.)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            alerting.run(today)
            elapsed = time.perf_counter() - started
        self.stdout.write(
            f"alerts run again, nothing new: {elapsed:.2f} s, {len(queries)} queries."
        )
        person = people[0]
        cases = [
            ("person page", person.get_absolute_url()),
            (
                "episodes of a person",
                reverse("episodes:person-episodes", args=[person.pk]),
            ),
            (
                "contacts of a person",
                reverse("engagement:person-contacts", args=[person.pk]),
            ),
            ("alerts, navigator", reverse("engagement:alerts")),
            ("home with the work list, navigator", reverse("home")),
        ]
        for label, url in cases:
            self.measure(label, navigator, url, repeat)

    def bench_directory(self, area, navigator, repeat, services=1000):
        started = time.perf_counter()
        ids = bulk_services(area, services, prefix="bench")
        self.stdout.write(
            f"Created {services} directory services in "
            f"{time.perf_counter() - started:.2f} s."
        )
        search = reverse("directory:search")
        cases = [
            ("directory search, everything", search),
            ("directory search, a need", search + "?need=need:peer-support"),
            (
                "directory search, near, within 5 miles",
                search + "?near=51.70,-3.40&within=5",
            ),
            ("directory search, meets in the next 7 days", search + "?when=week"),
            (
                "directory search, near, meets in the next 7 days",
                search + "?near=51.70,-3.40&when=week",
            ),
            ("directory service page", reverse("directory:service", args=[ids[7]])),
        ]
        for label, url in cases:
            self.measure(label, navigator, url, repeat)

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
