"""Every write to the register: one keyword-only function each, one transaction, one ledger entry.

Permission checks live here (not in views), so the API, the pages and the command line obey the
same rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid as uuidlib
from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from homeward.accounts.access import can_see_person, require_role
from homeward.accounts.models import Party, PartyKind, Role, User
from homeward.ledger.actions import append
from homeward.lib.bulk import insert_rows, reserve_ids
from homeward.lib.dates import PartialDate, PartialDateError
from homeward.lib.errors import Conflict, Forbidden, ValidationFailed
from homeward.tracing.tasks import persons_entered

from .models import (
    Detention,
    Merge,
    NameKey,
    Nationality,
    Person,
    PersonName,
    PersonNote,
    Source,
    SourceKind,
    StatusEvent,
    StatusKind,
)
from .names import detect_script, name_keys
from .selectors import current_status
from .validation import NAME_MAX, NOTE_MAX, PersonFields, clean_person


def _personal(person: Person) -> dict:
    """What the ledger commits to (salted) about a person, never stores in clear."""
    return {
        "name": [person.family_name, person.given_name, person.patronymic],
        "birth_date": str(person.birth_date) if person.birth_date else None,
    }


def _fields_or_raise(fields: PersonFields | dict) -> PersonFields:
    if isinstance(fields, PersonFields):
        return fields
    cleaned, errors = clean_person(fields)
    if errors:
        raise ValidationFailed("Some fields are not valid.", detail={"fields": errors})
    assert cleaned is not None
    return cleaned


def _party_by_code(code: str, field_name: str) -> Party | None:
    if not code:
        return None
    party = Party.objects.filter(code=code.upper()).first()
    if party is None:
        raise ValidationFailed(
            f"There is no party with code {code!r}.",
            detail={"fields": {field_name: "unknown party"}},
        )
    return party


def index_name(person: Person, family_name: str, given_name: str, patronymic: str) -> None:
    existing = set(NameKey.objects.filter(person=person).values_list("key", flat=True))
    NameKey.objects.bulk_create(
        [
            NameKey(person=person, key=k)
            for k in name_keys(family_name, given_name, patronymic) - existing
        ]
    )


@transaction.atomic
def create_source(
    *,
    actor: User,
    kind: str,
    title: str,
    party: Party | None = None,
    date: PartialDate | None = None,
    reliability: str = "F",
    credibility: str = "6",
    file_name: str = "",
    file_bytes: bytes | None = None,
    note: str = "",
) -> Source:
    require_role(actor, Role.CASEWORKER, Role.BUREAU_OFFICER, Role.FAMILY_LIAISON)
    # A list the other side published is a public document: an officer may record that it was
    # published (to reconcile it, issue 18), but not grade it: it stays F6 ("cannot be judged")
    # until the intermediary grades it.
    others_published_list = (
        kind == SourceKind.LIST and party is not None and (reliability, credibility) == ("F", "6")
    )
    if (
        actor.role == Role.BUREAU_OFFICER
        and (party is None or party.pk != actor.party_id)
        and not others_published_list
    ):
        # A party's officer speaks for its own party only: a graded source in another party's
        # name would show in that party's list as if it had published it.
        raise Forbidden(
            "A bureau officer records its own party's sources only.",
            detail={"fields": {"party": "must be your own party"}},
        )
    errors = {}
    if kind not in SourceKind.values:
        errors["kind"] = "must be one of: " + ", ".join(SourceKind.values)
    if not title.strip():
        errors["title"] = "is required"
    elif len(title) > 300:
        errors["title"] = "is longer than 300 characters"
    if reliability not in "ABCDEF" or len(reliability) != 1:
        errors["reliability"] = "must be a letter A to F (Admiralty scale)"
    if credibility not in "123456" or len(credibility) != 1:
        errors["credibility"] = "must be a digit 1 to 6 (Admiralty scale)"
    if date and date.is_after(timezone.now().date()):
        errors["date"] = f"{date} is in the future"
    if errors:
        raise ValidationFailed("The source is not valid.", detail={"fields": errors})
    source = Source.objects.create(
        kind=kind,
        title=title.strip(),
        party=party,
        date=date,
        reliability=reliability,
        credibility=credibility,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(file_bytes).hexdigest() if file_bytes is not None else "",
        note=note,
        created_by=actor,
    )
    append(
        actor=actor,
        action="source.created",
        object_type="source",
        object_id=source.uuid,
        data={
            "kind": kind,
            "party": party.code if party else None,
            "date": str(date) if date else None,
            "grade": source.grade,
            "file_sha256": source.file_sha256,
        },
    )
    return source


@transaction.atomic
def notify_capture(
    *,
    actor: User,
    fields: PersonFields | dict,
    detaining_party: Party | None = None,
    source: Source | None = None,
    notified_on: PartialDate | None = None,
) -> Person:
    """A capture notification (GC III Art. 122): registers the person, the detention and the
    `notified` event. A bureau officer notifies for its own party; a caseworker names the
    detaining party."""
    require_role(actor, Role.BUREAU_OFFICER, Role.CASEWORKER)
    f = _fields_or_raise(fields)
    if actor.role == Role.BUREAU_OFFICER:
        if detaining_party is not None and detaining_party.pk != actor.party_id:
            raise Forbidden(
                "A bureau officer notifies captures by its own party only.",
                detail={"fields": {"detaining_party": "must be your own party"}},
            )
        detaining_party = actor.party
    if detaining_party is None or detaining_party.kind != PartyKind.STATE:
        raise ValidationFailed(
            "The detaining party must be a state party.",
            detail={"fields": {"detaining_party": "is required and must be a state party"}},
        )
    home_party = _party_by_code(f.home_party_code, "home_party_code")
    today = timezone.now().date()
    notified_on = notified_on or PartialDate.from_date(today)
    if source is None:
        source = Source.objects.create(
            kind=SourceKind.NOTIFICATION,
            title=f"Capture notification by {detaining_party.code}, {notified_on}",
            party=detaining_party,
            date=notified_on,
            reliability="B",
            credibility="2",
            created_by=actor,
        )
    person = _create_person(actor=actor, f=f, home_party=home_party, source=source)
    detention = Detention.objects.create(
        person=person,
        detaining_party=detaining_party,
        captured_on=f.captured_on,
        capture_place=f.capture_place,
        internment_place=f.internment_place,
        source=source,
    )
    event = StatusEvent.objects.create(
        person=person,
        kind=StatusKind.NOTIFIED,
        date=notified_on,
        source=source,
        party=detaining_party,
        recorded_by=actor,
    )
    append(
        actor=actor,
        action="person.notified",
        object_type="person",
        object_id=person.uuid,
        data={
            "detaining_party": detaining_party.code,
            "home_party": home_party.code if home_party else None,
            "category": person.category,
            "source": str(source.uuid),
            "detention": str(detention.uuid),
            "event": str(event.uuid),
        },
        personal=_personal(person),
    )
    persons_entered(actor=actor, person_ids=[person.pk], trigger="notification")
    return person


def _create_person(
    *, actor: User, f: PersonFields, home_party: Party | None, source: Source
) -> Person:
    person = Person.objects.create(
        family_name=f.family_name,
        given_name=f.given_name,
        patronymic=f.patronymic,
        sex=f.sex,
        birth_date=f.birth_date,
        birth_place=f.birth_place,
        category=f.category,
        service_number=f.service_number,
        rank=f.rank,
        unit=f.unit,
        home_party=home_party,
        father_name=f.father_name,
        mother_maiden_name=f.mother_maiden_name,
        person_to_inform=f.person_to_inform,
        wounded=f.wounded,
        created_by=actor,
    )
    PersonName.objects.create(
        person=person,
        family_name=f.family_name,
        given_name=f.given_name,
        patronymic=f.patronymic,
        script=detect_script(f"{f.family_name} {f.given_name} {f.patronymic}"),
        is_primary=True,
        source=source,
    )
    index_name(person, f.family_name, f.given_name, f.patronymic)
    Nationality.objects.bulk_create(Nationality(person=person, country=c) for c in f.nationalities)
    return person


# Once a person is out of the detaining party's hands its write rights end; a death is not
# leaving them (the party that reported it may still correct its own report).
LEFT_CUSTODY = frozenset(
    {StatusKind.EXCHANGED, StatusKind.REPATRIATED, StatusKind.RELEASED, StatusKind.ESCAPED}
)


def holds(party_id: int | None, person: Person) -> bool:
    """The party holds the person: its detention is the person's latest (a transfer to another
    power opens a new one) and the person has not left custody (exchanged, repatriated, released,
    escaped). Having held the person once gives no right to write the record."""
    latest = person.detentions.order_by("-created_at", "-id").first()
    if latest is None or party_id is None or latest.detaining_party_id != party_id:
        return False
    return current_status(person) not in LEFT_CUSTODY


def _may_record_on(actor: User, person: Person) -> None:
    """Caseworkers record on anyone; a bureau officer only on persons its party holds (seeing its
    own nationals held by the other side gives no right to write their record); a mediator only on
    persons of its negotiations (handovers)."""
    require_role(actor, Role.CASEWORKER, Role.BUREAU_OFFICER, Role.MEDIATOR)
    if actor.role == Role.BUREAU_OFFICER:
        if not holds(actor.party_id, person):
            raise Forbidden("Your party does not hold this person.")
    elif not can_see_person(actor, person):
        raise Forbidden("This person is outside your scope.")


@transaction.atomic
def record_status_event(
    *,
    actor: User,
    person: Person,
    kind: str,
    date: PartialDate | dt.date | str,
    source: Source,
    party: Party | None = None,
    place: str = "",
    note: str = "",
    supersedes: StatusEvent | None = None,
) -> StatusEvent:
    """Appends a status event. With `supersedes`, it is a correction of that event: the old one
    stays, marked superseded; nothing is edited in place."""
    _may_record_on(actor, person)
    errors: dict[str, str] = {}
    if actor.role == Role.BUREAU_OFFICER:
        # Another party's source is not the officer's to cite (it answers like an unknown one, as
        # the officer cannot see it), nor another party's name to put on an event: a transfer to
        # another power or a handover is recorded by the intermediary.
        if source.party_id != actor.party_id:
            errors["source"] = "no such source"
        if party is not None and party.pk != actor.party_id:
            errors["party"] = "must be your own party (or none)"
    if kind not in StatusKind.values:
        errors["kind"] = "must be one of: " + ", ".join(StatusKind.values)
    if isinstance(date, str):
        try:
            date = PartialDate.parse(date)
        except PartialDateError as exc:
            errors["date"] = str(exc)
    elif isinstance(date, dt.date):
        date = PartialDate.from_date(date)
    if isinstance(date, PartialDate):
        if date.is_after(timezone.now().date()):
            errors["date"] = f"{date} is in the future"
        elif person.birth_date and date < person.birth_date:
            errors["date"] = "is before the person's birth date"
    if len(place) > 200:
        errors["place"] = "is longer than 200 characters"
    if len(note) > NOTE_MAX:
        errors["note"] = f"is longer than {NOTE_MAX} characters"
    if person.merged_into_id:
        errors["person"] = "was merged into another record; record events on that one"
    if supersedes is not None:
        if supersedes.person_id != person.pk:
            errors["supersedes"] = "belongs to another person"
        elif StatusEvent.objects.filter(supersedes=supersedes).exists():
            errors["supersedes"] = "was already corrected; correct the latest version"
    elif current_status(person) == StatusKind.DIED and kind != StatusKind.DIED:
        errors["kind"] = "the person is recorded as dead; correct the death event instead"
    if errors:
        raise ValidationFailed("The status event is not valid.", detail={"fields": errors})
    event = StatusEvent.objects.create(
        person=person,
        kind=kind,
        date=date,
        source=source,
        party=party,
        place=place,
        note=note,
        supersedes=supersedes,
        recorded_by=actor,
    )
    detention = None
    if kind == StatusKind.TRANSFERRED and party is not None:
        # A transfer to another power opens a new period of detention with it (GC III Art. 12);
        # a move between camps of the same power only updates where the person is interned.
        current = person.detentions.order_by("-created_at", "-id").first()
        if current is None or current.detaining_party_id != party.pk:
            if party.kind != PartyKind.STATE:
                raise ValidationFailed(
                    "A person can be transferred to a state party only.",
                    detail={"fields": {"party": "must be a state party"}},
                )
            detention = Detention.objects.create(
                person=person,
                detaining_party=party,
                captured_on=current.captured_on if current else None,
                capture_place=current.capture_place if current else "",
                internment_place=place,
                source=source,
            )
        elif place:
            Detention.objects.filter(pk=current.pk).update(internment_place=place)
    append(
        actor=actor,
        action="status.corrected" if supersedes else "status.recorded",
        object_type="person",
        object_id=person.uuid,
        data={
            "event": str(event.uuid),
            "kind": kind,
            "date": str(date),
            "source": str(source.uuid),
            "party": party.code if party else None,
            "supersedes": str(supersedes.uuid) if supersedes else None,
            "new_detention": str(detention.uuid) if detention else None,
        },
        personal={"place": place, "note": note} if (place or note) else None,
    )
    return event


@transaction.atomic
def add_name(
    *,
    actor: User,
    person: Person,
    family_name: str,
    given_name: str = "",
    patronymic: str = "",
    source: Source | None = None,
) -> PersonName:
    """Another spelling of the person's name, as a source wrote it."""
    _may_record_on(actor, person)
    errors = {}
    for field, value in (
        ("family_name", family_name),
        ("given_name", given_name),
        ("patronymic", patronymic),
    ):
        if len(value) > NAME_MAX:
            errors[field] = f"is longer than {NAME_MAX} characters"
    if not family_name.strip():
        errors["family_name"] = "is required"
    if errors:
        raise ValidationFailed("The name is not valid.", detail={"fields": errors})
    name = PersonName.objects.create(
        person=person,
        family_name=family_name.strip(),
        given_name=given_name.strip(),
        patronymic=patronymic.strip(),
        script=detect_script(f"{family_name} {given_name} {patronymic}"),
        source=source,
    )
    index_name(person, name.family_name, name.given_name, name.patronymic)
    append(
        actor=actor,
        action="person.name_added",
        object_type="person",
        object_id=person.uuid,
        data={"script": name.script, "source": str(source.uuid) if source else None},
        personal={"name": [name.family_name, name.given_name, name.patronymic]},
    )
    return name


