"""Imports as background work: a page or API upload is queued (`queue_import`: rights and
options checked, the file kept in an ImportJob row, a ledger entry, the task queued in the same
transaction) and the worker runs it (`run_import`), writing progress to the job row as it goes,
so the import page can follow it.

Whatever happens, the job ends `done` or `failed` with its errors on the row, which is what its
owner sees (page and API): bad rows are named by line; anything unexpected (a database refusing
a value, a broken file the reader did not expect, a bug) is reported as the file's error, and
nothing is imported, since the import writes everything or nothing in one transaction. A job
whose worker died is run again by the next worker, then given up on (queue.MAX_ATTEMPTS).
"""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.tasks import TaskContext, task
from django.utils import timezone

from homeward.accounts.models import Party, User
from homeward.ledger.actions import append
from homeward.lib.errors import DomainError, ValidationFailed
from homeward.worker.failures import log_failure, summary
from homeward.worker.queue import MAX_ATTEMPTS, enqueue

from .importing import ImportResult, check_import_rights, import_person_list, refuse_oversize
from .models import ImportJob, ImportStatus, SourceKind

log = logging.getLogger("homeward.worker")


@transaction.atomic
def queue_import(
    *,
    actor: User,
    file_name: str,
    content: bytes,
    source_kind: str,
    party: Party,
    dry_run: bool = False,
) -> ImportJob:
    check_import_rights(actor, party, party)
    if source_kind not in SourceKind.values:
        raise ValidationFailed(
            "Unknown source kind.",
            detail={"fields": {"source_kind": "must be one of: " + ", ".join(SourceKind.values)}},
        )
    if not content:
        raise ValidationFailed("The file is empty.", detail={"fields": {"file": "is empty"}})
    refuse_oversize(len(content))
    job = ImportJob.objects.create(
        file_name=file_name[:255],
        content=content,
        file_sha256=hashlib.sha256(content).hexdigest(),
        source_kind=source_kind,
        party=party,
        dry_run=dry_run,
        created_by=actor,
    )
    append(
        actor=actor,
        action="import.queued",
        object_type="import",
        object_id=job.uuid,
        data={"file_sha256": job.file_sha256, "party": party.code, "dry_run": dry_run},
    )
    enqueue(run_import, str(job.uuid))
    return job


@task(takes_context=True)
def run_import(context: TaskContext, job_uuid: str) -> dict | None:
    """The worker's side of `queue_import`. Should anything escape (the database gone while
    recording the outcome), the job is still marked failed before the task is."""
    try:
        return run_queued_import(job_uuid, attempt=context.attempt)
    except BaseException as exc:
        log_failure(log, "import", job_uuid, exc)
        _finish_failed(
            job_uuid, f"The import failed unexpectedly ({summary(exc)}); nothing was imported."
        )
        raise


def run_queued_import(job_uuid: str, *, attempt: int = 1) -> dict | None:
    """Runs the queued job once: a job already taken (by another worker, or a second delivery
    of its task) is left alone, unless this is the retry of a lost attempt."""
    job = ImportJob.objects.filter(uuid=job_uuid).first()
    if job is None:
        return None
    if attempt > MAX_ATTEMPTS:
        _finish_failed(
            job_uuid,
            f"The worker stopped {attempt - 1} times while importing this file (out of memory, "
            "or killed); nothing was imported. Try a smaller file, or ask the operator.",
        )
        return None
    # A first attempt takes a queued job only; a retry also takes the one its lost worker left
    # running (that worker's transaction died with it: nothing of it was written).
    takes = [ImportStatus.QUEUED] if attempt == 1 else [ImportStatus.QUEUED, ImportStatus.RUNNING]
    if not ImportJob.objects.filter(pk=job.pk, status__in=takes).update(
        status=ImportStatus.RUNNING, done_rows=0
    ):
        return None
    result = run_import_job(job)
    return {"rows": result.rows, "created": result.created, "problems": result.error_count}


def run_import_job(job: ImportJob) -> ImportResult:
    """Imports the job's file, writing progress and then the outcome to the job row. Never
    raises for the import's own failures (they are the job's result); see the module's note."""

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(done_rows=done, total_rows=total)

    log.info("import %s started", job.uuid)
    try:
        result = import_person_list(
            actor=job.created_by,
            content=bytes(job.content),
            file_name=job.file_name,
            source_kind=job.source_kind,
            party=job.party,
            dry_run=job.dry_run,
            progress=progress,
        )
    except DomainError as exc:
        result = _file_error(exc.message)
    except Exception as exc:
        log_failure(log, "import", job.uuid, exc)
        result = _file_error(
            f"The import failed unexpectedly ({summary(exc)}); nothing was imported."
        )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE if result.ok else ImportStatus.FAILED,
        errors=result.errors,
        created_count=result.created,
        total_rows=result.rows,
        done_rows=result.rows,
        source=result.source,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    log.info(
        "import %s %s: %s rows, %s created, %s problems",
        job.uuid,
        job.status,
        result.rows,
        result.created,
        result.error_count,
    )
    return result


def _file_error(message: str) -> ImportResult:
    return ImportResult(errors=[{"line": None, "field": "file", "message": message}], error_count=1)


def _finish_failed(job_uuid: str, message: str) -> None:
    """Fails a job not finished yet (a finished one keeps its outcome)."""
    ImportJob.objects.filter(
        uuid=job_uuid, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
    ).update(
        status=ImportStatus.FAILED,
        errors=[{"line": None, "field": "file", "message": message}],
        finished_at=timezone.now(),
    )
