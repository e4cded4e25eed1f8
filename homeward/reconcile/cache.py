"""The register's records prepared as the engine compares them, kept on disk between runs.

Preparing a record (homeward.linkage.features, pure Python) costs about a tenth of a millisecond:
at a million persons it was most of a reconciliation run. The prepared records are kept as one
Arrow IPC file under VAR_DIR/reconcile-cache (unique_id = the person's primary key; about 220 MB
a million persons), memory-mapped when read and handed to the engine as an Arrow table
(engine.link_prepared), which DuckDB scans in place: no Python object per record.

Never stale: the register is cut into blocks of BLOCK consecutive person ids, and each block's
digest (a hash of every column a record is made of, and of merged_into/anonymised_at, summed over
the block's persons, computed by the database) is stored beside the records. Every run asks the
database for the current digests (one aggregate query, no row comes to Python on PostgreSQL) and
reads and prepares again only the blocks whose digest differs: new persons (ids only grow), a
merge or an undone merge (merged_into changes), an anonymisation, a name or date edited by any
means. The file is also stamped with the code that prepares (features.py, names.py, dates.py):
another version prepares everything again. A file that cannot be read is ignored and rebuilt.
Writes go to a temporary file renamed over the old one, so two runs at once never see half a
file; the digests live in the same file as the records they describe.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.db import connection

from homeward.linkage import dates as dates_mod
from homeward.linkage import features as features_mod
from homeward.linkage import names as names_mod
from homeward.linkage.dates import UNKNOWN, BadDate, parse_birth_date
from homeward.linkage.features import Person as Record
from homeward.linkage.features import as_arrow, features
from homeward.registry.models import Person

log = logging.getLogger("homeward.worker")

BLOCK = 2048
CHUNK = 20_000
FORMAT = 1
# The record's columns, then what decides whether the person is read at all.
_RECORD_COLUMNS = ("family_name", "given_name", "patronymic", "birth_date", "birth_place", "sex")
_STATE_COLUMNS = ("merged_into_id", "anonymised_at")

Say = Callable[[str], None]


def _code_version() -> str:
    h = hashlib.sha256(f"{FORMAT} {BLOCK}".encode())
    for module in (features_mod, names_mod, dates_mod):
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()[:20]


def _directory() -> Path:
    path = Path(getattr(settings, "VAR_DIR", Path.cwd() / "var")) / "reconcile-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path() -> Path:
    db = connection.settings_dict
    ident = repr((connection.vendor, db.get("HOST"), db.get("PORT"), str(db.get("NAME"))))
    return _directory() / f"register-{hashlib.sha256(ident.encode()).hexdigest()[:16]}.arrow"


def _row_digest(*values) -> int:
    """48 bits of a hash of one person's columns (SQLite's; PostgreSQL computes md5 itself).
    A block's sum of at most BLOCK of them stays well inside a 64-bit integer."""
    return int.from_bytes(hashlib.blake2b(repr(values).encode(), digest_size=6).digest(), "big")


def block_digests() -> dict[int, tuple[int, int]]:
    """{block: (persons, digest)} for every block of person ids, merged and anonymised included
    (their state is part of the digest)."""
    table = connection.ops.quote_name(Person._meta.db_table)
    cols = _RECORD_COLUMNS + _STATE_COLUMNS
    if connection.vendor == "postgresql":
        text = ", ".join(f"coalesce({c}::text, '\\N')" for c in cols)
        digest = f"sum(('x' || substr(md5(concat_ws('|', {text})), 1, 12))::bit(48)::bigint)"
    else:
        connection.ensure_connection()
        connection.connection.create_function(
            "homeward_row_digest", len(cols), _row_digest, deterministic=True
        )
        digest = f"sum(homeward_row_digest({', '.join(cols)}))"
    sql = f"SELECT id / {BLOCK}, count(*), {digest} FROM {table} GROUP BY id / {BLOCK}"  # noqa: S608 (our table, our columns)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {int(b): (int(n), int(d)) for b, n, d in cursor.fetchall()}


