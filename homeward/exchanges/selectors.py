"""Reads of negotiations: scope, diffs between versions, one person's path across all lists, the
removal report and the passed-over report."""

from __future__ import annotations

import uuid as uuidlib
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from homeward.accounts.models import Role, User
from homeward.lib.errors import NotFound
from homeward.registry.models import FINAL_STATUSES, Detention, Person, StatusEvent

from .models import (
    ChangeKind,
    Exchange,
    ExchangeState,
    Handover,
    ListEntry,
    ListVersion,
    Negotiation,
    Outcome,
    PlanRun,
    VersionChange,
    VersionState,
)


def access_negotiations(user: User) -> QuerySet:
    """The two parties' bureau officers, the mediator and the intermediary's caseworkers; nobody
    else (a family liaison, analyst, auditor or admin sees no negotiation)."""
    qs = Negotiation.objects.select_related("party_a", "party_b", "mediator")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.CASEWORKER:
        return qs
    if user.role == Role.BUREAU_OFFICER and user.party_id:
        return qs.filter(Q(party_a_id=user.party_id) | Q(party_b_id=user.party_id))
    if user.role == Role.MEDIATOR and user.party_id:
        return qs.filter(mediator_id=user.party_id)
    return qs.none()


def _uuid(value) -> uuidlib.UUID | None:
    try:
        return uuidlib.UUID(str(value))
    except ValueError:
        return None


def access_negotiation(user: User, uuid) -> Negotiation:
    """One negotiation the user may see; one outside the scope is reported as not found."""
    key = _uuid(uuid)
    negotiation = access_negotiations(user).filter(uuid=key).first() if key else None
    if negotiation is None:
        raise NotFound("No such negotiation.")
    return negotiation


def access_version(user: User, uuid) -> ListVersion:
    key = _uuid(uuid)
    version = (
        ListVersion.objects.select_related(
            "exchange_list__party", "exchange_list__negotiation", "created_by"
        )
        .filter(uuid=key, exchange_list__negotiation__in=access_negotiations(user))
        .first()
        if key
        else None
    )
    if version is None:
        raise NotFound("No such list version.")
    return version


def access_exchanges(user: User) -> QuerySet:
    return Exchange.objects.filter(negotiation__in=access_negotiations(user)).select_related(
        "negotiation", "mediator"
    )


def access_exchange(user: User, uuid) -> Exchange:
    key = _uuid(uuid)
    exchange = access_exchanges(user).filter(uuid=key).first() if key else None
    if exchange is None:
        raise NotFound("No such exchange.")
    return exchange


def access_plan(user: User, uuid) -> PlanRun:
    """A planner run of a negotiation the user sees."""
    key = _uuid(uuid)
    run = (
        PlanRun.objects.select_related("negotiation", "created_by")
        .filter(uuid=key, negotiation__in=access_negotiations(user))
        .first()
        if key
        else None
    )
    if run is None:
        raise NotFound("No such plan.")
    return run


def versions_of(negotiation: Negotiation) -> QuerySet:
    return (
        ListVersion.objects.filter(exchange_list__negotiation=negotiation)
        .select_related("exchange_list__party", "created_by")
        .prefetch_related("approvals__by", "approvals__party", "approvals__key")
        .order_by("exchange_list__party__code", "-number")
    )


def latest_versions(negotiation: Negotiation) -> dict[str, ListVersion]:
    """Each party's latest version, by party code."""
    out: dict[str, ListVersion] = {}
    for v in versions_of(negotiation):
        out.setdefault(v.exchange_list.party.code, v)
    return out


@dataclass
class DiffRow:
    person_id: int
    person_uuid: uuidlib.UUID
    family_name: str
    given_name: str
    side: str
    reason: str | None = None
    text: str = ""
    by: str | None = None
    at: object = None
    version: int | None = None
    substituted_by: uuidlib.UUID | None = None

    @property
    def reason_label(self) -> str:
        from .models import Reason

        return str(Reason(self.reason).label) if self.reason else ""


@dataclass
class Diff:
    a: ListVersion
    b: ListVersion
    added: list[DiffRow] = field(default_factory=list)
    removed: list[DiffRow] = field(default_factory=list)


