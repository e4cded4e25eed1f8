"""The figures the dashboard and the public export show, as cubes (see suppression.py).

Everything is computed from the register as of a date: status events dated on or before it (a
partial date "2025" or "2025-03" sorts before any day in that period, the honest reading), the
latest detention's party as the holder; flows (captured, exchanged, released, died) and exchanges
within a period of months. The per-person facts maintained by facts.py make each figure one
GROUP BY over the facts (200,000 rows at the benchmark's size), so a caseworker's first paint after
a write costs tens of milliseconds, not a pass over a million events. tests/reference.py keeps that
pass; a test checks that both agree on random registers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from homeward.exchanges.models import Exchange, ExchangeState, Handover, Outcome
from homeward.registry.models import StatusKind
from homeward.tracing.models import Inquiry

from .facts import (
    CAPTURED,
    CIVILIAN,
    DIED,
    EXCHANGED,
    FOREIGN,
    JOINED,
    NO_PARTY,
    REFUSALS,
    RELEASED,
    SOLDIER,
    day,
    refresh,
)
from .models import EventFact, PersonFact, StateFact
from .suppression import Cube

__all__ = ["CATEGORIES", "FLOWS", "NO_PARTY", "NONE", "compute", "month_range"]

NONE = "none"

# Categories the dashboard filters on: non-overlapping, so one cube holds them all.
CATEGORIES = [SOLDIER, CIVILIAN, FOREIGN]
FLOWS = [CAPTURED, EXCHANGED, RELEASED, DIED]

# Time in captivity, in days: upper bounds of the buckets (the last is open).
DURATIONS = [("lt3m", 91), ("3-6m", 183), ("6-12m", 365), ("1-2y", 730), ("gt2y", None)]
GRADES = ["A", "B", "C", "D", "E", "F"]


def month_range(first: str, last: str) -> list[str]:
    """["2025-11", "2025-12", "2026-01"] for ("2025-11", "2026-01")."""
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def compute(*, as_of: dt.date, months: list[str]) -> dict[str, Cube]:
    """Every figure as of `as_of` (flows and exchanges: within `months`, up to `as_of`),
    unsuppressed."""
    refresh()
    return cubes(counts(as_of=as_of, months=months), as_of=as_of, months=months)


# Above this many persons a figure is recomputed rather than moved by their change.
DELTA_UP_TO = 2_000


def counts(
    *, as_of: dt.date, months: list[str], pids: list[int] | None = None
) -> dict[str, Counter]:
    """The counts behind every figure but the exchanges, over the persons `pids` (None: all),
    from the facts as they are (no refresh). Counts are sums over persons, so the figure of a
    register after a change is the one before, minus the changed persons' counts before, plus
    theirs after (selectors.figures_for keeps the caseworker's figures so)."""
    end = as_of.isoformat()
    holders: Counter = Counter()
    by_status: Counter = Counter()
    nationalities: Counter = Counter()
    refusals: Counter = Counter()
    durations: Counter = Counter()

    def scoped(qs):
        return qs if pids is None else qs.filter(person_id__in=pids)

    def grouped(qs, *cols):
        return scoped(qs).values_list(*cols).annotate(n=Count("pk")).order_by()

    for holder, n in grouped(PersonFact.objects.all(), "holder"):
        holders[holder] += n
    days = Coalesce(F("ended_day"), Value(as_of.toordinal())) - F("captured_day")
    bucket = Case(
        When(captured_day__isnull=True, then=Value(-1)),
        *(When(days__lt=limit, then=Value(i)) for i, (_, limit) in enumerate(DURATIONS) if limit),
        default=Value(len(DURATIONS) - 1),
        output_field=IntegerField(),
    )

    def add(qs, *, with_events: bool = True) -> None:
        """Counts persons in `qs` (rows with status, holder, category, country, refusal,
        captured_day, ended_day as of `end`; without events: counted with no status). One scan:
        a single GROUP BY over every column a figure needs, summed into each figure here."""
        if not with_events:
            for party, cat, country, n in grouped(qs, "holder", "category", "country"):
                by_status[(NONE, party, cat)] += n
                if country:
                    nationalities[(country, party)] += n
            return
        rows = grouped(
            qs.annotate(days=days, bucket=bucket),
            "status",
            "holder",
            "category",
            "country",
            "refusal",
            "bucket",
        )
        for status, party, cat, country, refusal, b, n in rows:
            by_status[(status or NONE, party, cat)] += n
            if country:
                nationalities[(country, party)] += n
            if refusal:
                refusals[(refusal, party, cat)] += n
            if b >= 0:
                durations[(DURATIONS[b][0], party, cat)] += n

    # Persons whose last event is dated by `end` (or who have none): their stored facts hold; a
    # person with no event by then counts if registered by then.
    add(
        PersonFact.objects.filter(Q(last_date__isnull=True) | Q(last_date__lte=end)).filter(
            Q(status__isnull=False) | Q(registered_on__lte=as_of)
        )
    )
    # Persons with events after `end`: their state after their last event by then, …
    add(StateFact.objects.filter(next_date__gt=end, date__lte=end))
    # … or, with no event by then, no status (if registered by then).
    add(
        PersonFact.objects.filter(first_date__gt=end, registered_on__lte=as_of),
        with_events=False,
    )
    flows: Counter = Counter()
    for month, kind, party, cat, n in grouped(
        EventFact.objects.filter(kind__in=FLOWS, month__in=months, date__lte=end),
        "month",
        "kind",
        "holder",
        "category",
    ):
        flows[(month, kind, party, cat)] += n
    joined: Counter = Counter()
    for grade, party, cat, n in grouped(
        EventFact.objects.filter(kind=JOINED, date__lte=end), "grade", "holder", "category"
    ):
        joined[(grade, party, cat)] += n

    return {
        "holders": holders,
        "status": by_status,
        "nationality": nationalities,
        "refusals": refusals,
        "captivity": durations,
        "flows": flows,
        "joined": joined,
    }


def cubes(c: dict[str, Counter], *, as_of: dt.date, months: list[str]) -> dict[str, Cube]:
    """The cubes of `counts`' counts, and the exchanges (read live: a few rows)."""
    parties = sorted(h for h, n in c["holders"].items() if n) or [NO_PARTY]
    by_status, nationalities, refusals = c["status"], c["nationality"], c["refusals"]
    durations, flows, joined = c["captivity"], c["flows"], c["joined"]
    statuses = [s for s in StatusKind.values if any(k[0] == s for k in by_status)]
    if any(k[0] == NONE for k in by_status):
        statuses.append(NONE)
    return {
        "status": Cube.from_counts(
            ["status", "party", "category"], [statuses, parties, CATEGORIES], by_status
        ),
        "flows": Cube.from_counts(
            ["month", "flow", "party", "category"],
            [months, FLOWS, parties, CATEGORIES],
            flows,
        ),
        "nationality": Cube.from_counts(
            ["country", "party"], [sorted({k[0] for k in nationalities}), parties], nationalities
        ),
        "refusals": Cube.from_counts(
            ["refusal", "party", "category"], [REFUSALS, parties, CATEGORIES], refusals
        ),
        "joined": Cube.from_counts(
            ["grade", "party", "category"], [GRADES, parties, CATEGORIES], joined
        ),
        "captivity": Cube.from_counts(
            ["duration", "party", "category"],
            [[b for b, _ in DURATIONS], parties, CATEGORIES],
            durations,
        ),
        **_exchanges(as_of, day(months[0])),
        **_inquiries(as_of, months),
    }


def _exchanges(as_of: dt.date, start: dt.date) -> dict[str, Cube]:
    """Completed exchanges from `start` up to `as_of`: persons handed over by each side, and the wounded among
    them reported outside the count (as exchange announcements do)."""
    exchanges = list(
        Exchange.objects.filter(state=ExchangeState.COMPLETED, date__gte=start, date__lte=as_of)
        .order_by("date", "id")
        .values_list("id", "date", "transit_country")
    )
    labels = {pk: f"{d.isoformat()} {t or NO_PARTY}" for pk, d, t in exchanges}
    handed: Counter = Counter()
    wounded: Counter = Counter()
    parties: set[str] = set()
    for ex, party, is_wounded in Handover.objects.filter(
        exchange_id__in=labels.keys(), outcome=Outcome.HANDED_OVER
    ).values_list("exchange_id", "from_party__code", "person__wounded"):
        parties.add(party)
        handed[(labels[ex], party)] += 1
        if is_wounded:
            wounded[(labels[ex], party)] += 1
    rows = list(dict.fromkeys(labels.values()))
    cols = sorted(parties) or [NO_PARTY]
    # Wounded are a subset of those handed over, not an addend: they are their own cube.
    return {
        "exchanges": Cube.from_counts(["exchange", "party"], [rows, cols], handed),
        "exchanges_wounded": Cube.from_counts(["exchange", "party"], [rows, cols], wounded),
    }


FILED, ANSWERED, WAITING = "filed", "answered", "waiting"
# Time to answer (answered inquiries) and time waited so far (unanswered ones), in days: upper
# bounds of the buckets (the last is open).
WAITS = [("lt1w", 7), ("1-4w", 28), ("1-3m", 91), ("gt3m", None)]


class _Days(Func):
    """Days from the second timestamp to the first, natively (Django's own date arithmetic on
    SQLite calls a Python function per row: 0.8 s for 100,000 inquiries)."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)",
            arg_joiner=" - ",
            **extra,
        )


class _Month(Func):
    """A timestamp's month as "YYYY-MM" (UTC), natively: SQLite keeps timestamps as UTC text."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM')",
            **extra,
        )


