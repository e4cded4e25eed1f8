"""The ledger's background work: sealing and signing checkpoints as the log grows, and the
verifications an auditor queued (the page verifies a small log inline, a large one here).

`checkpoint` is periodic: each run queues the next one CHECKPOINT_EVERY later (and each worker,
starting, makes sure one is pending: homeward.worker.runner). It only calls the ledger's public
functions; what a checkpoint or a verification is, is the ledger's business (store, verify).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.tasks import TaskContext, task
from django.utils import timezone

from homeward.worker.queue import schedule

from .models import Verification
from .store import RefusedToSign, publish_checkpoint_if_grown
from .verify import verify_database

log = logging.getLogger("homeward.worker")

CHECKPOINT_EVERY = dt.timedelta(seconds=10)


@task(takes_context=True)
def checkpoint(context: TaskContext) -> int | None:
    """Seals new entries and signs a checkpoint when the log grew, then runs queued
    verifications; returns the checkpoint's size, if one was made. Its next run is queued
    whatever happens here, so one failure does not stop the checkpoints."""
    try:
        try:
            made = publish_checkpoint_if_grown()
        except RefusedToSign as refusal:
            # The key row or the log no longer match what this instance signed: signing stops
            # and says why; the auditor's queued verifications still run and name the fault.
            log.error("ledger checkpoint refused: %s", refusal)
            made = None
        run_queued_verifications()
        return made.size if made is not None else None
    finally:
        schedule(checkpoint, after=CHECKPOINT_EVERY, current_id=context.task_result.id)


@task
def verify_queued() -> int:
    """The same as the periodic checkpoint's second half, for whoever wants a queued
    verification run now rather than at the next checkpoint."""
    return run_queued_verifications()


def run_queued_verifications() -> int:
    """Runs every verification an auditor queued, oldest first; returns how many. A
    verification that cannot run at all (not one that finds a fault: that is its result) is
    recorded as failed with the reason, so the auditor's page never waits for ever."""
    done = 0
    for request in Verification.objects.filter(ok__isnull=True).order_by("requested_at"):
        try:
            report = verify_database()
            outcome = {
                "ok": report.ok,
                "size": report.entries,
                "checkpoints": report.checkpoints,
                "message": report.problem,
            }
        except Exception as exc:
            log.exception("ledger verification %s could not run", request.pk)
            outcome = {
                "ok": False,
                "message": f"The verification could not run ({type(exc).__name__}); the worker's log has the details.",
            }
        Verification.objects.filter(pk=request.pk).update(finished_at=timezone.now(), **outcome)
        log.info("ledger verification %s: %s", request.pk, "ok" if outcome["ok"] else "failed")
        done += 1
    return done
