"""Every write of the tracing desk: one keyword-only function each, one transaction, one ledger
entry (names never enter the ledger in clear: ids, counts and salted commitments only)."""

from __future__ import annotations

import hashlib
import uuid as uuidlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from homeward.accounts.access import require_role
from homeward.accounts.models import Role, User
from homeward.ledger.actions import append
from homeward.lib.bulk import insert_rows
from homeward.lib.errors import Conflict, NotFound, ValidationFailed
from homeward.registry.models import Person

from .fingerprints import inquiry_fields, pair_fingerprint, person_fields, spellings_of
from .models import (
    QUEUE_STATES,
    WAITING_STATES,
    AnswerLetter,
    Candidate,
    CandidateKind,
    CandidateOrigin,
    CandidateState,
    Channel,
    Decision,
    Inquiry,
    InquiryState,
    Verdict,
)
from .validation import InquiryFields, clean_inquiry

# Who files inquiries and answers families: the tracing desk, and caseworkers standing in.
FILERS = (Role.FAMILY_LIAISON, Role.CASEWORKER)


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
    """The known candidates of these pair keys, in linear time: per chunk and kind, one query
    by one key column's IN list (served by its index), the exact pairs kept in Python. (A Q
    OR-ed pair by pair copies its children at every `|`: quadratic.)"""
    out: dict[tuple[str, int, int], Candidate] = {}
    wanted = set(keys)
    columns = {
        CandidateKind.INQUIRY_PERSON: ("inquiry_id", "person_id"),
        CandidateKind.PERSON_PERSON: ("person_id", "other_person_id"),
    }
    for kind, (first, second) in columns.items():
        of_kind = [(a, b) for k, a, b in keys if k == kind]
        for start in range(0, len(of_kind), _LOOKUP_CHUNK):
            chunk = of_kind[start : start + _LOOKUP_CHUNK]
            # Driven by the key column with fewer distinct values in the chunk: an IN list on
            # both would make SQLite probe their cross product.
            lefts, rights = {a for a, _ in chunk}, {b for _, b in chunk}
            column, values = (first, lefts) if len(lefts) <= len(rights) else (second, rights)
            rows = Candidate.objects.filter(kind=kind, **{f"{column}__in": sorted(values)}).only(
                "id", "kind", "inquiry_id", "person_id", "other_person_id", "state", "fingerprint"
            )
            for c in rows:
                key = (c.kind, getattr(c, first), getattr(c, second))
                if key in wanted:
                    out[key] = c
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


# --- Inquiries ------------------------------------------------------------------------------


def _inquiry_personal(inquiry: Inquiry) -> dict:
    """What the ledger commits to (salted) about an inquiry, never stores in clear."""
    return {
        "sought": [inquiry.family_name, inquiry.given_name, inquiry.patronymic, inquiry.full_name],
        "birth_date": str(inquiry.birth_date) if inquiry.birth_date else None,
        "requester": inquiry.requester_name,
    }


def _fields_or_raise(fields: InquiryFields | dict) -> InquiryFields:
    if isinstance(fields, InquiryFields):
        return fields
    cleaned, errors = clean_inquiry(fields)
    if errors:
        raise ValidationFailed("Some fields are not valid.", detail={"fields": errors})
    assert cleaned is not None
    return cleaned


def _new_inquiry(actor: User, f: InquiryFields, **extra) -> Inquiry:
    return Inquiry.objects.create(
        family_name=f.family_name,
        given_name=f.given_name,
        patronymic=f.patronymic,
        full_name=f.full_name,
        sex=f.sex,
        birth_date=f.birth_date,
        birth_place=f.birth_place,
        nationality=f.nationality,
        home_party=f.home_party,
        service_number=f.service_number,
        rank=f.rank,
        unit=f.unit,
        category=f.category,
        circumstances=f.circumstances,
        requester_name=f.requester_name,
        requester_relation=f.requester_relation,
        requester_contact=f.requester_contact,
        language=f.language,
        consent_parties=f.consent_parties,
        channel=f.channel,
        partner=f.partner,
        created_by=actor,
        **extra,
    )


def _search_pairs(inquiry: Inquiry) -> list[CandidatePair]:
    from .search import search_register

    found = search_register(inquiry)
    if not found:
        return []
    left = inquiry_fields(inquiry)
    persons = {p.pk: p for p in Person.objects.filter(pk__in=[f.person_id for f in found])}
    spellings = spellings_of(persons)
    return [
        CandidatePair(
            inquiry_id=inquiry.pk,
            person_id=f.person_id,
            other_person_id=None,
            score=min(max(f.score, 0.0), 1.0),
            explanation=f.explanation,
            fingerprint=pair_fingerprint(
                left, person_fields(persons[f.person_id], spellings.get(f.person_id, []))
            ),
        )
        for f in found
        if f.person_id in persons
    ]