def diff(a: ListVersion, b: ListVersion) -> Diff:
    """Who is on `b` and not on `a`, and the reverse, each with the reason, who and when (the
    latest change recorded for that person on this list between the two versions).

    Cost: two anti-joins on the (version, person) unique index, then the changes of the few
    persons that differ; never a loop over all entries. Equal digests answer at once."""
    if a.exchange_list_id != b.exchange_list_id:
        raise NotFound("The versions belong to different lists.")
    out = Diff(a=a, b=b)
    if a.pk == b.pk or (a.digest and a.digest == b.digest):
        return out
    cols = ("person_id", "person__uuid", "person__family_name", "person__given_name", "side")

    def only_in(x: ListVersion, y: ListVersion) -> list[tuple]:
        return list(
            ListEntry.objects.filter(version=x)
            .exclude(person_id__in=ListEntry.objects.filter(version=y).values("person_id"))
            .order_by("person__family_name", "person__given_name", "person_id")
            .values_list(*cols)
        )

    added, removed = only_in(b, a), only_in(a, b)
    lo, hi = sorted((a.number, b.number))
    forward = b.number >= a.number
    changes: dict[tuple[int, str], VersionChange] = {}
    persons = [r[0] for r in added] + [r[0] for r in removed]
    if persons:
        for c in (
            VersionChange.objects.filter(
                version__exchange_list_id=a.exchange_list_id,
                version__number__gt=lo,
                version__number__lte=hi,
                person_id__in=persons,
            )
            .select_related("by", "substituted_by", "version")
            .order_by("version__number", "id")
        ):
            changes[(c.person_id, c.kind)] = c  # later versions overwrite: the latest change
    add_kind = ChangeKind.ADDED if forward else ChangeKind.REMOVED
    rem_kind = ChangeKind.REMOVED if forward else ChangeKind.ADDED
    out.added = [_row(r, changes.get((r[0], add_kind))) for r in added]
    out.removed = [_row(r, changes.get((r[0], rem_kind))) for r in removed]
    return out


def _row(r: tuple, change: VersionChange | None) -> DiffRow:
    return DiffRow(
        person_id=r[0],
        person_uuid=r[1],
        family_name=r[2],
        given_name=r[3],
        side=r[4],
        reason=change.reason if change else None,
        text=change.text if change else "",
        by=change.by.username if change else None,
        at=change.at if change else None,
        version=change.version.number if change else None,
        substituted_by=(
            change.substituted_by.uuid if change and change.substituted_by is not None else None
        ),
    )


@dataclass
class ListHistory:
    summary: str
    changes: list[VersionChange]
    substituted_for: list[VersionChange]
    versions: int
    handovers: list[Handover]


def list_history(person, *, negotiations: QuerySet | None = None) -> ListHistory:
    """One person's path across all versions of all negotiations (those in `negotiations`, the
    caller's scope, when given): every addition and removal with its reason, who and when; whom
    they replaced or were replaced by; and what happened at exchanges."""
    changes_qs = VersionChange.objects.filter(person=person)
    subs_qs = VersionChange.objects.filter(substituted_by=person)
    entries_qs = ListEntry.objects.filter(person=person)
    handovers_qs = Handover.objects.filter(person=person)
    if negotiations is not None:
        changes_qs = changes_qs.filter(version__exchange_list__negotiation__in=negotiations)
        subs_qs = subs_qs.filter(version__exchange_list__negotiation__in=negotiations)
        entries_qs = entries_qs.filter(version__exchange_list__negotiation__in=negotiations)
        handovers_qs = handovers_qs.filter(exchange__negotiation__in=negotiations)
    changes = list(
        changes_qs.select_related(
            "version__exchange_list__negotiation",
            "version__exchange_list__party",
            "by",
            "substituted_by",
        ).order_by("at", "id")
    )
    substituted_for = list(
        subs_qs.select_related("person", "version__exchange_list__party", "by").order_by("at")
    )
    handovers = list(handovers_qs.select_related("exchange", "from_party").order_by("recorded_at"))
    listed = sum(1 for c in changes if c.kind == ChangeKind.ADDED)
    removed = [c for c in changes if c.kind == ChangeKind.REMOVED]
    parts = []
    for c in removed:
        text = str(c.get_reason_display())
        if c.substituted_by is not None:
            text += f" {c.substituted_by.display_name}"
        parts.append(text)
    summary = (
        f"listed {listed} time{'s' if listed != 1 else ''}, "
        f"removed {len(removed)} time{'s' if len(removed) != 1 else ''}"
    )
    if parts:
        summary += ": " + "; ".join(dict.fromkeys(parts))
    for h in handovers:
        summary += f"; {h.get_outcome_display().lower()} on {h.exchange.date.isoformat()}"
    return ListHistory(
        summary=summary,
        changes=changes,
        substituted_for=substituted_for,
        versions=entries_qs.count(),
        handovers=handovers,
    )


