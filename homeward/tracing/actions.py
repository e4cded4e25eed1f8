"""Every write of the tracing desk: one keyword-only function each, one transaction, one ledger
entry (names never enter the ledger in clear: ids, counts and salted commitments only)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from homeward.ledger.actions import append
from homeward.lib.bulk import insert_rows
from homeward.lib.errors import ValidationFailed

from .models import Candidate, CandidateKind, CandidateOrigin, CandidateState


@dataclass(frozen=True)
class CandidatePair:
    """One pair the engine proposes. `inquiry_id` set: an inquiry ↔ person pair; else
    `other_person_id` set: two register persons (any order: stored canonically). Ids are database
    ids. `explanation` is JSON (tracing.explain.explanation_json); `fingerprint` is
    tracing.fingerprints.pair_fingerprint of both records' matching fields."""

    inquiry_id: int | None
    person_id: int
    other_person_id: int | None
    score: float
    explanation: dict = field(default_factory=dict, hash=False, compare=False)
    fingerprint: str = ""


# Existing rows are looked up this many pairs at a time (bounded IN lists on both databases).
_LOOKUP_CHUNK = 500


def _key(pair: CandidatePair) -> tuple[str, int, int]:
    if pair.inquiry_id is not None:
        return (CandidateKind.INQUIRY_PERSON, pair.inquiry_id, pair.person_id)
    assert pair.other_person_id is not None
    a, b = sorted((pair.person_id, pair.other_person_id))
    return (CandidateKind.PERSON_PERSON, a, b)


def _check(pair: CandidatePair) -> str | None:
    if pair.inquiry_id is None and pair.other_person_id is None:
        return "needs an inquiry_id or an other_person_id"
    if pair.inquiry_id is not None and pair.other_person_id is not None:
        return "has both an inquiry_id and an other_person_id"
    if pair.other_person_id is not None and pair.other_person_id == pair.person_id:
        return "pairs a person with itself"
    if not 0.0 <= pair.score <= 1.0:
        return "score must be a probability between 0 and 1"
    if not pair.fingerprint or len(pair.fingerprint) > 64:
        return "fingerprint must be 1–64 characters"
    return None


def _existing(keys: list[tuple[str, int, int]]) -> dict[tuple[str, int, int], Candidate]:
    out: dict[tuple[str, int, int], Candidate] = {}
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[start : start + _LOOKUP_CHUNK]
        q = Q(pk__in=[])
        for kind, a, b in chunk:
            if kind == CandidateKind.INQUIRY_PERSON:
                q |= Q(kind=kind, inquiry_id=a, person_id=b)
            else:
                q |= Q(kind=kind, person_id=a, other_person_id=b)
        for c in Candidate.objects.filter(q).only(
            "id", "kind", "inquiry_id", "person_id", "other_person_id", "state", "fingerprint"
        ):
            if c.kind == CandidateKind.INQUIRY_PERSON:
                assert c.inquiry_id is not None
                out[(c.kind, c.inquiry_id, c.person_id)] = c
            else:
                assert c.other_person_id is not None
                out[(c.kind, c.person_id, c.other_person_id)] = c
    return out


@transaction.atomic
def queue_candidates(*, pairs: Iterable[CandidatePair], origin: str) -> int:
    """Queues new pending candidates and returns how many were queued.

    A pair already pending (or in second look), decided or stale with the same fingerprint is
    skipped: a decided pair never comes back unless one of its records changed. A known pair
    whose fingerprint changed goes back to pending with the new score, explanation and
    fingerprint (its decisions stay) and counts as queued. Within one call a pair given twice
    counts once (the best score wins). One ledger entry per call, ids and counts only.

    Races: two calls queueing the same new pair at once would both insert; the unique
    constraints refuse the second, which rolls its whole call back (the worker retries)."""
    if origin not in CandidateOrigin.values:
        raise ValidationFailed(
            "Unknown origin.",
            detail={"fields": {"origin": "must be one of: " + ", ".join(CandidateOrigin.values)}},
        )
    best: dict[tuple[str, int, int], CandidatePair] = {}
    for i, pair in enumerate(pairs):
        problem = _check(pair)
        if problem:
            raise ValidationFailed(
                f"Pair {i + 1} {problem}.", detail={"pairs": {str(i + 1): problem}}
            )
        key = _key(pair)
        if key not in best or pair.score > best[key].score:
            best[key] = pair
    if not best:
        return 0
    existing = _existing(list(best))
    now = timezone.now()
    new_rows = []
    reopened = 0
    refreshed = 0
    for key, pair in best.items():
        kind, a, b = key
        old = existing.get(key)
        if old is None:
            new_rows.append(
                (
                    kind,
                    a if kind == CandidateKind.INQUIRY_PERSON else None,
                    b if kind == CandidateKind.INQUIRY_PERSON else a,
                    None if kind == CandidateKind.INQUIRY_PERSON else b,
                    pair.score,
                    pair.explanation,
                    origin,
                    CandidateState.PENDING,
                    pair.fingerprint,
                    0,
                    now,
                    now,
                )
            )
            continue
        if old.fingerprint == pair.fingerprint:
            continue
        was_waiting = old.state in (CandidateState.PENDING, CandidateState.SECOND_LOOK)
        Candidate.objects.filter(pk=old.pk).update(
            score=pair.score,
            explanation=pair.explanation,
            origin=origin,
            state=CandidateState.PENDING,
            fingerprint=pair.fingerprint,
            version=F("version") + 1,
            updated_at=now,
        )
        if was_waiting:
            refreshed += 1
        else:
            reopened += 1
    created = insert_rows(
        Candidate,
        (
            "kind",
            "inquiry_id",
            "person_id",
            "other_person_id",
            "score",
            "explanation",
            "origin",
            "state",
            "fingerprint",
            "version",
            "created_at",
            "updated_at",
        ),
        new_rows,
    )
    queued = created + reopened
    if queued or refreshed:
        digest = hashlib.sha256(
            "\n".join(f"{k}:{a}:{b}" for k, a, b in sorted(best)).encode()
        ).hexdigest()
        append(
            actor=None,
            action="tracing.candidates_queued",
            object_type="candidate_batch",
            object_id=digest,
            data={
                "origin": origin,
                "pairs": len(best),
                "created": created,
                "reopened": reopened,
                "refreshed": refreshed,
            },
        )
    return queued
