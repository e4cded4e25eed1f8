"""Candidates found by the worker: newly registered persons against every open inquiry, and
against the register for duplicates (issue 16, items 3 and 4).

One whole-list run of the matching engine per batch (homeward.linkage.engine, Splink on DuckDB),
never one search per inquiry:

- **inquiries**: LEFT the open inquiries, RIGHT the new persons: for each inquiry its best new
  persons, decided `match` or `possible` and explained by the engine, queued as inquiry ↔ person
  candidates (origin `rematch`);
- **duplicates**: the new persons together with the register persons that share a surname key
  with one of them (registry.NameKey, so a register of a million is never read whole), deduplicated
  in one run; each pair with at least one new person is queued as a person ↔ person candidate
  (origin `dedupe`).

Before the engine runs, inquiries that share no blocking key with any new person are set aside
(model.index_keys gives the keys the engine's blocking rules compare). The engine would never
pair them, and with the shipped model (train="none") nothing else in a link depends on them
(term frequencies and the prior come from the new persons), so the result is the same, only
sooner: one notified capture against 100,000 open inquiries scores the few dozen inquiries that
share a key with it. A small batch's duplicate search keeps, likewise, only the records that
share a key with a new one; there the term frequencies and the prior come from the records
compared, as they do in any dedupe run of the engine.

The model is the shipped one, not re-estimated on each batch: a batch of one person has nothing
to estimate from, and a worker's result should not depend on how a file happened to be split.
Its prior is the engine's default for a link (half the records sought are in the list at hand),
so on a small batch a pair's probability is higher than against the whole register; the queue
orders by it and a person decides. queue_candidates (tracing.actions) skips pairs already
pending or decided unless one record changed since (their fingerprint).

The engine never imports Django: rows are turned into its Person records here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings

from homeward.linkage.dates import BirthDate
from homeward.linkage.features import Person as Record
from homeward.linkage.features import features
from homeward.linkage.model import Match, index_keys
from homeward.registry.models import NameKey, Person

from .actions import CandidatePair, queue_candidates
from .fingerprints import inquiry_fields, pair_fingerprint, person_fields, spellings_of
from .models import WAITING_STATES, CandidateOrigin, Inquiry

log = logging.getLogger("homeward.tracing")
Progress = Callable[[str], None]

# A pair below this probability is not worth a reviewer's time (the engine keeps pairs from
# 0.001 up, for ranking). Setting: TRACING_REMATCH_MIN_SCORE.
DEFAULT_MIN_SCORE = 0.05
# Rows read from the database at a time (bounded IN lists on both databases).
CHUNK = 2000
# Up to this many new persons, records sharing no blocking key with them are set aside before
# the engine runs (see the module's docstring). A larger batch shares a key with nearly every
# record: computing the keys would only double the engine's own preparation.
PREFILTER_MAX = 1000

_INQUIRY_FIELDS = (
    "id",
    "family_name",
    "given_name",
    "patronymic",
    "full_name",
    "sex",
    "birth_date",
    "birth_place",
)
_PERSON_FIELDS = (
    "id",
    "family_name",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_place",
)


@dataclass
class Result:
    persons: int = 0
    inquiries: int = 0
    pairs: int = 0
    queued: int = 0
    duplicate_pairs: int = 0
    duplicates_queued: int = 0


def min_score() -> float:
    return float(getattr(settings, "TRACING_REMATCH_MIN_SCORE", DEFAULT_MIN_SCORE))


def _birth(value) -> BirthDate:
    if value is None:
        return BirthDate(None, None, None)
    return BirthDate(value.year, value.month, value.day)


def _sex(value: str) -> str:
    return value if value in ("M", "F") else ""


def inquiry_record(row: dict) -> Record:
    """An inquiry's sought person as the engine reads it (`source_id` is the inquiry's id)."""
    return Record(
        source_id=str(row["id"]),
        family_name=row["family_name"] or "",
        given_name=row["given_name"] or "",
        patronymic=row["patronymic"] or "",
        full_name=row["full_name"] or "",
        birth_date=_birth(row["birth_date"]),
        birth_place=row["birth_place"] or "",
        sex=_sex(row["sex"]),
    )


def person_record(row: dict) -> Record:
    """A register person as the engine reads it: the name as first registered."""
    return Record(
        source_id=str(row["id"]),
        family_name=row["family_name"] or "",
        given_name=row["given_name"] or "",
        patronymic=row["patronymic"] or "",
        birth_date=_birth(row["birth_date"]),
        birth_place=row["birth_place"] or "",
        sex=_sex(row["sex"]),
    )


def live_persons(ids: Iterable[int]) -> list[dict]:
    """The persons among `ids` still in the register (not merged away, not anonymised)."""
    ids = sorted(set(ids))
    out: list[dict] = []
    for start in range(0, len(ids), CHUNK):
        out.extend(
            Person.objects.filter(
                pk__in=ids[start : start + CHUNK],
                merged_into__isnull=True,
                anonymised_at__isnull=True,
            ).values(*_PERSON_FIELDS)
        )
    return out


def open_inquiries() -> list[dict]:
    """Every inquiry still waiting for an answer and not yet linked to a person."""
    return list(
        Inquiry.objects.filter(state__in=WAITING_STATES, linked_person__isnull=True)
        .order_by("id")
        .values(*_INQUIRY_FIELDS)
    )


def _keys(records: Sequence[Record], side: str) -> list[list[str]]:
    return [index_keys(features(r, i), side=side) for i, r in enumerate(records)]


# Each open inquiry prepared as the engine compares it (features.features) with its blocking
# keys, kept by the worker process between runs: preparing is most of a run's time (about a
# tenth of a millisecond a record, Python), and a capture notified every minute should not
# prepare 100,000 inquiries every minute. An entry is used only while the inquiry's fields are
# the same (the record is the key). About 2 KB an inquiry; emptied above _PREPARED_MAX.
_PREPARED: dict[Record, tuple[dict, frozenset[str]]] = {}
_PREPARED_MAX = 500_000


def _prepared_inquiries(records: Sequence[Record]) -> list[tuple[dict, frozenset[str]]]:
    if len(_PREPARED) > _PREPARED_MAX:
        _PREPARED.clear()
    out = []
    for r in records:
        held = _PREPARED.get(r)
        if held is None:
            row = features(r, 0)
            held = _PREPARED[r] = (row, frozenset(index_keys(row, side="left")))
        out.append(held)
    return out


def _link(left_rows: list[dict], right: Sequence[Record], *, progress: Progress) -> list[Match]:
    """engine.link (train="none") on inquiries prepared already: the same run, the same
    decisions, without preparing the inquiries again."""
    from homeward.linkage import engine
    from homeward.linkage.features import prepare

    right_rows = prepare(right, start=len(left_rows))
    return engine.link_prepared(left_rows, right_rows, train="none", progress=progress)


def _spellings(ids: Iterable[int]) -> dict[int, list[tuple[str, str, str]]]:
    ids = sorted(set(ids))
    out: dict[int, list[tuple[str, str, str]]] = {}
    for start in range(0, len(ids), CHUNK):
        out.update(spellings_of(ids[start : start + CHUNK]))
    return out


def _explanation(m: Match) -> dict:
    """As the filing form's search stores it, so the queue puts both into the same words."""
    from .search import explanation_json

    return explanation_json(m.explanation, m.decision)


