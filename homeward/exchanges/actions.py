"""Writes to negotiations and exchange lists: one function each, one transaction, one ledger entry."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from homeward.accounts.access import require_role
from homeward.accounts.models import Party, PartyKind, Role, User
from homeward.ledger.actions import append
from homeward.ledger.canonical import canonical_json
from homeward.ledger.models import PartyKey
from homeward.ledger.notes import verify_party_signature
from homeward.lib.dates import PartialDate
from homeward.lib.errors import Conflict, Forbidden, ValidationFailed
from homeward.registry.actions import record_status_event
from homeward.registry.models import Detention, Person, Source, SourceKind, StatusKind
from homeward.registry.selectors import held_by, with_current_status

from .models import (
    ChangeKind,
    Exchange,
    ExchangeList,
    ExchangeState,
    Handover,
    ListEntry,
    ListVersion,
    Negotiation,
    NegotiationEvent,
    NegotiationState,
    Outcome,
    Reason,
    Side,
    VersionApproval,
    VersionChange,
    VersionEvent,
    VersionEventKind,
    VersionState,
)

EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()


@transaction.atomic
def open_negotiation(
    *, actor: User, title: str, party_a: Party, party_b: Party, mediator: Party | None = None
) -> Negotiation:
    """A negotiation between two state parties, optionally through a mediator; each party's list
    starts as an empty draft (version 1)."""
    require_role(actor, Role.MEDIATOR, Role.CASEWORKER, Role.BUREAU_OFFICER)
    errors = {}
    if not title.strip():
        errors["title"] = "is required"
    if (
        party_a.kind != PartyKind.STATE
        or party_b.kind != PartyKind.STATE
        or party_a.pk == party_b.pk
    ):
        errors["party_b"] = "a negotiation is between two different state parties"
    if mediator is not None and mediator.kind != PartyKind.MEDIATOR:
        errors["mediator"] = "must be a mediating party"
    if actor.role == Role.MEDIATOR and (mediator is None or mediator.pk != actor.party_id):
        errors["mediator"] = "a mediator opens negotiations it mediates"
    if actor.role == Role.BUREAU_OFFICER and actor.party_id not in (party_a.pk, party_b.pk):
        raise Forbidden("A bureau officer opens negotiations of its own party only.")
    if errors:
        raise ValidationFailed("The negotiation is not valid.", detail={"fields": errors})
    negotiation = Negotiation.objects.create(
        title=title.strip(), party_a=party_a, party_b=party_b, mediator=mediator, created_by=actor
    )
    NegotiationEvent.objects.create(negotiation=negotiation, state=NegotiationState.OPEN, by=actor)
    for party in (party_a, party_b):
        lst = ExchangeList.objects.create(negotiation=negotiation, party=party)
        ListVersion.objects.create(
            exchange_list=lst, number=1, created_by=actor, digest=EMPTY_DIGEST
        )
    append(
        actor=actor,
        action="negotiation.opened",
        object_type="negotiation",
        object_id=negotiation.uuid,
        data={
            "parties": [party_a.code, party_b.code],
            "mediator": mediator.code if mediator else None,
        },
    )
    return negotiation


@transaction.atomic
def set_negotiation_state(
    *, actor: User, negotiation: Negotiation, state: str, note: str = ""
) -> Negotiation:
    require_role(actor, Role.MEDIATOR, Role.CASEWORKER, Role.BUREAU_OFFICER)
    _may_act_in(actor, negotiation)
    if state not in NegotiationState.values:
        raise ValidationFailed(
            "Unknown state.",
            detail={"fields": {"state": "must be one of: " + ", ".join(NegotiationState.values)}},
        )
    if negotiation.state == NegotiationState.CONCLUDED:
        raise Conflict("The negotiation is concluded.")
    negotiation.state = state
    negotiation.save(update_fields=["state"])
    NegotiationEvent.objects.create(negotiation=negotiation, state=state, note=note, by=actor)
    append(
        actor=actor,
        action="negotiation.state",
        object_type="negotiation",
        object_id=negotiation.uuid,
        data={"state": state},
        personal={"note": note} if note else None,
    )
    return negotiation


def _may_act_in(actor: User, negotiation: Negotiation) -> None:
    if actor.role == Role.CASEWORKER:
        return
    if actor.role == Role.MEDIATOR and negotiation.mediator_id == actor.party_id:
        return
    if actor.role == Role.BUREAU_OFFICER and actor.party_id in negotiation.parties():
        return
    raise Forbidden("You take no part in this negotiation.")


@dataclass
class Add:
    person: Person
    side: str
    reason: str
    text: str = ""


@dataclass
class Remove:
    person: Person
    reason: str
    text: str = ""
    substituted_by: Person | None = None


def latest_version(exchange_list: ExchangeList) -> ListVersion:
    version = exchange_list.versions.order_by("-number").first()
    assert version is not None  # every list starts with version 1
    return version


@transaction.atomic
def edit_list(
    *, actor: User, base: ListVersion, add: Sequence[Add] = (), remove: Sequence[Remove] = ()
) -> ListVersion:
    """A new draft version from `base`, which must still be the latest version: when another officer
    has edited the list since, this edit is refused (Conflict) and nothing is overwritten.

    Races: the base row is locked (SELECT … FOR UPDATE) before the latest version is read, so of
    two officers submitting on the same base, the second waits, then sees the first one's version
    and is refused. On SQLite the write lock serialises them the same way."""
    require_role(actor, Role.BUREAU_OFFICER)
    base = _lock_latest_editable(actor, base)
    current = dict(base.entries.values_list("person_id", "side"))
    _check_changes(base.exchange_list, current, add, remove)
    version = _write_version(actor, base, current, add, remove)
    _append_edit(actor, base, version, add, remove)
    return version


def _lock_latest_editable(actor: User, base: ListVersion) -> ListVersion:
    """The base version, locked, once it is known to be this party's, the latest and editable."""
    base = (
        ListVersion.objects.select_for_update()
        .select_related("exchange_list__negotiation")
        .get(pk=base.pk)
    )
    exchange_list = base.exchange_list
    negotiation = exchange_list.negotiation
    if actor.party_id != exchange_list.party_id:
        raise Forbidden("A party's list is edited by its own bureau only.")
    if base.state == VersionState.AGREED:
        raise Conflict(
            f"Version {base.number} was agreed; an agreed version is never edited.",
            detail={"fields": {"base": "is agreed"}},
        )
    latest = latest_version(exchange_list)
    if latest.pk != base.pk:
        raise Conflict(
            f"The list was edited since you opened it: version {latest.number} by "
            f"{latest.created_by.username} at {latest.created_at:%Y-%m-%d %H:%M}. "
            "Open the latest version and edit again.",
            detail={
                "fields": {"base": "is not the latest version"},
                "latest_version": str(latest.uuid),
            },
        )
    if exchange_list.versions.filter(state=VersionState.AGREED).exists():
        raise Conflict(
            "The list has an agreed version; it is no longer edited.",
            detail={"fields": {"base": "the list is agreed"}},
        )
    if negotiation.state != NegotiationState.OPEN:
        raise Conflict(
            f"The negotiation is {negotiation.state}.",
            detail={"fields": {"negotiation": f"is {negotiation.state}"}},
        )
    return base


