"""Disclosure control: small counts hidden, and no way to work them back out.

Besides hand-worked tables, three attackers try to undo the protection
using only what a protected table shows:

- subtraction: a line (row or column with its total) with one unknown gives
  it away; repeat with what has been learnt, as a reader with a calculator
  would;
- linear algebra: solve all the line equations together, exactly;
- brute force (tiny tables): search the non-negative integer fillings of
  the hidden entries that agree with everything shown for one that gives a
  hidden entry a value other than its true one. Finding none would mean
  that entry has a single possible value, that is, it was disclosed.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caremap.reports.disclosure import (
    SMALL_MAX,
    SMALL_MIN,
    TOTAL,
    Position,
    Protected,
    Table,
    is_small,
    protect,
    protect_counts,
    rate,
)

# ---------------------------------------------------------------- helpers

Line = list[tuple[Position, int]]  # entries with coefficients; they sum to 0


def make(cells: list[list[int]], *, with_totals: bool = True) -> Table:
    return Table(
        rows=[f"r{i}" for i in range(len(cells))],
        columns=[f"c{j}" for j in range(len(cells[0]) if cells else 0)],
        cells=cells,
        with_totals=with_totals,
    )


def truth(table: Table) -> dict[Position, int]:
    """Every entry's true value, totals under TOTAL."""
    values = {
        (i, j): count
        for i, row in enumerate(table.cells)
        for j, count in enumerate(row)
    }
    values.update({(i, TOTAL): t for i, t in enumerate(table.row_totals())})
    values.update({(TOTAL, j): t for j, t in enumerate(table.column_totals())})
    values[(TOTAL, TOTAL)] = table.grand_total()
    return values


def view(protected: Protected) -> dict[Position, int | None]:
    """What the reader sees, read only from the protected output."""
    assert protected.row_totals is not None
    assert protected.column_totals is not None
    seen: dict[Position, int | None] = {
        (i, j): count
        for i, row in enumerate(protected.cells)
        for j, count in enumerate(row)
    }
    seen.update({(i, TOTAL): t for i, t in enumerate(protected.row_totals)})
    seen.update({(TOTAL, j): t for j, t in enumerate(protected.column_totals)})
    seen[(TOTAL, TOTAL)] = protected.grand_total
    return seen


def lines(n_rows: int, n_columns: int) -> list[Line]:
    """Each row and column, the totals row and column too: cells - total = 0."""
    rows = [*range(n_rows), TOTAL]
    columns = [*range(n_columns), TOTAL]
    across = [
        [((i, j), 1) for j in range(n_columns)] + [((i, TOTAL), -1)] for i in rows
    ]
    down = [[((i, j), 1) for i in range(n_rows)] + [((TOTAL, j), -1)] for j in columns]
    return across + down


def subtraction_attack(protected: Protected) -> dict[Position, int]:
    """Hidden entries worked out one line at a time, reusing what is learnt."""
    table = protected.table
    known = {p: v for p, v in view(protected).items() if v is not None}
    recovered: dict[Position, int] = {}
    progress = True
    while progress:
        progress = False
        for line in lines(len(table.rows), len(table.columns)):
            unknown = [(p, c) for p, c in line if p not in known]
            if len(unknown) != 1:
                continue
            (position, coefficient), rest = unknown[0], 0
            rest = sum(c * known[p] for p, c in line if p != position)
            known[position] = recovered[position] = -rest * coefficient
            progress = True
    return recovered


def linear_attack(protected: Protected) -> dict[Position, Fraction]:
    """Hidden entries fixed by the line equations taken all together."""
    table = protected.table
    return solve(view(protected), len(table.rows), len(table.columns))


