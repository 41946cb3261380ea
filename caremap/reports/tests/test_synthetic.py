import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from caremap.assessments.models import Assessment
from caremap.directory.models import Listing
from caremap.engagement.models import Attendance
from caremap.episodes.models import Episode
from caremap.organisations.models import Area
from caremap.people.models import Person
from caremap.reports.synthetic import AreaExists, seed_area

TODAY = datetime.date(2026, 6, 30)
PEOPLE = 300
DAY = datetime.timedelta(days=1)


def fingerprint(area):
    episodes = Episode.objects.filter(organisation__area=area)
    assessments = Assessment.objects.filter(organisation__area=area)
    return {
        "episodes": sorted(
            episodes.values_list(
                "referred_on",
                "started_on",
                "ended_on",
                "exit_reason",
                "substance_group",
            ),
            key=repr,
        ),
        "totals": sorted(
            a["composites"]["total"]["score"]
            for a in assessments.values_list("scores", flat=True)
        ),
        "people": sorted(
            Person.objects.filter(organisation__area=area).values_list(
                "reference", "date_of_birth", "gender", "sex", "ethnic_group", "status"
            )
        ),
    }


@pytest.fixture
def seeded(db):
    return seed_area(PEOPLE, seed=7, today=TODAY, area_name="Seeded")


@pytest.mark.django_db
def test_same_seed_same_area_other_seed_differs():
    first = seed_area(PEOPLE, seed=3, today=TODAY, area_name="First")
    second = seed_area(PEOPLE, seed=3, today=TODAY, area_name="Second")
    other = seed_area(PEOPLE, seed=4, today=TODAY, area_name="Other")
    assert first.rows == second.rows
    assert fingerprint(first.area) == fingerprint(second.area)
    assert fingerprint(first.area) != fingerprint(other.area)
    assert first.rows["person"] == PEOPLE


def test_rows_are_counted_and_scaled(seeded):
    area = seeded.area
    assert (
        seeded.rows["person"] == Person.objects.filter(organisation__area=area).count()
    )
    assert (
        seeded.rows["episode"]
        == Episode.objects.filter(organisation__area=area).count()
    )
    assert len(seeded.organisations) == 4
    assert seeded.commissioner.memberships.get().area == area
    assert not seeded.commissioner.has_usable_password()
    emails = [u.email for u in seeded.navigators + seeded.managers]
    assert len(set(emails)) == len(emails)


def test_every_episode_passes_the_models_rules(seeded):
    episodes = Episode.objects.filter(organisation__area=seeded.area)
    assert episodes.count() > PEOPLE // 2
    for episode in episodes:
        episode.full_clean()
        assert len(episode.linkage_key) == 64


def test_the_edge_cases_reports_need_are_there(seeded):
    area = seeded.area
    episodes = list(
        Episode.objects.filter(organisation__area=area).order_by("referred_on", "pk")
    )
    by_key = {}
    for episode in episodes:
        by_key.setdefault(episode.linkage_key, []).append(episode)
    transfers, soon, later, two_groups = 0, 0, 0, 0
    for history in by_key.values():
        if len({e.substance_group for e in history}) > 1:
            two_groups += 1
        for before, after in zip(history, history[1:], strict=False):
            gap = (after.referred_on - before.ended_on).days
            if (
                before.exit_reason == Episode.ExitReason.TRANSFERRED
                and after.organisation_id != before.organisation_id
                and gap <= 21
            ):
                transfers += 1
            if before.exit_reason in Episode.COMPLETED:
                if gap <= 182:
                    soon += 1
                else:
                    later += 1
    assert transfers > 0
    assert soon > 0
    assert later > 0
    assert two_groups > 0
    assert any(
        e.exit_reason in Episode.COMPLETED
        and e.substance_group == Episode.SubstanceGroup.OPIATE
        and e.on_substitution_medication
        for e in episodes
    )
    followed = (
        Assessment.objects.filter(organisation__area=area, status="submitted")
        .values_list("person_id", flat=True)
        .order_by("person_id")
    )
    counts = {}
    for person_id in followed:
        counts[person_id] = counts.get(person_id, 0) + 1
    assert sum(1 for n in counts.values() if n >= 2) > PEOPLE // 10
    new_groups = Listing.objects.filter(
        area=area,
        peer_led=True,
        independent=True,
        started_on__gt=TODAY - 365 * DAY,
        started_on__lte=TODAY,
    )
    assert new_groups.exists()
    attendance = Attendance.objects.filter(membership__person__organisation__area=area)
    assert attendance.filter(attended=True).exists()
    assert attendance.filter(attended=False).exists()


def test_follow_ups_mostly_improve(seeded):
    rows = (
        Assessment.objects.filter(organisation__area=seeded.area)
        .order_by("person_id", "submitted_at")
        .values_list("person_id", "scores")
    )
    first, last = {}, {}
    for person_id, scores in rows:
        total = scores["composites"]["total"]["score"]
        first.setdefault(person_id, total)
        last[person_id] = total
    changed = [p for p in first if last[p] != first[p]]
    improved = [p for p in changed if last[p] > first[p]]
    assert len(improved) > len(changed) / 2


def test_nothing_is_dated_after_today(seeded):
    area = seeded.area
    episodes = Episode.objects.filter(organisation__area=area)
    for name in ("referred_on", "triaged_on", "started_on", "ended_on"):
        assert not episodes.filter(**{f"{name}__gt": TODAY}).exists()
    assert not Assessment.objects.filter(
        organisation__area=area, submitted_at__date__gt=TODAY
    ).exists()


def test_an_existing_area_name_is_refused(seeded):
    with pytest.raises(AreaExists):
        seed_area(10, seed=1, today=TODAY, area_name="Seeded")


@pytest.mark.django_db
def test_command_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed", people=5, today="2026-06-30")
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_command_refuses_a_duplicate_area_name(settings):
    settings.DEBUG = True
    Area.objects.create(name="Taken")
    with pytest.raises(CommandError, match="An area called “Taken” already exists"):
        call_command("seed", people=5, today="2026-06-30", area_name="Taken")
    assert Area.objects.count() == 1


@pytest.mark.django_db
def test_command_runs_and_reports_rows_and_time(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed", people=40, seed=2, today="2026-06-30", stdout=out)
    text = out.getvalue()
    assert "person" in text.split()
    assert "Made “Synthetic area (seed 2)” with 40 people in" in text
    assert (
        Person.objects.filter(
            organisation__area__name="Synthetic area (seed 2)"
        ).count()
        == 40
    )