@transaction.atomic
def add_note(*, actor: User, person: Person, text: str) -> PersonNote:
    """An internal note, visible to the writer's party and the intermediary only."""
    _may_record_on(actor, person)
    text = text.strip()
    if not text:
        raise ValidationFailed("The note is empty.", detail={"fields": {"text": "is required"}})
    if len(text) > NOTE_MAX:
        raise ValidationFailed(
            "The note is too long.",
            detail={"fields": {"text": f"is longer than {NOTE_MAX} characters"}},
        )
    if actor.party is None:
        raise Forbidden("A note belongs to a party; your account has none.")
    note = PersonNote.objects.create(person=person, party=actor.party, text=text, created_by=actor)
    append(
        actor=actor,
        action="person.note_added",
        object_type="person",
        object_id=person.uuid,
        data={"note": str(note.uuid)},
        personal={"text": text},
    )
    return note


@transaction.atomic
def merge_persons(*, actor: User, survivor: Person, merged: Person, reason: str) -> Merge:
    """Two records are one person: `merged` points at `survivor`; both histories stay."""
    require_role(actor, Role.CASEWORKER)
    errors = {}
    if not reason.strip():
        errors["reason"] = "is required"
    if survivor.pk == merged.pk:
        errors["merged"] = "is the same record as the survivor"
    if survivor.merged_into_id:
        errors["survivor"] = "was itself merged into another record"
    if merged.merged_into_id:
        errors["merged"] = "is already merged"
    if errors:
        raise ValidationFailed("The merge is not valid.", detail={"fields": errors})
    # Records merged into `merged` follow it, so no chain of merges is ever more than one deep.
    followers = list(Person.objects.filter(merged_into=merged).values_list("uuid", flat=True))
    Person.objects.filter(merged_into=merged).update(merged_into=survivor)
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
    merged.merged_into = survivor
    merge = Merge.objects.create(
        survivor=survivor, merged=merged, reason=reason.strip(), merged_by=actor
    )
    append(
        actor=actor,
        action="person.merged",
        object_type="person",
        object_id=survivor.uuid,
        data={
            "merge": str(merge.uuid),
            "merged": str(merged.uuid),
            "followers": [str(u) for u in followers],
        },
        personal={"reason": reason.strip()},
    )
    persons_entered(actor=actor, person_ids=[survivor.pk], trigger="merge")
    return merge


