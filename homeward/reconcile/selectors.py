"""Reads of the reconciliation: who may see what, the report's figures and the names behind them,
what changed since the previous run, and one list compared with another.

Who sees what (DESIGN §2):
  caseworker                  every list, every figure, every name; reviews possible rows
  bureau officer, mediator    every list and figure; names behind a figure only of persons in
                              their scope (access_persons), the rest counted as outside it
  analyst                     figures only, small counts suppressed (stats.SMALL_COUNT)
  liaison, auditor, admin     nothing here
The figures about exchange lists count every negotiation (they are aggregates); one person's list
history shows only the negotiations the reader may see.
"""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from homeward.accounts.access import access_persons, record_list_access, require_role
from homeward.accounts.models import AccessKind, Role, User
from homeward.exchanges.models import (
    ChangeKind,
    Handover,
    ListEntry,
    ListVersion,
    NegotiationState,
    Reason,
    VersionChange,
)
from homeward.exchanges.models import Outcome as HandoverOutcome
from homeward.lib.errors import NotFound
from homeward.registry.models import Person, StatusEvent, StatusKind
from homeward.registry.selectors import with_current_status, with_detaining_party
from homeward.stats.selectors import SMALL_COUNT

from .models import EntryOutcome, Outcome, PublishedList, ReconciliationRun, RunStatus

READERS = (Role.CASEWORKER, Role.BUREAU_OFFICER, Role.MEDIATOR, Role.ANALYST)
NAME_READERS = (Role.CASEWORKER, Role.BUREAU_OFFICER, Role.MEDIATOR)
CHUNK = 5000
REFUSALS = (StatusKind.REFUSED_VERIFIED, StatusKind.REFUSED_UNVERIFIED)


def may_read(user: User) -> None:
    require_role(user, *READERS)


def sees_names(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in NAME_READERS


def _uuid(value) -> uuidlib.UUID | None:
    try:
        return uuidlib.UUID(str(value))
    except ValueError:
        return None


def access_list(user: User, uuid) -> PublishedList:
    may_read(user)
    key = _uuid(uuid)
    plist = (
        PublishedList.objects.select_related("source__party", "created_by").filter(uuid=key).first()
        if key
        else None
    )
    if plist is None:
        raise NotFound("No such published list.")
    return plist


def access_run(user: User, uuid) -> ReconciliationRun:
    may_read(user)
    key = _uuid(uuid)
    run = (
        ReconciliationRun.objects.select_related(
            "published_list__source__party", "started_by", "previous"
        )
        .filter(uuid=key)
        .first()
        if key
        else None
    )
    if run is None:
        raise NotFound("No such reconciliation run.")
    return run


def latest_run(plist: PublishedList, *, done: bool = False) -> ReconciliationRun | None:
    qs = plist.runs.order_by("-created_at", "-id")
    if done:
        qs = qs.filter(status=RunStatus.DONE)
    return qs.first()


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def status_snapshot(person_pks) -> dict[int, tuple[str, str]]:
    """Current status and detaining party (code) of each person, now."""
    out: dict[int, tuple[str, str]] = {}
    for part in _chunks(sorted(person_pks)):
        qs = with_detaining_party(with_current_status(Person.objects.filter(pk__in=part)))
        for pk, status, holder in qs.values_list("pk", "current_status", "detaining_party_code"):
            out[pk] = (status or "", holder or "")
    return out


def on_current_lists(person_pks) -> set[int]:
    """Persons on the latest version of any exchange list of an open negotiation."""
    latest = ListVersion.objects.filter(exchange_list=OuterRef("exchange_list")).order_by("-number")
    versions = ListVersion.objects.filter(
        exchange_list__negotiation__state=NegotiationState.OPEN
    ).annotate(latest_pk=Subquery(latest.values("pk")[:1]))
    current = [v.pk for v in versions if v.pk == v.latest_pk]
    out: set[int] = set()
    for part in _chunks(sorted(person_pks)):
        out |= set(
            ListEntry.objects.filter(version_id__in=current, person_id__in=part).values_list(
                "person_id", flat=True
            )
        )
    return out


def removals(person_pks) -> dict[int, list[str]]:
    """Each person's removal reasons across every version of every list."""
    out: dict[int, list[str]] = {}
    for part in _chunks(sorted(person_pks)):
        for pk, reason in VersionChange.objects.filter(
            kind=ChangeKind.REMOVED, person_id__in=part
        ).values_list("person_id", "reason"):
            out.setdefault(pk, []).append(reason)
    return out


def refusals(person_pks) -> dict[int, bool]:
    """Persons who refused repatriation: True when verified in a private interview (a verified
    status event or a handover recorded as a verified refusal), False when only claimed."""
    out: dict[int, bool] = {}
    for part in _chunks(sorted(person_pks)):
        for pk, kind in StatusEvent.objects.filter(
            person_id__in=part, kind__in=REFUSALS, superseded_by__isnull=True
        ).values_list("person_id", "kind"):
            out[pk] = out.get(pk, False) or kind == StatusKind.REFUSED_VERIFIED
        for pk in Handover.objects.filter(
            person_id__in=part, outcome=HandoverOutcome.REFUSED_VERIFIED
        ).values_list("person_id", flat=True):
            out[pk] = True
    return out


@dataclass
class Figure:
    key: str
    label: str
    value: int | None  # None: suppressed (a small count, for a reader who sees no names)
    parts: list[Figure] = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "value": self.value,
            "suppressed": self.suppressed,
            "parts": [p.as_dict() for p in self.parts],
        }


