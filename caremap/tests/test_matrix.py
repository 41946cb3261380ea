"""The authorisation matrix: every URL pattern of the project, opened by
every persona, about every kind of subject it can be about.

Each URL name maps to a rule (`MATRIX`), and each rule says, for a persona
and a subject, whether the page may be opened. Allowed means 200, or a
redirect that is not to a sign-in page; refused means 403 or 404 (401 or
410 where a link or token is refused), or, for someone not signed in, a
redirect to sign in. Every refused persona's empty POST is refused too, and
changes nothing: no audit event but a refusal, no row anywhere.

A URL pattern without an entry fails the suite: add it to MATRIX, with
subjects built from the world below.
"""

import datetime
import random
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from caremap.organisations.models import Area, Membership, Organisation, Team
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import SIGN_IN_BACKEND, make_user
from caremap.testing.routes import every_route

PERSONAS = [
    "alice",
    "bob",
    "carol",
    "mia",
    "oscar",
    "hugo",
    "cara",
    "ada",
    "nora",
    "eddie",
    "anonymous",
]
# Who works where. Eddie, added here, edits North Valley's directory and
# has no other role.
ORGANISATION = {
    "alice": "riverside",
    "bob": "riverside",
    "carol": "riverside",
    "mia": "riverside",
    "oscar": "hillside",
    "hugo": "hillside",
}
NAVIGATORS = {"alice", "bob", "carol", "oscar"}
MANAGERS = {"mia", "hugo"}
TEAM = {"alice": "north", "bob": "north", "carol": "south"}
# The people whose records are the subjects, by navigator.
PEOPLE = {"alice": "riverside", "bob": "riverside", "carol": "riverside"}
PEOPLE["oscar"] = "hillside"
AREA_OF = {"riverside": "north", "hillside": "north", "southside": "south"}
COMMISSIONS = {"cara": "north"}
EDITS = {"eddie": "north"}


# Rules: (persona, subject) -> may open ------------------------------------


def sees_person(persona, navigator):
    """May `persona` see the record of the person `navigator` looks after?
    Managers see their organisation; navigators their caseload and their
    team's."""
    organisation = PEOPLE[navigator]
    if persona in MANAGERS:
        return ORGANISATION[persona] == organisation
    if persona == navigator:
        return True
    return persona in TEAM and TEAM[persona] == TEAM.get(navigator)


def manages(persona, organisation):
    return persona in MANAGERS and ORGANISATION[persona] == organisation


def staff_area(persona, area):
    """Reads the area's directory as staff."""
    return (
        AREA_OF.get(ORGANISATION.get(persona)) == area
        or COMMISSIONS.get(persona) == area
        or EDITS.get(persona) == area
    )


RULES = {
    "public": lambda persona, subject: True,
    "signed-in": lambda persona, subject: persona != "anonymous",
    # A valid link or token, whoever follows it.
    "token": lambda persona, subject: subject == "valid",
    "staff": lambda persona, subject: persona in NAVIGATORS | MANAGERS,
    "any-manager": lambda persona, subject: persona in MANAGERS,
    "reports": lambda persona, subject: persona in MANAGERS | set(COMMISSIONS),
    "person:view": sees_person,
    "person:change": sees_person,
    "person:manage": lambda persona, navigator: manages(persona, PEOPLE[navigator]),
    "organisation:manage": manages,
    "area:commission": lambda persona, area: COMMISSIONS.get(persona) == area,
    "area:oversee": lambda persona, area: (
        COMMISSIONS.get(persona) == area
        or (persona in MANAGERS and AREA_OF[ORGANISATION[persona]] == area)
    ),
    "area:keep": lambda persona, area: (
        EDITS.get(persona) == area
        or (persona in MANAGERS and AREA_OF[ORGANISATION[persona]] == area)
    ),
    # A directory entry: the area's staff, or anyone if the area's
    # directory is public (South Vale's is).
    "directory:read": lambda persona, area: (
        area == "south" or staff_area(persona, area)
    ),
    # The HSDS API reads public areas without a token, whoever is signed in.
    "api": lambda persona, area: area in ("south", None),
    "admin": lambda persona, subject: persona == "ada",
}


