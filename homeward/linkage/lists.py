"""Person-list files (DESIGN §7) as Person records, and matches files (DESIGN §7) written out."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from homeward.lib.personlist import PersonListError, read_rows

from .dates import BadDate
from .features import Person
from .model import Match

MATCH_COLUMNS = ("left_id", "right_id", "score", "decision", "explanation")


def read_persons(path: str | Path) -> list[Person]:
    """Every row of a person list; a row without an `id` is known by its line number. Raises
    PersonListError naming the line for a bad row (an impossible date, a repeated id)."""
    path = Path(path)
    if not path.is_file():
        raise PersonListError(f"{path}: no such file")
    persons: list[Person] = []
    seen: dict[str, int] = {}
    for row in read_rows(path.read_bytes(), path.name):
        source_id = row.values.get("id", "").strip() or f"line {row.line}"
        if source_id in seen:
            raise PersonListError(f"id {source_id!r} repeats line {seen[source_id]}", line=row.line)
        seen[source_id] = row.line
        values = row.values
        if not any(values.get(c, "").strip() for c in ("family_name", "given_name", "full_name")):
            raise PersonListError("the row has no name", line=row.line)
        try:
            persons.append(Person.from_row(values, source_id=source_id))
        except BadDate as exc:
            raise PersonListError(str(exc), line=row.line) from None
    return persons


def write_matches(matches: Iterable[Match], path: str | Path) -> int:
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(MATCH_COLUMNS)
        for m in matches:
            out.writerow([m.left_id, m.right_id, f"{m.score:.6f}", m.decision, m.explanation])
            n += 1
    return n
