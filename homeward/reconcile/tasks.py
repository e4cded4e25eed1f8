"""Background work of the reconciliation (django.tasks; `homeward worker` runs it)."""

from __future__ import annotations

from django.tasks import task

from .models import ReconciliationRun


@task
def reconcile_list(run_uuid: str) -> str:
    """Carries out one queued run; its status, progress and error live on the run row."""
    from .runs import carry_out

    run = ReconciliationRun.objects.filter(uuid=run_uuid).first()
    if run is None:
        return "gone"
    return carry_out(run).status
