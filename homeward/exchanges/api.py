"""Exchange endpoints: negotiations, list versions and their diffs, a person's list history,
exchanges and handovers. UUIDs in every URL.

Who sees what: a negotiation, its versions and its exchanges are visible to the two parties'
bureau officers, its mediator and the intermediary's caseworkers; to anyone else it does not exist
(404). Every read of a list's names is recorded in the access log.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from homeward.accounts.access import (
    access_person,
    access_persons,
    person_scope,
    record_access,
    record_list_access,
    request_user,
)
from homeward.accounts.models import AccessKind, Party, PartyKind
from homeward.lib.api_errors import ERRORS, WRITE_ERRORS, enum
from homeward.lib.errors import ValidationFailed
from homeward.registry.models import Person

from . import actions, selectors
from .models import (
    Exchange,
    ListVersion,
    Negotiation,
    NegotiationState,
    Outcome,
    PlanRun,
    Reason,
    Side,
)

router = Router(tags=["exchanges"])


# --- Schemas ----------------------------------------------------------------------------------


class ApprovalOut(Schema):
    party: str
    by: str
    at: dt.datetime
    digest: str = Field(description="The entries digest the party approved")
    signed: bool
    signature: str = Field(
        description="Base64 Ed25519 signature over canonical JSON of "
        '{"entries_digest": …, "version": …}, verified on arrival; empty for a recorded '
        "approval (the party had no key)"
    )
    key: str | None = Field(description="The party's public key (base64) it verified against")
    ledger_seq: int | None


class VersionOut(Schema):
    uuid: uuidlib.UUID
    party: str
    number: int
    state: str
    size: int
    digest: str
    parent: uuidlib.UUID | None
    created_by: str
    created_at: dt.datetime
    approvals: list[ApprovalOut]

    @staticmethod
    def of(v: ListVersion) -> dict:
        return {
            "uuid": v.uuid,
            "party": v.exchange_list.party.code,
            "number": v.number,
            "state": v.state,
            "size": v.size,
            "digest": v.digest,
            "parent": v.parent.uuid if v.parent is not None else None,
            "created_by": v.created_by.username,
            "created_at": v.created_at,
            "approvals": [
                {
                    "party": a.party.code,
                    "by": a.by.username,
                    "at": a.at,
                    "digest": a.digest,
                    "signed": bool(a.signature),
                    "signature": a.signature,
                    "key": a.key.public_key if a.key is not None else None,
                    "ledger_seq": a.ledger_seq,
                }
                for a in v.approvals.all()
            ],
        }


class NegotiationOut(Schema):
    uuid: uuidlib.UUID
    title: str
    party_a: str
    party_b: str
    mediator: str | None
    state: str
    created_at: dt.datetime
    latest_versions: dict[str, VersionOut]

    @staticmethod
    def of(n: Negotiation) -> dict:
        return {
            "uuid": n.uuid,
            "title": n.title,
            "party_a": n.party_a.code,
            "party_b": n.party_b.code,
            "mediator": n.mediator.code if n.mediator is not None else None,
            "state": n.state,
            "created_at": n.created_at,
            "latest_versions": {
                code: VersionOut.of(v) for code, v in selectors.latest_versions(n).items()
            },
        }


class NegotiationIn(Schema):
    title: str = Field(max_length=200)
    party_a: str = Field(description="Code of a state party, e.g. UA")
    party_b: str = Field(description="Code of the other state party")
    mediator: str | None = Field(None, description="Code of the mediating party")


class StateIn(Schema):
    state: str = Field(
        description="open, paused or concluded", json_schema_extra=enum(NegotiationState.values)
    )
    note: str = Field("", max_length=2000)


class EntryOut(Schema):
    person: uuidlib.UUID
    family_name: str
    given_name: str
    side: str


class VersionDetailOut(VersionOut):
    entries: list[EntryOut]


class AddIn(Schema):
    person: uuidlib.UUID
    side: str = Field(
        description="ask (held by the other party) or offer (held by yours)",
        json_schema_extra=enum(Side.values),
    )
    reason: str = Field(
        description="A reason code, see docs/exchanges.md", json_schema_extra=enum(Reason.values)
    )
    text: str = Field("", max_length=2000)


class RemoveIn(Schema):
    person: uuidlib.UUID
    reason: str = Field(
        "", description="A reason code; required", json_schema_extra=enum(Reason.values, blank=True)
    )
    text: str = Field("", max_length=2000)
    substituted_by: uuidlib.UUID | None = Field(
        None, description="With reason substituted_by: the person added in this edit"
    )


class EditIn(Schema):
    base: uuidlib.UUID = Field(
        description="The version you edited; if it is no longer the latest, 409 and no change"
    )
    add: list[AddIn] = []
    remove: list[RemoveIn] = []


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class ApproveIn(Schema):
    signature: str | None = Field(
        None,
        description="Base64 Ed25519 signature over canonical JSON of "
        '{"entries_digest": …, "version": …}; required once your party registered a key',
    )


class DiffRowOut(Schema):
    person: uuidlib.UUID
    family_name: str
    given_name: str
    side: str
    reason: str | None
    text: str
    by: str | None
    at: dt.datetime | None
    version: int | None
    substituted_by: uuidlib.UUID | None


class DiffOut(Schema):
    a: VersionOut
    b: VersionOut
    added: list[DiffRowOut]
    removed: list[DiffRowOut]


class ChangeOut(Schema):
    negotiation: uuidlib.UUID
    party: str
    version: int
    version_uuid: uuidlib.UUID
    kind: str
    side: str
    reason: str
    text: str
    substituted_by: uuidlib.UUID | None
    by: str
    at: dt.datetime


class HandoverOut(Schema):
    uuid: uuidlib.UUID
    exchange: uuidlib.UUID
    person: uuidlib.UUID
    from_party: str
    outcome: str
    reason: str
    interviewed_by: str
    interviewed_on: dt.date | None
    recorded_by: str
    recorded_at: dt.datetime


class ListHistoryOut(Schema):
    person: uuidlib.UUID
    summary: str
    versions: int
    changes: list[ChangeOut]
    substituted_for: list[ChangeOut]
    handovers: list[HandoverOut]


class ExchangeOut(Schema):
    uuid: uuidlib.UUID
    negotiation: uuidlib.UUID
    date: dt.date
    place: str
    mediator: str | None
    transit_country: str
    state: str
    counts: dict
    versions: list[uuidlib.UUID]

    @staticmethod
    def of(e: Exchange) -> dict:
        return {
            "uuid": e.uuid,
            "negotiation": e.negotiation.uuid,
            "date": e.date,
            "place": e.place,
            "mediator": e.mediator.code if e.mediator is not None else None,
            "transit_country": e.transit_country,
            "state": e.state,
            "counts": e.counts,
            "versions": [v.uuid for v in e.versions.all()],
        }


class ExchangeDetailOut(ExchangeOut):
    handovers: list[HandoverOut]


class ExchangeIn(Schema):
    negotiation: uuidlib.UUID
    date: dt.date
    place: str = Field(max_length=200)
    transit_country: str = Field("", description="ISO 3166-1 alpha-2 of the transit country")


class HandoverIn(Schema):
    person: uuidlib.UUID
    outcome: str = Field(
        description="handed_over, refused_verified, absent, died or withheld",
        json_schema_extra=enum(Outcome.values),
    )
    reason: str = Field("", max_length=2000, description="Required when absent or withheld")
    interviewed_by: str = Field(
        "", max_length=200, description="Who verified a refusal in a private interview"
    )
    interviewed_on: dt.date | None = None


class HandoversIn(Schema):
    lines: list[HandoverIn]


class PlanIn(Schema):
    size: int | None = Field(None, ge=1, le=1_000_000, description="N for an N-for-N exchange")
    all_for_all: bool = False
    balance: list[str] = Field([], description="Attributes to balance: category, rank")


class PlanOut(Schema):
    uuid: uuidlib.UUID
    negotiation: uuidlib.UUID
    status: str = Field(description="queued, running, done or failed")
    stage: str = Field(description="While running: pools, choosing or saving")
    percent: int
    options: dict
    error: dict = Field(description='When failed: {"code", "message", "fields"}')
    result: dict = Field(description="When done: count, undone, balance, solver, sides")
    created_by: str
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def of(run: PlanRun, user=None) -> dict:
        return {
            "uuid": run.uuid,
            "negotiation": run.negotiation.uuid,
            "status": run.status,
            "stage": run.stage,
            "percent": run.percent,
            "options": run.options,
            "error": run.error,
            "result": plan_result_in_scope(user, run.result) if user else run.result,
            "created_by": run.created_by.username,
            "created_at": run.created_at,
            "finished_at": run.finished_at,
        }


# --- Helpers ------------------------------------------------------------------------------------


def plan_result_in_scope(user, result: dict) -> dict:
    """The plan's result with only the lines of persons the user may see. The pool is everyone a
    party holds, so a line (its uuid, and its reasons, which carry the capture date) for anyone
    else would tell an officer what their scope does not; the counts per side stay, and
    `outside_scope` says how many lines were withheld."""
    sides = result.get("sides")
    if not sides:
        return result
    uuids = [ln["person"] for side in sides.values() for ln in side.get("lines", [])]
    if person_scope(user) is None:
        visible: set[str] = set()
    else:
        visible = {
            str(u)
            for u in access_persons(user).filter(uuid__in=uuids).values_list("uuid", flat=True)
        }
    out_sides = {}
    for code, side in sides.items():
        lines = side.get("lines", [])
        kept = [ln for ln in lines if ln["person"] in visible]
        out_sides[code] = {**side, "lines": kept, "outside_scope": len(lines) - len(kept)}
    return {**result, "sides": out_sides}


def _party(code: str | None, field: str, kind: str) -> Party | None:
    if not code:
        return None
    party = Party.objects.filter(code=code.upper(), kind=kind).first()
    if party is None:
        raise ValidationFailed(
            f"No {kind} party {code!r}.", detail={"fields": {field: "no such party"}}
        )
    return party


def _required_party(code: str, field: str, kind: str) -> Party:
    party = _party(code, field, kind)
    if party is None:
        raise ValidationFailed(f"{field} is required.", detail={"fields": {field: "required"}})
    return party


def _persons(user, uuids: list[uuidlib.UUID], field: str) -> dict[uuidlib.UUID, Person]:
    """Persons named in a payload, within the user's scope; an unknown one names its field."""
    found = {p.uuid: p for p in access_persons(user).filter(uuid__in=uuids)}
    errors = {f"{field}.{i}": "no such person" for i, u in enumerate(uuids) if u not in found}
    if errors:
        raise ValidationFailed("Some persons are unknown.", detail={"fields": errors})
    return found


