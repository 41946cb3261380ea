"""A made-up area at the scale outcome reports and benchmarks need: up to
100,000 people with three years of episodes, assessments, care plans,
directory services, referrals, groups, contacts, check-ups and alerts.

Everything comes from one `random.Random(seed)` and the `today` given, never
the clock, so the same seed and day always make the same area (only the
database ids, the area's linkage secret and the unusable passwords differ).

Rows are written with bulk_create, in batches, inside one transaction. No
audit events are recorded: synthetic data is not a record of anyone's work,
and an audit trail of millions of made-up events would only hide real ones.
"""

from __future__ import annotations

import datetime
import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from caremap.accounts.models import User
from caremap.assessments.models import Assessment, points_of
from caremap.careplans.models import (
    Action,
    CarePlan,
    Goal,
    Resource,
    Review,
    Strength,
)
from caremap.directory.models import (
    Address,
    Listing,
    ListingTag,
    Location,
    Organization,
    Relationship,
    Schedule,
    Service,
    ServiceAtLocation,
)
from caremap.engagement.models import (
    Alert,
    Attendance,
    CheckUp,
    Contact,
    GroupMembership,
)
from caremap.episodes import linkage
from caremap.episodes.actions import area_secret
from caremap.episodes.models import Episode
from caremap.instruments.actions import install_shipped
from caremap.instruments.models import InstrumentVersion
from caremap.instruments.scoring import score
from caremap.organisations.models import Area, Membership, Organisation, Team
from caremap.people.models import Person, PersonStance
from caremap.referrals.models import Rating, Referral

BATCH = 2000
DAY = datetime.timedelta(days=1)
INSTRUMENT = "recovery-capital-profile"
HISTORY_DAYS = 3 * 365
# Answer sets scored once and reused: scoring every made-up assessment one
# by one would take longer than writing them all.
POOL_LEVELS = 10
POOL_PER_LEVEL = 30
PEOPLE_PER_NAVIGATOR = 40
# Contacts are made for the last year only: older ones add bulk, not realism
# any report looks at.
CONTACT_DAYS = 365
ATTENDANCE_DAYS = 182

Group = Episode.SubstanceGroup
Exit = Episode.ExitReason

GROUP_SHARES = [
    (Group.OPIATE, 45),
    (Group.NON_OPIATE, 15),
    (Group.ALCOHOL, 30),
    (Group.ALCOHOL_NON_OPIATE, 10),
]
# Median days in treatment, by group; the spread is log-normal.
MEDIAN_DAYS = {
    Group.OPIATE: 330,
    Group.NON_OPIATE: 120,
    Group.ALCOHOL: 140,
    Group.ALCOHOL_NON_OPIATE: 160,
}
EXIT_SHARES = [
    (Exit.COMPLETED_FREE, 30),
    (Exit.COMPLETED_OCCASIONAL, 12),
    (Exit.DROPPED_OUT, 28),
    (Exit.TRANSFERRED, 12),
    (Exit.TRANSFERRED_CUSTODY, 3),
    (Exit.WITHDRAWN, 5),
    (Exit.DIED, 1),
    (Exit.OTHER, 4),
]
OPIATE_EXIT_SHARES = [
    (Exit.COMPLETED_FREE, 20),
    (Exit.COMPLETED_OCCASIONAL, 6),
    (Exit.DROPPED_OUT, 32),
    (Exit.TRANSFERRED, 16),
    (Exit.TRANSFERRED_CUSTODY, 5),
    (Exit.WITHDRAWN, 6),
    (Exit.DIED, 2),
    (Exit.OTHER, 4),
]
SOURCE_SHARES = [
    ("self", 40),
    ("gp", 12),
    ("criminal_justice", 14),
    ("family", 5),
    ("hospital", 8),
    ("mental_health", 4),
    ("social_care", 5),
    ("housing", 4),
    ("recovery_community", 3),
    ("other", 5),
]
# Another group on a later presentation: the usual drift between them.
OTHER_GROUP = {
    Group.OPIATE: [Group.NON_OPIATE, Group.ALCOHOL],
    Group.NON_OPIATE: [Group.ALCOHOL_NON_OPIATE, Group.OPIATE],
    Group.ALCOHOL: [Group.ALCOHOL_NON_OPIATE, Group.NON_OPIATE],
    Group.ALCOHOL_NON_OPIATE: [Group.ALCOHOL, Group.NON_OPIATE],
}
CLOSURE_AFTER = {
    Exit.COMPLETED_FREE: Person.ClosureReason.GOALS_MET,
    Exit.COMPLETED_OCCASIONAL: Person.ClosureReason.GOALS_MET,
    Exit.TRANSFERRED: Person.ClosureReason.MOVED_ON,
    Exit.TRANSFERRED_CUSTODY: Person.ClosureReason.OTHER,
    Exit.DROPPED_OUT: Person.ClosureReason.LOST_CONTACT,
    Exit.WITHDRAWN: Person.ClosureReason.OTHER,
    Exit.DECLINED: Person.ClosureReason.CHOSE_TO_LEAVE,
    Exit.DIED: Person.ClosureReason.DIED,
    Exit.OTHER: Person.ClosureReason.MOVED_AWAY,
}

