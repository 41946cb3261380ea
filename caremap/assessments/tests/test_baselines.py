"""Each completed assessment points at the person's first completed one of
the same instrument, so reports can compare with it in a join."""

import datetime
import random

from django.utils import timezone

from caremap.assessments.models import Assessment
from caremap.assessments.samples import complete_assessment, plausible_answers


def complete(world, version, when, person=None):
    person = person or world.alices_person
    answers = plausible_answers(version.instrument, random.Random(1), 1)
    return complete_assessment(person, version, answers, by=world.alice, when=when)


def test_the_first_has_no_baseline_and_later_ones_point_at_it(world, instruments):
    version = instruments["recovery-capital-profile"]
    start = timezone.now() - datetime.timedelta(days=300)
    first = complete(world, version, start)
    second = complete(world, version, start + datetime.timedelta(days=90))
    third = complete(world, version, start + datetime.timedelta(days=180))
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.baseline is None
    assert second.baseline == first
    assert third.baseline == first


def test_an_earlier_assessment_entered_later_becomes_the_baseline(world, instruments):
    version = instruments["recovery-capital-profile"]
    now = timezone.now()
    later = complete(world, version, now - datetime.timedelta(days=10))
    earlier = complete(world, version, now - datetime.timedelta(days=200))
    later.refresh_from_db()
    earlier.refresh_from_db()
    assert earlier.baseline is None
    assert later.baseline == earlier


def test_baselines_belong_to_one_person_and_one_instrument(world, instruments):
    version = instruments["recovery-capital-profile"]
    other = instruments["outcomes-profile"]
    now = timezone.now()
    complete(world, version, now - datetime.timedelta(days=100))
    bobs = complete(
        world, version, now - datetime.timedelta(days=50), person=world.bobs_person
    )
    outcomes = complete(world, other, now - datetime.timedelta(days=40))
    assert Assessment.objects.get(pk=bobs.pk).baseline is None
    assert Assessment.objects.get(pk=outcomes.pk).baseline is None
