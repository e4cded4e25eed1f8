from __future__ import annotations

import hashlib
import secrets
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    STATE = "state", _("State party")
    INTERMEDIARY = "intermediary", _("Neutral intermediary")
    MEDIATOR = "mediator", _("Mediator")


class Party(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=16, unique=True, help_text="Short code, e.g. UA, RU, ICRC")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=PartyKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return self.code

    @property
    def is_state(self) -> bool:
        return self.kind == PartyKind.STATE


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    BUREAU_OFFICER = "bureau_officer", _("Bureau officer")
    MEDIATOR = "mediator", _("Mediator")
    FAMILY_LIAISON = "family_liaison", _("Family liaison")
    ANALYST = "analyst", _("Analyst")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


# Which party kind each role belongs to (DESIGN §2). Checked when a user is created.
ROLE_PARTY_KIND: dict[str, str | None] = {
    Role.CASEWORKER: PartyKind.INTERMEDIARY,
    Role.FAMILY_LIAISON: PartyKind.INTERMEDIARY,
    Role.BUREAU_OFFICER: PartyKind.STATE,
    Role.MEDIATOR: PartyKind.MEDIATOR,
    Role.ANALYST: None,
    Role.AUDITOR: None,
    Role.ADMIN: None,
}


class User(AbstractUser):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(max_length=20, choices=Role.choices)
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )

    def __str__(self) -> str:
        return self.username

    # Role questions asked all over the code; kept here so the answer lives in one place.
    @property
    def sees_personal_data(self) -> bool:
        return self.role in {
            Role.CASEWORKER,
            Role.FAMILY_LIAISON,
            Role.BUREAU_OFFICER,
            Role.MEDIATOR,
        }

    @property
    def sees_register(self) -> bool:
        """May open the register's person pages (the family liaison works through tracing)."""
        return self.role in {Role.CASEWORKER, Role.BUREAU_OFFICER, Role.MEDIATOR}

    @property
    def is_intermediary(self) -> bool:
        return self.role in {Role.CASEWORKER, Role.FAMILY_LIAISON}


class ApiToken(models.Model):
    """A per-user API token. Only a SHA-256 of the secret is stored; the secret is shown once."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    # Serves the lookup on every API request: WHERE digest = sha256(presented token).
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # None: never expires (only tokens made before expiry existed; new ones always get a date).
    expires_at = models.DateTimeField(null=True, blank=True)
    # A read-only token is refused on every method but GET/HEAD/OPTIONS (403).
    read_only = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def new_secret() -> str:
        return "hw_" + secrets.token_urlsafe(32)


class AccessKind(models.TextChoices):
    VIEW = "view", _("Viewed record")
    API = "api", _("Read through API")
    EXPORT = "export", _("Exported")
    LIST = "list", _("Seen in a list")


class AccessLog(models.Model):
    """Every read of a personal record (GC III Art. 13): who, when, which record, how.

    Holds ids only: the auditor reads this table and must not see names.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=10, choices=AccessKind.choices)
    object_type = models.CharField(max_length=40)
    object_uuid = models.UUIDField(null=True, blank=True)
    count = models.PositiveIntegerField(default=1, help_text="Rows read (exports, lists)")
    detail = models.JSONField(
        default=dict, blank=True, help_text="Filters of an export; never names"
    )

    class Meta:
        indexes = [
            # "Who viewed this person?" on the person page.
            models.Index(fields=["object_uuid", "at"]),
            # The auditor's per-user trail.
            models.Index(fields=["user", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.object_type}:{self.object_uuid}"


class AccessedRecord(models.Model):
    """One record a list read returned: the rows of a page, an API page, a source's names.

    A list read is one AccessLog row (who, when, how, count) and one of these per record shown, so
    "who saw person X" is one index lookup here plus the single-record reads in AccessLog.
    """

    # CASCADE: the rows are part of their log entry (the app never deletes either).
    log = models.ForeignKey(AccessLog, on_delete=models.CASCADE, related_name="records")
    object_uuid = models.UUIDField()

    class Meta:
        indexes = [
            # "Who saw this person?": WHERE object_uuid = X, joined to AccessLog by log_id
            # (index-only on PostgreSQL).
            models.Index(fields=["object_uuid", "log"]),
        ]

    def __str__(self) -> str:
        return f"{self.log_id}:{self.object_uuid}"