# Gender in people's own words, as a service's records hold it.
GENDER_SHARES = [
    ("Woman", 20),
    ("Man", 28),
    ("Female", 13),
    ("Male", 20),
    ("woman", 1),
    ("male", 2),
    ("Non-binary", 2),
    ("Trans woman", 0.5),
    ("Trans man", 0.5),
    ("Genderfluid", 0.3),
    ("Agender", 0.2),
    ("", 8),
]
FEMININE = {"Woman", "Female", "woman", "Trans woman"}
MASCULINE = {"Man", "Male", "male", "Trans man"}
# Roughly the 2021 census of England and Wales, with some left unrecorded.
ETHNIC_SHARES = [
    (Person.EthnicGroup.WHITE, 77),
    (Person.EthnicGroup.ASIAN, 8.5),
    (Person.EthnicGroup.BLACK, 3.8),
    (Person.EthnicGroup.MIXED, 2.8),
    (Person.EthnicGroup.OTHER, 2),
    ("", 6),
]
FEMALE_NAMES = [
    "Amy",
    "Bethan",
    "Carys",
    "Chloe",
    "Claire",
    "Danielle",
    "Emma",
    "Ffion",
    "Gemma",
    "Hannah",
    "Jade",
    "Jess",
    "Karen",
    "Kirsty",
    "Laura",
    "Leanne",
    "Lisa",
    "Lowri",
    "Megan",
    "Michelle",
    "Natalie",
    "Nia",
    "Rachel",
    "Rhian",
    "Sarah",
    "Siân",
    "Sophie",
    "Stacey",
    "Zoe",
    "Aisha",
    "Fatima",
    "Priya",
    "Amara",
    "Ewa",
    "Agnieszka",
    "Olena",
    "Maria",
    "Grace",
    "Niamh",
    "Eleri",
    "Ángela",
    "Zuzana",
]
MALE_NAMES = [
    "Aled",
    "Andrew",
    "Ben",
    "Callum",
    "Carl",
    "Chris",
    "Craig",
    "Daniel",
    "Darren",
    "Dafydd",
    "Dean",
    "Gareth",
    "Gavin",
    "Huw",
    "Ian",
    "Jamie",
    "Jason",
    "Kyle",
    "Lee",
    "Liam",
    "Mark",
    "Matthew",
    "Michael",
    "Neil",
    "Owain",
    "Paul",
    "Rhys",
    "Ryan",
    "Scott",
    "Steven",
    "Tom",
    "Wayne",
    "Mohammed",
    "Imran",
    "Kwame",
    "Tomasz",
    "Piotr",
    "Andrii",
    "Llŷr",
    "Seán",
    "Connor",
    "Ethan",
    "Emeka",
]
NEUTRAL_NAMES = [
    "Alex",
    "Sam",
    "Jordan",
    "Robin",
    "Morgan",
    "Charlie",
    "Rowan",
    "Ash",
    "Jo",
    "Kit",
]
FAMILY_NAMES = [
    "Jones",
    "Williams",
    "Davies",
    "Evans",
    "Thomas",
    "Roberts",
    "Hughes",
    "Lewis",
    "Morgan",
    "Griffiths",
    "Edwards",
    "Smith",
    "Price",
    "Rees",
    "James",
    "Jenkins",
    "Phillips",
    "Powell",
    "Harris",
    "Owen",
    "Taylor",
    "Clarke",
    "Walker",
    "Wright",
    "Green",
    "Hall",
    "Wood",
    "Turner",
    "Baker",
    "Hill",
    "Moore",
    "Ward",
    "King",
    "O'Brien",
    "O'Neill",
    "McCarthy",
    "Kowalski",
    "Nowak",
    "Khan",
    "Ahmed",
    "Begum",
    "Hussain",
    "Patel",
    "Okafor",
    "Mensah",
    "Campbell",
    "Murphy",
    "Kelly",
    "Ap",
    "Iorwerth",
    "Ellis",
    "Parry",
    "Pritchard",
    "Bowen",
    "Watkins",
    "Llewellyn",
    "Vaughan",
    "Pugh",
    "Ødegaard",
    "Łukasik",
    "Müller",
]
TOWNS = [
    "Aberafon",
    "Pontafon",
    "Cwmderi",
    "Llanfair",
    "Trefach",
    "Glanrhyd",
    "Bryngwyn",
    "Penybont",
    "Maesteg",
    "Tonyfelin",
    "Cefn",
    "Coed",
    "Heolgerrig",
    "Nantyglo",
    "Blaenau",
]

ORG_WORDS = [
    "Drug and Alcohol Service",
    "Recovery Service",
    "Substance Use Service",
    "Community Drug and Alcohol Team",
    "Alcohol and Drug Partnership",
]
TEAM_NAMES = [
    "North team",
    "South team",
    "Hospital liaison team",
    "Criminal justice team",
    "Young adults team",
]
COMMUNITY_ORGS = [
    ("{town} Recovery Community", Organisation.Kind.RECOVERY_COMMUNITY),
    ("{town} Peer Recovery Network", Organisation.Kind.PEER_LED_GROUP),
]

# Directory: kinds of service in a typical area, and what they are called.
SERVICE_SHARES = [
    (Listing.Kind.MUTUAL_AID, 30),
    (Listing.Kind.PEER_LED, 15),
    (Listing.Kind.TREATMENT, 5),
    (Listing.Kind.HOUSING, 10),
    (Listing.Kind.EMPLOYMENT, 10),
    (Listing.Kind.HEALTH, 10),
    (Listing.Kind.LEGAL_MONEY, 7),
    (Listing.Kind.FAMILY, 5),
    (Listing.Kind.DOMESTIC_ABUSE, 3),
    (Listing.Kind.OTHER, 5),
]
MUTUAL_AID_FELLOWSHIPS = [
    "Alcoholics Anonymous",
    "Narcotics Anonymous",
    "SMART Recovery",
    "Cocaine Anonymous",
    "Al-Anon Family Groups",
    "Recovery Dharma",
]
PEER_LED_NAMES = [
    "Recovery Café",
    "Recovery Walks",
    "Recovery Choir",
    "Peer Mentoring",
    "Allotment Group",
    "Recovery Football",
    "Creative Recovery Group",
    "Women's Recovery Circle",
    "Men's Recovery Shed",
    "Fishing for Recovery",
]
OTHER_SERVICE_NAMES = {
    Listing.Kind.TREATMENT: ["Needle and Syringe Programme", "Alcohol Clinic"],
    Listing.Kind.HOUSING: ["Housing Options", "Supported Housing", "Tenancy Support"],
    Listing.Kind.EMPLOYMENT: ["Back to Work", "Adult Learning", "Volunteer Centre"],
    Listing.Kind.HEALTH: ["Surgery Drop-in", "Sexual Health Clinic", "Dental Access"],
    Listing.Kind.LEGAL_MONEY: ["Advice Centre", "Debt Advice", "Benefits Advice"],
    Listing.Kind.FAMILY: ["Families in Recovery", "Young Carers"],
    Listing.Kind.DOMESTIC_ABUSE: ["Domestic Abuse Support"],
    Listing.Kind.OTHER: ["Food Bank", "Community Larder", "Library Hub"],
}
DOMAIN_TAGS = ["social-support", "community-involvement", "meaningful-activities"]
NEED_TAGS = ["peer-support", "housing", "work-learning", "money"]
PATHWAY_TAGS = ["abstinence", "moderation", "medication_assisted", "harm_reduction"]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

