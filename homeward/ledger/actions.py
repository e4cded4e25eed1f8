"""Writes to the ledger. `append` is the one function every other action calls."""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from homeward.accounts.models import Role
from homeward.lib.errors import Forbidden, ValidationFailed

from . import merkle, notes, sequencing
from .canonical import canonical_json
from .models import Entry, PartyKey, Salt
from .privacy import commitment


def append(
    *,
    actor,
    action: str,
    object_type: str,
    object_id: object,
    data: Mapping[str, Any] | None = None,
    personal: Mapping[str, Any] | None = None,
    party=None,
    signature: str | None = None,
    numbered: bool = False,
) -> Entry:
    """Append one event. Must run inside the action's transaction (it refuses otherwise).

    `data` is stored in clear; `personal` holds personal data (names, birth dates, …) and only a
    salted commitment of each value enters the log, the salt going to a separate table.
    `signature`, when given, is the acting party's Ed25519 signature (base64) over
    canonical_json(data); it must verify against a registered key of that party.

    The entry is inserted *pending* (`seq` None) and commits or rolls back with the action; the
    sequencer (`store.seal`, run by the worker) gives it its place in the log within seconds.
    Nothing here waits for another writer. `numbered=True` takes the number now instead, for the
    rare action that must cite it at once (a party's approval of a list): it holds the head
    row's lock until the caller's transaction ends, so such appends queue behind each other and
    the sequencer waits for them. Use it only where the number is part of what is recorded.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("ledger.append() must run inside the action's transaction")
    if party is None and actor is not None:
        party = getattr(actor, "party", None)
    data = dict(data or {})
    signed_by = None
    if signature is not None:
        signed_by = _check_party_signature(party, canonical_json(data), signature)
    at = timezone.now()
    salts: dict[str, bytes] = {}
    commitments: dict[str, str] = {}
    for field, value in (personal or {}).items():
        salts[field] = os.urandom(32)
        commitments[field] = commitment(salts[field], value)
    # Without "seq": the sequencer adds it (sequencing.with_seq) when it numbers the entry.
    event = {
        "at": at.isoformat(),
        "actor": str(actor.uuid) if actor is not None else None,
        "party": party.code if party is not None else None,
        "action": action,
        "object": {"type": object_type, "id": str(object_id)},
        "data": data,
        "commitments": commitments,
    }
    if signed_by is not None:
        # Inside the event, so the leaf (and every checkpoint after it) commits to the
        # signature and the key it verifies with; "party_signature" sorts before "seq".
        event["party_signature"] = {"key": signed_by, "value": signature}
    draft = canonical_json(event)
    seq: int | None = None
    body, leaf = draft, None
    if numbered:
        seq = sequencing.take_number()
        body = sequencing.with_seq(draft, seq)
        leaf = merkle.leaf_hash(body)
    # Ids, not instances: the related-object descriptors cost more than the rest of the entry.
    values = [
        seq,
        at,
        actor.pk if actor is not None else None,
        party.pk if party is not None else None,
        action,
        object_type,
        str(object_id),
        body.decode(),
        leaf,
        signature or "",
    ]
    return sequencing.insert_entry(conn, values, salts)


def party_keys_in_log(party) -> list[str]:
    """The party's public keys valid now, as its `party.key_registered` and `party.key_revoked`
    entries say (numbered or still pending), in log order: the log, not a table, is the record
    of which keys a party has (the entries about the party, by the object index)."""
    rows = (
        Entry.objects.filter(
            object_type="party",
            object_id=str(party.uuid),
            action__in=("party.key_registered", "party.key_revoked"),
        )
        .order_by(F("seq").asc(nulls_last=True), "id")
        .values_list("action", "event")
    )
    valid: dict[str, bool] = {}
    for action, event in rows:
        doc = json.loads(event)
        key = (doc.get("data") or {}).get("public_key")
        if doc.get("party") == party.code and isinstance(key, str):
            valid[key] = action == "party.key_registered"
    return [k for k, ok in valid.items() if ok]


def _check_party_signature(party, message: bytes, signature: str) -> str:
    """Returns the key (base64) the signature verifies with."""
    if party is None:
        raise ValidationFailed(
            "A signature needs a party.",
            code="bad_signature",
            detail={"fields": {"signature": "no party to check it against"}},
        )
    keys = party_keys_in_log(party)
    if not keys:
        raise ValidationFailed(
            f"{party.code} has registered no signing key.",
            code="bad_signature",
            detail={"fields": {"signature": "the party has no registered key"}},
        )
    for k in keys:
        if notes.verify_party_signature(k, message, signature):
            return k
    raise ValidationFailed(
        f"The signature is not {party.code}'s.",
        code="bad_signature",
        detail={"fields": {"signature": "does not verify with the party's key"}},
    )


@transaction.atomic
def register_party_key(*, actor, party, public_key_b64: str) -> PartyKey:
    """A party's Ed25519 public key: the admin, or that party's own bureau officer, registers it."""
    if actor.role not in (Role.ADMIN, Role.BUREAU_OFFICER) or (
        actor.role == Role.BUREAU_OFFICER and actor.party_id != party.pk
    ):
        raise Forbidden("Only the admin or the party's own officer registers its key.")
    try:
        raw = base64.b64decode(public_key_b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ValidationFailed(
            "Not an Ed25519 public key.",
            detail={"fields": {"public_key": "must be 32 bytes, base64"}},
        )
    key = PartyKey.objects.create(
        party=party, public_key=base64.b64encode(raw).decode(), registered_by=actor
    )
    append(
        actor=actor,
        action="party.key_registered",
        object_type="party",
        object_id=party.uuid,
        party=party,
        data={"public_key": key.public_key},
    )
    return key


@transaction.atomic
def revoke_party_key(*, actor, key: PartyKey) -> PartyKey:
    """Ends a party key: signatures after the `party.key_revoked` entry no longer verify with it;
    those before it still do. The admin, or that party's own bureau officer."""

    party = key.party
    if actor.role not in (Role.ADMIN, Role.BUREAU_OFFICER) or (
        actor.role == Role.BUREAU_OFFICER and actor.party_id != party.pk
    ):
        raise Forbidden("Only the admin or the party's own officer revokes its key.")
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        append(
            actor=actor,
            action="party.key_revoked",
            object_type="party",
            object_id=party.uuid,
            party=party,
            data={"public_key": key.public_key},
        )
    return key


@transaction.atomic
def erase_salts(*, actor, object_type: str, object_id: str) -> int:
    """Anonymisation: the salts of an object's commitments are erased. The entries and the tree
    stay verifiable; the commitments can no longer be linked to the values."""
    if actor.role not in (Role.ADMIN, Role.CASEWORKER):
        raise Forbidden("Only a caseworker or the admin erases personal data.")
    n = Salt.objects.filter(
        entry__object_type=object_type, entry__object_id=str(object_id), erased_at__isnull=True
    ).update(salt=None, erased_at=timezone.now())
    append(
        actor=actor,
        action="ledger.salts_erased",
        object_type=object_type,
        object_id=object_id,
        data={"salts": n},
    )
    return n
