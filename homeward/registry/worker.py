"""The background worker loop: queued imports, queued planner runs (homeward.exchanges.runs),
then the ledger's periodic checkpoint."""

from __future__ import annotations

import logging
import time

from django.db import close_old_connections
from django.utils import timezone

log = logging.getLogger("homeward.worker")
POLL_SECONDS = 1.0
CHECKPOINT_SECONDS = 10.0


def _checkpoint() -> None:
    """Seal new entries, sign a checkpoint when the log grew, run queued verifications."""
    from homeward.ledger.models import Verification
    from homeward.ledger.store import publish_checkpoint_if_grown
    from homeward.ledger.verify import verify_database

    publish_checkpoint_if_grown()
    for request in Verification.objects.filter(ok__isnull=True).order_by("requested_at")[:1]:
        report = verify_database()
        Verification.objects.filter(pk=request.pk).update(
            ok=report.ok,
            size=report.entries,
            checkpoints=report.checkpoints,
            message=report.problem,
            finished_at=timezone.now(),
        )
        log.info("ledger verification %s: %s", request.pk, "ok" if report.ok else report.problem)


def run_forever(*, once: bool = False) -> None:
    from homeward.exchanges.runs import carry_out, claim_next_plan

    from .importing import claim_next_job, run_import_job

    last_checkpoint = 0.0
    while True:
        close_old_connections()
        try:
            job = claim_next_job()
            if job is not None:
                log.info("import %s started", job.uuid)
                result = run_import_job(job)
                log.info(
                    "import %s finished: %s rows, %s created, %s problems",
                    job.uuid,
                    result.rows,
                    result.created,
                    result.error_count,
                )
            plan_run = claim_next_plan()
            if plan_run is not None:
                log.info("plan %s started", plan_run.uuid)
                plan_run = carry_out(plan_run)
                log.info("plan %s %s", plan_run.uuid, plan_run.status)
            if time.monotonic() - last_checkpoint > CHECKPOINT_SECONDS:
                _checkpoint()
                last_checkpoint = time.monotonic()
        except Exception:
            log.exception("background work failed; carrying on")
            job = plan_run = None
        if once and job is None and plan_run is None:
            return
        if job is None and plan_run is None:
            time.sleep(POLL_SECONDS)
