"""The worker's own housekeeping: finished tasks' rows are pruned, or the periodic checkpoint
alone would add 8,640 rows a day to the queue's table."""

from __future__ import annotations

import datetime as dt

from django.tasks import TaskContext, TaskResultStatus, task
from django.utils import timezone

from .queue import schedule

PRUNE_EVERY = dt.timedelta(hours=1)
KEEP_SUCCESSFUL = dt.timedelta(days=1)
# Failed tasks are kept longer: their traceback is what an operator reads after the owner's
# page said "failed" (the owner's row keeps its own message for ever).
KEEP_FAILED = dt.timedelta(days=30)


@task(takes_context=True)
def prune_finished(context: TaskContext) -> int:
    """Deletes finished tasks' rows past their keeping time; returns how many."""
    from django_tasks_db.models import DBTaskResult  # the queue's table (needs the app registry)

    now = timezone.now()
    try:
        deleted, _ = DBTaskResult.objects.filter(
            status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - KEEP_SUCCESSFUL
        ).delete()
        failed, _ = DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__lt=now - KEEP_FAILED
        ).delete()
        return deleted + failed
    finally:
        schedule(prune_finished, after=PRUNE_EVERY, current_id=context.task_result.id)
