"""Every write of the reconciliation: one keyword-only function each, one transaction, one ledger
entry. Permission checks live here, so the page, the API and the command obey the same rules.

Bad input (an empty list, no name column, too many rows, a bad row, an unknown publishing party,
a second run while one is going) is refused before anything is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from homeward.accounts.access import require_role
from homeward.accounts.models import Party, Role, User
from homeward.ledger.actions import append
from homeward.lib.dates import PartialDate, PartialDateError
from homeward.lib.errors import Conflict, NotFound, ValidationFailed
from homeward.lib.personlist import PersonListError, read_rows
from homeward.linkage.dates import BadDate, parse_birth_date
from homeward.linkage.names import split_full_name
from homeward.registry.actions import create_source, register_persons
from homeward.registry.models import Person, SourceKind, StatusKind
from homeward.registry.validation import clean_person

from .models import (
    ACTIVE,
    EntryOutcome,
    ListedEntry,
    Outcome,
    PublishedList,
    ReconciliationRun,
    ReviewDecision,
    RunStatus,
    Verdict,
)

# Bounds, checked before any work (docs/reconcile.md). 200,000 rows is twice the largest list the
# reports mention ("1,000 for 1,000" exchanges, lists of "thousands"); 50 MB holds it in CSV with
# room to spare. A larger list is split by its publisher's own sections and uploaded as several.
MAX_ROWS = 200_000
MAX_BYTES = 50 * 1024 * 1024
MAX_ERRORS = 100  # bad lines named in one refusal
TITLE_MAX = 300
URL_MAX = 500
REASON_MAX = 2000
# A running run whose worker has said nothing for this long is taken for dead (a 10,000-row list
# against a million persons reports at least every stage, see benchmarks/reconcile/RESULTS.md).
STALE_AFTER = dt.timedelta(minutes=15)

UPLOADERS = (Role.CASEWORKER, Role.BUREAU_OFFICER)


def _display_name(values: dict[str, str]) -> str:
    parts = [values.get(c, "") for c in ("family_name", "given_name", "patronymic")]
    name = " ".join(p for p in parts if p) or values.get("full_name", "")
    return name[:600]


def read_entries(content: bytes, file_name: str) -> list[tuple[int, dict[str, str]]]:
    """Every row of the list as (line, values), or ValidationFailed naming each bad line (up to
    MAX_ERRORS) or what makes the whole file unreadable. Reads through the shared person-list
    reader, so the formats are the register import's (DESIGN §7)."""
    if not content:
        raise ValidationFailed(
            "The file is empty: it needs a header row and at least one person.",
            detail={"fields": {"file": "is empty"}},
        )
    if len(content) > MAX_BYTES:
        raise ValidationFailed(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.",
            detail={"fields": {"file": f"over {MAX_BYTES} bytes"}},
        )
    rows: list[tuple[int, dict[str, str]]] = []
    errors: dict[str, str] = {}
    try:
        for row in read_rows(content, file_name):
            if len(rows) >= MAX_ROWS:
                raise ValidationFailed(
                    f"The list has more than {MAX_ROWS:,} rows; split it and upload the parts.",
                    detail={"fields": {"file": f"over {MAX_ROWS} rows"}},
                )
            # NUL cannot be stored in PostgreSQL text or JSON; no name or date contains one
            values = {k: v.replace("\x00", "")[:500] for k, v in row.values.items() if v}
            problem = ""
            if not any(values.get(c) for c in ("family_name", "given_name", "full_name")):
                problem = "the row has no name"
            else:
                try:
                    parse_birth_date(values.get("birth_date"))
                except BadDate as exc:
                    problem = str(exc)
            if problem:
                if len(errors) < MAX_ERRORS:
                    errors[str(row.line)] = problem
                continue
            rows.append((row.line, values))
    except PersonListError as exc:
        key = str(exc.line) if exc.line else "file"
        raise ValidationFailed(
            f"The list cannot be read: {exc}", detail={"lines": {key: exc.message}}
        ) from None
    if errors:
        raise ValidationFailed(
            f"{len(errors)} row(s) are not valid; nothing was uploaded.",
            detail={"lines": errors},
        )
    if not rows:
        raise ValidationFailed(
            "The list has no person in it.", detail={"fields": {"file": "no rows"}}
        )
    return rows


def _no_nul(**fields: str) -> None:
    bad = {name: "contains a NUL character" for name, value in fields.items() if "\x00" in value}
    if bad:
        raise ValidationFailed("Some fields are not valid.", detail={"fields": bad})


def _publisher(code: str) -> Party:
    _no_nul(published_by=code or "")
    party = Party.objects.filter(code=(code or "").strip().upper()[:16]).first() if code else None
    if party is None:
        raise ValidationFailed(
            f"There is no party with code {code!r}.",
            detail={"fields": {"published_by": "unknown party"}},
        )
    return party


