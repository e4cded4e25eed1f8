# ruff: noqa: S608 -- the SQL below is built from model table names and constants, never input
"""The per-person facts the figures are computed from, kept consistent with the register.

Every figure of figures.py depends on a person's status events only through a few facts: the
latest status and its date, the latest refusal, the last capture and the end of that captivity,
and which events are flows (captured / exchanged / released / died) or `joined_forces`. Those are
derived here by one walk over a person's events in the register's order (date, recorded_at, id)
and stored in `PersonFact` and `EventFact`, so that the figures are GROUP BYs over 200,000 rows
instead of a Python pass over a million events.

Consistency after a write. Triggers in the database (installed after every `migrate`, see
`install_triggers`) append the person's id to `DirtyPerson` whenever a row of the register that a
fact depends on is inserted, updated or deleted: status events, detentions, nationalities, persons
(merges and undone merges are updates of `merged_into`), and parties (a party's code or kind: every
person). They run inside the writer's own transaction, whatever the path: an action, an import,
`homeward.lib.bulk.insert_rows` (COPY fires them too), a migration, plain SQL. `refresh` (called
before any figure is read) re-derives the queued persons and removes exactly the queue rows it
has read, under a lock row, so that a write committed meanwhile stays queued for the next reader.
A null person queues everyone (the backfill after the migration, a party change, triggers found
missing after a migration rebuilt a table): the next refresh, or `homeward stats_refresh`,
re-derives the whole register.

Why an event's flow can be stored once: whether it is a flow depends only on the events before it
in that order, and "as of a date" keeps a prefix of that order (the date comes first), so a
stored flow holds as of any date on or after its own. A person's *latest* facts do not: for a
date before a person's last event, `StateFact` keeps the facts after each earlier event until the
next one's date, so a past date reads one row per such person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import CharField, F
from django.db.models.functions import Cast

from homeward.accounts.models import Party, PartyKind
from homeward.lib.bulk import insert_rows
from homeward.registry.models import (
    FINAL_STATUSES,
    Category,
    Detention,
    Nationality,
    Person,
    StatusEvent,
    StatusKind,
)

from .models import DirtyPerson, EventFact, PersonFact, RefreshLock, StateFact

NO_PARTY = "—"
SOLDIER, CIVILIAN, FOREIGN = "soldier", "civilian", "foreign"
CAPTURED, EXCHANGED, RELEASED, DIED = "captured", "exchanged", "released", "died"
JOINED = "joined"
FLOW_OF: dict[str, str] = {
    StatusKind.EXCHANGED: EXCHANGED,
    StatusKind.REPATRIATED: EXCHANGED,
    StatusKind.RELEASED: RELEASED,
    StatusKind.ESCAPED: RELEASED,
    StatusKind.DIED: DIED,
}
CAPTURE_KINDS = {StatusKind.REPORTED_CAPTURED, StatusKind.NOTIFIED}
REFUSALS = [StatusKind.REFUSED_VERIFIED.value, StatusKind.REFUSED_UNVERIFIED.value]

# Above this many queued persons a refresh re-derives everyone in one pass (cheaper than IN lists).
FULL_REFRESH_FROM = 20_000
_CHUNK = 2_000


def day(text: str) -> dt.date:
    """A stored partial date's first day ("2025" → 2025-01-01)."""
    parts = [int(p) for p in text.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


@dataclass
class State:
    """One person's facts after a prefix of their events."""

    status: str | None = None
    last_date: str | None = None
    refusal: str | None = None
    captured_on: str | None = None
    ended_on: str | None = None
    events: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, date, grade)
    # After each event: (date, status, refusal, captured_on, ended_on).
    history: list[tuple[str, str, str | None, str | None, str | None]] = field(default_factory=list)

    def step(self, kind: str, date: str, grade: str | None) -> None:
        prev = self.status
        self.status, self.last_date = kind, date
        flow = None
        if kind in CAPTURE_KINDS and (prev is None or prev in FINAL_STATUSES):
            flow = CAPTURED
            self.captured_on, self.ended_on = date, None
        elif kind in FLOW_OF and prev not in FINAL_STATUSES:
            flow = FLOW_OF[kind]
            self.ended_on = date
        if flow:
            self.events.append((flow, date, ""))
        if kind in REFUSALS:
            self.refusal = kind
        if kind == StatusKind.JOINED_FORCES:
            self.events.append((JOINED, date, grade or "F"))
        self.history.append((date, kind, self.refusal, self.captured_on, self.ended_on))


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def _event_rows(pids: list[int] | None, end: str | None) -> Iterator[tuple[int, str, str, str]]:
    """(person, kind, date as stored, source grade) in the register's order, per person."""
    scopes: Iterable[list[int] | None] = [None] if pids is None else _chunks(pids)
    for scope in scopes:
        qs = StatusEvent.objects.filter(
            superseded_by__isnull=True, person__merged_into__isnull=True
        )
        if scope is not None:
            qs = qs.filter(person_id__in=scope)
        if end is not None:
            qs = qs.filter(date__lte=end)
        yield from (
            qs.order_by("person_id", "date", "recorded_at", "id")
            # The stored ISO text, not a PartialDate: parsing a million of them was half the time.
            .annotate(raw_date=Cast("date", output_field=CharField(max_length=10)))
            .values_list("person_id", "kind", "raw_date", "source__reliability")
            .iterator(chunk_size=20000)
        )