def _best(matches: Iterable[Match], floor: float) -> dict[tuple[int, int], Match]:
    """One match per pair of ids (the best), those at the floor or above."""
    out: dict[tuple[int, int], Match] = {}
    for m in matches:
        if m.score < floor:
            continue
        key = (int(m.left_id), int(m.right_id))
        if key not in out or m.score > out[key].score:
            out[key] = m
    return out


def match_inquiries(
    persons: list[dict], inquiries: list[dict], *, progress: Progress
) -> list[CandidatePair]:
    """Inquiry ↔ person candidate pairs for new `persons` (rows of live_persons) against open
    `inquiries` (rows of open_inquiries)."""
    if not persons or not inquiries:
        return []
    right = [person_record(p) for p in persons]
    progress(f"preparing {len(inquiries):,} open inquiries…")
    prepared = _prepared_inquiries([inquiry_record(q) for q in inquiries])
    right_keys = {k for keys in _keys(right, "right") for k in keys}
    left_rows: list[dict] = []
    for row, keys in prepared:
        if not keys.isdisjoint(right_keys):
            left_rows.append({**row, "unique_id": len(left_rows)})
    if not left_rows:
        return []
    progress(f"matching {len(left_rows):,} inquiries that share a key with {len(right):,} persons…")
    matches = _link(left_rows, right, progress=progress)
    best = _best(matches, min_score())
    if not best:
        return []
    progress(f"fingerprinting {len(best):,} pairs…")
    by_inquiry = {q["id"]: SimpleNamespace(**q) for q in inquiries}
    by_person = {p["id"]: SimpleNamespace(**p) for p in persons}
    spellings = _spellings(pid for _, pid in best)
    return [
        CandidatePair(
            inquiry_id=iid,
            person_id=pid,
            other_person_id=None,
            score=min(max(m.score, 0.0), 1.0),
            explanation=_explanation(m),
            fingerprint=pair_fingerprint(
                inquiry_fields(by_inquiry[iid]),
                person_fields(by_person[pid], spellings.get(pid, ())),
            ),
        )
        for (iid, pid), m in best.items()
    ]


