"""Planner runs as background work (docs/design.md: nothing long runs inside a web request).

The page and the API queue a run (`queue_plan`: options checked, rights checked, a ledger
entry, the task queued in the same transaction); the worker (`homeward worker`, or the thread
`homeward serve` starts) carries it out (homeward/exchanges/tasks.py), writing its stage and
percentage as it goes, so the plan page can follow it with htmx polling. The command line runs
the same code in its own process (`run_plan`) and prints the progress on the terminal.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from homeward.accounts.access import require_role
from homeward.accounts.models import Role, User
from homeward.ledger.actions import append
from homeward.worker.queue import enqueue

from .actions import _may_act_in
from .models import Negotiation, PlanRun, PlanStatus
from .planner import Progress, check_options
from .tasks import carry_out, carry_out_plan


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
    if not in_process:
        enqueue(carry_out_plan, str(run.uuid))
    return run


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
