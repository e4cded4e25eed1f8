"""How an entry gets into the table and how it gets its number.

Actions insert entries *pending*: no sequence number, no leaf hash, the canonical JSON of the
event without its `"seq"`. One statement, no lock on anything shared: concurrent actions never
wait for each other here, and their commits can share a WAL flush on PostgreSQL.

The sequencer (`number_pending`, called by `store.seal` with the head row locked) numbers the
pending entries that are committed when it looks, in insertion order, from `Head.size` on, and in
the same statement completes their event and leaf hash. Why that is gap-free and fork-free under
concurrency is in docs/ledger.md ("Who numbers the entries").
"""

from __future__ import annotations

import functools
from typing import Any

import psycopg
from django.db import connection

from . import merkle
from .models import Entry, Head

_ENTRY_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "party_id",
    "action",
    "object_type",
    "object_id",
    "event",
    "leaf_hash",
    "signature",
)


def with_seq(draft: bytes, seq: int) -> bytes:
    """The canonical JSON of the event with `"seq": seq` added, from the canonical JSON without it.

    RFC 8785 sorts an object's keys, and "seq" sorts after every other top-level key of an event
    (action, actor, at, commitments, data, object, party), so it is always the last member; an
    integer below 2^53 serialises as its decimal digits. (test_sequencing checks this against
    canonical_json itself.)"""
    if not (draft.startswith(b"{") and draft.endswith(b"}") and len(draft) > 2):
        raise ValueError("not the canonical JSON of a non-empty object")
    if not 0 <= seq < 2**53:
        raise ValueError(f"sequence number out of range: {seq}")
    return b'%s,"seq":%d}' % (draft[:-1], seq)


# --- Writers ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _insert_sql(vendor: str, salts: int, client_side_binding: bool) -> str:
    columns = ", ".join(_ENTRY_COLUMNS)
    values = ", ".join(["%s"] * len(_ENTRY_COLUMNS))
    insert = f"INSERT INTO ledger_entry ({columns}) VALUES ({values})"  # noqa: S608 - constants
    if vendor != "postgresql":
        return insert
    if not salts:
        return insert + " RETURNING id"
    # One round trip for the entry and its salts, which need the entry's id, an identity only
    # the database knows. Bound server-side (one statement per message): a data-modifying WITH,
    # the form that is prepared (see insert_entry). Bound client-side, when prepared statements
    # are off: two statements in one message, the salts taking the id with currval() (this
    # session's own last nextval of that sequence: the entry just inserted) of the sequence
    # named by a parameter (looked up once; pg_get_serial_sequence() in the statement cost
    # ~60 µs of server CPU per append); unprepared, that costs the server less than the WITH.
    if client_side_binding:
        rows = ", ".join(["(currval(%s), %s, %s)"] * salts)
        salt_insert = f"INSERT INTO ledger_salt (entry_id, field, salt) VALUES {rows}"  # noqa: S608
        return f"{insert} RETURNING id; {salt_insert}"
    rows = ", ".join(["(%s::varchar, %s::bytea)"] * salts)
    return (
        f"WITH e AS ({insert} RETURNING id) "  # noqa: S608 - constants and placeholders only
        "INSERT INTO ledger_salt (entry_id, field, salt) "
        f"SELECT e.id, s.field, s.salt FROM e CROSS JOIN (VALUES {rows}) AS s (field, salt) "
        "RETURNING entry_id"
    )


_at_field = Entry._meta.get_field("at")
_ENTRY_FIELDS = ["id", *_ENTRY_COLUMNS]
if [f.attname for f in Entry._meta.concrete_fields] != _ENTRY_FIELDS:
    # insert_entry's callers build the Entry positionally (Entry.from_db), the cheap way.
    raise RuntimeError("ledger_entry's columns changed: update sequencing._ENTRY_COLUMNS")


