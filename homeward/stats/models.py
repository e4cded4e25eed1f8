import uuid

from django.db import models


class Snapshot(models.Model):
    """The suppressed figures as of a month's end, frozen when first asked for.

    Roles without personal data only ever see a snapshot: two readers on different days of a month
    get the same bytes, and an event recorded later with an earlier date does not change a figure
    already shown (that difference would reveal it). Hidden cells are not stored at all.
    """

    as_of = models.DateField()
    year = models.PositiveSmallIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One frozen answer per (date, year of the flows): the dashboard's lookup.
            models.UniqueConstraint(fields=["as_of", "year"], name="stats_snapshot_once")
        ]

    def __str__(self) -> str:
        return f"figures as of {self.as_of} ({self.year})"


class Release(models.Model):
    """A published figures export: its exact bytes and their SHA-256, entered in the ledger."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    as_of = models.DateField()
    year = models.PositiveSmallIntegerField()
    csv = models.TextField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"release {self.sha256[:12]} as of {self.as_of}"
