"""Disclosure control: no suppressed count can be recovered from what a table shows."""

from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tendercare.scrutiny import disclosure as d


def _shown_view(rows, row_totals, column_totals, table):
    """Everything a reader sees: the shown cells and shown totals, by augmented position."""
    n_rows, n_cols = len(rows), len(rows[0])
    view = {}
    for i in range(n_rows):
        for j in range(n_cols):
            view[(i, j)] = table.cells[i][j]
    if row_totals:
        for i in range(n_rows):
            view[(i, n_cols)] = table.row_totals[i]
    if column_totals:
        for j in range(n_cols):
            view[(n_rows, j)] = table.column_totals[j]
    if row_totals and column_totals:
        view[(n_rows, n_cols)] = table.grand_total
    return view


def _agrees(candidate, view, rows, row_totals, column_totals):
    """Does this table of counts look exactly like the published one?"""
    if any(v < 0 for row in candidate for v in row):
        return False
    again = _augmented(candidate, row_totals, column_totals)
    return all(shown is None or again[cell] == shown for cell, shown in view.items())


def _augmented(rows, row_totals, column_totals):
    n_rows, n_cols = len(rows), len(rows[0])
    out = {(i, j): rows[i][j] for i in range(n_rows) for j in range(n_cols)}
    if row_totals:
        for i in range(n_rows):
            out[(i, n_cols)] = sum(rows[i])
    if column_totals:
        for j in range(n_cols):
            out[(n_rows, j)] = sum(rows[i][j] for i in range(n_rows))
    if row_totals and column_totals:
        out[(n_rows, n_cols)] = sum(map(sum, rows))
    return out


def _other_values(rows, row_totals, column_totals, table, cell, limit):
    """Brute force: the values the hidden cell takes over every table of counts (each at most
    `limit`) that agrees with everything shown."""
    view = _shown_view(rows, row_totals, column_totals, table)
    n_rows, n_cols = len(rows), len(rows[0])
    hidden = [(i, j) for i in range(n_rows) for j in range(n_cols) if view[(i, j)] is None]
    seen = set()
    for values in product(range(limit + 1), repeat=len(hidden)):
        candidate = [list(r) for r in rows]
        for (i, j), v in zip(hidden, values, strict=True):
            candidate[i][j] = v
        if _agrees(candidate, view, rows, row_totals, column_totals):
            full = _augmented(candidate, row_totals, column_totals)
            seen.add(full[cell])
    return seen


def _cycle_witness(rows, row_totals, column_totals, table, cell):
    """A second table of counts that shows the same as the published one and differs in
    `cell`: found by walking an alternating path of hidden cells back to the cell's line,
    independently of the module's own bridge search."""
    n_rows, n_cols = len(rows), len(rows[0])
    view = _shown_view(rows, row_totals, column_totals, table)
    hidden = [c for c, v in view.items() if v is None]

    def line_nodes(c):
        i, j = c
        row_ok = row_totals and (i < n_rows or column_totals)
        col_ok = column_totals and (j < n_cols or row_totals)
        return (("r", i) if row_ok else "free"), (("c", j) if col_ok else "free")

    start, goal = line_nodes(cell)
    if start == goal:
        return "loop"
    # BFS from start to goal over hidden cells other than `cell`
    previous = {start: None}
    todo = [start]
    while todo:
        node = todo.pop(0)
        for c in hidden:
            if c == cell:
                continue
            a, b = line_nodes(c)
            for here, there in ((a, b), (b, a)):
                if here == node and there not in previous:
                    previous[there] = (node, c)
                    todo.append(there)
    if goal not in previous:
        return None
    path = []
    node = goal
    while previous[node] is not None:
        node, c = previous[node]
        path.append(c)
    # Alternate +1/-1 along the cycle cell, path...; totals count with the opposite sign.
    signed = _augmented(rows, row_totals, column_totals)
    z = {c: (-v if (c[0] == n_rows) != (c[1] == n_cols) else v) for c, v in signed.items()}
    cycle = [cell, *reversed(path)]
    sign = -1
    for c in cycle:
        z[c] += sign
        sign = -sign
    candidate = [[z[(i, j)] for j in range(n_cols)] for i in range(n_rows)]
    return candidate


small_tables = st.integers(1, 4).flatmap(
    lambda r: st.integers(1, 4).flatmap(
        lambda c: st.lists(
            st.lists(st.integers(0, 30), min_size=c, max_size=c), min_size=r, max_size=r
        )
    )
)


