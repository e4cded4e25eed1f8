"""The register search behind the inquiry form: the linkage engine's SearchIndex over the register.

The index (homeward.linkage.index) is a SQLite file of every spelling of every register person,
prepared as the engine compares them. It is built from the database and kept per process; a
register that changed since (a person added, a name added, a merge) is noticed by a cheap stamp
(counts and the latest timestamps) and the index is built again before the next search. Building
takes seconds per 100k spellings; above INLINE_REBUILD spellings a stale index is used as it is
and the register's name keys supply persons it does not know yet (see `_by_name`), so a web
request waits for a whole rebuild of a large register only when the process has no index at
all; `homeward tracing_index` builds it ahead (run it after a large import and at start-up).

"Never an empty list when the register has any plausible name": when the engine's blocking finds
fewer candidates than asked (a surname alone, a surname and a year), persons whose name keys
start like the inquiry's surname fill the list, scored by the same model, ranked after the
engine's own and saying so.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max

from homeward.linkage.dates import BirthDate
from homeward.linkage.features import Person as Record
from homeward.linkage.features import features
from homeward.linkage.index import SearchIndex
from homeward.registry.models import Merge, Person, PersonName

INLINE_REBUILD = 200_000
# How many candidates a search returns (the form shows them all).
LIMIT = 8
# A person found by name keys only is shown next to the engine's candidates from this probability.
NAME_ONLY_FLOOR = 0.001

_lock = threading.Lock()
_current: dict[str, tuple[str, SearchIndex]] = {}


@dataclass
class Found:
    """One register person found for an inquiry, with the engine's reasons."""

    person_id: int
    score: float
    decision: str  # "match" or "possible" (the engine's), or "name" (found by its name keys)
    explanation: dict = field(default_factory=dict)


def _birth(value) -> BirthDate:
    if value is None:
        return BirthDate(None, None, None)
    return BirthDate(value.year, value.month, value.day)


def record_of_inquiry(inquiry) -> Record:
    return Record(
        source_id="inquiry",
        family_name=inquiry.family_name,
        given_name=inquiry.given_name,
        patronymic=inquiry.patronymic,
        full_name=inquiry.full_name,
        birth_date=_birth(inquiry.birth_date),
        birth_place=inquiry.birth_place,
        sex="" if inquiry.sex == "U" else inquiry.sex,
    )


def _stamp() -> str:
    """What changes when the register's searchable content may have: the newest person, name
    and merge (ids only grow; persons are never deleted) and the merges undone. Index-only
    MAX queries, cheap at millions of rows (a COUNT would not be)."""
    p = Person.objects.aggregate(m=Max("id"), t=Max("created_at"))
    n = PersonName.objects.aggregate(m=Max("id"))
    g = Merge.objects.aggregate(n=Count("id"), u=Max("undone_at"))
    text = repr((connection.settings_dict["NAME"], p, n, g))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _records():
    """Every spelling of every person, under the id of the person it now belongs to."""
    people = {
        pid: (survivor, sex, birth, place)
        for pid, survivor, sex, birth, place in Person.objects.values_list(
            "id", "merged_into_id", "sex", "birth_date", "birth_place"
        ).iterator(chunk_size=5000)
    }
    seen: set[tuple] = set()
    rows = PersonName.objects.values_list(
        "person_id", "family_name", "given_name", "patronymic"
    ).iterator(chunk_size=5000)
    for pid, family, given, patronymic in rows:
        survivor, sex, birth, place = people[pid]
        key = (survivor or pid, family, given, patronymic)
        if key in seen:
            continue
        seen.add(key)
        yield Record(
            source_id=str(survivor or pid),
            family_name=family,
            given_name=given,
            patronymic=patronymic,
            birth_date=_birth(birth),
            birth_place=place,
            sex="" if sex == "U" else sex,
        )


def _directory() -> Path:
    path = Path(getattr(settings, "VAR_DIR", Path.cwd() / "var")) / "tracing-index"
    path.mkdir(parents=True, exist_ok=True)
    return path


def register_index() -> SearchIndex | None:
    """The search index of the register as it is now (None when the register is empty)."""
    alias = str(connection.settings_dict["NAME"])
    stamp = _stamp()
    with _lock:
        held = _current.get(alias)
        if held and held[0] == stamp:
            return held[1]
        size = PersonName.objects.count()
        if size == 0:
            return None
        if held and size > INLINE_REBUILD:
            return held[1]  # stale but large: `_by_name` covers what it lacks
        name = hashlib.sha256(alias.encode()).hexdigest()[:12]
        # One file per process: two server processes building the same stamp at once must not
        # write one file (SearchIndex.build replaces its path).
        path = _directory() / f"register-{name}-{stamp}-{os.getpid()}.sqlite3"
        index = SearchIndex.build(_records(), path)
        if held:
            held[1].close()
            if held[1].path != path:
                held[1].path.unlink(missing_ok=True)
        _current[alias] = (stamp, index)
        return index


