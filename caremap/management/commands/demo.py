"""`caremap demo`: load a small, made-up service so Caremap can be tried out.

Everything here is fictional. Phone numbers are in Ofcom's range reserved for
drama (07700 900000 to 900999) and email addresses are at example.org, so a
slip in a demo can never reach a real person.
"""

import datetime
import random
import unicodedata
from collections import Counter
from typing import NamedTuple

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from caremap.accounts.models import User
from caremap.assessments.samples import complete_assessment, plausible_answers
from caremap.careplans.samples import plan_from_suggestions, review_plan
from caremap.directory import demo as demo_directory
from caremap.directory.actions import load_demo_directory, load_places
from caremap.directory.models import AreaDirectory, Editor, Listing
from caremap.engagement import alerting
from caremap.engagement import samples as engagement_samples
from caremap.engagement.models import Alert
from caremap.episodes import samples as episode_samples
from caremap.episodes.models import Episode
from caremap.instruments.actions import install_shipped
from caremap.instruments.models import InstrumentVersion
from caremap.organisations.models import Area, Membership, Organisation, Team
from caremap.people.actions import create_person
from caremap.people.models import Person
from caremap.planaudits import samples as planaudit_samples
from caremap.privacy.audit import audit_context
from caremap.selfaudits import samples as selfaudit_samples

PASSWORD = "caremap-demo"  # noqa: S105 - published on purpose; refused outside DEBUG.

REFUSAL = (
    "The demo data adds made-up people and well-known passwords. It only runs "
    "with DEBUG on; use --force to load it anyway (never on a live service)."
)

# Dates of birth are worked out from a fixed day rather than today, so every
# run and every developer's database holds the same ones. The ages in PEOPLE
# are ages on this day; people grow older from it, as real people do.
AGE_BASE_DATE = datetime.date(2026, 1, 1)

PLURALS = {
    "area": "areas",
    "organisation": "organisations",
    "team": "teams",
    "sign-in": "sign-ins",
    "membership": "memberships",
    "person": "people",
    "assessment": "assessments",
    "directory entry": "directory entries",
    "place": "places",
    "care plan": "care plans",
    "review": "reviews",
    "episode": "episodes",
    "contact": "contacts",
    "check-up": "check-ups",
    "alert": "alerts",
    "group session": "group sessions",
    "self-audit": "self-audits",
    "care-plan audit": "care-plan audits",
}

# Past assessments are a quarter apart, the usual review cycle, the latest a
# fortnight before the demo is loaded.
ASSESSMENT_INTERVAL = datetime.timedelta(days=91)
DAY = datetime.timedelta(days=1)

AREA_NAME = "Afon Valley Area Planning Board"
TREATMENT = "treatment"
COMMUNITY = "community"
ORGANISATIONS = {
    TREATMENT: (
        "Afon Valley Drug and Alcohol Service",
        Organisation.Kind.TREATMENT_SERVICE,
        "AV",
        ["Upper valley team", "Lower valley team"],
    ),
    COMMUNITY: (
        "Cwm Recovery Community",
        Organisation.Kind.RECOVERY_COMMUNITY,
        "CR",
        ["Peer mentoring team", "Community connectors team"],
    ),
}


# The services each organisation works closely with: they come first when a
# navigator looks for help.
DIRECTORY_RELATIONSHIPS = [
    (TREATMENT, "SMART Recovery: Aberafon Tuesday Meeting"),
    (TREATMENT, "Afon Valley Peer Mentoring"),
    (TREATMENT, "Housing Options and Homelessness Advice"),
    (TREATMENT, "Heol y Bont Surgery: Drug and Alcohol Clinic"),
    (TREATMENT, "Families in Recovery Support Group"),
    (TREATMENT, "Pontafon Pharmacy Needle and Syringe Programme"),
    (COMMUNITY, "The Lantern Recovery Café"),
    (COMMUNITY, "Step by Step Recovery Walks"),
    (COMMUNITY, "Afon Voices Recovery Choir"),
    (COMMUNITY, "Camau Ymlaen Back to Work"),
    (COMMUNITY, "Afon Valley Volunteer Centre"),
    (COMMUNITY, "Afon Valley Advice Centre"),
]