# Subjects: which objects a URL is opened about -----------------------------


def person(key="pk"):
    """One subject per person: alice's, bob's, carol's and oscar's."""
    return person_object("person", key)


def person_object(name, key="pk", **more):
    """The person's object `name` as `key`, and others as named."""

    def build(w):
        for navigator in PEOPLE:
            objects = w.per_person[navigator]
            kwargs = {key: objects[name]}
            kwargs.update({arg: objects[other] for arg, other in more.items()})
            yield navigator, kwargs

    return build


def organisations(key="pk", **more):
    def build(w):
        for name in ("riverside", "hillside"):
            objects = w.per_organisation[name]
            kwargs = {key: objects["organisation"]}
            kwargs.update({arg: objects[other] for arg, other in more.items()})
            yield name, kwargs

    return build


def areas(key="pk", **more):
    def build(w):
        for name in ("north", "south"):
            objects = w.per_area[name]
            kwargs = {key: objects["area"]} if key else {}
            kwargs.update({arg: objects[other] for arg, other in more.items()})
            yield name, kwargs

    return build


def tokens(key, name):
    def build(w):
        yield "valid", {key: w.tokens[name]}
        yield "unknown", {key: "not-a-real-token"}

    return build


def none(subject=None):
    def build(w):
        yield subject, {}

    return build


def compared_versions(w):
    for navigator in PEOPLE:
        objects = w.per_person[navigator]
        number = objects["version"]
        query = {"from": number, "to": number}
        yield navigator, {"pk": objects["plan"], "?": query}


@dataclass
class Entry:
    rule: str
    subjects: object = None  # a builder; None: the URL takes no argument
    query: dict | None = None
    subject: str | None = None  # the subject of a URL without arguments
    # Slow to draw (a PDF): opened by one allowed persona per subject, and
    # by every refused one.
    heavy: bool = False


def entry(rule, subjects=None, *, query=None, subject=None, heavy=False):
    return Entry(rule, subjects or none(subject), query, subject, heavy)


SECTION = {"section_id": "section"}