def _check_changes(
    exchange_list: ExchangeList,
    current: dict[int, str],
    add: Sequence[Add],
    remove: Sequence[Remove],
) -> None:
    """Every addition and removal checked against the list (`current`: person id → side) and who
    each party holds; all the problems at once, by field, or nothing."""
    negotiation = exchange_list.negotiation
    other = (
        negotiation.party_b_id
        if exchange_list.party_id == negotiation.party_a_id
        else negotiation.party_a_id
    )
    errors: dict[str, str] = {}
    added_ids = {a.person.pk for a in add}
    held_here = set(
        held_by(exchange_list.party_id).filter(pk__in=added_ids).values_list("pk", flat=True)
    )
    held_there = set(held_by(other).filter(pk__in=added_ids).values_list("pk", flat=True))
    dead = set(
        with_current_status(Person.objects.filter(pk__in=added_ids))
        .filter(current_status=StatusKind.DIED)
        .values_list("pk", flat=True)
    )
    seen: set[int] = set()
    for i, a in enumerate(add):
        key = f"add.{i}"
        if a.side not in Side.values:
            errors[f"{key}.side"] = "must be ask or offer"
        elif not a.reason:
            errors[f"{key}.reason"] = "is required: every addition says why"
        elif a.reason not in Reason.values:
            errors[f"{key}.reason"] = "must be one of: " + ", ".join(Reason.values)
        elif a.reason == Reason.OTHER and not a.text.strip():
            errors[f"{key}.text"] = "is required when the reason is other"
        elif a.person.pk in current or a.person.pk in seen:
            errors[f"{key}.person"] = "is on the list already"
        elif a.person.pk in dead:
            errors[f"{key}.person"] = "is recorded as dead; a dead person is not listed"
        elif a.side == Side.OFFER and a.person.pk not in held_here:
            errors[f"{key}.person"] = "is not held by this party, so it cannot offer them"
        elif a.side == Side.ASK and a.person.pk not in held_there:
            errors[f"{key}.person"] = "is not held by the other party"
        seen.add(a.person.pk)
    removed_ids: set[int] = set()
    for i, r in enumerate(remove):
        key = f"remove.{i}"
        if r.person.pk not in current or r.person.pk in removed_ids:
            errors[f"{key}.person"] = "is not on the list"
        elif not r.reason:
            errors[f"{key}.reason"] = "is required: every removal says why"
        elif r.reason not in Reason.values:
            errors[f"{key}.reason"] = "must be one of: " + ", ".join(Reason.values)
        elif r.reason == Reason.OTHER and not r.text.strip():
            errors[f"{key}.text"] = "is required when the reason is other"
        elif r.reason == Reason.SUBSTITUTED_BY and (
            r.substituted_by is None or r.substituted_by.pk not in added_ids
        ):
            errors[f"{key}.substituted_by"] = "name the person added in this edit who replaces them"
        removed_ids.add(r.person.pk)
    if not add and not remove:
        errors["changes"] = "an edit adds or removes someone"
    if errors:
        raise ValidationFailed(
            "The edit is not valid; nothing was changed.", detail={"fields": errors}
        )


