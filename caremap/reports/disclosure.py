"""Statistical disclosure control for the tables a commissioner sees or exports.

Counts from SMALL_MIN to SMALL_MAX (1 to 4) identify people in a service
this size, so they are never shown: that is *primary* suppression. Hiding
them alone is not enough, because a reader can work a hidden cell out from
the totals by subtraction, so more cells are hidden as well: *secondary*
suppression. Zero and 5 or more may be shown.

The model. A table with its row totals, column totals and grand total is an
(m+1) x (n+1) grid of "entries" in which every row and every column is a
*line*: its cells add up to its total (the totals row adds up to the grand
total, and so does the totals column). Hidden entries are the unknowns of
those equations. An unknown is pinned down by the equations exactly when it
is a *bridge* in the bipartite graph whose vertices are the grid's rows and
columns and whose edges are the hidden entries (the solutions of a table
whose lines all balance form the cycle space of that graph). So the rules:

1. Primary: hide every entry, total or cell, that is small.
2. Secondary, line by line (the familiar rule): while some line holds exactly
   one hidden entry, hide one more entry of that line. Choose a non-zero
   entry before a zero, then the smallest value, then a cell before the
   line's own total (hiding a total costs the reader more), then the first
   in the line (left to right, top to bottom), so the result is
   deterministic.
3. Secondary, whole table: rule 2 stops a one-line subtraction, but lines
   can be combined (two blocks of hidden cells joined by a single hidden
   cell give that cell away by adding two rows and taking away two columns).
   So while any hidden entry is still a bridge, hide the cheapest path of
   shown entries (by total value, cells before totals) that closes it into
   a cycle.

Zeros. A hidden zero protects nothing: the attacker also knows counts are
never negative, so a zero hidden alongside hidden entries of a line summing
to zero is recovered as zero, and it can pin its partners. Rules 2 and 3
therefore only take a zero when no non-zero entry is available. That never
happens in practice: every hidden entry is non-zero (rule 1 hides only 1-4,
and a line with one non-zero hidden entry always has another non-zero entry,
if only its total), and the non-zero entries of a balanced table always
close into cycles. The zero fallback is there only so the code is total.

Because every hidden entry is then at least 1 and lies on a cycle of hidden
entries, adding and taking away 1 around the cycle gives another table with
the same shown entries: no hidden entry has a single possible value, even
for an attacker who knows counts are non-negative integers.

Totals are protected, and cells suppressed against them, whether or not the
table shows them (``with_totals``): a cohort's totals nearly always appear
somewhere else, in a headline figure or another breakdown of the same
people. ``with_totals`` only decides whether they are returned.

Limits: this protects one table on its own. Several tables that share
cells or margins (the same cohort by area and by age, or this month and
this year to date) can be differenced against each other, and this module
does not coordinate suppression across them. Nor does it guarantee wide
intervals: no hidden count can be worked out exactly, but its possible
values can still be a narrow range (four hidden 1s in a square are each
known to be 0, 1 or 2).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

SMALL_MIN: Final = 1
SMALL_MAX: Final = 4

# In a Position, TOTAL in place of a row or column index names a total:
# (i, TOTAL) is row i's total, (TOTAL, j) column j's, (TOTAL, TOTAL) the grand.
TOTAL: Final = -1

Position = tuple[int, int]


def is_small(count: int) -> bool:
    """Whether a count is too small to show."""
    return SMALL_MIN <= count <= SMALL_MAX


@dataclass(frozen=True)
class Table:
    """A 2-D table of non-negative integer counts.

    The totals are always derived from the cells (never passed in) so they
    cannot disagree with them.
    """

    rows: Sequence[str]
    columns: Sequence[str]
    cells: Sequence[Sequence[int]]
    with_totals: bool = True

    def __post_init__(self) -> None:
        if len(self.cells) != len(self.rows):
            raise ValueError(f"{len(self.rows)} row labels but {len(self.cells)} rows")
        for label, row in zip(self.rows, self.cells, strict=True):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"row {label!r} has {len(row)} cells, not {len(self.columns)}"
                )
            for count in row:
                # bool is an int, but True in a count table is a bug.
                if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                    raise ValueError(f"row {label!r}: {count!r} is not a count")

    def row_totals(self) -> list[int]:
        return [sum(row) for row in self.cells]

    def column_totals(self) -> list[int]:
        return [sum(row[j] for row in self.cells) for j in range(len(self.columns))]

    def grand_total(self) -> int:
        return sum(self.row_totals())


@dataclass(frozen=True)
class Protected:
    """A table as it may be shown: None marks a hidden entry.

    ``row_totals``, ``column_totals`` and ``grand_total`` are None when the
    table was built without totals (check ``with_totals`` to tell that from a
    hidden grand total). ``primary`` and ``secondary`` hold the positions
    hidden for each reason, totals included (see TOTAL), whether or not the
    totals are shown.
    """

    table: Table
    cells: list[list[int | None]]
    row_totals: list[int | None] | None
    column_totals: list[int | None] | None
    grand_total: int | None
    primary: frozenset[Position]
    secondary: frozenset[Position]

    @property
    def with_totals(self) -> bool:
        return self.table.with_totals

    @property
    def hidden(self) -> frozenset[Position]:
        return self.primary | self.secondary

    def value(self, position: Position) -> int | None:
        """The shown count at a position (TOTAL allowed), or None if hidden."""
        if position in self.hidden:
            return None
        i, j = position
        table = self.table
        if i == TOTAL and j == TOTAL:
            return table.grand_total()
        if i == TOTAL:
            return table.column_totals()[j]
        if j == TOTAL:
            return table.row_totals()[i]
        return table.cells[i][j]


@dataclass(frozen=True)
class ProtectedCounts:
    """A list of counts as it may be shown: None marks a hidden count.

    ``total`` is None when hidden or when not asked for. In ``primary`` and
    ``secondary`` the total appears as None.
    """

    counts: dict[str, int | None]
    total: int | None
    primary: frozenset[str | None]
    secondary: frozenset[str | None]


# The working grid: (m+1) x (n+1) with totals in the last row and column.
Grid = list[list[int]]
Entry = tuple[int, int]  # grid coordinates, totals at index m or n


def _grid(table: Table) -> Grid:
    grid = [
        [*row, total]
        for row, total in zip(table.cells, table.row_totals(), strict=True)
    ]
    grid.append([*table.column_totals(), table.grand_total()])
    return grid


def _lines(grid: Grid) -> list[list[Entry]]:
    """Every row then every column of the grid, each listed in order.

    The last entry of each line is its total, which is what makes the
    "cell before total" tie-break a matter of position too.
    """
    height, width = len(grid), len(grid[0])
    rows = [[(i, j) for j in range(width)] for i in range(height)]
    columns = [[(i, j) for i in range(height)] for j in range(width)]
    return rows + columns


def _is_total(entry: Entry, grid: Grid) -> bool:
    return entry[0] == len(grid) - 1 or entry[1] == len(grid[0]) - 1


def _pick_partner(line: list[Entry], grid: Grid, hidden: set[Entry]) -> Entry | None:
    """The entry to hide beside a lone hidden entry of a line (rule 2)."""
    candidates = [
        (grid[i][j] == 0, grid[i][j], _is_total((i, j), grid), place, (i, j))
        for place, (i, j) in enumerate(line)
        if (i, j) not in hidden
    ]
    return min(candidates)[-1] if candidates else None


def _cascade_lines(grid: Grid, hidden: set[Entry], secondary: set[Entry]) -> None:
    """Rule 2: until no line has exactly one hidden entry."""
    lines = _lines(grid)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(entry in hidden for entry in line) != 1:
                continue
            partner = _pick_partner(line, grid, hidden)
            if partner is not None:  # None only for a line of one entry
                hidden.add(partner)
                secondary.add(partner)
                changed = True


# Graph vertices: grid row i is vertex i, grid column j is vertex height + j.


def _ends(entry: Entry, height: int) -> tuple[int, int]:
    return entry[0], height + entry[1]


def _connected_without(entry: Entry, hidden: set[Entry], height: int) -> bool:
    """Whether the hidden entries other than ``entry`` join its row and column."""
    start, goal = _ends(entry, height)
    neighbours: dict[int, list[int]] = {}
    for other in hidden:
        if other == entry:
            continue
        a, b = _ends(other, height)
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    seen, frontier = {start}, [start]
    while frontier:
        vertex = frontier.pop()
        for nxt in neighbours.get(vertex, ()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return goal in seen


def _first_bridge(hidden: set[Entry], height: int) -> Entry | None:
    for entry in sorted(hidden):
        if not _connected_without(entry, hidden, height):
            return entry
    return None


def _cheapest_cycle(
    bridge: Entry, grid: Grid, hidden: set[Entry], *, allow_zero: bool
) -> list[Entry] | None:
    """The shown entries to hide so that ``bridge`` lies on a hidden cycle.

    Dijkstra from the bridge's row to its column, not using the bridge:
    hidden entries cost nothing, shown ones their value (so as little as
    possible is taken from the reader), with a nudge that prefers cells to
    totals.
    """
    height, width = len(grid), len(grid[0])
    nudge_scale = height * width + 1  # more than any sum of nudges
    start, goal = _ends(bridge, height)

    def entry_between(u: int, v: int) -> Entry:
        row, column = (u, v) if u < height else (v, u)
        return row, column - height

    def cost(entry: Entry) -> int | None:
        if entry == bridge:
            return None
        if entry in hidden:
            return 0
        value = grid[entry[0]][entry[1]]
        if value == 0 and not allow_zero:
            return None
        return value * nudge_scale + _is_total(entry, grid)

    best: dict[int, int] = {start: 0}
    came_from: dict[int, int] = {}
    queue = [(0, start)]
    while queue:
        distance, vertex = heapq.heappop(queue)
        if distance > best[vertex]:
            continue
        if vertex == goal:
            break
        others = range(height, height + width) if vertex < height else range(height)
        for nxt in others:
            step = cost(entry_between(vertex, nxt))
            if step is None:
                continue
            if distance + step < best.get(nxt, distance + step + 1):
                best[nxt] = distance + step
                came_from[nxt] = vertex
                heapq.heappush(queue, (distance + step, nxt))
    if goal not in came_from:
        return None
    path, vertex = [], goal
    while vertex != start:
        previous = came_from[vertex]
        entry = entry_between(previous, vertex)
        if entry not in hidden:
            path.append(entry)
        vertex = previous
    return path


def _close_bridges(grid: Grid, hidden: set[Entry], secondary: set[Entry]) -> None:
    """Rule 3: until no hidden entry can be solved for from the lines."""
    while (bridge := _first_bridge(hidden, len(grid))) is not None:
        path = _cheapest_cycle(bridge, grid, hidden, allow_zero=False)
        if path is None:  # see "Zeros" in the module docstring
            path = _cheapest_cycle(bridge, grid, hidden, allow_zero=True)
        if path is None:  # a 1-row or 1-column grid: nothing can be solved
            return
        hidden.update(path)
        secondary.update(path)


def _position(entry: Entry, grid: Grid) -> Position:
    i, j = entry
    return (
        TOTAL if i == len(grid) - 1 else i,
        TOTAL if j == len(grid[0]) - 1 else j,
    )


def protect(table: Table) -> Protected:
    """The table with small counts hidden, and enough else to keep them hidden."""
    grid = _grid(table)
    primary = {
        (i, j)
        for i, row in enumerate(grid)
        for j, count in enumerate(row)
        if is_small(count)
    }
    hidden, secondary = set(primary), set()
    _cascade_lines(grid, hidden, secondary)
    _close_bridges(grid, hidden, secondary)

    def shown(i: int, j: int) -> int | None:
        return None if (i, j) in hidden else grid[i][j]

    m, n = len(table.rows), len(table.columns)
    cells = [[shown(i, j) for j in range(n)] for i in range(m)]
    totals = table.with_totals
    return Protected(
        table=table,
        cells=cells,
        row_totals=[shown(i, n) for i in range(m)] if totals else None,
        column_totals=[shown(m, j) for j in range(n)] if totals else None,
        grand_total=shown(m, n) if totals else None,
        primary=frozenset(_position(e, grid) for e in primary),
        secondary=frozenset(_position(e, grid) for e in secondary),
    )


def protect_counts(counts: Mapping[str, int], *, total: bool = True) -> ProtectedCounts:
    """A simple list of counts (one breakdown of a cohort) with its total.

    It is the one-column table, so the same rules apply: a lone hidden
    count takes the smallest other non-zero count with it.
    """
    labels = list(counts)
    table = Table(
        rows=labels,
        columns=["count"],
        cells=[[counts[label]] for label in labels],
        with_totals=True,
    )
    protected = protect(table)

    def names(positions: Iterable[Position]) -> frozenset[str | None]:
        # Column 0 holds the counts and its total; the row-total column only
        # repeats them, so it is left out.
        return frozenset(
            None if i == TOTAL else labels[i] for i, j in positions if j == 0
        )

    assert protected.column_totals is not None  # noqa: S101 -- built with totals
    return ProtectedCounts(
        counts={label: protected.cells[i][0] for i, label in enumerate(labels)},
        total=protected.column_totals[0] if total else None,
        primary=names(protected.primary),
        secondary=names(protected.secondary),
    )


def rate(
    numerator: int | None,
    denominator: int | None,
    *,
    per: float = 100,
    ndigits: int | None = 1,
) -> float | None:
    """A rate from shown counts, hidden (None) whenever either count is.

    Pass the protected values, not the raw ones: a rate with its shown
    denominator gives its numerator away, and with its shown numerator gives
    its denominator away. Also None when the denominator is zero.
    """
    if numerator is None or denominator is None or denominator == 0:
        return None
    value = numerator / denominator * per
    return value if ndigits is None else round(value, ndigits)
