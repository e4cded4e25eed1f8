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


class PersonFact(models.Model):
    """What the figures need to know about one person (not merged away), derived from the register
    by facts.py: kept current through a queue the database's own triggers fill (see facts.py), so
    that the dashboard's first paint after a write is a few GROUP BYs over these rows instead of a
    pass over every status event. Not personal data beyond what the register holds; never shown."""

    person_id = models.BigIntegerField(primary_key=True)
    # The latest detention's party code, or "—"; the first foreign nationality, if any (null).
    holder = models.CharField(max_length=16)
    category = models.CharField(max_length=8)  # soldier / civilian / foreign
    country = models.CharField(max_length=2, null=True)  # noqa: DJ001 (null: none)
    registered_on = models.DateField()
    # The latest non-superseded status event: its kind and its date as stored (partial ISO text).
    status = models.CharField(max_length=24, null=True)  # noqa: DJ001 (null: no event)
    # Not indexed: the figures scan these rows whole; an index on it made SQLite fetch 200,000
    # rows one by one through it.
    last_date = models.CharField(max_length=10, null=True)  # noqa: DJ001
    first_date = models.CharField(max_length=10, null=True, db_index=True)  # noqa: DJ001
    refusal = models.CharField(max_length=24, null=True)  # noqa: DJ001
    # Captivity: the last capture's day and the day it ended, as proleptic ordinals (date.toordinal)
    # so that a duration is a subtraction in any database.
    captured_day = models.IntegerField(null=True)
    ended_day = models.IntegerField(null=True)

    def __str__(self) -> str:
        return f"facts of person {self.person_id}"


class EventFact(models.Model):
    """A status event that counts in a figure: a flow (captured, exchanged, released, died) or a
    `joined_forces`, with the person's holder and category copied in so that a figure is one GROUP BY.
    Whether an event is a flow depends only on the events before it, so a row holds as of any date
    on or after its own."""

    person_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=12)
    date = models.CharField(max_length=10)
    month = models.CharField(max_length=7)  # "YYYY-MM", or "" for a date known to the year only
    grade = models.CharField(max_length=1, blank=True)
    holder = models.CharField(max_length=16)
    category = models.CharField(max_length=8)

    class Meta:
        indexes = [models.Index(fields=["kind", "month"], name="stats_eventfact_kind_month")]

    def __str__(self) -> str:
        return f"{self.kind} {self.date}"


class StateFact(models.Model):
    """A person's facts right after one of their events that is not their last, valid until the
    next one's date: for a date before a person's last event (a past period), the row with
    `date <= end < next_date` is that person's state then, found by an index range on next_date
    instead of walking their events again."""

    person_id = models.BigIntegerField(db_index=True)
    date = models.CharField(max_length=10)
    next_date = models.CharField(max_length=10, db_index=True)
    status = models.CharField(max_length=24)
    refusal = models.CharField(max_length=24, null=True)  # noqa: DJ001
    captured_day = models.IntegerField(null=True)
    ended_day = models.IntegerField(null=True)
    holder = models.CharField(max_length=16)
    category = models.CharField(max_length=8)
    country = models.CharField(max_length=2, null=True)  # noqa: DJ001

    def __str__(self) -> str:
        return f"state from {self.date}"


class DirtyPerson(models.Model):
    """Persons whose facts are out of date. Filled by triggers on the register's tables in the
    writer's own transaction (every path: actions, imports, merges, bulk inserts, SQL); emptied
    by facts.refresh before the figures are read. A null person means "everyone"."""

    person_id = models.BigIntegerField(null=True, db_index=True)

    def __str__(self) -> str:
        return f"dirty {self.person_id}"


class RefreshLock(models.Model):
    """One row, updated first by facts.refresh so that two refreshes run one after the other."""

    runs = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"refreshes: {self.runs}"


class KeptCounts(models.Model):
    """The caseworker's counts for one period (figures.counts), as of `runs` refreshes of the
    facts. Every refresh moves the rows it finds current by the persons it re-derives, in its
    own transaction (kept.py), so a first paint in any process reads them instead of counting
    200,000 facts afresh. A few rows at most: the default period and the latest periods asked."""

    key = models.CharField(max_length=40, unique=True)  # "as_of:first:last"
    runs = models.BigIntegerField()
    is_default = models.BooleanField(default=False)
    data = models.JSONField()
    stored_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"counts {self.key} at {self.runs}"