class StaffSpec(NamedTuple):
    key: str
    email: str
    full_name: str
    role: str
    organisation: str = ""
    team: str = ""
    # Only the four well-known sign-ins go in the table at the end; the other
    # navigators exist so caseloads and team visibility look like a real service.
    headline: bool = False


NAVIGATOR = Membership.Role.NAVIGATOR
MANAGER = Membership.Role.MANAGER
COMMISSIONER = Membership.Role.COMMISSIONER
ADMINISTRATOR = Membership.Role.ADMINISTRATOR

STAFF = [
    StaffSpec(
        "ffion",
        "navigator@demo.caremap.test",
        "Ffion Parry",
        NAVIGATOR,
        TREATMENT,
        "Upper valley team",
        headline=True,
    ),
    StaffSpec(
        "gareth",
        "manager@demo.caremap.test",
        "Gareth Bowen",
        MANAGER,
        TREATMENT,
        headline=True,
    ),
    StaffSpec(
        "helen",
        "commissioner@demo.caremap.test",
        "Helen Probert",
        COMMISSIONER,
        headline=True,
    ),
    StaffSpec(
        "sanjay",
        "admin@demo.caremap.test",
        "Sanjay Mehta",
        ADMINISTRATOR,
        headline=True,
    ),
    StaffSpec(
        "dan",
        "dan.whitfield@demo.caremap.test",
        "Dan Whitfield",
        NAVIGATOR,
        TREATMENT,
        "Upper valley team",
    ),
    StaffSpec(
        "rhiannon",
        "rhiannon.lloyd@demo.caremap.test",
        "Rhiannon Lloyd",
        NAVIGATOR,
        TREATMENT,
        "Lower valley team",
    ),
    StaffSpec(
        "kerry",
        "kerry.ashworth@demo.caremap.test",
        "Kerry Ashworth",
        NAVIGATOR,
        COMMUNITY,
        "Peer mentoring team",
    ),
    StaffSpec(
        "tomasz",
        "tomasz.nowak@demo.caremap.test",
        "Tomasz Nowak",
        NAVIGATOR,
        COMMUNITY,
        "Community connectors team",
    ),
    # The recovery community's own manager, so a commissioner sees two
    # organisations' self-audits side by side.
    StaffSpec(
        "nia",
        "nia.rowlands@demo.caremap.test",
        "Nia Rowlands",
        MANAGER,
        COMMUNITY,
    ),
]


class PersonSpec(NamedTuple):
    given_name: str
    family_name: str
    age: int
    pathway: str
    contact: str
    organisation: str
    navigator: str = ""
    preferred_name: str = ""
    pronouns: str = ""
    gender: str = ""
    welsh: bool = False
    closure_reason: str = ""
    address: str = ""


P = Person.Pathway
C = Person.ContactMethod
R = Person.ClosureReason
WELSH = Person.Language.WELSH
ENGLISH = Person.Language.ENGLISH

