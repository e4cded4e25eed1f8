"""The worker's side of tracing: matching persons who entered the register against every open
inquiry and the register, after the write that registered them has committed.

The register calls `persons_entered` from inside its own transaction (an import, a capture
notification, a merge): it writes one RematchRun row and, once that transaction commits, enqueues
`rematch_run`. The import therefore pays for one row and one enqueue, never for the matching; a
rolled-back import leaves neither. The run row is what the owner sees: status, the step it is at,
the counts, and the error when it failed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models_rematch import RematchRun, RematchStatus

log = logging.getLogger("homeward.tracing")

# What a failed run tells its owner at most (the worker's log has the traceback).
_ERROR_CHARS = 500


def persons_entered(*, actor, person_ids: Iterable[int], trigger: str) -> RematchRun | None:
    """Persons entered the register in the current transaction: match them once it commits.
    `actor` owns the run (None for the system). Returns the run, or None when there is none."""
    ids = sorted({int(i) for i in person_ids})
    if not ids:
        return None
    run = RematchRun.objects.create(
        trigger=trigger,
        person_ids=ids,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_pk: int) -> None:
    try:
        rematch_run.enqueue(run_pk)
    except Exception as exc:
        # The register's write has committed; the run must not wait for ever unseen.
        log.exception("rematch run %s could not be enqueued", run_pk)
        _fail(run_pk, exc)


def _fail(run_pk: int, exc: BaseException) -> None:
    RematchRun.objects.filter(pk=run_pk).update(
        status=RematchStatus.FAILED,
        error=f"{type(exc).__name__}: {exc}"[:_ERROR_CHARS],
        finished_at=timezone.now(),
    )


@task
def rematch_run(run_pk: int) -> dict:
    """Carries out one RematchRun: returns its counts; marks it failed, with the error, on any
    exception (and re-raises, so the task backend records the failure too)."""
    from . import matching

    run = RematchRun.objects.filter(pk=run_pk, status=RematchStatus.QUEUED).first()
    if run is None:
        return {}
    RematchRun.objects.filter(pk=run.pk).update(
        status=RematchStatus.RUNNING, started_at=timezone.now(), progress="starting…"
    )

    def say(message: str) -> None:
        RematchRun.objects.filter(pk=run.pk).update(progress=message[:200])

    try:
        result = matching.rematch(run.person_ids, progress=say)
    except BaseException as exc:
        log.exception("rematch run %s failed", run.uuid)
        _fail(run.pk, exc)
        raise
    RematchRun.objects.filter(pk=run.pk).update(
        status=RematchStatus.DONE,
        progress="",
        inquiries=result.inquiries,
        pairs=result.pairs,
        queued=result.queued,
        duplicate_pairs=result.duplicate_pairs,
        duplicates_queued=result.duplicates_queued,
        finished_at=timezone.now(),
    )
    log.info(
        "rematch run %s: %s persons, %s inquiries, %s + %s candidates queued",
        run.uuid,
        result.persons,
        result.inquiries,
        result.queued,
        result.duplicates_queued,
    )
    return {
        "queued": result.queued,
        "duplicates_queued": result.duplicates_queued,
    }
