"""Disclosure control for public counts. Pure: no Django.

Primary suppression: a count from 1 to 4 (under `threshold`) is not shown. Zero is shown: it
says nobody in the group took part, which identifies no one, and the ONS suppresses small
non-zero counts the same way. Totals that are shown are counts too, so a total of 1 to 4 is
suppressed like any other.

Secondary suppression: a shown total lets a reader subtract. The table with its totals is
treated as one augmented table in which every row and every column adds up (a total is the
cell at the end of its line). A suppressed cell can be recovered exactly when it is a *bridge*
in the graph whose nodes are the table's lines and whose edges are the suppressed cells: then
no change to the hidden cells that keeps every shown total can move it. When every suppressed
cell lies on a cycle, adding 1 and taking 1 alternately around the cycle keeps every total and
changes the cell; because every suppressed cell is at least 1 (zeros are never chosen), the
changed table has no negative count, so at least two different tables agree with everything
shown. The algorithm therefore adds complementary suppressions, the smallest non-zero shown
cells first, until no suppressed cell is a bridge. Lines whose total is not shown are not
constrained: they meet in one "free" node.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

SUPPRESSED = "[c]"  # the ONS symbol for a value withheld to protect confidentiality
FREE = ("free",)

Node = tuple
Cell = tuple[int, int]  # (row, column) in the augmented table


@dataclass(frozen=True)
class ProtectedTable:
    """A table after disclosure control. None is a suppressed value. Totals are None when
    they are not shown (their flag was False) or when they are suppressed."""

    cells: list[list[int | None]]
    row_totals: list[int | None] | None
    column_totals: list[int | None] | None
    grand_total: int | None
    suppressed: int  # how many values (cells and totals) are withheld


@dataclass(frozen=True)
class ProtectedCounts:
    counts: dict[str, int | None]
    total: int | None
    suppressed: int


def _check(rows: Sequence[Sequence[int]]) -> int:
    width = len(rows[0]) if rows else 0
    for row in rows:
        if len(row) != width:
            raise ValueError("Every row of a table needs the same number of cells")
        for value in row:
            if int(value) != value or value < 0:
                raise ValueError(f"Counts are whole numbers from 0 up, not {value!r}")
    return width


def _augment(rows, row_totals: bool, column_totals: bool) -> dict[Cell, int]:
    """The table's cells with its shown totals as extra cells (index R or C)."""
    n_rows, n_cols = len(rows), len(rows[0]) if rows else 0
    values: dict[Cell, int] = {}
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            values[(i, j)] = int(v)
    if row_totals:
        for i, row in enumerate(rows):
            values[(i, n_cols)] = sum(int(v) for v in row)
    if column_totals:
        for j in range(n_cols):
            values[(n_rows, j)] = sum(int(rows[i][j]) for i in range(n_rows))
    if row_totals and column_totals:
        values[(n_rows, n_cols)] = sum(int(v) for row in rows for v in row)
    return values


def _ends(cell: Cell, n_rows: int, n_cols: int, row_totals: bool, column_totals: bool):
    """The two lines (graph nodes) a cell belongs to; an unconstrained line is FREE.

    Row i is constrained when row totals are shown (row n_rows, the column totals' row, when
    the grand total is shown too); column j likewise."""
    i, j = cell
    row_constrained = row_totals and (i < n_rows or column_totals)
    col_constrained = column_totals and (j < n_cols or row_totals)
    return (
        ("row", i) if row_constrained else FREE,
        ("col", j) if col_constrained else FREE,
    )


