"""Published lists reconciled against the register (issue 18).

A published list is a registry Source (kind `list`) with its file's SHA-256; each of its rows is a
ListedEntry of that list, never a person. A ReconciliationRun matches the whole list against the
register once and writes one EntryOutcome per row, all in one transaction at its end, so a run is
either complete or has written nothing. Runs are kept: the next run of the same list is compared
with the previous one ("what changed since").
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PublishedList(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.OneToOneField(
        "registry.Source", on_delete=models.PROTECT, related_name="published_list"
    )
    url = models.URLField(max_length=500, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.source.title

    def get_absolute_url(self) -> str:
        return reverse("reconcile:list", args=[self.uuid])

    @property
    def title(self) -> str:
        return self.source.title


class ListedEntry(models.Model):
    """One row of a published list, as published: the name and birth date as written."""

    published_list = models.ForeignKey(
        PublishedList, on_delete=models.PROTECT, related_name="entries"
    )
    line = models.PositiveIntegerField()
    external_id = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=600, help_text="The name as the list writes it")
    birth_date = models.CharField(max_length=40, blank=True, help_text="As the list writes it")
    values = models.JSONField(default=dict, help_text="The row's columns (DESIGN §7 names)")
    # Set when a caseworker registered this unknown row as "reported captured" from the list.
    registered_person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        # The list's rows in file order; the unique pair also refuses a row written twice.
        constraints = [
            models.UniqueConstraint(
                fields=["published_list", "line"], name="reconcile_entry_line_unique"
            )
        ]

    def __str__(self) -> str:
        return f"line {self.line}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


class ReconciliationRun(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    published_list = models.ForeignKey(PublishedList, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    error = models.JSONField(default=dict, blank=True)
    register_size = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # "A reconciliation started twice at once": the second one is refused by the
            # database itself, whatever race the two requests ran.
            models.UniqueConstraint(
                fields=["published_list"],
                condition=Q(status__in=["queued", "running"]),
                name="reconcile_one_active_run_per_list",
            )
        ]
        # The list page's latest run: WHERE published_list_id = … ORDER BY created_at DESC.
        indexes = [models.Index(fields=["published_list", "created_at"])]

    def __str__(self) -> str:
        return f"run {self.uuid} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("reconcile:run", args=[self.uuid])

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class Outcome(models.TextChoices):
    MATCHED = "matched", _("In the register")
    POSSIBLE = "possible", _("Possible match, for review")
    UNKNOWN = "unknown", _("Not in the register")
    DUPLICATE = "duplicate", _("Listed twice")


class EntryOutcome(models.Model):
    """Where one row landed in one run, with what the register said of the person then."""

    run = models.ForeignKey(ReconciliationRun, on_delete=models.PROTECT, related_name="outcomes")
    entry = models.ForeignKey(ListedEntry, on_delete=models.PROTECT, related_name="outcomes")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(null=True, blank=True)
    explanation = models.TextField(blank=True)
    # Possible matches: [{"person": uuid, "score": p, "explanation": "…"}], best first.
    candidates = models.JSONField(default=list, blank=True)
    duplicate_of = models.ForeignKey(
        ListedEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The matched person's current status and detaining party when the run wrote this row, so a
    # later run (or another list) can say who changed status.
    status = models.CharField(max_length=24, blank=True)
    detaining_party = models.CharField(max_length=16, blank=True)
    by_review = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "entry"], name="reconcile_outcome_unique")
        ]
        # The report's figures and the names behind each: WHERE run_id = … AND outcome = ….
        indexes = [models.Index(fields=["run", "outcome"])]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.outcome}"


class Verdict(models.TextChoices):
    SAME = "same", _("Same person")
    DIFFERENT = "different", _("Different person")


class ReviewDecision(models.Model):
    """A caseworker's verdict on a possible match of a listed row to a person. Kept for ever and
    applied by every later run of the list (a "different" candidate is never proposed again)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(ListedEntry, on_delete=models.PROTECT, related_name="decisions")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        # A later run's lookup of a list's decisions: WHERE entry_id IN (…).
        indexes = [models.Index(fields=["entry", "person"])]

    def __str__(self) -> str:
        return f"{self.entry_id} ~ {self.person_id}: {self.verdict}"