MATRIX = {
    # Project pages
    "healthz": entry("public"),
    "home": entry("signed-in"),
    "privacy-notice": entry("public"),
    "accessibility-statement": entry("public"),
    # Accounts
    "accounts:sign-in": entry("public"),
    "accounts:sign-out": entry("public"),
    "accounts:account": entry("signed-in"),
    # The code page only follows a password, and nobody here has one
    # pending: it sends everyone to sign in.
    "accounts:two-step": entry("token", subject="unknown"),
    "accounts:two-step-setup": entry("signed-in"),
    "accounts:two-step-backup-codes": entry("signed-in"),
    "accounts:two-step-off": entry("signed-in"),
    "accounts:keep-alive": entry("signed-in"),
    "accounts:password-reset": entry("public"),
    "accounts:password-reset-sent": entry("public"),
    "accounts:password-reset-confirm": entry(
        "public", lambda w: iter([(None, {"uidb64": "MQ", "token": "nope"})])
    ),
    "accounts:password-reset-complete": entry("public"),
    # People
    "people:person-list": entry("staff"),
    "people:person-create": entry("staff"),
    "people:person-detail": entry("person:view", person()),
    "people:person-edit": entry("person:change", person()),
    "people:person-status": entry("person:change", person()),
    "people:person-navigator": entry("person:manage", person()),
    "people:person-stance": entry("person:change", person()),
    "people:person-audit": entry("person:manage", person()),
    # Assessments
    "assessments:person-assessments": entry("person:view", person()),
    "assessments:start-assessment": entry("person:change", person()),
    "assessments:link-issue": entry("person:change", person()),
    "assessments:link-show": entry(
        "person:change", person_object("person", link_pk="link")
    ),
    "assessments:link-revoke": entry(
        "person:change", person_object("person", link_pk="revocable_link")
    ),
    "assessments:assessment": entry("person:change", person_object("draft")),
    "assessments:section": entry(
        "person:change", person_object("draft", section_id="section")
    ),
    "assessments:check": entry("person:change", person_object("draft")),
    "assessments:profile": entry("person:view", person_object("done")),
    "assessments:pdf": entry("person:view", person_object("done"), heavy=True),
    "assessments:fhir": entry("person:view", person_object("done")),
    "assessments:self-start": entry("token", tokens("token", "link")),
    "assessments:self-section": entry("token", None),  # subjects set below
    "assessments:self-check": entry("token", tokens("token", "link")),
    "assessments:self-done": entry("token", tokens("token", "link")),
    # Nothing to print until the person has finished: the valid link is
    # still open, so it is refused like an unknown one.
    "assessments:self-pdf": entry(
        "token",
        lambda w: iter(
            [
                ("unfinished", {"token": w.tokens["link"]}),
                ("unknown", {"token": "not-a-real-token"}),
            ]
        ),
    ),
    # Organisations
    "organisations:manage": entry("any-manager"),
    "organisations:organisation-detail": entry("organisation:manage", organisations()),
    "organisations:organisation-audit": entry("organisation:manage", organisations()),
    "organisations:team-create": entry("organisation:manage", organisations()),
    "organisations:team-edit": entry(
        "organisation:manage", organisations(team_pk="team")
    ),
    "organisations:member-create": entry("organisation:manage", organisations()),
    "organisations:member-edit": entry(
        "organisation:manage", organisations(membership_pk="membership")
    ),
    "organisations:member-remove": entry(
        "organisation:manage", organisations(membership_pk="membership")
    ),
    "organisations:invitation-cancel": entry(
        "organisation:manage", organisations(invitation_pk="invitation")
    ),
    "organisations:invitation": entry("token", tokens("token", "invitation")),
    # Directory
    "directory:search": entry("public"),
    "directory:service": entry("directory:read", areas(None, service_id="service")),
    "directory:service-add": entry("area:keep", subject="north"),
    "directory:service-edit": entry("area:keep", areas(None, service_id="service")),
    "directory:service-check": entry("area:keep", areas(None, service_id="service")),
    "directory:review": entry("area:keep", subject="north"),
    "directory:editors": entry("area:commission", subject="north"),
    "directory:editor-remove": entry("area:commission", areas(None, pk="editor")),
    "directory:settings": entry("area:commission", subject="north"),
    "directory:token-create": entry("area:commission", subject="north"),
    "directory:token-created": entry("area:commission", areas(None, pk="token")),
    "directory:token-revoke": entry("area:commission", areas(None, pk="token")),
    "directory:community": entry("area:oversee", subject="north"),
    "directory:community-csv": entry(
        "area:oversee", lambda w: iter([("north", {"table": "new-peer-led"})])
    ),
    "hsds-api:root": entry("api"),
    "hsds-api:services": entry("api"),
    "hsds-api:service": entry("api", areas(None, id="service")),
    "hsds-api:organizations": entry("api"),
    "hsds-api:organization": entry("api", areas(None, id="hsds_organization")),
    "hsds-api:taxonomies": entry("api"),
    # The API's catch-all answers 404 to everyone: nothing is there.
    "hsds-api:<api/hsds/^(?P<path>.*)$>": entry("token", subject="unknown"),
    # Referrals
    "referrals:person-referrals": entry("person:view", person("person_pk")),
    "referrals:create": entry("person:change", person("person_pk")),
    "referrals:awaiting": entry("staff"),
    # Any service the navigator can read, their own area's or a public one.
    "referrals:choose-person": entry(
        "staff-reads-service", areas(None, service_id="service")
    ),
    "referrals:detail": entry("person:view", person_object("referral")),
    "referrals:update": entry("person:change", person_object("referral")),
    "referrals:rate": entry("person:change", person_object("referral")),
    # Episodes
    "episodes:person-episodes": entry("person:view", person("person_pk")),
    "episodes:create": entry("person:change", person("person_pk")),
    "episodes:episode": entry("person:view", person_object("episode")),
    "episodes:edit": entry("person:change", person_object("episode")),
    "episodes:exit": entry("person:change", person_object("episode")),
    # Staying connected
    "engagement:person-contacts": entry("person:view", person("person_pk")),
    "engagement:contact-create": entry("person:change", person("person_pk")),
    "engagement:no-answer": entry("person:change", person("person_pk")),
    "engagement:person-groups": entry("person:view", person("person_pk")),
    "engagement:group-add": entry("person:change", person("person_pk")),
    "engagement:group-change": entry(
        "person:change", person_object("person", "person_pk", membership_pk="group")
    ),
    "engagement:group-stop": entry(
        "person:change", person_object("person", "person_pk", membership_pk="group")
    ),
    "engagement:attendance-record": entry(
        "person:change", person_object("person", "person_pk", membership_pk="group")
    ),
    "engagement:register-choose": entry("staff"),
    "engagement:register": entry("staff-in-area", areas(None, service_id="service")),
    "engagement:alerts": entry("staff"),
    "engagement:alert": entry("person:view", person_object("alert")),
    "engagement:outreach-start": entry("person:change", person_object("alert")),
    "engagement:alert-close": entry("person:change", person_object("alert")),
    "engagement:check-up": entry("person:change", person_object("check_up")),
    "engagement:settings": entry("organisation:manage", organisations()),
    # Care plans
    "careplans:suggestions": entry("person:view", person_object("done")),
    "careplans:person-plan": entry("person:view", person("person_pk")),
    "careplans:plan": entry("person:view", person_object("plan")),
    "careplans:plan-settings": entry("organisation:manage", organisations()),
    "careplans:plan-map": entry("person:view", person_object("plan")),
    "careplans:plan-pdf": entry("person:view", person_object("plan"), heavy=True),
    "careplans:goal-map": entry("person:view", person_object("goal")),
    "careplans:goal-add": entry("person:change", person_object("plan")),
    "careplans:goal-edit": entry("person:change", person_object("goal")),
    "careplans:action-add": entry("person:change", person_object("goal")),
    "careplans:action-edit": entry("person:change", person_object("action")),
    "careplans:strength-add": entry("person:change", person_object("goal")),
    "careplans:resource-add": entry("person:change", person_object("goal")),
    "careplans:barrier-add": entry("person:change", person_object("goal")),
    "careplans:barrier-edit": entry("person:change", person_object("barrier")),
    "careplans:goal-remove": entry("person:change", person_object("goal")),
    "careplans:action-remove": entry("person:change", person_object("action")),
    "careplans:strength-remove": entry("person:change", person_object("strength")),
    "careplans:resource-remove": entry("person:change", person_object("resource")),
    "careplans:barrier-remove": entry("person:change", person_object("barrier")),
    "careplans:review": entry("person:change", person_object("plan")),
    "careplans:history": entry("person:view", person_object("plan")),
    "careplans:compare": entry("person:view", compared_versions),
    "careplans:version": entry("person:view", person_object("plan", number="version")),
    # Reports
    "reports:home": entry("reports"),
    "reports:area": entry("area:commission", areas()),
    "reports:organisation": entry("organisation:manage", organisations()),
    "reports:people": entry(
        "organisation:manage",
        organisations(),
        query={"measure": "retention", "part": "denominator"},
    ),
    # Self-audits
    "selfaudits:list": entry("organisation:manage", organisations("organisation_pk")),
    "selfaudits:start": entry("organisation:manage", organisations("organisation_pk")),
    "selfaudits:compare": entry(
        "organisation:manage", organisations("organisation_pk")
    ),
    "selfaudits:audit": entry(
        "organisation:manage", organisations("organisation_pk", pk="self_audit")
    ),
    "selfaudits:complete": entry(
        "organisation:manage", organisations("organisation_pk", pk="self_audit")
    ),
    "selfaudits:reopen": entry(
        "organisation:manage", organisations("organisation_pk", pk="done_audit")
    ),
    "selfaudits:answer": entry(
        "organisation:manage",
        organisations("organisation_pk", pk="self_audit", area="audit_area"),
    ),
    "selfaudits:file": entry(
        "organisation:manage",
        organisations("organisation_pk", pk="self_audit", file_pk="evidence"),
    ),
    "selfaudits:remove-file": entry(
        "organisation:manage",
        organisations("organisation_pk", pk="self_audit", file_pk="evidence"),
    ),
    "selfaudits:area": entry("area:commission", areas("area_pk")),
    "selfaudits:area-audit": entry(
        "area:commission", areas("area_pk", pk="done_audit")
    ),
    # Care-plan audits
    "planaudits:overview": entry(
        "organisation:manage", organisations("organisation_pk")
    ),
    "planaudits:draw": entry("organisation:manage", organisations("organisation_pk")),
    "planaudits:audit": entry(
        "organisation:manage", organisations("organisation_pk", audit_pk="plan_audit")
    ),
    "planaudits:item": entry(
        "organisation:manage",
        organisations("organisation_pk", audit_pk="plan_audit", item_pk="audit_item"),
    ),
    "planaudits:results": entry(
        "organisation:manage", organisations("organisation_pk", audit_pk="plan_audit")
    ),
    "planaudits:complete": entry(
        "organisation:manage", organisations("organisation_pk", audit_pk="plan_audit")
    ),
}
MATRIX["assessments:self-section"] = entry(
    "token",
    lambda w: iter(
        [
            ("valid", {"token": w.tokens["link"], "section_id": w.section}),
            ("unknown", {"token": "not-a-real-token", "section_id": w.section}),
        ]
    ),
)
RULES["staff-reads-service"] = lambda persona, area: (
    persona in NAVIGATORS | MANAGERS and RULES["directory:read"](persona, area)
)
# Staff of the area whose directory lists the service: its navigators and
# managers (a referral or a register is theirs to make).
RULES["staff-in-area"] = lambda persona, area: (
    persona in NAVIGATORS | MANAGERS and AREA_OF[ORGANISATION[persona]] == area
)


