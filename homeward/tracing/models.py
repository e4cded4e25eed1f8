"""Tracing: families' inquiries, the candidates the engine proposes, and humans' decisions on them.

An Inquiry holds the sought person as the family describes them (any script, partial dates) and
who asks. A Candidate is a possible match waiting for a person's verdict: an inquiry and a
register person, or two register persons that may be one. A Decision is that verdict, kept for
ever, negative ones included.

"A pair decided different never comes back unless one record changes": each candidate carries a
fingerprint of both records' matching fields as they were when it was queued. Re-queueing a pair
whose fingerprint is unchanged is a no-op (tracing.actions.queue_candidates); a changed
fingerprint puts the same row back to pending, its old decisions kept.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.lib.dates import PartialDateField
from homeward.registry.models import Category, Sex


class Language(models.TextChoices):
    EN = "en", _("English")
    UK = "uk", _("Ukrainian")
    RU = "ru", _("Russian")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    OFFICE = "office", _("At the office")
    NGO = "ngo", _("NGO partner")
    LETTER = "letter", _("Letter or e-mail")


class InquiryState(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


# States in which the family still waits for an answer (lists flag these when overdue).
WAITING_STATES = (InquiryState.OPEN, InquiryState.REOPENED)


class Inquiry(models.Model):
    """A family's tracing request about one sought person."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The sought person, as the family gives it (DESIGN §7 person-list fields, any script).
    family_name = models.CharField(max_length=200, blank=True)
    given_name = models.CharField(max_length=200, blank=True)
    patronymic = models.CharField(max_length=200, blank=True)
    full_name = models.CharField(max_length=400, blank=True, help_text="When the parts are unknown")
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = PartialDateField(null=True, blank=True)
    birth_place = models.CharField(max_length=200, blank=True)
    nationality = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    home_party = models.ForeignKey(
        "accounts.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service_number = models.CharField(max_length=60, blank=True)
    rank = models.CharField(max_length=100, blank=True)
    unit = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=16, choices=Category.choices, blank=True)
    circumstances = models.TextField(
        blank=True, help_text="Where and when last heard of, unit, anything the family knows"
    )
    # Who asks.
    requester_name = models.CharField(max_length=200)
    requester_relation = models.CharField(max_length=100, blank=True)
    requester_contact = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.UK)
    # Party codes the requester agreed their inquiry may be shared with (e.g. ["UA"]).
    consent_parties = models.JSONField(default=list, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.PHONE)
    partner = models.CharField(max_length=200, blank=True, help_text="The NGO partner, if any")
    # The workflow.
    state = models.CharField(max_length=10, choices=InquiryState.choices, default=InquiryState.OPEN)
    linked_person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The bulk filing this inquiry came from, if any (an NGO's spreadsheet), and its line.
    batch_sha256 = models.CharField(max_length=64, blank=True)
    batch_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "inquiries"
        indexes = [
            # The inquiry list: newest first, filtered by state; the overdue flag and the
            # re-matching worker's "every open inquiry".
            models.Index(fields=["state", "created_at"]),
            # A bureau officer's inquiries: those linked to their nationals.
            models.Index(fields=["linked_person"]),
            # The dashboard's inquiry figures (stats.figures._inquiries) read only these dates:
            # covered by the indexes, not by reading the wide rows.
            models.Index(fields=["created_at", "answered_at", "closed_at"]),
            models.Index(fields=["answered_at", "created_at"]),
            # The latest closing, for the same figures' freshness (stats.figures._inquiry_stamp).
            models.Index(
                fields=["closed_at"],
                condition=models.Q(closed_at__isnull=False),
                name="tracing_inquiry_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"inquiry {self.uuid}"

    def get_absolute_url(self) -> str:
        return reverse("tracing:inquiry", args=[self.uuid])

    @property
    def sought_name(self) -> str:
        parts = [p for p in (self.family_name, self.given_name, self.patronymic) if p]
        return " ".join(parts) or self.full_name

    @property
    def is_waiting(self) -> bool:
        return self.state in WAITING_STATES

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        """Unanswered for longer than TRACING_OVERDUE_DAYS."""
        if not self.is_waiting:
            return False
        days = getattr(settings, "TRACING_OVERDUE_DAYS", 30)
        return (now or timezone.now()) - self.created_at > dt.timedelta(days=days)


class CandidateKind(models.TextChoices):
    INQUIRY_PERSON = "inquiry_person", _("Inquiry and registered person")
    PERSON_PERSON = "person_person", _("Two registered persons")


class CandidateOrigin(models.TextChoices):
    SEARCH = "search", _("Search when the inquiry was filed")
    REMATCH = "rematch", _("Found when the register changed")
    DEDUPE = "dedupe", _("Possible duplicate in the register")


class CandidateState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    DECIDED = "decided", _("Decided")
    SECOND_LOOK = "second_look", _("Second look: reviewers disagree")
    STALE = "stale", _("No longer relevant")


# States the review queue shows.
QUEUE_STATES = (CandidateState.PENDING, CandidateState.SECOND_LOOK)


class Candidate(models.Model):
    """A possible match for a person to review.

    inquiry_person: `inquiry` and `person`; person_person: `person` and `other_person`, stored
    with person_id < other_person_id so that each pair has one row.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=CandidateKind.choices)
    inquiry = models.ForeignKey(
        Inquiry, on_delete=models.PROTECT, null=True, blank=True, related_name="candidates"
    )
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    other_person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(help_text="The engine's match probability")
    explanation = models.JSONField(default=dict, blank=True)
    origin = models.CharField(max_length=8, choices=CandidateOrigin.choices)
    state = models.CharField(
        max_length=12, choices=CandidateState.choices, default=CandidateState.PENDING
    )
    # The standing verdict (derived from the decisions by tracing.actions._settle; kept here for
    # the lists): blank while pending or in second look.
    verdict = models.CharField(max_length=10, blank=True)
    # sha256 of both records' matching fields when queued: a changed record changes it.
    fingerprint = models.CharField(max_length=64)
    # Bumped by every decision and re-queue: a decision made on an older version is refused
    # (Conflict), so two reviewers deciding at the same moment never overwrite each other.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["inquiry", "person"],
                condition=Q(kind="inquiry_person"),
                name="tracing_candidate_inquiry_person_unique",
            ),
            models.UniqueConstraint(
                fields=["person", "other_person"],
                condition=Q(kind="person_person"),
                name="tracing_candidate_person_pair_unique",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="inquiry_person",
                        inquiry__isnull=False,
                        other_person__isnull=True,
                    )
                    | Q(
                        kind="person_person",
                        inquiry__isnull=True,
                        other_person__isnull=False,
                        person__lt=models.F("other_person"),
                    )
                ),
                name="tracing_candidate_kind_shape",
            ),
        ]
        indexes = [
            # The review queue (tracing.selectors.ReviewQueue), one state at a time:
            #   WHERE state = %s ORDER BY score DESC, id LIMIT/OFFSET   (a page)
            #   WHERE state IN (pending, second_look) GROUP BY state  (its counts, index only)
            models.Index(fields=["state", "-score", "id"], name="tracing_cand_queue_idx"),
            # The queue of one kind (?kind=, and a liaison's inquiry candidates):
            #   WHERE state = %s AND kind = %s ORDER BY score DESC, id   (a page)
            #   WHERE state IN (...) AND kind = %s GROUP BY state        (its counts, index only)
            models.Index(
                fields=["state", "kind", "-score", "id"], name="tracing_cand_queue_kind_idx"
            ),
            # Re-matching and dedupe: "is this pair already known?" by person.
            models.Index(fields=["person", "kind"]),
        ]

    def __str__(self) -> str:
        return f"candidate {self.uuid}"

    def get_absolute_url(self) -> str:
        return reverse("tracing:candidate", args=[self.uuid])


class Verdict(models.TextChoices):
    SAME = "same", _("Same person")
    DIFFERENT = "different", _("Different persons")
    UNSURE = "unsure", _("Unsure")


class Decision(models.Model):
    """A human's verdict on a candidate. Kept for ever; an undo marks it undone, never deletes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="decisions")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    reason = models.TextField(blank=True)
    # The candidate's fingerprint the verdict was made on.
    fingerprint = models.CharField(max_length=64)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # A candidate's history, and "the last decision of this reviewer" for undo.
            models.Index(fields=["candidate", "decided_at"]),
            models.Index(fields=["decided_by", "decided_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.verdict} on {self.candidate_id}"


class AnswerLetter(models.Model):
    """An answer sent to the family: what it said is kept as sent (GC III Art. 122–123)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inquiry = models.ForeignKey(Inquiry, on_delete=models.PROTECT, related_name="answers")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=2, choices=Language.choices)
    # The facts told, as shown in the letter (codes and dates; rendered again in any language).
    facts = models.JSONField(default=dict)
    sent_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"answer to {self.inquiry_id}"


from .models_rematch import RematchRun  # noqa: E402, F401 (the worker's runs, in this app)