def insert_entry(conn: Any, values: list[Any], salts: dict[str, bytes]) -> Entry:
    """Inserts the entry (`values` in the order of _ENTRY_COLUMNS) and its salts; returns the
    entry as loaded from the database. `conn` is the real connection (the `connection` proxy
    costs a lookup per attribute, and this runs inside every action)."""
    params = list(values)
    params[1] = _at_field.get_db_prep_save(params[1], conn)
    if conn.vendor == "postgresql":
        entry_id = _insert_entry_postgresql(conn, params, salts)
    else:
        entry_id = _insert_entry_sqlite(conn, params, salts)
    # Positional, as Django loads a row: half the CPU of Entry(**fields).
    return Entry.from_db(conn.alias, _ENTRY_FIELDS, [entry_id, *values])


_SALT_SQL = "INSERT INTO ledger_salt (entry_id, field, salt) VALUES (%s, %s, %s)"


def _insert_entry_sqlite(conn: Any, params: list[Any], salts: dict[str, bytes]) -> int:
    rows = list(salts.items())
    if conn.queries_logged or conn.execute_wrappers:
        # Django is watching (DEBUG, tests counting queries, instrumentation): its cursor.
        with conn.cursor() as cursor:
            cursor.execute(_insert_sql(conn.vendor, 0, False), params)
            entry_id = int(conn.ops.last_insert_id(cursor, "ledger_entry", "id"))
            if rows:
                cursor.executemany(_SALT_SQL, [(entry_id, *r) for r in rows])
            return entry_id
    # sqlite3's own cursor, as the PostgreSQL path uses psycopg's: Django's wrapper rewrites
    # each statement's %s into ? with a regular expression, every time (~5 % of an append).
    conn.ensure_connection()
    conn.validate_no_broken_transaction()
    with conn.wrap_database_errors:
        cursor = conn.connection.cursor()
        try:
            cursor.execute(_sqlite_sql(_insert_sql(conn.vendor, 0, False)), params)
            entry_id = int(cursor.lastrowid)
            if rows:
                cursor.executemany(_sqlite_sql(_SALT_SQL), [(entry_id, *r) for r in rows])
        finally:
            cursor.close()
    return entry_id


@functools.lru_cache(maxsize=8)
def _sqlite_sql(sql: str) -> str:
    return sql.replace("%s", "?")


def _insert_entry_postgresql(conn: Any, params: list[Any], salts: dict[str, bytes]) -> int:
    """The insert as a prepared statement when the connection allows them
    (`OPTIONS["prepare_threshold"]`, set in homeward/settings.py; off behind a pooler that
    cannot keep them): bound server-side and planned once per connection instead of quoted
    into text by Django's client-side binding and parsed and planned for every append. Django
    itself never prepares (its cursors bind client-side), so this cursor is psycopg's own, kept
    for the connection: a new one looks up its dumpers again, 20 µs of every action's CPU.
    benchmarks/ledger/RESULTS.md has what each part saves."""
    pg = conn.connection
    if pg is None:
        conn.ensure_connection()
        pg = conn.connection
    if pg.prepare_threshold is None and not conn.settings_dict["OPTIONS"].get(
        "server_side_binding"
    ):
        for field, salt in salts.items():
            params += (_entry_sequence(conn), field, salt)
        with conn.cursor() as cursor:
            cursor.execute(_insert_sql("postgresql", len(salts), True), params)
            # The first result is the entry's RETURNING id.
            return int(cursor.fetchone()[0])
    for field, salt in salts.items():
        params += (field, salt)
    sql = _insert_sql("postgresql", len(salts), False)
    if conn.queries_logged or conn.execute_wrappers:
        # Django is watching (DEBUG, tests counting queries, instrumentation): through its wrapper.
        raw = psycopg.Cursor(pg)
        with conn.make_debug_cursor(raw) if conn.queries_logged else conn.make_cursor(raw) as c:
            c.execute(sql, params)
            return int(c.fetchone()[0])
    cursor = getattr(conn, "_ledger_cursor", None)
    if cursor is None or cursor.connection is not pg:
        cursor = conn._ledger_cursor = psycopg.Cursor(pg)
    # What Django's cursor wrapper does around a statement, minus its logging hooks.
    conn.validate_no_broken_transaction()
    with conn.wrap_database_errors:
        cursor.execute(sql, params, prepare=True)  # at once; a no-op with the threshold None
        return int(cursor.fetchone()[0])