def _change(c) -> dict:
    return {
        "negotiation": c.version.exchange_list.negotiation.uuid,
        "party": c.version.exchange_list.party.code,
        "version": c.version.number,
        "version_uuid": c.version.uuid,
        "kind": c.kind,
        "side": c.side,
        "reason": c.reason,
        "text": c.text,
        "substituted_by": c.substituted_by.uuid if c.substituted_by_id else None,
        "by": c.by.username,
        "at": c.at,
    }


def _handover(h) -> dict:
    return {
        "uuid": h.uuid,
        "exchange": h.exchange.uuid,
        "person": h.person.uuid,
        "from_party": h.from_party.code,
        "outcome": h.outcome,
        "reason": h.reason,
        "interviewed_by": h.interviewed_by,
        "interviewed_on": h.interviewed_on,
        "recorded_by": h.recorded_by.username,
        "recorded_at": h.recorded_at,
    }


def _version_detail(user, v: ListVersion) -> dict:
    entries = list(
        v.entries.order_by("person__family_name", "person__given_name").values_list(
            "person__uuid", "person__family_name", "person__given_name", "side"
        )
    )
    record_list_access(
        user,
        object_type="person",
        uuids=[e[0] for e in entries],
        kind=AccessKind.API,
        detail={"within": f"list_version:{v.uuid}"},
    )
    return {
        **VersionOut.of(v),
        "entries": [
            {"person": u, "family_name": f, "given_name": g, "side": s} for u, f, g, s in entries
        ],
    }


