"""Reads for the claims pages and API: claims grouped by population, and each confirmed claim
beside what the register can show for the same population and date.

The register's side is counts only, never persons, and counts under stats.SMALL_COUNT are
suppressed exactly as the stats pages do (a count of 1 or 2 can identify a person).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from homeward.exchanges.models import ChangeKind, Reason, VersionChange
from homeward.lib.dates import PartialDate
from homeward.registry.models import Detention, Nationality, Person, StatusEvent, StatusKind
from homeward.stats.selectors import SMALL_COUNT, last_month_end

from .models import Claim, ClaimStatus, Counts, interval_text

# The status events that stand for each class of claim.
EVENT_KINDS: dict[str, list[str]] = {
    Counts.EXCHANGED: [StatusKind.EXCHANGED],
    Counts.REFUSED_REPATRIATION: [StatusKind.REFUSED_VERIFIED, StatusKind.REFUSED_UNVERIFIED],
    Counts.JOINED_FORCES: [StatusKind.JOINED_FORCES],
    Counts.DIED: [StatusKind.DIED],
}
GOOD_RELIABILITY = ("A", "B")
GOOD_CREDIBILITY = ("1", "2")


@dataclass
class Figure:
    """What the register shows for a claim's population: a count and how it is sourced."""

    available: bool
    count: int | None = None  # None: suppressed (small) or not available
    sourced: int | None = None
    graded_b2: int | None = None  # sourced by a source graded B2 or better
    by_reason: list[tuple[str, int | None]] = field(default_factory=list)
    what: str = ""

    def text(self) -> str:
        if not self.available:
            return _("register: no figure for this")
        n = _n(self.count)
        parts = [_("register: %(n)s %(what)s") % {"n": n, "what": self.what}]
        if self.sourced is not None or self.graded_b2 is not None:
            parts.append(
                _("%(s)s sourced, of them %(g)s graded B2 or better")
                % {"s": _n(self.sourced), "g": _n(self.graded_b2)}
            )
        if self.by_reason:
            parts.append(", ".join(f"{r}: {_n(c)}" for r, c in self.by_reason))
        return "; ".join(parts)


def _n(v: int | None) -> str:
    return f"< {SMALL_COUNT}" if v is None else f"{v:,}"


def _cell(n: int) -> int | None:
    return None if 0 < n < SMALL_COUNT else n


def _population(claim: Claim, prefix: str = "") -> Q:
    """The claim's population as a condition on persons (`prefix`: the path to the person)."""
    q = Q(**{f"{prefix}merged_into__isnull": True})
    if claim.of_party_id:
        q &= Q(**{f"{prefix}home_party_id": claim.of_party_id})
    if claim.category == "civilians":
        q &= Q(**{f"{prefix}category": "civilian"})
    elif claim.category == "soldiers":
        q &= Q(**{f"{prefix}category": "military"})
    return q


def _persons(claim: Claim):
    return Person.objects.filter(_population(claim))