@dataclass
class Report:
    run: ReconciliationRun
    total: int
    figures: list[Figure]
    # figure key → the entry ids behind it (not sent to readers who see no names)
    members: dict[str, list[int]]
    suppressed: bool

    def figure(self, key: str) -> Figure | None:
        for f in self.figures:
            if f.key == key:
                return f
            for p in f.parts:
                if p.key == key:
                    return p
        return None


def _cell(n: int, suppress: bool) -> int | None:
    return None if suppress and 0 < n < SMALL_COUNT else n


def report(user: User, run: ReconciliationRun) -> Report:
    """The figures that answer a published claim, for a finished run: of N names, how many are
    in the register (by current status), on current exchange lists, removed from a list (by
    reason), refused repatriation (of whom verified), possible, unknown, listed twice."""
    may_read(user)
    suppress = not sees_names(user)
    rows = list(run.outcomes.values_list("entry_id", "outcome", "person_id"))
    members: dict[str, list[int]] = {}

    def add(key: str, entry_id: int) -> None:
        members.setdefault(key, []).append(entry_id)

    matched = {e: p for e, o, p in rows if o == Outcome.MATCHED}
    persons = set(matched.values())
    snap = status_snapshot(persons)
    listed = on_current_lists(persons)
    removed = removals(persons)
    refused = refusals(persons)
    for e, o, _p in rows:
        add(o, e)
        add("all", e)
    for e, p in matched.items():
        add(f"status:{snap.get(p, ('', ''))[0] or 'none'}", e)
        if p in listed:
            add("on_lists", e)
        if p in removed:
            add("removed", e)
            for reason in dict.fromkeys(removed[p]):
                add(f"removed:{reason}", e)
        if p in refused:
            add("refused", e)
            if refused[p]:
                add("refused_verified", e)

    def fig(key: str, label, parts: list[Figure] | None = None) -> Figure:
        return Figure(key, label, _cell(len(members.get(key, [])), suppress), parts or [])

    status_labels = dict(StatusKind.choices)
    by_status = [
        fig(f"status:{s}", status_labels[s])
        for s in StatusKind.values
        if members.get(f"status:{s}")
    ]
    if members.get("status:none"):
        by_status.append(fig("status:none", _("No status recorded")))
    reason_labels = dict(Reason.choices)
    by_reason = sorted(
        (
            fig(k, reason_labels.get(k.split(":", 1)[1], k))
            for k in members
            if k.startswith("removed:")
        ),
        key=lambda f: -(len(members[f.key])),
    )
    figures = [
        fig(Outcome.MATCHED, _("in the register"), by_status),
        fig("on_lists", _("on a current exchange list (latest version, open negotiation)")),
        fig("removed", _("removed from an exchange list"), by_reason),
        fig(
            "refused",
            _("refused repatriation"),
            [fig("refused_verified", _("verified in a private interview"))],
        ),
        fig(Outcome.POSSIBLE, _("possible matches, waiting for review")),
        fig(Outcome.UNKNOWN, _("not in the register")),
        fig(Outcome.DUPLICATE, _("listed twice")),
    ]
    return Report(
        run=run,
        total=len(rows),
        figures=figures,
        members=members if not suppress else {},
        suppressed=suppress,
    )