# --- Negotiations -------------------------------------------------------------------------------


@router.get("/negotiations", response={200: list[NegotiationOut], **ERRORS})
def list_negotiations(request: HttpRequest):
    """Negotiations you take part in: as one of the two parties' bureau officers, as the
    mediator, or as a caseworker of the intermediary. Each with its parties' latest versions."""
    user = request_user(request)
    return [
        NegotiationOut.of(n) for n in selectors.access_negotiations(user).order_by("-created_at")
    ]


@router.post("/negotiations", response={201: NegotiationOut, **WRITE_ERRORS})
def open_negotiation(request: HttpRequest, payload: NegotiationIn):
    """Opens a negotiation between two state parties, optionally through a mediator (mediators,
    caseworkers, and the parties' own bureau officers). Each party's list starts as an empty
    draft, version 1."""
    negotiation = actions.open_negotiation(
        actor=request_user(request),
        title=payload.title,
        party_a=_required_party(payload.party_a, "party_a", PartyKind.STATE),
        party_b=_required_party(payload.party_b, "party_b", PartyKind.STATE),
        mediator=_party(payload.mediator, "mediator", PartyKind.MEDIATOR),
    )
    return Status(201, NegotiationOut.of(negotiation))


@router.get("/negotiations/{uuid}", response={200: NegotiationOut, **ERRORS})
def get_negotiation(request: HttpRequest, uuid: uuidlib.UUID):
    """One negotiation with each party's latest version."""
    return NegotiationOut.of(selectors.access_negotiation(request_user(request), uuid))


