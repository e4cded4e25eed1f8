"""Pending entries and the sequencer: what an action gets back, numbering, and the migration."""

import os

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from homeward.ledger import merkle, store
from homeward.ledger.actions import append
from homeward.ledger.canonical import canonical_json
from homeward.ledger.models import Entry, Head, Salt
from homeward.ledger.privacy import opens
from homeward.ledger.sequencing import with_seq
from homeward.ledger.verify import verify_database


def one(world, i, **kwargs):
    with transaction.atomic():
        return append(
            actor=world.caseworker,
            action="test.event",
            object_type="test",
            object_id=i,
            data={"i": i},
            personal={"name": f"Person {i}"},
            **kwargs,
        )


@pytest.mark.parametrize(
    "event",
    [
        {"action": "a", "at": "2026", "data": {}, "object": {"id": "1", "type": "t"}},
        {"action": "x", "party": None, "data": {"seq": 5, "zzz": [1, "é", "\u2028"]}},
        {"actor": None, "commitments": {"name": "ab"}, "party": "UA", "data": {"ключ": "Петро"}},
    ],
)
@pytest.mark.parametrize("seq", [0, 1, 9, 10, 123456789, 2**53 - 1])
def test_adding_seq_to_the_canonical_json_is_the_canonical_json_with_seq(event, seq):
    assert with_seq(canonical_json(event), seq) == canonical_json({**event, "seq": seq})


def test_with_seq_refuses_what_it_cannot_extend():
    for bad, seq in ((b"{}", 1), (b"[1]", 1), (b'{"a":1}', -1), (b'{"a":1}', 2**53)):
        with pytest.raises(ValueError):
            with_seq(bad, seq)


def test_an_action_gets_its_entry_pending_and_the_sequencer_gives_it_its_place(world):
    entry = one(world, 1)
    assert entry.id is not None and entry.seq is None and entry.leaf_hash is None
    assert '"seq"' not in entry.event
    # The salt is kept against the pending entry and still opens its commitment once numbered.
    assert Salt.objects.filter(entry_id=entry.id).count() == 1
    assert store.publish_checkpoint_if_grown() is not None
    entry.refresh_from_db()
    assert entry.seq == 0 and entry.event.endswith('"seq":0}')
    assert bytes(entry.leaf_hash) == merkle.leaf_hash(entry.event.encode())
    salt = bytes(Salt.objects.get(entry=entry).salt)
    assert opens(canonical_json_commitment(entry), salt, "Person 1")
    assert verify_database().ok


def canonical_json_commitment(entry):
    import json

    return json.loads(entry.event)["commitments"]["name"]


def test_a_numbered_append_takes_the_next_number_at_once_and_the_pending_ones_follow(world):
    pending = [one(world, i) for i in range(3)]
    numbered = one(world, 3, numbered=True)
    assert numbered.seq == 0 and numbered.event.endswith('"seq":0}')
    assert bytes(numbered.leaf_hash) == merkle.leaf_hash(numbered.event.encode())
    assert store.seal() == 4
    assert [Entry.objects.get(pk=e.pk).seq for e in pending] == [1, 2, 3]
    again = one(world, 4, numbered=True)
    assert again.seq == 4
    store.publish_checkpoint()
    assert verify_database().ok


def test_a_rolled_back_numbered_append_gives_its_number_back(world):
    one(world, 0, numbered=True)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        append(actor=None, action="x", object_type="t", object_id=1, numbered=True)
        1 / 0  # noqa: B018 - the action fails after its append
    assert one(world, 2, numbered=True).seq == 1
    assert Head.objects.get().size == 2


def test_sealing_an_empty_log_does_nothing(world):
    assert store.seal() == 0
    assert store.publish_checkpoint() is None
    assert store.publish_checkpoint_if_grown() is None


def test_the_ledger_api_shows_a_pending_entry_after_the_numbered_ones(client, world):
    one(world, 1)
    store.seal()
    one(world, 1)
    client.force_login(world.auditor)
    body = client.get("/api/v1/ledger/objects/test/1/entries").json()
    assert [e["seq"] for e in body] == [0, None]
    assert "seq" not in body[1]["event"] and body[0]["event"]["seq"] == 0
    page = client.get("/ledger/").content.decode()
    assert '<dd id="ledger-size">2</dd>' in page