@settings(max_examples=400, deadline=None)
@given(small_tables, st.booleans(), st.booleans())
def test_every_small_count_is_hidden_and_no_hidden_count_is_recoverable(
    rows, row_totals, column_totals
):
    table = d.protect_table(rows, row_totals=row_totals, column_totals=column_totals)
    view = _shown_view(rows, row_totals, column_totals, table)
    truth = _augmented(rows, row_totals, column_totals)
    for cell, shown in view.items():
        if shown is not None:
            assert shown == truth[cell]
            assert shown == 0 or shown >= 5, "a count from 1 to 4 is shown"
    for cell, shown in view.items():
        if shown is None:
            assert truth[cell] > 0, "zeros are never withheld"
            witness = _cycle_witness(rows, row_totals, column_totals, table, cell)
            assert witness is not None, f"{cell} can be recovered from {view}"
            if witness == "loop":
                continue
            assert _agrees(witness, view, rows, row_totals, column_totals)
            assert _augmented(witness, row_totals, column_totals)[cell] != truth[cell]


tiny_tables = st.integers(1, 2).flatmap(
    lambda r: st.integers(1, 3).flatmap(
        lambda c: st.lists(
            st.lists(st.sampled_from([0, 1, 2, 3, 5, 6, 9]), min_size=c, max_size=c),
            min_size=r,
            max_size=r,
        )
    )
)


@settings(max_examples=100, deadline=None)
@given(tiny_tables, st.booleans(), st.booleans())
def test_brute_force_every_hidden_cell_could_be_another_value(rows, row_totals, column_totals):
    """Every table of counts that agrees with what is shown, enumerated: each hidden interior
    cell takes more than one value among them."""
    table = d.protect_table(rows, row_totals=row_totals, column_totals=column_totals)
    n_rows, n_cols = len(rows), len(rows[0])
    hidden = [(i, j) for i in range(n_rows) for j in range(n_cols) if table.cells[i][j] is None]
    if len(hidden) > 3:
        return  # the cycle-witness property covers larger patterns
    limit = max(max(map(max, rows)), 1) + 1
    for cell in hidden:
        values = _other_values(rows, row_totals, column_totals, table, cell, limit)
        assert rows[cell[0]][cell[1]] in values
        assert len(values) > 1, f"{cell} is determined: {values}"


def test_a_small_count_and_its_smallest_neighbour_are_hidden_when_the_total_is_shown():
    assert d.suppress_counts({"a": 3, "b": 7, "c": 40}, total_shown=True) == {
        "a": None,
        "b": None,
        "c": 40,
    }
    protected = d.protect_counts({"a": 3, "b": 7, "c": 40}, total_shown=True)
    assert protected.total == 50


def test_without_a_total_only_the_small_count_is_hidden():
    assert d.suppress_counts({"a": 3, "b": 7, "c": 40}, total_shown=False) == {
        "a": None,
        "b": 7,
        "c": 40,
    }


def test_zero_is_shown_and_never_chosen_as_a_complement():
    # The only other non-zero value in the line is the total, so the total is withheld.
    protected = d.protect_counts({"a": 3, "b": 0, "c": 0}, total_shown=True)
    assert protected.counts == {"a": None, "b": 0, "c": 0}
    assert protected.total is None


def test_a_total_under_five_is_withheld():
    protected = d.protect_counts({"a": 2, "b": 2}, total_shown=True)
    assert protected.total is None
    assert protected.counts == {"a": None, "b": None}


def test_two_way_table_needs_a_rectangle_of_hidden_cells():
    rows = [[2, 10, 20], [15, 12, 30], [40, 50, 60]]
    table = d.protect_table(rows, row_totals=True, column_totals=True)
    hidden = {(i, j) for i in range(3) for j in range(3) if table.cells[i][j] is None}
    # The 2, the smallest in its row (10) and column (15), and 12 to close the rectangle.
    assert hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert table.row_totals == [32, 57, 150]
    assert table.grand_total == 239


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        d.suppress_table([[1, 2], [3]], row_totals=True, column_totals=False)
    with pytest.raises(ValueError):
        d.suppress_table([[-1]], row_totals=False, column_totals=False)


def test_empty_counts():
    assert d.protect_counts({}, total_shown=True).total == 0
    assert d.shown(None) == "[c]"
    assert d.shown(1234) == "1,234"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=5))
def test_a_total_forced_hidden_is_protected_in_its_line(counts):
    protected = d.protect_counts(
        {str(i): n for i, n in enumerate(counts)}, total_shown=True, hide_total=True
    )
    if sum(counts) > 0:
        assert protected.total is None
        assert sum(1 for v in protected.counts.values() if v is None) >= 1
    else:
        assert protected.total == 0
