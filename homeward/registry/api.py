"""Register endpoints: persons, status events, sources, imports. UUIDs in every URL."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from homeward.accounts.access import (
    access_person,
    access_persons,
    record_list_access,
    request_user,
    require_role,
)
from homeward.accounts.models import AccessKind, Party, Role
from homeward.lib.api_errors import ERRORS, MAX_INT, WRITE_ERRORS, enum
from homeward.lib.errors import NotFound, ValidationFailed

from . import actions
from .importing import refuse_oversize
from .models import ImportJob, Source, SourceKind, StatusEvent, StatusKind
from .selectors import PersonFilter, attach_current, filter_persons, timeline
from .tasks import queue_import

router = Router(tags=["register"])


class PersonOut(Schema):
    uuid: uuidlib.UUID
    family_name: str
    given_name: str
    patronymic: str
    sex: str
    birth_date: str | None
    category: str
    rank: str
    home_party: str | None
    detaining_party: str | None
    current_status: str | None

    @staticmethod
    def of(p) -> dict:
        return {
            "uuid": p.uuid,
            "family_name": p.family_name,
            "given_name": p.given_name,
            "patronymic": p.patronymic,
            "sex": p.sex,
            "birth_date": str(p.birth_date) if p.birth_date else None,
            "category": p.category,
            "rank": p.rank,
            "home_party": p.home_party.code if p.home_party else None,
            "detaining_party": getattr(p, "detaining_party_code", None),
            "current_status": getattr(p, "current_status", None),
        }


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[PersonOut]


class NameOut(Schema):
    family_name: str
    given_name: str
    patronymic: str
    script: str
    primary: bool
    source: uuidlib.UUID | None


class DetentionOut(Schema):
    uuid: uuidlib.UUID
    detaining_party: str
    captured_on: str | None
    capture_place: str
    internment_place: str


class EventOut(Schema):
    uuid: uuidlib.UUID
    kind: str
    date: str
    source: uuidlib.UUID
    party: str | None
    place: str
    note: str
    supersedes: uuidlib.UUID | None
    superseded: bool
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def of(e: StatusEvent) -> dict:
        return {
            "uuid": e.uuid,
            "kind": e.kind,
            "date": str(e.date),
            "source": e.source.uuid,
            "party": e.party.code if e.party else None,
            "place": e.place,
            "note": e.note,
            "supersedes": e.supersedes.uuid if e.supersedes else None,
            "superseded": _superseded(e),
            "recorded_by": e.recorded_by.username,
            "recorded_at": e.recorded_at,
        }


class PersonDetailOut(PersonOut):
    birth_place: str
    nationalities: list[str]
    service_number: str
    unit: str
    father_name: str
    mother_maiden_name: str
    person_to_inform: str
    wounded: bool
    merged_into: uuidlib.UUID | None
    names: list[NameOut]
    detentions: list[DetentionOut]
    events: list[EventOut]


@router.get("/persons", response={200: PersonPage, **ERRORS})
def list_persons(
    request: HttpRequest,
    q: str = "",
    status: str = "",
    detaining_party: str = "",
    category: str = "",
    nationality: str = "",
    born_from: str = "",
    born_to: str = "",
    captured_from: str = "",
    captured_to: str = "",
    sort: str = "name",
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_INT),
):
    """Persons within your scope. `q` matches any spelling of any name part, in any script
    (each word is matched as a prefix). Dates: YYYY, YYYY-MM or YYYY-MM-DD. `sort`: name, -name,
    born, -born, registered, -registered."""
    flt = PersonFilter.from_params(
        {
            "q": q,
            "status": status,
            "detaining_party": detaining_party,
            "category": category,
            "nationality": nationality,
            "born_from": born_from,
            "born_to": born_to,
            "captured_from": captured_from,
            "captured_to": captured_to,
            "sort": sort,
        }
    )
    qs = filter_persons(access_persons(request_user(request)), flt)
    page = list(qs.select_related("home_party")[offset : offset + limit])
    attach_current(page)
    record_list_access(
        request_user(request),
        object_type="person",
        uuids=[p.uuid for p in page],
        kind=AccessKind.API,
    )
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "results": [PersonOut.of(p) for p in page],
    }


def _detail(person) -> dict:
    attach_current([person])
    return {
        **PersonOut.of(person),
        "birth_place": person.birth_place,
        "nationalities": list(person.nationalities.values_list("country", flat=True)),
        "service_number": person.service_number,
        "unit": person.unit,
        "father_name": person.father_name,
        "mother_maiden_name": person.mother_maiden_name,
        "person_to_inform": person.person_to_inform,
        "wounded": person.wounded,
        "merged_into": person.merged_into.uuid if person.merged_into_id else None,
        "names": [
            {
                "family_name": n.family_name,
                "given_name": n.given_name,
                "patronymic": n.patronymic,
                "script": n.script,
                "primary": n.is_primary,
                "source": n.source.uuid if n.source else None,
            }
            for n in person.names.select_related("source")
        ],
        "detentions": [
            {
                "uuid": d.uuid,
                "detaining_party": d.detaining_party.code,
                "captured_on": str(d.captured_on) if d.captured_on else None,
                "capture_place": d.capture_place,
                "internment_place": d.internment_place,
            }
            for d in person.detentions.select_related("detaining_party")
        ],
        "events": [EventOut.of(e) for e in timeline(person)],
    }


@router.get("/persons/{uuid}", response={200: PersonDetailOut, **ERRORS})
def get_person(request: HttpRequest, uuid: uuidlib.UUID):
    """One person's record with names, detentions and status history. The read is recorded."""
    return _detail(access_person(request_user(request), uuid, kind=AccessKind.API))