GOALS = {
    "social-support": ["See more of my children", "Make friends who don't drink"],
    "meaningful-activities": ["Get back into work", "Start volunteering"],
    "housing-and-safety": ["Find somewhere settled to live", "Keep my tenancy"],
    "physical-health": ["Sleep better", "Get my teeth sorted", "Walk every day"],
    "psychological-health": ["Feel less anxious", "Get help with my low mood"],
    "community-involvement": ["Go to a recovery group", "Join the choir"],
    "substance-use": ["Cut down my drinking", "Stay off heroin", "Reduce my dose"],
    "coping": ["Sort out my debts", "Open a bank account"],
}
STEPS = [
    "Phone the housing office",
    "Go to a meeting with my navigator",
    "Book a GP appointment",
    "Fill in the college form",
    "Ask my sister to come with me",
    "Try the Tuesday group once",
    "Write down what I spend for a week",
    "Go to the job centre appointment",
    "Pick up the leaflet about the walking group",
]
OWN_RESOURCES = [
    "A friend's allotment",
    "My sponsor",
    "The library",
    "My dog, who gets me out",
    "A book about recovery",
]
CONTACT_METHODS = [
    (Contact.Method.IN_PERSON, 40),
    (Contact.Method.PHONE, 30),
    (Contact.Method.TEXT, 12),
    (Contact.Method.VIDEO, 5),
    (Contact.Method.GROUP, 6),
    (Contact.Method.VISIT, 4),
    (Contact.Method.EMAIL, 2),
    (Contact.Method.LETTER, 1),
]
CONTACT_OUTCOMES = [
    (Contact.Outcome.REACHED, 70),
    (Contact.Outcome.NO_ANSWER, 12),
    (Contact.Outcome.MESSAGE_LEFT, 10),
    (Contact.Outcome.MISSED, 8),
]
TIMED = {
    Contact.Method.IN_PERSON,
    Contact.Method.PHONE,
    Contact.Method.VIDEO,
    Contact.Method.GROUP,
    Contact.Method.VISIT,
}
CHECK_UP_OUTCOMES = [
    (CheckUp.Outcome.DOING_WELL, 55),
    (CheckUp.Outcome.STRUGGLING, 15),
    (CheckUp.Outcome.REPRESENTED, 5),
    (CheckUp.Outcome.NOT_REACHED, 20),
    (CheckUp.Outcome.DECLINED, 5),
]


@dataclass
class SeededArea:
    area: Area
    organisations: list[Organisation]
    navigators: list[User]
    managers: list[User]
    commissioner: User
    rows: Counter = field(default_factory=Counter)


class AreaExists(ValueError):
    """An area of that name is already there: seeding never adds to one."""


def default_area_name(seed: int) -> str:
    return f"Synthetic area (seed {seed})"


def seed_area(
    people: int,
    *,
    seed: int = 1,
    today: datetime.date,
    area_name: str | None = None,
) -> SeededArea:
    """Make a new area with `people` person records and their histories."""
    if people < 1:
        raise ValueError("people must be at least 1")
    name = area_name or default_area_name(seed)
    with transaction.atomic():
        if Area.objects.filter(name=name).exists():
            raise AreaExists(name)
        return _Seeder(people, seed, today, name).run()


def _pick(rng, shares):
    """One value from [(value, weight), ...]."""
    values, weights = zip(*shares, strict=True)
    return rng.choices(values, weights)[0]


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "area"


def _add_months(day, months):
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return datetime.date(year, month, min(day.day, last))