def _write_version(
    actor: User,
    base: ListVersion,
    current: dict[int, str],
    add: Sequence[Add],
    remove: Sequence[Remove],
) -> ListVersion:
    """The new version: its entries (the base's, edited) and a change row per edit."""
    exchange_list = base.exchange_list
    version = ListVersion.objects.create(
        exchange_list=exchange_list, number=base.number + 1, parent=base, created_by=actor
    )
    base_side = dict(current)
    for r in remove:
        current.pop(r.person.pk)
    for a in add:
        current[a.person.pk] = a.side
    ListEntry.objects.bulk_create(
        [ListEntry(version=version, person_id=pid, side=side) for pid, side in current.items()],
        batch_size=2000,
    )
    VersionChange.objects.bulk_create(
        [
            VersionChange(
                version=version,
                person=a.person,
                kind=ChangeKind.ADDED,
                side=a.side,
                reason=a.reason,
                text=a.text,
                by=actor,
            )
            for a in add
        ]
        + [
            VersionChange(
                version=version,
                person=r.person,
                kind=ChangeKind.REMOVED,
                side=base_side[r.person.pk],
                reason=r.reason,
                text=r.text,
                substituted_by=r.substituted_by,
                by=actor,
            )
            for r in remove
        ],
        batch_size=2000,
    )
    version.digest = entries_digest(version)
    version.size = len(current)
    version.save(update_fields=["digest", "size"])
    return version