class NotificationIn(Schema):
    """GC III Art. 122 particulars. A bureau officer's detaining party is its own."""

    family_name: str = Field(max_length=200)
    given_name: str = Field("", max_length=200)
    patronymic: str = Field("", max_length=200)
    sex: str = "U"
    birth_date: str | None = Field(None, description="YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY")
    birth_place: str = ""
    nationalities: list[str] = []
    category: str = "military"
    service_number: str = ""
    rank: str = ""
    unit: str = ""
    home_party_code: str = ""
    father_name: str = ""
    mother_maiden_name: str = ""
    person_to_inform: str = ""
    captured_on: str | None = None
    capture_place: str = ""
    internment_place: str = ""
    wounded: bool = False
    detaining_party: str | None = Field(None, description="Party code; caseworkers only")


def _party(code: str | None, field: str) -> Party | None:
    if not code:
        return None
    party = Party.objects.filter(code=code.upper()).first()
    if party is None:
        raise ValidationFailed("Unknown party.", detail={"fields": {field: "unknown party code"}})
    return party


@router.post("/persons", response={201: PersonDetailOut, **WRITE_ERRORS})
def notify_capture(request: HttpRequest, payload: NotificationIn):
    """Registers a person by capture notification (bureau officers and caseworkers)."""
    data = payload.dict()
    detaining = _party(data.pop("detaining_party"), "detaining_party")
    person = actions.notify_capture(
        actor=request_user(request), fields=data, detaining_party=detaining
    )
    return Status(201, _detail(person))


class EventIn(Schema):
    kind: str = Field(json_schema_extra=enum(StatusKind.values))
    date: str
    source: uuidlib.UUID
    party: str | None = None
    place: str = Field("", max_length=200)
    note: str = Field("", max_length=5000)
    supersedes: uuidlib.UUID | None = Field(None, description="The event this one corrects")


@router.get("/persons/{uuid}/events", response={200: list[EventOut], **ERRORS})
def list_events(request: HttpRequest, uuid: uuidlib.UUID):
    """A person's status history, oldest first, corrections included."""
    return [
        EventOut.of(e)
        for e in timeline(access_person(request_user(request), uuid, kind=AccessKind.API))
    ]


@router.post("/persons/{uuid}/events", response={201: EventOut, **WRITE_ERRORS})
def record_event(request: HttpRequest, uuid: uuidlib.UUID, payload: EventIn):
    """Appends a status event; with `supersedes`, a correction of an earlier one."""
    person = access_person(request_user(request), uuid, kind=AccessKind.API)
    source = Source.objects.filter(uuid=payload.source).first()
    if source is None:
        raise ValidationFailed("Unknown source.", detail={"fields": {"source": "no such source"}})
    supersedes = None
    if payload.supersedes:
        supersedes = StatusEvent.objects.filter(uuid=payload.supersedes).first()
        if supersedes is None:
            raise ValidationFailed(
                "Unknown event.", detail={"fields": {"supersedes": "no such event"}}
            )
    event = actions.record_status_event(
        actor=request_user(request),
        person=person,
        kind=payload.kind,
        date=payload.date,
        source=source,
        party=_party(payload.party, "party"),
        place=payload.place,
        note=payload.note,
        supersedes=supersedes,
    )
    return Status(201, EventOut.of(event))


class SourceOut(Schema):
    uuid: uuidlib.UUID
    kind: str
    title: str
    party: str | None
    date: str | None
    reliability: str
    credibility: str
    file_sha256: str

    @staticmethod
    def of(s: Source) -> dict:
        return {
            "uuid": s.uuid,
            "kind": s.kind,
            "title": s.title,
            "party": s.party.code if s.party else None,
            "date": str(s.date) if s.date else None,
            "reliability": s.reliability,
            "credibility": s.credibility,
            "file_sha256": s.file_sha256,
        }