@dataclass
class NameRow:
    line: int
    name: str
    birth_date: str
    outcome: str
    person: Person | None = None
    status: str = ""
    detaining_party: str = ""
    score: float | None = None
    explanation: str = ""
    on_lists: bool = False
    removals: list[str] = field(default_factory=list)
    refused: bool | None = None
    outcome_row: EntryOutcome | None = None
    candidates: list[dict] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(dict(StatusKind.choices).get(self.status, self.status or "—"))


@dataclass
class NameList:
    rows: list[NameRow]
    outside_scope: int
    total: int


def names_behind(
    user: User, report_: Report, key: str, *, limit: int = 500, offset: int = 0, log=True
) -> NameList:
    """The rows behind one figure, for a reader who may see names: the name as the list writes
    it and, of persons in the reader's scope, the register's facts. Persons outside the scope
    are counted, not shown. The read is logged (record_list_access)."""
    if not sees_names(user):
        raise NotFound("No such figure.")
    if key != "all" and key not in {f.key for f in report_.figures} | {
        p.key for f in report_.figures for p in f.parts
    }:
        raise NotFound("No such figure.")
    ids = report_.members.get(key, [])
    outcomes = list(
        EntryOutcome.objects.filter(run=report_.run, entry_id__in=ids)
        .select_related("entry", "person")
        .order_by("entry__line")
    )
    person_pks = {o.person_id for o in outcomes if o.person_id}
    visible: set[int] = set()
    for part in _chunks(sorted(person_pks)):
        visible |= set(access_persons(user).filter(pk__in=part).values_list("pk", flat=True))
    shown = [o for o in outcomes if o.person_id is None or o.person_id in visible]
    outside = len(outcomes) - len(shown)
    page = shown[offset : offset + limit]
    pks = [o.person_id for o in page if o.person_id]
    snap = status_snapshot(pks)
    listed = on_current_lists(pks)
    removed = removals(pks)
    refused = refusals(pks)
    cand_uuids = {c["person"] for o in page for c in o.candidates}
    cand_persons = (
        {str(p.uuid): p for p in access_persons(user).filter(uuid__in=list(cand_uuids))}
        if cand_uuids
        else {}
    )
    reason_labels = dict(Reason.choices)
    rows = []
    for o in page:
        p = o.person_id
        rows.append(
            NameRow(
                line=o.entry.line,
                name=o.entry.name,
                birth_date=o.entry.birth_date,
                outcome=o.outcome,
                person=o.person,
                status=snap.get(p, ("", ""))[0] if p else "",
                detaining_party=snap.get(p, ("", ""))[1] if p else "",
                score=o.score,
                explanation=o.explanation,
                on_lists=p in listed,
                removals=[str(reason_labels.get(r, r)) for r in removed.get(p, [])] if p else [],
                refused=refused.get(p) if p else None,
                outcome_row=o,
                candidates=[
                    {**c, "p": cand_persons[c["person"]]}
                    for c in o.candidates
                    if c["person"] in cand_persons
                ],
            )
        )
    if log:
        uuids = [r.person.uuid for r in rows if r.person is not None]
        uuids += [c["p"].uuid for r in rows for c in r.candidates]
        record_list_access(
            user,
            object_type="person",
            uuids=uuids,
            detail={"reconciliation_run": str(report_.run.uuid), "figure": key},
        )
    return NameList(rows=rows, outside_scope=outside, total=len(shown))


@dataclass
class Change:
    line: int
    name: str
    before: str
    after: str
    status_before: str
    status_after: str