def _bridges(edges: dict[Cell, tuple[Node, Node]]) -> set[Cell]:
    """Edges of a multigraph whose removal disconnects their ends (Tarjan, iterative)."""
    adjacency: dict[Node, list[tuple[Node, Cell]]] = defaultdict(list)
    for cell, (u, v) in edges.items():
        if u == v:
            continue  # a loop is a cycle by itself
        adjacency[u].append((v, cell))
        adjacency[v].append((u, cell))
    order: dict[Node, int] = {}
    low: dict[Node, int] = {}
    found: set[Cell] = set()
    counter = 0
    for root in list(adjacency):
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack = [(root, None, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for nxt, cell in neighbours:
                if cell == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, cell, iter(adjacency[nxt])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.add(via)
    return found


def _component(start: Node, edges: dict[Cell, tuple[Node, Node]], without: Cell) -> set[Node]:
    adjacency: dict[Node, list[Node]] = defaultdict(list)
    for cell, (u, v) in edges.items():
        if cell != without:
            adjacency[u].append(v)
            adjacency[v].append(u)
    seen, todo = {start}, [start]
    while todo:
        for nxt in adjacency[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _cheapest_complements(
    bridge: Cell,
    suppressed: dict[Cell, tuple[Node, Node]],
    candidates: dict[Cell, tuple[Node, Node]],
    values: dict[Cell, int],
) -> list[Cell]:
    """The shown cells, smallest total first, whose suppression puts `bridge` on a cycle: a
    cheapest path from one side of the bridge to the other over shown non-zero cells, where
    the other suppressed cells cost nothing."""
    u, v = suppressed[bridge]
    source_side = _component(u, suppressed, bridge)
    if v in source_side:  # not a bridge after all
        return []
    adjacency: dict[Node, list[tuple[Node, Cell | None, int]]] = defaultdict(list)
    for cell, (a, b) in suppressed.items():
        if cell != bridge:
            adjacency[a].append((b, None, 0))
            adjacency[b].append((a, None, 0))
    for cell, (a, b) in candidates.items():
        adjacency[a].append((b, cell, values[cell]))
        adjacency[b].append((a, cell, values[cell]))
    target_side = _component(v, suppressed, bridge)
    best: dict[Node, int] = {}
    came: dict[Node, tuple[Node, Cell | None]] = {}
    heap: list = []
    for node in sorted(source_side):
        best[node] = 0
        heap.append((0, node))
    heapq.heapify(heap)
    while heap:
        cost, node = heapq.heappop(heap)
        if cost > best.get(node, cost):
            continue
        if node in target_side:
            path, here = [], node
            while here not in source_side:
                here, cell = came[here]
                if cell is not None:
                    path.append(cell)
            return path
        for nxt, cell, weight in sorted(adjacency[node], key=lambda t: (t[2], str(t))):
            total = cost + weight
            if total < best.get(nxt, total + 1):
                best[nxt] = total
                came[nxt] = (node, cell)
                heapq.heappush(heap, (total, nxt))
    raise AssertionError("A non-zero cell always lies on a cycle of non-zero cells")


def suppressed_cells(
    rows: Sequence[Sequence[int]],
    *,
    row_totals: bool,
    column_totals: bool,
    threshold: int = 5,
    also_hidden: Iterable[Cell] = (),
) -> set[Cell]:
    """Which cells of the augmented table (totals at index len(rows) / len(rows[0])) are
    withheld. `also_hidden` forces cells to be withheld (a total that another table sharing it
    withholds); zeros among them stay shown."""
    n_cols = _check(rows)
    n_rows = len(rows)
    values = _augment(rows, row_totals, column_totals)
    ends = {cell: _ends(cell, n_rows, n_cols, row_totals, column_totals) for cell in sorted(values)}
    hidden = {cell for cell, value in values.items() if 0 < value < threshold}
    hidden.update(cell for cell in also_hidden if values.get(cell, 0) > 0)
    while True:
        suppressed = {cell: ends[cell] for cell in sorted(hidden)}
        bridges = sorted(_bridges(suppressed))
        if not bridges:
            return hidden
        candidates = {
            cell: ends[cell] for cell in sorted(values) if cell not in hidden and values[cell] > 0
        }
        added = _cheapest_complements(bridges[0], suppressed, candidates, values)
        if not added:  # pragma: no cover - _bridges and _component agree
            raise AssertionError("A bridge with no complement")
        hidden.update(added)


def protect_table(
    rows: Sequence[Sequence[int]],
    *,
    row_totals: bool,
    column_totals: bool,
    threshold: int = 5,
    also_hidden: Iterable[Cell] = (),
) -> ProtectedTable:
    """The table and the totals it shows, after primary and secondary suppression."""
    n_cols = _check(rows)
    n_rows = len(rows)
    hidden = suppressed_cells(
        rows,
        row_totals=row_totals,
        column_totals=column_totals,
        threshold=threshold,
        also_hidden=also_hidden,
    )
    values = _augment(rows, row_totals, column_totals)

    def shown(cell: Cell) -> int | None:
        return None if cell in hidden else values[cell]

    return ProtectedTable(
        cells=[[shown((i, j)) for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[shown((i, n_cols)) for i in range(n_rows)] if row_totals else None,
        column_totals=[shown((n_rows, j)) for j in range(n_cols)] if column_totals else None,
        grand_total=shown((n_rows, n_cols)) if row_totals and column_totals else None,
        suppressed=len(hidden),
    )


def suppress_table(
    rows: Sequence[Sequence[int]],
    *,
    row_totals: bool,
    column_totals: bool,
    threshold: int = 5,
) -> list[list[int | None]]:
    """The table's cells, None where suppressed. Show totals only from protect_table, which
    withholds a total of 1 to 4 too."""
    return protect_table(
        rows, row_totals=row_totals, column_totals=column_totals, threshold=threshold
    ).cells


def protect_counts(
    counts: Mapping[str, int],
    *,
    total_shown: bool,
    threshold: int = 5,
    hide_total: bool = False,
) -> ProtectedCounts:
    """One line of counts (groups of one dimension), with its total if shown. `hide_total`
    withholds the total because another table that shows the same total withholds it."""
    keys = list(counts)
    table = protect_table(
        [[int(counts[k]) for k in keys]] if keys else [],
        row_totals=total_shown,
        column_totals=False,
        threshold=threshold,
        also_hidden=[(0, len(keys))] if hide_total and total_shown else [],
    )
    cells = table.cells[0] if keys else []
    total = None
    if total_shown:
        total = table.row_totals[0] if keys else 0
    return ProtectedCounts(
        counts=dict(zip(keys, cells, strict=True)), total=total, suppressed=table.suppressed
    )


def suppress_counts(
    counts: Mapping[str, int], *, total_shown: bool, threshold: int = 5
) -> dict[str, int | None]:
    """The counts, None where suppressed (see protect_counts for the total)."""
    return protect_counts(counts, total_shown=total_shown, threshold=threshold).counts


def shown(value: int | None) -> str:
    """A protected value as a table shows it."""
    return SUPPRESSED if value is None else f"{value:,}"