@transaction.atomic
def undo_merge(*, actor: User, merge: Merge, reason: str) -> Merge:
    require_role(actor, Role.CASEWORKER)
    if not reason.strip():
        raise ValidationFailed(
            "Say why the merge is undone.", detail={"fields": {"reason": "is required"}}
        )
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise Conflict("This merge was already undone.")
    merged = merge.merged
    if merged.merged_into_id != merge.survivor_id:
        raise Conflict("The record has been merged elsewhere since; undo that merge first.")
    Person.objects.filter(pk=merged.pk).update(merged_into=None)
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.undo_reason = reason.strip()
    merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    append(
        actor=actor,
        action="person.merge_undone",
        object_type="person",
        object_id=merge.survivor.uuid,
        data={"merge": str(merge.uuid), "merged": str(merged.uuid)},
        personal={"reason": reason.strip()},
    )
    return merge


# --- Bulk writes: an imported list, a visit report, the demo --------------------------------------
# One source brings many facts at once; each of these is one transaction and one ledger entry for
# the whole batch, committing to the created ids by digest, so a later change to which records came
# from the batch is detectable without a ledger entry per row.


def _digest(ids) -> str:
    return hashlib.sha256("\n".join(sorted(str(i) for i in ids)).encode()).hexdigest()


