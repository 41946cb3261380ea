"""The assessment pages run a fixed number of queries: the same for a person
with one past assessment as for one with six, however many assessments other
people have."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caremap.assessments import actions
from caremap.assessments.models import Assessment
from caremap.assessments.samples import complete_assessment, plausible_answers

DEFAULT = "recovery-capital-profile"

# Measured for a navigator (a manager's permission checks take fewer), plus
# two for slack. What they pay for: the session and its idle-time stamp (with
# the savepoint around it), the user, their memberships, the person and the
# permission checks on them, the assessment, the audit events for the person
# and the assessment, and the page's own reads (the profile reads the previous
# assessment and the history; saving locks and updates the draft and audits
# the change). A page that reads one row at a time blows through these at once.
BUDGETS = {
    "person-assessments": 12 + 2,
    "assessment": 12 + 2,
    "section": 12 + 2,
    "check": 12 + 2,
    "profile": 13 + 2,
    "save-section": 17 + 2,
}
SAVED_SECTIONS = 3


def made_up(seed):
    return random.Random(seed)


class Caseload:
    """Completed assessments and a draft, added a few at a time."""

    def __init__(self, world, version):
        self.world = world
        self.version = version
        self.when = timezone.now() - datetime.timedelta(days=400)
        self.seed = 0

    def complete(self, person, by, count):
        done = []
        for _ in range(count):
            self.seed += 1
            self.when += datetime.timedelta(days=7)
            done.append(
                complete_assessment(
                    person,
                    self.version,
                    plausible_answers(
                        self.version.instrument, made_up(self.seed), self.seed / 50
                    ),
                    by=by,
                    when=self.when,
                )
            )
        return done

    def draft(self, person, by):
        """A draft with its first few sections saved."""
        draft, _created = actions.start_assessment(person, self.version, by=by)
        answers = plausible_answers(self.version.instrument, made_up(0), 0.5)
        for section in self.version.instrument.sections[:SAVED_SECTIONS]:
            actions.save_section(
                draft,
                section,
                {i.id: answers[i.id] for i in section.items if i.id in answers},
                by=by,
            )
        return draft

    def others(self, count):
        """Assessments and links for everyone else, Riverside and Hillside."""
        w = self.world
        for person, by in [
            (w.bobs_person, w.bob),
            (w.carols_person, w.carol),
            (w.unassigned_person, w.mia),
            (w.oscars_person, w.oscar),
        ]:
            self.complete(person, by, count)
            self.draft(person, by)
            actions.issue_link(person, self.version, by=by)


def urls(person, draft, latest):
    section = draft.instrument.instrument.sections[0].id
    return {
        "person-assessments": reverse(
            "assessments:person-assessments", args=[person.pk]
        ),
        "assessment": reverse("assessments:assessment", args=[draft.pk]),
        "section": reverse("assessments:section", args=[draft.pk, section]),
        "check": reverse("assessments:check", args=[draft.pk]),
        "profile": reverse("assessments:profile", args=[latest.pk]),
    }


def save_section_data(draft):
    section = draft.instrument.instrument.sections[0]
    answers = Assessment.objects.get(pk=draft.pk).answers
    url = reverse("assessments:section", args=[draft.pk, section.id])
    data = {}
    for item in section.items:
        value = answers[item.id]
        data[item.id] = ("yes" if value else "no") if item.type == "yes_no" else value
    return url, data


def count_queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == (302 if method == "post" else 200), url
    return len(queries)


def measure(client, person, draft, latest):
    counts = {
        name: count_queries(client, "get", url)
        for name, url in urls(person, draft, latest).items()
    }
    url, data = save_section_data(draft)
    counts["save-section"] = count_queries(client, "post", url, data)
    return counts


@pytest.mark.parametrize("persona", ["alice", "mia"])
def test_assessment_pages_run_the_same_queries_for_1_and_6_past_assessments(
    world, sign_in, instruments, persona
):
    client = sign_in(getattr(world, persona))
    person = world.alices_person
    caseload = Caseload(world, instruments[DEFAULT])
    caseload.others(2)
    (latest,) = caseload.complete(person, world.alice, 1)
    draft = caseload.draft(person, world.alice)

    few = measure(client, person, draft, latest)

    # Five more for this person (the draft is completed first), and more
    # for everyone else.
    more = caseload.complete(person, world.alice, 5)
    assert Assessment.objects.get(pk=draft.pk).is_submitted
    latest = more[-1]
    draft = caseload.draft(person, world.alice)
    caseload.others(6)
    assert Assessment.objects.submitted().filter(person=person).count() == 6
    assert Assessment.objects.submitted().count() == 6 + 4 * 8

    many = measure(client, person, draft, latest)

    assert few == many
    over_budget = {name: n for name, n in many.items() if n > BUDGETS[name]}
    assert over_budget == {}


def test_the_budgets_are_enforced(
    world, sign_in, instruments, django_assert_max_num_queries
):
    """Each page, on its own, within its budget, as pytest-django counts."""
    client = sign_in(world.alice)
    person = world.alices_person
    caseload = Caseload(world, instruments[DEFAULT])
    caseload.others(3)
    (latest,) = caseload.complete(person, world.alice, 1)
    draft = caseload.draft(person, world.alice)
    for name, url in urls(person, draft, latest).items():
        with django_assert_max_num_queries(BUDGETS[name]):
            assert client.get(url).status_code == 200
    url, data = save_section_data(draft)
    with django_assert_max_num_queries(BUDGETS["save-section"]):
        assert client.post(url, data).status_code == 302
