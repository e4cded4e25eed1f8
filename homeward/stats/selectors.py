"""The figures each role may see.

Roles that see personal data get the register's figures as of today, unsuppressed. Everyone else
(analyst, auditor, admin, the public export) gets the frozen snapshot of the last month's end with
complementary cell suppression (see suppression.py and docs/statistics.md).
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.exchanges.models import Handover
from homeward.ledger.models import Entry
from homeward.registry.models import Person, StatusEvent

from .facts import refresh
from .figures import compute, month_range
from .models import RefreshLock, Snapshot
from .suppression import Cube, protect

SMALL_COUNT = 5
FIRST_YEAR = 2014
# The longest period a caseworker's flows chart shows, in months (a row each).
MAX_MONTHS = 36


def last_month_end(today: dt.date) -> dt.date:
    return today.replace(day=1) - dt.timedelta(days=1)


def clamp_year(year: int | None, today: dt.date) -> int:
    if year is None or not FIRST_YEAR <= year <= today.year:
        return last_month_end(today).year
    return year


def _month(text: str | None) -> str | None:
    """ "YYYY-MM" if `text` is one, else None."""
    if not text or len(text) != 7 or text[4] != "-":
        return None
    y, m = text[:4], text[5:]
    if not (y.isdigit() and m.isdigit() and 1 <= int(m) <= 12):
        return None
    return text


def _month_end(month: str) -> dt.date:
    y, m = int(month[:4]), int(month[5:])
    return (dt.date(y + m // 12, m % 12 + 1, 1)) - dt.timedelta(days=1)


def clamp_period(first: str | None, last: str | None, latest: dt.date) -> tuple[str, str]:
    """A valid period of months between January of FIRST_YEAR and `latest`'s month, at most
    MAX_MONTHS long; a missing end defaults to the other's year (or `latest`'s)."""
    low, high = f"{FIRST_YEAR}-01", latest.strftime("%Y-%m")
    a, b = _month(first), _month(last)
    if a is None and b is None:
        a, b = f"{latest.year}-01", f"{latest.year}-12"
    elif a is None:
        a = f"{b[:4]}-01"  # type: ignore[index]
    elif b is None:
        b = f"{a[:4]}-12"
    assert a is not None and b is not None
    if a > b:
        a, b = b, a
    # The end may run to December of `latest`'s year (the months after it are empty rows).
    b = min(b, f"{latest.year}-12")
    a = max(low, min(a, high))
    b = max(a, b)
    months = month_range(a, b)
    if len(months) > MAX_MONTHS:
        a = months[-MAX_MONTHS]
    return a, b


def safe_figures(
    *, year: int | None = None, today: dt.date | None = None
) -> tuple[dt.date, int, dict[str, Cube]]:
    """The suppressed figures: as of the end of `year` (or of the last complete month, whichever
    is earlier), flows of that year's months, frozen on first use."""
    today = today or timezone.now().date()
    year = clamp_year(year, today)
    as_of = min(dt.date(year, 12, 31), last_month_end(today))
    snap = Snapshot.objects.filter(as_of=as_of, year=year).first()
    if snap is None:
        cubes = compute(as_of=as_of, months=month_range(f"{year}-01", f"{year}-12"))
        data = {name: protect(cube, SMALL_COUNT).to_json() for name, cube in cubes.items()}
        try:
            with transaction.atomic():
                snap = Snapshot.objects.create(as_of=as_of, year=year, data=data)
        except IntegrityError:
            # Another request froze it first: theirs is the published one.
            snap = Snapshot.objects.get(as_of=as_of, year=year)
    return as_of, year, {name: Cube.from_json(d) for name, d in snap.data.items()}


def figures_for(user: User, *, first: str | None = None, last: str | None = None) -> dict:
    """{"as_of", "period", "year", "suppressed", "cubes"} for the dashboard; `period` is the
    (first, last) months the flows and exchanges charts show."""
    today = timezone.now().date()
    # Only the intermediary's caseworkers see every person; a bureau officer or a mediator sees
    # some persons, so live figures over all of them would tell it what it may not see.
    if user.role != Role.CASEWORKER:
        # The suppressed figures come only from the frozen snapshot of one year: a period is a
        # slice of its month rows, never a new sum, so two overlapping periods show the same
        # cells of one jointly protected table and nothing can be subtracted (the period is
        # kept within the end's year; the stock figures are as of that snapshot's date).
        end = last_month_end(today)
        a, b = clamp_period(first, last, end)
        year = clamp_year(int(b[:4]), today)
        a, b = max(a, f"{year}-01"), min(max(b, f"{year}-01"), f"{year}-12")
        as_of, year, cubes = safe_figures(year=year, today=today)
        return {
            "as_of": as_of,
            "period": (a, b),
            "year": year,
            "suppressed": True,
            "cubes": cubes,
        }
    a, b = clamp_period(first, last, today)
    as_of = min(_month_end(b), today)
    # Facts first: the key below then moves with any write the triggers saw (detentions and
    # nationalities included), and the register's version with exchanges and handovers.
    refresh()
    runs = RefreshLock.objects.filter(pk=1).values_list("runs", flat=True).first()
    key = f"stats:live:{as_of}:{a}:{b}:{register_version()}:{runs}"
    cubes = cache.get(key)
    if cubes is None:
        cubes = compute(as_of=as_of, months=month_range(a, b))
        cache.set(key, cubes, timeout=3600)
    return {
        "as_of": as_of,
        "period": (a, b),
        "year": int(b[:4]),
        "suppressed": False,
        "cubes": cubes,
    }


def register_version() -> str:
    """Changes with every write the figures depend on: every action appends a ledger entry in its
    transaction (STYLE), so the log's size moves with any committed write; the register's own
    counters are added so that a write outside an action (a migration, a bulk load) is seen too.
    Nothing here is deleted (append-only register and log), so the largest ids suffice; each is
    one index lookup, where a COUNT would scan a million rows."""
    parts = [
        Entry.objects.aggregate(m=Max("id"))["m"],
        Person.objects.aggregate(m=Max("id"))["m"],
        StatusEvent.objects.aggregate(m=Max("id"))["m"],
        Handover.objects.aggregate(m=Max("id"))["m"],
    ]
    return "-".join(str(p) for p in parts)