@transaction.atomic
def file_inquiry(*, actor: User, fields: InquiryFields | dict, search: bool = True) -> Inquiry:
    """Files a family's inquiry and, unless told not to, searches the register at once: the best
    candidates are queued (origin `search`) before the liaison leaves the form."""
    require_role(actor, *FILERS)
    f = _fields_or_raise(fields)
    inquiry = _new_inquiry(actor, f)
    append(
        actor=actor,
        action="inquiry.filed",
        object_type="inquiry",
        object_id=inquiry.uuid,
        data={"channel": inquiry.channel, "language": inquiry.language, "batch": None},
        personal=_inquiry_personal(inquiry),
    )
    if search:
        queue_candidates(pairs=_search_pairs(inquiry), origin=CandidateOrigin.SEARCH)
    return inquiry


# A bulk file is read whole before anything is written; these bound the work.
BULK_MAX_BYTES = 5 * 1024 * 1024
BULK_MAX_ROWS = 5000

# Inquiry columns of a bulk file (canonical name → accepted header spellings), next to the
# person-list columns that homeward.lib.personlist reads.
INQUIRY_COLUMNS: dict[str, tuple[str, ...]] = {
    "requester_name": ("requester_name", "requester", "хто питає", "заявник", "заявитель"),
    "requester_relation": ("relation", "requester_relation", "ступінь спорідненості", "родство"),
    "requester_contact": ("contact", "requester_contact", "контакт", "контакты"),
    "language": ("language", "мова", "язык"),
    "channel": ("channel", "канал"),
    "partner": ("partner", "ngo", "партнер"),
    "home_party": ("home_party", "party", "сторона"),
    "consent_parties": ("consent", "consent_parties", "згода", "согласие"),
    "circumstances": ("circumstances", "обставини", "обстоятельства", "last_heard"),
}
_INQUIRY_HEADERS = {a.casefold(): col for col, names in INQUIRY_COLUMNS.items() for a in names}


def read_inquiry_rows(content: bytes, file_name: str = "") -> list[tuple[int, dict]]:
    """(line, raw fields) of each row of an NGO's spreadsheet: the person-list columns read as
    homeward.lib.personlist reads them, plus INQUIRY_COLUMNS. Raises ValidationFailed naming
    the line for a file that cannot be read at all."""
    from homeward.lib import personlist

    if len(content) > BULK_MAX_BYTES:
        raise ValidationFailed(
            f"The file is larger than {BULK_MAX_BYTES // (1024 * 1024)} MB.",
            detail={"fields": {"file": "too large"}},
        )
    try:
        cells = personlist.read_cells(content, file_name)
        header: list[tuple[str, str]] | None = None
        rows: list[tuple[int, dict]] = []
        for line, row in cells:
            if not any(c.strip() for c in row):
                continue
            if header is None:
                own = [
                    _INQUIRY_HEADERS.get(c.strip().casefold().replace(" ", "_"))
                    or _INQUIRY_HEADERS.get(c.strip().casefold())
                    for c in row
                ]
                person = personlist.map_header(
                    ["" if o else c for c, o in zip(row, own, strict=True)]
                )
                header = [
                    ("own", o) if o else ("person", p) for o, p in zip(own, person, strict=True)
                ]
                continue
            if len(rows) >= BULK_MAX_ROWS:
                raise ValidationFailed(
                    f"The file has more than {BULK_MAX_ROWS} rows; split it.",
                    detail={"lines": {str(line): "too many rows"}},
                )
            if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
                raise personlist.PersonListError(
                    f"the row has {len(row)} cells but the header has {len(header)} columns",
                    line=line,
                )
            values: dict = {}
            for i, (_, col) in enumerate(header):
                if col and i < len(row) and row[i].strip():
                    values[col] = row[i].strip()
            rows.append((line, values))
    except personlist.PersonListError as exc:
        detail = (
            {"lines": {str(exc.line): exc.message}}
            if exc.line
            else {"fields": {"file": exc.message}}
        )
        raise ValidationFailed(f"The file cannot be read: {exc}", detail=detail) from None
    if header is None:
        raise ValidationFailed("The file is empty.", detail={"fields": {"file": "no header row"}})
    if not rows:
        raise ValidationFailed("The file has no inquiry.", detail={"fields": {"file": "no rows"}})
    return rows


