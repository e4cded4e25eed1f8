from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from homeward.lib.dates import PartialDateField


class SourceKind(models.TextChoices):
    NOTIFICATION = "notification", _("Capture notification")
    LIST = "list", _("Published list")
    INTERVIEW = "interview", _("Interview")
    INQUIRY = "inquiry", _("Family inquiry")
    VISIT = "visit", _("Visit")
    MEDIA = "media", _("Media report")


class SourceReliability(models.TextChoices):
    """Admiralty scale, the source's reliability (A–F)."""

    A = "A", _("A — completely reliable")
    B = "B", _("B — usually reliable")
    C = "C", _("C — fairly reliable")
    D = "D", _("D — not usually reliable")
    E = "E", _("E — unreliable")
    F = "F", _("F — reliability cannot be judged")


class InformationCredibility(models.TextChoices):
    """Admiralty scale, the information's credibility (1–6)."""

    ONE = "1", _("1 — confirmed by other sources")
    TWO = "2", _("2 — probably true")
    THREE = "3", _("3 — possibly true")
    FOUR = "4", _("4 — doubtful")
    FIVE = "5", _("5 — improbable")
    SIX = "6", _("6 — truth cannot be judged")


class Source(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=SourceKind.choices)
    title = models.CharField(max_length=300)
    party = models.ForeignKey(
        "accounts.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="sources"
    )
    date = PartialDateField(null=True, blank=True)
    reliability = models.CharField(max_length=1, choices=SourceReliability.choices, default="F")
    credibility = models.CharField(
        max_length=1, choices=InformationCredibility.choices, default="6"
    )
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:source", args=[self.uuid])

    @property
    def grade(self) -> str:
        return f"{self.reliability}{self.credibility}"


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Unknown")


class Category(models.TextChoices):
    MILITARY = "military", _("Military")
    CIVILIAN = "civilian", _("Civilian")
    MEDICAL = "medical", _("Medical personnel")
    RELIGIOUS = "religious", _("Religious personnel")


class Script(models.TextChoices):
    UKRAINIAN = "uk", _("Ukrainian Cyrillic")
    RUSSIAN = "ru", _("Russian Cyrillic")
    CYRILLIC = "cyrl", _("Cyrillic")
    LATIN = "latn", _("Latin")
    OTHER = "other", _("Other")


class Person(models.Model):
    """Someone registered. Never deleted: merged (with a trace) or anonymised."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The name as first registered, in its original script; every other spelling is a PersonName.
    family_name = models.CharField(max_length=200)
    given_name = models.CharField(max_length=200, blank=True)
    patronymic = models.CharField(max_length=200, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = PartialDateField(null=True, blank=True)
    birth_place = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.MILITARY)
    service_number = models.CharField(max_length=60, blank=True)
    rank = models.CharField(max_length=100, blank=True)
    unit = models.CharField(max_length=200, blank=True)
    home_party = models.ForeignKey(
        "accounts.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="nationals"
    )
    # GC III Art. 122 particulars.
    father_name = models.CharField(max_length=200, blank=True)
    mother_maiden_name = models.CharField(max_length=200, blank=True)
    person_to_inform = models.TextField(blank=True)
    wounded = models.BooleanField(default=False)
    # Indexed only where set (Meta): nearly every person has none, and an import writes none.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        db_index=False,
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    external_ids = models.JSONField(default=dict, blank=True, help_text="Ids given by sources")
    created_at = models.DateTimeField(auto_now_add=True)
    # No index of its own: nothing looks persons up by who registered them, and each index is
    # upkeep for every imported row (benchmarks/registry, issue 21).
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        indexes = [
            # The list page's default order and its "registered since" filter.
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["created_at"]),
            # Filters on the list page.
            models.Index(fields=["category"]),
            models.Index(fields=["birth_date"]),
            # Who was merged into a person (merged_from).
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="registry_person_merged_into",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("web:person", args=[self.uuid])

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.given_name, self.patronymic) if p)


class PersonName(models.Model):
    """One spelling of a person's name as some source wrote it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="names")
    family_name = models.CharField(max_length=200)
    given_name = models.CharField(max_length=200, blank=True)
    patronymic = models.CharField(max_length=200, blank=True)
    script = models.CharField(max_length=8, choices=Script.choices)
    is_primary = models.BooleanField(default=False)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return " ".join(p for p in (self.family_name, self.given_name, self.patronymic) if p)