class SourceIn(Schema):
    kind: str = Field(json_schema_extra=enum(SourceKind.values))
    title: str
    party: str | None = None
    date: str | None = None
    reliability: str = Field("F", json_schema_extra=enum("ABCDEF"))
    credibility: str = Field("6", json_schema_extra=enum("123456"))
    note: str = ""


def _sources_for(user):
    require_role(user, Role.CASEWORKER, Role.BUREAU_OFFICER, Role.FAMILY_LIAISON, Role.MEDIATOR)
    qs = Source.objects.select_related("party").order_by("-created_at")
    if user.role in (Role.BUREAU_OFFICER, Role.MEDIATOR):
        qs = qs.filter(party_id=user.party_id)
    return qs


@router.get("/sources", response={200: list[SourceOut], **ERRORS})
def list_sources(
    request: HttpRequest,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_INT),
):
    """Sources you may see (a party's officers see their party's sources)."""
    return [SourceOut.of(s) for s in _sources_for(request_user(request))[offset : offset + limit]]


@router.get("/sources/{uuid}", response={200: SourceOut, **ERRORS})
def get_source(request: HttpRequest, uuid: uuidlib.UUID):
    source = _sources_for(request_user(request)).filter(uuid=uuid).first()
    if source is None:
        raise NotFound("No such source.")
    return SourceOut.of(source)


@router.post("/sources", response={201: SourceOut, **WRITE_ERRORS})
def create_source(request: HttpRequest, payload: SourceIn):
    """Records a source with its kind, party, date and Admiralty grade (A–F, 1–6)."""
    from homeward.lib.dates import PartialDate, PartialDateError

    date = None
    if payload.date:
        try:
            date = PartialDate.parse(payload.date)
        except PartialDateError as exc:
            raise ValidationFailed("Bad date.", detail={"fields": {"date": str(exc)}}) from None
    source = actions.create_source(
        actor=request_user(request),
        kind=payload.kind,
        title=payload.title,
        party=_party(payload.party, "party") or request_user(request).party,
        date=date,
        reliability=payload.reliability,
        credibility=payload.credibility,
        note=payload.note,
    )
    return Status(201, SourceOut.of(source))


class ImportOut(Schema):
    uuid: uuidlib.UUID
    file_name: str
    status: str
    dry_run: bool
    total_rows: int
    done_rows: int
    created: int
    errors: list[dict]
    source: uuidlib.UUID | None

    @staticmethod
    def of(j: ImportJob) -> dict:
        return {
            "uuid": j.uuid,
            "file_name": j.file_name,
            "status": j.status,
            "dry_run": j.dry_run,
            "total_rows": j.total_rows,
            "done_rows": j.done_rows,
            "created": j.created_count,
            "errors": j.errors,
            "source": j.source.uuid if j.source else None,
        }


@router.post("/imports", response={202: ImportOut, **WRITE_ERRORS})
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    party: Form[str],
    source_kind: Form[str] = "list",
    dry_run: Form[bool] = False,
):
    """Queues a person-list import (multipart: `file`, `party`, `source_kind`, `dry_run`).
    Poll GET /imports/{uuid}: all rows are imported, or none and `errors` lists every bad line."""
    user = request_user(request)
    require_role(user, Role.CASEWORKER, Role.BUREAU_OFFICER)
    refuse_oversize(file.size or 0)  # before the file is read into memory
    target = _party(party, "party")
    if target is None:
        raise ValidationFailed("Name the party.", detail={"fields": {"party": "is required"}})
    job = queue_import(
        actor=user,
        file_name=file.name or "upload",
        content=file.read(),
        source_kind=source_kind,
        party=target,
        dry_run=dry_run,
    )
    return Status(202, ImportOut.of(job))


@router.get("/imports/{uuid}", response={200: ImportOut, **ERRORS})
def get_import(request: HttpRequest, uuid: uuidlib.UUID):
    user = request_user(request)
    require_role(user, Role.CASEWORKER, Role.BUREAU_OFFICER)
    qs = ImportJob.objects.select_related("source").defer("content")
    if user.role == Role.BUREAU_OFFICER:
        qs = qs.filter(party=user.party)
    job = qs.filter(uuid=uuid).first()
    if job is None:
        raise NotFound("No such import.")
    return ImportOut.of(job)


def _superseded(e: StatusEvent) -> bool:
    try:
        return e.superseded_by is not None
    except StatusEvent.DoesNotExist:
        return False