@router.post("/negotiations/{uuid}/state", response={200: NegotiationOut, **WRITE_ERRORS})
def set_state(request: HttpRequest, uuid: uuidlib.UUID, payload: StateIn):
    """Pauses, resumes or concludes the negotiation; its history keeps who and why."""
    user = request_user(request)
    negotiation = actions.set_negotiation_state(
        actor=user,
        negotiation=selectors.access_negotiation(user, uuid),
        state=payload.state,
        note=payload.note,
    )
    return NegotiationOut.of(negotiation)


@router.get("/negotiations/{uuid}/versions", response={200: list[VersionOut], **ERRORS})
def list_versions(request: HttpRequest, uuid: uuidlib.UUID):
    """Every version of both parties' lists, newest first within each party."""
    negotiation = selectors.access_negotiation(request_user(request), uuid)
    return [VersionOut.of(v) for v in selectors.versions_of(negotiation)]


@router.post("/negotiations/{uuid}/versions", response={201: VersionDetailOut, **WRITE_ERRORS})
def edit_list(request: HttpRequest, uuid: uuidlib.UUID, payload: EditIn):
    """Edits your party's list: a new draft version from `base`. Every addition and removal
    carries a reason code (and free text; required with `other`); a substitution names, in
    `substituted_by`, the person added in the same edit. If someone else edited the list after
    `base`, the answer is 409 `conflict` and nothing changes: reload and edit again. Refused (422,
    naming the field) : removal without reason, a person your party does not hold offered, a
    person the other party does not hold asked for, a dead person, an agreed list."""
    user = request_user(request)
    negotiation = selectors.access_negotiation(user, uuid)
    base = selectors.access_version(user, payload.base)
    if base.exchange_list.negotiation_id != negotiation.pk:
        raise ValidationFailed(
            "The base version belongs to another negotiation.",
            detail={"fields": {"base": "not a version of this negotiation"}},
        )
    adds = _persons(user, [a.person for a in payload.add], "add")
    subs = [r.substituted_by for r in payload.remove if r.substituted_by]
    removes = _persons(user, [r.person for r in payload.remove] + subs, "remove")
    version = actions.edit_list(
        actor=user,
        base=base,
        add=[actions.Add(adds[a.person], a.side, a.reason, a.text) for a in payload.add],
        remove=[
            actions.Remove(
                removes[r.person],
                r.reason,
                r.text,
                removes[r.substituted_by] if r.substituted_by else None,
            )
            for r in payload.remove
        ],
    )
    return Status(201, _version_detail(user, version))


# --- Versions -----------------------------------------------------------------------------------