@transaction.atomic
def register_persons(
    *,
    actor: User,
    source: Source,
    rows: list[PersonFields],
    detaining_party: Party,
    parties: dict[str, Party] | None = None,
    event_kind: str = StatusKind.REPORTED_CAPTURED,
    event_date: PartialDate | None = None,
    action: str = "registry.registered",
) -> list[PersonRef]:
    """Registers validated persons held by `detaining_party`, each with a name, search keys,
    nationalities, a detention and one status event from `source`. Rows must be clean already
    (registry.validation); `parties` maps home-party codes to parties. `event_date` dates every
    status event; without it a notification is dated today, another report the capture date.

    Rows go in without model instances (lib/bulk.py): at 100,000 persons the dependent rows
    are over half a million, and building instances for them was most of an import's time."""
    require_role(actor, Role.CASEWORKER, Role.BUREAU_OFFICER)
    persons = _insert_persons(actor=actor, source=source, rows=rows, parties=parties or {})
    _insert_names(persons, rows, source)
    _insert_detentions(persons, rows, source, detaining_party)
    _insert_first_events(
        persons,
        rows,
        source=source,
        detaining_party=detaining_party,
        actor=actor,
        event_kind=event_kind,
        event_date=event_date,
    )
    append(
        actor=actor,
        action=action,
        object_type="source",
        object_id=source.uuid,
        data={
            "file_sha256": source.file_sha256,
            "rows": len(persons),
            "source_kind": source.kind,
            "party": source.party.code if source.party else None,
            "detaining_party": detaining_party.code,
            "persons_digest": _digest(p.uuid for p in persons),
        },
    )
    persons_entered(actor=actor, person_ids=[p.pk for p in persons], trigger="import")
    return persons