def changes_since_previous(user: User, run: ReconciliationRun) -> list[Change] | None:
    """Rows whose outcome, person or status differs from the previous finished run of the same
    list; None when there is no previous run. Names only for readers who may see them."""
    if run.previous_id is None or run.status != RunStatus.DONE:
        return None
    before = {
        e: (o, p, s)
        for e, o, p, s in EntryOutcome.objects.filter(run_id=run.previous_id).values_list(
            "entry_id", "outcome", "person_id", "status"
        )
    }
    out = []
    labels = dict(StatusKind.choices)
    for o in EntryOutcome.objects.filter(run=run).select_related("entry").order_by("entry__line"):
        b = before.get(o.entry_id)
        if b is None:
            continue
        if (b[0], b[1], b[2]) != (o.outcome, o.person_id, o.status):
            out.append(
                Change(
                    line=o.entry.line,
                    name=o.entry.name if sees_names(user) else "",
                    before=b[0],
                    after=o.outcome,
                    status_before=str(labels.get(b[2], b[2] or "—")),
                    status_after=str(labels.get(o.status, o.status or "—")),
                )
            )
    return out


@dataclass
class Comparison:
    left: str
    right: str
    both: int | None
    only_left: int | None
    only_right: int | None
    changed_status: int | None
    # person uuid rows for readers who see names: (person, status left, status right)
    rows: dict[str, list[tuple[Person, str, str]]]
    unmatched_left: int
    unmatched_right: int


def _matched_status(run: ReconciliationRun) -> dict[int, str]:
    return dict(run.outcomes.filter(outcome=Outcome.MATCHED).values_list("person_id", "status"))


def compare(
    user: User, left: ReconciliationRun, right: ReconciliationRun | ListVersion
) -> Comparison:
    """Two published lists (their latest finished runs), or a published list and an exchange
    list version, compared through the register: persons on both, on one only, and on both with
    a different status (each run's status when it ran; for a list version, the status now).
    Rows neither run placed in the register cannot be compared and are counted apart."""
    may_read(user)
    suppress = not sees_names(user)
    a = _matched_status(left)
    if isinstance(right, ListVersion):
        pks = list(right.entries.values_list("person_id", flat=True))
        b = {pk: s for pk, (s, _h) in status_snapshot(pks).items()}
        right_label = (
            f"{right.exchange_list.negotiation.title} · {right.exchange_list.party.code} "
            f"v{right.number}"
        )
        unmatched_right = 0
    else:
        b = _matched_status(right)
        right_label = right.published_list.title
        unmatched_right = right.outcomes.exclude(outcome=Outcome.MATCHED).count()
    unmatched_left = left.outcomes.exclude(outcome=Outcome.MATCHED).count()
    both = set(a) & set(b)
    changed = {p for p in both if a[p] != b[p]}
    groups = {
        "both": sorted(both),
        "only_left": sorted(set(a) - set(b)),
        "only_right": sorted(set(b) - set(a)),
        "changed_status": sorted(changed),
    }
    rows: dict[str, list[tuple[Person, str, str]]] = {}
    if not suppress:
        visible = access_persons(user)
        labels = dict(StatusKind.choices)
        seen_uuids = []
        for name, pks in groups.items():
            persons = []
            for part in _chunks(pks):
                persons += list(visible.filter(pk__in=part).order_by("family_name", "given_name"))
            rows[name] = [
                (p, str(labels.get(a.get(p.pk, ""), "—")), str(labels.get(b.get(p.pk, ""), "—")))
                for p in persons[:500]
            ]
            seen_uuids += [p.uuid for p, _x, _y in rows[name]]
        record_list_access(
            user,
            object_type="person",
            uuids=dict.fromkeys(seen_uuids),
            kind=AccessKind.VIEW,
            detail={"reconciliation_run": str(left.uuid), "compared": True},
        )
    return Comparison(
        left=left.published_list.title,
        right=right_label,
        both=_cell(len(groups["both"]), suppress),
        only_left=_cell(len(groups["only_left"]), suppress),
        only_right=_cell(len(groups["only_right"]), suppress),
        changed_status=_cell(len(groups["changed_status"]), suppress),
        rows=rows,
        unmatched_left=unmatched_left,
        unmatched_right=unmatched_right,
    )


def lists(user: User) -> QuerySet:
    may_read(user)
    return PublishedList.objects.select_related("source__party", "created_by").order_by(
        "-created_at"
    )
