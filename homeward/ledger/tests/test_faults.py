"""Faults that need real processes and connections: a crash mid-burst, parallel writers."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection, connections, transaction

from homeward.ledger import store
from homeward.ledger.actions import append
from homeward.ledger.models import Entry
from homeward.ledger.verify import verify_database

BURST = """
import django, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings")
django.setup()
from django.db import transaction
from homeward.ledger.actions import append
print("ready", flush=True)
i = 0
while True:
    with transaction.atomic():
        append(actor=None, action="burst", object_type="t", object_id=i, data={"i": i})
    i += 1
"""


def _env(tmp_path):
    env = {**os.environ, "HOMEWARD_TESTING": "1"}
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        )
    else:
        env["HOMEWARD_VAR"] = str(tmp_path)
        env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "homeward", "migrate", "-v0"], env=env, check=True)
    return env


def _run(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "homeward", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


SEALER = """
import django, os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings")
django.setup()
from homeward.ledger import store
print("ready", flush=True)
while True:
    store.seal()
    time.sleep(0.01)
"""


def _start(env, script):
    proc = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _kill(proc):
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()


def _verified_size(env):
    done = _run(env, "ledger", "verify")
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split("OK: ")[1].split(" entries")[0])


@pytest.mark.django_db(transaction=True)
def test_a_process_killed_in_a_burst_of_appends_leaves_nothing_half_written(tmp_path):
    env = _env(tmp_path)
    # The writer and the sequencer both die mid-stride: SIGKILL, no cleanup, whatever each was
    # doing (an append not yet committed; a batch numbered but not committed).
    writer, sealer = _start(env, BURST), _start(env, SEALER)
    time.sleep(1.5)
    _kill(writer)
    _kill(sealer)
    first = _verified_size(env)
    assert first > 10
    # Appends resume, numbers continue where the log stopped, and the longer log verifies.
    writer = _start(env, BURST)
    time.sleep(0.5)
    _kill(writer)
    assert _verified_size(env) > first


def _writer(w, n, errors, *, numbered_every=0, rollback_every=0):
    class Rollback(Exception):
        pass

    try:
        for i in range(n):
            try:
                with transaction.atomic():
                    append(
                        actor=None,
                        action="parallel",
                        object_type="t",
                        object_id=f"{w}-{i}",
                        data={"w": w},
                        numbered=bool(numbered_every) and i % numbered_every == 0,
                    )
                    if rollback_every and i % rollback_every == rollback_every - 1:
                        raise Rollback
            except Rollback:
                pass
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)
    finally:
        connections.close_all()


def _sealer(stop, errors):
    try:
        while not stop.is_set():
            store.seal()
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_and_sequencers_never_gap_or_fork():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; concurrency matters on PostgreSQL")
    errors: list[Exception] = []
    stop = threading.Event()
    # Six writers (one of them taking numbers inside its transaction now and then, two of them
    # rolling some actions back) while two sequencers number and seal what has committed.
    writers = [
        threading.Thread(
            target=_writer,
            args=(w, 60, errors),
            kwargs={
                "numbered_every": 5 if w == 0 else 0,
                "rollback_every": 4 if w in (1, 2) else 0,
            },
        )
        for w in range(6)
    ]
    sealers = [threading.Thread(target=_sealer, args=(stop, errors)) for _ in range(2)]
    for t in writers + sealers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in sealers:
        t.join()
    assert not errors
    store.publish_checkpoint()
    committed = {f"{w}-{i}" for w in range(6) for i in range(60) if w not in (1, 2) or i % 4 != 3}
    rows = list(Entry.objects.order_by("seq").values_list("seq", "object_id", "event"))
    assert [seq for seq, _, _ in rows] == list(range(len(committed)))  # no gap, no repeat
    assert sorted(oid for _, oid, _ in rows) == sorted(committed)  # each once, none rolled back
    assert all(event.endswith(f'"seq":{seq}}}') for seq, _, event in rows)
    report = verify_database()
    assert report.ok and report.entries == len(committed), report.problem


@pytest.mark.django_db(transaction=True)
def test_the_sequencer_numbers_what_has_committed_and_never_waits_for_what_has_not():
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite the open transaction would hold the only write lock")
    inserted, release, errors = threading.Event(), threading.Event(), []

    def slow_action():
        try:
            with transaction.atomic():
                append(actor=None, action="slow", object_type="t", object_id="slow")
                inserted.set()
                release.wait(10)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_action)
    slow.start()
    assert inserted.wait(10)
    # Inserted after the slow one (a larger id) but committed first: it is numbered first, and
    # the sequencer does not wait for the open transaction.
    with transaction.atomic():
        append(actor=None, action="fast", object_type="t", object_id="fast")
    assert store.seal() == 1
    assert Entry.objects.get(object_id="fast").seq == 0
    assert not Entry.objects.filter(object_id="slow").exists()  # not committed: not seen
    release.set()
    slow.join()
    assert not errors
    assert store.seal() == 2
    slow_entry, fast_entry = (
        Entry.objects.get(object_id="slow"),
        Entry.objects.get(object_id="fast"),
    )
    assert slow_entry.seq == 1 and slow_entry.id < fast_entry.id
    store.publish_checkpoint()
    assert verify_database().ok
