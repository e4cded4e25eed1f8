"""The register search behind the inquiry form: the linkage engine's SearchIndex over the register.

The index (homeward.linkage.index) is a SQLite file of every spelling of every register person,
prepared as the engine compares them. There is one file per database (VAR_DIR/tracing-index),
shared by every process: a process opens the file that is there, and each search first asks the
database, in one query, for the newest spelling (its id and time) and the merges' count and
latest undo. Spellings newer than the file covers are added to it (ids only grow; at most
INLINE_ADD a search, in one write transaction that other processes wait for), so a person
imported a moment ago is found by the next search. A merge (or its undo) needs the file built
again: a register of up to INLINE_REBUILD spellings is rebuilt by the search that notices it;
a larger one keeps the file, and persons merged away since are shown as their survivor. A
register the file does not belong to (another database of the same name, a test's rolled-back
rows) is noticed by the covered spelling's time and rebuilt. `homeward tracing_index` brings
the file up to date ahead of the first search (after a large import, at start-up) and, with
`--rebuild`, builds it afresh (which also refreshes the model's term frequencies).

"Never an empty list when the register has any plausible name": when the engine's blocking finds
fewer candidates than asked (a surname alone, a surname and a year), the index's records whose
surname key is the inquiry's (or starts like it) fill the list, scored by the same model, ranked
after the engine's own and saying so (SearchIndex.near). The register's name keys (`_by_name`)
are asked only when the index has nothing by surname (an inquiry with a given name alone), and
for persons newer than the index while it is catching up with a large import.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from homeward.linkage.dates import BirthDate
from homeward.linkage.features import Person as Record
from homeward.linkage.features import features
from homeward.linkage.index import SearchIndex
from homeward.registry.models import Merge, Person, PersonName

# A register of up to this many spellings is rebuilt by the search that notices a merge.
INLINE_REBUILD = 200_000
# Spellings one search adds to the index at most; the rest by the next searches (and meanwhile
# found by their name keys).
INLINE_ADD = 20_000
# How many candidates a search returns (the form shows them all).
LIMIT = 8
# A person found by name keys only is shown next to the engine's candidates from this probability.
NAME_ONLY_FLOOR = 0.001
# Persons `_by_name` reads at most for one name key.
NAME_KEY_READ = 100

_lock = threading.Lock()
_current: dict[str, SearchIndex] = {}
_inode: weakref.WeakKeyDictionary[SearchIndex, int] = weakref.WeakKeyDictionary()


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


@dataclass(frozen=True)
class _Stamp:
    """What the register's searchable content is now: its newest spelling (id and time; ids
    only grow, persons are never deleted) and its merges (how many, the latest undo)."""

    name: int
    name_at: str
    merges: str


def _stamp() -> _Stamp | None:
    """One query: the newest spelling by its primary key, the merges (a small table) counted
    (None when the register has no spelling)."""
    names, merges = PersonName._meta.db_table, Merge._meta.db_table
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT n.id, n.created_at, (SELECT COUNT(*) FROM {qn(merges)}), "  # noqa: S608
            f"(SELECT MAX(undone_at) FROM {qn(merges)}) "
            f"FROM {qn(names)} n ORDER BY n.id DESC LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return _Stamp(row[0], str(row[1]), f"{row[2]}/{row[3]}")


def _covers(index: SearchIndex) -> _Stamp | None:
    text = index.meta("covers")
    return _Stamp(**json.loads(text)) if text else None


def _people(person_ids) -> dict[int, tuple]:
    return {
        pid: (survivor, sex, birth, place)
        for pid, survivor, sex, birth, place in Person.objects.filter(pk__in=person_ids)
        .values_list("id", "merged_into_id", "sex", "birth_date", "birth_place")
        .iterator(chunk_size=5000)
    }


def _records(names=None, people=None):
    """Every spelling (of `names`, a PersonName queryset) of every person, under the id of the
    person it now belongs to."""
    if people is None:
        people = {
            pid: (survivor, sex, birth, place)
            for pid, survivor, sex, birth, place in Person.objects.values_list(
                "id", "merged_into_id", "sex", "birth_date", "birth_place"
            ).iterator(chunk_size=5000)
        }
    seen: set[tuple] = set()
    rows = (names if names is not None else PersonName.objects.all()).values_list(
        "person_id", "family_name", "given_name", "patronymic"
    )
    for pid, family, given, patronymic in rows.iterator(chunk_size=5000):
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


def _path(alias: str) -> Path:
    return _directory() / f"register-{hashlib.sha256(alias.encode()).hexdigest()[:12]}.sqlite3"


def _open(path: Path) -> SearchIndex | None:
    """The index file at `path`, if there is a usable one (remembering which file it was)."""
    try:
        inode = os.stat(path).st_ino  # before opening: a file replaced meanwhile is reopened
        index = SearchIndex(path)
    except (OSError, ValueError, TypeError, sqlite3.Error, json.JSONDecodeError):
        return None
    if index.scorer is None or _covers(index) is None:
        index.close()
        return None
    _inode[index] = inode
    return index


def _build(path: Path, stamp: _Stamp) -> SearchIndex:
    """The register up to `stamp` built afresh beside `path`, then put in its place: processes
    that hold the old file keep reading it until they notice (`_same_file`)."""
    temp = path.with_suffix(f".{os.getpid()}.building")
    index = SearchIndex.build(_records(PersonName.objects.filter(id__lte=stamp.name)), temp)
    index.set_meta("covers", json.dumps(stamp.__dict__))
    index.close()
    os.replace(temp, path)
    for old in path.parent.glob(f"{path.stem}-*.sqlite3"):  # one per process, before this file
        old.unlink(missing_ok=True)
    opened = _open(path)
    assert opened is not None
    return opened


def _same_file(index: SearchIndex, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == _inode.get(index)
    except OSError:
        return False


def _name_at(name_id: int) -> str | None:
    """The time a spelling was written, read as `_stamp` reads it."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT created_at FROM {qn(PersonName._meta.db_table)} WHERE id = %s",  # noqa: S608
            [name_id],
        )
        row = cursor.fetchone()
    return str(row[0]) if row else None


