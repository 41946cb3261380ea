"""Every form that creates a record makes one record however often it is
sent: the same body twice (a double click, a resend after a timeout) makes
one, and the second sending goes where the first went.

Each create form is a row of CREATES; `test_every_form_is_guarded` in
test_concurrent_edits.py fails when a page with a form is in neither table
nor exempt."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.messages import get_messages

from caremap.assessments.models import Assessment, SelfCompletionLink
from caremap.directory.models import ApiToken, Editor, Service
from caremap.engagement.models import Attendance, Contact, GroupMembership
from caremap.episodes.models import Episode
from caremap.models import FormToken
from caremap.organisations.models import Invitation, Team
from caremap.people.models import Person, PersonStance
from caremap.planaudits.models import PlanAudit
from caremap.referrals.models import Rating, Referral
from caremap.selfaudits.models import SelfAudit
from caremap.tests import scenes
from caremap.tests.sending import Page, client_for, problems, url_of


@dataclass
class Create:
    url: str
    args: Callable = lambda w: []
    user: str = "alice"
    answers: Callable = lambda w: {}
    rows: Callable = lambda w: None
    fixtures: tuple = ()
    prepare: Callable = field(default=lambda w, fixtures=None: None)
    query: Callable = lambda w: ""

    def __str__(self):
        return self.url


PERSON = {
    "given_name": "Rhian",
    "family_name": "Price",
    "reference": "R-900",
    "date_of_birth_day": "2",
    "date_of_birth_month": "5",
    "date_of_birth_year": "1990",
    "preferred_contact_method": "phone",
    "preferred_language": "en",
    "pathway": "not_decided",
}


def dated(name, day):
    return {
        f"{name}_{part}": str(getattr(day, part)) for part in ("day", "month", "year")
    }


TODAY = datetime.date.today()

CREATES = [
    Create(
        "people:person-create",
        answers=lambda w: PERSON,
        rows=lambda w: Person.objects.filter(reference="R-900"),
    ),
    Create(
        "people:person-stance",
        args=lambda w: [w.alices_person.pk],
        answers=lambda w: {"stance": "ready_for_change", **dated("recorded_on", TODAY)},
        rows=lambda w: PersonStance.objects.filter(person=w.alices_person),
    ),
    Create(
        "episodes:create",
        args=lambda w: [w.alices_person.pk],
        answers=lambda w: {
            **dated("referred_on", TODAY - datetime.timedelta(days=3)),
            "referral_source": "self",
            "substance_group": "alcohol",
        },
        rows=lambda w: Episode.objects.filter(person=w.alices_person),
    ),
    Create(
        "engagement:contact-create",
        args=lambda w: [w.alices_person.pk],
        answers=lambda w: {"method": "phone", "outcome": "reached", "token": None},
        rows=lambda w: Contact.objects.filter(person=w.alices_person),
    ),
    Create(
        "engagement:group-add",
        args=lambda w: [w.alices_person.pk],
        prepare=scenes.directory,
        answers=lambda w: {
            "service": w.second_meeting.pk,
            "regular": "yes",
            "on_register": "no",
            "token": None,
            **dated("started_on", TODAY - datetime.timedelta(days=7)),
        },
        rows=lambda w: GroupMembership.objects.filter(person=w.alices_person),
    ),
    Create(
        "engagement:attendance-record",
        args=lambda w: [w.alices_person.pk, w.membership.pk],
        prepare=scenes.groups,
        answers=lambda w: {"attended": "yes", "source": "self"},
        rows=lambda w: Attendance.objects.filter(membership=w.membership),
    ),
    Create(
        "engagement:register",
        args=lambda w: [w.meeting.pk],
        prepare=scenes.groups,
        answers=lambda w: {"went": [str(w.membership.pk)]},
        rows=lambda w: Attendance.objects.filter(membership=w.membership),
    ),
    Create(
        "referrals:create",
        args=lambda w: [w.alices_person.pk],
        query=lambda w: f"?service={w.service_id}",
        prepare=scenes.directory,
        answers=lambda w: {
            "kind": "signpost",
            "reason": "Wants to meet others",
            "person_agreed": "on",
            "consent_method": "in_person",
        },
        rows=lambda w: Referral.objects.filter(person=w.alices_person),
    ),
    Create(
        "referrals:rate",
        args=lambda w: [w.referral.pk],
        prepare=scenes.referral,
        answers=lambda w: {"score": "4", "given_by_person": "True"},
        rows=lambda w: Rating.objects.filter(referral=w.referral),
    ),
    Create(
        "directory:service-add",
        user="mia",
        prepare=scenes.directory,
        answers=lambda w: {
            "name": "Riverside Walking Group",
            "description": "A walk every week",
            "kind": "peer-led",
            "status": "active",
            "new_organisation": "Riverside Walkers",
        },
        rows=lambda w: Service.objects.filter(name="Riverside Walking Group"),
    ),
    Create(
        "directory:editors",
        user="cara",
        answers=lambda w: {"email": w.nora.email},
        rows=lambda w: Editor.objects.filter(user=w.nora),
    ),
    Create(
        "directory:token-create",
        user="cara",
        answers=lambda w: {"name": "Our website"},
        rows=lambda w: ApiToken.objects.filter(name="Our website"),
    ),
    Create(
        "organisations:team-create",
        args=lambda w: [w.riverside.pk],
        user="mia",
        answers=lambda w: {"name": "East team"},
        rows=lambda w: Team.objects.filter(name="East team"),
    ),
    Create(
        "organisations:member-create",
        args=lambda w: [w.riverside.pk],
        user="mia",
        answers=lambda w: {
            "email": "nia@riverside.test",
            "full_name": "Nia New",
            "role": "navigator",
        },
        rows=lambda w: Invitation.objects.filter(email="nia@riverside.test"),
    ),
    Create(
        "assessments:start-assessment",
        args=lambda w: [w.alices_person.pk],
        fixtures=("instruments",),
        answers=lambda w: {},
        rows=lambda w: Assessment.objects.filter(person=w.alices_person),
    ),
    Create(
        "assessments:link-issue",
        args=lambda w: [w.alices_person.pk],
        fixtures=("instruments",),
        answers=lambda w: {},
        rows=lambda w: SelfCompletionLink.objects.filter(person=w.alices_person),
    ),
    Create(
        "selfaudits:start",
        args=lambda w: [w.riverside.pk],
        user="mia",
        answers=lambda w: {},
        rows=lambda w: SelfAudit.objects.filter(organisation=w.riverside),
    ),
    Create(
        "planaudits:draw",
        args=lambda w: [w.riverside.pk],
        user="mia",
        prepare=scenes.plans,
        answers=lambda w: {"size": "2"},
        rows=lambda w: PlanAudit.objects.filter(organisation=w.riverside),
    ),
]


@pytest.fixture
def fixtures(request):
    def load(names):
        return {name: request.getfixturevalue(name) for name in names}

    return load


@pytest.mark.parametrize("form", CREATES, ids=str)
def test_a_create_form_sent_twice_makes_one_record(world, fixtures, form):
    loaded = fixtures(form.fixtures)
    form.prepare(world, loaded)
    client = client_for(getattr(world, form.user))
    before = form.rows(world).count()
    page = Page.open(client, url_of(form.url, form.args(world)) + form.query(world))
    first = page.send(form.answers(world))
    assert first.status_code == 302, problems(first)
    assert form.rows(world).count() == before + 1
    list(get_messages(first.wsgi_request))

    second = page.send(form.answers(world))

    assert form.rows(world).count() == before + 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert "That was already saved." in [
        str(m) for m in get_messages(second.wsgi_request)
    ]
    assert FormToken.objects.filter(url=first["Location"]).count() == 1


def test_a_form_put_right_after_a_mistake_saves_with_the_same_token(world):
    client = client_for(world.alice)
    page = Page.open(client, url_of("people:person-create", []))
    wrong = page.send({**PERSON, "given_name": ""})
    assert wrong.status_code == 200
    assert not FormToken.objects.exists()

    right = page.send(PERSON)

    assert right.status_code == 302
    assert Person.objects.filter(reference="R-900").count() == 1


def test_a_token_sent_by_someone_else_creates_nothing_and_reveals_nothing(world):
    page = Page.open(client_for(world.alice), url_of("people:person-create", []))
    first = page.send(PERSON)
    page.client = client_for(world.bob)

    second = page.send({**PERSON, "reference": "R-901"})

    assert second.status_code == 302
    assert second["Location"] != first["Location"]
    assert not Person.objects.filter(reference="R-901").exists()


def test_old_tokens_are_cleared_when_a_new_one_is_spent(world):
    from django.utils import timezone

    old = FormToken.objects.create(
        token="x" * 32,
        user=world.alice,
        created_at=timezone.now() - datetime.timedelta(days=2),
    )
    page = Page.open(client_for(world.alice), url_of("people:person-create", []))
    page.send(PERSON)

    assert not FormToken.objects.filter(pk=old.pk).exists()
    assert FormToken.objects.count() == 1
