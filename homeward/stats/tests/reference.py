"""The reference: the figures computed by one Python pass over every status event, as the
dashboard did before homeward/stats/facts.py (kept only to check the maintained facts against it;
the period is a list of months where it was a year). Do not optimise this file."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import CharField
from django.db.models.functions import Cast

from homeward.accounts.models import Party, PartyKind
from homeward.exchanges.models import Exchange, ExchangeState, Handover, Outcome
from homeward.registry.models import (
    FINAL_STATUSES,
    Category,
    Detention,
    Nationality,
    Person,
    StatusEvent,
    StatusKind,
)
from homeward.stats.suppression import Cube

NO_PARTY = "—"
NONE = "none"

# Categories the dashboard filters on: non-overlapping, so one cube holds them all.
SOLDIER, CIVILIAN, FOREIGN = "soldier", "civilian", "foreign"
CATEGORIES = [SOLDIER, CIVILIAN, FOREIGN]

CAPTURED, EXCHANGED, RELEASED, DIED = "captured", "exchanged", "released", "died"
FLOWS = [CAPTURED, EXCHANGED, RELEASED, DIED]
_FLOW_OF: dict[str, str] = {
    StatusKind.EXCHANGED: EXCHANGED,
    StatusKind.REPATRIATED: EXCHANGED,
    StatusKind.RELEASED: RELEASED,
    StatusKind.ESCAPED: RELEASED,
    StatusKind.DIED: DIED,
}
_CAPTURE_KINDS = {StatusKind.REPORTED_CAPTURED, StatusKind.NOTIFIED}

# Time in captivity, in days: upper bounds of the buckets (the last is open).
DURATIONS = [("lt3m", 91), ("3-6m", 183), ("6-12m", 365), ("1-2y", 730), ("gt2y", None)]
GRADES = ["A", "B", "C", "D", "E", "F"]
REFUSALS = [StatusKind.REFUSED_VERIFIED.value, StatusKind.REFUSED_UNVERIFIED.value]


def _day(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def compute(*, as_of: dt.date, months: list[str]) -> dict[str, Cube]:
    """Every figure as of `as_of` (flows: the `months` up to `as_of`), unsuppressed."""
    end = as_of.isoformat()
    state_codes = set(Party.objects.filter(kind=PartyKind.STATE).values_list("code", flat=True))
    # A person counts as of a date if an event about them is dated by then (a notification
    # entered today of a capture last year counts last year), or if registered by then.
    persons: dict[int, str] = {}
    registered_on: dict[int, dt.date] = {}
    for pid, category, created in Person.objects.filter(merged_into__isnull=True).values_list(
        "id", "category", "created_at"
    ):
        persons[pid] = category
        registered_on[pid] = created.date()
    holder: dict[int, str] = {}
    for pid, code in (
        Detention.objects.filter(person__merged_into__isnull=True)
        .order_by("person_id", "created_at", "id")
        .values_list("person_id", "detaining_party__code")
        .iterator(chunk_size=20000)
    ):
        holder[pid] = code
    foreign: dict[int, str] = {}
    for pid, country in (
        Nationality.objects.filter(person__merged_into__isnull=True)
        .exclude(country__in=state_codes)
        .order_by("person_id", "country")
        .values_list("person_id", "country")
    ):
        foreign.setdefault(pid, country)

    def group(pid: int) -> str:
        if pid in foreign:
            return FOREIGN
        return SOLDIER if persons[pid] == Category.MILITARY else CIVILIAN

    status: dict[int, str] = {}
    captured_on: dict[int, dt.date] = {}
    ended_on: dict[int, dt.date] = {}
    refusal: dict[int, str] = {}
    flows: Counter = Counter()
    joined: Counter = Counter()
    events = (
        StatusEvent.objects.filter(
            superseded_by__isnull=True, date__lte=end, person__merged_into__isnull=True
        )
        .order_by("person_id", "date", "recorded_at", "id")
        # The stored ISO text, not a PartialDate: parsing a million of them was half the time.
        .annotate(raw_date=Cast("date", output_field=CharField(max_length=10)))
        .values_list("person_id", "kind", "raw_date", "source__reliability")
        .iterator(chunk_size=20000)
    )
    in_period = set(months)
    for pid, kind, date, grade in events:
        date_text = str(date)
        prev = status.get(pid)
        status[pid] = kind
        flow = None
        if kind in _CAPTURE_KINDS and (prev is None or prev in FINAL_STATUSES):
            flow = CAPTURED
            captured_on[pid] = _day(date_text)
            ended_on.pop(pid, None)
        elif kind in _FLOW_OF and prev not in FINAL_STATUSES:
            flow = _FLOW_OF[kind]
            ended_on[pid] = _day(date_text)
        if flow and date_text[:7] in in_period and len(date_text) >= 7:
            flows[(date_text[:7], flow, holder.get(pid, NO_PARTY), group(pid))] += 1
        if kind in REFUSALS:
            refusal[pid] = kind
        if kind == StatusKind.JOINED_FORCES:
            joined[(grade or "F", holder.get(pid, NO_PARTY), group(pid))] += 1

    parties = sorted({holder.get(p, NO_PARTY) for p in persons}) or [NO_PARTY]
    by_status: Counter = Counter()
    durations: Counter = Counter()
    nationalities: Counter = Counter()
    refusals: Counter = Counter()
    for pid in persons:
        if pid not in status and registered_on[pid] > as_of:
            continue
        party, cat = holder.get(pid, NO_PARTY), group(pid)
        by_status[(status.get(pid, NONE), party, cat)] += 1
        if pid in foreign:
            nationalities[(foreign[pid], party)] += 1
        if pid in refusal:
            refusals[(refusal[pid], party, cat)] += 1
        if pid in captured_on:
            days = ((ended_on.get(pid) or as_of) - captured_on[pid]).days
            bucket = next(b for b, limit in DURATIONS if limit is None or days < limit)
            durations[(bucket, party, cat)] += 1
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
        **_exchanges(as_of, _day(months[0])),
    }


def _exchanges(as_of: dt.date, start: dt.date) -> dict[str, Cube]:
    """Completed exchanges up to `as_of`: persons handed over by each side, and the wounded among
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
