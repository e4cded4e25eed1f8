"""Reports (media sources) and the figures they state (claims), proposed by the extractor and
confirmed, corrected or rejected by an analyst. Only confirmed claims count anywhere."""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    EN = "en", _("English")
    UK = "uk", _("Ukrainian")
    RU = "ru", _("Russian")


class Counts(models.TextChoices):
    HELD = "held", _("Held")
    FOREIGNERS_HELD = "foreigners_held", _("Foreign nationals held")
    EXCHANGED = "exchanged", _("Exchanged")
    REMOVED_FROM_LISTS = "removed_from_lists", _("Removed from exchange lists")
    NOT_ACCEPTED = "not_accepted", _("Not taken back by their own side")
    REFUSED_REPATRIATION = "refused_repatriation", _("Refused repatriation")
    JOINED_FORCES = "joined_forces", _("Joined the detaining party's forces")
    DIED = "died", _("Died")
    MISSING = "missing", _("Missing")


class ClaimKind(models.TextChoices):
    COUNT = "count", _("Count")
    SHARE = "share", _("Share")


class PopulationCategory(models.TextChoices):
    SOLDIERS = "soldiers", _("Soldiers")
    CIVILIANS = "civilians", _("Civilians")
    FOREIGN_NATIONALS = "foreign_nationals", _("Foreign nationals")


class ClaimStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class Report(models.Model):
    """A published report: its text as received, hashed, and the registry Source it is."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.OneToOneField(
        "registry.Source", on_delete=models.PROTECT, related_name="report"
    )
    title = models.CharField(max_length=300)
    outlet = models.CharField(max_length=200)
    url = models.URLField(max_length=1000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices)
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("claims:report", args=[self.uuid])


class Claim(models.Model):
    """A figure a report states: what it counts, as an interval, about whom, as of when, who
    says it. `low`/`high` null means open on that side; a share is 0–1."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="claims")
    counts = models.CharField(max_length=24, choices=Counts.choices)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    kind = models.CharField(max_length=8, choices=ClaimKind.choices, default=ClaimKind.COUNT)
    held_by = models.ForeignKey(
        "accounts.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    of_party = models.ForeignKey(
        "accounts.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.CharField(max_length=20, choices=PopulationCategory.choices, blank=True)
    refers_to = models.DateField(null=True, blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    side = models.ForeignKey(
        "accounts.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quote = models.TextField()
    figure = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PROPOSED
    )
    # What the extractor proposed, kept when an analyst corrects it (the dev set learns from it).
    proposed = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "id"]
        indexes = [
            # The figures page: confirmed claims grouped by population, in date order.
            models.Index(fields=["status", "counts", "refers_to"]),
        ]

    def __str__(self) -> str:
        return f"{self.counts} {self.interval_text}"

    @property
    def interval_text(self) -> str:
        return interval_text(self.low, self.high, self.kind)

    @property
    def population_key(self) -> str:
        return population_key(
            self.counts,
            self.held_by.code if self.held_by else "",
            self.of_party.code if self.of_party else "",
            self.category,
        )


def _fmt(v: float, kind: str) -> str:
    if kind == ClaimKind.SHARE:
        return f"{v * 100:g} %"
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,}"


def interval_text(low: float | None, high: float | None, kind: str) -> str:
    if low is not None and high is not None:
        return _fmt(low, kind) if low == high else f"{_fmt(low, kind)}–{_fmt(high, kind)}"
    if low is not None:
        return f"≥ {_fmt(low, kind)}"
    if high is not None:
        return f"≤ {_fmt(high, kind)}"
    return "?"


def population_key(counts: str, held_by: str, of_party: str, category: str) -> str:
    """A population in a URL: counts.held_by.of_party, '-' for any. The category (soldiers,
    civilians, foreign nationals) is shown per claim but does not split a population: reports
    name the same persons "soldiers" in one sentence and "prisoners" in the next."""
    return ".".join([counts, held_by or "-", of_party or "-"])
