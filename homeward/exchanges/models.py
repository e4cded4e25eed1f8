"""Negotiations and their exchange lists: every edit is a new immutable version (DESIGN §6)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class NegotiationState(models.TextChoices):
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    CONCLUDED = "concluded", _("Concluded")


class Negotiation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    party_a = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+")
    party_b = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+")
    mediator = models.ForeignKey(
        "accounts.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediated_negotiations",
    )
    state = models.CharField(
        max_length=10, choices=NegotiationState.choices, default=NegotiationState.OPEN
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title

    def parties(self) -> tuple[int, int]:
        return (self.party_a_id, self.party_b_id)


class NegotiationEvent(models.Model):
    """The state history of a negotiation: who opened, paused, resumed or concluded it, and why."""

    negotiation = models.ForeignKey(Negotiation, on_delete=models.PROTECT, related_name="events")
    state = models.CharField(max_length=10, choices=NegotiationState.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.negotiation_id} → {self.state}"


class ExchangeList(models.Model):
    """One party's list in one negotiation: the persons it asks for and the persons it offers."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    negotiation = models.ForeignKey(Negotiation, on_delete=models.PROTECT, related_name="lists")
    party = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "party"], name="exchanges_one_list_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.party_id} list in {self.negotiation_id}"


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    COUNTERED = "countered", _("Countered")
    AGREED = "agreed", _("Agreed")


class ListVersion(models.Model):
    """An immutable version of a list. Editing makes a new version from the latest one; a version
    moves draft → proposed → countered or agreed, and an agreed one is never edited again."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    exchange_list = models.ForeignKey(
        ExchangeList, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=VersionState.choices, default=VersionState.DRAFT
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # SHA-256 over the sorted "person-uuid:side" lines: what the parties sign, and a cheap test
    # of whether two versions hold the same names.
    digest = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["exchange_list", "number"], name="exchanges_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.state == VersionState.AGREED


class VersionEventKind(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    COUNTERED = "countered", _("Countered")
    APPROVED = "approved", _("Approved by one party")
    AGREED = "agreed", _("Agreed")


class VersionEvent(models.Model):
    """The history of a version's state: who proposed, countered, approved or agreed it, when, and
    the note they gave."""

    version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="events")
    state = models.CharField(max_length=10, choices=VersionEventKind.choices)
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.version_id} → {self.state}"


class VersionApproval(models.Model):
    """One party's approval of a proposed version: its Ed25519 signature over the version's
    digest when it has registered a key (verified by the ledger on arrival), otherwise its
    officer's recorded approval. A version with both parties' approvals is agreed."""

    version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="approvals")
    party = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    digest = models.CharField(max_length=64)
    signature = models.TextField(blank=True)
    # The party key the signature verified against on arrival (None: a recorded approval).
    key = models.ForeignKey(
        "ledger.PartyKey", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ledger_seq = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "party"], name="exchanges_approve_once")
        ]

    def __str__(self) -> str:
        return f"{self.party_id} approved {self.version_id}"


class Side(models.TextChoices):
    ASK = "ask", _("Asked for")
    OFFER = "offer", _("Offered")


class ListEntry(models.Model):
    """A person on one version of a list. Versions share nothing: each has all its entries, so a
    diff of two versions is a set difference on indexed rows."""

    version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="list_entries"
    )
    side = models.CharField(max_length=5, choices=Side.choices)

    class Meta:
        constraints = [
            # Also the index of a diff: … WHERE version_id = b AND person_id NOT IN (… version a).
            models.UniqueConstraint(fields=["version", "person"], name="exchanges_entry_once")
        ]
        # A person's path across all versions, and the mediator's scope: WHERE person_id = ….
        indexes = [models.Index(fields=["person", "version"])]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.version_id}"


class Reason(models.TextChoices):
    REQUESTED_BY_FAMILY = "requested_by_family", _("Requested by family")
    WOUNDED_OR_SICK = "wounded_or_sick", _("Wounded or sick")
    LONG_CAPTIVITY = "long_captivity", _("Long captivity")
    CIVILIAN = "civilian", _("Civilian")
    REFUSED_VERIFIED = "refused_verified", _("Refused repatriation — verified")
    REFUSED_UNVERIFIED = "refused_unverified", _("Refused repatriation — unverified")
    DIED = "died", _("Died")
    NOT_HELD = "not_held", _("Not held by this party")
    DUPLICATE = "duplicate", _("Duplicate record")
    EXCHANGED_ALREADY = "exchanged_already", _("Exchanged already")
    WITHDRAWN = "withdrawn", _("Withdrawn by requesting party")
    SUBSTITUTED_BY = "substituted_by", _("Substituted by")
    OTHER = "other", _("Other")


class ChangeKind(models.TextChoices):
    ADDED = "added", _("Added")
    REMOVED = "removed", _("Removed")


class VersionChange(models.Model):
    """Why a person entered or left a list in a version: who, when, the reason, free text, and
    for a substitution, who replaced whom."""

    version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="changes")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="list_changes"
    )
    kind = models.CharField(max_length=8, choices=ChangeKind.choices)
    side = models.CharField(max_length=5, choices=Side.choices)
    reason = models.CharField(max_length=24, choices=Reason.choices)
    text = models.TextField(blank=True)
    substituted_by = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # A person's path: WHERE person_id = … ORDER BY at.
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id} ({self.reason})"


class ExchangeState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    COMPLETED = "completed", _("Completed")


class Exchange(models.Model):
    """A handover of persons on a negotiation's agreed lists: where, when, through whom."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    negotiation = models.ForeignKey(Negotiation, on_delete=models.PROTECT, related_name="exchanges")
    date = models.DateField()
    place = models.CharField(max_length=200)
    mediator = models.ForeignKey(
        "accounts.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    transit_country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    state = models.CharField(
        max_length=10, choices=ExchangeState.choices, default=ExchangeState.PLANNED
    )
    # The protocol of the exchange: the source of every status event its handovers write.
    source = models.ForeignKey(
        "registry.Source", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The agreed versions the exchange carries out.
    versions = models.ManyToManyField(ListVersion, related_name="exchanges")
    counts = models.JSONField(default=dict, blank=True, help_text="Filled when completed")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.place} {self.date}"