_sequences: dict[tuple[str, str, str], str] = {}


def _entry_sequence(conn: Any) -> str:
    """The name of ledger_entry.id's identity sequence, once per database."""
    key = (conn.settings_dict["HOST"], str(conn.settings_dict["PORT"]), conn.settings_dict["NAME"])
    if key not in _sequences:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence('ledger_entry', 'id')")
            _sequences[key] = cursor.fetchone()[0]
    return _sequences[key]


def take_number() -> int:
    """The next sequence number, for `append(numbered=True)`. The UPDATE holds the head row's
    lock until the caller's transaction ends (PostgreSQL row lock; SQLite's write lock), so the
    sequencer and other numbered appends wait: no two take one number, and a rollback returns
    it."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_head SET size = size + 1 WHERE id = 1 RETURNING size")
        row = cursor.fetchone()
        if row is None:
            ensure_head()
            cursor.execute("UPDATE ledger_head SET size = size + 1 WHERE id = 1 RETURNING size")
            row = cursor.fetchone()
    return int(row[0]) - 1


def ensure_head() -> None:
    # ON CONFLICT DO NOTHING: two first writers racing to create the row both go on.
    Head.objects.bulk_create([Head(id=1)], ignore_conflicts=True)


# --- The sequencer ----------------------------------------------------------------------------


def number_pending(head: Head, limit: int) -> dict[int, bytes]:
    """Numbers up to `limit` committed pending entries from `head.size` on; returns their leaf
    hashes by sequence number and advances `head.size` (the caller saves it).

    The caller holds the head row's lock (SELECT … FOR UPDATE) in this transaction. On
    PostgreSQL at READ COMMITTED the SELECT below takes its snapshot after that lock was
    granted, so it sees every number an earlier lock holder committed; entries whose action has
    not committed yet are invisible to it and simply wait for the next run."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, event FROM ledger_entry WHERE seq IS NULL ORDER BY id LIMIT %s", [limit]
        )
        rows = cursor.fetchall()
        if not rows:
            return {}
        leaves: dict[int, bytes] = {}
        updates = []
        for seq, (entry_id, draft) in enumerate(rows, start=head.size):
            body = with_seq(draft.encode(), seq)
            leaves[seq] = leaf = merkle.leaf_hash(body)
            updates.append((seq, body.decode(), leaf, entry_id))
        # `seq IS NULL` again: an entry is numbered once, whatever else runs. Under the head's
        # lock nothing else does, so every row must match; if one did not, roll it all back.
        updated = _update(cursor, updates)
        if updated != len(updates):
            raise RuntimeError(
                f"numbered {updated} of {len(updates)} pending entries: another sequencer ran "
                "without the head's lock"
            )
    head.size += len(rows)
    return leaves


def _update(cursor: Any, updates: list[tuple[int, str, bytes, int]]) -> int:
    if connection.vendor == "postgresql":
        seqs, events, leaves, ids = (list(c) for c in zip(*updates, strict=True))
        return pg_bulk(
            "UPDATE ledger_entry AS e SET seq = u.seq, event = u.event, leaf_hash = u.leaf "
            "FROM unnest(%b::bigint[], %b::text[], %b::bytea[], %b::bigint[]) "
            "AS u (seq, event, leaf, id) WHERE e.id = u.id AND e.seq IS NULL",
            [seqs, events, leaves, ids],
        )
    cursor.executemany(
        "UPDATE ledger_entry SET seq = %s, event = %s, leaf_hash = %s WHERE id = %s AND seq IS NULL",
        updates,
    )
    return int(cursor.rowcount)


def pg_bulk(sql: str, arrays: list[list[Any]]) -> int:
    """One statement over whole columns passed as arrays, bound server-side: row by row (or
    with Django's client-side binding, which quotes every array element in Python) the
    sequencer spent more CPU than the appends it numbers, CPU it takes from the actions."""
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, arrays)
        return int(cursor.rowcount)