def register_neighbours(persons: list[dict]) -> list[dict]:
    """Register persons (not among `persons`) that share a surname key with one of them: the
    only ones a dedupe could pair with them, read without reading the whole register."""
    from homeward.registry.namekeys import skeleton

    new_ids = {p["id"] for p in persons}
    keys = sorted({k for p in persons if (k := skeleton(p["family_name"] or ""))})
    ids: set[int] = set()
    for start in range(0, len(keys), 500):
        ids.update(
            NameKey.objects.filter(key__in=keys[start : start + 500]).values_list(
                "person_id", flat=True
            )
        )
    ids -= new_ids
    found = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        found.extend(
            Person.objects.filter(
                pk__in=ordered[start : start + CHUNK],
                merged_into__isnull=True,
                anonymised_at__isnull=True,
            ).values(*_PERSON_FIELDS)
        )
    return found


def match_duplicates(persons: list[dict], *, progress: Progress) -> list[CandidatePair]:
    """Person ↔ person candidate pairs: each new person against the others and the register."""
    if not persons:
        return []
    progress("looking for possible duplicates in the register…")
    neighbours = register_neighbours(persons)
    rows = persons + neighbours
    records = [person_record(p) for p in rows]
    new = set(range(len(persons)))
    if len(persons) > PREFILTER_MAX:
        return _duplicate_pairs(persons, rows, records, progress=progress)
    # Keep the records that share a blocking key with another, one of the two new.
    left_keys = _keys(records, "left")
    right_keys = _keys(records, "right")
    holders: dict[str, list[int]] = {}
    for i, keys in enumerate(right_keys):
        for k in keys:
            holders.setdefault(k, []).append(i)
    keep: set[int] = set()
    for i, keys in enumerate(left_keys):
        for k in keys:
            for j in holders.get(k, ()):
                if j != i and (i in new or j in new):
                    keep.update((i, j))
    if not keep:
        return []
    return _duplicate_pairs(persons, rows, [records[i] for i in sorted(keep)], progress=progress)


def _duplicate_pairs(
    persons: list[dict], rows: list[dict], chosen: list[Record], *, progress: Progress
) -> list[CandidatePair]:
    from homeward.linkage import engine

    progress(f"comparing {len(chosen):,} records for duplicates…")
    matches = engine.dedupe(chosen, train="none", progress=progress)
    new_ids = {p["id"] for p in persons}
    best: dict[tuple[int, int], Match] = {}
    for (a, b), m in _best(matches, min_score()).items():
        if a not in new_ids and b not in new_ids:
            continue
        key = (min(a, b), max(a, b))
        if key not in best or m.score > best[key].score:
            best[key] = m
    if not best:
        return []
    by_id = {p["id"]: SimpleNamespace(**p) for p in rows}
    spellings = _spellings(i for pair in best for i in pair)
    return [
        CandidatePair(
            inquiry_id=None,
            person_id=a,
            other_person_id=b,
            score=min(max(m.score, 0.0), 1.0),
            explanation=_explanation(m),
            fingerprint=pair_fingerprint(
                person_fields(by_id[a], spellings.get(a, ())),
                person_fields(by_id[b], spellings.get(b, ())),
            ),
        )
        for (a, b), m in best.items()
    ]


def rematch(person_ids: Sequence[int], *, progress: Progress | None = None) -> Result:
    """Match persons that entered the register against every open inquiry and the register,
    and queue the new candidates. Returns the counts."""
    say = progress or (lambda _: None)
    result = Result()
    persons = live_persons(person_ids)
    result.persons = len(persons)
    if not persons:
        return result
    inquiries = open_inquiries()
    result.inquiries = len(inquiries)
    pairs = match_inquiries(persons, inquiries, progress=say)
    result.pairs = len(pairs)
    if pairs:
        say(f"queueing {len(pairs):,} inquiry candidates…")
        result.queued = queue_candidates(pairs=pairs, origin=CandidateOrigin.REMATCH)
    duplicates = match_duplicates(persons, progress=say)
    result.duplicate_pairs = len(duplicates)
    if duplicates:
        say(f"queueing {len(duplicates):,} possible duplicates…")
        result.duplicates_queued = queue_candidates(pairs=duplicates, origin=CandidateOrigin.DEDUPE)
    return result