# Written out rather than generated so the people read as a plausible caseload
# and every pathway, status and contact preference appears on purpose.
# References follow each person's place in their organisation's part of this
# list, and a rerun recognises people by reference: add new people at the end.
PEOPLE = [
    # Ffion's caseload: the demo navigator's own list.
    PersonSpec("Rhys", "Morgan", 34, P.ABSTINENCE, C.TEXT, TREATMENT, "ffion", pronouns="he/him", gender="Man"),
    PersonSpec("Siân", "Evans", 41, P.MEDICATION_ASSISTED, C.PHONE, TREATMENT, "ffion", pronouns="she/her", gender="Woman", welsh=True),
    PersonSpec("Dafydd", "Llewellyn", 58, P.MODERATION, C.PHONE, TREATMENT, "ffion", preferred_name="Dai", welsh=True),
    PersonSpec("Kayleigh", "Hughes", 27, P.HARM_REDUCTION, C.TEXT, TREATMENT, "ffion", gender="Woman"),
    PersonSpec("Jordan", "Clarke", 23, P.NOT_DECIDED, C.EMAIL, TREATMENT, "ffion", pronouns="they/them", gender="Non-binary"),
    PersonSpec("Margaret", "Watkins", 72, P.ABSTINENCE, C.POST, TREATMENT, "ffion", preferred_name="Peggy", address="7 Heol y Felin\nPontafon"),
    PersonSpec("Liam", "O'Connor", 31, P.MEDICATION_ASSISTED, C.TEXT, TREATMENT, "ffion"),
    PersonSpec("Bethan", "Rees", 45, P.ABSTINENCE, C.EMAIL, TREATMENT, "ffion", pronouns="she/her", welsh=True),
    PersonSpec("Nathan", "Price", 38, P.HARM_REDUCTION, C.IN_PERSON, TREATMENT, "ffion"),
    PersonSpec("Amira", "Hassan", 29, P.MODERATION, C.TEXT, TREATMENT, "ffion", pronouns="she/her"),
    PersonSpec("Wayne", "Protheroe", 52, P.MEDICATION_ASSISTED, C.PHONE, TREATMENT, "ffion", closure_reason=R.GOALS_MET),
    # Dan's caseload: Ffion sees these too, as they share a team.
    PersonSpec("Carys", "Jenkins", 36, P.ABSTINENCE, C.TEXT, TREATMENT, "dan", welsh=True),
    PersonSpec("Tyler", "Davies", 19, P.HARM_REDUCTION, C.TEXT, TREATMENT, "dan", pronouns="he/him"),
    PersonSpec("Owain", "Griffiths", 47, P.MODERATION, C.PHONE, TREATMENT, "dan", welsh=True),
    PersonSpec("Stacey", "Powell", 33, P.MEDICATION_ASSISTED, C.TEXT, TREATMENT, "dan", preferred_name="Stace"),
    PersonSpec("Mohammed", "Iqbal", 40, P.ABSTINENCE, C.PHONE, TREATMENT, "dan", pronouns="he/him", gender="Man"),
    PersonSpec("Lowri", "Thomas", 25, P.NOT_DECIDED, C.EMAIL, TREATMENT, "dan", welsh=True),
    PersonSpec("Keith", "Bevan", 66, P.MODERATION, C.POST, TREATMENT, "dan", closure_reason=R.MOVED_AWAY, address="Flat 3, 21 Stryd Fawr\nLlanwennol"),
    # Rhiannon's caseload, in the other team: outside Ffion's view.
    PersonSpec("Aled", "Roberts", 44, P.MEDICATION_ASSISTED, C.PHONE, TREATMENT, "rhiannon", welsh=True),
    PersonSpec("Chantelle", "Lewis", 30, P.HARM_REDUCTION, C.TEXT, TREATMENT, "rhiannon", pronouns="she/her"),
    PersonSpec("Ioan", "Phillips", 22, P.NOT_DECIDED, C.TEXT, TREATMENT, "rhiannon", welsh=True),
    PersonSpec("Deborah", "Harris", 55, P.ABSTINENCE, C.PHONE, TREATMENT, "rhiannon", preferred_name="Debs", gender="Woman"),
    PersonSpec("Ryan", "Edwards", 28, P.MEDICATION_ASSISTED, C.IN_PERSON, TREATMENT, "rhiannon", closure_reason=R.LOST_CONTACT),
    PersonSpec("Eleri", "Vaughan", 61, P.MODERATION, C.EMAIL, TREATMENT, "rhiannon", pronouns="she/her", welsh=True),
    PersonSpec("Alex", "Kowalski", 26, P.HARM_REDUCTION, C.EMAIL, TREATMENT, "rhiannon", pronouns="they/them"),
    PersonSpec("Paul", "Jones", 49, P.ABSTINENCE, C.PHONE, TREATMENT, "rhiannon"),
    # Waiting for a navigator, so the manager has someone to assign.
    PersonSpec("Nia", "Howells", 37, P.NOT_DECIDED, C.TEXT, TREATMENT, welsh=True),
    PersonSpec("Darren", "Morris", 42, P.MEDICATION_ASSISTED, C.PHONE, TREATMENT),
    PersonSpec("Samira", "Begum", 32, P.MODERATION, C.EMAIL, TREATMENT, pronouns="she/her"),
    PersonSpec("Gethin", "Prosser", 20, P.HARM_REDUCTION, C.TEXT, TREATMENT, welsh=True),
    # The recovery community organisation.
    PersonSpec("Huw", "Beynon", 63, P.ABSTINENCE, C.PHONE, COMMUNITY, "kerry", welsh=True),
    PersonSpec("Leanne", "Matthews", 39, P.MODERATION, C.TEXT, COMMUNITY, "kerry", gender="Woman"),
    PersonSpec("Samuel", "Richards", 24, P.NOT_DECIDED, C.EMAIL, COMMUNITY, "kerry", preferred_name="Sam", pronouns="he/him"),
    PersonSpec("Tracy", "Walters", 57, P.MEDICATION_ASSISTED, C.PHONE, COMMUNITY, "kerry", closure_reason=R.MOVED_ON),
    PersonSpec("Emyr", "Pugh", 51, P.HARM_REDUCTION, C.IN_PERSON, COMMUNITY, "kerry", welsh=True),
    PersonSpec("Jade", "Foster", 26, P.ABSTINENCE, C.TEXT, COMMUNITY, "tomasz", pronouns="she/her"),
    PersonSpec("Cerys", "Wynne", 34, P.MODERATION, C.EMAIL, COMMUNITY, "tomasz", welsh=True),
    PersonSpec("Marek", "Zieliński", 46, P.MEDICATION_ASSISTED, C.PHONE, COMMUNITY, "tomasz", gender="Man"),
    PersonSpec("Dylan", "Hopkins", 21, P.NOT_DECIDED, C.TEXT, COMMUNITY, "tomasz"),
    PersonSpec("Glenys", "Rowlands", 70, P.ABSTINENCE, C.POST, COMMUNITY, welsh=True, address="Tŷ Gwyn, Lôn yr Eglwys\nPontafon"),
]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Load a made-up area, organisations, staff sign-ins and people to try "
        "Caremap with. Safe to run again: it only adds what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo data even with DEBUG off. Never use on a live service.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(REFUSAL)

        added = Counter()
        # All or nothing, so a failure part-way leaves the database as it was
        # rather than holding half a demo.
        with transaction.atomic(), audit_context(source="demo"):
            area, organisations, teams = self.load_configuration(added)
            staff = self.load_staff(area, organisations, teams, added)
            self.load_people(organisations, staff, added)
            self.load_episodes(added)
            self.load_assessments(added)
            self.load_directory(area, organisations, staff, added)
            self.load_plans(added)
            self.load_engagement(added)
            self.load_audits(organisations, added)

        added = +added  # drops the kinds of thing that were all there already
        if added:
            summary = ", ".join(
                f"{count} {what if count == 1 else PLURALS[what]}"
                for what, count in added.items()
            )
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        else:
            self.stdout.write("The demo data was already there; nothing was added.")
        self.write_sign_ins()

    def load_configuration(self, added):
        area, created = Area.objects.get_or_create(name=AREA_NAME)
        added["area"] += created
        organisations, teams = {}, {}
        for key, (name, kind, _prefix, team_names) in ORGANISATIONS.items():
            organisation, created = Organisation.objects.get_or_create(
                area=area, name=name, defaults={"kind": kind}
            )
            added["organisation"] += created
            organisations[key] = organisation
            for team_name in team_names:
                team, created = Team.objects.get_or_create(
                    organisation=organisation, name=team_name
                )
                added["team"] += created
                teams[key, team_name] = team
        return area, organisations, teams

    def load_staff(self, area, organisations, teams, added):
        staff = {}
        for spec in STAFF:
            user = User.objects.filter(email=spec.email).first()
            if user is None:
                # Hashing is slow, so only new accounts get a password; an
                # existing demo account keeps whatever password it has now.
                user = User.objects.create_user(
                    email=spec.email, password=PASSWORD, full_name=spec.full_name
                )
                added["sign-in"] += 1
            staff[spec.key] = user

            lookup = {"user": user, "role": spec.role}
            defaults = {}
            if spec.role in (NAVIGATOR, MANAGER):
                lookup["organisation"] = organisations[spec.organisation]
                if spec.team:
                    defaults["team"] = teams[spec.organisation, spec.team]
            elif spec.role == COMMISSIONER:
                lookup["area"] = area
            else:
                lookup.update(organisation=None, area=None)
            _membership, created = Membership.objects.get_or_create(
                **lookup, defaults=defaults
            )
            added["membership"] += created
        return staff

    def load_people(self, organisations, staff, added):
        numbered = Counter()
        for number, spec in enumerate(PEOPLE, start=1):
            organisation = organisations[spec.organisation]
            numbered[spec.organisation] += 1
            prefix = ORGANISATIONS[spec.organisation][2]
            reference = f"{prefix}-{numbered[spec.organisation]:04d}"
            if Person.objects.filter(
                organisation=organisation, reference=reference
            ).exists():
                # Left alone even if it differs: someone may be mid-demo with it.
                continue
            person = build_person(spec, number, organisation, reference, staff)
            create_person(person, by=None)
            added["person"] += 1

    def load_episodes(self, added):
        """Every demo person somewhere on the journey: waiting, in support,
        finished (some recently, some months ago), dropped out, or back
        after finishing. People still waiting for a navigator are waiting
        to start; people whose support closed dropped out."""
        today = timezone.localdate()
        people = (
            Person.objects.filter(reference__in=self.demo_references())
            .select_related("navigator", "organisation")
            .order_by("pk")
        )
        for index, person in enumerate(people):
            if person.episodes.exists():
                continue
            if person.status == Person.Status.CLOSED:
                stage = "dropped_out"
            elif person.navigator is None:
                stage = "waiting"
            else:
                stage = episode_samples.STAGES[index % len(episode_samples.STAGES)]
            recorded = episode_samples.journey(
                person, by=person.navigator, stage=stage, number=index, today=today
            )
            added["episode"] += len(recorded)

    def load_engagement(self, added):
        """Contacts for everyone with a navigator, some drifting away; a
        worrying check-in; check-ups after completed exits; then the alert
        rules, as the scheduled `caremap alerts run` would."""
        today = timezone.localdate()
        people = (
            Person.objects.filter(
                reference__in=self.demo_references(),
                status=Person.Status.ACTIVE,
            )
            .select_related("navigator", "organisation")
            .order_by("pk")
        )
        for index, person in enumerate(people):
            if person.contacts.exists() or person.group_memberships.exists():
                continue
            if person.navigator is None:
                # Waiting for a navigator: a welcome call from the duty worker.
                added["contact"] += engagement_samples.contacts(
                    person,
                    by=None,
                    since=today - (3 + index % 10) * DAY,
                    last=today,
                    number=index,
                )
                continue
            episode = person.episodes.order_by("-referred_on").first()
            since = episode.referred_on if episode else today - 90 * DAY
            last = episode.ended_on if episode and episode.ended_on else today
            added["contact"] += engagement_samples.contacts(
                person,
                by=person.navigator,
                since=since,
                last=last - (2 + index % 6) * DAY,
                number=index,
                drifting=index % 5 == 2 and last == today,
            )
            if index % 3 != 2:
                added["group session"] += engagement_samples.groups(
                    person,
                    by=person.navigator,
                    area_id=person.organisation.area_id,
                    number=index,
                    today=today,
                )
            for ended in person.episodes.filter(exit_reason__in=Episode.COMPLETED):
                added["check-up"] += engagement_samples.check_ups(
                    ended, by=person.navigator, today=today
                )
        # A check-in, taken by link yesterday, that says use has been a worry.
        check_in = InstrumentVersion.objects.current_version("check-in")
        worried = people.filter(navigator__isnull=False).first()
        if (
            check_in
            and worried
            and not worried.assessments.filter(instrument=check_in).exists()
        ):
            complete_assessment(
                worried,
                check_in,
                {
                    "checkin-overall": 1,
                    "checkin-use-worry": True,
                    "checkin-connected": 2,
                    "checkin-in-the-way": True,
                },
                by=None,
                when=timezone.now() - DAY,
            )
            added["assessment"] += 1
        counts = alerting.run(today)
        added["alert"] += sum(
            count for rule, count in counts.items() if rule in Alert.Rule.values
        )

    def load_assessments(self, added):
        install_shipped()
        version = InstrumentVersion.objects.current_version(settings.DEFAULT_INSTRUMENT)
        if version is None:
            raise CommandError(
                f"The default instrument {settings.DEFAULT_INSTRUMENT!r} is not "
                "installed; check DEFAULT_INSTRUMENT."
            )
        today = timezone.now().replace(hour=11, minute=0, second=0, microsecond=0)
        people = Person.objects.filter(
            reference__in=self.demo_references()
        ).select_related("navigator", "organisation")
        for index, person in enumerate(people.order_by("pk")):
            if person.assessments.exists():
                continue
            # Seeded per person, so every run makes the same answers.
            rng = random.Random(f"{person.reference}-assessments")  # noqa: S311
            count = 2 + index % 2
            for step in range(count):
                when = (
                    today
                    - datetime.timedelta(days=14)
                    - ASSESSMENT_INTERVAL * (count - 1 - step)
                )
                answers = plausible_answers(
                    version.instrument, rng, progress=step / max(count - 1, 1)
                )
                complete_assessment(
                    person, version, answers, by=person.navigator, when=when
                )
                added["assessment"] += 1

    def load_plans(self, added):
        """Plans at different stages: most active people with a navigator
        have one, with one to three goals and some steps already done;
        every fourth has none yet, so there is a plan to start."""
        people = (
            Person.objects.filter(
                reference__in=self.demo_references(),
                status=Person.Status.ACTIVE,
                navigator__isnull=False,
            )
            .select_related("navigator", "organisation")
            .order_by("pk")
        )
        for index, person in enumerate(people):
            if index % 4 == 3 or person.care_plans.exists():
                continue
            done = list(
                person.assessments.submitted()
                .select_related("instrument")
                .order_by("submitted_at")
            )
            if not done:
                continue
            # Half the plans began at the assessment before last and were
            # reviewed at the latest one; a few began then and are overdue
            # for review, so the home page has some to show; the rest began
            # at the latest assessment.
            reviewed = index % 2 == 0 and len(done) >= 2
            overdue = index % 8 == 1 and len(done) >= 2
            first = done[-2] if reviewed or overdue else done[-1]
            plan = plan_from_suggestions(
                first,
                by=person.navigator,
                goals=1 + index % 3,
                steps_done=index % 3,
                today=timezone.localdate(first.submitted_at),
            )
            added["care plan"] += 1
            if reviewed:
                review_plan(
                    plan,
                    done[-1],
                    by=person.navigator,
                    held_on=timezone.localdate(done[-1].submitted_at),
                )
                added["review"] += 1

    def load_audits(self, organisations, added):
        """Each organisation's self-audits over the last quarters and its
        care-plan audits, made by its manager, so both show a history."""
        today = timezone.localdate()
        for organisation in organisations.values():
            manager = (
                Membership.objects.filter(
                    organisation=organisation, role=Membership.Role.MANAGER
                )
                .select_related("user")
                .first()
            )
            if manager is None:
                continue
            added["self-audit"] += selfaudit_samples.load_demo(
                organisation, by=manager.user, today=today
            )
            added["care-plan audit"] += planaudit_samples.load_demo(
                organisation, by=manager.user, today=today
            )

    def load_directory(self, area, organisations, staff, added):
        if Listing.objects.in_area(area).exists():
            return
        settings_, _created = AreaDirectory.objects.get_or_create(area=area)
        settings_.public = True
        settings_.save(update_fields=["public"])
        added["place"] += load_places(demo_directory.demo_places(), source="demo")[0]
        added["directory entry"] += load_demo_directory(
            area,
            relationships=[
                (organisations[org], name) for org, name in DIRECTORY_RELATIONSHIPS
            ],
            checked_by=staff["gareth"],
        )
        Editor.objects.get_or_create(
            area=area,
            user=staff["kerry"],
            defaults={"appointed_by": staff["helen"]},
        )

    def demo_references(self):
        references = []
        numbered = Counter()
        for spec in PEOPLE:
            numbered[spec.organisation] += 1
            prefix = ORGANISATIONS[spec.organisation][2]
            references.append(f"{prefix}-{numbered[spec.organisation]:04d}")
        return references

    def write_sign_ins(self):
        rows = [("Role", "Email", "Password")]
        for spec in STAFF:
            if spec.headline:
                rows.append((str(spec.role.label), spec.email, PASSWORD))
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("")
        for index, row in enumerate(rows):
            line = "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            )
            self.stdout.write(line.rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))


