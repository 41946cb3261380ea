"""Generated input sent to every form in the app, as a user allowed to use it.

The forms are found the way a person finds them: by following links from
each persona's home page (caremap.testing.crawler). Every form that posts
gets input that is long (up to and past every limit), strange (right-to-left
marks, NUL, emoji, combining accents), numeric in the wrong way (thirty
digits, negative, not a number), missing, or not one of the choices. No
answer may be a server error, and a form that refuses its input must leave
the database exactly as it was.

It is marked `fuzz` and runs on SQLite only: the forms and their checks are
the same on PostgreSQL, and once a run is enough. (NUL, which PostgreSQL
alone cannot store, is caught by a check of its own below, on SQLite too.)
"""

import datetime
import hashlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from caremap.privacy.models import AuditEvent
from caremap.testing.crawler import crawl

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="the fuzz test runs once per CI run, on SQLite; forms are the same "
        "on PostgreSQL",
    ),
]

#: Examples per form. About sixty forms, so a few hundred posts in all.
EXAMPLES_PER_FORM = 6

FUZZ_SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES_PER_FORM,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

# --- Generated values ---------------------------------------------------------

ODD_CHARACTERS = [
    "x",
    "\u0000",  # NUL: PostgreSQL cannot store it in text
    "\u202e",  # right-to-left override
    "\u05d0",  # Hebrew alef
    "ŵ",
    "e\u0301",  # a combining accent
    "😀",
    " ",
    "\n",
    "<",
    "%",
]
#: Around every limit in the models (and far past them): a body of the
#: largest still reaches its form; larger ones meet the body limit.
LENGTHS = [1, 41, 101, 201, 255, 301, 501, 1001, 2001, 4001, 100_001, 600_000]

long_text = st.builds(
    lambda char, length: char * length,
    st.sampled_from(ODD_CHARACTERS),
    st.sampled_from(LENGTHS),
)
odd_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]), max_size=60
) | st.lists(st.sampled_from(ODD_CHARACTERS), max_size=30).map("".join)
bad_numbers = st.sampled_from(
    [
        "1" * 30,
        "-" + "9" * 30,
        "0",
        "-1",
        "1e400",
        "NaN",
        "inf",
        "3.5",
        "٣",
        "2147483648",
        "9223372036854775808",
        "0x10",
        " 7 ",
    ]
) | st.integers().map(str)
anything = long_text | odd_text | bad_numbers


def value_for(field):
    """What may be typed into, or sent in place of, one field."""
    name = field.name
    if field.kind in ("select", "radio", "checkbox", "submit") and field.options:
        choice = st.sampled_from(field.options)
        if field.multiple:
            return st.lists(choice | odd_text, max_size=4)
        return choice | anything
    if field.kind == "hidden":
        # Mostly as the page gave it (a revision, a one-time token), so the
        # other fields are reached; sometimes not.
        return st.just(field.value) | anything
    if name.endswith(("_day", "_month", "_year")) or field.kind == "number":
        return bad_numbers | st.just(field.value)
    return st.just(field.value) | anything


def post_data(form):
    """A strategy for one post: each field given something, or left out."""
    fields = {}
    for field in form.fields:
        if field.name == "csrfmiddlewaretoken":
            continue
        if field.kind == "file":
            fields[field.name] = st.none() | st.builds(
                lambda body, name: SimpleUploadedFile(name, body),
                st.binary(max_size=64),
                st.sampled_from(
                    ["notes.pdf", "a.txt", "x" * 300 + ".png", "\u202e.exe"]
                ),
            )
            continue
        fields[field.name] = st.none() | value_for(field)
    return st.fixed_dictionaries(fields).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


# --- What a refused form must not change ----------------------------------------

# Sessions change on every request; sign-in attempts are counted by axes.
VOLATILE_TABLES = ("django_session", "axes_", "privacy_auditevent")
# A wrong two-step code is refused, and counted on its device to slow the
# next try: that count is meant to change.
VOLATILE_COLUMNS = {"throttling_failure_timestamp", "throttling_failure_count"}
CHANGES = [
    AuditEvent.Action.CREATE,
    AuditEvent.Action.UPDATE,
    AuditEvent.Action.DELETE,
    AuditEvent.Action.SUBMIT,
]