class NameKey(models.Model):
    """Search keys: one row per name token per spelling, in a script-free normal form.

    A query in any script is reduced to the same form, so "Петренко", "Petrenko" and "Petrenco"
    meet here. Rows are derived from PersonName and rebuilt by `homeward reindex`.
    """

    # Looked up by person through the unique (person, key) below, which leads with it.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=64)

    class Meta:
        indexes = [
            # Serves prefix search: WHERE key >= 'petrenk' AND key < 'petrenl'.
            models.Index(fields=["key", "person"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="registry_namekey_unique")
        ]

    def __str__(self) -> str:
        return self.key


class Nationality(models.Model):
    # Looked up by person through the unique (person, country) below, which leads with it.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="nationalities", db_index=False
    )
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "country"], name="registry_nationality_unique"
            )
        ]
        # The nationality filter: WHERE country = 'UZ'.
        indexes = [models.Index(fields=["country", "person"])]

    def __str__(self) -> str:
        return self.country


class Detention(models.Model):
    """One period in the hands of a detaining party, from capture (or transfer in) on."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="detentions")
    # Looked up by party through the (detaining_party, person) index below, which leads with it.
    detaining_party = models.ForeignKey(
        "accounts.Party", on_delete=models.PROTECT, related_name="detentions", db_index=False
    )
    captured_on = PartialDateField(null=True, blank=True)
    capture_place = models.CharField(max_length=200, blank=True)
    internment_place = models.CharField(max_length=200, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # Scope of a bureau officer and the detaining-party filter.
            models.Index(fields=["detaining_party", "person"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} held by {self.detaining_party_id}"


class StatusKind(models.TextChoices):
    REPORTED_CAPTURED = "reported_captured", _("Reported captured")
    NOTIFIED = "notified", _("Notified")
    VISITED = "visited", _("Visited")
    HOSPITALISED = "hospitalised", _("Hospitalised")
    TRANSFERRED = "transferred", _("Transferred")
    LISTED_FOR_EXCHANGE = "listed_for_exchange", _("Listed for exchange")
    EXCHANGED = "exchanged", _("Exchanged")
    REPATRIATED = "repatriated", _("Repatriated (wounded or sick)")
    RELEASED = "released", _("Released")
    REFUSED_VERIFIED = "refused_verified", _("Refused repatriation (verified)")
    REFUSED_UNVERIFIED = "refused_unverified", _("Refused repatriation (unverified)")
    JOINED_FORCES = "joined_forces", _("Joined the detaining party's forces (as claimed)")
    DIED = "died", _("Died")
    ESCAPED = "escaped", _("Escaped")


# Statuses that end captivity; a later capture opens a new detention.
FINAL_STATUSES = {
    StatusKind.EXCHANGED,
    StatusKind.REPATRIATED,
    StatusKind.RELEASED,
    StatusKind.DIED,
    StatusKind.ESCAPED,
}


class StatusEvent(models.Model):
    """An append-only fact about a person at a date, from a source.

    A correction is a new event with `supersedes` set; the old one stays, marked superseded by
    the existence of its successor. The current status is derived (see registry.selectors).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Looked up by person through the (person, date, recorded_at) index below.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="status_events", db_index=False
    )
    kind = models.CharField(max_length=24, choices=StatusKind.choices)
    date = PartialDateField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="status_events")
    party = models.ForeignKey(
        "accounts.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The party concerned: the new detaining party of a transfer, the party visited, …",
    )
    place = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    # No index of its own, like Person.created_by: nothing looks events up by who recorded them.
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The timeline and the derived current status: latest event per person.
            models.Index(fields=["person", "date", "recorded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.date}"


class PersonNote(models.Model):
    """A party's internal note on a person: visible to that party and the intermediary only."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="notes")
    party = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"note on {self.person_id}"


class Merge(models.Model):
    """A caseworker's decision that two records are one person. Reversible: undoing keeps the row."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_absorbed")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_into")
    reason = models.TextField()
    merged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"merge {self.merged_id} into {self.survivor_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Rejected")


class ImportJob(models.Model):
    """An uploaded person list waiting for, or done by, the background worker."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    file_sha256 = models.CharField(max_length=64)
    source_kind = models.CharField(max_length=16, choices=SourceKind.choices)
    party = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+")
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The worker's poll: WHERE status = 'queued' ORDER BY created_at.
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"import {self.file_name} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.done_rows / self.total_rows) if self.total_rows else 0
