"""Tasks the worker's tests queue (importable by path, as the worker imports every task)."""

from __future__ import annotations

import threading
import time

from django.tasks import TaskContext, task

ran: list[tuple[int, str]] = []
_lock = threading.Lock()


@task(takes_context=True)
def record(context: TaskContext, n: int) -> int:
    """Notes which worker ran task `n`; takes a little time so that two workers overlap."""
    time.sleep(0.02)
    with _lock:
        ran.append((n, context.task_result.worker_ids[-1]))
    return n


@task
def explode() -> None:
    raise ZeroDivisionError("a task that raises")


@task(takes_context=True)
def slow_first_time(context: TaskContext) -> int:
    """Sleeps on its first attempt (long enough to be killed), returns at once on a retry."""
    if context.attempt == 1:
        time.sleep(60)
    return context.attempt