class Outcome(models.TextChoices):
    HANDED_OVER = "handed_over", _("Handed over")
    REFUSED_VERIFIED = "refused_verified", _("Refused repatriation (verified in interview)")
    ABSENT = "absent", _("Absent")
    DIED = "died", _("Died")
    WITHHELD = "withheld", _("Withheld")


class Handover(models.Model):
    """What happened to one listed person at an exchange."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    exchange = models.ForeignKey(Exchange, on_delete=models.PROTECT, related_name="handovers")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    from_party = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField(blank=True, help_text="Why withheld or absent")
    # A refusal counts only if verified in a private interview (GC III; DESIGN §1): by whom, when.
    interviewed_by = models.CharField(max_length=200, blank=True)
    interviewed_on = models.DateField(null=True, blank=True)
    status_event = models.ForeignKey(
        "registry.StatusEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exchange", "person"], name="exchanges_handover_once")
        ]
        # "Was this person ever handed over?" and the passed-over report: WHERE person_id = ….
        indexes = [models.Index(fields=["person", "outcome"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.outcome}"


class PlanStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PlanStage(models.TextChoices):
    WAITING = "", _("Waiting for the worker")
    POOLS = "pools", _("Reading who each side holds")
    CHOOSING = "choosing", _("Choosing and balancing")
    SAVING = "saving", _("Writing the explanations")


class PlanRun(models.Model):
    """A planner run: its options, its state while the background worker carries it out
    (DESIGN §4: nothing long runs inside a web request), and the proposed lists with every
    person's why-in / why-not."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    negotiation = models.ForeignKey(Negotiation, on_delete=models.PROTECT, related_name="plans")
    options = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.QUEUED)
    stage = models.CharField(max_length=10, choices=PlanStage.choices, blank=True, default="")
    percent = models.PositiveSmallIntegerField(default=0)
    # Why a run failed, in the one error shape's terms: {"code", "message", "fields"}.
    error = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Touched at every stage: a run "running" with an old heartbeat lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        # The worker's poll: WHERE status = 'queued' ORDER BY created_at.
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"plan {self.uuid} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (PlanStatus.DONE, PlanStatus.FAILED)