@transaction.atomic
def file_inquiries_from_file(
    *,
    actor: User,
    content: bytes,
    file_name: str = "",
    channel: str = Channel.NGO,
    partner: str = "",
) -> list[Inquiry]:
    """Files every inquiry of an NGO's spreadsheet, or none: any bad row fails the whole file,
    each bad row named by its line. Each inquiry is searched as a filed one is."""
    require_role(actor, *FILERS)
    rows = read_inquiry_rows(content, file_name)
    cleaned: list[tuple[int, InquiryFields]] = []
    errors: dict[str, str] = {}
    for line, raw in rows:
        raw.setdefault("channel", channel)
        if partner:
            raw.setdefault("partner", partner)
        f, problems = clean_inquiry(raw)
        if problems:
            errors[str(line)] = "; ".join(f"{k}: {v}" for k, v in problems.items())
        else:
            assert f is not None
            cleaned.append((line, f))
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(
            f"{len(errors)} row(s) are not valid (first: line {first}); nothing was filed.",
            detail={"lines": errors},
        )
    digest = hashlib.sha256(content).hexdigest()
    inquiries = [
        _new_inquiry(actor, f, batch_sha256=digest, batch_line=line) for line, f in cleaned
    ]
    append(
        actor=actor,
        action="inquiry.filed_bulk",
        object_type="inquiry_batch",
        object_id=digest,
        data={
            "count": len(inquiries),
            "inquiries": hashlib.sha256(
                "\n".join(sorted(str(i.uuid) for i in inquiries)).encode()
            ).hexdigest(),
        },
    )
    pairs: list[CandidatePair] = []
    for inquiry in inquiries:
        pairs.extend(_search_pairs(inquiry))
    queue_candidates(pairs=pairs, origin=CandidateOrigin.SEARCH)
    return inquiries


def _lock_inquiry(inquiry: Inquiry) -> Inquiry:
    locked = Inquiry.objects.select_for_update().filter(pk=inquiry.pk).first()
    if locked is None:
        raise NotFound("No such inquiry.")
    return locked


def _transition(
    actor: User, inquiry: Inquiry, to: str, allowed: tuple[str, ...], action: str, note: str
) -> Inquiry:
    require_role(actor, *FILERS)
    inquiry = _lock_inquiry(inquiry)
    if inquiry.state not in allowed:
        raise Conflict(
            f"The inquiry is {inquiry.get_state_display().lower()}.",
            code="wrong_state",
            detail={"state": inquiry.state},
        )
    now = timezone.now()
    inquiry.state = to
    if to == InquiryState.ANSWERED:
        inquiry.answered_at = now
    if to == InquiryState.CLOSED:
        inquiry.closed_at = now
    inquiry.save(update_fields=["state", "answered_at", "closed_at"])
    append(
        actor=actor,
        action=action,
        object_type="inquiry",
        object_id=inquiry.uuid,
        data={"state": to},
        personal={"note": note} if note else None,
    )
    return inquiry


def _free_text(value: str, field: str, limit: int = 2000) -> str:
    """A note or reason: bounded, and without NUL (which PostgreSQL refuses in text)."""
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationFailed(
            f"The {field} is too long.", detail={"fields": {field: f"at most {limit} characters"}}
        )
    if "\x00" in value:
        raise ValidationFailed(
            f"The {field} is not valid.", detail={"fields": {field: "contains a NUL character"}}
        )
    return value


def _note(note: str) -> str:
    return _free_text(note, "note")


@transaction.atomic
def answer_inquiry(*, actor: User, inquiry: Inquiry, note: str) -> Inquiry:
    """The family was answered without a letter from the register (e.g. "no trace so far",
    told by phone): the note says what was told."""
    note = _note(note)
    if not note:
        raise ValidationFailed(
            "Say what the family was told.", detail={"fields": {"note": "is required"}}
        )
    return _transition(
        actor, inquiry, InquiryState.ANSWERED, WAITING_STATES, "inquiry.answered", note
    )


@transaction.atomic
def close_inquiry(*, actor: User, inquiry: Inquiry, note: str = "") -> Inquiry:
    return _transition(
        actor,
        inquiry,
        InquiryState.CLOSED,
        (InquiryState.OPEN, InquiryState.REOPENED, InquiryState.ANSWERED),
        "inquiry.closed",
        _note(note),
    )


