"""Queueing tasks: with the job they do, and periodically.

`enqueue(task, *args)` is how an action queues background work. With the database backend the
task's row is written inside the caller's transaction, so the job row (an ImportJob, a PlanRun)
and the task that will do it commit together or not at all: no job can be left "queued" with no
task behind it because the process died between the two. With any other backend (the tests'
ImmediateBackend runs the task in the caller) the task is queued when the transaction commits,
so it never sees uncommitted rows and a rolled-back action queues nothing.

`schedule(task, after=…)` keeps exactly one pending run of a periodic task (the ledger's
checkpoint): the task calls it for its own next run, and each worker calls it when it starts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

# A task whose worker died is run again; after this many attempts its owner is told it failed
# instead (an import that kills the worker every time, e.g. by exhausting memory, must not take
# the queue down with it for ever). Tasks read `context.attempt` and give up past it.
MAX_ATTEMPTS = 2


def uses_database(task: Task) -> bool:
    """Whether the task goes through the database queue (the worker runs it later)."""
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queues `task(*args, **kwargs)` with the caller's transaction (see the module's note).
    Arguments must be JSON: pass UUIDs as strings, never model instances."""
    if uses_database(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def schedule(task: Task, *, after: dt.timedelta, current_id: str | None = None) -> bool:
    """Queues the next run of a periodic task `after` from now, unless one is already pending
    (ready or running, other than `current_id`, the run calling this). Returns whether it queued
    one. Does nothing outside the database backend: an immediate backend would run it now, and
    again, for ever.

    Races: two workers starting at once, or a worker starting while the task reschedules itself,
    would each see nothing pending; a lock taken for the transaction serialises them (PostgreSQL
    advisory lock; SQLite takes its write lock at BEGIN, settings' transaction_mode IMMEDIATE).
    """
    if not uses_database(task):
        return False
    from django_tasks_db.models import DBTaskResult  # needs the app registry; this is the queue

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [task.module_path])
        pending = DBTaskResult.objects.filter(
            task_path=task.module_path,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        )
        if current_id is not None:
            pending = pending.exclude(id=current_id)
        if pending.exists():
            return False
        task.using(run_after=timezone.now() + after).enqueue()
    return True