def states(pids: list[int] | None, end: str | None = None) -> dict[int, State]:
    """Each person's facts from their events (dated on or before `end` if given)."""
    out: dict[int, State] = {}
    for pid, kind, date, grade in _event_rows(pids, end):
        state = out.get(pid)
        if state is None:
            state = out[pid] = State()
        state.step(kind, str(date), grade)
    return out


@dataclass
class Who:
    category: str
    registered_on: dt.date
    holder: str = NO_PARTY
    country: str | None = None


def persons(pids: list[int] | None) -> dict[int, Who]:
    """Non-merged persons: their category group, registration day, holder and foreign country."""
    state_codes = set(Party.objects.filter(kind=PartyKind.STATE).values_list("code", flat=True))
    out: dict[int, Who] = {}
    scopes: Iterable[list[int] | None] = [None] if pids is None else _chunks(pids)
    for scope in scopes:
        people = Person.objects.filter(merged_into__isnull=True)
        detentions = Detention.objects.filter(person__merged_into__isnull=True)
        nationalities = Nationality.objects.filter(person__merged_into__isnull=True).exclude(
            country__in=state_codes
        )
        if scope is not None:
            people = people.filter(pk__in=scope)
            detentions = detentions.filter(person_id__in=scope)
            nationalities = nationalities.filter(person_id__in=scope)
        for pid, category, created in people.values_list("id", "category", "created_at").iterator(
            chunk_size=20000
        ):
            out[pid] = Who(SOLDIER if category == Category.MILITARY else CIVILIAN, created.date())
        # The latest detention's party holds the person.
        for pid, code in (
            detentions.order_by("person_id", "created_at", "id")
            .values_list("person_id", "detaining_party__code")
            .iterator(chunk_size=20000)
        ):
            if pid in out:
                out[pid].holder = code
        for pid, country in nationalities.order_by("person_id", "country").values_list(
            "person_id", "country"
        ):
            if pid in out and out[pid].country is None:
                out[pid].country = country
                out[pid].category = FOREIGN
    return out


def _store(pids: list[int] | None) -> None:
    people = persons(pids)
    walked = states(pids)
    empty = State()

    def person_rows() -> Iterator[tuple]:
        for pid, p in people.items():
            s = walked.get(pid, empty)
            yield (
                pid,
                p.holder,
                p.category,
                p.country,
                p.registered_on,
                s.status,
                s.last_date,
                s.history[0][0] if s.history else None,
                s.refusal,
                day(s.captured_on).toordinal() if s.captured_on else None,
                day(s.ended_on).toordinal() if s.ended_on else None,
            )

    def event_rows() -> Iterator[tuple]:
        for pid, s in walked.items():
            p = people.get(pid)
            if p is None:  # pragma: no cover - events of a person merged meanwhile
                continue
            for kind, date, grade in s.events:
                month = date[:7] if len(date) >= 7 else ""
                yield (pid, kind, date, month, grade, p.holder, p.category)

    insert_rows(
        PersonFact,
        [
            "person_id",
            "holder",
            "category",
            "country",
            "registered_on",
            "status",
            "last_date",
            "first_date",
            "refusal",
            "captured_day",
            "ended_day",
        ],
        person_rows(),
    )

    def state_rows() -> Iterator[tuple]:
        def ordinal(text: str | None) -> int | None:
            return day(text).toordinal() if text else None

        for pid, s in walked.items():
            p = people.get(pid)
            if p is None:  # pragma: no cover - events of a person merged meanwhile
                continue
            for (date, status, refusal, captured, ended), after in zip(
                s.history, s.history[1:], strict=False
            ):
                if after[0] == date:  # never the state at the end of a day: not stored
                    continue
                yield (
                    pid,
                    date,
                    after[0],
                    status,
                    refusal,
                    ordinal(captured),
                    ordinal(ended),
                    p.holder,
                    p.category,
                    p.country,
                )

    insert_rows(
        StateFact,
        [
            "person_id",
            "date",
            "next_date",
            "status",
            "refusal",
            "captured_day",
            "ended_day",
            "holder",
            "category",
            "country",
        ],
        state_rows(),
    )
    insert_rows(
        EventFact,
        ["person_id", "kind", "date", "month", "grade", "holder", "category"],
        event_rows(),
    )