# The world the matrix is opened in ------------------------------------------


def _per_person(w, person, navigator, number, instruments, service, today):
    from caremap.assessments import actions as assessments
    from caremap.assessments.samples import complete_assessment, plausible_answers
    from caremap.careplans import actions as careplans
    from caremap.careplans.models import PlanVersion
    from caremap.careplans.samples import plan_from_suggestions, review_plan
    from caremap.engagement import actions as engagement
    from caremap.engagement.alerting import schedule_check_ups
    from caremap.engagement.models import Alert
    from caremap.episodes.samples import journey
    from caremap.referrals import actions as referrals
    from caremap.referrals.models import Referral

    version = instruments["recovery-capital-profile"]
    answers = plausible_answers(version.instrument, random.Random(number), 0)
    when = timezone.now() - datetime.timedelta(days=30)
    done = complete_assessment(person, version, answers, by=navigator, when=when)
    draft, _created = assessments.start_assessment(person, version, by=navigator)
    link, token = assessments.issue_link(person, version, by=navigator)
    other = next(v for key, v in instruments.items() if key != version.key)
    revocable, _token = assessments.issue_link(person, other, by=navigator)
    plan = plan_from_suggestions(done, by=navigator, goals=1)
    goal = plan.goals.get()
    step = careplans.add_action(
        goal, by=navigator, what="Ring the group", who="person", due_on=today
    )
    strength = careplans.add_strength(goal, by=navigator, wording="Family")
    resource = careplans.add_resource(goal, by=navigator, name="The allotment")
    barrier = careplans.add_barrier(
        goal, by=navigator, wording="Buses", solutions=["A lift"]
    )
    review_plan(plan, done, by=navigator, held_on=today)
    [episode] = journey(person, by=navigator, stage="completed", number=1, today=today)
    schedule_check_ups(episode)
    referral = referrals.create_referral(
        Referral(
            person=person,
            service=service,
            kind=Referral.Kind.SIGNPOST,
            reason="Wants to meet others",
            person_agreed=True,
            consent_method=Referral.Consent.IN_PERSON,
        ),
        by=navigator,
    )
    group = engagement.add_group_membership(
        person,
        by=navigator,
        service=service,
        on_register=True,
        started_on=today - datetime.timedelta(days=14),
        today=today,
    )
    alert = Alert.objects.create(
        person=person,
        organisation=person.organisation,
        rule=Alert.Rule.NO_CONTACT,
        key=f"matrix-{person.pk}",
        facts={"since": (today - datetime.timedelta(days=30)).isoformat()},
    )
    return {
        "person": person.pk,
        "done": done.pk,
        "draft": draft.pk,
        "section": version.instrument.sections[0].id,
        "link": link.pk,
        "token": token,
        "revocable_link": revocable.pk,
        "plan": plan.pk,
        "goal": goal.pk,
        "action": step.pk,
        "strength": strength.pk,
        "resource": resource.pk,
        "barrier": barrier.pk,
        "version": PlanVersion.objects.filter(plan=plan).latest("number").number,
        "episode": episode.pk,
        "check_up": episode.check_ups.order_by("due_on").first().pk,
        "referral": referral.pk,
        "group": group.pk,
        "alert": alert.pk,
    }