def _ranges(blocks: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive blocks as id ranges [lo, hi)."""
    out: list[tuple[int, int]] = []
    for b in sorted(blocks):
        lo, hi = b * BLOCK, (b + 1) * BLOCK
        if out and out[-1][1] == lo:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _records(where: str, params: list, say: Say | None) -> Iterable[tuple[int, Record]]:
    table = connection.ops.quote_name(Person._meta.db_table)
    sql = (
        "SELECT id, family_name, given_name, patronymic, birth_date, birth_place, sex "  # noqa: S608 (our table name)
        f"FROM {table} WHERE merged_into_id IS NULL AND anonymised_at IS NULL{where}"
    )
    done = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            for pk, family, given, patronymic, born, place, sex in rows:
                try:
                    birth = parse_birth_date(born) if born else UNKNOWN
                except BadDate:
                    birth = UNKNOWN
                yield (
                    pk,
                    Record(
                        source_id=str(pk),
                        family_name=family,
                        given_name=given,
                        patronymic=patronymic,
                        birth_date=birth,
                        birth_place=place,
                        sex=sex if sex in ("M", "F") else "",
                    ),
                )
            done += len(rows)
            if say and done % 200_000 < CHUNK:
                say(f"register: read and prepared {done:,} records…")


def register_records(say: Say | None = None) -> list[Record]:
    """Every person of the register (not merged away, not anonymised) as the engine's record,
    keyed by primary key: the uncached path (one plain query, no model instances)."""
    return [r for _, r in _records("", [], say)]


def prepare_rows(where: str = "", params: list | None = None, say: Say | None = None):
    """The persons the condition selects, prepared, as an Arrow table (unique_id = primary key)."""
    return as_arrow([features(r, pk) for pk, r in _records(where, params or [], say)])


def _ordered(table):
    return table.sort_by("unique_id")


def _load(path: Path, version: str):
    import pyarrow as pa
    import pyarrow.ipc as ipc

    try:
        # memory-mapped: a million records are there in milliseconds, nothing decoded
        with pa.memory_map(str(path)) as source:
            table = ipc.open_file(source).read_all()
        meta = json.loads((table.schema.metadata or {}).get(b"homeward", b"{}"))
    except (OSError, ValueError, pa.ArrowException) as exc:
        log.warning("register cache unreadable, rebuilt: %s", exc.__class__.__name__)
        return None, {}
    if meta.get("version") != version:
        return None, {}
    digests = {int(b): (n, d) for b, (n, d) in meta.get("blocks", {}).items()}
    return table.replace_schema_metadata(None), digests


def _save(path: Path, table, version: str, digests: dict[int, tuple[int, int]]) -> None:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    meta = {"version": version, "blocks": {str(b): list(v) for b, v in digests.items()}}
    table = table.replace_schema_metadata({"homeward": json.dumps(meta)})
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with pa.OSFile(str(tmp), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    os.replace(tmp, path)


def register_table(say: Say | None = None, *, use_cache: bool | None = None):
    """Every person of the register (not merged away, not anonymised) prepared, as an Arrow
    table with unique_id = primary key: the cached records brought up to date (see above)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if use_cache is None:
        use_cache = getattr(settings, "RECONCILE_CACHE", True)
    if not use_cache:
        return _ordered(prepare_rows(say=say))
    say = say or (lambda _: None)
    say("register: checking the prepared records' digests…")
    version = _code_version()
    current = block_digests()
    path = _path()
    table, cached = _load(path, version) if path.exists() else (None, {})
    if table is None:
        say("register: no prepared records kept (first run): reading and preparing every person…")
        changed = set(current)
        kept = None
    else:
        changed = {b for b in set(current) | set(cached) if current.get(b) != cached.get(b)}
        if not changed:
            say(f"register: {table.num_rows:,} prepared records kept are current")
            return table
        say(f"register: {len(changed):,} of {len(current):,} blocks changed: preparing them again…")
        blocks = pc.divide(table.column("unique_id"), pa.scalar(BLOCK, pa.int64()))
        drop = pa.array(sorted(changed), type=pa.int64())
        kept = table.filter(pc.invert(pc.is_in(blocks, value_set=drop)))
    fresh = []
    ranges = _ranges(changed)
    if kept is None:
        fresh.append(prepare_rows(say=say))
    else:
        for i in range(0, len(ranges), 200):  # a bounded number of parameters per query
            part = ranges[i : i + 200]
            where = " AND (" + " OR ".join("(id >= %s AND id < %s)" for _ in part) + ")"
            fresh.append(prepare_rows(where, [v for r in part for v in r]))
    # in primary-key order, whatever was patched: the run is the same as on a cold cache
    out = _ordered(pa.concat_tables(([kept] if kept is not None else []) + fresh))
    try:
        _save(path, out, version, current)
    except OSError as exc:  # a full disk costs the next run time, not this run its result
        log.warning("register cache not written: %s", exc.__class__.__name__)
    return out