def _insert_persons(
    *, actor: User, source: Source, rows: list[PersonFields], parties: dict[str, Party]
) -> list[PersonRef]:
    """The person rows; returns their ids and uuids, in the rows' order."""
    uuids = [uuidlib.uuid4() for _ in rows]
    # On PostgreSQL the ids come from the sequence before the insert (one query); elsewhere
    # they are looked up by uuid after it.
    reserved = reserve_ids(Person, len(rows))
    insert_rows(
        Person,
        [
            *(["id"] if reserved else []),
            "uuid",
            "family_name",
            "given_name",
            "patronymic",
            "sex",
            "birth_date",
            "birth_place",
            "category",
            "service_number",
            "rank",
            "unit",
            "home_party_id",
            "father_name",
            "mother_maiden_name",
            "person_to_inform",
            "wounded",
            "created_by_id",
            "external_ids",
        ],
        (
            (
                *((reserved[i],) if reserved else ()),
                u,
                f.family_name,
                f.given_name,
                f.patronymic,
                f.sex,
                f.birth_date,
                f.birth_place,
                f.category,
                f.service_number,
                f.rank,
                f.unit,
                parties[f.home_party_code].pk if f.home_party_code in parties else None,
                f.father_name,
                f.mother_maiden_name,
                f.person_to_inform,
                f.wounded,
                actor.pk,
                {source.uuid.hex: f.external_id} if f.external_id else {},
            )
            for i, (u, f) in enumerate(zip(uuids, rows, strict=True))
        ),
    )
    if reserved:
        return [PersonRef(pk, u) for pk, u in zip(reserved, uuids, strict=True)]
    ids: dict[uuidlib.UUID, int] = {}
    for start in range(0, len(uuids), 5000):
        ids.update(
            Person.objects.filter(uuid__in=uuids[start : start + 5000]).values_list("uuid", "pk")
        )
    # Ids and uuids are all the callers use; loading every column back, or even building model
    # instances, would cost as much as writing the rows.
    return [PersonRef(ids[u], u) for u in uuids]