def _append_edit(
    actor: User,
    base: ListVersion,
    version: ListVersion,
    add: Sequence[Add],
    remove: Sequence[Remove],
) -> None:
    exchange_list = base.exchange_list
    texts = [a.text for a in add] + [r.text for r in remove]
    append(
        actor=actor,
        action="list.edited",
        object_type="list_version",
        object_id=version.uuid,
        data={
            "list": str(exchange_list.uuid),
            "number": version.number,
            "base": str(base.uuid),
            "added": [
                {"person": str(a.person.uuid), "side": a.side, "reason": a.reason} for a in add
            ],
            "removed": [
                {
                    "person": str(r.person.uuid),
                    "reason": r.reason,
                    "substituted_by": str(r.substituted_by.uuid) if r.substituted_by else None,
                }
                for r in remove
            ],
            "entries_digest": version.digest,
        },
        personal={"texts": texts} if any(texts) else None,
    )


def entries_digest(version: ListVersion) -> str:
    rows = sorted(f"{u}:{s}" for u, s in version.entries.values_list("person__uuid", "side"))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def approval_data(version: ListVersion) -> dict:
    """What a party signs to approve a version: canonical_json of this (see docs/exchanges.md)."""
    return {"version": str(version.uuid), "entries_digest": version.digest}


@transaction.atomic
def propose_version(*, actor: User, version: ListVersion, note: str = "") -> ListVersion:
    require_role(actor, Role.BUREAU_OFFICER)
    version = (
        ListVersion.objects.select_for_update().select_related("exchange_list").get(pk=version.pk)
    )
    if actor.party_id != version.exchange_list.party_id:
        raise Forbidden("A party proposes its own list.")
    if (
        version.state != VersionState.DRAFT
        or latest_version(version.exchange_list).pk != version.pk
    ):
        raise Conflict(
            "Only the latest draft can be proposed.",
            detail={"fields": {"version": f"is {version.state}, or not the latest"}},
        )
    return _transition(actor, version, VersionState.PROPOSED, note)


@transaction.atomic
def counter_version(*, actor: User, version: ListVersion, note: str = "") -> ListVersion:
    """The other party (or the mediator) answers a proposed version with a counter-proposal; the
    owning party then edits a new draft from it."""
    require_role(actor, Role.BUREAU_OFFICER, Role.MEDIATOR)
    version = (
        ListVersion.objects.select_for_update()
        .select_related("exchange_list__negotiation")
        .get(pk=version.pk)
    )
    _may_act_in(actor, version.exchange_list.negotiation)
    if actor.party_id == version.exchange_list.party_id:
        raise Forbidden("A party does not counter its own proposal.")
    if version.state != VersionState.PROPOSED:
        raise Conflict(
            "Only a proposed version can be countered.",
            detail={"fields": {"version": f"is {version.state}"}},
        )
    if not note.strip():
        raise ValidationFailed(
            "A counter-proposal says what the other side wants changed.",
            detail={"fields": {"note": "is required"}},
        )
    return _transition(actor, version, VersionState.COUNTERED, note)


