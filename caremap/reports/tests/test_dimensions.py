"""Breakdowns read people's own words and dates into the groups reports
show, in the database."""

import datetime

from django.db.models import Count

from caremap.people.models import Person
from caremap.reports.dimensions import DIMENSIONS
from caremap.testing.personas import make_person

ON = datetime.date(2026, 3, 31)


def grouped(key):
    expression = DIMENSIONS[key].expression("", ON)
    return {
        row["category"]: row["n"]
        for row in Person.objects.annotate(category=expression)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
    }


def people(world, **fields_by_reference):
    for reference, fields in fields_by_reference.items():
        make_person(world.riverside, reference=reference, **fields)


def test_gender_in_a_persons_own_words_is_read_into_four_groups(world):
    Person.objects.all().delete()
    people(
        world,
        G1={"gender": "Woman"},
        G2={"gender": " female "},
        G3={"gender": "MAN"},
        G4={"gender": "Non-binary"},
        G5={"gender": ""},
        G6={"gender": "trans woman"},
    )
    assert grouped("gender") == {"women": 3, "men": 1, "another": 1, "not-recorded": 1}


def test_age_bands_are_taken_on_the_periods_last_day(world):
    Person.objects.all().delete()
    people(
        world,
        A1={"date_of_birth": datetime.date(2008, 4, 1)},  # 17 on 31 March 2026
        A2={"date_of_birth": datetime.date(2008, 3, 31)},  # 18 that day
        A3={"date_of_birth": datetime.date(2001, 4, 1)},  # 24
        A4={"date_of_birth": datetime.date(2001, 3, 31)},  # 25
        A5={"date_of_birth": datetime.date(1961, 3, 31)},  # 65
        A6={"date_of_birth": datetime.date(1961, 4, 1)},  # 64
    )
    assert grouped("age") == {"0": 1, "18": 2, "25": 1, "55": 1, "65": 1}
    labels = DIMENSIONS["age"].labels
    assert [str(labels[k]) for k in ("18", "25", "65")] == ["18–24", "25–34", "65+"]


def test_ethnic_groups_and_not_recorded(world):
    Person.objects.all().delete()
    people(
        world,
        E1={"ethnic_group": "white"},
        E2={"ethnic_group": "asian"},
        E3={"ethnic_group": ""},
        E4={"ethnic_group": "white"},
    )
    assert grouped("ethnicity") == {"white": 2, "asian": 1, "not-recorded": 1}
