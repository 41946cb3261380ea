"""Every form that creates a record makes one record however often it is
sent: the same body twice (a double click, a resend after a timeout) makes
one, and the second sending goes where the first went.

Each create form is a row of CREATES; `test_every_form_is_guarded` in
test_concurrent_edits.py fails when a page with a form is in neither table
nor exempt."""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.messages import get_messages

from caremap.models import FormToken
from caremap.people.models import Person, PersonStance
from caremap.tests.sending import Page, client_for, url_of


@dataclass
class Create:
    url: str
    args: Callable = lambda w: []
    user: str = "alice"
    answers: Callable = lambda w: {}
    rows: Callable = lambda w: None
    fixtures: tuple = ()
    prepare: Callable = field(default=lambda w, fixtures: None)

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

CREATES = [
    Create(
        "people:person-create",
        answers=lambda w: PERSON,
        rows=lambda w: Person.objects.filter(reference="R-900"),
    ),
    Create(
        "people:person-stance",
        args=lambda w: [w.alices_person.pk],
        answers=lambda w: {
            "stance": "ready_for_change",
            "recorded_on_day": "1",
            "recorded_on_month": "2",
            "recorded_on_year": "2025",
        },
        rows=lambda w: PersonStance.objects.filter(person=w.alices_person),
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
    page = Page.open(client, url_of(form.url, form.args(world)))
    first = page.send(form.answers(world))
    assert first.status_code == 302, first.content.decode()[:2000]
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
    import datetime

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