def _insert_names(persons: list[PersonRef], rows: list[PersonFields], source: Source) -> None:
    """Each person's primary name from the source, its search keys and nationalities."""
    insert_rows(
        PersonName,
        [
            "person_id",
            "family_name",
            "given_name",
            "patronymic",
            "script",
            "is_primary",
            "source_id",
        ],
        (
            (
                p.pk,
                f.family_name,
                f.given_name,
                f.patronymic,
                detect_script(f"{f.family_name} {f.given_name} {f.patronymic}"),
                True,
                source.pk,
            )
            for p, f in zip(persons, rows, strict=True)
        ),
    )
    insert_rows(
        NameKey,
        ["person_id", "key"],
        (
            (p.pk, k)
            for p, f in zip(persons, rows, strict=True)
            for k in name_keys(f.family_name, f.given_name, f.patronymic)
        ),
    )
    insert_rows(
        Nationality,
        ["person_id", "country"],
        ((p.pk, c) for p, f in zip(persons, rows, strict=True) for c in f.nationalities),
    )


def _insert_detentions(
    persons: list[PersonRef], rows: list[PersonFields], source: Source, detaining_party: Party
) -> None:
    insert_rows(
        Detention,
        [
            "person_id",
            "detaining_party_id",
            "captured_on",
            "capture_place",
            "internment_place",
            "source_id",
        ],
        (
            (
                p.pk,
                detaining_party.pk,
                f.captured_on,
                f.capture_place,
                f.internment_place,
                source.pk,
            )
            for p, f in zip(persons, rows, strict=True)
        ),
    )


