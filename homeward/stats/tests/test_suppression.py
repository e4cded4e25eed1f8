"""Complementary suppression: the attacks a reader of the published figures could try."""

import itertools
import random

from homeward.stats.suppression import TOTAL, Cube, determined_cells, protect

T = 5


def _cube(rows, cols, counts):
    return Cube.from_counts(["r", "c"], [rows, cols], counts)


def test_a_single_small_cell_is_not_recovered_from_its_row_and_column_totals():
    counts = {("a", "x"): 3, ("a", "y"): 40, ("b", "x"): 20, ("b", "y"): 30}
    cube = protect(_cube(["a", "b"], ["x", "y"], counts), T)
    assert cube.get("a", "x") is None
    # The naive attack: row total minus the other cells of the row.
    row_total, other = cube.get("a", TOTAL), cube.get("a", "y")
    col_total, other_col = cube.get(TOTAL, "x"), cube.get("b", "x")
    assert row_total is None or other is None
    assert col_total is None or other_col is None
    assert determined_cells(cube) == set()


def test_every_line_has_no_hidden_cell_or_at_least_two():
    rng = random.Random(7)
    for _ in range(30):
        counts = {
            (r, c, k): rng.choice([0, 0, 1, 2, 3, 4, 6, 12, 40])
            for r, c, k in itertools.product("abcd", "xyz", "pq")
        }
        cube = protect(
            Cube.from_counts(["r", "c", "k"], [list("abcd"), list("xyz"), list("pq")], counts), T
        )
        for line in cube.lines():
            assert sum(k in cube.hidden for k in line) != 1
        assert determined_cells(cube) == set()
        assert all(
            cube.values[k] == 0 or cube.values[k] >= T or k in cube.hidden for k in cube.values
        )


def test_two_overlapping_filters_do_not_give_a_hidden_cell_away():
    # Category filter "all" minus "soldier" minus "civilian" would give "foreign" in a cell: the
    # filters are slices of one cube suppressed jointly, so the audit covers that subtraction.
    counts = {
        ("held", "RU", "soldier"): 50,
        ("held", "RU", "civilian"): 20,
        ("held", "RU", "foreign"): 2,
        ("held", "UA", "soldier"): 30,
        ("held", "UA", "civilian"): 9,
        ("held", "UA", "foreign"): 11,
        ("died", "RU", "soldier"): 7,
        ("died", "UA", "soldier"): 8,
    }
    cube = protect(
        Cube.from_counts(
            ["s", "p", "c"],
            [["held", "died"], ["RU", "UA"], ["soldier", "civilian", "foreign"]],
            counts,
        ),
        T,
    )
    assert cube.get("held", "RU", "foreign") is None
    everything, soldier, civilian = (
        cube.get("held", "RU", TOTAL),
        cube.get("held", "RU", "soldier"),
        cube.get("held", "RU", "civilian"),
    )
    assert None in (everything, soldier, civilian)
    # Party filter RU against "all parties", same category.
    assert None in (cube.get("held", TOTAL, "foreign"), cube.get("held", "UA", "foreign"))
    assert determined_cells(cube) == set()


def test_the_audit_finds_a_cell_that_naive_suppression_leaves_recoverable():
    counts = {("a", "x"): 3, ("a", "y"): 40, ("b", "x"): 20, ("b", "y"): 30}
    cube = _cube(["a", "b"], ["x", "y"], counts)
    cube.hidden = {cube.key("a", "x")}  # what the old dashboard did
    assert determined_cells(cube) == {cube.key("a", "x")}
