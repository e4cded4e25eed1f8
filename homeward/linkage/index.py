"""The candidate index behind the tracing form: one inquiry against a large register.

A SQLite file holds each record's prepared columns and, for each blocking rule whose columns a
record has, one key row `(rule|values, record)` under a primary-key B-tree. A search computes
the inquiry's keys, reads only the records that share one (never a full pass), and scores them
in Python with the same model and term frequencies a batch run uses (model.Scorer), so the
tracing form and `homeward link` agree on every pair.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .features import COLUMNS, Person, features
from .model import (
    BLOCKING_RULES,
    DEFAULT_THRESHOLD,
    FLOOR_PROBABILITY,
    TF_COLUMNS,
    Match,
    Scorer,
    decide,
    index_keys,
    load_model,
    probability_of,
    term_frequencies,
    weight_of,
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record (
  {", ".join(f"{c} INTEGER PRIMARY KEY" if c == "unique_id" else c for c in COLUMNS)}
);
CREATE TABLE IF NOT EXISTS key (k TEXT NOT NULL, rec INTEGER NOT NULL, PRIMARY KEY (k, rec))
  WITHOUT ROWID;
"""
# A key shared by more records than this is too common to narrow anything down: a search reads
# the rest of its keys instead (a blocking rule is meant to be selective).
MAX_BLOCK = 5000
# A family's inquiry against the register: whether the person is held at all is unknown; even
# odds (model.register_probability).
SEARCH_HELD_SHARE = 0.5
# How many records `near` reads at most for one inquiry (each scored in Python).
NEAR_READ = 120
# The blocking rules whose key starts with the surname key (sn, byear) and (sn, gn1): a range
# of their keys is every record with a surname key, or one that starts so.
_SURNAME_RULES = tuple(
    i for i, (_, _, right) in enumerate(BLOCKING_RULES) if right[0] == "sn" and len(right) == 2
)
# ... and (snc, gg): every record whose surname has the same consonants.
_CONSONANT_RULES = tuple(i for i, (_, _, right) in enumerate(BLOCKING_RULES) if right[0] == "snc")


