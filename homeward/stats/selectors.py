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

from .figures import compute
from .models import Snapshot
from .suppression import Cube, protect

SMALL_COUNT = 5
FIRST_YEAR = 2014


def last_month_end(today: dt.date) -> dt.date:
    return today.replace(day=1) - dt.timedelta(days=1)


def clamp_year(year: int | None, today: dt.date) -> int:
    if year is None or not FIRST_YEAR <= year <= today.year:
        return last_month_end(today).year
    return year


def safe_figures(
    *, year: int | None = None, today: dt.date | None = None
) -> tuple[dt.date, int, dict[str, Cube]]:
    """The suppressed figures: as of the end of `year` (or of the last complete month, whichever
    is earlier), frozen on first use."""
    today = today or timezone.now().date()
    year = clamp_year(year, today)
    as_of = min(dt.date(year, 12, 31), last_month_end(today))
    snap = Snapshot.objects.filter(as_of=as_of, year=year).first()
    if snap is None:
        cubes = compute(as_of=as_of, year=year)
        data = {name: protect(cube, SMALL_COUNT).to_json() for name, cube in cubes.items()}
        try:
            with transaction.atomic():
                snap = Snapshot.objects.create(as_of=as_of, year=year, data=data)
        except IntegrityError:
            # Another request froze it first: theirs is the published one.
            snap = Snapshot.objects.get(as_of=as_of, year=year)
    return as_of, year, {name: Cube.from_json(d) for name, d in snap.data.items()}


def figures_for(user: User, *, year: int | None = None) -> dict:
    """{"as_of", "year", "suppressed", "cubes"} for the dashboard."""
    # Only the intermediary's caseworkers see every person; a bureau officer or a mediator sees
    # some persons, so live figures over all of them would tell it what it may not see.
    if user.role != Role.CASEWORKER:
        as_of, year, cubes = safe_figures(year=year)
        return {"as_of": as_of, "year": year, "suppressed": True, "cubes": cubes}
    today = timezone.now().date()
    year = year if year and FIRST_YEAR <= year <= today.year else today.year
    as_of = min(dt.date(year, 12, 31), today)
    key = f"stats:live:{as_of}:{year}:{register_version()}"
    cubes = cache.get(key)
    if cubes is None:
        cubes = compute(as_of=as_of, year=year)
        cache.set(key, cubes, timeout=3600)
    return {"as_of": as_of, "year": year, "suppressed": False, "cubes": cubes}


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