@transaction.atomic
def reopen_inquiry(*, actor: User, inquiry: Inquiry, note: str) -> Inquiry:
    note = _note(note)
    if not note:
        raise ValidationFailed(
            "Say why it is reopened.", detail={"fields": {"note": "is required"}}
        )
    return _transition(
        actor,
        inquiry,
        InquiryState.REOPENED,
        (InquiryState.ANSWERED, InquiryState.CLOSED),
        "inquiry.reopened",
        note,
    )


@transaction.atomic
def send_answer(*, actor: User, inquiry: Inquiry) -> AnswerLetter:
    """Records the answer letter to the family as sent (the facts as told, in the family's
    language) and marks the inquiry answered."""
    from .answer import answer_facts

    require_role(actor, *FILERS)
    inquiry = _lock_inquiry(inquiry)
    if inquiry.linked_person_id is None:
        raise Conflict("The inquiry is not linked to a registered person.", code="not_linked")
    person = Person.objects.get(pk=inquiry.linked_person_id)
    letter = AnswerLetter.objects.create(
        inquiry=inquiry,
        person=person,
        language=inquiry.language,
        facts=answer_facts(person).as_json(),
        sent_by=actor,
    )
    now = timezone.now()
    if inquiry.state in WAITING_STATES:
        inquiry.state = InquiryState.ANSWERED
        inquiry.answered_at = now
        inquiry.save(update_fields=["state", "answered_at"])
    append(
        actor=actor,
        action="inquiry.answer_sent",
        object_type="inquiry",
        object_id=inquiry.uuid,
        data={"letter": str(letter.uuid), "person": str(person.uuid), "language": letter.language},
    )
    return letter


# --- Decisions --------------------------------------------------------------------------------


def _settle(candidate: Candidate) -> tuple[str, str]:
    """(state, verdict) from the candidate's standing decisions on its current fingerprint,
    replayed in order: a first same/different decides; a later one that disagrees sends it to a
    second look, which the next same/different settles; `unsure` always asks for a second look."""
    state, verdict = CandidateState.PENDING, ""
    for d in candidate.decisions.filter(
        undone_at__isnull=True, fingerprint=candidate.fingerprint
    ).order_by("decided_at", "id"):
        if d.verdict == Verdict.UNSURE:
            state, verdict = CandidateState.SECOND_LOOK, ""
        elif state == CandidateState.DECIDED and d.verdict != verdict:
            state, verdict = CandidateState.SECOND_LOOK, ""
        elif state != CandidateState.DECIDED:
            state, verdict = CandidateState.DECIDED, d.verdict
    return state, verdict


def _apply(candidate: Candidate, actor: User) -> None:
    """Brings the candidate's state and the inquiry's link in line with its decisions."""
    state, verdict = _settle(candidate)
    candidate.state, candidate.verdict = state, verdict
    candidate.version += 1
    candidate.updated_at = timezone.now()
    candidate.save(update_fields=["state", "verdict", "version", "updated_at"])
    if candidate.kind != CandidateKind.INQUIRY_PERSON:
        return
    inquiry = _lock_inquiry(candidate.inquiry)  # type: ignore[arg-type]  # inquiry_person has one
    same = state == CandidateState.DECIDED and verdict == Verdict.SAME
    if same and inquiry.linked_person_id not in (None, candidate.person_id):
        raise Conflict(
            "The inquiry is already linked to another person: undo that decision first.",
            code="already_linked",
        )
    if same and inquiry.linked_person_id is None:
        inquiry.linked_person_id = candidate.person_id
        inquiry.linked_at = timezone.now()
        inquiry.save(update_fields=["linked_person", "linked_at"])
        append(
            actor=actor,
            action="inquiry.linked",
            object_type="inquiry",
            object_id=inquiry.uuid,
            data={"person": str(candidate.person.uuid), "candidate": str(candidate.uuid)},
        )
    elif not same and inquiry.linked_person_id == candidate.person_id:
        if inquiry.answers.exists():
            raise Conflict(
                "An answer naming this person was already sent: reopen the inquiry and record "
                "the correction instead.",
                code="answer_sent",
            )
        inquiry.linked_person = None
        inquiry.linked_at = None
        inquiry.save(update_fields=["linked_person", "linked_at"])
        append(
            actor=actor,
            action="inquiry.unlinked",
            object_type="inquiry",
            object_id=inquiry.uuid,
            data={"person": str(candidate.person.uuid), "candidate": str(candidate.uuid)},
        )


