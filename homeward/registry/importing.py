"""Importing a person list: read, validate every row, then write everything or nothing.

Two phases, so that progress can be shown and the write lock held briefly: validation runs row
by row outside any transaction (it reads nothing it could race with), then one transaction
bulk-writes persons, names, search keys, detentions and events with one ledger entry for the
whole file. A file with any bad row writes nothing and reports every bad row by line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from homeward.accounts.access import require_role
from homeward.accounts.models import Party, PartyKind, Role, User
from homeward.lib import personlist
from homeward.lib.dates import PartialDate
from homeward.lib.errors import Forbidden, ValidationFailed
from homeward.lib.personlist import PersonListError, check_size, is_xlsx, read_rows
from homeward.linkage.names import split_full_name

from .actions import register_persons
from .models import (
    Source,
    SourceKind,
    StatusKind,
)
from .validation import PersonFields, clean_person

Progress = Callable[[int, int], None]
MAX_ERRORS = 1000  # reported per file; the count of the rest is given


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    source: Source | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def _row_to_raw(values: dict[str, str]) -> dict:
    raw = dict(values)
    if raw.get("full_name") and not raw.get("family_name"):
        raw["family_name"], raw["given_name"], raw["patronymic"] = split_full_name(raw["full_name"])
    raw.pop("full_name", None)
    raw["nationalities"] = raw.pop("nationality", "")
    raw["external_id"] = raw.pop("id", "")
    return raw


def validate_file(
    content: bytes, file_name: str, progress: Progress | None = None
) -> tuple[list[tuple[int, PersonFields]], ImportResult]:
    """Every row validated; returns the clean rows and a result carrying the errors."""
    result = ImportResult()
    clean: list[tuple[int, PersonFields]] = []
    seen_ids: dict[str, int] = {}
    today = timezone.now().date()

    def error(line: int | None, fld: str, message: str) -> None:
        result.error_count += 1
        if len(result.errors) < MAX_ERRORS:
            result.errors.append({"line": line, "field": fld, "message": message})

    # Streamed: only the clean rows are kept, never the raw ones; the reader stops at the first
    # limit passed (LIMITS, the same for the page, the API and the command).
    rows = 0
    estimate = 0
    try:
        if not is_xlsx(content, file_name):
            # A first pass reads the CSV without validating anything (the csv module's C
            # parser: about a second for 50 MB) so that a file past a limit, or unreadable, is
            # refused before the work, and the progress bar knows the total. An XLSX is checked
            # as it streams (reading it twice would double the cost of the slow part).
            estimate = sum(1 for _ in read_rows(content, file_name, personlist.LIMITS))
        for row in read_rows(content, file_name, personlist.LIMITS):
            rows += 1
            fields, errors = clean_person(_row_to_raw(row.values), today=today)
            for fld, message in errors.items():
                error(row.line, "id" if fld == "external_id" else fld, message)
            ext = row.values.get("id", "")
            if ext:
                if ext in seen_ids:
                    error(row.line, "id", f"'{ext[:40]}' appears already on line {seen_ids[ext]}")
                else:
                    seen_ids[ext] = row.line
            if fields is not None and result.error_count == 0:
                clean.append((row.line, fields))
            if progress and rows % 1000 == 0:
                progress(rows, max(rows, estimate))
    except PersonListError as exc:
        error(exc.line, "file", exc.message)
        result.rows = rows
        return [], result
    result.rows = rows
    if progress:
        progress(rows, rows)
    return clean, result


def _event_kind(source_kind: str) -> str:
    return (
        StatusKind.NOTIFIED
        if source_kind == SourceKind.NOTIFICATION
        else StatusKind.REPORTED_CAPTURED
    )


def refuse_oversize(size: int) -> None:
    """The byte limit, as a ValidationFailed naming the file, before anything is stored."""
    try:
        check_size(size, personlist.LIMITS)
    except PersonListError as exc:
        raise ValidationFailed(
            "The file is too large.",
            code="too_large",
            detail={"fields": {"file": exc.message}, "limit": exc.limit},
        ) from None


def check_import_rights(actor: User, party: Party, detaining_party: Party) -> None:
    require_role(actor, Role.CASEWORKER, Role.BUREAU_OFFICER)
    if actor.role == Role.BUREAU_OFFICER and party.pk != actor.party_id:
        raise Forbidden(
            "A bureau officer imports its own party's lists only.",
            detail={"fields": {"party": "must be your own party"}},
        )
    if detaining_party.kind != PartyKind.STATE:
        raise ValidationFailed(
            "The detaining party must be a state party.",
            detail={"fields": {"detaining_party": "must be a state party"}},
        )


def import_person_list(
    *,
    actor: User,
    content: bytes,
    file_name: str,
    source_kind: str,
    party: Party,
    detaining_party: Party | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Imports the whole file or nothing. `party` is who published the list; `detaining_party`
    (default: the same) holds the persons listed."""
    detaining_party = detaining_party or party
    check_import_rights(actor, party, detaining_party)
    if source_kind not in SourceKind.values:
        raise ValidationFailed(
            "Unknown source kind.",
            detail={"fields": {"source_kind": "must be one of: " + ", ".join(SourceKind.values)}},
        )
    clean, result = validate_file(content, file_name, progress)
    result.dry_run = dry_run
    if not result.ok or dry_run:
        return result
    codes = {f.home_party_code for _, f in clean if f.home_party_code}
    parties = {p.code: p for p in Party.objects.filter(code__in=codes)}
    for line, f in clean:
        if f.home_party_code and f.home_party_code not in parties:
            result.error_count += 1
            result.errors.append(
                {"line": line, "field": "home_party_code", "message": "unknown party"}
            )
    if not result.ok:
        return result
    with transaction.atomic():
        _write(
            actor=actor,
            clean=clean,
            content=content,
            file_name=file_name,
            source_kind=source_kind,
            party=party,
            detaining_party=detaining_party,
            parties=parties,
            result=result,
        )
    _refresh_statistics(result.created)
    return result


# PostgreSQL plans by table statistics that autovacuum refreshes only some time after a bulk load;
# until then a search right after a large import runs a plan made for an empty table.
ANALYZE_AFTER_ROWS = 5000


def _refresh_statistics(created: int) -> None:
    if created < ANALYZE_AFTER_ROWS or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE registry_person, registry_personname, registry_namekey, registry_nationality, "
            "registry_detention, registry_statusevent"
        )


def _write(
    *, actor, clean, content, file_name, source_kind, party, detaining_party, parties, result
) -> None:
    today = PartialDate.from_date(timezone.now().date())
    source = Source.objects.create(
        kind=source_kind,
        title=file_name[:300] or "Imported list",
        party=party,
        date=today,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        created_by=actor,
        reliability="B" if source_kind == SourceKind.NOTIFICATION else "F",
        credibility="2" if source_kind == SourceKind.NOTIFICATION else "6",
    )
    persons = register_persons(
        actor=actor,
        source=source,
        rows=[f for _, f in clean],
        detaining_party=detaining_party,
        parties=parties,
        event_kind=_event_kind(source_kind),
        action="registry.imported",
    )
    result.created = len(persons)
    result.source = source


# Queued imports (a page or API upload run by the worker): homeward/registry/tasks.py.