@transaction.atomic
def approve_version(
    *, actor: User, version: ListVersion, signature: str | None = None
) -> ListVersion:
    """Each party's bureau approves the proposed version. A party that has registered a key must
    sign `approval_data(version)` (canonical JSON: the version's uuid and its entries' digest)
    with it; the ledger verifies the signature on arrival and a bad one is refused with nothing
    changed. The approval keeps the signature and the key it verified against. Without a key,
    the officer's approval is recorded (who, when). With both parties' approvals the version is
    agreed and frozen."""
    require_role(actor, Role.BUREAU_OFFICER)
    version = (
        ListVersion.objects.select_for_update()
        .select_related("exchange_list__negotiation")
        .get(pk=version.pk)
    )
    negotiation = version.exchange_list.negotiation
    if actor.party_id not in negotiation.parties():
        raise Forbidden("Only the two parties approve a list.")
    if version.state != VersionState.PROPOSED:
        raise Conflict(
            "Only a proposed version can be approved.",
            detail={"fields": {"version": f"is {version.state}"}},
        )
    if version.approvals.filter(party_id=actor.party_id).exists():
        raise Conflict(
            "Your party has approved this version already.",
            detail={"fields": {"version": "approved already by your party"}},
        )
    signature = (signature or "").strip() or None
    keys = list(PartyKey.objects.filter(party_id=actor.party_id, revoked_at__isnull=True))
    if signature is None and keys:
        raise ValidationFailed(
            "Your party has a signing key: approve with its signature.",
            detail={"fields": {"signature": "is required (Ed25519 over the approval data)"}},
        )
    entry = append(
        actor=actor,
        action="list.approved",
        object_type="list_version",
        object_id=version.uuid,
        data=approval_data(version),
        signature=signature,
        numbered=True,  # ledger_seq below needs the entry's number now
    )
    # append() refused a signature no key of the party verifies; name the one that does.
    message = canonical_json(approval_data(version))
    key = (
        next((k for k in keys if verify_party_signature(k.public_key, message, signature)), None)
        if signature is not None
        else None
    )
    VersionApproval.objects.create(
        version=version,
        party_id=actor.party_id,
        by=actor,
        digest=version.digest,
        signature=signature or "",
        key=key,
        ledger_seq=entry.number,
    )
    VersionEvent.objects.create(version=version, state=VersionEventKind.APPROVED, by=actor)
    if set(version.approvals.values_list("party_id", flat=True)) >= set(negotiation.parties()):
        return _transition(actor, version, VersionState.AGREED)
    return version


def _transition(actor: User, version: ListVersion, state: str, note: str = "") -> ListVersion:
    version.state = state
    version.save(update_fields=["state"])
    VersionEvent.objects.create(version=version, state=state, by=actor, note=note)
    append(
        actor=actor,
        action=f"list.{state}",
        object_type="list_version",
        object_id=version.uuid,
        data={"state": state, "entries_digest": version.digest},
        personal={"note": note} if note else None,
    )
    return version


# --- Exchanges and handovers -------------------------------------------------------------------


def _may_run_exchange(actor: User, negotiation: Negotiation) -> None:
    """Exchanges are recorded by the intermediary's caseworkers (who verify refusals in private
    interviews) and by the negotiation's mediator."""
    require_role(actor, Role.CASEWORKER, Role.MEDIATOR)
    _may_act_in(actor, negotiation)


def agreed_versions(negotiation: Negotiation) -> list[ListVersion]:
    """The agreed version of each party's list; an exchange needs both."""
    return list(
        ListVersion.objects.filter(
            exchange_list__negotiation=negotiation, state=VersionState.AGREED
        ).select_related("exchange_list")
    )


@transaction.atomic
def create_exchange(
    *,
    actor: User,
    negotiation: Negotiation,
    date: dt.date,
    place: str,
    transit_country: str = "",
) -> Exchange:
    """An exchange carrying out the negotiation's agreed lists. Its protocol becomes the source of
    every status event its handovers write."""
    _may_run_exchange(actor, negotiation)
    errors: dict[str, str] = {}
    if not place.strip():
        errors["place"] = "is required"
    elif len(place) > 200:
        errors["place"] = "is longer than 200 characters"
    transit_country = transit_country.strip().upper()
    if transit_country and (len(transit_country) != 2 or not transit_country.isalpha()):
        errors["transit_country"] = "must be a two-letter ISO 3166 code"
    if not isinstance(date, dt.date):
        errors["date"] = "is required"
    versions = agreed_versions(negotiation)
    if len(versions) < 2:
        errors["negotiation"] = "both parties' lists must be agreed before an exchange"
    if errors:
        raise ValidationFailed("The exchange is not valid.", detail={"fields": errors})
    source = Source.objects.create(
        kind=SourceKind.LIST,
        title=f"Exchange protocol, {place.strip()}, {date.isoformat()}",
        party=negotiation.mediator,
        date=PartialDate.from_date(date),
        reliability="A",
        credibility="1",
        created_by=actor,
    )
    exchange = Exchange.objects.create(
        negotiation=negotiation,
        date=date,
        place=place.strip(),
        mediator=negotiation.mediator,
        transit_country=transit_country,
        source=source,
        created_by=actor,
    )
    exchange.versions.set(versions)
    append(
        actor=actor,
        action="exchange.created",
        object_type="exchange",
        object_id=exchange.uuid,
        data={
            "negotiation": str(negotiation.uuid),
            "date": date.isoformat(),
            "transit_country": transit_country,
            "versions": sorted(str(v.uuid) for v in versions),
            "source": str(source.uuid),
        },
        personal={"place": exchange.place},
    )
    return exchange