def _catch_up(index: SearchIndex, stamp: _Stamp, most: int | None) -> bool:
    """Adds the spellings newer than the index covers (`most` at most), in one write
    transaction that other processes wait for; False when the index is not this register's
    (the spelling it covers up to is gone, or another)."""
    with index.writing():
        covered = _covers(index)
        if covered is None or _name_at(covered.name) != covered.name_at:
            return False
        if covered.name >= stamp.name:
            return True  # another process got here first
        new = PersonName.objects.filter(id__gt=covered.name, id__lte=stamp.name)
        ids = new.order_by("id").values_list("id", flat=True)
        last = stamp.name if most is None else list(ids[:most])[-1]
        upto = stamp.name_at if last == stamp.name else _name_at(last)
        names = new.filter(id__lte=last)
        index.add(_records(names, _people(names.values("person_id"))))
        index.set_meta(
            "covers", json.dumps({"name": last, "name_at": upto, "merges": covered.merges})
        )
    return True


def _held(*, complete: bool = False, rebuild: bool = False):
    """(the index, what it covers, the register's stamp) for this database, brought up to date
    as far as one search may; None when the register is empty."""
    alias = str(connection.settings_dict["NAME"])
    stamp = _stamp()
    if stamp is None:
        return None
    path = _path(alias)
    with _lock:
        index = _current.pop(alias, None)
        if index is not None and not _same_file(index, path):
            index.close()
            index = None
        if index is None:
            index = _open(path)
        if index is not None and not rebuild:
            covered = _covers(index)
            if covered is None or (covered.name, covered.name_at) != (stamp.name, stamp.name_at):
                rebuild = not _catch_up(index, stamp, None if complete else INLINE_ADD)
        covered = _covers(index) if index is not None else None
        if (
            index is None
            or covered is None
            or rebuild
            or (covered.merges != stamp.merges and stamp.name <= INLINE_REBUILD)
        ):
            if index is not None:
                index.close()
            index, covered = _build(path, stamp), stamp
        _current[alias] = index
        return index, covered, stamp