def _lock_candidate(candidate_uuid) -> Candidate:
    try:
        key = uuidlib.UUID(str(candidate_uuid))
    except ValueError:
        raise NotFound("No such candidate.") from None
    candidate = (
        # Lock the candidate's row only (PostgreSQL cannot lock the outer join's null side).
        Candidate.objects.select_for_update(of=("self",))
        .select_related("person", "inquiry")
        .filter(uuid=key)
        .first()
    )
    if candidate is None:
        raise NotFound("No such candidate: it may have been removed.")
    return candidate


@transaction.atomic
def decide(
    *,
    actor: User,
    candidate_uuid,
    verdict: str,
    reason: str = "",
    version: int | None = None,
) -> Decision:
    """A reviewer's verdict on a candidate. `version` is the candidate's version the reviewer
    saw: if someone decided meanwhile the decision is refused (Conflict) and nothing changes.
    Without it, only a candidate waiting for review (pending or second look) may be decided.

    The candidate's row is locked first, so of two reviewers deciding at the same moment the
    second waits, then finds the version moved on and is told."""
    require_role(actor, Role.CASEWORKER)
    if verdict not in Verdict.values:
        raise ValidationFailed(
            "Unknown verdict.", detail={"fields": {"verdict": "must be same, different or unsure"}}
        )
    reason = _free_text(reason, "reason")
    candidate = _lock_candidate(candidate_uuid)
    if candidate.state == CandidateState.STALE:
        raise Conflict("This candidate is no longer relevant.", code="stale")
    merged = Person.objects.filter(
        pk__in=[candidate.person_id, candidate.other_person_id], merged_into__isnull=False
    ).exists()
    if merged:
        # The record now lives on in its survivor; re-matching proposes the survivor instead.
        raise Conflict(
            "A record of this pair was merged into another since; it is no longer reviewed.",
            code="merged",
        )
    moved = version is not None and version != candidate.version
    decided_already = version is None and candidate.state not in QUEUE_STATES
    if moved or decided_already:
        last = (
            candidate.decisions.filter(undone_at__isnull=True)
            .order_by("-decided_at", "-id")
            .first()
        )
        raise Conflict(
            "Someone else decided this candidate meanwhile; look at it again.",
            code="decided_meanwhile",
            detail={
                "state": candidate.state,
                "verdict": candidate.verdict,
                "version": candidate.version,
                "decided_by": last.decided_by.username if last else None,
            },
        )
    decision = Decision.objects.create(
        candidate=candidate,
        verdict=verdict,
        reason=reason,
        fingerprint=candidate.fingerprint,
        decided_by=actor,
    )
    _apply(candidate, actor)
    append(
        actor=actor,
        action="candidate.decided",
        object_type="candidate",
        object_id=candidate.uuid,
        data={
            "decision": str(decision.uuid),
            "verdict": verdict,
            "state": candidate.state,
            "kind": candidate.kind,
        },
        personal={"reason": reason} if reason else None,
    )
    return decision


@transaction.atomic
def undo_decision(*, actor: User, decision_uuid) -> Decision:
    """Undoes the reviewer's own decision (the `z` key): kept, marked undone; the candidate's
    state and the inquiry's link follow from the decisions that stand."""
    require_role(actor, Role.CASEWORKER)
    try:
        key = uuidlib.UUID(str(decision_uuid))
    except ValueError:
        raise NotFound("No such decision.") from None
    found = Decision.objects.filter(uuid=key, decided_by=actor).first()
    if found is None:
        raise NotFound("No such decision of yours.")
    candidate = _lock_candidate(found.candidate.uuid)
    decision = Decision.objects.get(pk=found.pk)
    if decision.undone_at is not None:
        raise Conflict("This decision was already undone.", code="already_undone")
    later = candidate.decisions.filter(
        undone_at__isnull=True, decided_at__gt=decision.decided_at
    ).exclude(pk=decision.pk)
    if later.exists():
        raise Conflict(
            "Someone decided this candidate after you; it cannot be undone now.",
            code="decided_meanwhile",
        )
    decision.undone_at = timezone.now()
    decision.undone_by = actor
    decision.save(update_fields=["undone_at", "undone_by"])
    _apply(candidate, actor)
    append(
        actor=actor,
        action="candidate.decision_undone",
        object_type="candidate",
        object_id=candidate.uuid,
        data={"decision": str(decision.uuid), "state": candidate.state},
    )
    return decision