def agreed_person_ids(exchange: Exchange) -> set[int]:
    return set(
        ListEntry.objects.filter(version__in=exchange.versions.all()).values_list(
            "person_id", flat=True
        )
    )


@dataclass
class HandoverLine:
    person: Person
    outcome: str
    reason: str = ""
    interviewed_by: str = ""
    interviewed_on: dt.date | None = None


# Which status event each outcome writes; absent and withheld change nothing about the person's
# status (they stay held), the handover line itself is the record.
OUTCOME_STATUS = {
    Outcome.HANDED_OVER: StatusKind.EXCHANGED,
    Outcome.REFUSED_VERIFIED: StatusKind.REFUSED_VERIFIED,
    Outcome.DIED: StatusKind.DIED,
}


@transaction.atomic
def record_handovers(
    *, actor: User, exchange: Exchange, lines: Sequence[HandoverLine]
) -> list[Handover]:
    """One handover line per listed person, each writing the person's status event. All lines or
    none: one bad line refuses the batch, naming it."""
    exchange = (
        Exchange.objects.select_for_update().select_related("negotiation").get(pk=exchange.pk)
    )
    negotiation = exchange.negotiation
    _may_run_exchange(actor, negotiation)
    if exchange.state == ExchangeState.COMPLETED:
        raise Conflict(
            "The exchange is completed; its handovers are final.",
            detail={"fields": {"exchange": "is completed"}},
        )
    holders = _check_handovers(exchange, lines)
    out = [_record_handover(actor, exchange, ln, holders[ln.person.pk]) for ln in lines]
    append(
        actor=actor,
        action="exchange.handovers",
        object_type="exchange",
        object_id=exchange.uuid,
        data={
            "lines": [
                {
                    "handover": str(h.uuid),
                    "person": str(h.person.uuid),
                    "outcome": h.outcome,
                    "interviewed_on": h.interviewed_on.isoformat() if h.interviewed_on else None,
                }
                for h in out
            ]
        },
        personal={
            "reasons": [h.reason for h in out],
            "interviewed_by": [h.interviewed_by for h in out],
        },
    )
    return out