def solve(
    seen: dict[Position, int | None], n_rows: int, n_columns: int
) -> dict[Position, Fraction]:
    """The entries left unknown (None) in `seen` that its lines pin down."""
    unknowns = sorted(p for p, v in seen.items() if v is None)
    index = {p: k for k, p in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for line in lines(n_rows, n_columns):
        row = [Fraction(0)] * (len(unknowns) + 1)
        for position, coefficient in line:
            value = seen[position]
            if value is None:
                row[index[position]] += coefficient
            else:
                row[-1] -= coefficient * value
        matrix.append(row)
    # Reduced row echelon form; a variable is fixed exactly when some
    # reduced row mentions it alone.
    pivot_row = 0
    for column in range(len(unknowns)):
        found = next(
            (r for r in range(pivot_row, len(matrix)) if matrix[r][column] != 0), None
        )
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [x / lead for x in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [
                    a - factor * b
                    for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivot_row += 1
    fixed = {}
    for row in matrix:
        mentioned = [k for k in range(len(unknowns)) if row[k] != 0]
        if len(mentioned) == 1:
            fixed[unknowns[mentioned[0]]] = row[-1] / row[mentioned[0]]
    return fixed


class Fillings:
    """Non-negative integer fillings of the hidden entries up to a bound.

    A small constraint solver: bounds propagation along the line equations
    and splitting the widest-open domain, so an exhaustive search of tiny
    tables stays quick.
    """

    def __init__(self, protected: Protected, bound: int) -> None:
        table = protected.table
        seen = view(protected)
        self.unknowns = sorted(p for p, v in seen.items() if v is None)
        self.bound = bound
        self.equations: list[tuple[list[tuple[Position, int]], int]] = []
        for line in lines(len(table.rows), len(table.columns)):
            terms = [(p, c) for p, c in line if seen[p] is None]
            constant = -sum(c * seen[p] for p, c in line if seen[p] is not None)
            if terms:
                self.equations.append((terms, constant))
            else:
                assert constant == 0  # shown entries must agree with each other

    def _propagate(self, low: dict, high: dict) -> bool:
        changed = True
        while changed:
            changed = False
            for terms, constant in self.equations:
                for position, coefficient in terms:
                    others_min = others_max = 0
                    for other, c in terms:
                        if other == position:
                            continue
                        a, b = c * low[other], c * high[other]
                        others_min += min(a, b)
                        others_max += max(a, b)
                    # coefficient * x = constant - others
                    ends = (
                        coefficient * (constant - others_max),
                        coefficient * (constant - others_min),
                    )
                    new_low = max(low[position], min(ends))
                    new_high = min(high[position], max(ends))
                    if new_low > new_high:
                        return False
                    if (new_low, new_high) != (low[position], high[position]):
                        low[position], high[position] = new_low, new_high
                        changed = True
        return True

    def _exists(self, low: dict, high: dict) -> bool:
        if not self._propagate(low, high):
            return False
        open_ = [p for p in self.unknowns if low[p] < high[p]]
        if not open_:
            return True  # every equation holds, or propagation would have failed
        position = min(open_, key=lambda p: (high[p] - low[p], p))
        middle = (low[position] + high[position]) // 2
        for part in ((low[position], middle), (middle + 1, high[position])):
            sub_low, sub_high = dict(low), dict(high)
            sub_low[position], sub_high[position] = part
            if self._exists(sub_low, sub_high):
                return True
        return False

    def other_value_possible(self, position: Position, value: int) -> bool:
        """Whether some filling gives ``position`` a value other than ``value``."""
        for part in ((0, value - 1), (value + 1, self.bound)):
            if part[0] > part[1]:
                continue
            low = dict.fromkeys(self.unknowns, 0)
            high = dict.fromkeys(self.unknowns, self.bound)
            low[position], high[position] = part
            if self._exists(low, high):
                return True
        return False


# --------------------------------------------------------------- strategies

# Many small counts, some zeros, some safely large ones.
counts = st.one_of(st.integers(0, SMALL_MAX), st.integers(0, 40))


@st.composite
def tables(draw, max_size: int = 5, values=counts) -> Table:
    n_rows = draw(st.integers(1, max_size))
    n_columns = draw(st.integers(1, max_size))
    row = st.lists(values, min_size=n_columns, max_size=n_columns)
    return make(draw(st.lists(row, min_size=n_rows, max_size=n_rows)))


# ---------------------------------------------------------------- primary


def test_small_is_one_to_four():
    assert (SMALL_MIN, SMALL_MAX) == (1, 4)
    assert [n for n in range(8) if is_small(n)] == [1, 2, 3, 4]


@settings(max_examples=300, deadline=None)
@given(tables())
def test_small_entries_hidden_others_shown_unless_secondary(table):
    protected = protect(table)
    for position, value in truth(table).items():
        shown = protected.value(position)
        if is_small(value):
            assert shown is None
            assert position in protected.primary
        else:
            assert position not in protected.primary
            # shown as it is, or hidden only to protect some other entry
            assert shown == value or position in protected.secondary
            assert shown in (None, value)
    assert not protected.primary & protected.secondary
    assert view(protected) == {
        p: protected.value(p) for p in truth(table)
    }  # the lists and value() agree


@settings(max_examples=300, deadline=None)
@given(tables())
def test_zeros_are_never_hidden(table):
    protected = protect(table)
    assert all(truth(table)[p] != 0 for p in protected.hidden)


@settings(max_examples=100, deadline=None)
@given(tables())
def test_deterministic(table):
    assert protect(table) == protect(table)
    copy = make([list(row) for row in table.cells])
    assert protect(copy).hidden == protect(table).hidden


@settings(max_examples=100, deadline=None)
@given(tables())
def test_without_totals_hides_the_same_cells(table):
    shown = protect(table)
    bare = protect(make([list(row) for row in table.cells], with_totals=False))
    assert bare.cells == shown.cells
    assert bare.row_totals is None and bare.column_totals is None
    assert bare.grand_total is None and not bare.with_totals


# ---------------------------------------------------------------- attacks


@settings(max_examples=500, deadline=None)
@given(tables())
def test_subtraction_recovers_nothing(table):
    assert subtraction_attack(protect(table)) == {}


@settings(max_examples=300, deadline=None)
@given(tables())
def test_linear_algebra_recovers_nothing(table):
    assert linear_attack(protect(table)) == {}


@settings(max_examples=150, deadline=None)
@given(tables(max_size=3, values=st.integers(0, 12)))
def test_brute_force_leaves_every_hidden_entry_open(table):
    protected = protect(table)
    values = truth(table)
    # Knowing an upper bound only helps the attacker; one more than the
    # grand total leaves room to move every entry up by one.
    fillings = Fillings(protected, bound=values[(TOTAL, TOTAL)] + 1)
    for position in protected.hidden:
        assert fillings.other_value_possible(position, values[position]), position


def test_attackers_catch_a_leak():
    """The attackers are not toothless: with only the small cell hidden."""
    table = make([[3, 10], [20, 30]])
    leaky = Protected(
        table=table,
        cells=[[None, 10], [20, 30]],
        row_totals=[13, 50],
        column_totals=[23, 40],
        grand_total=63,
        primary=frozenset({(0, 0)}),
        secondary=frozenset(),
    )
    assert subtraction_attack(leaky) == {(0, 0): 3}
    assert linear_attack(leaky) == {(0, 0): 3}
    assert not Fillings(leaky, bound=64).other_value_possible((0, 0), 3)


def test_linear_attack_beats_line_by_line_rule_on_a_bridge():
    """Two blocks of small cells joined by one small cell (0, 2).

    Every line has two or more hidden cells, so subtraction line by line
    gets nowhere, yet rows 0 and 1 less columns 0 and 1 give (0, 2) away.
    protect() closes the gap with the cheapest shown cell, the 50.
    """
    cells = [
        [1, 1, 2, 50],
        [1, 1, 60, 70],
        [80, 90, 1, 1],
        [85, 95, 1, 1],
    ]
    table = make(cells)
    small = {(i, j) for i, row in enumerate(cells) for j, v in enumerate(row) if v <= 4}
    only_primary = Protected(
        table=table,
        cells=[[None if (i, j) in small else v for j, v in enumerate(row)]
               for i, row in enumerate(cells)],
        row_totals=table.row_totals(),
        column_totals=table.column_totals(),
        grand_total=table.grand_total(),
        primary=frozenset(small),
        secondary=frozenset(),
    )  # fmt: skip
    assert subtraction_attack(only_primary) == {}
    assert linear_attack(only_primary) == {(0, 2): 2}

    protected = protect(table)
    assert protected.primary == small
    assert protected.secondary == {(0, 3)}
    assert linear_attack(protected) == {}


# ------------------------------------------------------- worked examples


def test_two_by_two_with_one_small_cell():
    # 3 10 | 13        . . | 13
    # 20 30 | 50  ->   . . | 50
    # 23 40 | 63       23 40 | 63
    protected = protect(make([[3, 10], [20, 30]]))
    assert protected.cells == [[None, None], [None, None]]
    assert protected.row_totals == [13, 50]
    assert protected.column_totals == [23, 40]
    assert protected.grand_total == 63
    assert protected.primary == {(0, 0)}
    assert protected.secondary == {(0, 1), (1, 0), (1, 1)}


def test_secondary_suppression_cascades():
    # The 2 takes the 8 (smallest in its row) and the 6 (smallest in its
    # column); those leave column 1 and row 2 with one hidden cell each,
    # which take the 30 and the 40, which leave row 1 and then column 2
    # short, which take the 7 and then the 9.
    protected = protect(make([[2, 8, 9], [20, 30, 7], [6, 40, 60]]))
    assert protected.cells == [
        [None, None, None],
        [20, None, None],
        [None, None, 60],
    ]
    assert protected.row_totals == [19, 57, 106]
    assert protected.column_totals == [28, 78, 76]
    assert protected.grand_total == 182
    assert protected.primary == {(0, 0)}
    assert protected.secondary == {(0, 1), (0, 2), (1, 1), (1, 2), (2, 0), (2, 1)}


def test_row_of_all_small_cells():
    # The row's total (6) may show: three unknowns summing to 6 are not
    # three answers. Each column's lone hidden cell takes the one below.
    protected = protect(make([[1, 2, 3], [10, 20, 30]]))
    assert protected.cells == [[None, None, None], [None, None, None]]
    assert protected.row_totals == [6, 60]
    assert protected.column_totals == [11, 22, 33]
    assert protected.primary == {(0, 0), (0, 1), (0, 2)}
    assert protected.secondary == {(1, 0), (1, 1), (1, 2)}


def test_zeros_shown_and_not_used_as_partners():
    # Row 0 is 0 3 0 with total 3: the total is small too. Column 1 takes
    # the 12 rather than a zero, and the row totals column takes row 1's.
    protected = protect(make([[0, 3, 0], [0, 12, 9]]))
    assert protected.cells == [[0, None, 0], [0, None, 9]]
    assert protected.row_totals == [None, None]
    assert protected.column_totals == [0, 15, 9]
    assert protected.grand_total == 24
    assert protected.primary == {(0, 1), (0, TOTAL)}
    assert protected.secondary == {(1, 1), (1, TOTAL)}


@pytest.mark.parametrize(
    ("count", "hidden"), [(0, False), (1, True), (4, True), (5, False), (70, False)]
)
def test_single_cell_table(count, hidden):
    # Every total equals the cell, so they stand or fall together.
    protected = protect(make([[count]]))
    expected = None if hidden else count
    assert protected.cells == [[expected]]
    assert protected.row_totals == [expected]
    assert protected.column_totals == [expected]
    assert protected.grand_total == expected
    assert not protected.secondary


def test_all_zero_table_shows_everything():
    protected = protect(make([[0, 0], [0, 0]]))
    assert protected.cells == [[0, 0], [0, 0]] and protected.grand_total == 0
    assert not protected.hidden


def test_table_rejects_bad_counts():
    with pytest.raises(ValueError, match="not a count"):
        make([[1, -1]])
    with pytest.raises(ValueError, match="not a count"):
        make([[True]])
    with pytest.raises(ValueError, match="cells"):
        Table(rows=["a"], columns=["x", "y"], cells=[[1]])
    with pytest.raises(ValueError, match="row labels"):
        Table(rows=["a", "b"], columns=["x"], cells=[[1]])


# ------------------------------------------------------------ 1-D counts


def test_counts_one_small_takes_the_next_smallest():
    protected = protect_counts({"self": 3, "gp": 10, "court": 20, "other": 0})
    assert protected.counts == {"self": None, "gp": None, "court": 20, "other": 0}
    assert protected.total == 33
    assert protected.primary == {"self"}
    assert protected.secondary == {"gp"}


def test_counts_ties_broken_by_order():
    protected = protect_counts({"a": 2, "b": 9, "c": 9})
    assert protected.counts == {"a": None, "b": None, "c": 9}


def test_counts_all_small_total_shown():
    protected = protect_counts({"a": 1, "b": 2, "c": 3})
    assert protected.counts == {"a": None, "b": None, "c": None}
    assert protected.total == 6
    assert not protected.secondary


def test_counts_small_total_hidden():
    protected = protect_counts({"a": 3, "b": 0})
    assert protected.counts == {"a": None, "b": 0}
    assert protected.total is None
    assert protected.primary == {"a", None}  # None stands for the total


def test_counts_without_total_hides_the_same_counts():
    counts = {"a": 3, "b": 10, "c": 20}
    assert protect_counts(counts, total=False).counts == protect_counts(counts).counts
    assert protect_counts(counts, total=False).total is None


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdefg"), counts))
def test_counts_never_recoverable_from_the_total(counts):
    protected = protect_counts(counts)
    hidden = [k for k, v in protected.counts.items() if v is None]
    for label, count in counts.items():
        assert (protected.counts[label] is None) == (
            is_small(count) or label in protected.secondary
        )
    if protected.total is not None:
        # One hidden count would be the total less the rest.
        assert len(hidden) != 1


# ------------------------------------------------------------------ rates


def test_rate_from_shown_counts():
    assert rate(5, 20) == 25.0
    assert rate(1, 3, per=1000, ndigits=None) == pytest.approx(333.333, abs=1e-3)
    assert rate(0, 12) == 0.0


@pytest.mark.parametrize(
    ("numerator", "denominator"), [(None, 10), (7, None), (None, None), (0, 0)]
)
def test_rate_hidden_with_either_count(numerator, denominator):
    assert rate(numerator, denominator) is None


def test_rates_follow_the_protected_table():
    # Successes by area over referrals by area: a rate is shown only where
    # both its counts are.
    successes = protect_counts({"north": 3, "south": 12, "east": 0, "west": 30})
    referrals = protect_counts({"north": 9, "south": 40, "east": 2, "west": 60})
    rates = {
        area: rate(successes.counts[area], referrals.counts[area])
        for area in successes.counts
    }
    assert rates == {"north": None, "south": None, "east": None, "west": 50.0}
    assert all(
        rates[a] is None
        for a in rates
        if successes.counts[a] is None or referrals.counts[a] is None
    )