def removal_report(negotiations: QuerySet) -> dict:
    """Names removed from lists at or after the moment they were proposed: removals whose base
    version had been proposed, countered or agreed, grouped by reason and by who removed them."""
    removals = VersionChange.objects.filter(
        kind=ChangeKind.REMOVED,
        version__exchange_list__negotiation__in=negotiations,
        version__parent__state__in=[
            VersionState.PROPOSED,
            VersionState.COUNTERED,
            VersionState.AGREED,
        ],
    )
    by_reason = list(removals.values("reason").annotate(n=Count("id")).order_by("-n", "reason"))
    by_who = list(
        removals.values("by__username", "by__party__code")
        .annotate(n=Count("id"))
        .order_by("-n", "by__username")
    )
    rows = list(
        removals.select_related(
            "person", "by", "substituted_by", "version__exchange_list__party", "version__parent"
        ).order_by("-at")[:500]
    )
    return {"total": removals.count(), "by_reason": by_reason, "by_who": by_who, "rows": rows}


def passed_over_report(negotiations: QuerySet, *, min_times: int = 2) -> list[dict]:
    """Persons passed over in `min_times` or more completed exchanges while others captured
    later went home: for each exchange and each sending party, anyone that party held, captured
    before the latest-captured person it handed over, and not handed over themselves.

    Cost: one query per completed exchange and party (exchanges are few); the held set is read
    from the detentions index, the capture dates compare as ISO text (partial dates included)."""
    passed: Counter[int] = Counter()
    where: dict[int, list[str]] = {}
    exchanges = Exchange.objects.filter(
        negotiation__in=negotiations, state=ExchangeState.COMPLETED
    ).order_by("date")
    for ex in exchanges:
        handed = Handover.objects.filter(exchange=ex, outcome=Outcome.HANDED_OVER)
        for party_id in set(handed.values_list("from_party_id", flat=True)):
            gone = handed.filter(from_party_id=party_id).values("person_id")
            latest = (
                Detention.objects.filter(detaining_party_id=party_id, person_id__in=gone)
                .exclude(captured_on__isnull=True)
                .order_by("-captured_on")
                .values_list("captured_on", flat=True)
                .first()
            )
            if latest is None:
                continue
            ended_before = StatusEvent.objects.filter(
                kind__in=list(FINAL_STATUSES),
                date__lt=ex.date.isoformat(),
                superseded_by__isnull=True,
            ).values("person_id")
            # Withheld or absent persons were passed over; those who went, refused or died not.
            settled = Handover.objects.filter(
                exchange=ex,
                outcome__in=[Outcome.HANDED_OVER, Outcome.REFUSED_VERIFIED, Outcome.DIED],
            )
            held = (
                Detention.objects.filter(
                    detaining_party_id=party_id,
                    captured_on__lt=str(latest),
                    person__merged_into__isnull=True,
                )
                .exclude(person_id__in=ended_before)
                .exclude(person_id__in=settled.values("person_id"))
                .values_list("person_id", flat=True)
                .distinct()
            )
            for pid in held:
                passed[pid] += 1
                where.setdefault(pid, []).append(ex.date.isoformat())
    ids = [pid for pid, n in passed.items() if n >= min_times]
    persons = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    return sorted(
        (
            {"person": persons[pid], "times": passed[pid], "exchanges": where[pid]}
            for pid in ids
            if pid in persons
        ),
        key=lambda r: (-r["times"], r["person"].family_name),
    )