def _check_handovers(exchange: Exchange, lines: Sequence[HandoverLine]) -> dict[int, int]:
    """Every line checked (on the agreed lists, once, held by a party of the negotiation, a
    refusal verified in a private interview…); all the problems at once, by line, or nothing.
    Returns each listed person's detaining party id."""
    negotiation = exchange.negotiation
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if exchange.date > today:
        errors["exchange.date"] = "is in the future: handovers are recorded on or after the day"
    on_list = agreed_person_ids(exchange)
    done = set(exchange.handovers.values_list("person_id", flat=True))
    gone_home = set(
        Handover.objects.filter(
            person_id__in=[ln.person.pk for ln in lines], outcome=Outcome.HANDED_OVER
        ).values_list("person_id", flat=True)
    )
    holders = dict(
        Detention.objects.filter(person_id__in=[ln.person.pk for ln in lines])
        .order_by("person_id", "created_at", "id")
        .values_list("person_id", "detaining_party_id")
    )  # ascending: the dict keeps each person's latest detention
    seen: set[int] = set()
    for i, ln in enumerate(lines):
        key = f"lines.{i}"
        pid = ln.person.pk
        if pid not in on_list:
            errors[f"{key}.person"] = "is not on the agreed lists of this exchange"
        elif pid in done or pid in seen:
            errors[f"{key}.person"] = "has a handover line in this exchange already"
        elif pid in gone_home:
            errors[f"{key}.person"] = "was handed over in an earlier exchange"
        elif holders.get(pid) not in negotiation.parties():
            errors[f"{key}.person"] = "is not held by either party of the negotiation"
        elif ln.outcome not in Outcome.values:
            errors[f"{key}.outcome"] = "must be one of: " + ", ".join(Outcome.values)
        elif ln.outcome == Outcome.REFUSED_VERIFIED and not ln.interviewed_by.strip():
            errors[f"{key}.interviewed_by"] = (
                "a refusal counts only if verified in a private interview: say who interviewed"
            )
        elif ln.outcome == Outcome.REFUSED_VERIFIED and ln.interviewed_on is None:
            errors[f"{key}.interviewed_on"] = "say when the private interview took place"
        elif ln.interviewed_on is not None and ln.interviewed_on > today:
            errors[f"{key}.interviewed_on"] = "is in the future"
        elif ln.outcome in (Outcome.WITHHELD, Outcome.ABSENT) and not ln.reason.strip():
            errors[f"{key}.reason"] = "is required: say why the person was not handed over"
        seen.add(pid)
    if errors:
        raise ValidationFailed(
            "The handovers are not valid; nothing was recorded.", detail={"fields": errors}
        )
    return holders


def _record_handover(
    actor: User, exchange: Exchange, ln: HandoverLine, from_party: int
) -> Handover:
    """One checked line: the person's status event (a verified refusal with its interview as
    source), then the handover row pointing to it."""
    negotiation = exchange.negotiation
    to_party = negotiation.party_b if from_party == negotiation.party_a_id else negotiation.party_a
    event = None
    kind = OUTCOME_STATUS.get(Outcome(ln.outcome))
    if kind is not None:
        note = ""
        source = exchange.source
        # Every exchange is created with its protocol as source (schedule_exchange).
        assert source is not None
        if ln.outcome == Outcome.REFUSED_VERIFIED:
            assert ln.interviewed_on is not None
            note = f"Verified in a private interview by {ln.interviewed_by.strip()} on {ln.interviewed_on.isoformat()}."
            source = Source.objects.create(
                kind=SourceKind.INTERVIEW,
                title=f"Private interview, exchange {exchange.date.isoformat()}",
                party=actor.party,
                date=PartialDate.from_date(ln.interviewed_on),
                reliability="A",
                credibility="1",
                created_by=actor,
            )
        event = record_status_event(
            actor=actor,
            person=ln.person,
            kind=kind,
            date=PartialDate.from_date(exchange.date),
            source=source,
            party=to_party if kind == StatusKind.EXCHANGED else None,
            place=exchange.place,
            note=note,
        )
    handover = Handover.objects.create(
        exchange=exchange,
        person=ln.person,
        from_party_id=from_party,
        outcome=ln.outcome,
        reason=ln.reason.strip(),
        interviewed_by=ln.interviewed_by.strip(),
        interviewed_on=ln.interviewed_on,
        status_event=event,
        recorded_by=actor,
    )
    return handover


def exchange_counts(exchange: Exchange) -> dict:
    """Per sending party and outcome, how many; and the agreed number each side owed."""
    counts: dict[str, dict[str, int]] = {}
    for code, outcome in exchange.handovers.values_list("from_party__code", "outcome"):
        counts.setdefault(code, {}).setdefault(outcome, 0)
        counts[code][outcome] += 1
    return counts