def _per_organisation(w, organisation, manager, team, membership, today):
    from caremap.organisations.models import Invitation
    from caremap.planaudits import actions as planaudits
    from caremap.selfaudits import actions as selfaudits
    from caremap.selfaudits.models import SelfAudit
    from caremap.selfaudits.samples import load_demo

    load_demo(organisation, manager, today)
    audits = SelfAudit.objects.filter(organisation=organisation)
    open_audit = audits.filter(completed_at__isnull=True).get()
    area = open_audit.checklist.areas[0].key
    selfaudits.save_answer(
        open_audit,
        area,
        by=manager,
        rating=open_audit.answers.first().rating,
        files=[SimpleUploadedFile("notes.csv", b"when,what\n2026,met\n", "text/csv")],
    )
    plan_audit = planaudits.draw_sample(organisation, by=manager, size=1)
    token = f"invitation-{organisation.pk}"
    invitation = Invitation.objects.create(
        organisation=organisation,
        role=Membership.Role.NAVIGATOR,
        email=f"new-{organisation.pk}@example.test",
        full_name="New Navigator",
        token_hash=Invitation.hash_token(token),
        invited_by=manager,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    return {
        "organisation": organisation.pk,
        "team": team.pk,
        "membership": membership.pk,
        "invitation": invitation.pk,
        "invitation_token": token,
        "self_audit": open_audit.pk,
        "done_audit": audits.filter(completed_at__isnull=False).first().pk,
        "audit_area": area,
        "evidence": open_audit.answers.get(area=area).files.get().pk,
        "plan_audit": plan_audit.pk,
        "audit_item": plan_audit.items.first().pk,
    }


@pytest.fixture
def matrix_world(world, instruments, settings, tmp_path):
    """The personas' world, with something of every kind for each person
    and organisation, and a second area, South Vale, whose directory is
    public."""
    from caremap.directory import actions as directory
    from caremap.directory.models import (
        AreaDirectory,
        Editor,
        Listing,
        Organization,
        Service,
    )

    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    w = world
    w.eddie = make_user("eddie@editor.test", "Eddie Editor")
    south = Area.objects.create(name="South Vale")
    southside = Organisation.objects.create(
        area=south, name="Southside", kind=Organisation.Kind.TREATMENT_SERVICE
    )
    southside_manager = make_user("sam@southside.test", "Sam Southside")
    Membership.objects.create(
        user=southside_manager, role=Membership.Role.MANAGER, organisation=southside
    )
    directory.load_demo_directory(w.area)
    north_listing = (
        Listing.objects.filter(area=w.area, kind=Listing.Kind.PEER_LED)
        .select_related("service")
        .first()
    )
    south_organization = Organization.objects.create(
        id="south-walkers", name="South Vale Walkers", description="Walks"
    )
    south_service = Service.objects.create(
        id="south-group",
        name="South Vale walking group",
        status="active",
        organization=south_organization,
    )
    south_listing = Listing.objects.create(
        service=south_service,
        area=south,
        kind=Listing.Kind.PEER_LED,
        peer_led=True,
        independent=True,
        started_on=today - datetime.timedelta(days=100),
    )
    AreaDirectory.objects.update_or_create(area=w.area, defaults={"public": False})
    AreaDirectory.objects.update_or_create(area=south, defaults={"public": True})
    directory.appoint_editor(w.area, w.eddie, by=w.cara)
    south_editor = Editor.objects.create(
        area=south, user=southside_manager, appointed_by=w.cara
    )
    north_token, _raw = directory.create_api_token(w.area, name="North", by=w.cara)
    south_token, _raw = directory.create_api_token(south, name="South", by=w.cara)

    w.per_person = {}
    service = north_listing.service
    for number, navigator in enumerate(PEOPLE):
        record = getattr(w, f"{navigator}s_person")
        w.per_person[navigator] = _per_person(
            w, record, getattr(w, navigator), number, instruments, service, today
        )
    hill_team = Team.objects.create(organisation=w.hillside, name="Hill team")
    w.per_organisation = {
        "riverside": _per_organisation(
            w, w.riverside, w.mia, w.north_team, w.alice.memberships.get(), today
        ),
        "hillside": _per_organisation(
            w, w.hillside, w.hugo, hill_team, w.oscar.memberships.get(), today
        ),
    }
    from caremap.selfaudits.models import SelfAudit
    from caremap.selfaudits.samples import load_demo

    load_demo(southside, southside_manager, today)
    w.per_area = {
        "north": {
            "area": w.area.pk,
            "service": north_listing.service_id,
            "hsds_organization": north_listing.service.organization_id,
            "editor": w.eddie.directory_editor_roles.get().pk,
            "token": north_token.pk,
            "done_audit": w.per_organisation["riverside"]["done_audit"],
        },
        "south": {
            "area": south.pk,
            "service": south_listing.service_id,
            "hsds_organization": south_service.organization_id,
            "editor": south_editor.pk,
            "token": south_token.pk,
            "done_audit": SelfAudit.objects.filter(
                organisation=southside, completed_at__isnull=False
            )
            .first()
            .pk,
        },
    }
    w.section = version_section(instruments)
    w.tokens = {
        "link": w.per_person["alice"]["token"],
        "invitation": w.per_organisation["riverside"]["invitation_token"],
    }
    return w


def version_section(instruments):
    return instruments["recovery-capital-profile"].instrument.sections[0].id


# Opening the pages ------------------------------------------------------


def clients(w):
    # A server error is an answer to report, not an exception to stop at.
    made = {"anonymous": Client(raise_request_exception=False)}
    for name in PERSONAS:
        if name != "anonymous":
            made[name] = Client(raise_request_exception=False)
            made[name].force_login(getattr(w, name), backend=SIGN_IN_BACKEND)
    return made


SIGN_IN_PAGES = ("/account/sign-in/", "/admin/login/")


def outcome(response):
    """'allowed', 'refused' or what else it was."""
    status = response.status_code
    if status in (301, 302, 303):
        where = response["Location"]
        return "refused" if any(p in where for p in SIGN_IN_PAGES) else "allowed"
    if status in (200, 204):
        return "allowed"
    if status in (401, 403, 404, 410):
        return "refused"
    return f"answered {status}"


def cases(w):
    """(route, entry, subject, url) for every URL pattern but admin's."""
    for route in every_route():
        if route.admin:
            continue
        entry = MATRIX[route.name]
        for subject, kwargs in entry.subjects(w):
            query = {**(entry.query or {}), **kwargs.pop("?", {})}
            url = route.url(**kwargs)
            if query:
                url += "?" + urlencode(query)
            yield route, entry, subject, url


def expected(entry, persona, subject):
    allowed = RULES[entry.rule](
        persona, subject if subject is not None else entry.subject
    )
    return "allowed" if allowed else "refused"


def test_every_url_pattern_has_a_rule(db):
    missing = [r.name for r in every_route() if not r.admin and r.name not in MATRIX]
    assert not missing, (
        "These URL patterns are not in the authorisation matrix; add each to "
        "MATRIX in caremap/tests/test_matrix.py with its rule and subjects: "
        + ", ".join(missing)
    )
    stale = set(MATRIX) - {r.name for r in every_route()}
    assert not stale, f"MATRIX names URL patterns that no longer exist: {stale}"
    assert {entry.rule for entry in MATRIX.values()} <= set(RULES)


def test_every_persona_gets_what_the_matrix_says(matrix_world):
    w = matrix_world
    browsers = clients(w)
    wrong = []
    opened = 0
    for route, entry, subject, url in cases(w):
        if "GET" not in route.callback.allowed_methods:
            continue
        allowed_seen = False
        for persona in PERSONAS:
            want = expected(entry, persona, subject)
            if entry.heavy and want == "allowed":
                if allowed_seen:
                    continue
                allowed_seen = True
            got = outcome(browsers[persona].get(url))
            opened += 1
            if got != want:
                wrong.append(
                    f"{persona} GET {url} ({route.name}, {subject}): {got}, not {want}"
                )
    assert not wrong, f"{len(wrong)} of {opened}:\n" + "\n".join(wrong)


def changes_but_refusals():
    return AuditEvent.objects.exclude(action=AuditEvent.Action.DENIED).count()


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        # Refusals are recorded (checked request by request above); sign-in
        # attempts and sessions are not records.
        if model._meta.label != "privacy.AuditEvent"
        and model._meta.app_label not in ("sessions", "axes")
    }


