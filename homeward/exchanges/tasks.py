"""Planner runs, the worker's side (homeward/exchanges/runs.py queues them).

`carry_out_plan` takes a queued run (a conditional UPDATE from queued to running, so a second
delivery of the task does nothing), carries it out writing its stage and percentage, and ends
it `done` with its result or `failed` with an error the plan page and the API show: a refusal
names the field, anything unexpected says so. A run whose worker died is run again by the next
worker, then given up on (homeward.worker.queue.MAX_ATTEMPTS). A run made on the command line
(`runs.run_plan`) is no task: if that process dies, the run is failed once it has said nothing
for STALE_AFTER, the next time any plan starts.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.tasks import TaskContext, task
from django.utils import timezone

from homeward.ledger.actions import append
from homeward.lib.errors import DomainError
from homeward.worker.failures import log_failure, summary
from homeward.worker.queue import MAX_ATTEMPTS

from .models import PlanRun, PlanStage, PlanStatus
from .planner import Progress, plan

log = logging.getLogger("homeward.worker")

# A run whose process has said nothing for this long is taken for dead (a plan at 10,000
# persons per side reports every few seconds; see benchmarks/exchanges/RESULTS.md).
STALE_AFTER = dt.timedelta(minutes=10)
LOST_MESSAGE = "The worker stopped while carrying out this plan. Run the planner again."


@task(takes_context=True)
def carry_out_plan(context: TaskContext, run_uuid: str) -> str | None:
    """The worker's side of `runs.queue_plan`; returns the run's final status. Should anything
    escape, the run is still marked failed before the task is."""
    try:
        run = take(run_uuid, attempt=context.attempt)
        return carry_out(run).status if run is not None else None
    except BaseException as exc:
        log_failure(log, "plan", run_uuid, exc)
        run = PlanRun.objects.filter(
            uuid=run_uuid, status__in=[PlanStatus.QUEUED, PlanStatus.RUNNING]
        ).first()
        if run is not None:
            _finish_failed(run, code="internal", message=f"The planner failed ({summary(exc)}).")
        raise


def take(run_uuid: str, *, attempt: int = 1) -> PlanRun | None:
    """Marks a queued run running and returns it; None when it is not this attempt's to run
    (taken already, finished, or given up on after its worker died MAX_ATTEMPTS times)."""
    fail_silent_runs()
    run = PlanRun.objects.filter(uuid=run_uuid).select_related("negotiation", "created_by").first()
    if run is None:
        return None
    if attempt > MAX_ATTEMPTS:
        if run.status in (PlanStatus.QUEUED, PlanStatus.RUNNING):
            _finish_failed(run, code="worker_lost", message=LOST_MESSAGE)
        return None
    # A retry also takes the run its lost worker left running: nothing of that attempt was
    # kept (the result is written in one transaction at the end).
    takes = [PlanStatus.QUEUED] if attempt == 1 else [PlanStatus.QUEUED, PlanStatus.RUNNING]
    now = timezone.now()
    if not PlanRun.objects.filter(pk=run.pk, status__in=takes).update(
        status=PlanStatus.RUNNING, started_at=now, heartbeat_at=now
    ):
        return None
    run.refresh_from_db()
    return run


def fail_silent_runs() -> None:
    """Fails the runs whose process went silent (see the module's note)."""
    for stale in PlanRun.objects.filter(
        status=PlanStatus.RUNNING, heartbeat_at__lt=timezone.now() - STALE_AFTER
    ).select_related("negotiation", "created_by"):
        _finish_failed(stale, code="worker_lost", message=LOST_MESSAGE)


def carry_out(run: PlanRun, *, progress: Progress | None = None) -> PlanRun:
    """Runs a claimed plan and keeps its result; a refusal (e.g. no feasible plan) or a crash
    marks the run failed with a message the page shows. Never raises for the plan's own
    errors: the worker goes on to the next piece of work."""

    def report(stage: str, percent: int) -> None:
        PlanRun.objects.filter(pk=run.pk).update(
            stage=stage, percent=percent, heartbeat_at=timezone.now()
        )
        if progress is not None:
            progress(stage, percent)

    options = run.options
    try:
        result = plan(
            run.negotiation,
            size=options.get("size"),
            all_for_all=bool(options.get("all_for_all")),
            balance=options.get("balance") or [],
            progress=report,
        )
        with transaction.atomic():
            run.result = result.as_json()
            run.status = PlanStatus.DONE
            run.stage = PlanStage.SAVING
            run.percent = 100
            run.error = {}
            run.finished_at = run.heartbeat_at = timezone.now()
            run.save(
                update_fields=[
                    "result",
                    "status",
                    "stage",
                    "percent",
                    "error",
                    "finished_at",
                    "heartbeat_at",
                ]
            )
            append(
                actor=run.created_by,
                action="plan.run",
                object_type="negotiation",
                object_id=run.negotiation.uuid,
                data={
                    "plan": str(run.uuid),
                    "options": options,
                    "gives": {code: s["gives"] for code, s in run.result["sides"].items()},
                    "undone": result.undone,
                },
            )
    except DomainError as exc:
        _finish_failed(
            run,
            code=exc.code,
            message=exc.message,
            fields=(exc.detail or {}).get("fields", {}),
        )
    except Exception as exc:
        log_failure(log, "plan", run.uuid, exc)
        _finish_failed(
            run,
            code="internal",
            message="The planner failed unexpectedly; the worker's log has the details.",
        )
    run.refresh_from_db()
    return run


@transaction.atomic
def _finish_failed(run: PlanRun, *, code: str, message: str, fields: dict | None = None) -> None:
    error = {"code": code, "message": message, "fields": fields or {}}
    PlanRun.objects.filter(pk=run.pk).update(
        status=PlanStatus.FAILED, error=error, finished_at=timezone.now()
    )
    append(
        actor=run.created_by,
        action="plan.failed",
        object_type="negotiation",
        object_id=run.negotiation.uuid,
        data={"plan": str(run.uuid), "code": code},
    )
