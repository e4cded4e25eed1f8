"""The figures each role may see.

Roles that see personal data get the register's figures as of today, unsuppressed. Everyone else
(analyst, auditor, admin, the public export) gets the frozen snapshot of the last month's end with
complementary cell suppression (see suppression.py and docs/statistics.md).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.exchanges.models import Exchange, ExchangeState, Handover
from homeward.ledger.models import Entry
from homeward.registry.models import Person, StatusEvent

from .charts import CHARTS
from .facts import refresh
from .figures import FLOWS, compute, month_range
from .figures import cubes as figure_cubes
from .kept import counts_for
from .models import EventFact, Snapshot
from .suppression import TOTAL, Cube, protect

SMALL_COUNT = 5
FIRST_YEAR = 2014
# The longest period a caseworker's flows chart shows, in months (a row each).
MAX_MONTHS = 36
# Every cube a chart reads.
CUBES = {spec["cube"] for spec in CHARTS.values()}
# How many years before the last complete month's the analyst's default looks for data.
YEARS_BACK = 5


def last_month_end(today: dt.date) -> dt.date:
    return today.replace(day=1) - dt.timedelta(days=1)


def latest_data_month(limit: dt.date) -> str | None:
    """The latest month, up to `limit`'s, with a flow (captured, exchanged, released, died) or a
    completed exchange; None if the register has none. One index seek per flow (EventFact's
    (kind, month) index) and one on the exchanges: a register whose data ends before this year
    (the demo's, 2023–2025) still opens on charts that show something."""
    top = limit.strftime("%Y-%m")
    found = [
        EventFact.objects.filter(kind=kind, month__gt="", month__lte=top)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
        for kind in FLOWS
    ]
    exchanged = (
        Exchange.objects.filter(state=ExchangeState.COMPLETED, date__lte=limit)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if exchanged is not None:
        found.append(exchanged.strftime("%Y-%m"))
    months = [m for m in found if m and m >= f"{FIRST_YEAR}-01"]
    return max(months) if months else None


def default_year(today: dt.date) -> int:
    """The analyst's (and the public export's) default year: the latest one, within YEARS_BACK of
    the last complete month, whose frozen snapshot shows a flow or an exchange; else that month's
    year. Read from the snapshots, never the live register, so that a write (a back-dated one
    included) cannot move the default between two visits: the default changes only when a new
    snapshot is frozen, as the figures themselves do."""
    latest = last_month_end(today).year
    for year in range(latest, max(FIRST_YEAR, latest - YEARS_BACK) - 1, -1):
        _, _, cubes = safe_figures(year=year, today=today)
        if any(
            cubes[name].values.get(cubes[name].key(*[TOTAL] * len(cubes[name].dims)))
            or cubes[name].hidden
            for name in ("flows", "exchanges")
        ):
            return year
    return latest


def default_period(today: dt.date) -> tuple[str, str]:
    """The caseworker's default: the MAX_MONTHS months ending with the latest month with data (a
    flow or an exchange), else the current year."""
    latest = latest_data_month(today)
    if latest is None:
        return f"{today.year}-01", f"{today.year}-12"
    return month_range(f"{FIRST_YEAR}-01", latest)[-MAX_MONTHS:][0], latest


def clamp_year(year: int | None, today: dt.date) -> int:
    if year is None or not FIRST_YEAR <= year <= today.year:
        return default_year(today)
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
    elif not CUBES <= snap.data.keys():
        # Frozen before a chart was added (the inquiries): its cubes are added once, as of the
        # same date and suppressed alike; the cubes already published stay as they were.
        cubes = compute(as_of=as_of, months=month_range(f"{year}-01", f"{year}-12"))
        with transaction.atomic():
            snap = Snapshot.objects.select_for_update().get(pk=snap.pk)
            for name in CUBES - snap.data.keys():
                snap.data[name] = protect(cubes[name], SMALL_COUNT).to_json()
            snap.save(update_fields=["data"])
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
        if _month(first) is None and _month(last) is None:
            # No (valid) period asked: the whole of the latest year with data.
            year = default_year(today)
            first, last = f"{year}-01", f"{year}-12"
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
    # The period first (from the facts, possibly behind by the queued writes), then the facts'
    # refresh, which moves the counts kept for each period by the persons it re-derives (kept.py).
    asked = _month(first) is not None or _month(last) is not None
    if not asked:
        first, last = default_period(today)
    a, b = clamp_period(first, last, today)
    refresh()
    if not asked and default_period(today) != (a, b):
        # The refresh moved the default period.
        a, b = clamp_period(*default_period(today), today)
    as_of = min(_month_end(b), today)
    totals = counts_for(as_of=as_of, first=a, last=b, is_default=not asked)
    cubes = figure_cubes(totals, as_of=as_of, months=month_range(a, b))
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