_columns = {}


def compared_columns(cursor, table):
    """The columns of `table` a refused form must leave alone, read from the
    database once (introspection takes several queries a table)."""
    if table not in _columns:
        _columns[table] = ", ".join(
            connection.ops.quote_name(column.name)
            for column in connection.introspection.get_table_description(cursor, table)
            if column.name not in VOLATILE_COLUMNS
        )
    return _columns[table]


def snapshot():
    """A fingerprint of every row of every table, and the number of audit
    events that record a change (views of a record may be added)."""
    digests = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith(VOLATILE_TABLES):
                continue
            columns = compared_columns(cursor, table)
            # Table and column names come from the database itself.
            cursor.execute(
                f"SELECT {columns} FROM {connection.ops.quote_name(table)}"  # noqa: S608
            )
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    changes = AuditEvent.objects.filter(action__in=CHANGES).count()
    return digests, changes


def refused(response):
    if response.status_code in (400, 403, 404, 405, 409, 410):
        return True
    return response.status_code == 200 and b"govuk-error-summary" in response.content


def changed_tables(before, after):
    return sorted(t for t in before[0] if before[0][t] != after[0].get(t))


# --- The world every persona works in ------------------------------------------


@pytest.fixture
def full_world(world, instruments):
    """The personas' world, with one of each record a form edits."""
    from caremap.assessments import actions as assessments
    from caremap.careplans import actions as careplans
    from caremap.careplans.models import Action, Goal
    from caremap.directory import demo
    from caremap.directory.actions import load_demo_directory
    from caremap.directory.models import Editor
    from caremap.engagement import actions as engagement
    from caremap.episodes import actions as episodes
    from caremap.planaudits import actions as planaudits
    from caremap.referrals import actions as referrals
    from caremap.referrals.models import Referral
    from caremap.selfaudits import actions as selfaudits

    today = timezone.localdate()
    person = world.alices_person
    load_demo_directory(world.area)
    service = demo.service_id_for("Afon Valley Peer Mentoring")
    Editor.objects.create(area=world.area, user=world.nora, appointed_by=world.cara)

    plan, _created = careplans.start_plan(person, by=world.alice)
    goal = careplans.add_goal(
        plan,
        by=world.alice,
        wording="Get back into walking",
        proposed_by=Goal.ProposedBy.PERSON,
        person_agreed=True,
    )
    careplans.add_action(
        goal,
        by=world.alice,
        what="Walk to the park on Saturday",
        who=Action.Who.PERSON,
        due_on=today + datetime.timedelta(days=7),
    )
    careplans.add_strength(goal, by=world.alice, wording="My brother helps")
    careplans.add_resource(goal, by=world.alice, name="The allotment")
    careplans.add_barrier(
        goal, by=world.alice, wording="Mornings are hard", solutions=["An alarm"]
    )

    version = instruments["recovery-capital-profile"]
    assessments.start_assessment(person, version, by=world.alice)
    _link, token = assessments.issue_link(world.bobs_person, version, by=world.bob)

    referrals.create_referral(
        Referral(
            person=person,
            service_id=service,
            kind=Referral.Kind.SIGNPOST,
            reason="Wants to meet others in recovery",
            person_agreed=True,
            consent_method=Referral.Consent.IN_PERSON,
        ),
        by=world.alice,
    )
    engagement.record_contact(person, by=world.alice, method="phone", outcome="reached")
    engagement.add_group_membership(person, by=world.alice, name="Walking group")
    episodes.record_episode(
        person,
        by=world.alice,
        referred_on=today - datetime.timedelta(days=40),
        started_on=today - datetime.timedelta(days=30),
        referral_source="self",
        substance_group="alcohol",
    )
    quarter_end = today.replace(day=1) - datetime.timedelta(days=1)
    selfaudits.start_audit(
        world.riverside,
        by=world.mia,
        period_start=quarter_end.replace(day=1),
        period_end=quarter_end,
    )
    planaudits.draw_sample(world.riverside, by=world.mia, size=1)
    world.link_url = reverse("assessments:self-start", args=[token])
    return world


