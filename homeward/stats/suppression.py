"""Complementary cell suppression on a table with its margins (no Django here).

A `Cube` is a count table over several dimensions; each dimension's last member is its total
(the margin). Every filter the dashboard offers to a role without personal data is a slice of one
cube, so all the views are suppressed *jointly*: what one filter shows cannot be subtracted from
what another shows to recover a hidden cell.

Method (as statistical offices do it; see docs/statistics.md):
- primary suppression: a cell with 0 < n < threshold is hidden;
- secondary (complementary) suppression: every "line" of the cube (all cells that differ in one
  dimension only, its total included) is an additive relation a reader can use; a line with exactly
  one hidden cell would give it away by subtraction, so another cell of that line is hidden too,
  the smallest one at or above the threshold if there is one (so the hidden cells of the line sum to
  at least the threshold and the reader's upper bound on a hidden cell is not small), else the
  smallest non-zero one, else any. Repeated until no line has exactly one hidden cell.
`determined_cells` is the audit: it solves the published linear relations exactly and reports any
hidden cell they still pin down (tests use it; the dashboard refuses to publish if it finds one).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

TOTAL = "__total__"
PRIME = 2**31 - 1

Key = tuple[int, ...]


@dataclass
class Cube:
    """Counts over `dims` (each a list of member codes ending with TOTAL), margins included."""

    names: list[str]
    dims: list[list[str]]
    values: dict[Key, int] = field(default_factory=dict)
    hidden: set[Key] = field(default_factory=set)

    @classmethod
    def from_counts(cls, names: Sequence[str], members: Sequence[Sequence[str]], counts) -> Cube:
        """`counts` maps tuples of member codes (no totals) to counts; margins are computed."""
        dims = [list(m) + [TOTAL] for m in members]
        index = [{m: i for i, m in enumerate(d)} for d in dims]
        values: dict[Key, int] = {}
        for key in itertools.product(*(range(len(d)) for d in dims)):
            values[key] = 0
        for codes, n in counts.items():
            if not n:
                continue
            inner = tuple(index[i][c] for i, c in enumerate(codes))
            # Add n to the cell and to every margin above it (each dim: itself or its total).
            for choice in itertools.product(*((i, len(dims[d]) - 1) for d, i in enumerate(inner))):
                values[tuple(choice)] += n
        return cls(names=list(names), dims=dims, values=values)

    def key(self, *codes: str) -> Key:
        return tuple(self.dims[i].index(c) for i, c in enumerate(codes))

    def get(self, *codes: str) -> int | None:
        """The published value of a cell (None: hidden)."""
        k = self.key(*codes)
        return None if k in self.hidden else self.values[k]

    def lines(self) -> Iterable[list[Key]]:
        for axis, dim in enumerate(self.dims):
            others = [range(len(d)) for i, d in enumerate(self.dims) if i != axis]
            for rest in itertools.product(*others):
                yield [(*rest[:axis], m, *rest[axis:]) for m in range(len(dim))]

    def to_json(self) -> dict:
        return {
            "names": self.names,
            "dims": self.dims,
            "cells": [
                [list(k), None if k in self.hidden else v] for k, v in self.values.items() if v
            ],
            "hidden": [list(k) for k in sorted(self.hidden)],
        }

    @classmethod
    def from_json(cls, data: dict) -> Cube:
        dims = [list(d) for d in data["dims"]]
        values = {k: 0 for k in itertools.product(*(range(len(d)) for d in dims))}
        hidden = {tuple(k) for k in data["hidden"]}
        for k, v in data["cells"]:
            values[tuple(k)] = v if v is not None else 0
        # A stored, suppressed cube does not keep hidden values: they are gone for good.
        return cls(names=list(data["names"]), dims=dims, values=values, hidden=hidden)


def suppress(cube: Cube, threshold: int) -> Cube:
    """Hides cells in place (primary then complementary) and returns the cube."""
    hidden = {k for k, v in cube.values.items() if 0 < v < threshold}
    lines = list(cube.lines())
    changed = True
    while changed:
        changed = False
        for line in lines:
            inside = [k for k in line if k in hidden]
            if len(inside) != 1:
                continue
            candidates = [k for k in line if k not in hidden]
            if not candidates:  # pragma: no cover - a line always has at least two cells
                continue
            # Prefer inner cells to the total, then ≥ threshold, then non-zero, then smallest.
            total = line[-1]
            candidates.sort(
                key=lambda k: (
                    k == total,
                    cube.values[k] < threshold,
                    cube.values[k] == 0,
                    cube.values[k],
                )
            )
            hidden.add(candidates[0])
            changed = True
    cube.hidden = hidden
    return cube


def determined_cells(cube: Cube) -> set[Key]:
    """Hidden cells whose value follows exactly from the published cells and line sums.

    Gaussian elimination on the system "each line's inner cells sum to its total", unknowns being
    the hidden cells. A hidden cell is determined when its unit vector lies in the row space of
    the system, i.e. when a row of the reduced echelon form is that unit vector. The arithmetic is
    modulo the prime 2**31 - 1 (vectorised, exact): the coefficients are 0 and ±1, and a rank over
    that field differs from the rank over the rationals only if the prime divides a minor of the
    system, which for these sizes it cannot in practice (the Hadamard bound of a 0/±1 minor that
    could be a multiple of it needs far more rows than a dashboard table has). Over the rationals
    the same check took ten minutes on a 1,300-cell table; this takes about a second.
    """
    unknowns = sorted(cube.hidden)
    if not unknowns:
        return set()
    col = {k: i for i, k in enumerate(unknowns)}
    rows = []
    for line in cube.lines():
        coeffs = [0] * len(unknowns)
        touched = False
        for k in line[:-1]:
            if k in col:
                coeffs[col[k]] += 1
                touched = True
        if line[-1] in col:
            coeffs[col[line[-1]]] -= 1
            touched = True
        if touched:
            rows.append(coeffs)
    a = np.array(rows, dtype=np.int64) % PRIME
    pivots: list[int] = []
    r = 0
    for c in range(len(unknowns)):
        nonzero = np.nonzero(a[r:, c])[0]
        if not len(nonzero):
            continue
        pivot = r + int(nonzero[0])
        if pivot != r:
            a[[r, pivot]] = a[[pivot, r]]
        a[r] = (a[r] * pow(int(a[r, c]), PRIME - 2, PRIME)) % PRIME
        # Only the rows with a non-zero in this column change (the system starts very sparse).
        others = np.nonzero(a[:, c])[0]
        others = others[others != r]
        if len(others):
            a[others] = (a[others] - (a[others, c][:, None] * a[r][None, :]) % PRIME) % PRIME
        pivots.append(c)
        r += 1
        if r == len(a):
            break
    determined = set()
    for i, c in enumerate(pivots):
        if np.count_nonzero(a[i]) == 1:
            determined.add(unknowns[c])
    return determined


def protect(cube: Cube, threshold: int) -> Cube:
    """`suppress`, then the audit; while the audit finds a hidden cell still pinned down, hides
    the smallest visible cell of each of its lines and completes the pattern again."""
    suppress(cube, threshold)
    for _ in range(50):
        determined = determined_cells(cube)
        if not determined:
            return cube
        for line in cube.lines():
            if any(k in determined for k in line):
                visible = [k for k in line[:-1] if k not in cube.hidden]
                if visible:
                    cube.hidden.add(min(visible, key=lambda k: cube.values[k]))
        primary = cube.hidden
        suppress(cube, threshold)
        cube.hidden |= primary
    # Could not prove safety: hide every non-zero cell rather than publish a risk.
    cube.hidden = {k for k, v in cube.values.items() if v}
    return cube