@transaction.atomic
def complete_exchange(*, actor: User, exchange: Exchange) -> Exchange:
    """Closes the exchange once every person on the agreed lists has a handover line; the counts
    by party and outcome are checked against the agreed lists and written to the ledger."""
    exchange = (
        Exchange.objects.select_for_update().select_related("negotiation").get(pk=exchange.pk)
    )
    _may_run_exchange(actor, exchange.negotiation)
    if exchange.state == ExchangeState.COMPLETED:
        raise Conflict(
            "The exchange is completed already.", detail={"fields": {"exchange": "is completed"}}
        )
    on_list = agreed_person_ids(exchange)
    lines = set(exchange.handovers.values_list("person_id", flat=True))
    missing = on_list - lines
    if missing:
        raise ValidationFailed(
            f"{len(missing)} listed person(s) have no handover line yet.",
            detail={
                "fields": {"handovers": f"{len(missing)} of {len(on_list)} listed persons missing"},
                "missing": sorted(
                    str(u)
                    for u in Person.objects.filter(pk__in=list(missing)[:50]).values_list(
                        "uuid", flat=True
                    )
                ),
            },
        )
    counts = exchange_counts(exchange)
    total = sum(n for by_outcome in counts.values() for n in by_outcome.values())
    # Cannot fail given the check above and the uniqueness of lines; kept as the stated invariant
    # of the protocol, since the ledger entry publishes these numbers.
    assert total == len(on_list), (total, len(on_list))
    exchange.state = ExchangeState.COMPLETED
    exchange.counts = {"by_party": counts, "listed": len(on_list), "lines": total}
    exchange.completed_by = actor
    exchange.completed_at = timezone.now()
    exchange.save(update_fields=["state", "counts", "completed_by", "completed_at"])
    append(
        actor=actor,
        action="exchange.completed",
        object_type="exchange",
        object_id=exchange.uuid,
        data=exchange.counts,
    )
    return exchange


def _plan_reason(why: list[str]) -> tuple[str, str]:
    codes = [w.split(":", 1)[0] for w in why]
    if "wounded_or_sick" in codes:
        return Reason.WOUNDED_OR_SICK, ""
    if "asked_for_by_name" in codes:
        return Reason.OTHER, why[codes.index("asked_for_by_name")].split(": ", 1)[1]
    return Reason.LONG_CAPTIVITY, ""


@transaction.atomic
def apply_plan(*, actor: User, run) -> ListVersion:
    """The actor's party adopts a plan for its own list: a new draft from the latest version that
    adds everyone the plan chose and the list lacks: the party's own side as offers, the other
    side as asks, each with the plan's reason. Nobody is removed (a removal needs a person's
    reason, which a plan cannot give)."""
    require_role(actor, Role.BUREAU_OFFICER)
    negotiation = run.negotiation
    lst = negotiation.lists.filter(party_id=actor.party_id).first()
    if lst is None or actor.party is None:
        raise Forbidden("Your party has no list in this negotiation.")
    own_code = actor.party.code
    base = latest_version(lst)
    on_list = set(base.entries.values_list("person__uuid", flat=True))
    wanted: list[tuple[str, str, list[str]]] = []
    for code, side in run.result["sides"].items():
        as_side = Side.OFFER if code == own_code else Side.ASK
        for line in side.get("lines", []):
            if line["in"]:
                wanted.append((line["person"], as_side, line["why"]))
    persons = {
        str(p.uuid): p
        for p in Person.objects.filter(uuid__in=[w[0] for w in wanted]).exclude(uuid__in=on_list)
    }
    add = [Add(persons[u], side, *_plan_reason(why)) for u, side, why in wanted if u in persons]
    if not add:
        raise ValidationFailed(
            "Everyone the plan chose is on your list already.",
            detail={"fields": {"plan": "adds nobody"}},
        )
    return edit_list(actor=actor, base=base, add=add)