_PART = re.compile(r"^(\w+): (.*) \(([+-]?\d+(?:\.\d+)?)\)$")


def explanation_json(text: str, decision: str) -> dict:
    """The engine's explanation ("surname: same across scripts (+9.1); birth: …; register: …")
    as data the pages put into words: each compared part with its level and weight, the note
    ahead of them (why a person must decide) and the register context."""
    parts = []
    notes = []
    register = ""
    for piece in text.split("; "):
        piece = piece.strip()
        m = _PART.match(piece)
        if m and m.group(1) == "register":
            register = m.group(2)
        elif m:
            parts.append(
                {"comparison": m.group(1), "level": m.group(2), "weight": float(m.group(3))}
            )
        elif piece:
            notes.append(piece)
    return {
        "decision": decision,
        "parts": parts,
        "notes": notes,
        "register": register,
        "text": text,
    }


def _by_name(
    index: SearchIndex, inquiry, query: dict, exclude: set[int], limit: int
) -> list[Found]:
    """Persons whose name keys start like the inquiry's surname (or, without one, its given
    name), scored by the model pair by pair: the list a liaison gets when blocking finds nothing."""
    from homeward.linkage.model import probability_of
    from homeward.linkage.names import surname_russian_reading
    from homeward.registry.names import query_keys
    from homeward.registry.selectors import search_persons

    family, given, _ = record_of_inquiry(inquiry).parts()
    words = family or given
    if not words or index.scorer is None:
        return []
    # The register's name keys read Ukrainian and Russian letters apart (Олійник: olinik,
    # Олейник: oleinik): ask with the surname's other form too, then, if nothing starts so,
    # with the key's first four letters.
    keys = list(query_keys(words)[:1])
    if family and (russian := surname_russian_reading(family)):
        keys += [k for k in query_keys(russian)[:1] if k not in keys]
    base = Person.objects.filter(merged_into__isnull=True).exclude(pk__in=exclude)
    ids: list[int] = []
    for attempt in (keys, sorted({k[:4] for k in keys if len(k) > 4})):
        for key in attempt:
            ids += [
                pk
                for pk in search_persons(base, key).values_list("pk", flat=True)[:200]
                if pk not in ids
            ]
        if ids:
            break
    if not ids:
        return []
    people = {
        pid: (sex, birth, place)
        for pid, sex, birth, place in Person.objects.filter(pk__in=ids).values_list(
            "id", "sex", "birth_date", "birth_place"
        )
    }
    best: dict[int, tuple[float, str]] = {}
    for pid, f, g, p in PersonName.objects.filter(person_id__in=ids).values_list(
        "person_id", "family_name", "given_name", "patronymic"
    ):
        sex, birth, place = people[pid]
        row = features(
            Record(str(pid), f, g, p, "", _birth(birth), place, "" if sex == "U" else sex), pid
        )
        score = index.scorer.score(query, row)
        if pid not in best or score.weight > best[pid][0]:
            best[pid] = (score.weight, score.explanation())
    ranked = sorted(best.items(), key=lambda kv: -kv[1][0])[:limit]
    return [
        Found(
            pid,
            probability_of(weight),
            "name",
            explanation_json(text, "name"),
        )
        for pid, (weight, text) in ranked
    ]


def search_register(inquiry, *, limit: int = LIMIT) -> list[Found]:
    """The register's best candidates for an inquiry, best first: the engine's, then (when it
    finds fewer than `limit`) persons found by their name keys. Reads no access scope: callers
    are the filing action and the tracing pages, which decide what a user sees."""
    index = register_index()
    if index is None:
        return []
    record = record_of_inquiry(inquiry)
    out: list[Found] = []
    seen: set[int] = set()
    # Several spellings of one person may each be a candidate: ask for more, keep each once.
    for match in index.search(record, limit=limit * 3):
        pid = int(match.right_id)
        if pid in seen:
            continue
        seen.add(pid)
        out.append(
            Found(
                pid,
                match.score,
                match.decision,
                explanation_json(match.explanation, match.decision),
            )
        )
        if len(out) >= limit:
            break
    if len(out) < limit:
        more = _by_name(index, inquiry, features(record, -1), seen, limit - len(out))
        # Name-only finds that disagree on everything are noise next to real candidates; alone,
        # they are still the best the register has.
        out.extend(f for f in more if not out or f.score >= NAME_ONLY_FLOOR)
    return out
