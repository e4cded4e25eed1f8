"""Inserting many rows without building a model instance per row.

`bulk_create` spends most of its time constructing model instances and compiling one statement
per batch; for an import of 100,000 persons with their names, keys, detentions and events that is
over half a million instances. Here each value that needs it goes through its field's own
`get_db_prep_save` (so UUIDs, datetimes, partial dates and JSON are stored exactly as the ORM
stores them, on SQLite and PostgreSQL alike) and the rows go to the driver's `executemany`. No
signals, no `save()`: which is what Homeward wants anyway (no business logic lives there).

On PostgreSQL, once a call has more than a few rows they go through COPY (psycopg's
`cursor.copy`) instead: one statement streaming every row, where `executemany` pays a round trip
and a parse per row (benchmarks/registry: imports at 100,000 rows). COPY runs inside the
caller's transaction like any statement, so all-or-nothing is unchanged; it fires no per-row
rules, which Homeward does not use.
"""

from __future__ import annotations

import functools
import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

CHUNK = 5000
# Below this many rows a call inserts with executemany even on PostgreSQL: COPY's setup costs
# more than it saves for the one-row inserts every action makes (the ledger's nodes, a merge).
COPY_FROM = 64
# Values of these field classes reach the driver as they are: text, integers, booleans, ids.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def _new_uuid(prep: Callable[..., Any], conn: Any) -> Any:
    return prep(uuid.uuid4(), conn)


def _needs_prep(field: models.Field) -> bool:
    from homeward.lib.dates import PartialDateField

    return isinstance(field, PartialDateField) or not isinstance(field, _PLAIN)


def _partial_date(value: Any, conn: Any) -> Any:
    # PartialDateField.get_prep_value, without the two calls Django makes to reach it
    return None if value is None else str(value)


def _prep_for(field: models.Field, conn: Any) -> Callable[[Any, Any], Any] | None:
    """What turns a value of `field` into the driver's value: None when it passes as it is;
    for the fields every import row has (partial dates, uuids) the same result as the field's
    get_db_prep_save by a shorter way, which is a tenth of an import's time at 100,000 rows."""
    from homeward.lib.dates import PartialDateField

    if not _needs_prep(field):
        return None
    if isinstance(field, PartialDateField):
        return _partial_date
    save = field.get_db_prep_save
    if isinstance(field, models.UUIDField):
        native = conn.features.has_native_uuid_field

        def uuid_value(value: Any, conn: Any) -> Any:
            if type(value) is uuid.UUID:
                return value if native else value.hex
            return save(value, conn)

        return uuid_value
    return save


@functools.lru_cache(maxsize=256)
def _plan(
    model: type[models.Model], columns: tuple[str, ...], alias: str
) -> tuple[str, str, list, list, list]:
    """The statement and the value preparation for (model, columns), computed once: the ledger
    inserts one entry per action, where recomputing this was a third of the cost."""
    conn = connections[alias]
    meta = model._meta
    fields = {f.attname: f for f in meta.concrete_fields}
    given = [fields[c] for c in columns]
    extra = [f for f in meta.concrete_fields if f.attname not in columns and not f.primary_key]
    uuids = [f for f in extra if isinstance(f, models.UUIDField) and f.has_default()]
    others = [f for f in extra if f not in uuids]
    preps = [_prep_for(f, conn) for f in given]
    qn = conn.ops.quote_name
    all_fields = given + uuids + others
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from model metadata only
        qn(meta.db_table),
        ", ".join(qn(f.column or f.attname) for f in all_fields),
        ", ".join(["%s"] * len(all_fields)),
    )
    copy_sql = "COPY {} ({}) FROM STDIN".format(
        qn(meta.db_table), ", ".join(qn(f.column or f.attname) for f in all_fields)
    )
    return sql, copy_sql, preps, uuids, others


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Inserts rows given as value tuples in `columns` order (attribute names, e.g. "person_id").
    Fields left out take their defaults: a fresh uuid4 for UUID fields with a default, now() for
    auto_now_add dates, the field default otherwise."""
    conn = connections[DEFAULT_DB_ALIAS]  # the real connection: the proxy costs a lookup per call
    sql, copy_sql, preps, uuids, others = _plan(model, tuple(columns), DEFAULT_DB_ALIAS)
    now = timezone.now()
    per_row: list[Callable[[], Any]] = [
        uuid.uuid4
        if conn.features.has_native_uuid_field
        else functools.partial(_new_uuid, f.get_db_prep_save, conn)
        for f in uuids
    ]
    constant = [
        f.get_db_prep_save(
            now
            if (getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False))
            else f.get_default(),
            conn,
        )
        for f in others
    ]

    def prepared(row: Sequence[Any]) -> list[Any]:
        values = [v if prep is None else prep(v, conn) for prep, v in zip(preps, row, strict=True)]
        values.extend(make() for make in per_row)
        values.extend(constant)
        return values

    values: Iterator[list[Any]] = map(prepared, rows)
    if conn.vendor == "postgresql":
        head = list(itertools.islice(values, COPY_FROM))
        if len(head) == COPY_FROM:
            return _copy(conn, copy_sql, head, values)
        values = iter(head)
    count = 0
    batch: list[list[Any]] = []
    with conn.cursor() as cursor:
        for row in values:
            batch.append(row)
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if len(batch) == 1:
            cursor.execute(sql, batch[0])
            count += 1
        elif batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def reserve_ids(model: type[models.Model], count: int) -> list[int] | None:
    """On PostgreSQL, `count` fresh primary keys from the table's own sequence in one query, for
    rows about to be inserted with them (so their ids need not be looked up afterwards: at
    100,000 rows that look-up was 20 queries of 5,000 parameters each, whose conversion cost
    more than the inserts). None elsewhere: the caller inserts without ids and looks them up."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql" or count <= 0:
        return None
    meta = model._meta
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(conn: Any, copy_sql: str, head: list[list[Any]], rest: Iterable[list[Any]]) -> int:
    """Streams prepared rows through PostgreSQL's COPY FROM STDIN on the caller's connection
    (and so its transaction); psycopg adapts each value as it would a query parameter."""
    count = 0
    with conn.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for values in itertools.chain(head, rest):
            copy.write_row(values)
            count += 1
    return count
