"""The planner: proposes both sides' lists from the persons each side holds (DESIGN §6).

Rules, in order:
  1. verified refusals are never listed;
  2. the seriously wounded and sick go first and outside any N-for-N count (GC III Art. 109–110);
  3. persons the other party asked for by name come first;
  4. then longest captivity (earliest capture date; an unknown date sorts last);
  5. with `balance`, each named attribute (category, rank) has as many persons of each value on
     one side as on the other, as far as the pools allow.

Without balance the rules do not interact, so the plan is a sort and a cut. With balance they do
(a quota on one side constrains the other, and both constrain who is chosen), so CP-SAT decides
how many to take from each group of interchangeable persons (same side and attribute values);
within a group persons are always taken in priority order. The solver's variables are therefore
per group (dozens), not per person (tens of thousands): the cost does not grow with the pools.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Subquery

from homeward.lib.errors import ValidationFailed
from homeward.registry.models import Detention, StatusEvent, StatusKind
from homeward.registry.selectors import held_by

from .models import ListEntry, Negotiation, PlanStage, Side
from .selectors import latest_versions

BALANCE_ATTRIBUTES = ("category", "rank")
TANGENTS = 64  # breakpoints per group in the solver's priority objective
SOLVER_SECONDS = 2.0  # per solve; the best plan found by then is used (status FEASIBLE)


@dataclass
class Candidate:
    pk: int
    uuid: str
    category: str
    rank: str
    captured_on: str | None
    wounded: bool
    asked: bool
    refused: bool
    chosen: bool = False
    why: list[str] = field(default_factory=list)


# PostgreSQL prices the pool query (four correlated subqueries per person, via held_by) at
# ~500,000 for 20,000 persons, past jit_above_cost (100,000), and compiles it: ~0.5 s of JIT
# for ~0.2 s of work, each side, each plan. Planned without JIT it runs in the 0.2 s. (Narrowing
# held_by with a window function kept the estimate low too, but its row estimate of 50 turned
# edit_list's `held_by(…).filter(pk__in=5,000 ids)` into a 6 s nested loop; this changes nothing
# but this query.) False: the baseline, for benchmarks/exchanges/run.py.
JIT_OFF_FOR_POOL = True


@contextmanager
def _without_jit() -> Iterator[None]:
    with transaction.atomic():
        if JIT_OFF_FOR_POOL and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # SET LOCAL: until the end of this transaction (or of the caller's, if nested).
                cursor.execute("SET LOCAL jit = off")
        yield


def pool(party_id: int, asked_ids: set[int]) -> list[Candidate]:
    """Everyone the party holds, in one query."""
    latest = Detention.objects.filter(person=OuterRef("pk")).order_by("-created_at", "-id")
    refused = StatusEvent.objects.filter(
        person=OuterRef("pk"), kind=StatusKind.REFUSED_VERIFIED, superseded_by__isnull=True
    )
    rows = (
        held_by(party_id)
        .annotate(captured=Subquery(latest.values("captured_on")[:1]), refused=Exists(refused))
        .values_list(
            "pk", "uuid", "category", "rank", "captured", "wounded", "current_status", "refused"
        )
    )
    with _without_jit():
        fetched = list(rows)
    return [
        Candidate(
            pk=pk,
            uuid=str(uuid),
            category=category,
            rank=rank or "",
            captured_on=str(captured) if captured else None,
            wounded=wounded or status == StatusKind.HOSPITALISED,
            asked=pk in asked_ids,
            refused=refused,
        )
        for pk, uuid, category, rank, captured, wounded, status, refused in fetched
    ]


def _priority(c: Candidate) -> tuple:
    return (not c.asked, c.captured_on or "9999", c.pk)


@dataclass
class Plan:
    codes: tuple[str, str]
    sides: dict[str, list[Candidate]]
    count: int
    undone: list[str]
    balance: dict[str, dict[str, list[int]]]
    solver: dict

    def as_json(self, *, lines: bool = True) -> dict:
        out: dict = {
            "count": self.count,
            "undone": self.undone,
            "balance": self.balance,
            "solver": self.solver,
            "sides": {},
        }
        for code, cands in self.sides.items():
            chosen = [c for c in cands if c.chosen]
            side: dict[str, object] = {
                "gives": len(chosen),
                "wounded_or_sick": sum(1 for c in chosen if c.wounded),
                "in_count": sum(1 for c in chosen if not c.wounded),
                "pool": len(cands),
                "refused_verified": sum(1 for c in cands if c.refused),
            }
            if lines:
                side["lines"] = [
                    {"person": c.uuid, "in": c.chosen, "why": c.why}
                    for c in sorted(cands, key=lambda c: (not c.chosen, _priority(c)))
                ]
            out["sides"][code] = side
        return out


def check_options(
    *, size: int | None, all_for_all: bool, balance: list[str] | tuple[str, ...]
) -> dict:
    """The options as kept on a run; bad ones are refused naming the field (before anything is
    queued, so a bad request never reaches the worker)."""
    errors = {}
    if size is not None and all_for_all:
        errors["size"] = "give a size or all-for-all, not both"
    if size is not None and size < 1:
        errors["size"] = "must be at least 1"
    bad = [b for b in balance if b not in BALANCE_ATTRIBUTES]
    if bad:
        errors["balance"] = "can balance: " + ", ".join(BALANCE_ATTRIBUTES)
    if errors:
        raise ValidationFailed("The plan's options are not valid.", detail={"fields": errors})
    return {"size": size, "all_for_all": all_for_all, "balance": list(balance)}


# progress(stage, percent): stage is a PlanStage value. Called a handful of times per plan.
Progress = Callable[[str, int], None]


def _no_progress(stage: str, percent: int) -> None:
    return None


def plan(
    negotiation: Negotiation,
    *,
    size: int | None = None,
    all_for_all: bool = False,
    balance: list[str] | tuple[str, ...] = (),
    progress: Progress = _no_progress,
) -> Plan:
    check_options(size=size, all_for_all=all_for_all, balance=balance)
    a, b = negotiation.party_a, negotiation.party_b
    progress(PlanStage.POOLS, 5)
    latest = latest_versions(negotiation)
    asked: dict[int, set[int]] = {a.pk: set(), b.pk: set()}
    for code, version in latest.items():
        asker = a if code == a.code else b
        holder = b if asker == a else a
        asked[holder.pk] |= set(
            ListEntry.objects.filter(version=version, side=Side.ASK).values_list(
                "person_id", flat=True
            )
        )
    sides = {a.code: pool(a.pk, asked[a.pk])}
    progress(PlanStage.POOLS, 30)
    sides[b.code] = pool(b.pk, asked[b.pk])
    progress(PlanStage.CHOOSING, 55)
    other = {a.code: b.code, b.code: a.code}
    rest: dict[str, list[Candidate]] = {}
    for code, cands in sides.items():
        rest[code] = []
        for c in cands:
            if c.refused:
                c.why.append("refused_verified: refused repatriation, verified; never listed")
            elif c.wounded:
                c.chosen = True
                c.why.append(
                    "wounded_or_sick: goes first and outside the N-for-N count "
                    "(GC III Art. 109–110)"
                )
            else:
                rest[code].append(c)
        rest[code].sort(key=_priority)
    na, nb = len(rest[a.code]), len(rest[b.code])
    undone: list[str] = []
    solver: dict = {"used": False}
    if all_for_all:
        count = max(na, nb)
        for code in sides:
            _take(rest[code], len(rest[code]), other[code])
        if na != nb:
            short = a.code if na < nb else b.code
            undone.append(
                f"all-for-all: {a.code} gives {na}, {b.code} gives {nb}; a count of "
                f"{max(na, nb)} for {max(na, nb)} needs {abs(na - nb)} more from {short}"
            )
    else:
        count = min(size, na, nb) if size is not None else min(na, nb)
        if size is not None:
            for code, n in ((a.code, na), (b.code, nb)):
                if n < size:
                    undone.append(f"{size}-for-{size} needs {size - n} more from {code}")
        elif na != nb:
            short = a.code if na < nb else b.code
            undone.append(
                f"all-for-all needs {abs(na - nb)} more from {short} "
                f"({a.code} holds {na} eligible, {b.code} {nb})"
            )
        if balance:
            solver = _balanced(rest, (a.code, b.code), count, list(balance))
        else:
            for code in sides:
                _take(rest[code], count, other[code])
    progress(PlanStage.SAVING, 85)
    tally: dict[str, dict[str, list[int]]] = {}
    for attr in balance:
        values: dict[str, list[int]] = {}
        for i, code in enumerate((a.code, b.code)):
            for c in rest[code]:
                if c.chosen:
                    values.setdefault(getattr(c, attr) or "—", [0, 0])[i] += 1
        tally[attr] = dict(sorted(values.items()))
        off = {v: n for v, n in values.items() if n[0] != n[1]}
        if off:
            undone.append(
                f"{attr} not fully balanced: "
                + ", ".join(f"{v} {n[0]}:{n[1]}" for v, n in sorted(off.items()))
            )
    return Plan((a.code, b.code), sides, count, undone, tally, solver)


def _take(cands: list[Candidate], n: int, other: str) -> None:
    """The first n in priority order; each person told why in or why not."""
    last = None
    for i, c in enumerate(cands):
        if i < n:
            c.chosen = True
            last = c
            if c.asked:
                c.why.append(f"asked_for_by_name: {other} asked for this person by name")
            c.why.append(
                f"long_captivity: captured {c.captured_on or 'on an unknown date'}, "
                f"#{i + 1} on this side by priority"
            )
        else:
            c.why.append(_not_taken(c, n, last))


def _not_taken(c: Candidate, n: int, last: Candidate | None) -> str:
    if n == 0:
        return "count_reached: the count on this side is 0"
    since = last.captured_on if last else None
    return (
        f"count_reached: {n} chosen on this side; everyone chosen was asked for by name or "
        f"captured earlier (last chosen captured {since or 'on an unknown date'}), "
        f"this person captured {c.captured_on or 'on an unknown date'}"
    )


def _balanced(
    rest: dict[str, list[Candidate]], codes: tuple[str, str], count: int, attrs: list[str]
) -> dict:
    """CP-SAT: how many of each group to take on each side, so that each attribute value has
    the same number on both sides (as near as the pools allow), then as high in priority as
    possible. Two solves: the least imbalance, then the best priority at that imbalance."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    groups: dict[tuple[str, tuple[str, ...]], list[Candidate]] = {}
    for code in codes:
        for c in rest[code]:  # already in priority order
            groups.setdefault((code, tuple(getattr(c, a) or "—" for a in attrs)), []).append(c)
    total = sum(len(v) for v in rest.values()) or 1
    # Score of a person: asked for by name outranks any captivity; earlier capture outranks later.
    # Prefix sums over a group sorted by priority are concave, so "take the top x" is exact.
    rank = {id(c): i for code in codes for i, c in enumerate(sorted(rest[code], key=_priority))}

    def score(c: Candidate) -> int:
        return (2 * total if c.asked else 0) + (total - rank[id(c)])

    def build():
        model = cp_model.CpModel()
        x, v = {}, {}
        for key, members in groups.items():
            scores = [score(c) for c in members]
            prefix = [0, *accumulate(scores)]
            x[key] = model.NewIntVar(0, len(members), f"x{len(x)}")
            v[key] = model.NewIntVar(0, prefix[-1], f"v{len(v)}")
            # v ≤ the concave prefix-sum of the group's scores, as an upper envelope of tangents
            # at up to TANGENTS breakpoints: exact at the breakpoints, a slight overestimate
            # between them. (An exact table, AddElement over 10,000 entries per group, took
            # CP-SAT 10 s on 10,000 per side; this takes well under one.)
            step = max(1, len(members) // TANGENTS)
            for k in sorted({*range(0, len(members), step), len(members)}):
                slope = scores[k] if k < len(members) else 0
                model.Add(v[key] <= prefix[k] + slope * (x[key] - k))
        for code in codes:
            model.Add(sum(x[k] for k in groups if k[0] == code) == count)
        devs = []
        for i, attr in enumerate(attrs):
            for value in {k[1][i] for k in groups}:
                side_sums = [
                    sum(x[k] for k in groups if k[0] == code and k[1][i] == value) for code in codes
                ]
                d = model.NewIntVar(0, count, f"d_{attr}_{len(devs)}")
                model.Add(d >= side_sums[0] - side_sums[1])
                model.Add(d >= side_sums[1] - side_sums[0])
                devs.append(d)
        return model, x, v, devs

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = SOLVER_SECONDS
    solver.parameters.num_workers = 2
    model, x, v, devs = build()
    model.Minimize(sum(devs))
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValidationFailed(
            "The planner found no plan.", detail={"fields": {"balance": "no feasible plan"}}
        )
    imbalance = int(solver.ObjectiveValue())
    first = {key: solver.Value(var) for key, var in x.items()}
    model, x, v, devs = build()
    model.Add(sum(devs) <= imbalance)
    model.Maximize(sum(v.values()))
    for key, var in x.items():  # the first solve's counts are feasible here too
        model.AddHint(var, first[key])
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValidationFailed(
            "The planner found no plan.", detail={"fields": {"balance": "no feasible plan"}}
        )
    for key, members in groups.items():
        code, values = key
        other = codes[1] if code == codes[0] else codes[0]
        n = solver.Value(x[key])
        label = ", ".join(f"{a}={val}" for a, val in zip(attrs, values, strict=True))
        last = members[n - 1] if n else None
        for i, c in enumerate(members):
            if i < n:
                c.chosen = True
                if c.asked:
                    c.why.append(f"asked_for_by_name: {other} asked for this person by name")
                c.why.append(
                    f"long_captivity: captured {c.captured_on or 'on an unknown date'}, "
                    f"#{i + 1} of {len(members)} with {label}"
                )
            else:
                c.why.append(
                    f"balance: {n} of {len(members)} with {label} taken on this side to match "
                    f"{other}; the ones taken were asked for by name or captured earlier "
                    f"(last taken captured {(last.captured_on if last else None) or 'n/a'})"
                )
    return {
        "used": True,
        "engine": "OR-Tools CP-SAT",
        "status": solver.StatusName(status),
        "groups": len(groups),
        "imbalance": imbalance,
        "seconds": round(time.perf_counter() - started, 3),
    }
