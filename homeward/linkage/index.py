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
from collections.abc import Iterable
from pathlib import Path

from .features import COLUMNS, Person, features
from .model import (
    DEFAULT_THRESHOLD,
    FLOOR_PROBABILITY,
    TF_COLUMNS,
    Match,
    Scorer,
    decide,
    index_keys,
    load_model,
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
