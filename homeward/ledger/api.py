"""Ledger endpoints (/api/v1/ledger/): checkpoints, proofs, the entries about one object.

Proofs are relative to a signed checkpoint: fetch /checkpoint, then ask for an inclusion proof of
an entry at that checkpoint's size, or a consistency proof between two sizes you hold.
Hashes are base64.
"""

from __future__ import annotations

import base64
import json

from django.db.models import F
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from homeward.accounts.access import access_person, request_user, require_role
from homeward.accounts.models import AccessKind, Role
from homeward.lib.api_errors import ERRORS, MAX_INT, PUBLIC_ERRORS
from homeward.lib.errors import NotFound, ValidationFailed

from . import store
from .models import Checkpoint, Entry

router = Router(tags=["ledger"])


def _b64(h: bytes | memoryview) -> str:
    return base64.b64encode(bytes(h)).decode()


class CheckpointOut(Schema):
    size: int
    root: str
    note: str
    verifier_key: str


def _checkpoint_out(cp: Checkpoint) -> dict:
    return {
        "size": cp.size,
        "root": _b64(cp.root),
        "note": cp.note,
        "verifier_key": store.verifier_key_text(),
    }


@router.get("/checkpoint", response={200: CheckpointOut, **PUBLIC_ERRORS}, auth=None)
def latest_checkpoint(request: HttpRequest):
    """The latest signed tree head (C2SP checkpoint) and the instance's verifier key. Public:
    it reveals only the log's size and root hash."""
    cp = store.latest_checkpoint()
    if cp is None:
        raise NotFound("The log has no checkpoint yet.")
    return _checkpoint_out(cp)


class InclusionOut(Schema):
    seq: int
    tree_size: int
    leaf_hash: str
    proof: list[str]


def _checkpointed_size(size: int | None) -> int:
    if size is None:
        cp = store.latest_checkpoint()
        if cp is None:
            raise NotFound("The log has no checkpoint yet.")
        return cp.size
    if not Checkpoint.objects.filter(size=size).exists():
        raise ValidationFailed(
            "Proofs are given at checkpointed sizes only.",
            detail={"fields": {"size": "no checkpoint of that size"}},
        )
    return size


@router.get("/proofs/inclusion", response={200: InclusionOut, **ERRORS})
def inclusion_proof(
    request: HttpRequest,
    seq: int = Query(..., ge=0, le=MAX_INT),
    size: int | None = Query(None, ge=1, le=MAX_INT),
):
    """Inclusion proof of entry `seq` in the tree of `size` (a checkpointed size; default: the latest)."""
    require_role(request_user(request), *Role.values)
    tree_size = _checkpointed_size(size)
    entry = Entry.objects.filter(seq=seq).first()
    if entry is None or entry.leaf_hash is None or seq >= tree_size:
        raise ValidationFailed(
            "No such entry under that checkpoint.", detail={"fields": {"seq": "out of range"}}
        )
    return {
        "seq": seq,
        "tree_size": tree_size,
        "leaf_hash": _b64(entry.leaf_hash),
        "proof": [_b64(h) for h in store.inclusion_proof(seq, tree_size)],
    }


class ConsistencyOut(Schema):
    first: int
    second: int
    proof: list[str]


@router.get("/proofs/consistency", response={200: ConsistencyOut, **ERRORS})
def consistency_proof(
    request: HttpRequest,
    first: int = Query(..., ge=1, le=MAX_INT),
    second: int = Query(..., ge=1, le=MAX_INT),
):
    """Consistency proof that the tree of size `first` is a prefix of the tree of size `second`
    (both checkpointed sizes)."""
    require_role(request_user(request), *Role.values)
    a, b = _checkpointed_size(first), _checkpointed_size(second)
    if a > b:
        raise ValidationFailed(
            "first must not exceed second.", detail={"fields": {"first": "larger than second"}}
        )
    return {"first": a, "second": b, "proof": [_b64(h) for h in store.consistency_proof(a, b)]}


class EntryOut(Schema):
    seq: int | None
    at: str
    action: str
    object_type: str
    object_id: str
    party: str | None
    event: dict
    signed: bool


@router.get("/objects/{object_type}/{object_id}/entries", response={200: list[EntryOut], **ERRORS})
def object_entries(
    request: HttpRequest,
    object_type: str = Path(..., max_length=40, pattern=r"^[a-z_]+$"),
    object_id: str = Path(..., max_length=64, pattern=r"^[0-9A-Za-z_.:-]+$"),
):
    """The entries about one object, in log order. For a person, only users who may see that
    person (the read is recorded). Entries carry commitments, never personal data in clear.
    An entry committed in the last seconds may still be pending: `seq` null, its event without
    its `"seq"`, until the worker's sequencer gives it its place in the log."""
    user = request_user(request)
    if object_type == "person":
        if user.role != Role.AUDITOR:
            access_person(user, object_id, kind=AccessKind.API)
    elif user.role not in (Role.AUDITOR, Role.CASEWORKER, Role.ADMIN):
        raise NotFound("No such object.")
    rows = (
        Entry.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("party")
        .order_by(F("seq").asc(nulls_last=True), "id")
    )
    return [
        {
            "seq": e.seq,
            "at": e.at.isoformat(),
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "party": e.party.code if e.party else None,
            "event": json.loads(e.event),
            "signed": bool(e.signature),
        }
        for e in rows[:1000]
    ]
