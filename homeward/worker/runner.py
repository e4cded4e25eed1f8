"""The worker: django-tasks-db's worker, plus a heartbeat that lets a lost task be found.

`run()` is what `homeward worker` runs (and `homeward serve` in a thread). It

1. records a heartbeat for this worker (`WorkerBeat`) and keeps it fresh from a thread;
2. puts back in the queue any task left running by a worker that stopped beating
   (`recover_lost`, at start and with every beat), so a killed worker's task runs again;
   the task itself gives up and fails its job past `queue.MAX_ATTEMPTS`;
3. makes sure each periodic task has its next run queued (`PERIODIC`: the ledger's
   checkpoint, the pruning of finished tasks' rows);
4. runs django-tasks-db's worker loop: take the next ready task with
   `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (an exclusive transaction on SQLite), mark
   it running under this worker's id, run it, record success or the exception.

Two workers never run one task twice: the claim is the locked row. A task that raises is
recorded failed in the queue; our tasks also mark their own job row (ImportJob, PlanRun) failed
with the error its owner reads, before re-raising.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.db import close_old_connections, connection, transaction
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, Task, TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string

from homeward.ledger.tasks import CHECKPOINT_EVERY, checkpoint

from .models import WorkerBeat
from .queue import schedule
from .tasks import PRUNE_EVERY, prune_finished

log = logging.getLogger("homeward.worker")

BEAT_SECONDS = 10.0
# A worker that has not beaten for this long is taken for dead. Several beats, so that a slow
# database or a paused VM does not make a live worker's task run twice.
LOST_AFTER = dt.timedelta(seconds=60)
POLL_SECONDS = 1.0


# Periodic tasks and their interval; each reschedules itself (queue.schedule). Add yours here.
PERIODIC: list[tuple[Task, dt.timedelta]] = [
    (checkpoint, CHECKPOINT_EVERY),
    (prune_finished, PRUNE_EVERY),
]


def beat(worker_id: str, *, started_at: dt.datetime | None = None) -> None:
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": now, "host": socket.gethostname()[:255], "pid": os.getpid()},
        create_defaults={
            "beat_at": now,
            "started_at": started_at or now,
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def recover_lost(*, lost_after: dt.timedelta = LOST_AFTER) -> list[str]:
    """Puts back in the queue every task still running under a worker that has not beaten for
    `lost_after` (or never did). Returns their ids. Safe to run from several workers at once:
    each task row is taken with a lock, and a task claimed again since is running under a live
    worker, with a fresh start time, so it is left alone."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - lost_after
    alive = set(WorkerBeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    recovered = []
    for task_id in DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).values_list("id", flat=True):
        with transaction.atomic():
            row = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(id=task_id, status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
                .first()
            )
            if row is None or (row.worker_ids and row.worker_ids[-1] in alive):
                continue
            row.status = TaskResultStatus.READY
            row.save(update_fields=["status"])
            recovered.append(str(task_id))
            log.warning(
                "task %s (%s) was lost with worker %s; queued again (attempt %s next)",
                task_id,
                row.task_path,
                row.worker_ids[-1] if row.worker_ids else "?",
                len(row.worker_ids) + 1,
            )
    WorkerBeat.objects.filter(beat_at__lt=cutoff - lost_after).delete()
    return recovered


def schedule_periodic() -> None:
    for task, every in PERIODIC:
        schedule(task, after=every)


class _Heart(threading.Thread):
    """Beats every BEAT_SECONDS on its own database connection, and sweeps lost tasks."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"homeward-beat-{worker_id[:8]}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(BEAT_SECONDS):
                try:
                    close_old_connections()
                    beat(self.worker_id)
                    recover_lost()
                except Exception:
                    log.exception("worker heartbeat failed; trying again")
        finally:
            connection.close()


def run(
    *,
    batch: bool = False,
    interval: float = POLL_SECONDS,
    worker_id: str | None = None,
    backend: str = DEFAULT_TASK_BACKEND_ALIAS,
    install_signals: bool = True,
) -> None:
    """Runs queued tasks until stopped (Ctrl-C, SIGTERM: the running task finishes first), or,
    with `batch`, until the queue is empty."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker_id = worker_id or get_random_string(32)
    beat(worker_id)
    recover_lost()
    schedule_periodic()
    heart = None if batch else _Heart(worker_id)
    if heart is not None:
        heart.start()
    worker = Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name=backend,
        startup_delay=not batch,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    if install_signals:
        worker.configure_signals()
    log.info("worker %s started", worker_id)
    try:
        worker.run()
    finally:
        if heart is not None:
            heart.stopped.set()
        WorkerBeat.objects.filter(worker_id=worker_id).delete()
        log.info("worker %s stopped", worker_id)