def register_index(*, complete: bool = False, rebuild: bool = False) -> SearchIndex | None:
    """The search index of the register (None when the register is empty): the file on disk,
    with the spellings newer than it added (INLINE_ADD at most unless `complete`), built afresh
    when there is none, when it belongs to another register, when asked (`rebuild`), or after a
    merge in a small register."""
    held = _held(complete=complete, rebuild=rebuild)
    return held[0] if held else None


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
    index: SearchIndex, inquiry, query: dict, exclude: set[int], limit: int, *, newer: int = 0
) -> list[Found]:
    """Persons whose name keys start like the inquiry's surname (or, without one, its given
    name), scored by the model pair by pair; with `newer`, only persons with a spelling newer
    than that id (those the index does not know yet)."""
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
    if newer:
        base = base.filter(pk__in=PersonName.objects.filter(id__gt=newer).values("person_id"))
    ids: list[int] = []
    for attempt in (keys, sorted({k[:4] for k in keys if len(k) > 4})):
        for key in attempt:
            ids += [
                pk
                for pk in search_persons(base, key).values_list("pk", flat=True)[:NAME_KEY_READ]
                if pk not in ids
            ]
        if ids:
            break
    if not ids:
        return []
    best: dict[int, tuple[float, str]] = {}
    for pid, f, g, p, sex, birth, place in PersonName.objects.filter(person_id__in=ids).values_list(
        "person_id",
        "family_name",
        "given_name",
        "patronymic",
        "person__sex",
        "person__birth_date",
        "person__birth_place",
    ):
        row = features(
            Record(str(pid), f, g, p, "", _birth(birth), place, "" if sex == "U" else sex), pid
        )
        weight = index.scorer.weight(query, row)
        if pid not in best or weight > best[pid][0]:
            best[pid] = (weight, index.scorer.score(query, row).explanation())
    ranked = sorted(best.items(), key=lambda kv: -kv[1][0])[:limit]
    return [
        Found(pid, probability_of(weight), "name", explanation_json(text, "name"))
        for pid, (weight, text) in ranked
    ]


def _survivors(found: list[Found]) -> list[Found]:
    """Persons merged away since the index was built, shown as the person they now are."""
    moved = dict(
        Person.objects.filter(
            pk__in=[f.person_id for f in found], merged_into__isnull=False
        ).values_list("pk", "merged_into_id")
    )
    for _ in range(5):  # a survivor merged in turn
        if not moved:
            break
        for f in found:
            f.person_id = moved.get(f.person_id, f.person_id)
        moved = dict(
            Person.objects.filter(pk__in=moved.values(), merged_into__isnull=False).values_list(
                "pk", "merged_into_id"
            )
        )
    seen: set[int] = set()
    out = []
    for f in found:
        if f.person_id not in seen:
            seen.add(f.person_id)
            out.append(f)
    return out


def search_register(inquiry, *, limit: int = LIMIT) -> list[Found]:
    """The register's best candidates for an inquiry, best first: the engine's, then (when it
    finds fewer than `limit`) persons found by their surname key. Reads no access scope:
    callers are the filing action and the tracing pages, which decide what a user sees."""
    held = _held()
    if held is None:
        return []
    index, covered, stamp = held
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
    more: list[Found] = []
    query = None
    if len(out) < limit:
        more = [
            Found(int(m.right_id), m.score, "name", explanation_json(m.explanation, "name"))
            for m in index.near(record, limit=limit - len(out), exclude=map(str, seen))
        ]
        if not out and not more:  # nothing in the index: a given name alone, a rare surname
            query = features(record, -1)
            more = _by_name(index, inquiry, query, seen, limit - len(out))
    if covered.name < stamp.name:  # the index is still catching up with a large import
        query = query or features(record, -1)
        newer = _by_name(index, inquiry, query, seen, limit, newer=covered.name)
        more = sorted(more + newer, key=lambda f: -f.score)[: limit - len(out)]
    # Name-only finds that disagree on everything are noise next to real candidates; alone,
    # they are still the best the register has.
    out.extend(f for f in more if not out or f.score >= NAME_ONLY_FLOOR)
    if covered.merges != stamp.merges:
        out = _survivors(out)
    return out
