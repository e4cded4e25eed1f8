"""The caseworker's counts, kept per period in the database and moved by every refresh.

Counting every figure afresh (figures.counts over the facts) costs about 1.7 s of CPU at 200,000
persons. The counts are sums over persons, so after a refresh that re-derived the persons P the
counts of a period are the kept ones, minus P's counts before, plus P's counts after.
`facts.refresh` does exactly that for every kept period, inside its lock and its transaction
(`Mover`): the counts move with the facts they were counted from, whichever process refreshes
(a page, the worker, the analyst's snapshot), so a first paint after a write in any process reads
a few rows instead of counting. A refresh of everyone, or of more than `DELTA_UP_TO` persons,
drops the kept counts; the next reader counts afresh and keeps them again.

A kept row names the number of refreshes it is current at (`RefreshLock.runs`); a reader uses it
only at that number, so a row a refresh passed by is never read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import IntegrityError, transaction

from .figures import DELTA_UP_TO, counts, month_range
from .models import KeptCounts, RefreshLock

# The default period and the latest periods asked; each costs the refresh two small counts.
MAX_KEPT = 4


def key_of(as_of: dt.date, first: str, last: str) -> str:
    return f"{as_of.isoformat()}:{first}:{last}"


def _parse(key: str) -> tuple[dt.date, list[str]]:
    as_of, first, last = key.split(":")
    return dt.date.fromisoformat(as_of), month_range(first, last)


def encode(c: dict[str, Counter]) -> dict[str, list]:
    return {
        name: [[list(k) if isinstance(k, tuple) else k, n] for k, n in counter.items()]
        for name, counter in c.items()
    }


def decode(data: dict[str, list]) -> dict[str, Counter]:
    return {
        name: Counter({(tuple(k) if isinstance(k, list) else k): n for k, n in items})
        for name, items in data.items()
    }


def _moved(kept: dict[str, Counter], old: dict[str, Counter], new: dict[str, Counter]) -> dict:
    """`kept` minus `old` plus `new`, per counter, without the cells that fall to zero."""
    out = {}
    for name, counter in kept.items():
        moved = Counter(counter)
        for k, n in old[name].items():
            moved[k] -= n
        for k, n in new[name].items():
            moved[k] += n
        out[name] = Counter({k: n for k, n in moved.items() if n})
    return out


def current_runs() -> int:
    return RefreshLock.objects.filter(pk=1).values_list("runs", flat=True).first() or 0


def counts_for(*, as_of: dt.date, first: str, last: str, is_default: bool) -> dict[str, Counter]:
    """The counts of the period as the facts stand: kept, or counted and kept."""
    key = key_of(as_of, first, last)
    runs = current_runs()
    data = KeptCounts.objects.filter(key=key, runs=runs).values_list("data", flat=True).first()
    if data is not None:
        return decode(data)
    totals = counts(as_of=as_of, months=month_range(first, last))
    # Kept only if no refresh committed while counting (the counts would then be of neither).
    if current_runs() == runs:
        _keep(key, runs, totals, is_default)
    return totals


def _keep(key: str, runs: int, totals: dict[str, Counter], is_default: bool) -> None:
    try:
        with transaction.atomic():
            if is_default:
                KeptCounts.objects.filter(is_default=True).exclude(key=key).update(is_default=False)
            KeptCounts.objects.update_or_create(
                key=key, defaults={"runs": runs, "data": encode(totals), "is_default": is_default}
            )
            surplus = KeptCounts.objects.filter(is_default=False).order_by("-stored_at", "-id")
            stale = list(surplus.values_list("id", flat=True)[MAX_KEPT - 1 :])
            if stale:
                KeptCounts.objects.filter(id__in=stale).delete()
    except IntegrityError:
        pass  # another reader kept the same period at the same moment: theirs stands


class Mover:
    """Moves the kept counts along with one refresh: made under the refresh's lock, `before`
    the refresh's number; rows at another number were passed by and are dropped."""

    def __init__(self, before: int):
        self.runs = before + 1
        KeptCounts.objects.exclude(runs=before).delete()
        self.rows = list(KeptCounts.objects.all())
        self.old: list[dict[str, Counter]] = []

    def drop(self) -> None:
        """Everyone (or too many) re-derived: count afresh on the next read."""
        KeptCounts.objects.all().delete()
        self.rows = []

    def before(self, pids: list[int]) -> None:
        if len(pids) > DELTA_UP_TO:
            self.drop()
            return
        self.old = [counts(as_of=a, months=m, pids=pids) for a, m in map(self._period, self.rows)]

    def after(self, pids: list[int]) -> None:
        for row, old in zip(self.rows, self.old, strict=True):
            as_of, months = self._period(row)
            new = counts(as_of=as_of, months=months, pids=pids)
            row.data = encode(_moved(decode(row.data), old, new))
            row.runs = self.runs
            row.save(update_fields=["data", "runs"])

    def unchanged(self) -> None:
        KeptCounts.objects.filter(id__in=[r.id for r in self.rows]).update(runs=self.runs)

    @staticmethod
    def _period(row: KeptCounts) -> tuple[dt.date, list[str]]:
        return _parse(row.key)