def register_figure(claim: Claim, as_of: dt.date | None = None) -> Figure:
    """The register's count for the claim's population as of its date, counts under
    SMALL_COUNT suppressed."""
    as_of = as_of or claim.refers_to or timezone.localdate()
    upto = PartialDate.from_date(as_of)
    persons = _persons(claim)
    if claim.counts in EVENT_KINDS:
        events = StatusEvent.objects.filter(
            kind__in=EVENT_KINDS[claim.counts],
            superseded_by__isnull=True,
            date__lte=upto,
        ).filter(
            # A join on the event's person, not `person IN (every person of the population)`:
            # SQLite walked 200,000 persons' events for that (0.4 s a count at 200,000).
            _population(claim, "person__")
        )
        if claim.held_by_id and claim.counts != Counts.EXCHANGED:
            events = events.filter(person__detentions__detaining_party_id=claim.held_by_id)
        # The events' persons and sources' grades, counted here: a DISTINCT in SQL made SQLite
        # walk every event in person order.
        seen: set[int] = set()
        graded: set[int] = set()
        for person_id, reliability, credibility in events.values_list(
            "person_id", "source__reliability", "source__credibility"
        ):
            seen.add(person_id)
            if reliability in GOOD_RELIABILITY and credibility in GOOD_CREDIBILITY:
                graded.add(person_id)
        count, good = len(seen), len(graded)
        what: str = {
            Counts.EXCHANGED: _("persons recorded exchanged"),
            Counts.REFUSED_REPATRIATION: _("persons recorded refusing repatriation"),
            Counts.JOINED_FORCES: _("persons recorded as joined the detaining forces"),
            Counts.DIED: _("persons recorded dead"),
        }[Counts(claim.counts)]
        # Every status event has a source; "sourced" counts the persons of the events.
        return Figure(True, _cell(count), _cell(count), _cell(good), what=str(what))
    if claim.counts in (Counts.HELD, Counts.FOREIGNERS_HELD):
        latest = Detention.objects.filter(person=OuterRef("pk")).order_by("-created_at", "-id")
        ended = StatusEvent.objects.filter(
            person=OuterRef("pk"),
            superseded_by__isnull=True,
            date__lte=upto,
            kind__in=[
                StatusKind.EXCHANGED,
                StatusKind.REPATRIATED,
                StatusKind.RELEASED,
                StatusKind.DIED,
                StatusKind.ESCAPED,
            ],
        )
        qs = persons.annotate(holder_id=Subquery(latest.values("detaining_party_id")[:1]))
        # (One condition on the holder: each is a correlated look-up per person.)
        if claim.held_by_id:
            qs = qs.filter(holder_id=claim.held_by_id)
        else:
            qs = qs.filter(holder_id__isnull=False)
        qs = qs.exclude(pk__in=ended.values("person"))
        if claim.counts == Counts.FOREIGNERS_HELD:
            qs = qs.exclude(home_party__code__in=["UA", "RU"]).filter(
                pk__in=Nationality.objects.exclude(country__in=["UA", "RU"]).values("person")
            )
        return Figure(True, _cell(qs.count()), what=str(_("persons held")))
    if claim.counts in (Counts.REMOVED_FROM_LISTS, Counts.NOT_ACCEPTED):
        changes = VersionChange.objects.filter(kind=ChangeKind.REMOVED, at__date__lte=as_of)
        if claim.of_party_id:
            changes = changes.filter(person__home_party_id=claim.of_party_id)
        if claim.counts == Counts.NOT_ACCEPTED:
            changes = changes.filter(reason=Reason.WITHDRAWN)
        labels = dict(Reason.choices)
        by_reason = defaultdict(set)
        for person_id, reason in changes.values_list("person_id", "reason"):
            by_reason[reason].add(person_id)
        total = len(set().union(*by_reason.values())) if by_reason else 0
        what = (
            _("persons removed from exchange lists")
            if claim.counts == Counts.REMOVED_FROM_LISTS
            else _("persons withdrawn from lists by the requesting party")
        )
        return Figure(
            True,
            _cell(total),
            by_reason=[
                (str(labels.get(r, r)), _cell(len(ids))) for r, ids in sorted(by_reason.items())
            ],
            what=str(what),
        )
    return Figure(False)


def claim_text(claim: Claim) -> str:
    """'claimed ≥ 1,001 by sources in Russian security structures (RU) via TASS'."""
    who = claim.claimant or _("an unnamed claimant")
    side = f" ({claim.side.code})" if claim.side else ""
    return _("claimed %(interval)s by %(who)s%(side)s via %(outlet)s") % {
        "interval": interval_text(claim.low, claim.high, claim.kind),
        "who": who,
        "side": side,
        "outlet": claim.report.outlet,
    }


def gap_text(claim: Claim, figure: Figure) -> str:
    """The gap stated plainly, no verdict."""
    base = f"{claim_text(claim)}; {figure.text()}"
    if not figure.available or figure.count is None or claim.kind != "count":
        return base
    n = figure.count
    if claim.low is not None and n < claim.low:
        return (
            base
            + "; "
            + _("the register shows %(d)s fewer than the claim's lower bound")
            % {"d": f"{int(claim.low - n):,}"}
        )
    if claim.high is not None and n > claim.high:
        return (
            base
            + "; "
            + _("the register shows %(d)s more than the claim's upper bound")
            % {"d": f"{int(n - claim.high):,}"}
        )
    return base + "; " + _("the register's count lies within the claimed interval")


def confirmed() -> Q:
    return Q(status=ClaimStatus.CONFIRMED)