class _Seeder:
    def __init__(self, people, seed, today, name):
        self.count = people
        self.seed = seed
        self.today = today
        self.name = name
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
        self.rows = Counter()
        self.zone = timezone.get_current_timezone()
        self.domain = f"{_slug(name)}.seed{seed}.example.org"

    # Timestamps fall in the working day, made directly in UTC so the
    # database need not convert a million of them (and a clock change's
    # missing hour can never be hit).
    def at(self, day, hour=None):
        rng = self.rng
        return datetime.datetime(
            day.year,
            day.month,
            day.day,
            hour if hour is not None else rng.randint(8, 15),
            rng.randrange(60),
            tzinfo=datetime.UTC,
        )

    def save(self, model, objects, kind):
        """bulk_create `objects` in batches, so their rows get their ids."""
        model.objects.bulk_create(objects, batch_size=BATCH)
        self.rows[kind] += len(objects)
        return objects

    def stream(self, model, objects, kind):
        """Insert unsaved `objects` (any iterable) in batches, skipping
        bulk_create's per-row bookkeeping: for the big tables whose rows
        nothing here refers to afterwards. Every column must be set on the
        objects; auto_now fields are not filled in."""
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in fields)
        # Only quoted names from the model's own metadata go into the text.
        insert = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            table, columns, ", ".join(["%s"] * len(fields))
        )
        # SQLite's executemany is fast; on PostgreSQL it would make a round
        # trip per row, so there each batch is sent with COPY.
        copying = connection.vendor == "postgresql"

        def write(cursor, batch):
            if copying:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(insert, batch)
            self.rows[kind] += len(batch)

        plain = (str, int, float, type(None))
        preps = [
            (f.attname, f.get_db_prep_save, isinstance(f, models.JSONField))
            for f in fields
        ]
        batch = []
        with connection.cursor() as cursor:
            for obj in objects:
                row = []
                for attname, prep, is_json in preps:
                    value = getattr(obj, attname)
                    if is_json or type(value) not in plain:
                        value = prep(value, connection)
                    row.append(value)
                batch.append(row)
                if len(batch) >= BATCH:
                    write(cursor, batch)
                    batch = []
            if batch:
                write(cursor, batch)

    def run(self):
        self.version = self.instrument()
        self.build_organisations()
        self.plan_people()
        self.build_staff()
        self.build_directory()
        self.save_people()
        self.save_assessments()
        self.save_care_plans()
        self.save_referrals_and_groups()
        self.save_contacts()
        self.save_check_ups_and_alerts()
        self.settle_timestamps()
        return SeededArea(
            area=self.area,
            organisations=self.treatment + self.community,
            navigators=[u for users in self.navigators.values() for u in users],
            managers=self.managers,
            commissioner=self.commissioner,
            rows=self.rows,
        )

    # Instruments and the scored answer pool

    def instrument(self):
        version = InstrumentVersion.objects.current_version(INSTRUMENT)
        if version is None:
            install_shipped()
            version = InstrumentVersion.objects.current_version(INSTRUMENT)
        from caremap.assessments.samples import plausible_answers

        instrument = version.instrument
        scored = []
        total = POOL_LEVELS * POOL_PER_LEVEL
        for n in range(total):
            answers = plausible_answers(instrument, self.rng, n / (total - 1))
            cleaned, problems = instrument.clean_answers(answers)
            if problems:
                raise ValueError("; ".join(problems))
            scores = score(instrument, cleaned).as_json()
            scored.append(
                (scores["composites"]["total"]["score"] or 0, n, answers, scores)
            )
        # Levels by the real total, so a step up a level is a better profile.
        scored.sort(key=lambda row: (row[0], row[1]))
        self.pool = [
            [
                (answers, scores)
                for _t, _n, answers, scores in scored[i : i + POOL_PER_LEVEL]
            ]
            for i in range(0, total, POOL_PER_LEVEL)
        ]
        self.sections = [s.id for s in instrument.sections]
        self.domains = [(d.id, d.title.en) for d in instrument.domains if d.strength]
        return version

    # Area, organisations and staff

    def build_organisations(self):
        rng = self.rng
        self.area = Area.objects.create(name=self.name)
        self.rows["area"] += 1
        towns = rng.sample(TOWNS, len(TOWNS))
        treatment_count = max(2, self.count // 5000)
        orgs = []
        for n in range(treatment_count):
            town = towns[n % len(towns)]
            suffix = f" {n // len(towns) + 1}" if n >= len(towns) else ""
            orgs.append(
                Organisation(
                    area=self.area,
                    name=f"{town} {ORG_WORDS[n % len(ORG_WORDS)]}{suffix}",
                    kind=Organisation.Kind.TREATMENT_SERVICE,
                )
            )
        for n, (pattern, kind) in enumerate(COMMUNITY_ORGS):
            orgs.append(
                Organisation(
                    area=self.area,
                    name=pattern.format(town=towns[-1 - n]),
                    kind=kind,
                )
            )
        self.save(Organisation, orgs, "organisation")
        self.treatment = orgs[:treatment_count]
        self.community = orgs[treatment_count:]
        self.codes = {
            org.pk: f"{_slug(org.name)[:3].upper()}{i}" for i, org in enumerate(orgs)
        }
        teams = []
        self.teams = {}
        for org in orgs:
            names = (
                TEAM_NAMES[: rng.randint(2, 4)]
                if org in self.treatment
                else TEAM_NAMES[:1]
            )
            self.teams[org.pk] = [Team(organisation=org, name=name) for name in names]
            teams += self.teams[org.pk]
        self.save(Team, teams, "team")
        # Bigger and smaller services: people are shared out unevenly.
        self.weights = [rng.uniform(0.6, 1.4) for _org in self.treatment]

    def user(self, role, n, org=None):
        rng = self.rng
        sex = rng.random() < 0.6
        given = rng.choice(FEMALE_NAMES if sex else MALE_NAMES)
        family = rng.choice(FAMILY_NAMES)
        where = f"-{self.codes[org.pk].lower()}" if org else ""
        return User(
            email=f"{role}{where}-{n}@{self.domain}",
            full_name=f"{given} {family}",
            # Nobody can sign in as a synthetic user.
            password=make_password(None),
            date_joined=self.at(self.today - HISTORY_DAYS * DAY),
        )

    def build_staff(self):
        rng = self.rng
        active = Counter(
            p.organisation_id for p in self.records if p.status == "active"
        )
        users, memberships = [], []
        self.navigators, self.managers = {}, []
        for org in self.treatment + self.community:
            count = max(1, math.ceil(active[org.pk] / PEOPLE_PER_NAVIGATOR))
            navigators = [self.user("navigator", n, org) for n in range(count)]
            self.navigators[org.pk] = navigators
            manager = self.user("manager", 0, org)
            self.managers.append(manager)
            users += [*navigators, manager]
            for navigator in navigators:
                team = rng.choice(self.teams[org.pk]) if rng.random() < 0.8 else None
                memberships.append(
                    Membership(
                        user=navigator, role="navigator", organisation=org, team=team
                    )
                )
            memberships.append(
                Membership(user=manager, role="manager", organisation=org)
            )
        self.commissioner = self.user("commissioner", 0)
        users.append(self.commissioner)
        memberships.append(
            Membership(user=self.commissioner, role="commissioner", area=self.area)
        )
        self.save(User, users, "user")
        self.save(Membership, memberships, "membership")
        for person in self.records:
            navigators = self.navigators[person.organisation_id]
            keep = 0.97 if person.status == "active" else 0.4
            if rng.random() < keep:
                person.navigator = rng.choice(navigators)

    # People and their episodes, planned in memory first

    def plan_people(self):
        rng = self.rng
        self.secret = area_secret(self.area.pk)
        self.records = []
        self.episodes = []
        references = Counter()
        community_share = 0.08
        while len(self.records) < self.count:
            room = self.count - len(self.records)
            if rng.random() < community_share:
                self.records.append(self.community_person(references))
            else:
                self.records += self.treated_person(references, room)

    def identity(self):
        rng = self.rng
        gender = _pick(rng, GENDER_SHARES)
        if gender in FEMININE:
            given, sex = rng.choice(FEMALE_NAMES), "female"
        elif gender in MASCULINE:
            given, sex = rng.choice(MALE_NAMES), "male"
        else:
            given = rng.choice(NEUTRAL_NAMES + FEMALE_NAMES + MALE_NAMES)
            sex = rng.choice(["female", "male"])
        if gender.startswith("Trans"):
            sex = "male" if gender == "Trans woman" else "female"
        roll = rng.random()
        if roll < 0.003:
            sex = "other"
        elif roll < 0.035:
            sex = ""
        # Ages 18 to 80, most between 30 and 50.
        age = min(80, max(18, round(rng.gauss(40, 10.5))))
        born = self.today - datetime.timedelta(days=age * 365 + rng.randrange(365))
        family = rng.choice(FAMILY_NAMES)
        return {
            "given_name": given,
            "family_name": family,
            "preferred_name": rng.choice(NEUTRAL_NAMES) if rng.random() < 0.05 else "",
            "date_of_birth": born,
            "gender": gender,
            "sex": sex,
            "ethnic_group": _pick(rng, ETHNIC_SHARES),
            "preferred_language": "cy" if rng.random() < 0.05 else "en",
            "postcode": f"CF{rng.randint(10, 99)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
            "phone": f"07700 900{rng.randrange(1000):03d}"
            if rng.random() < 0.8
            else "",
            "do_not_contact": rng.random() < 0.02,
        }

    def record(self, org, details, references, created):
        references[org.pk] += 1
        return Person(
            organisation=org,
            reference=f"{self.codes[org.pk]}-{references[org.pk]:06d}",
            created_at=self.at(created),
            **details,
        )

    def community_person(self, references):
        rng = self.rng
        org = rng.choice(self.community)
        created = self.today - rng.randint(1, 2 * 365) * DAY
        person = self.record(org, self.identity(), references, created)
        person.pathway = _pick(
            rng,
            [
                ("abstinence", 45),
                ("moderation", 15),
                ("medication_assisted", 10),
                ("harm_reduction", 5),
                ("not_decided", 25),
            ],
        )
        person._episodes = []
        if rng.random() < 0.15:
            person.status = "closed"
            person.closure_reason = _pick(
                rng, [("chose_to_leave", 40), ("lost_contact", 40), ("moved_away", 20)]
            )
        self.stance(person, created)
        return person

    def treated_person(self, references, room):
        rng = self.rng
        details = self.identity()
        try:
            key = linkage.linkage_key(
                details["given_name"],
                details["family_name"],
                details["date_of_birth"],
                details["sex"],
                secret=self.secret,
            )
        except linkage.NoInitial:
            key = ""
        org_index = rng.choices(range(len(self.treatment)), self.weights)[0]
        group = _pick(rng, GROUP_SHARES)
        # More recent referrals than old ones, as a growing caseload has.
        referred = self.today - int(HISTORY_DAYS * rng.random() ** 1.6) * DAY
        records = []
        person = None
        for _n in range(4):
            org = self.treatment[org_index]
            if person is None or person.organisation_id != org.pk:
                person = self.record(org, details, references, referred)
                person._episodes = []
                records.append(person)
            transfer = not person._episodes and len(records) > 1
            episode = self.episode(person, referred, group, key, transfer=transfer)
            person._episodes.append(episode)
            if episode.ended_on is None:
                break
            gap, org_index = self.next_presentation(
                episode, org_index, room - len(records)
            )
            if gap is None:
                break
            referred = episode.ended_on + gap * DAY
            if referred > self.today:
                break
            if org_index == self.treatment.index(org) and rng.random() < 0.2:
                group = rng.choice(OTHER_GROUP[group])
        for record in records:
            self.close_or_keep(record, record is records[-1])
            self.pathway_and_stance(record)
        return records

    def episode(self, person, referred, group, key, transfer=False):
        rng = self.rng
        today = self.today
        episode = Episode(
            person=person,
            organisation_id=person.organisation_id,
            referred_on=referred,
            referral_source="treatment" if transfer else _pick(rng, SOURCE_SHARES),
            substance_group=group,
            on_substitution_medication=group == Group.OPIATE and rng.random() < 0.8,
            linkage_key=key,
            created_at=self.at(referred),
        )
        self.episodes.append(episode)
        if rng.random() < 0.06 and not transfer:
            # Never started: declined, or never took place.
            ended = referred + rng.randint(5, 60) * DAY
            if rng.random() < 0.7:
                episode.triaged_on = referred + rng.randint(0, 4) * DAY
            if ended <= today:
                episode.ended_on = ended
                episode.exit_reason = Exit.DECLINED
            if episode.triaged_on and episode.triaged_on > today:
                episode.triaged_on = None
            return episode
        # Most start within three weeks; a long tail wait far longer.
        if rng.random() < (0.93 if transfer else 0.83):
            wait = rng.randint(0, 20)
        else:
            wait = min(250, 21 + int(rng.expovariate(1 / 25)))
        started = referred + wait * DAY
        if rng.random() < 0.92:
            episode.triaged_on = referred + rng.randint(0, min(wait, 7)) * DAY
            if episode.triaged_on > today:
                episode.triaged_on = None
        if started > today:
            return episode
        episode.started_on = started
        days = int(rng.lognormvariate(math.log(MEDIAN_DAYS[group]), 0.6))
        ended = started + max(14, days) * DAY
        if ended > today:
            return episode
        episode.ended_on = ended
        shares = OPIATE_EXIT_SHARES if group == Group.OPIATE else EXIT_SHARES
        episode.exit_reason = _pick(rng, shares)
        if (
            episode.exit_reason in Episode.COMPLETED
            and episode.on_substitution_medication
        ):
            # Most finish after reducing off their medication; some complete
            # while still on it, which does not count as a success.
            episode.on_substitution_medication = rng.random() < 0.3
        return episode

    def next_presentation(self, episode, org_index, room):
        """(days after the exit, organisation index) of the next episode, or
        (None, _) when the person does not come back."""
        rng = self.rng
        reason = episode.exit_reason
        if reason == Exit.TRANSFERRED:
            if room >= 1 and rng.random() < 0.75:
                others = [i for i in range(len(self.treatment)) if i != org_index]
                gap = rng.randint(0, 20) if rng.random() < 0.8 else rng.randint(22, 60)
                return gap, rng.choice(others)
            return None, org_index
        if reason in Episode.COMPLETED:
            if rng.random() < 0.22:
                within = rng.random() < 0.5
                return (
                    rng.randint(14, 182) if within else rng.randint(183, 700)
                ), org_index
            return None, org_index
        chances = {
            Exit.DROPPED_OUT: 0.3,
            Exit.WITHDRAWN: 0.2,
            Exit.DECLINED: 0.2,
            Exit.TRANSFERRED_CUSTODY: 0.3,
            Exit.OTHER: 0.15,
        }
        if rng.random() < chances.get(reason, 0):
            return rng.randint(20, 540), org_index
        return None, org_index

    def close_or_keep(self, person, latest):
        rng = self.rng
        last = person._episodes[-1]
        if last.ended_on is None:
            return
        if not latest:
            person.status = "closed"
            person.closure_reason = CLOSURE_AFTER[last.exit_reason]
            return
        since = (self.today - last.ended_on).days
        if (
            last.exit_reason == Exit.DIED
            or (since > 180 and rng.random() < 0.55)
            or (
                since > 30
                and last.exit_reason != Exit.TRANSFERRED
                and rng.random() < 0.1
            )
        ):
            person.status = "closed"
            person.closure_reason = CLOSURE_AFTER[last.exit_reason]

    def pathway_and_stance(self, person):
        rng = self.rng
        group = person._episodes[-1].substance_group
        if group == Group.OPIATE:
            shares = [
                ("medication_assisted", 50),
                ("abstinence", 20),
                ("harm_reduction", 15),
                ("not_decided", 15),
            ]
        elif group == Group.ALCOHOL:
            shares = [
                ("abstinence", 40),
                ("moderation", 30),
                ("harm_reduction", 5),
                ("not_decided", 25),
            ]
        else:
            shares = [
                ("abstinence", 40),
                ("moderation", 15),
                ("harm_reduction", 20),
                ("not_decided", 25),
            ]
        person.pathway = _pick(rng, shares)
        self.stance(
            person, person._episodes[0].started_on or person._episodes[0].referred_on
        )

    def stance(self, person, first):
        rng = self.rng
        person._stances = []
        if rng.random() < 0.1:
            return
        medicated = person.pathway == "medication_assisted"
        shares = [
            ("settled_on_medication", 50 if medicated else 3),
            ("ready_for_change", 35 if medicated else 60),
            ("unsure", 15 if medicated else 37),
        ]
        day = min(self.today, first + rng.randint(0, 30) * DAY)
        for n in range(1 if rng.random() < 0.55 else 2):
            if n:
                day = day + rng.randint(30, max(31, (self.today - day).days)) * DAY
                if day > self.today:
                    break
            person._stances.append((_pick(rng, shares), day))
        person.stance, person.stance_recorded_on = person._stances[-1]

    def save_people(self):
        self.save(Person, self.records, "person")
        stances = []
        for person in self.records:
            for stance, day in person._stances:
                stances.append(
                    PersonStance(
                        person=person,
                        stance=stance,
                        recorded_on=day,
                        by_id=person.navigator_id,
                        created_at=self.at(day),
                    )
                )
        self.stream(PersonStance, stances, "stance")
        for person in self.records:
            for episode in person._episodes:
                episode.person_id = person.pk
                episode.recorded_by_id = person.navigator_id
        self.save(Episode, self.episodes, "episode")

    # Directory

    def build_directory(self):
        rng = self.rng
        today = self.today
        count = max(30, min(600, self.count // 200 + 20))
        prefix = f"synthetic-{self.area.pk}"
        organizations, services, locations, addresses = [], [], [], []
        at_locations, schedules, listings = [], [], []
        for n in range(count):
            kind = _pick(rng, SERVICE_SHARES)
            town = rng.choice(TOWNS)
            day = rng.randrange(7)
            weekday = [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ][day]
            if kind == Listing.Kind.MUTUAL_AID:
                name = f"{rng.choice(MUTUAL_AID_FELLOWSHIPS)}: {town} {weekday} Meeting"
            elif kind == Listing.Kind.PEER_LED:
                name = f"{town} {rng.choice(PEER_LED_NAMES)}"
            else:
                name = f"{town} {rng.choice(OTHER_SERVICE_NAMES[kind])}"
            org_id = f"{prefix}-org-{n}"
            organizations.append(Organization(id=org_id, name=name, description="-"))
            service_id = f"{prefix}-service-{n}"
            services.append(
                Service(
                    id=service_id,
                    name=name,
                    description=f"A made-up {kind} service in {town}.",
                    status="active",
                    organization_id=org_id,
                )
            )
            locations.append(
                Location(
                    id=f"{prefix}-location-{n}",
                    location_type="physical",
                    name=f"{town} community centre",
                    latitude=51.70 + rng.uniform(-0.15, 0.15),
                    longitude=-3.40 + rng.uniform(-0.25, 0.25),
                )
            )
            addresses.append(
                Address(
                    id=f"{prefix}-address-{n}",
                    location_id=f"{prefix}-location-{n}",
                    address_1=f"{rng.randint(1, 120)} High Street",
                    city=town,
                    state_province="Wales",
                    postal_code=f"CF{rng.randint(10, 99)} {rng.randint(1, 9)}AA",
                    country="GB",
                    address_type="physical",
                )
            )
            at_locations.append(
                ServiceAtLocation(
                    id=f"{prefix}-sal-{n}",
                    service_id=service_id,
                    location_id=f"{prefix}-location-{n}",
                )
            )
            opens = rng.choice([10, 11, 13, 18, 19])
            schedules.append(
                Schedule(
                    id=f"{prefix}-schedule-{n}",
                    service_at_location_id=f"{prefix}-sal-{n}",
                    freq="WEEKLY",
                    byday=WEEKDAYS[day],
                    interval=1,
                    opens_at=f"{opens:02d}:00",
                    closes_at=f"{opens + 1:02d}:30",
                    description="Every week.",
                )
            )
            group = kind in (Listing.Kind.MUTUAL_AID, Listing.Kind.PEER_LED)
            # Starts spread over fifteen years, some in the last year.
            if rng.random() < 0.18:
                started = today - rng.randint(10, 364) * DAY
            else:
                started = today - rng.randint(365, 15 * 365) * DAY
            ended = None
            if rng.random() < 0.05:
                ended = min(today, started + rng.randint(60, 2000) * DAY)
            listing = Listing(
                service_id=service_id,
                area=self.area,
                kind=kind,
                peer_led=group,
                independent=kind == Listing.Kind.MUTUAL_AID
                or (kind == Listing.Kind.PEER_LED and rng.random() < 0.8),
                started_on=started if rng.random() < 0.9 else None,
                ended_on=ended,
                last_checked_at=self.at(today - rng.randint(1, 400) * DAY),
            )
            listing._name = name
            listing._weekday = day
            listings.append(listing)
        # The reports' "new independent peer-led groups" need at least one.
        fresh = [
            listing
            for listing in listings
            if listing.peer_led
            and listing.independent
            and listing.started_on
            and listing.started_on > today - 365 * DAY
            and listing.ended_on is None
        ]
        if not fresh:
            for listing in listings:
                if listing.peer_led and listing.independent:
                    listing.started_on = today - rng.randint(10, 300) * DAY
                    listing.ended_on = None
                    break
        self.save(Organization, organizations, "directory organisation")
        self.save(Service, services, "directory service")
        self.save(Location, locations, "directory location")
        self.save(Address, addresses, "directory address")
        self.save(ServiceAtLocation, at_locations, "directory service at location")
        self.save(Schedule, schedules, "directory schedule")
        self.save(Listing, listings, "directory listing")
        tags = []
        for listing in listings:
            tags.append(
                ListingTag(
                    listing=listing, kind="domain", value=rng.choice(DOMAIN_TAGS)
                )
            )
            tags.append(
                ListingTag(listing=listing, kind="need", value=rng.choice(NEED_TAGS))
            )
            for value in rng.sample(PATHWAY_TAGS, rng.randint(1, 2)):
                tags.append(ListingTag(listing=listing, kind="pathway", value=value))
        self.save(ListingTag, tags, "directory tag")
        relationships = []
        for org in self.treatment + self.community:
            for listing in rng.sample(listings, min(6, len(listings))):
                relationships.append(Relationship(listing=listing, organisation=org))
        self.save(Relationship, relationships, "directory relationship")
        running = [listing for listing in listings if listing.ended_on is None]
        self.listings = running
        self.groups = [
            listing
            for listing in running
            if listing.kind in (Listing.Kind.MUTUAL_AID, Listing.Kind.PEER_LED)
        ]
        self.group_ids = {listing.service_id for listing in self.groups}

    # Assessments, plans, referrals, groups, contacts

    def span(self, person):
        """(first day, last day) of the person's time with the service."""
        episodes = person._episodes
        if not episodes:
            first = timezone.localtime(person.created_at, self.zone).date()
            return first, self.today
        first = episodes[0].started_on or episodes[0].referred_on
        last = episodes[-1].ended_on or self.today
        return first, last

    def save_assessments(self):
        self.stream(Assessment, self.assessments(), "assessment")

    def assessments(self):
        rng = self.rng
        sections = self.sections
        for person in self.records:
            if person.navigator_id is None:
                continue
            chance = 0.85 if person.status == "active" else 0.5
            if rng.random() >= chance:
                continue
            first, last = self.span(person)
            if person._episodes and person._episodes[0].started_on is None:
                continue
            day = first + rng.randint(0, 14) * DAY
            level = _pick(rng, [(0, 2), (1, 3), (2, 3), (3, 2), (4, 1)])
            while day <= last and day < self.today:
                answers, scores = self.pool[level][rng.randrange(POOL_PER_LEVEL)]
                when = self.at(day)
                self_done = rng.random() < 0.12
                yield Assessment(
                    person=person,
                    organisation_id=person.organisation_id,
                    instrument=self.version,
                    status=Assessment.Status.SUBMITTED,
                    mode=Assessment.Mode.SELF
                    if self_done
                    else Assessment.Mode.WITH_NAVIGATOR,
                    answers=answers,
                    sections_saved=sections,
                    scores=scores,
                    points=points_of(scores),
                    started_by_id=person.navigator_id,
                    submitted_by_id=None if self_done else person.navigator_id,
                    started_at=when,
                    submitted_at=when,
                    updated_at=when,
                )
                # About every 90 days, mostly a little better each time; some
                # reviews are missed.
                day = day + rng.randint(80, 100) * DAY
                while rng.random() < 0.15:
                    day = day + rng.randint(80, 100) * DAY
                level = min(
                    POOL_LEVELS - 1,
                    max(0, level + _pick(rng, [(-1, 2), (0, 3), (1, 4), (2, 1)])),
                )

    def save_care_plans(self):
        rng = self.rng
        today = self.today
        plans, goals = [], []
        for person in self.records:
            if (
                person.status != "active"
                or person.navigator_id is None
                or rng.random() >= 0.85
            ):
                continue
            latest = person._episodes[-1] if person._episodes else None
            if latest is not None:
                start = latest.started_on or latest.triaged_on or latest.referred_on
            else:
                start = timezone.localtime(person.created_at, self.zone).date()
            start = max(start, today - 730 * DAY)
            reviews = []
            day = start + rng.randint(80, 100) * DAY
            while day < today:
                reviews.append(day)
                day = day + rng.randint(80, 100) * DAY
            # Some plans' reviews slip, so their next one is overdue.
            if reviews and rng.random() < 0.2:
                reviews.pop()
            due = (reviews[-1] if reviews else start) + 90 * DAY
            plan = CarePlan(
                person=person,
                organisation_id=person.organisation_id,
                review_due_on=due,
                created_at=self.at(start),
                updated_at=self.at(reviews[-1] if reviews else start),
                created_by_id=person.navigator_id,
                revision=1,
            )
            plan._reviews = reviews
            plan._goals = []
            for position in range(rng.randint(1, 3)):
                domain = rng.choice(list(GOALS))
                goal = Goal(
                    plan=plan,
                    wording=rng.choice(GOALS[domain]),
                    domain=domain,
                    status=_pick(
                        rng,
                        [
                            ("active", 75),
                            ("achieved", 15),
                            ("changed", 5),
                            ("stopped", 5),
                        ],
                    ),
                    target_date=start + rng.randint(60, 240) * DAY,
                    proposed_by=_pick(
                        rng, [("person", 45), ("together", 40), ("navigator", 15)]
                    ),
                    person_agreed=rng.random() < 0.97,
                    position=position,
                    created_at=self.at(start),
                )
                plan._goals.append(goal)
                goals.append(goal)
            plan.revision = 1 + len(plan._goals) + len(reviews)
            plans.append(plan)
        self.save(CarePlan, plans, "care plan")
        self.save(Goal, goals, "goal")
        self.stream(Action, self.actions(goals), "action")
        self.stream(Strength, self.strengths(goals), "strength")
        self.stream(Resource, self.resources(goals), "resource")
        self.stream(Review, self.reviews(plans), "review")

    def actions(self, goals):
        rng = self.rng
        for goal in goals:
            start = goal.created_at.date()
            for position in range(rng.randint(1, 3)):
                due = start + rng.randint(7, 120) * DAY
                if due < self.today:
                    status = _pick(
                        rng,
                        [("done", 55), ("doing", 15), ("to_do", 20), ("stopped", 10)],
                    )
                else:
                    status = _pick(rng, [("to_do", 60), ("doing", 30), ("done", 10)])
                who = _pick(
                    rng, [("person", 60), ("navigator", 30), ("someone-else", 10)]
                )
                yield Action(
                    goal=goal,
                    what=rng.choice(STEPS),
                    who=who,
                    who_else="A housing officer" if who == "someone-else" else "",
                    due_on=due,
                    status=status,
                    service_id=rng.choice(self.listings).service_id
                    if self.listings and rng.random() < 0.25
                    else None,
                    position=position,
                )

    def strengths(self, goals):
        rng = self.rng
        for goal in goals:
            for domain, title in rng.sample(self.domains, rng.randint(0, 2)):
                yield Strength(goal=goal, wording=title, domain=domain)

    def resources(self, goals):
        rng = self.rng
        for goal in goals:
            for _n in range(rng.randint(0, 2)):
                if self.listings and rng.random() < 0.6:
                    listing = rng.choice(self.listings)
                    yield Resource(
                        goal=goal,
                        service_id=listing.service_id,
                        name=listing._name,
                        note="Somewhere to go each week.",
                    )
                else:
                    yield Resource(goal=goal, name=rng.choice(OWN_RESOURCES))

    def reviews(self, plans):
        rng = self.rng
        for plan in plans:
            for day in plan._reviews:
                participants = ["person", "navigator"]
                if rng.random() < 0.15:
                    participants.append("family")
                yield Review(
                    plan=plan,
                    held_on=day,
                    requested_by_person=rng.random() < 0.1,
                    participants=participants,
                    what_changed="Talked through how things are going and agreed the next steps.",
                    submitted_at=self.at(day),
                    submitted_by_id=plan.created_by_id,
                )

    def save_referrals_and_groups(self):
        rng = self.rng
        today = self.today
        referrals, ratings, memberships = [], [], []
        if not self.groups:
            return
        for person in self.records:
            if rng.random() >= 0.35:
                continue
            first, last = self.span(person)
            last = min(last, today - DAY)
            if last < first:
                continue
            by = (
                person.navigator_id
                or rng.choice(self.navigators[person.organisation_id]).pk
            )
            for _n in range(rng.randint(1, 2)):
                made = first + rng.randint(0, (last - first).days) * DAY
                listing = rng.choice(
                    self.groups if rng.random() < 0.8 else self.listings
                )
                kind = rng.choice(["refer", "signpost"])
                age = (today - made).days
                if age < 14:
                    status = _pick(rng, [("sent", 60), ("accepted", 40)])
                else:
                    status = _pick(
                        rng,
                        [
                            ("attended", 45),
                            ("did_not_attend", 12),
                            ("declined", 8),
                            ("closed", 20),
                            ("accepted", 8),
                            ("sent", 7),
                        ],
                    )
                changed = made + rng.randint(0, min(age, 21)) * DAY
                referral = Referral(
                    person=person,
                    service_id=listing.service_id,
                    organisation_id=person.organisation_id,
                    kind=kind,
                    reason="To meet others in recovery"
                    if listing.service_id in self.group_ids
                    else "Help with something the plan needs",
                    shared=["contact", "reason"] if kind == "refer" else [],
                    person_agreed=True,
                    consent_method=_pick(
                        rng, [("in_person", 70), ("phone", 25), ("writing", 5)]
                    ),
                    created_by_id=by,
                    created_at=self.at(made),
                    status=status,
                    status_changed_at=self.at(changed),
                )
                referrals.append(referral)
                if status == "attended" and rng.random() < 0.4:
                    ratings.append(
                        Rating(
                            referral=referral,
                            score=_pick(
                                rng, [(5, 35), (4, 35), (3, 18), (2, 8), (1, 4)]
                            ),
                            given_by_person=rng.random() < 0.6,
                            entered_by_id=by,
                            entered_at=self.at(changed),
                        )
                    )
                if (
                    status == "attended"
                    and listing.service_id in self.group_ids
                    and person.status == "active"
                ):
                    memberships.append(self.membership(person, listing, changed, by))
        self.save(Referral, referrals, "referral")
        self.save(Rating, ratings, "rating")
        self.save(GroupMembership, memberships, "group membership")
        self.memberships = memberships
        self.stream(Attendance, self.attendances(memberships), "attendance")

    def membership(self, person, listing, started, by):
        rng = self.rng
        on_register = rng.random() < 0.4
        ended = None
        if rng.random() < 0.15 and (self.today - started).days > 30:
            ended = started + rng.randint(14, (self.today - started).days) * DAY
        membership = GroupMembership(
            person=person,
            service_id=listing.service_id,
            name=listing._name,
            regular=rng.random() < 0.85,
            on_register=on_register,
            register_agreed_on=started if on_register else None,
            started_on=started,
            ended_on=ended,
            created_by_id=by,
        )
        membership._weekday = listing._weekday
        return membership

    def attendances(self, memberships):
        rng = self.rng
        for membership in memberships:
            start = max(membership.started_on, self.today - ATTENDANCE_DAYS * DAY)
            end = min(membership.ended_on or self.today, self.today - DAY)
            day = start + ((membership._weekday - start.weekday()) % 7) * DAY
            keen = rng.uniform(0.45, 0.95)
            source = _pick(rng, [("self", 40), ("register", 35), ("staff", 25)])
            if source == "register" and not membership.on_register:
                source = "staff"
            while day <= end:
                yield Attendance(
                    membership=membership,
                    on=day,
                    attended=rng.random() < keen,
                    source=source,
                    recorded_by_id=membership.created_by_id
                    if source == "staff"
                    else None,
                    recorded_at=self.at(day, 19),
                )
                day = day + 7 * DAY

    def save_contacts(self):
        self.stream(Contact, self.contacts(), "contact")

    def contacts(self):
        rng = self.rng
        horizon = self.today - CONTACT_DAYS * DAY
        last_day = self.today - DAY
        for person in self.records:
            if person._episodes:
                windows = [
                    (e.referred_on, e.ended_on or last_day) for e in person._episodes
                ]
            else:
                first, _last = self.span(person)
                windows = [(first, last_day)]
            navigators = self.navigators[person.organisation_id]
            for start, end in windows:
                day = max(start, horizon) + rng.randint(0, 10) * DAY
                end = min(end, last_day)
                while day <= end:
                    method = _pick(rng, CONTACT_METHODS)
                    outcome = _pick(rng, CONTACT_OUTCOMES)
                    when = self.at(day)
                    yield Contact(
                        person=person,
                        organisation_id=person.organisation_id,
                        happened_at=when,
                        method=method,
                        outcome=outcome,
                        minutes=rng.choice([15, 20, 30, 45, 60])
                        if outcome == "reached" and method in TIMED
                        else None,
                        by_id=person.navigator_id or rng.choice(navigators).pk,
                        created_at=when,
                    )
                    # Several a quarter: every one to five weeks.
                    day = day + rng.randint(7, 35) * DAY

    def save_check_ups_and_alerts(self):
        rng = self.rng
        today = self.today
        check_ups = []
        for episode in self.episodes:
            if episode.exit_reason not in Episode.COMPLETED:
                continue
            for months in (1, 3, 6):
                due = _add_months(episode.ended_on, months)
                if due > today + 31 * DAY:
                    break
                check_up = CheckUp(episode=episode, months=months, due_on=due)
                if due <= today - 7 * DAY and rng.random() < 0.65:
                    check_up.done_on = min(today, due + rng.randint(-3, 10) * DAY)
                    check_up.outcome = _pick(rng, CHECK_UP_OUTCOMES)
                    check_up.recorded_by_id = episode.recorded_by_id
                check_ups.append(check_up)
        self.stream(CheckUp, check_ups, "check-up")
        alerts = []
        active = [p for p in self.records if p.status == "active"]
        for person in rng.sample(active, min(len(active), max(2, len(active) // 70))):
            since = today - rng.randint(22, 120) * DAY
            raised = since + 22 * DAY
            alert = Alert(
                person=person,
                organisation_id=person.organisation_id,
                rule=Alert.Rule.NO_CONTACT,
                key=f"no-contact:{person.pk}:{since.isoformat()}",
                facts={"since": since.isoformat(), "reached": True},
                raised_at=self.at(min(raised, today)),
            )
            if rng.random() < 0.5:
                alert.closed_at = self.at(min(today, raised + rng.randint(1, 20) * DAY))
            alerts.append(alert)
        self.save(Alert, alerts, "alert")

    def settle_timestamps(self):
        """bulk_create stamps auto_now fields with the clock; put them back on
        the synthetic calendar so two runs hold the same values."""
        start = self.at(self.today - HISTORY_DAYS * DAY, 9)
        Area.objects.filter(pk=self.area.pk).update(created_at=start)
        Organisation.objects.filter(area=self.area).update(created_at=start)
        Team.objects.filter(organisation__area=self.area).update(created_at=start)
        Membership.objects.filter(user__email__endswith=f"@{self.domain}").update(
            created_at=start
        )
        people = Person.objects.filter(organisation__area=self.area)
        people.update(updated_at=F("created_at"))
        Episode.objects.filter(organisation__area=self.area).update(
            updated_at=F("created_at")
        )
        Assessment.objects.filter(organisation__area=self.area).update(
            updated_at=F("submitted_at")
        )
        # Inserted directly, so linked up here as recording them one at a
        # time does: assessments to their baselines, episodes into journeys.
        # Fresh statistics first: planned on the empty tables' figures, the
        # linking UPDATE searches every row for every row.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        Assessment.objects.filter(organisation__area=self.area).link_baselines()
        Episode.objects.filter(organisation__area=self.area).refresh_journeys()