def test_a_numbered_entry_without_its_leaf_hash_is_refused_by_the_database(world):
    from django.db import IntegrityError

    entry = one(world, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(seq=0)


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_existing_entry_where_it_was(world):
    """A log written before entries were pending: its numbers, salts, tree and checkpoints
    survive the migration, and appends carry on after it."""
    old = [
        canonical_json(
            {
                "action": "old",
                "actor": None,
                "at": "2026-01-01T00:00:00+00:00",
                "commitments": {},
                "data": {"i": i},
                "object": {"id": str(i), "type": "t"},
                "party": None,
                "seq": i,
            }
        )
        for i in range(5)
    ]
    call_command("migrate", "ledger", "0001", verbosity=0)
    try:
        with connection.cursor() as cursor:
            for i, body in enumerate(old):
                cursor.execute(
                    "INSERT INTO ledger_entry (seq, at, action, object_type, object_id, event, "
                    "leaf_hash, signature) VALUES (%s, %s, 'old', 't', %s, %s, %s, '')",
                    [i, "2026-01-01T00:00:00+00:00", str(i), body.decode(), merkle.leaf_hash(body)],
                )
                cursor.execute(
                    "INSERT INTO ledger_salt (entry_id, field, salt) VALUES (%s, 'name', %s)",
                    [i, bytes([i]) * 32],
                )
            cursor.execute("INSERT INTO ledger_head (id, size, sealed) VALUES (1, 5, 0)")
    finally:
        call_command("migrate", "ledger", verbosity=0)
    assert list(Entry.objects.order_by("seq").values_list("seq", "event")) == [
        (i, body.decode()) for i, body in enumerate(old)
    ]
    assert bytes(Salt.objects.get(entry__seq=3).salt) == bytes([3]) * 32
    new = one(world, 5)
    assert new.id > max(Entry.objects.exclude(pk=new.pk).values_list("id", flat=True))
    store.publish_checkpoint()
    assert Entry.objects.get(pk=new.pk).seq == 5
    report = verify_database()
    assert report.ok and report.entries == 6, report.problem


def test_the_entry_and_its_salts_go_in_with_server_side_binding_too(world):
    """The statement that is prepared (server-side binding): one data-modifying WITH."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's binding modes")
    import psycopg

    from homeward.ledger.sequencing import _insert_sql

    connection.ensure_connection()
    params = [None, timezone.now(), None, None, "x", "t", "1", '{"a":1}', None, ""]
    with transaction.atomic(), psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_insert_sql("postgresql", 2, False), [*params, "a", b"1" * 32, "b", b"2"])
        entry_id = cursor.fetchone()[0]
    assert sorted(Salt.objects.filter(entry_id=entry_id).values_list("field", flat=True)) == [
        "a",
        "b",
    ]


def _prepared_ledger_inserts():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements "
            "WHERE statement LIKE '%%INSERT INTO ledger_entry%%' AND NOT from_sql"
        )
        return cursor.fetchone()[0]


def test_on_postgresql_an_append_is_a_statement_prepared_once_per_connection(world):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    assert connection.connection.prepare_threshold is not None  # homeward/settings.py
    first = one(world, 1)
    assert _prepared_ledger_inserts() == 1
    # An action that fails after its append: the statement stays prepared and usable.
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        one(world, 2)
        1 / 0  # noqa: B018
    again = one(world, 3)
    assert _prepared_ledger_inserts() == 1
    assert again.id > first.id and not again._state.adding  # as loaded from the database
    assert [e.object_id for e in Entry.objects.order_by("id")] == ["1", "3"]
    assert Salt.objects.filter(entry_id=again.id).count() == 1


def test_a_failing_prepared_insert_raises_djangos_error_and_rolls_the_action_back(world):
    from django.db import IntegrityError

    from homeward.ledger.sequencing import insert_entry

    one(world, 0, numbered=True)
    clash = [0, timezone.now(), None, None, "x", "t", "1", "{}", b"0" * 32, ""]  # seq 0 again
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_entry(transaction.get_connection(), clash, {"name": b"1" * 32})
    assert Entry.objects.count() == 1 and one(world, 2).id is not None


def test_with_prepared_statements_off_an_append_binds_client_side(world):
    """Behind a pooler that cannot keep prepared statements (DATABASE_PREPARED_STATEMENTS=off):
    Django's client-side binding, the entry and its salts two statements in one message."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    from django.test.utils import CaptureQueriesContext

    connection.ensure_connection()
    pg = connection.connection
    threshold, pg.prepare_threshold = pg.prepare_threshold, None
    try:
        with CaptureQueriesContext(connection) as queries:
            entry = one(world, 1)
    finally:
        pg.prepare_threshold = threshold
    [insert] = [q["sql"] for q in queries.captured_queries if "INTO ledger_entry" in q["sql"]]
    assert "currval(" in insert and "WITH" not in insert
    assert Salt.objects.filter(entry_id=entry.id).count() == 1
    assert _prepared_ledger_inserts() == 0


@pytest.mark.parametrize(
    ("url", "flag", "threshold"),
    [
        ("postgres://u@h:5432/d", None, 5),
        ("postgres://u@h:5432/d", "off", None),
        ("postgres://u@h:5432/d", "1", 5),
        ("sqlite:///x.sqlite3", None, "absent"),
    ],
)
def test_prepared_statements_are_on_for_postgresql_unless_turned_off(
    tmp_path, url, flag, threshold
):
    import json
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": url, "HOMEWARD_VAR": str(tmp_path)}
    env.pop("DATABASE_PREPARED_STATEMENTS", None)
    if flag is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = flag
    code = (
        "import json, homeward.settings as s; "
        "print(json.dumps(s.DATABASES['default']['OPTIONS'].get('prepare_threshold', 'absent')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == threshold
