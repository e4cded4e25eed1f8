"""The worker (homeward.worker): tasks queued in the database, run once each by whichever
worker takes them first, recorded failed when they raise, and run again when their worker
died. The job-specific behaviour (an import or a plan failing visibly) is tested with those
apps' tasks: registry/tests/test_import_jobs.py, exchanges/tests/test_plan_runs.py."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from homeward.ledger import tasks as ledger_tasks
from homeward.worker import runner
from homeward.worker.models import WorkerBeat
from homeward.worker.queue import schedule

from . import sample_tasks

on_postgresql = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres") is False,
    reason="concurrent workers and a killed worker process need PostgreSQL",
)


@pytest.fixture
def queue(settings, transactional_db):
    """The real database queue, and committed rows, so that workers in other threads and
    processes see them."""
    settings.TASKS = settings.DATABASE_TASKS
    sample_tasks.ran.clear()
    yield
    sample_tasks.ran.clear()


def work(worker_id: str = "test-worker") -> None:
    runner.run(batch=True, install_signals=False, worker_id=worker_id, interval=0)


def test_a_task_that_raises_is_recorded_failed_with_its_error(queue):
    result = sample_tasks.explode.enqueue()
    work()
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "builtins.ZeroDivisionError"
    assert "a task that raises" in row.traceback
    sample_tasks.record.enqueue(1)  # the worker carries on with the next task
    work()
    assert sample_tasks.ran == [(1, "test-worker")]


@on_postgresql
def test_two_workers_never_run_one_task_twice(queue):
    ids = [sample_tasks.record.enqueue(n).id for n in range(40)]

    def worker(name: str) -> None:
        try:
            work(name)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(n for n, _ in sample_tasks.ran) == list(range(40))  # each once, none twice
    assert {w for _, w in sample_tasks.ran} == {"w0", "w1"}  # and both did work
    rows = DBTaskResult.objects.filter(id__in=ids)
    assert all(r.status == TaskResultStatus.SUCCESSFUL and len(r.worker_ids) == 1 for r in rows)


def test_a_task_left_running_by_a_dead_worker_is_run_again(queue):
    result = sample_tasks.record.enqueue(7)
    long_ago = timezone.now() - runner.LOST_AFTER - dt.timedelta(seconds=5)
    # A worker claimed it, then stopped beating (killed): the task is still "running".
    DBTaskResult.objects.filter(id=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead"], started_at=long_ago
    )
    WorkerBeat.objects.create(worker_id="dead", started_at=long_ago, beat_at=long_ago)
    # A live worker's task of the same age is left alone.
    alive = sample_tasks.record.enqueue(8)
    DBTaskResult.objects.filter(id=alive.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=["alive"], started_at=long_ago
    )
    runner.beat("alive")

    assert runner.recover_lost() == [str(result.id)]
    work()
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.worker_ids == ["dead", "test-worker"]
    assert sample_tasks.ran == [(7, "test-worker")]
    assert DBTaskResult.objects.get(id=alive.id).status == TaskResultStatus.RUNNING


@on_postgresql
def test_a_killed_worker_process_s_task_is_run_again_by_the_next_worker(queue):
    result = sample_tasks.slow_first_time.enqueue()
    env = {
        **os.environ,
        "DATABASE_URL": _url_of_the_test_database(),
        "HOMEWARD_TESTING": "",  # the real queue in the worker process
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "homeward", "worker", "--interval", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while DBTaskResult.objects.get(id=result.id).status != TaskResultStatus.RUNNING:
            assert time.monotonic() < deadline, "the worker never took the task"
            time.sleep(0.1)
    finally:
        process.kill()  # SIGKILL: no clean-up, the task stays "running"
        process.wait()
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.RUNNING
    assert runner.recover_lost(lost_after=dt.timedelta(0)) == [str(result.id)]
    work()
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == 2


def test_a_periodic_task_has_one_pending_run_whoever_schedules_it(queue):
    every = ledger_tasks.CHECKPOINT_EVERY
    assert schedule(ledger_tasks.checkpoint, after=every) is True
    assert schedule(ledger_tasks.checkpoint, after=every) is False  # a second worker starting
    pending = DBTaskResult.objects.get(task_path=ledger_tasks.checkpoint.module_path)
    assert pending.run_after > timezone.now()
    # The run itself queues its successor, and only one.
    DBTaskResult.objects.filter(id=pending.id).update(run_after=timezone.now())
    work()
    rows = DBTaskResult.objects.filter(task_path=ledger_tasks.checkpoint.module_path)
    assert sorted(r.status for r in rows) == [TaskResultStatus.READY, TaskResultStatus.SUCCESSFUL]


def test_the_tests_backend_runs_a_task_at_once(db):
    result = sample_tasks.record.enqueue(3)
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 3
    assert schedule(ledger_tasks.checkpoint, after=dt.timedelta(seconds=1)) is False


def _url_of_the_test_database() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def test_finished_tasks_rows_are_pruned_after_their_keeping_time(queue):
    from homeward.worker import tasks as worker_tasks

    now = timezone.now()
    ages = {"old ok": (1, 2), "new ok": (1, 0), "old failed": (2, 31), "new failed": (2, 2)}
    ids = {}
    for label, (n, days) in ages.items():
        result = sample_tasks.record.enqueue(n)
        status = TaskResultStatus.SUCCESSFUL if n == 1 else TaskResultStatus.FAILED
        finished = now - dt.timedelta(days=days, minutes=1)
        DBTaskResult.objects.filter(id=result.id).update(status=status, finished_at=finished)
        ids[label] = result.id
    worker_tasks.prune_finished.enqueue()
    work()
    left = {
        str(i)
        for i in DBTaskResult.objects.filter(id__in=ids.values()).values_list("id", flat=True)
    }
    assert left == {ids["new ok"], ids["new failed"]}
    pending = DBTaskResult.objects.filter(
        task_path=worker_tasks.prune_finished.module_path, status=TaskResultStatus.READY
    )
    assert pending.count() == 1  # and it comes back in an hour
