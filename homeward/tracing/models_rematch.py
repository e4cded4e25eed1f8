"""One run of the worker's matching after persons entered the register (issue 16, item 3).

Imported at the end of tracing/models.py so that Django registers it with the tracing app. The
row is what its owner sees while the worker runs: status, the step it is at, the counts, and the
error when it failed. The persons it matches are stored with it (their database ids), so a run
can be carried out, or retried, from the row alone.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RematchTrigger(models.TextChoices):
    IMPORT = "import", _("A person list was imported")
    NOTIFICATION = "notification", _("A capture was notified")
    MERGE = "merge", _("Two records were merged")
    MANUAL = "manual", _("Started by hand")


class RematchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RematchRun(models.Model):
    """Matching of newly registered persons against every open inquiry and the register."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trigger = models.CharField(max_length=12, choices=RematchTrigger.choices)
    # Database ids of the persons that entered the register (at most an import's rows).
    person_ids = models.JSONField(default=list)
    status = models.CharField(
        max_length=8, choices=RematchStatus.choices, default=RematchStatus.QUEUED
    )
    # The step the worker is at, in words without personal data ("scoring candidate pairs…").
    progress = models.CharField(max_length=200, blank=True)
    inquiries = models.PositiveIntegerField(default=0, help_text="Open inquiries matched against")
    pairs = models.PositiveIntegerField(default=0, help_text="Inquiry ↔ person pairs found")
    queued = models.PositiveIntegerField(default=0, help_text="New inquiry candidates queued")
    duplicate_pairs = models.PositiveIntegerField(default=0)
    duplicates_queued = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The owner's latest runs, newest first.
            models.Index(fields=["created_by", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"rematch {self.uuid} ({self.status})"

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
