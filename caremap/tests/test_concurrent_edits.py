"""Every form that changes a record refuses to overwrite a change it did not
show: two people (or two tabs) open the same form, the first saves, and the
second is told at the top of the page that the record changed, with what
they typed kept, what is saved now shown, and nothing of the first lost.
Sending again on purpose then saves.

Each edit form is a row of EDITS. The last test walks every page and fails
when one with a form is in neither this table nor CREATES, and not exempt."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup

from caremap.concurrency import CHANGED_MESSAGE
from caremap.tests.sending import Page, client_for, fields_of, guarded_form, url_of


@dataclass
class Edit:
    url: str
    args: Callable
    first: Callable  # the first person's answers
    second: Callable  # the second person's answers, refused
    saved: Callable  # the first person's change as saved, read from the database
    expected: object  # what `saved` gives after the first save
    user: str = "alice"
    other: str = "bob"
    fixtures: tuple = ()
    prepare: Callable = lambda w, fixtures: None

    def __str__(self):
        return self.url


def fresh(model, pk):
    return model.objects.get(pk=pk)


def person_row(w):
    from caremap.people.models import Person

    return Person.objects.get(pk=w.alices_person.pk)


EDITS = [
    Edit(
        "people:person-edit",
        args=lambda w: [w.alices_person.pk],
        first=lambda w: {"preferred_name": "Sammy"},
        second=lambda w: {"phone": "07700 900123"},
        saved=lambda w: person_row(w).preferred_name,
        expected="Sammy",
    ),
    Edit(
        "people:person-status",
        args=lambda w: [w.alices_person.pk],
        first=lambda w: {"status": "closed", "closure_reason": "moved_away"},
        second=lambda w: {"status": "closed", "closure_reason": "goals_met"},
        saved=lambda w: person_row(w).closure_reason,
        expected="moved_away",
    ),
    Edit(
        "people:person-navigator",
        args=lambda w: [w.alices_person.pk],
        first=lambda w: {"navigator": str(w.bob.pk)},
        second=lambda w: {"navigator": str(w.carol.pk)},
        saved=lambda w: person_row(w).navigator_id,
        expected=lambda w: w.bob.pk,
        user="mia",
        other="mia",
    ),
]


@pytest.fixture
def fixtures(request):
    def load(names):
        return {name: request.getfixturevalue(name) for name in names}

    return load


def top_of(response):
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one(".govuk-error-summary")
    assert summary is not None, "no error summary"
    return " ".join(summary.get_text().split())


@pytest.mark.parametrize("form", EDITS, ids=str)
def test_a_change_made_meanwhile_is_not_overwritten(world, fixtures, form):
    form.prepare(world, fixtures(form.fixtures))
    url = url_of(form.url, form.args(world))
    expected = form.expected(world) if callable(form.expected) else form.expected
    first = Page.open(client_for(getattr(world, form.user)), url)
    second = Page.open(client_for(getattr(world, form.other)), url)

    saved = first.send(form.first(world))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    assert form.saved(world) == expected

    refused = second.send(form.second(world))

    assert refused.status_code == 200
    assert str(CHANGED_MESSAGE) in top_of(refused)
    assert 'id="saved-meanwhile"' in refused.content.decode()
    kept = fields_of(guarded_form(refused.content))
    for name, value in form.second(world).items():
        assert kept[name] == (value if isinstance(value, list) else [value]), name
    assert form.saved(world) == expected

    # Sent again on purpose, it replaces what is saved.
    resent = Page(client=second.client, url=second.url, data=kept).send({})
    assert resent.status_code == 302
    assert form.saved(world) != expected
