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


@pytest.mark.django_db(transaction=True)
def test_a_process_killed_in_a_burst_of_appends_leaves_nothing_half_written(tmp_path):
    env = _env(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-c", BURST], env=env, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = _run(env, "ledger", "verify")
    assert done.returncode == 0, done.stderr
    first = int(done.stdout.split("OK: ")[1].split(" entries")[0])
    assert first > 10
    # Appends resume where the log stopped, and the longer log verifies.
    again = subprocess.Popen(
        [sys.executable, "-c", BURST], env=env, stdout=subprocess.PIPE, text=True
    )
    assert again.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    again.send_signal(signal.SIGKILL)
    again.wait()
    done = _run(env, "ledger", "verify")
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split("OK: ")[1].split(" entries")[0]) > first


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_never_gap_or_fork():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock matters on PostgreSQL")
    errors = []

    def writer(w):
        try:
            for i in range(40):
                with transaction.atomic():
                    append(
                        actor=None,
                        action="parallel",
                        object_type="t",
                        object_id=f"{w}-{i}",
                        data={"w": w},
                    )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert list(Entry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(240))
    store.publish_checkpoint()
    assert verify_database().ok
