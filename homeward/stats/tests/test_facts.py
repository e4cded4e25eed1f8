"""The maintained facts give exactly the figures of the old pass over every event (reference.py),
after every kind of write: actions, corrections, merges and undone merges, imports and bulk
inserts, direct SQL-level updates; as of today and as of dates before later events."""

import datetime as dt
import random

import pytest
from django.db import connection, transaction
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.lib.bulk import insert_rows
from homeward.lib.dates import PartialDate
from homeward.lib.errors import ValidationFailed
from homeward.registry import actions
from homeward.registry.models import (
    Detention,
    Nationality,
    Person,
    Source,
    StatusEvent,
    StatusKind,
)
from homeward.registry.tests.factories import notified
from homeward.stats import facts, kept, selectors
from homeward.stats.figures import compute, month_range
from homeward.stats.models import DirtyPerson, EventFact, PersonFact, StateFact

from . import reference

KINDS = StatusKind.values
COUNTRIES = ["UA", "RU", "GB", "GE", "IN", "BR"]


def _same(new, old, label):
    # The inquiries' cubes are read from the inquiries, not the facts: the reference has none.
    assert new.keys() == old.keys() | {"inquiries", "answer_time"}
    for name in old:
        a, b = new[name], old[name]
        assert (a.names, a.dims) == (b.names, b.dims), (label, name)
        assert a.values == b.values, (label, name)


def _compare(label):
    today = timezone.now().date()
    cases = [
        (today, month_range(f"{today.year}-01", f"{today.year}-12")),
        (dt.date(2025, 12, 31), month_range("2025-01", "2025-12")),
        (dt.date(2025, 6, 30), month_range("2024-11", "2025-06")),
        (dt.date(2024, 3, 31), month_range("2024-03", "2024-03")),
        (dt.date(2026, 2, 28), month_range("2023-01", "2026-02")),
    ]
    # The caseworker's figures, kept per period and moved by each refresh's changed persons
    # (selectors.figures_for): after every kind of write, the reference's too. The default
    # period is read first, so its kept counts are moved by this write's refresh.
    caseworker = User.objects.filter(role=Role.CASEWORKER).first()
    periods = [(None, None), ("2025-01", "2025-12"), ("2024-11", "2025-06"), ("2024-03", "2024-03")]
    for first, last in periods:
        shown = selectors.figures_for(caseworker, first=first, last=last)
        _same(
            shown["cubes"],
            reference.compute(as_of=shown["as_of"], months=month_range(*shown["period"])),
            (label, "kept", first, last),
        )
    for as_of, months in cases:
        _same(
            compute(as_of=as_of, months=months),
            reference.compute(as_of=as_of, months=months),
            (label, as_of),
        )


def _date(rng):
    y = rng.choice([2023, 2024, 2025, 2026])
    m = rng.randint(1, 12)
    shape = rng.random()
    if shape < 0.1:
        return f"{y}"
    if shape < 0.2:
        return f"{y}-{m:02d}"
    return f"{y}-{m:02d}-{rng.randint(1, 28):02d}"


def _past(rng):
    while True:
        d = PartialDate.parse(_date(rng))
        if not d.is_after(timezone.now().date()):
            return d


@pytest.mark.parametrize("seed", [1, 2])
def test_the_facts_give_the_reference_figures_after_every_kind_of_write(world, seed, monkeypatch):
    moved = []
    monkeypatch.setattr(kept, "_moved", lambda *a, _f=kept._moved: moved.append(1) or _f(*a))
    rng = random.Random(seed)
    source = actions.create_source(actor=world.caseworker, kind="visit", title="Visit report")
    graded = [
        Source.objects.create(
            kind="visit", title=f"g{g}", reliability=g, created_by=world.caseworker
        )
        for g in "ABCDEF"
    ]
    people = [
        notified(
            world,
            by=rng.choice([world.ru_officer, world.ua_officer]),
            family_name=f"Синтетичний{i}",
            notified_on=_past(rng),
            category=rng.choice(["military", "military", "civilian"]),
        )
        for i in range(30)
    ]
    _compare("notified")

    # Status events through the action, corrections among them.
    for _ in range(60):
        person = rng.choice(people)
        previous = StatusEvent.objects.filter(person=person, superseded_by__isnull=True).first()
        try:
            actions.record_status_event(
                actor=world.caseworker,
                person=person,
                kind=rng.choice(KINDS),
                date=_past(rng),
                source=rng.choice([source, *graded]),
                supersedes=previous if rng.random() < 0.15 else None,
            )
        except ValidationFailed:  # a rule of the register (a death stands): not this event
            pass
    _compare("events")

    # A bulk path: many events from one source (insert_rows inside the action).
    rows = [
        actions.EventRow(person=rng.choice(people), kind=rng.choice(KINDS), date=_past(rng))
        for _ in range(40)
    ]
    actions.record_events_from_source(actor=world.caseworker, source=graded[2], rows=rows)
    _compare("record_events_from_source")

    # Merges, a merge of a merge, and an undone merge.
    actions.merge_persons(
        actor=world.caseworker, survivor=people[0], merged=people[1], reason="same person"
    )
    m2 = actions.merge_persons(
        actor=world.caseworker, survivor=people[2], merged=people[0], reason="same person"
    )
    m3 = actions.merge_persons(
        actor=world.caseworker, survivor=people[3], merged=people[4], reason="same person"
    )
    _compare("merged")
    actions.undo_merge(actor=world.caseworker, merge=m3, reason="not the same")
    actions.undo_merge(actor=world.caseworker, merge=m2, reason="not the same")
    _compare("merge undone")

    # Writes outside any action: a new detention (the holder changes), nationalities, a category,
    # a party's kind, and raw bulk inserts of events.
    Detention.objects.create(person=people[5], detaining_party=world.ua)
    Nationality.objects.create(person=people[6], country="GB")
    Nationality.objects.create(person=people[7], country="IN")
    Nationality.objects.filter(person=people[7]).delete()
    Person.objects.filter(pk=people[8].pk).update(category="civilian")
    _compare("direct writes")
    world.md.kind = "state"
    world.md.save()
    Nationality.objects.create(person=people[9], country="MD")
    _compare("party kind")
    insert_rows(
        StatusEvent,
        ["person_id", "kind", "date", "source_id", "recorded_by_id"],
        [
            (
                rng.choice(people).pk,
                rng.choice(KINDS),
                _date(rng),
                rng.choice(graded).pk,
                world.caseworker.pk,
            )
            for _ in range(80)
        ],
    )
    _compare("insert_rows")
    assert moved  # the kept counts were moved by a refresh's changed persons, not recounted
    # Stored facts equal a full re-derivation (nothing is left over from an earlier state).
    stored = set(PersonFact.objects.values_list())
    stored_events = sorted(EventFact.objects.values_list(*_event_cols()))
    state_cols = [f.name for f in StateFact._meta.fields if f.name != "id"]
    stored_states = sorted(StateFact.objects.values_list(*state_cols), key=repr)
    assert stored_states  # past dates read them
    DirtyPerson.objects.create(person_id=None)
    assert facts.refresh() == -1
    assert set(PersonFact.objects.values_list()) == stored
    assert sorted(EventFact.objects.values_list(*_event_cols())) == stored_events
    assert sorted(StateFact.objects.values_list(*state_cols), key=repr) == stored_states


