"""The cohort the dashboard tests share: a dozen people across both
organisations, with most groups small enough to be hidden."""

import datetime

import pytest
from django.utils import timezone

from caremap.directory.actions import load_demo_directory
from caremap.directory.models import Listing
from caremap.reports.tests.test_dashboards import NAMES
from caremap.reports.tests.test_measures import DAY, episode
from caremap.reports.tests.test_more_measures import at, person, refer, scored


@pytest.fixture
def cohort(world, instruments):
    """A dozen people across both organisations, most groups small."""
    today = timezone.localdate()
    made = []
    genders = ["Woman", "Man", "Man", "Non-binary", "", "Female"]
    ethnic = ["white", "white", "asian", "black", "", "mixed"]
    for n in range(12):
        organisation = world.riverside if n % 3 else world.hillside
        someone = person(
            world,
            f"D-{n:02}",
            organisation=organisation,
            given_name=NAMES[n % len(NAMES)],
            family_name=f"{NAMES[(n + 2) % len(NAMES)]}son",
            gender=genders[n % 6],
            ethnic_group=ethnic[n % 6],
            born=datetime.date(1960 + 3 * n, 1 + n % 12, 1 + n),
        )
        started = today - (30 + 25 * n) * DAY
        ended = started + (20 + 15 * n) * DAY if n % 2 else None
        if ended and ended >= today:
            ended = None
        episode(
            someone,
            referred=started - (n * 3) * DAY,
            started=started,
            ended=ended,
            reason=("completed_free" if n % 4 == 1 else "dropped_out") if ended else "",
            group="alcohol" if n % 3 else "opiate",
        )
        made.append(someone)
    # Three with a baseline and a follow-up, two referred to the recovery
    # community: small numbers every section has to hide.
    version = instruments["recovery-capital-profile"]
    for n, someone in enumerate(made[:3]):
        scored(version, someone, at(today - 300 * DAY), 20, 2.0)
        scored(version, someone, at(today - 20 * DAY), 24 + n, 2.5)
    load_demo_directory(world.area)
    community = Listing.objects.filter(kind=Listing.Kind.MUTUAL_AID).first()
    for someone in made[3:5]:
        refer(someone, community, today - 10 * DAY, world.alice)
    return made