def personas(world):
    """(user, where they start) for everyone who fills in forms; the
    administrator's Django admin is out of scope."""
    return [
        (None, world.link_url),
        (world.alice, reverse("home")),
        (world.mia, reverse("home")),
        (world.cara, reverse("home")),
        (world.nora, reverse("home")),
    ]


#: Forms that end or remove something go last, so the others still find
#: what they edit.
ENDINGS = ("remove", "revoke", "cancel", "complete", "stop", "exit", "close")


def forms_of(client, user, start):
    if user is not None:
        client.force_login(user, backend="caremap.accounts.backends.PasswordBackend")
    else:
        client.logout()
    _pages, forms = crawl(client, start)
    return sorted(forms, key=lambda form: any(w in form.route for w in ENDINGS))


# --- The tests -------------------------------------------------------------------

#: Forms the crawl must reach, so that the fuzz test cannot quietly shrink
#: when a link moves.
MUST_REACH = {
    "people:person-create",
    "people:person-edit",
    "careplans:goal-add",
    "careplans:goal-edit",
    "careplans:action-add",
    "careplans:action-edit",
    "careplans:strength-add",
    "careplans:resource-add",
    "careplans:barrier-add",
    "careplans:barrier-edit",
    "careplans:review",
    "engagement:contact-create",
    "episodes:create",
    "referrals:create",
    "referrals:update",
    "organisations:team-create",
    "organisations:member-create",
    "selfaudits:start",
    "planaudits:draw",
    "directory:service-edit",
    "assessments:section",
}


def test_the_crawl_reaches_every_form_we_know_of(full_world, client):
    reached = set()
    for user, start in personas(full_world):
        reached |= {form.route for form in forms_of(client, user, start)}
    missing = MUST_REACH - reached
    assert not missing, f"no page links to a form for {sorted(missing)}"
    assert len(reached) >= 40, sorted(reached)


def fuzz(client, form, tally):
    """A Hypothesis test that posts generated input to ``form``."""

    @FUZZ_SETTINGS
    @given(data=post_data(form))
    def post(data):
        before = snapshot()
        response = client.post(form.action, data)
        tally["posts"] += 1
        assert response.status_code < 500, (str(form), response.status_code)
        if refused(response):
            tally["refused"] += 1
            after = snapshot()
            assert after == before, (
                f"{form} refused its input but changed {changed_tables(before, after)}"
            )

    return post


def test_no_form_fails_or_keeps_what_it_refused(full_world, client):
    tally = {"posts": 0, "refused": 0}
    for user, start in personas(full_world):
        for form in forms_of(client, user, start):
            fuzz(client, form, tally)()
            # A post may have signed the client out; the next form is used
            # as this persona again.
            if user is not None:
                client.force_login(
                    user, backend="caremap.accounts.backends.PasswordBackend"
                )
    assert tally["posts"] >= 200, tally
    assert tally["refused"] >= tally["posts"] // 2, tally


def test_no_text_field_stores_nul(full_world, client):
    """PostgreSQL refuses NUL in text with a server error, so every form must
    refuse it first. On SQLite it would be stored, so look for it."""
    for user, start in personas(full_world):
        for form in forms_of(client, user, start):
            data = {
                f.name: (f.options[0] if f.options else f.value or "x") + "\u0000"
                if f.kind not in ("hidden", "file", "submit")
                else f.value
                for f in form.fields
                if f.name != "csrfmiddlewaretoken"
            }
            response = client.post(form.action, data)
            assert response.status_code < 500, str(form)
            if user is not None:
                client.force_login(
                    user, backend="caremap.accounts.backends.PasswordBackend"
                )
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith(VOLATILE_TABLES):
                continue
            columns = compared_columns(cursor, table)
            # Table and column names come from the database itself.
            cursor.execute(
                f"SELECT {columns} FROM {connection.ops.quote_name(table)}"  # noqa: S608
            )
            for row in cursor.fetchall():
                assert not any(isinstance(v, str) and "\x00" in v for v in row), table