def _event_cols():
    return ["person_id", "kind", "date", "month", "grade", "holder", "category"]


def test_a_write_queues_only_its_person_and_the_next_read_re_derives_only_them(world):
    people = [notified(world, family_name=f"Черга{i}") for i in range(3)]
    assert facts.refresh() == -1  # the parties of the fixture were created: everyone, once
    assert facts.refresh() == 0
    source = actions.create_source(actor=world.caseworker, kind="visit", title="Visit report")
    actions.record_status_event(
        actor=world.caseworker,
        person=people[1],
        kind=StatusKind.DIED,
        date=PartialDate(2025, 3, 1),
        source=source,
    )
    assert set(DirtyPerson.objects.values_list("person_id", flat=True)) == {people[1].pk}
    assert facts.refresh() == 1
    assert PersonFact.objects.get(person_id=people[1].pk).status == StatusKind.DIED
    assert not DirtyPerson.objects.exists()


def test_the_triggers_come_back_after_a_migration_drops_them(world):
    assert facts.installed_triggers() == facts.EXPECTED_TRIGGERS
    table = StatusEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER stats_dirty_{table}_ins")
        else:
            cursor.execute(f"DROP TRIGGER stats_dirty_ins ON {table}")
    facts.refresh()
    assert facts.install_triggers() is True
    assert facts.installed_triggers() == facts.EXPECTED_TRIGGERS
    # Everyone is queued: whatever was written while the trigger was missing is re-derived.
    assert DirtyPerson.objects.filter(person_id__isnull=True).exists()
    assert facts.install_triggers() is False


def test_no_triggers_before_the_facts_table_exists(world):
    """A flush (or a partial migrate) of a database whose facts migration is not applied yet:
    post_migrate must not fail on the missing queue table (it did: `flush` then `migrate` on a
    database an older version had migrated)."""
    table = StatusEvent._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER stats_dirty_{table}_ins")
            else:
                cursor.execute(f"DROP TRIGGER stats_dirty_ins ON {table}")
            cursor.execute(f"ALTER TABLE {facts.QUEUE} RENAME TO stats_queue_aside")
        assert facts.install_triggers() is False
        assert facts.installed_triggers() == facts.EXPECTED_TRIGGERS - 1
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE stats_queue_aside RENAME TO {facts.QUEUE}")
    assert facts.install_triggers() is True
    assert facts.installed_triggers() == facts.EXPECTED_TRIGGERS


def test_the_backfill_command_derives_an_existing_register(world):
    from django.core.management import call_command

    notified(world, family_name="Заповнення")
    PersonFact.objects.all().delete()
    DirtyPerson.objects.all().delete()
    call_command("stats_refresh")
    assert PersonFact.objects.count() == Person.objects.count()
    _compare("backfill")


def test_a_full_refresh_gives_the_planner_fresh_statistics(world):
    """Without them SQLite read a few persons' facts through the month index (a table scan)."""
    for i in range(3):
        notified(world, family_name=f"План{i}")
    DirtyPerson.objects.create(person_id=None)
    assert facts.refresh() == -1
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        else:
            cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
        analysed = {row[0] for row in cursor.fetchall()}
    # (SQLite keeps no statistics of an empty table: no person here has a later event.)
    assert {"stats_personfact", "stats_eventfact"} <= analysed