def _inquiries(as_of: dt.date, months: list[str]) -> dict[str, Cube]:
    """Families' inquiries (tracing): filed and answered by month within `months`, and as of
    `as_of` how long the answered ones took and how long the unanswered ones have waited; no
    person's data, counts only. Kept in the cache under the inquiries' stamp (`_inquiry_stamp`),
    so a paint reads three index look-ups, not 100,000 inquiries (≈ 0.1–0.25 s, see
    benchmarks/stats/inquiries.py), unless an inquiry was filed, answered or closed since."""
    key = f"stats:inquiries:{as_of}:{months[0]}:{months[-1]}:{_inquiry_stamp()}"
    kept = cache.get(key)
    if kept is None:
        kept = _inquiry_counts(as_of, months)
        cache.set(key, kept, timeout=3600)
    by_month, waits = kept
    return {
        "inquiries": Cube.from_counts(["month", "inquiry"], [months, [FILED, ANSWERED]], by_month),
        "answer_time": Cube.from_counts(
            ["wait", "inquiry"], [[w for w, _ in WAITS], [ANSWERED, WAITING]], waits
        ),
    }


def _inquiry_stamp() -> str:
    """Changes whenever the figures may: an inquiry filed (the largest id), answered (the latest
    answer: always the time it was sent) or closed (the latest closing). Inquiries are never
    deleted; each look-up is one index seek."""
    stamp = Inquiry.objects.aggregate(i=Max("id"), a=Max("answered_at"), c=Max("closed_at"))
    text = "|".join(str(stamp[k]) for k in ("i", "a", "c"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _inquiry_counts(as_of: dt.date, months: list[str]) -> tuple[Counter, Counter]:
    """The counts behind the inquiry cubes: one GROUP BY each, native comparisons only, read from
    the inquiries' date indexes. An inquiry answered, reopened and answered again counts at its
    latest answer; one closed counts as waiting only until it was closed."""
    end = dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC)
    start = dt.datetime.combine(day(months[0]), dt.time.min, tzinfo=dt.UTC)
    by_month: Counter = Counter()
    for field_name, what in (("created_at", FILED), ("answered_at", ANSWERED)):
        dated = Inquiry.objects.filter(**{f"{field_name}__gte": start, f"{field_name}__lte": end})
        for month, n in (
            dated.annotate(m=_Month(field_name)).values_list("m").annotate(n=Count("pk")).order_by()
        ):
            if month in months:
                by_month[(month, what)] += n
    waits: Counter = Counter()
    answered = Inquiry.objects.filter(answered_at__lte=end, created_at__lte=end)
    took = Case(
        *(When(days__lt=limit, then=Value(i)) for i, (_, limit) in enumerate(WAITS) if limit),
        default=Value(len(WAITS) - 1),
        output_field=IntegerField(),
    )
    rows = answered.annotate(days=_Days("answered_at", "created_at"), b=took)
    for b, n in rows.values_list("b").annotate(n=Count("pk")).order_by():
        waits[(WAITS[b][0], ANSWERED)] += n
    # Unanswered as of `as_of`: filed by then, neither answered nor closed by then.
    waiting = Inquiry.objects.filter(created_at__lte=end).exclude(answered_at__lte=end)
    waiting = waiting.exclude(closed_at__lte=end)
    age = Case(
        *(
            When(created_at__gt=end - dt.timedelta(days=limit), then=Value(i))
            for i, (_, limit) in enumerate(WAITS)
            if limit
        ),
        default=Value(len(WAITS) - 1),
        output_field=IntegerField(),
    )
    for b, n in waiting.annotate(b=age).values_list("b").annotate(n=Count("pk")).order_by():
        waits[(WAITS[b][0], WAITING)] += n
    return by_month, waits
