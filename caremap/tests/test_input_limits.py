"""Limits on everything typed: every text field has a maximum length, in the
database and on every form; text over it is refused beside its field, in one
wording, with nothing typed lost; a request far too big for any form gets a
page that says so; and text stored before the limits still shows."""

import importlib
import inspect
import pkgutil

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.apps import apps
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

import caremap
from caremap.careplans import actions
from caremap.careplans.layout import MAX_LINES
from caremap.careplans.models import Goal
from caremap.careplans.tests.support import goal_data
from caremap.selfaudits import uploads
from caremap.selfaudits.models import EvidenceFile
from caremap.selfaudits.tests.conftest import start, upload

GOAL_LIMIT = Goal._meta.get_field("wording").max_length


def caremap_models():
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("caremap")
        for model in config.get_models()
    ]


def caremap_forms():
    """Every form class our code defines or imports (so Django's own forms
    that our views use are included), outside tests and migrations."""
    found = {}
    for module in pkgutil.walk_packages(caremap.__path__, "caremap."):
        parts = module.name.split(".")
        if {"tests", "migrations", "testing"} & set(parts) or parts[-1] == "cli":
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if inspect.isclass(value) and issubclass(value, forms.BaseForm):
                found[value] = module.name
    return found


def test_every_text_column_has_a_maximum_length():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in caremap_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and not field.max_length
    ]
    assert caremap_models(), "no models found"
    assert not unbounded


def test_every_text_box_on_every_form_has_a_maximum_length():
    found = caremap_forms()
    # A guard against the walk silently finding nothing.
    assert len(found) >= 40, sorted(cls.__name__ for cls in found)
    unbounded = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in found
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField)
        # A UUID is checked by its shape, which bounds it.
        and not isinstance(field, forms.UUIDField)
        and field.max_length is None
    ]
    assert not unbounded


def test_every_whole_number_on_every_form_has_a_bound(db):
    # Beyond a 64-bit integer SQLite cannot store it, and beyond 32 bits
    # PostgreSQL cannot: either way a server error, not a message. A model's
    # integer field is bounded by its database's range when the form checks
    # the model.
    def bounded(field):
        return any(isinstance(v, MaxValueValidator) for v in field.validators)

    unbounded = []
    for cls in caremap_forms():
        for name, field in cls.base_fields.items():
            if not isinstance(field, forms.IntegerField) or isinstance(
                field, forms.FloatField | forms.DecimalField
            ):
                continue
            if bounded(field):
                continue
            if issubclass(cls, forms.ModelForm) and bounded(
                cls._meta.model._meta.get_field(name)
            ):
                continue
            unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not unbounded


# --- Refused beside the field -----------------------------------------------------


@pytest.fixture
def plan(world, instruments):
    plan, _created = actions.start_plan(world.alices_person, by=world.alice)
    return plan


def field_error(response, name):
    soup = BeautifulSoup(response.content, "html.parser")
    error = soup.find(id=f"id_{name}_error")
    return error.get_text(" ", strip=True) if error else None


def test_a_goal_one_character_too_long_is_refused_and_kept(world, plan, sign_in):
    client = sign_in(world.alice)
    words = "é" * (GOAL_LIMIT + 1)
    response = client.post(
        reverse("careplans:goal-add", args=[plan.pk]), goal_data(plan, wording=words)
    )
    assert response.status_code == 200
    message = "Keep this to 300 characters or fewer (it has 301)"
    assert message in field_error(response, "wording")
    soup = BeautifulSoup(response.content, "html.parser")
    assert message in soup.select_one(".govuk-error-summary").get_text()
    box = soup.find("textarea", attrs={"name": "wording"})
    # HTML drops the newline a textarea starts with.
    assert box.get_text().removeprefix("\n") == words
    # No maxlength: a browser would cut pasted text short without a word.
    assert not box.has_attr("maxlength")
    assert not Goal.objects.exists()


def test_a_pasted_megabyte_gets_the_fields_message_not_an_error_page(
    world, plan, sign_in
):
    client = sign_in(world.alice)
    response = client.post(
        reverse("careplans:goal-add", args=[plan.pk]),
        goal_data(plan, wording="x" * 1_000_000),
    )
    assert response.status_code == 200
    assert field_error(response, "wording") == (
        "Error: Keep this to 300 characters or fewer (it has 1,000,000)"
    )
    assert not Goal.objects.exists()


def test_a_form_with_its_own_wording_keeps_it(world, sign_in):
    client = sign_in(world.alice)
    response = client.post(
        reverse("people:person-stance", args=[world.alices_person.pk]),
        {"note": "x" * 201, "stance": "abstinence"},
    )
    assert "The note must be 200 characters or fewer" in field_error(response, "note")


def test_a_body_too_big_for_any_form_gets_a_page_that_says_so(world, plan, sign_in):
    client = sign_in(world.alice)
    response = client.post(
        reverse("careplans:goal-add", args=[plan.pk]),
        goal_data(plan, wording="x" * 3_000_000),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Sorry, the page could not use what was sent" in page
    assert "govuk-template" in page
    assert not Goal.objects.exists()


def test_evidence_of_almost_ten_megabytes_still_uploads(world, sign_in):
    # Files do not count towards the body limit for ordinary fields.
    audit = start(world.riverside, world.mia)
    client = sign_in(world.mia)
    content = b"%PDF-1.7\n" + b"0" * (uploads.MAX_SIZE - 100)
    response = client.post(
        reverse(
            "selfaudits:answer",
            args=[audit.organisation_id, audit.pk, "practitioner-role"],
        ),
        {
            "rating": "partially",
            "evidence": "The rota for the quarter.",
            "file": upload("rota.pdf", content),
            "then": "next",
        },
    )
    assert response.status_code == 302
    stored = EvidenceFile.objects.get()
    assert stored.file.size == len(content)


# --- Text stored before the limits --------------------------------------------------


def test_text_longer_than_its_limit_from_before_still_shows(world, plan, sign_in):
    goal = actions.add_goal(
        plan,
        by=world.alice,
        wording="Get back into walking",
        proposed_by=Goal.ProposedBy.PERSON,
        person_agreed=True,
    )
    # The database does not enforce a TextField's length, so rows saved
    # before the limit may hold far more.
    huge = "Walk to the park and back " * 40_000
    Goal.objects.filter(pk=goal.pk).update(wording=huge)
    client = sign_in(world.alice)
    for url in [
        reverse("careplans:plan", args=[plan.pk]),
        reverse("careplans:goal-map", args=[goal.pk]),
        reverse("careplans:plan-map", args=[plan.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    # The map's box stops at its line limit; the outline keeps every word.
    soup = BeautifulSoup(response.content, "html.parser")
    box = soup.select_one(
        f'svg a[href="{reverse("careplans:goal-edit", args=[goal.pk])}"]'
    )
    lines = [t.get_text() for t in box.find_all("text")]
    assert len(lines) <= MAX_LINES + 1  # the kind label, then the text
    assert lines[-1].endswith("…")
    assert huge.strip() in soup.get_text()