def populations() -> list[dict]:
    """Confirmed claims grouped by population, the groups with conflicting claims first."""
    claims = (
        Claim.objects.filter(confirmed())
        .select_related("report", "side", "held_by", "of_party")
        .order_by("refers_to", "id")
    )
    groups: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        groups[c.population_key].append(c)
    out: list[dict] = []
    for key, items in groups.items():
        figure = register_figure(items[-1], as_of=timezone.localdate())
        out.append(
            {
                "key": key,
                "label": population_label(items[0]),
                "claims": [{"claim": c, "text": gap_text(c, register_figure(c))} for c in items],
                "conflicting": _conflicting(items),
                "figure": figure,
            }
        )
    out.sort(key=lambda g: (not g["conflicting"], -len(g["claims"]), str(g["key"])))
    return out


def _conflicting(items: list[Claim]) -> bool:
    """Two claims about the same population and month (or both undated) that state different
    intervals. Figures of different dates (two exchanges) are a timeline, not a conflict."""
    by_month: dict[str, set] = defaultdict(set)
    for c in items:
        by_month[c.refers_to.strftime("%Y-%m") if c.refers_to else ""].add((c.low, c.high))
    return any(len(v) > 1 for v in by_month.values())


def population_label(claim: Claim) -> str:
    parts = [claim.get_counts_display()]
    if claim.of_party:
        parts.append(_("of %(p)s") % {"p": claim.of_party.code})
    if claim.held_by:
        parts.append(_("held by %(p)s") % {"p": claim.held_by.code})
    return " ".join(str(p) for p in parts)


def population_claims(key: str) -> list[Claim]:
    if not re.fullmatch(r"[a-z_]{1,24}\.[A-Z0-9-]{1,16}\.[A-Z0-9-]{1,16}", key):
        return []
    parts = key.split(".")
    counts, held, of = (None if p == "-" else p for p in parts)
    qs = Claim.objects.filter(confirmed(), counts=counts or "").select_related(
        "report", "side", "held_by", "of_party"
    )
    qs = qs.filter(held_by__code=held) if held else qs.filter(held_by__isnull=True)
    qs = qs.filter(of_party__code=of) if of else qs.filter(of_party__isnull=True)
    return list(qs.order_by("refers_to", "id"))


# The dashboard's chart of claims shows at most this many, the latest first.
CHART_CLAIMS = 40


def chart_rows(last: str, party: str = "") -> list[tuple[str, int, int | None]]:
    """The latest confirmed count claims dated up to the end of the month `last` (their date,
    else their report's; claims are few and far between, so not only those of one period), about
    `party` if given (held by it or its nationals), oldest first: (label, the claimed figure —
    its lower bound, else its upper —, the register's count as of the claim's date, None when
    suppressed). Claims the register has no figure for are left out.

    Each claim's count is a query over the register (0.05–0.5 s at 200,000 persons), so the rows
    are kept until the month changes, like the rest of the suppressed figures, or a claim is
    added or decided."""
    claims = Claim.objects.aggregate(i=Max("id"), d=Max("decided_at"))
    month = last_month_end(timezone.now().date()).isoformat()
    # (The labels are in the reader's language.)
    stamp = f"{claims['i']}|{claims['d']}|{month}|{party}|{last}|{get_language()}"
    key = "claims:chart:" + hashlib.sha256(stamp.encode()).hexdigest()
    rows = cache.get(key)
    if rows is None:
        rows = _chart_rows(last, party)
        cache.set(key, rows, timeout=3600)
    return rows


def _chart_rows(last: str, party: str) -> list[tuple[str, int, int | None]]:
    rows = []
    claims = (
        Claim.objects.filter(confirmed(), kind="count")
        .select_related("report", "side", "held_by", "of_party")
        .order_by("-refers_to", "-id")
    )
    if party:
        claims = claims.filter(Q(held_by__code=party) | Q(of_party__code=party))
    for claim in claims:
        when = claim.refers_to or claim.report.published_on
        claimed = claim.low if claim.low is not None else claim.high
        if when is None or claimed is None or when.strftime("%Y-%m") > last:
            continue
        figure = register_figure(claim)
        if not figure.available:
            continue
        label = f"{when.isoformat()} {population_label(claim)} ({claim.report.outlet})"
        rows.append((label, int(claimed), figure.count))
        if len(rows) == CHART_CLAIMS:
            break
    return rows[::-1]