def _published_on(value: PartialDate | dt.date | str | None) -> PartialDate | None:
    if value is None or value == "":
        return None
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.date):
        return PartialDate.from_date(value)
    _no_nul(published_on=str(value))
    try:
        return PartialDate.parse(str(value)[:20])
    except PartialDateError as exc:
        raise ValidationFailed(
            "The publication date is not valid.", detail={"fields": {"published_on": str(exc)}}
        ) from None


@transaction.atomic
def upload_published_list(
    *,
    actor: User,
    content: bytes,
    file_name: str,
    published_by: str,
    title: str = "",
    url: str = "",
    published_on: PartialDate | dt.date | str | None = None,
) -> PublishedList:
    """Keeps a published list as a source (kind `list`, with its SHA-256) and its rows as listed
    entries of it, never as persons. Refuses the same file from the same party twice (Conflict,
    naming the list it already is: reconcile that one again)."""
    require_role(actor, *UPLOADERS)
    _no_nul(title=title or "", url=url or "", file_name=file_name or "")
    party = _publisher(published_by)
    date = _published_on(published_on)
    title = (title or "").strip() or f"{party.code}: {file_name}"[:TITLE_MAX]
    if len(title) > TITLE_MAX:
        raise ValidationFailed(
            "The title is too long.", detail={"fields": {"title": f"over {TITLE_MAX} characters"}}
        )
    url = (url or "").strip()
    if len(url) > URL_MAX or (url and not url.startswith(("http://", "https://"))):
        raise ValidationFailed(
            "The address is not valid.",
            detail={"fields": {"url": f"an http(s) address of at most {URL_MAX} characters"}},
        )
    rows = read_entries(content, file_name)
    digest = hashlib.sha256(content).hexdigest()
    existing = PublishedList.objects.filter(source__file_sha256=digest, source__party=party).first()
    if existing is not None:
        raise Conflict(
            "This file from this party was uploaded already; reconcile that list again.",
            code="already_uploaded",
            detail={"published_list": str(existing.uuid)},
        )
    source = create_source(
        actor=actor,
        kind=SourceKind.LIST,
        title=title,
        party=party,
        date=date,
        file_name=file_name,
        file_bytes=content,
        note=url,
    )
    plist = PublishedList.objects.create(source=source, url=url, rows=len(rows), created_by=actor)
    ListedEntry.objects.bulk_create(
        (
            ListedEntry(
                published_list=plist,
                line=line,
                external_id=values.get("id", "")[:100],
                name=_display_name(values),
                birth_date=values.get("birth_date", "")[:40],
                values=values,
            )
            for line, values in rows
        ),
        batch_size=2000,
    )
    append(
        actor=actor,
        action="reconcile.list_uploaded",
        object_type="published_list",
        object_id=plist.uuid,
        data={
            "source": str(source.uuid),
            "published_by": party.code,
            "file_sha256": digest,
            "rows": len(rows),
        },
    )
    return plist


def _fail_stale(published_list: PublishedList) -> None:
    """A run whose worker died (killed, machine rebooted) stays "running"; once its heartbeat is
    older than STALE_AFTER it is marked failed, so the list can be reconciled again."""
    cutoff = timezone.now() - STALE_AFTER
    for run in ReconciliationRun.objects.filter(published_list=published_list, status__in=ACTIVE):
        last = run.heartbeat_at or run.created_at
        if last < cutoff:
            ReconciliationRun.objects.filter(pk=run.pk, status__in=ACTIVE).update(
                status=RunStatus.FAILED,
                finished_at=timezone.now(),
                error={"message": "The background worker stopped answering; run it again."},
            )


def start_reconciliation(
    *, actor: User, published_list: PublishedList, enqueue: bool = True
) -> ReconciliationRun:
    """A new run of the whole list against the register, queued for the worker once this
    transaction commits. A second run while one is queued or running is refused (Conflict); a
    failed run is retried by starting a new one."""
    require_role(actor, *UPLOADERS)
    _fail_stale(published_list)
    busy = Conflict(
        "This list is being reconciled already; wait for that run to finish.",
        code="run_in_progress",
        detail={"published_list": str(published_list.uuid)},
    )
    if ReconciliationRun.objects.filter(published_list=published_list, status__in=ACTIVE).exists():
        raise busy
    previous = (
        ReconciliationRun.objects.filter(published_list=published_list, status=RunStatus.DONE)
        .order_by("-created_at", "-id")
        .first()
    )
    try:
        with transaction.atomic():
            # Two requests that both passed the check above race here: the partial unique
            # constraint (one queued or running run per list) lets one of them in.
            run = ReconciliationRun.objects.create(
                published_list=published_list, previous=previous, started_by=actor
            )
            append(
                actor=actor,
                action="reconcile.run_started",
                object_type="reconciliation_run",
                object_id=run.uuid,
                data={"published_list": str(published_list.uuid), "rows": published_list.rows},
            )
            if enqueue:
                from .tasks import reconcile_list

                uuid = str(run.uuid)
                transaction.on_commit(lambda: reconcile_list.enqueue(uuid))
    except IntegrityError:
        raise busy from None
    return run


