"""Planner runs as background work (DESIGN §4: nothing long runs inside a web request).

The page and the API queue a run (`queue_plan`: options checked, rights checked, a ledger
entry); the worker (`homeward worker`, or the thread `homeward serve` starts) claims it
(`claim_next_plan`) and carries it out (`carry_out`), writing its stage and percentage as it
goes, so the plan page can follow it with htmx polling. The command line runs the same code in
its own process (`run_plan`) and prints the progress on the terminal.

Races: two workers never take the same run (the claim is a conditional UPDATE). A worker that
dies mid-run leaves the run "running" with a stale heartbeat; the next claim marks it failed
with a message saying so, rather than leaving the page spinning for ever.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from homeward.accounts.access import require_role
from homeward.accounts.models import Role, User
from homeward.ledger.actions import append
from homeward.lib.errors import DomainError

from .actions import _may_act_in
from .models import Negotiation, PlanRun, PlanStage, PlanStatus
from .planner import Progress, check_options, plan

log = logging.getLogger("homeward.worker")

# A run whose worker has said nothing for this long is taken for dead (a plan at 10,000 persons
# per side reports every few seconds; see benchmarks/exchanges/RESULTS.md).
STALE_AFTER = dt.timedelta(minutes=10)


@transaction.atomic
def queue_plan(
    *,
    actor: User,
    negotiation: Negotiation,
    size: int | None = None,
    all_for_all: bool = False,
    balance: list[str] | tuple[str, ...] = (),
    in_process: bool = False,
) -> PlanRun:
    """A planner run for the worker (the parties, the mediator or a caseworker). Bad options are
    refused here, naming the field, and nothing is queued. With `in_process` the run is created
    as already running, for the caller to carry out itself (the worker never sees it)."""
    require_role(actor, Role.BUREAU_OFFICER, Role.MEDIATOR, Role.CASEWORKER)
    _may_act_in(actor, negotiation)
    options = check_options(size=size, all_for_all=all_for_all, balance=balance)
    now = timezone.now()
    run = PlanRun.objects.create(
        negotiation=negotiation,
        options=options,
        created_by=actor,
        status=PlanStatus.RUNNING if in_process else PlanStatus.QUEUED,
        started_at=now if in_process else None,
        heartbeat_at=now if in_process else None,
    )
    append(
        actor=actor,
        action="plan.queued",
        object_type="negotiation",
        object_id=negotiation.uuid,
        data={"plan": str(run.uuid), "options": options},
    )
    return run


def claim_next_plan() -> PlanRun | None:
    """Atomically takes the oldest queued run; first fails any run whose worker went silent."""
    now = timezone.now()
    for stale in PlanRun.objects.filter(
        status=PlanStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    ):
        _finish_failed(
            stale,
            code="worker_lost",
            message="The worker stopped while carrying out this plan. Run the planner again.",
        )
    for run_id in (
        PlanRun.objects.filter(status=PlanStatus.QUEUED)
        .order_by("created_at")
        .values_list("pk", flat=True)[:5]
    ):
        if PlanRun.objects.filter(pk=run_id, status=PlanStatus.QUEUED).update(
            status=PlanStatus.RUNNING, started_at=now, heartbeat_at=now
        ):
            return PlanRun.objects.select_related("negotiation", "created_by").get(pk=run_id)
    return None


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
    except Exception:
        log.exception("plan %s failed", run.uuid)
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


def run_plan(
    *,
    actor: User,
    negotiation: Negotiation,
    size: int | None = None,
    all_for_all: bool = False,
    balance: list[str] | tuple[str, ...] = (),
    progress: Progress | None = None,
) -> PlanRun:
    """Queues and carries out a run in this process (the command line, tests): the same checks,
    the same record, the same ledger entries as a run the worker carries out."""
    run = queue_plan(
        actor=actor,
        negotiation=negotiation,
        size=size,
        all_for_all=all_for_all,
        balance=balance,
        in_process=True,
    )
    return carry_out(run, progress=progress)