@router.get("/versions/{uuid}", response={200: VersionDetailOut, **ERRORS})
def get_version(request: HttpRequest, uuid: uuidlib.UUID):
    """One version with its entries (the read is recorded in the access log)."""
    user = request_user(request)
    return _version_detail(user, selectors.access_version(user, uuid))


@router.post("/versions/{uuid}/propose", response={200: VersionOut, **WRITE_ERRORS})
def propose(request: HttpRequest, uuid: uuidlib.UUID, payload: NoteIn):
    """Your party proposes its latest draft to the other side."""
    user = request_user(request)
    version = actions.propose_version(
        actor=user, version=selectors.access_version(user, uuid), note=payload.note
    )
    return VersionOut.of(version)


@router.post("/versions/{uuid}/counter", response={200: VersionOut, **WRITE_ERRORS})
def counter(request: HttpRequest, uuid: uuidlib.UUID, payload: NoteIn):
    """The other party or the mediator counters a proposed version; `note` says what is wanted."""
    user = request_user(request)
    version = actions.counter_version(
        actor=user, version=selectors.access_version(user, uuid), note=payload.note
    )
    return VersionOut.of(version)


@router.post("/versions/{uuid}/approve", response={200: VersionOut, **WRITE_ERRORS})
def approve(request: HttpRequest, uuid: uuidlib.UUID, payload: ApproveIn):
    """Your party approves a proposed version (signed with its key when it has one). With both
    parties' approvals the version is agreed and frozen."""
    user = request_user(request)
    version = actions.approve_version(
        actor=user, version=selectors.access_version(user, uuid), signature=payload.signature
    )
    return VersionOut.of(version)


@router.get("/versions/{a}/diff/{b}", response={200: DiffOut, **ERRORS})
def diff(request: HttpRequest, a: uuidlib.UUID, b: uuidlib.UUID):
    """Who is on version `b` and not on `a` (added) and the reverse (removed), each with the
    reason, free text, who changed it, when, in which version, and for a substitution whom."""
    user = request_user(request)
    va, vb = selectors.access_version(user, a), selectors.access_version(user, b)
    d = selectors.diff(va, vb)
    record_list_access(
        user,
        object_type="person",
        uuids=[r.person_uuid for r in [*d.added, *d.removed]],
        kind=AccessKind.API,
        detail={"within": f"list_diff:{va.uuid}:{vb.uuid}"},
    )

    def row(r) -> dict:
        return {
            "person": r.person_uuid,
            "family_name": r.family_name,
            "given_name": r.given_name,
            "side": r.side,
            "reason": r.reason,
            "text": r.text,
            "by": r.by,
            "at": r.at,
            "version": r.version,
            "substituted_by": r.substituted_by,
        }

    return {
        "a": VersionOut.of(va),
        "b": VersionOut.of(vb),
        "added": [row(r) for r in d.added],
        "removed": [row(r) for r in d.removed],
    }


@router.get("/persons/{uuid}/list-history", response={200: ListHistoryOut, **ERRORS})
def list_history(request: HttpRequest, uuid: uuidlib.UUID):
    """One person's path across every version of every negotiation you see: each addition and
    removal with its reason, who and when; whom they replaced; what happened at exchanges."""
    user = request_user(request)
    person = access_person(user, uuid, kind=AccessKind.API)
    h = selectors.list_history(person, negotiations=selectors.access_negotiations(user))
    return {
        "person": person.uuid,
        "summary": h.summary,
        "versions": h.versions,
        "changes": [_change(c) for c in h.changes],
        "substituted_for": [_change(c) for c in h.substituted_for],
        "handovers": [_handover(x) for x in h.handovers],
    }


# --- Exchanges ----------------------------------------------------------------------------------


@router.get("/exchanges", response={200: list[ExchangeOut], **ERRORS})
def list_exchanges(request: HttpRequest):
    """Exchanges of the negotiations you see, newest first, with their counts once completed."""
    user = request_user(request)
    exchanges = selectors.access_exchanges(user).prefetch_related("versions")
    return [ExchangeOut.of(e) for e in exchanges]