def refresh() -> int:
    """Brings the facts up to date with the register; returns how many persons it re-derived
    (-1: everyone). Cheap when nothing is queued (one indexed lookup). The caseworker's kept
    counts move with the facts, in the same transaction (kept.py)."""
    # kept reads figures, which reads this module.
    from .kept import Mover

    if not TRIGGERS.get(connection.vendor, False):
        # No triggers on this database: nothing tells us what changed, so re-derive everything.
        DirtyPerson.objects.get_or_create(person_id=None)
    if not DirtyPerson.objects.exists():
        return 0
    with transaction.atomic():
        # The lock: a second refresh waits here, then finds the queue rows it would have read gone.
        if not RefreshLock.objects.filter(pk=1).update(runs=F("runs") + 1):
            RefreshLock.objects.create(pk=1, runs=1)
        mover = Mover(RefreshLock.objects.get(pk=1).runs - 1)
        queued = list(DirtyPerson.objects.values_list("id", "person_id"))
        if not queued:
            mover.unchanged()
            return 0
        pids = {p for _, p in queued}
        if None in pids or len(pids) > FULL_REFRESH_FROM:
            mover.drop()
            PersonFact.objects.all().delete()
            EventFact.objects.all().delete()
            StateFact.objects.all().delete()
            _store(None)
            _analyze()
            done = -1
        else:
            ordered = sorted(p for p in pids if p is not None)
            mover.before(ordered)
            for chunk in _chunks(ordered):
                PersonFact.objects.filter(person_id__in=chunk).delete()
                EventFact.objects.filter(person_id__in=chunk).delete()
                StateFact.objects.filter(person_id__in=chunk).delete()
            _store(ordered)
            mover.after(ordered)
            done = len(ordered)
        # Exactly the rows read: one a writer committed after that read stays for the next refresh.
        for chunk in _chunks(sorted(i for i, _ in queued)):
            DirtyPerson.objects.filter(id__in=chunk).delete()
    return done


def _analyze() -> None:
    """Fresh statistics for the planner after the facts were derived afresh. Without them SQLite
    reads a few persons' facts (`person_id IN (…)` beside the figure's own filters) through the
    month or date index, a scan of the table: a refresh of four persons took 1.1 s at 200,000
    persons instead of 40 ms (benchmarks/stats/RESULTS.md)."""
    with connection.cursor() as cursor:
        for model in (PersonFact, EventFact, StateFact):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# --- the triggers ------------------------------------------------------------------------------


# (table, the column holding the person's id) for every table a fact depends on.
def _watched() -> list[tuple[str, str]]:
    return [
        (StatusEvent._meta.db_table, "person_id"),
        (Detention._meta.db_table, "person_id"),
        (Nationality._meta.db_table, "person_id"),
        (Person._meta.db_table, "id"),
    ]


QUEUE = DirtyPerson._meta.db_table


def _sqlite_statements() -> list[str]:
    def enqueue(value: str) -> str:
        # SQLite writers are serialised (IMMEDIATE transactions), so one queue row per person is
        # enough: a refresh holds the write lock from reading the queue to deleting from it.
        return (
            f"INSERT INTO {QUEUE}(person_id) SELECT {value} WHERE {value} IS NOT NULL AND NOT "
            f"EXISTS (SELECT 1 FROM {QUEUE} WHERE person_id = {value});"
        )

    events = StatusEvent._meta.db_table
    out = []
    for table, col in _watched():
        extra = ""
        if table == events:
            # A correction superseding another person's event changes that person too.
            extra = (
                f"INSERT INTO {QUEUE}(person_id) SELECT person_id FROM {events} "
                f"WHERE id = NEW.supersedes_id AND person_id <> NEW.person_id;"
            )
        out += [
            f"CREATE TRIGGER IF NOT EXISTS stats_dirty_{table}_ins AFTER INSERT ON {table} "
            f"BEGIN {enqueue(f'NEW.{col}')} {extra} END",
            f"CREATE TRIGGER IF NOT EXISTS stats_dirty_{table}_upd AFTER UPDATE ON {table} "
            f"BEGIN {enqueue(f'OLD.{col}')} {enqueue(f'NEW.{col}')} END",
            f"CREATE TRIGGER IF NOT EXISTS stats_dirty_{table}_del AFTER DELETE ON {table} "
            f"BEGIN {enqueue(f'OLD.{col}')} END",
        ]
    party = Party._meta.db_table
    everyone = (
        f"INSERT INTO {QUEUE}(person_id) SELECT NULL WHERE NOT EXISTS "
        f"(SELECT 1 FROM {QUEUE} WHERE person_id IS NULL);"
    )
    out += [
        f"CREATE TRIGGER IF NOT EXISTS stats_dirty_{party}_ins AFTER INSERT ON {party} "
        f"WHEN NEW.kind = '{PartyKind.STATE.value}' BEGIN {everyone} END",
        f"CREATE TRIGGER IF NOT EXISTS stats_dirty_{party}_upd AFTER UPDATE ON {party} "
        f"WHEN OLD.code IS NOT NEW.code OR OLD.kind IS NOT NEW.kind BEGIN {everyone} END",
        f"CREATE TRIGGER IF NOT EXISTS stats_dirty_{party}_del AFTER DELETE ON {party} "
        f"BEGIN {everyone} END",
    ]
    return out