def build_person(spec, number, organisation, reference, staff):
    return Person(
        organisation=organisation,
        reference=reference,
        given_name=spec.given_name,
        family_name=spec.family_name,
        preferred_name=spec.preferred_name,
        pronouns=spec.pronouns,
        gender=spec.gender,
        date_of_birth=date_of_birth(spec.age, number),
        phone=demo_phone(number) if spec.contact not in (C.POST, C.IN_PERSON) else "",
        # Most people give an email only when they want to be reached by it.
        email=demo_email(spec) if spec.contact == C.EMAIL or number % 4 == 0 else "",
        address=spec.address,
        preferred_contact_method=spec.contact,
        # Known to the service for a while, so "not in touch since being
        # added" means something.
        created_at=timezone.now() - datetime.timedelta(days=60 + 7 * number),
        preferred_language=WELSH if spec.welsh else ENGLISH,
        navigator=staff.get(spec.navigator),
        pathway=spec.pathway,
        status=Person.Status.CLOSED if spec.closure_reason else Person.Status.ACTIVE,
        closure_reason=spec.closure_reason,
    )


def date_of_birth(age, number):
    # Birthdays fall between 2 January and 28 December, so each person is
    # exactly `age` on AGE_BASE_DATE and none is born on the base day itself.
    month = number * 5 % 12 + 1
    day = number * 7 % 27 + 2
    return datetime.date(AGE_BASE_DATE.year - age - 1, month, day)


def demo_phone(number):
    # Steps of seven keep the numbers distinct while looking less sequential.
    return f"07700 900{(100 + number * 7) % 1000:03d}"


def demo_email(spec):
    local = f"{spec.given_name}.{spec.family_name}"
    # Email addresses need plain ASCII: "Siân" becomes "sian", "O'Connor" "oconnor".
    ascii_only = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    mailbox = "".join(ch for ch in ascii_only.lower() if ch.isalnum() or ch == ".")
    return f"{mailbox}@example.org"
