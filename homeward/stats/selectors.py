"""Aggregate figures. Counts under SMALL_COUNT are suppressed for roles that see no personal
data: a count of 1 or 2 in a cell can identify a person (GC III Art. 13)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery

from homeward.accounts.access import access_persons
from homeward.accounts.models import User
from homeward.registry.models import Detention, Person, StatusKind
from homeward.registry.selectors import with_current_status

SMALL_COUNT = 5


@dataclass
class Cell:
    value: int | None  # None: suppressed

    @property
    def suppressed(self) -> bool:
        return self.value is None


def _suppress(n: int, suppress: bool) -> Cell:
    return Cell(None if suppress and 0 < n < SMALL_COUNT else n)


def status_by_party(user: User) -> dict:
    """Rows: current status; columns: detaining party (of the latest detention)."""
    suppress = not user.sees_register  # the liaison sees aggregates, suppressed
    qs = Person.objects.filter(merged_into__isnull=True) if suppress else access_persons(user)
    latest = Detention.objects.filter(person=OuterRef("pk")).order_by("-created_at", "-id")
    qs = with_current_status(qs).annotate(
        holder=Subquery(latest.values("detaining_party__code")[:1])
    )
    counts: Counter = Counter()
    for row in qs.values("current_status", "holder").annotate(n=Count("id")).order_by():
        counts[(row["current_status"] or "", row["holder"] or "—")] += row["n"]
    parties = sorted({p for _, p in counts})
    labels = dict(StatusKind.choices)
    rows = []
    for status in [s for s in StatusKind.values if any(k[0] == s for k in counts)] + (
        [""] if any(k[0] == "" for k in counts) else []
    ):
        cells = [_suppress(counts.get((status, p), 0), suppress) for p in parties]
        total = sum(counts.get((status, p), 0) for p in parties)
        rows.append(
            {
                "status": labels.get(status, "no status"),
                "cells": cells,
                "total": _suppress(total, suppress),
            }
        )
    totals = [
        _suppress(sum(n for (s, p), n in counts.items() if p == party), suppress)
        for party in parties
    ]
    return {
        "parties": parties,
        "rows": rows,
        "totals": totals,
        "grand_total": _suppress(sum(counts.values()), suppress),
        "suppressed": suppress,
    }