class SearchIndex:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, check_same_thread=False)
        self.db.executescript(_SCHEMA)
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        if "columns" in meta and json.loads(meta["columns"]) != list(COLUMNS):
            raise ValueError(f"{self.path} was built by another version: build it again")
        self.model = json.loads(meta["model"]) if "model" in meta else None
        tf = json.loads(meta["tf"]) if "tf" in meta else {}
        self.scorer = Scorer(self.model, tf) if self.model else None
        self.size = int(meta.get("size", 0))

    @classmethod
    def build(
        cls,
        persons: Iterable[Person],
        path: str | Path,
        *,
        model: dict | None = None,
        progress=None,
    ) -> SearchIndex:
        """Index a register from scratch (an existing file at `path` is replaced)."""
        path = Path(path)
        path.unlink(missing_ok=True)
        db = sqlite3.connect(path)
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        rows = []
        keys: list[tuple[str, int]] = []
        for i, person in enumerate(persons):
            row = features(person, i)
            rows.append(tuple(row[c] for c in COLUMNS))
            keys.extend((k, i) for k in index_keys(row))
            if progress and i and i % 100_000 == 0:
                progress(f"prepared {i:,} records…")
        if progress:
            progress(f"writing {len(rows):,} records and {len(keys):,} keys…")
        marks = ", ".join("?" for _ in COLUMNS)
        with db:
            db.executemany(f"INSERT INTO record VALUES ({marks})", rows)  # noqa: S608
            keys.sort()
            db.executemany("INSERT INTO key VALUES (?, ?)", keys)
            trained = dict(model or load_model())
            # One inquiry, one true record among N at most: the prior for a search.
            n = max(len(rows), 2)
            trained["probability_two_random_records_match"] = 1 / n
            tf = term_frequencies({c: [r[COLUMNS.index(c)] for r in rows] for c in TF_COLUMNS})
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("model", json.dumps(trained)),
                    ("tf", json.dumps(tf)),
                    ("size", str(len(rows))),
                    ("columns", json.dumps(list(COLUMNS))),
                ],
            )
        db.close()
        return cls(path)

    def meta(self, key: str) -> str | None:
        """A value the index keeps beside its records (what its owner wrote with set_meta)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
        if not self._writing:
            self.db.commit()

    _writing = False

    @contextmanager
    def writing(self) -> Iterator[SearchIndex]:
        """One write transaction, other processes' writers waiting: read what the file covers
        inside it, then `add` and `set_meta` what it lacks, committed together."""
        self.db.execute("BEGIN IMMEDIATE")
        self._writing = True
        try:
            yield self
            self.db.commit()
        except BaseException:
            self.db.rollback()
            raise
        finally:
            self._writing = False

    def add(self, persons: Iterable[Person]) -> int:
        """Appends records to a built index (their keys too); returns how many. The model, its
        prior and the term frequencies stay those of the build: a few more records do not move
        them much, and a rebuild refreshes them."""
        if self.scorer is None:
            raise ValueError("the index is empty: build it first")
        start = (self.db.execute("SELECT max(unique_id) FROM record").fetchone()[0] or 0) + 1
        rows: list[tuple] = []
        keys: list[tuple[str, int]] = []
        for i, person in enumerate(persons, start):
            row = features(person, i)
            rows.append(tuple(row[c] for c in COLUMNS))
            keys.extend((k, i) for k in index_keys(row))
        marks = ", ".join("?" for _ in COLUMNS)
        self.db.executemany(f"INSERT INTO record VALUES ({marks})", rows)  # noqa: S608
        self.db.executemany("INSERT INTO key VALUES (?, ?)", keys)
        self.size += len(rows)
        self.set_meta("size", str(self.size))
        return len(rows)

    def near(self, person: Person, *, limit: int = 10, exclude: Iterable[str] = ()) -> list[Match]:
        """Records whose surname key is the inquiry's (or its Ukrainian/Russian other form's),
        else whose surname has its consonants, else whose surname key starts with its first
        four letters, best first by the model's weight, whatever the weight: for an inquiry
        that blocking leaves with too few candidates (a surname alone, a surname and a year).
        Reads at most NEAR_READ records a key range, the years nearest the inquiry's first.
        Decision "name"; `score` is the model's probability."""
        if self.scorer is None:
            raise ValueError("the index is empty: build it first")
        query = features(person, -1)
        surnames = [s for s in dict.fromkeys((query["sn"], query["sn_ru"])) if s]
        tiers = [
            [(r, f"{r}|{s}|", query["byear"]) for s in surnames for r in _SURNAME_RULES],
            [(r, f"{r}|{query['snc']}|", None) for r in _CONSONANT_RULES if query["snc"]],
            [
                (r, f"{r}|{s}", None)
                for s in sorted({s[:4] for s in surnames if len(s) > 4})
                for r in _SURNAME_RULES
            ],
        ]
        skip = set(exclude)
        ids: dict[int, None] = {}
        for tier in tiers:
            for rule, low, year in tier:
                ids.update(dict.fromkeys(self._range(low, year, rule)))
            if ids:
                break
        if not ids:
            return []
        rows = self._rows(list(ids)[: NEAR_READ * 2])
        best: dict[str, tuple[float, int]] = {}
        for uid, row in rows.items():
            if row["source_id"] in skip:
                continue
            weight = self.scorer.weight(query, row)
            if row["source_id"] not in best or weight > best[row["source_id"]][0]:
                best[row["source_id"]] = (weight, uid)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])[:limit]
        return [
            Match(
                "-1",
                source,
                probability_of(weight),
                "name",
                self.scorer.score(query, rows[uid]).explanation(),
                weight,
            )
            for source, (weight, uid) in ranked
        ]

    def _range(self, low: str, year: int | None, rule: int) -> list[int]:
        """Up to NEAR_READ records with a key that starts with `low`; (sn, byear) keys from
        the inquiry's year outwards when it has one."""
        high = low[:-1] + chr(ord(low[-1]) + 1)
        sql = "SELECT rec FROM key WHERE k >= ? AND k < ? ORDER BY k {} LIMIT ?"
        if year is None or BLOCKING_RULES[rule][2][1] != "byear":
            return [r for (r,) in self.db.execute(sql.format("ASC"), (low, high, NEAR_READ))]
        pivot = f"{low.rstrip('|')}|{year}"
        half = NEAR_READ // 2
        after = [r for (r,) in self.db.execute(sql.format("ASC"), (pivot, high, half))]
        before = [r for (r,) in self.db.execute(sql.format("DESC"), (low, pivot, half))]
        return after + before

    def _rows(self, ids: list[int]) -> dict[int, dict]:
        cursor = self.db.execute(
            f"SELECT {', '.join(COLUMNS)} FROM record WHERE unique_id IN "  # noqa: S608
            f"({', '.join('?' for _ in ids)})",
            tuple(ids),
        )
        return {values[0]: dict(zip(COLUMNS, values, strict=True)) for values in cursor}

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM record").fetchone()[0]

    def search(
        self,
        person: Person,
        *,
        limit: int = 10,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> list[Match]:
        """The register's best candidates for one inquiry, best first, decided as a batch run
        decides: `match` only above the threshold with no close runner-up."""
        if self.scorer is None:
            raise ValueError("the index is empty: build it first")
        query = features(person, -1)
        ids: set[int] = set()
        for key in index_keys(query, side="left"):
            found = [
                r
                for (r,) in self.db.execute(
                    "SELECT rec FROM key WHERE k = ? LIMIT ?", (key, MAX_BLOCK + 1)
                )
            ]
            if len(found) <= MAX_BLOCK:
                ids.update(found)
        if not ids:
            return []
        rows = {-1: query}
        cursor = self.db.execute(
            f"SELECT {', '.join(COLUMNS)} FROM record WHERE unique_id IN "  # noqa: S608
            f"({', '.join('?' for _ in ids)})",
            tuple(ids),
        )
        for values in cursor:
            rows[values[0]] = dict(zip(COLUMNS, values, strict=True))
        floor = weight_of(FLOOR_PROBABILITY)
        scored = []
        for uid, row in rows.items():
            if uid == -1:
                continue
            weight = self.scorer.weight(query, row)
            if weight >= floor:
                scored.append((-1, uid, weight))
        scored.sort(key=lambda p: -p[2])
        return decide(
            scored[:limit],
            rows,
            self.scorer,
            threshold,
            one_sided=True,
            register_size=self.size,
            evidence={-1: sum(2.0**w for _, _, w in scored)},
            held=SEARCH_HELD_SHARE,
        )

    def close(self) -> None:
        self.db.close()