def _postgresql_statements() -> list[str]:
    events = StatusEvent._meta.db_table
    out = [
        # Statement-level with transition tables: one INSERT … SELECT DISTINCT per statement, so
        # a COPY of a million events queues each person once instead of firing a million times.
        # No de-duplication against the queue: a refresh may be between reading a row and
        # deleting it, and only a new row is sure to be seen by the next one.
        f"""CREATE OR REPLACE FUNCTION stats_dirty_rows() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            EXECUTE format('INSERT INTO {QUEUE}(person_id) SELECT DISTINCT %I FROM new_rows',
                           TG_ARGV[0]);
            IF TG_TABLE_NAME = '{events}' THEN
              INSERT INTO {QUEUE}(person_id) SELECT DISTINCT s.person_id FROM {events} s
                JOIN new_rows n ON s.id = n.supersedes_id WHERE s.person_id <> n.person_id;
            END IF;
          ELSIF TG_OP = 'UPDATE' THEN
            EXECUTE format('INSERT INTO {QUEUE}(person_id) SELECT %I FROM old_rows '
                           'UNION SELECT %I FROM new_rows', TG_ARGV[0], TG_ARGV[0]);
          ELSE
            EXECUTE format('INSERT INTO {QUEUE}(person_id) SELECT DISTINCT %I FROM old_rows',
                           TG_ARGV[0]);
          END IF;
          RETURN NULL;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION stats_dirty_all() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO {QUEUE}(person_id) VALUES (NULL);
          RETURN NULL;
        END $$""",
    ]
    for table, col in _watched():
        out += [
            f"CREATE OR REPLACE TRIGGER stats_dirty_ins AFTER INSERT ON {table} "
            f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION stats_dirty_rows('{col}')",
            f"CREATE OR REPLACE TRIGGER stats_dirty_upd AFTER UPDATE ON {table} "
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION stats_dirty_rows('{col}')",
            f"CREATE OR REPLACE TRIGGER stats_dirty_del AFTER DELETE ON {table} "
            f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION stats_dirty_rows('{col}')",
        ]
    party = Party._meta.db_table
    out += [
        f"CREATE OR REPLACE TRIGGER stats_dirty_ins AFTER INSERT ON {party} FOR EACH ROW "
        f"WHEN (NEW.kind = '{PartyKind.STATE.value}') EXECUTE FUNCTION stats_dirty_all()",
        f"CREATE OR REPLACE TRIGGER stats_dirty_upd AFTER UPDATE ON {party} FOR EACH ROW "
        f"WHEN (OLD.code IS DISTINCT FROM NEW.code OR OLD.kind IS DISTINCT FROM NEW.kind) "
        f"EXECUTE FUNCTION stats_dirty_all()",
        f"CREATE OR REPLACE TRIGGER stats_dirty_del AFTER DELETE ON {party} FOR EACH ROW "
        f"EXECUTE FUNCTION stats_dirty_all()",
    ]
    return out


TRIGGERS = {"sqlite": True, "postgresql": True}
EXPECTED_TRIGGERS = 3 * (len(["events", "detentions", "nationalities", "persons"]) + 1)


def installed_triggers(using=None) -> int:
    conn = connection if using is None else using
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'stats_dirty_%'"
            )
        elif conn.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgname LIKE 'stats_dirty_%'"
            )
        else:
            return 0
        return int(cursor.fetchone()[0])


def install_triggers(using=None) -> bool:
    """Creates the triggers that are missing; if any was, queues everyone (the facts may have
    missed writes while it was absent: a fresh database, or a table SQLite rebuilt in a
    migration, which drops its triggers). Returns whether it created any."""
    conn = connection if using is None else using
    if conn.vendor not in TRIGGERS or installed_triggers(conn) == EXPECTED_TRIGGERS:
        return False
    if QUEUE not in conn.introspection.table_names():
        # A flush or a partial migrate on a database whose facts migration is not applied yet:
        # nothing to queue into; the migrate that creates the table installs the triggers.
        return False
    statements = _sqlite_statements() if conn.vendor == "sqlite" else _postgresql_statements()
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {QUEUE}(person_id) VALUES (NULL)")
    return True