def test_an_empty_post_by_anyone_refused_is_refused_and_changes_nothing(
    matrix_world,
):
    w = matrix_world
    browsers = clients(w)
    rows_before = row_counts()
    wrong = []
    sent = 0
    for route, entry, subject, url in cases(w):
        if "POST" not in route.callback.allowed_methods:
            continue
        for persona in PERSONAS:
            if expected(entry, persona, subject) == "allowed":
                continue
            before = changes_but_refusals()
            got = outcome(browsers[persona].post(url))
            sent += 1
            if got != "refused":
                wrong.append(f"{persona} POST {url} ({route.name}): {got}")
            if changes_but_refusals() != before:
                wrong.append(f"{persona} POST {url} ({route.name}) was recorded")
    assert not wrong, f"{len(wrong)} of {sent}:\n" + "\n".join(wrong)
    assert sent > 500
    assert row_counts() == rows_before


def admin_urls(w):
    """Django admin's index, each app's page, and each registered model's
    list, add, change and history pages."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse("admin:app_list", args=[meta.app_label]))
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        urls.append(reverse(f"{prefix}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            for page in ("change", "history", "delete"):
                urls.append(reverse(f"{prefix}_{page}", args=[first.pk]))
    return sorted(set(urls))


def test_admin_is_for_the_administrator_alone(matrix_world):
    w = matrix_world
    browsers = clients(w)
    wrong = []
    urls = admin_urls(w)
    assert len(urls) > 20
    for url in urls:
        for persona in PERSONAS:
            if persona == "ada":
                continue
            for method in ("get", "post"):
                got = outcome(getattr(browsers[persona], method)(url))
                if got != "refused":
                    wrong.append(f"{persona} {method.upper()} {url}: {got}")
    # Some pages are closed to the administrator too (nobody adds audit
    # events); none fails, and the index and every list open.
    ada = browsers["ada"]
    for url in urls:
        got = outcome(ada.get(url))
        if got not in ("allowed", "refused"):
            wrong.append(f"ada GET {url}: {got}")
    assert outcome(ada.get(reverse("admin:index"))) == "allowed"
    assert not wrong, "\n".join(wrong)