def _insert_first_events(
    persons: list[PersonRef],
    rows: list[PersonFields],
    *,
    source: Source,
    detaining_party: Party,
    actor: User,
    event_kind: str,
    event_date: PartialDate | None,
) -> None:
    """Each person's first status event (see register_persons for its date)."""
    today = PartialDate.from_date(timezone.now().date())

    def date_of(f: PersonFields) -> PartialDate:
        return event_date or (
            today if event_kind == StatusKind.NOTIFIED else (f.captured_on or today)
        )

    insert_rows(
        StatusEvent,
        ["person_id", "kind", "date", "source_id", "party_id", "note", "recorded_by_id"],
        (
            (p.pk, event_kind, date_of(f), source.pk, detaining_party.pk, f.note, actor.pk)
            for p, f in zip(persons, rows, strict=True)
        ),
    )


class PersonRef(NamedTuple):
    """A registered person's id and uuid, as bulk actions return them."""

    pk: int
    uuid: uuidlib.UUID


@dataclass
class EventRow:
    person: Person | PersonRef
    kind: str
    date: PartialDate
    party: Party | None = None
    place: str = ""
    note: str = ""


@transaction.atomic
def record_events_from_source(*, actor: User, source: Source, rows: list[EventRow]) -> int:
    """Many status events from one source (a visit report, a published list): one ledger entry.
    The same rules as record_status_event, checked for every row before anything is written."""
    require_role(actor, Role.CASEWORKER)
    today = timezone.now().date()
    errors = {}
    for i, row in enumerate(rows, start=1):
        if row.kind not in StatusKind.values:
            errors[f"rows.{i}.kind"] = "unknown status"
        if row.date.is_after(today):
            errors[f"rows.{i}.date"] = f"{row.date} is in the future"
    if errors:
        raise ValidationFailed("Some events are not valid.", detail={"fields": errors})
    uuids = [uuidlib.uuid4() for _ in rows]
    insert_rows(
        StatusEvent,
        [
            "uuid",
            "person_id",
            "kind",
            "date",
            "source_id",
            "party_id",
            "place",
            "note",
            "recorded_by_id",
        ],
        (
            (
                u,
                r.person.pk,
                r.kind,
                r.date,
                source.pk,
                r.party.pk if r.party else None,
                r.place,
                r.note,
                actor.pk,
            )
            for u, r in zip(uuids, rows, strict=True)
        ),
    )
    append(
        actor=actor,
        action="status.recorded_batch",
        object_type="source",
        object_id=source.uuid,
        data={"events": len(rows), "events_digest": _digest(uuids)},
    )
    return len(rows)


@transaction.atomic
def add_names_from_source(
    *, actor: User, source: Source, rows: list[tuple[Person | PersonRef, str, str, str]]
) -> int:
    """Spellings that one source used for many persons, e.g. the other side's list."""
    require_role(actor, Role.CASEWORKER, Role.BUREAU_OFFICER)
    insert_rows(
        PersonName,
        [
            "person_id",
            "family_name",
            "given_name",
            "patronymic",
            "script",
            "is_primary",
            "source_id",
        ],
        (
            (p.pk, f, g, pat, detect_script(f"{f} {g} {pat}"), False, source.pk)
            for p, f, g, pat in rows
        ),
    )
    keys = {(p.pk, k) for p, f, g, pat in rows for k in name_keys(f, g, pat)}
    person_ids = list({p.pk for p, *_ in rows})
    existing: set[tuple[int, str]] = set()
    for start in range(0, len(person_ids), 5000):
        existing.update(
            NameKey.objects.filter(person_id__in=person_ids[start : start + 5000]).values_list(
                "person_id", "key"
            )
        )
    insert_rows(NameKey, ["person_id", "key"], sorted(keys - existing))
    append(
        actor=actor,
        action="person.names_added_batch",
        object_type="source",
        object_id=source.uuid,
        data={"names": len(rows), "persons_digest": _digest(p.uuid for p, *_ in rows)},
    )
    return len(rows)