def _reason(reason: str) -> str:
    _no_nul(reason=reason or "")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Say why you decided so.", detail={"fields": {"reason": "is required"}}
        )
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            "The reason is too long.",
            detail={"fields": {"reason": f"over {REASON_MAX} characters"}},
        )
    return reason


@transaction.atomic
def decide_possible(
    *, actor: User, outcome: EntryOutcome, person: Person, verdict: str, reason: str
) -> ReviewDecision:
    """A caseworker's verdict on one candidate of a possible row: "same" makes the row matched
    to that person in this run (and every later run); "different" removes the candidate from
    this and every later run. Kept for ever, with a ledger entry."""
    require_role(actor, Role.CASEWORKER)
    if verdict not in Verdict.values:
        raise ValidationFailed(
            "Say same or different.", detail={"fields": {"verdict": "same or different"}}
        )
    reason = _reason(reason)
    outcome = EntryOutcome.objects.select_for_update().get(pk=outcome.pk)
    if outcome.outcome != Outcome.POSSIBLE:
        raise Conflict("This row is not waiting for review any more.", code="decided_already")
    if str(person.uuid) not in {c["person"] for c in outcome.candidates}:
        raise NotFound("That person is not a candidate for this row.")
    decision = ReviewDecision.objects.create(
        entry_id=outcome.entry_id,
        person=person,
        verdict=verdict,
        reason=reason,
        decided_by=actor,
    )
    if verdict == Verdict.SAME:
        from .selectors import status_snapshot

        status, holder = status_snapshot([person.pk]).get(person.pk, ("", ""))
        chosen = next(c for c in outcome.candidates if c["person"] == str(person.uuid))
        outcome.outcome = Outcome.MATCHED
        outcome.person = person
        outcome.score = chosen.get("score")
        outcome.explanation = chosen.get("explanation", "")
        outcome.status, outcome.detaining_party = status, holder
        outcome.by_review = True
    else:
        outcome.candidates = [c for c in outcome.candidates if c["person"] != str(person.uuid)]
        if not outcome.candidates:
            outcome.outcome = Outcome.UNKNOWN
            outcome.by_review = True
    outcome.save()
    append(
        actor=actor,
        action="reconcile.decided",
        object_type="reconciliation_run",
        object_id=outcome.run.uuid,
        data={
            "published_list": str(outcome.run.published_list.uuid),
            "line": outcome.entry.line,
            "person": str(person.uuid),
            "verdict": verdict,
        },
        personal={"reason": reason},
    )
    return decision


@transaction.atomic
def register_unknown(
    *,
    actor: User,
    outcomes: Iterable[EntryOutcome],
    detaining_party: Party | None = None,
) -> int:
    """Registers unknown rows as persons "reported captured" from the list's source, held by
    `detaining_party` (by default the party that published the list). One row or all of a
    run's unknown rows at once; a row registered already is skipped. Through the register's own
    bulk action, with its ledger entry."""
    require_role(actor, Role.CASEWORKER)
    chosen = list(
        # Locks the outcome rows only (the joined source's party may be null: PostgreSQL refuses
        # FOR UPDATE on the nullable side of an outer join), so two clicks register a row once.
        EntryOutcome.objects.select_for_update(of=("self",))
        .filter(pk__in=[o.pk for o in outcomes], outcome=Outcome.UNKNOWN)
        .select_related("entry", "run__published_list__source__party")
        .order_by("entry__line")
    )
    chosen = [o for o in chosen if o.entry.registered_person_id is None]
    if not chosen:
        return 0
    plist = chosen[0].run.published_list
    if any(o.run.published_list_id != plist.pk for o in chosen):
        raise ValidationFailed("Register rows of one list at a time.")
    holder = detaining_party or plist.source.party
    if holder is None:
        raise ValidationFailed(
            "Name the detaining party.", detail={"fields": {"detaining_party": "is required"}}
        )
    fields = []
    errors: dict[str, str] = {}
    for o in chosen:
        raw = {k: v for k, v in o.entry.values.items() if k != "id"}
        if raw.get("full_name") and not raw.get("family_name"):
            raw["family_name"], raw["given_name"], raw["patronymic"] = split_full_name(
                raw["full_name"]
            )
        raw.pop("full_name", None)
        raw["nationalities"] = raw.pop("nationality", "")
        raw["external_id"] = o.entry.external_id
        cleaned, problems = clean_person(raw)
        if problems or cleaned is None:
            errors[str(o.entry.line)] = "; ".join(f"{k}: {v}" for k, v in problems.items())
        else:
            fields.append(cleaned)
    if errors:
        raise ValidationFailed(
            "Some rows cannot be registered as they are; nothing was registered.",
            detail={"lines": errors},
        )
    refs = register_persons(
        actor=actor,
        source=plist.source,
        rows=fields,
        detaining_party=holder,
        event_kind=StatusKind.REPORTED_CAPTURED,
        event_date=plist.source.date,
        action="reconcile.registered_unknown",
    )
    for o, ref in zip(chosen, refs, strict=True):
        ListedEntry.objects.filter(pk=o.entry_id).update(registered_person_id=ref.pk)
    return len(refs)
