"""How an organisation's ratings moved from one audit to the next. Plain
data in, plain data out: no database."""

from collections import Counter
from dataclasses import dataclass

UP = "up"
SAME = "same"
DOWN = "down"

RANK = {"no": 0, "partially": 1, "yes": 2}


def movement(current, previous):
    """UP, SAME or DOWN from `previous` to `current` rating; None when
    either is missing, since nothing can be said."""
    if current not in RANK or previous not in RANK:
        return None
    change = RANK[current] - RANK[previous]
    if change > 0:
        return UP
    if change < 0:
        return DOWN
    return SAME


@dataclass(frozen=True)
class Cell:
    rating: str
    movement: str | None


def table(area_keys, ratings, *, shown=4):
    """Rows of (area key, cells), one cell per audit.

    `ratings` is one {area key: rating} per audit, newest first. It may hold
    one more audit than is `shown`: that one is not a column, but the oldest
    column's movement is measured against it."""
    columns = min(shown, len(ratings))
    rows = []
    for key in area_keys:
        cells = []
        for index in range(columns):
            current = ratings[index].get(key, "")
            previous = (
                ratings[index + 1].get(key, "") if index + 1 < len(ratings) else ""
            )
            cells.append(Cell(current, movement(current, previous)))
        rows.append((key, cells))
    return rows


def summary(area_keys, newest, previous):
    """How many areas went up, stayed the same and went down between two
    audits' ratings, and how many cannot be compared."""
    counts = Counter(
        movement(newest.get(key, ""), previous.get(key, "")) for key in area_keys
    )
    return {
        UP: counts[UP],
        SAME: counts[SAME],
        DOWN: counts[DOWN],
        "not_compared": counts[None],
    }
