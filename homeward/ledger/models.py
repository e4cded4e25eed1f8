from __future__ import annotations

from django.db import models


class Head(models.Model):
    """One row: the log's size (how many entries have a sequence number) and how far the stored
    subtree hashes reach ("sealed").

    Whoever hands out sequence numbers holds this row's lock while doing it: the sequencer
    (`store.seal`, in the worker, outside the actions' transactions) and the rare
    `append(numbered=True)`. Ordinary appends never touch it, so they never wait for each other.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)
    sealed = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"ledger size {self.size}, sealed {self.sealed}"


class Entry(models.Model):
    """One event of the append-only log. `event` is the canonical JSON (RFC 8785) the leaf hashes.

    An action inserts its entry *pending*: `seq` and `leaf_hash` are null and `event` lacks its
    `"seq"`. The sequencer (`store.seal`) numbers committed pending entries, in one gap-free run
    under the head's lock, completing `event` and `leaf_hash` in the same statement; after that
    the row never changes. `id` is the insertion order: internal, with holes, never shown.
    """

    seq = models.BigIntegerField(
        null=True, blank=True, unique=True, help_text="Position in the log; null while pending"
    )
    at = models.DateTimeField()
    # No database constraint and no index on actor and party. A foreign key makes every action's
    # commit take a share lock on the acting user's and party's rows, and concurrent actions of
    # one party all lock the same party row (PostgreSQL then creates a multixact per commit):
    # that cost 20-25 % of the append rate (benchmarks/ledger/RESULTS.md). Django's PROTECT
    # still refuses to delete a user or party the log names (test_ledger), users are deactivated
    # rather than deleted, and the event itself carries the actor's uuid and the party's code.
    # No query looks entries up by actor or party; the object index serves the ones that exist.
    actor = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    party = models.ForeignKey(
        "accounts.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    event = models.TextField(help_text="Canonical JSON of the event")
    leaf_hash = models.BinaryField(max_length=32, null=True)
    signature = models.TextField(
        blank=True, help_text="The acting party's Ed25519 signature over the canonical JSON of data"
    )

    class Meta:
        indexes = [
            # "The entries about one object": the person page, the list history, the API.
            models.Index(fields=["object_type", "object_id", "seq"], name="ledger_entry_object"),
            # The sequencer's `WHERE seq IS NULL ORDER BY id`: only pending rows are in it, so it
            # stays a few thousand entries long however long the log grows.
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="ledger_entry_pending"
            ),
        ]
        constraints = [
            # Numbered and hashed together, by one statement of the sequencer: never one alone.
            models.CheckConstraint(
                condition=models.Q(seq__isnull=True, leaf_hash__isnull=True)
                | models.Q(seq__isnull=False, leaf_hash__isnull=False),
                name="ledger_entry_numbered_with_leaf",
            ),
        ]

    def __str__(self) -> str:
        number = "pending" if self.seq is None else f"#{self.seq}"
        return f"{number} {self.action} {self.object_type}:{self.object_id}"

    @property
    def number(self) -> int:
        """The sequence number, for a caller that needs it: there is one only once the sequencer
        ran, or at once for `append(numbered=True)`."""
        if self.seq is None:
            raise ValueError("a pending entry has no number yet: append it with numbered=True")
        return self.seq


class Node(models.Model):
    """The hash of a perfect subtree: leaves [index·2^level, (index+1)·2^level), level ≥ 1.
    (Level 0 is Entry.leaf_hash.) A proof reads O(log n) of these, never the whole log."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        # Serves every proof and root: WHERE (level, index) IN (...).
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="ledger_node_unique")
        ]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class Checkpoint(models.Model):
    """A signed tree head, in the C2SP signed-note checkpoint format. Kept forever."""

    size = models.BigIntegerField(unique=True)
    root = models.BinaryField(max_length=32)
    note = models.TextField(help_text="The signed note, exactly as published")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class Cosignature(models.Model):
    """A witness's cosignature on a checkpoint (c2sp.org/tlog-cosignature, cosignature/v1): the
    signature line exactly as the witness sent it, served with the checkpoint."""

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="cosignatures"
    )
    witness = models.CharField(max_length=200, help_text="The cosigner's key name")
    timestamp = models.BigIntegerField(help_text="POSIX seconds the witness signed at")
    line = models.TextField(help_text="— <name> base64(key ID || timestamp || signature)")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One (the latest) cosignature per witness and checkpoint; served by checkpoint.
            models.UniqueConstraint(
                fields=["checkpoint", "witness"], name="ledger_cosignature_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.witness} on {self.checkpoint_id}"


class InstanceKey(models.Model):
    """The instance's public key (the private half lives in a file under HOMEWARD_VAR)."""

    name = models.CharField(max_length=200, unique=True)
    verifier_key = models.CharField(
        max_length=300, help_text="name+keyhash+base64(alg||public key)"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.verifier_key


class PartyKey(models.Model):
    """A party's Ed25519 public key, for signatures over what it submits."""

    party = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="keys")
    public_key = models.CharField(
        max_length=64, help_text="base64 of the 32-byte Ed25519 public key"
    )
    registered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.party_id}: {self.public_key[:12]}…"


class Verification(models.Model):
    """A run of `verify` over the database: requested from the auditor's page or the command."""

    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    size = models.BigIntegerField(default=0)
    checkpoints = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"verification {self.pk}: {self.ok}"


class Salt(models.Model):
    """The salt behind one personal-data commitment, kept apart from the entry.

    Erasing the salt (anonymisation) leaves the entry and the tree intact but makes the commitment
    unlinkable to the person.
    """

    # Indexed by the unique constraint below, whose first column it is.
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="salts", db_index=False)
    field = models.CharField(max_length=60)
    salt = models.BinaryField(max_length=32, null=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "field"], name="ledger_salt_unique")
        ]

    def __str__(self) -> str:
        return f"salt #{self.entry_id}.{self.field}"
