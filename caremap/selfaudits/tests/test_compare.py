"""Movement between audits, against an example worked by hand, and the
compare page built from it."""

import datetime

from bs4 import BeautifulSoup
from django.urls import reverse

from caremap.selfaudits import compare
from caremap.selfaudits.compare import DOWN, SAME, UP, Cell
from caremap.selfaudits.tests.conftest import AREAS, Q1, Q2, Q3, completed, start

# Newest first; the fifth is only a baseline for the oldest column shown.
NEWEST = {"a": "yes", "b": "partially", "c": "no", "d": "yes"}
THIRD = {"a": "partially", "b": "partially", "c": "yes"}
SECOND = {"a": "no", "b": "yes", "c": "yes", "d": "no"}
FIRST = {"a": "no", "c": "partially", "d": "no"}
BASELINE = {"a": "yes", "c": "partially", "d": "partially"}


def test_movement():
    assert compare.movement("yes", "no") == UP
    assert compare.movement("partially", "no") == UP
    assert compare.movement("partially", "partially") == SAME
    assert compare.movement("no", "partially") == DOWN
    assert compare.movement("yes", "") is None
    assert compare.movement("", "yes") is None


def test_the_table_against_a_hand_worked_example():
    rows = dict(
        compare.table(
            ["a", "b", "c", "d"], [NEWEST, THIRD, SECOND, FIRST, BASELINE], shown=4
        )
    )
    assert rows["a"] == [
        Cell("yes", UP),
        Cell("partially", UP),
        Cell("no", SAME),
        Cell("no", DOWN),
    ]
    assert rows["b"] == [
        Cell("partially", SAME),
        Cell("partially", DOWN),
        Cell("yes", None),
        Cell("", None),
    ]
    assert rows["c"] == [
        Cell("no", DOWN),
        Cell("yes", SAME),
        Cell("yes", UP),
        Cell("partially", SAME),
    ]
    assert rows["d"] == [
        Cell("yes", None),
        Cell("", None),
        Cell("no", SAME),
        Cell("no", DOWN),
    ]


def test_the_oldest_column_without_a_baseline_has_no_movement():
    rows = dict(compare.table(["a"], [NEWEST, THIRD], shown=4))
    assert rows["a"] == [Cell("yes", UP), Cell("partially", None)]


def test_the_summary_counts_the_latest_change():
    assert compare.summary(["a", "b", "c", "d"], NEWEST, THIRD) == {
        UP: 1,
        SAME: 1,
        DOWN: 1,
        "not_compared": 1,
    }


def test_the_compare_page_shows_the_latest_four_completed_audits(
    world, sign_in, django_assert_max_num_queries
):
    first, second, third = AREAS[0].key, AREAS[1].key, AREAS[2].key
    under = lambda key: key.replace("-", "_")  # noqa: E731
    periods = [
        (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30)),
        (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
        Q1,
        Q2,
    ]
    # Oldest to newest.
    plans = [
        {under(first): "yes"},
        {under(first): "no", under(second): "yes"},
        {under(first): "partially", under(second): "yes", under(third): "no"},
        {under(first): "yes", under(second): "partially", under(third): "no"},
    ]
    for period, plan in zip(periods, plans, strict=True):
        completed(world.riverside, world.mia, period, rating="partially", **plan)
    # A newer audit still in progress is never compared; an older completed
    # one (all yes) is not a column, only the baseline for the oldest column.
    start(world.riverside, world.mia, Q3)
    completed(
        world.riverside,
        world.mia,
        (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30)),
    )

    client = sign_in(world.mia)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("selfaudits:compare", args=[world.riverside.pk]))
    soup = BeautifulSoup(response.content, "html.parser")
    headers = [th.get_text(strip=True) for th in soup.select("thead th")]
    assert headers == [
        "Area",
        "1 Apr 2026 to 30 Jun 2026",
        "1 Jan 2026 to 31 Mar 2026",
        "1 Oct 2025 to 31 Dec 2025",
        "1 Jul 2025 to 30 Sep 2025",
    ]
    rows = {
        row.th.get_text(strip=True): [
            td.get_text(" ", strip=True) for td in row.find_all("td")
        ]
        for row in soup.select("tbody tr")
    }
    assert len(rows) == 22
    assert rows[str(AREAS[0].title)] == [
        "Yes ▲ moved up",
        "Partially ▲ moved up",
        "No ▼ moved down",
        "Yes ● stayed the same",
    ]
    assert rows[str(AREAS[2].title)][:2] == [
        "No ● stayed the same",
        "No ▼ moved down",
    ]
    summary = [li.get_text(strip=True) for li in soup.select("#summary li")]
    # Newest against the one before: first up, second down, third same, and
    # the 19 others partially both times.
    assert summary == [
        "1 area improved",
        "20 areas stayed the same",
        "1 area fell",
    ]
