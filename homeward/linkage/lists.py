"""Person-list files (DESIGN §7) as Person records, and matches files (DESIGN §7) written out.

Besides CSV and XLSX, a list may be a Parquet file (`.parquet`) with the same column names, and
matches may be written as Parquet: the formats a Spark cluster's jobs read and write.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from homeward.lib.personlist import PersonListError, Row, map_header, read_rows

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
    rows = _parquet_rows(path) if _is_parquet(path) else read_rows(path.read_bytes(), path.name)
    for row in rows:
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


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in {".parquet", ".pq"}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _parquet_rows(path: Path) -> Iterator[Row]:
    """A Parquet person list's rows, numbered as a CSV's would be (the header is line 1)."""
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own ArrowInvalid / OSError variants
        raise PersonListError(f"not a readable Parquet file ({exc.__class__.__name__})") from None
    names = source.schema_arrow.names
    columns = map_header(names)
    line = 1
    for batch in source.iter_batches(batch_size=10_000):
        data = batch.to_pydict()
        for i in range(batch.num_rows):
            line += 1
            values = {
                col: _cell(data[name][i]) for name, col in zip(names, columns, strict=True) if col
            }
            yield Row(line=line, values=values)


def write_matches(matches: Iterable[Match], path: str | Path) -> int:
    if _is_parquet(Path(path)):
        return _write_matches_parquet(matches, Path(path))
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(MATCH_COLUMNS)
        for m in matches:
            out.writerow([m.left_id, m.right_id, f"{m.score:.6f}", m.decision, m.explanation])
            n += 1
    return n


def _write_matches_parquet(matches: Iterable[Match], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [(m.left_id, m.right_id, m.score, m.decision, m.explanation) for m in matches]
    columns: list[tuple] = list(zip(*rows, strict=True)) if rows else [() for _ in MATCH_COLUMNS]
    schema = pa.schema(
        [
            ("left_id", pa.string()),
            ("right_id", pa.string()),
            ("score", pa.float64()),
            ("decision", pa.string()),
            ("explanation", pa.string()),
        ]
    )
    table = pa.table(
        {name: list(col) for name, col in zip(MATCH_COLUMNS, columns, strict=True)}, schema=schema
    )
    pq.write_table(table, path)
    return len(rows)