@router.post("/exchanges", response={201: ExchangeOut, **WRITE_ERRORS})
def create_exchange(request: HttpRequest, payload: ExchangeIn):
    """Records an exchange (date, place, transit country) carrying out a negotiation whose two
    lists are agreed (the negotiation's mediator or a caseworker)."""
    user = request_user(request)
    exchange = actions.create_exchange(
        actor=user,
        negotiation=selectors.access_negotiation(user, payload.negotiation),
        date=payload.date,
        place=payload.place,
        transit_country=payload.transit_country,
    )
    return Status(201, ExchangeOut.of(exchange))


@router.get("/exchanges/{uuid}", response={200: ExchangeDetailOut, **ERRORS})
def get_exchange(request: HttpRequest, uuid: uuidlib.UUID):
    """One exchange with its handover lines."""
    user = request_user(request)
    exchange = selectors.access_exchange(user, uuid)
    lines = list(
        exchange.handovers.select_related("person", "from_party", "recorded_by", "exchange")
    )
    record_list_access(
        user,
        object_type="person",
        uuids=[h.person.uuid for h in lines],
        kind=AccessKind.API,
        detail={"within": f"exchange:{exchange.uuid}"},
    )
    return {**ExchangeOut.of(exchange), "handovers": [_handover(h) for h in lines]}


@router.post("/exchanges/{uuid}/handovers", response={201: list[HandoverOut], **WRITE_ERRORS})
def record_handovers(request: HttpRequest, uuid: uuidlib.UUID, payload: HandoversIn):
    """Handover lines for listed persons, all or none: handed over, refused_verified (with who
    interviewed the person in private and when), absent, died, withheld (with the reason). Each
    writes the person's status event."""
    user = request_user(request)
    exchange = selectors.access_exchange(user, uuid)
    persons = _persons(user, [ln.person for ln in payload.lines], "lines")
    lines = actions.record_handovers(
        actor=user,
        exchange=exchange,
        lines=[
            actions.HandoverLine(
                persons[ln.person], ln.outcome, ln.reason, ln.interviewed_by, ln.interviewed_on
            )
            for ln in payload.lines
        ],
    )
    return Status(201, [_handover(h) for h in lines])


@router.post("/exchanges/{uuid}/complete", response={200: ExchangeOut, **WRITE_ERRORS})
def complete_exchange(request: HttpRequest, uuid: uuidlib.UUID):
    """Completes the exchange once every listed person has a handover line; its counts by party
    and outcome are checked against the agreed lists and published in the ledger."""
    user = request_user(request)
    exchange = actions.complete_exchange(actor=user, exchange=selectors.access_exchange(user, uuid))
    return ExchangeOut.of(exchange)


# --- Planner ------------------------------------------------------------------------------------


@router.post("/negotiations/{uuid}/plan", response={202: PlanOut, **WRITE_ERRORS})
def plan(request: HttpRequest, uuid: uuidlib.UUID, payload: PlanIn):
    """Queues a planner run (the parties, the mediator or a caseworker): the background worker
    proposes both sides' lists from the persons each side holds, each person with why in or why
    not, and what the plan leaves undone. Bad options are refused at once (422, naming the
    field) and nothing is queued. Poll GET /plans/{uuid} until `status` is done or failed."""
    from .runs import queue_plan

    user = request_user(request)
    run = queue_plan(
        actor=user,
        negotiation=selectors.access_negotiation(user, uuid),
        size=payload.size,
        all_for_all=payload.all_for_all,
        balance=payload.balance,
    )
    return Status(202, PlanOut.of(run, user))


@router.get("/plans/{uuid}", response={200: PlanOut, **ERRORS})
def get_plan(request: HttpRequest, uuid: uuidlib.UUID):
    """A planner run: its status and progress, then its result or the reason it failed."""
    user = request_user(request)
    run = selectors.access_plan(user, uuid)
    out = PlanOut.of(run, user)
    shown = sum(len(s.get("lines", [])) for s in out["result"].get("sides", {}).values())
    if shown:
        record_access(
            user, kind=AccessKind.API, object_type="plan", object_uuid=run.uuid, count=shown
        )
    return out
