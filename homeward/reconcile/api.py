"""Reconciliation endpoints: published lists, runs, the report and the names behind its figures.

Upload a list (multipart), start a run, poll the run until `status` is `done`, then read the
report. Who may: caseworkers and bureau officers upload and run; caseworkers, bureau officers and
mediators read figures and names (names of persons in their scope); analysts read figures only,
small counts suppressed (`value` null); anyone else is refused (403). Every answer that names
persons is recorded in the access log.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Path, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from homeward.accounts.access import access_person, request_user
from homeward.accounts.models import Party
from homeward.exchanges.models import ListVersion
from homeward.exchanges.selectors import access_version
from homeward.lib.api_errors import ERRORS, WRITE_ERRORS
from homeward.lib.errors import Conflict, NotFound, ValidationFailed

from . import actions, selectors
from .export import export_report
from .models import EntryOutcome, Outcome, PublishedList, ReconciliationRun, RunStatus

router = Router(tags=["reconcile"])


class ErrorBody(Schema):
    code: str
    message: str
    detail: dict


class RunOut(Schema):
    uuid: uuidlib.UUID
    published_list: uuidlib.UUID
    status: str
    progress: int = Field(description="0–100")
    stage: str
    error: dict
    counts: dict = Field(description="rows per outcome, when done")
    register_size: int
    previous: uuidlib.UUID | None
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def of(r: ReconciliationRun) -> dict:
        return {
            "uuid": r.uuid,
            "published_list": r.published_list.uuid,
            "status": r.status,
            "progress": r.progress,
            "stage": r.stage,
            "error": r.error,
            "counts": r.counts,
            "register_size": r.register_size,
            "previous": r.previous.uuid if r.previous else None,
            "created_at": r.created_at,
            "finished_at": r.finished_at,
        }


class ListOut(Schema):
    uuid: uuidlib.UUID
    title: str
    published_by: str | None
    published_on: str | None
    url: str
    file_name: str
    file_sha256: str
    source: uuidlib.UUID
    rows: int
    created_at: dt.datetime
    latest_run: RunOut | None

    @staticmethod
    def of(p: PublishedList) -> dict:
        run = selectors.latest_run(p)
        return {
            "uuid": p.uuid,
            "title": p.source.title,
            "published_by": p.source.party.code if p.source.party else None,
            "published_on": str(p.source.date) if p.source.date else None,
            "url": p.url,
            "file_name": p.source.file_name,
            "file_sha256": p.source.file_sha256,
            "source": p.source.uuid,
            "rows": p.rows,
            "created_at": p.created_at,
            "latest_run": RunOut.of(run) if run else None,
        }


class FigureOut(Schema):
    key: str = Field(description="GET …/figures/{key} lists the names behind it")
    label: str
    value: int | None = Field(description="null: a small count suppressed for this reader")
    suppressed: bool
    parts: list[FigureOut]


class ReportOut(Schema):
    run: RunOut
    list_title: str
    total: int
    suppressed: bool
    figures: list[FigureOut]


class CandidateOut(Schema):
    person: uuidlib.UUID
    score: float
    explanation: str


class NameOut(Schema):
    line: int
    name: str = Field(description="as the list writes it")
    birth_date: str
    outcome: str
    person: uuidlib.UUID | None
    status: str
    detaining_party: str
    on_current_exchange_list: bool
    removals: list[str]
    refused: bool | None = Field(description="true: verified; false: not verified; null: none")
    score: float | None
    explanation: str
    candidates: list[CandidateOut]


class NamesOut(Schema):
    figure: str
    total: int
    outside_scope: int = Field(description="persons behind the figure you may not see")
    names: list[NameOut]


class DecisionIn(Schema):
    person: uuidlib.UUID
    verdict: str = Field(max_length=10, description="same or different")
    reason: str = Field(min_length=1, max_length=actions.REASON_MAX)


class DecisionOut(Schema):
    uuid: uuidlib.UUID
    line: int
    outcome: str


class RegisterIn(Schema):
    lines: list[Annotated[int, Field(ge=1, le=10_000_000)]] | None = Field(
        default=None, max_length=actions.MAX_ROWS, description="null: every unknown row"
    )
    detaining_party: str = Field(default="", max_length=16, pattern=r"^[A-Za-z0-9_-]*$")


class RegisterOut(Schema):
    registered: int


class ChangeOut(Schema):
    line: int
    name: str
    before: str
    after: str
    status_before: str
    status_after: str


class CompareOut(Schema):
    left: str
    right: str
    both: int | None
    only_left: int | None
    only_right: int | None
    changed_status: int | None
    not_in_register_left: int
    not_in_register_right: int


@router.get("/reconcile/lists", response={200: list[ListOut], **ERRORS})
def list_lists(request: HttpRequest, limit: int = Query(50, ge=1, le=200)):
    """Published lists, newest first."""
    user = request_user(request)
    return [ListOut.of(p) for p in selectors.lists(user)[:limit]]


@router.post("/reconcile/lists", response={201: ListOut, **WRITE_ERRORS})
def upload_list(
    request: HttpRequest,
    file: File[UploadedFile],
    published_by: str = Form(..., max_length=16),
    title: str = Form("", max_length=actions.TITLE_MAX),
    url: str = Form("", max_length=actions.URL_MAX),
    published_on: str = Form("", max_length=20),
):
    """Keeps a published person list (multipart `file`: CSV or XLSX, DESIGN §7) as a source and
    its rows as listed entries, never as persons. All rows or none: a bad row is named by line
    in `detail.lines`. The same file from the same party again: 409 with the list's uuid."""
    user = request_user(request)
    if file.size and file.size > actions.MAX_BYTES:
        raise ValidationFailed("The file is too large.", detail={"fields": {"file": "too large"}})
    plist = actions.upload_published_list(
        actor=user,
        content=file.read(actions.MAX_BYTES + 1),
        file_name=(file.name or "upload")[:255],
        published_by=published_by,
        title=title,
        url=url,
        published_on=published_on or None,
    )
    return Status(201, ListOut.of(plist))


@router.get("/reconcile/lists/{uuid}", response={200: ListOut, **ERRORS})
def get_list(request: HttpRequest, uuid: uuidlib.UUID):
    return ListOut.of(selectors.access_list(request_user(request), uuid))


@router.post("/reconcile/lists/{uuid}/runs", response={202: RunOut, **WRITE_ERRORS})
def start_run(request: HttpRequest, uuid: uuidlib.UUID):
    """Reconciles the whole list with the register in the background; poll GET
    /reconcile/runs/{uuid}. 409 while another run of the list is queued or running."""
    user = request_user(request)
    plist = selectors.access_list(user, uuid)
    run = actions.start_reconciliation(actor=user, published_list=plist)
    return Status(202, RunOut.of(run))


@router.get("/reconcile/runs/{uuid}", response={200: RunOut, **ERRORS})
def get_run(request: HttpRequest, uuid: uuidlib.UUID):
    return RunOut.of(selectors.access_run(request_user(request), uuid))


def _done(user, uuid) -> ReconciliationRun:
    run = selectors.access_run(user, uuid)
    if run.status != RunStatus.DONE:
        raise Conflict("The run has not finished.", code="run_not_done")
    return run


@router.get("/reconcile/runs/{uuid}/report", response={200: ReportOut, **WRITE_ERRORS})
def get_report(request: HttpRequest, uuid: uuidlib.UUID):
    """The figures that answer the list's claim; each `key` leads to the names behind it."""
    user = request_user(request)
    run = _done(user, uuid)
    r = selectors.report(user, run)
    return {
        "run": RunOut.of(run),
        "list_title": run.published_list.title,
        "total": r.total,
        "suppressed": r.suppressed,
        "figures": [f.as_dict() for f in r.figures],
    }


@router.get("/reconcile/runs/{uuid}/figures/{key}", response={200: NamesOut, **WRITE_ERRORS})
def get_figure(
    request: HttpRequest,
    uuid: uuidlib.UUID,
    key: str = Path(..., max_length=60),
    offset: int = Query(0, ge=0, le=actions.MAX_ROWS),
    limit: int = Query(200, ge=1, le=1000),
):
    """The names behind one figure (readers who may see names; analysts get 404)."""
    user = request_user(request)
    run = _done(user, uuid)
    names = selectors.names_behind(
        user, selectors.report(user, run), key, limit=limit, offset=offset
    )
    return {
        "figure": key,
        "total": names.total,
        "outside_scope": names.outside_scope,
        "names": [
            {
                "line": n.line,
                "name": n.name,
                "birth_date": n.birth_date,
                "outcome": n.outcome,
                "person": n.person.uuid if n.person else None,
                "status": n.status,
                "detaining_party": n.detaining_party,
                "on_current_exchange_list": n.on_lists,
                "removals": n.removals,
                "refused": n.refused,
                "score": n.score,
                "explanation": n.explanation,
                "candidates": [
                    {"person": c["person"], "score": c["score"], "explanation": c["explanation"]}
                    for c in n.candidates
                ],
            }
            for n in names.rows
        ],
    }


@router.get("/reconcile/runs/{uuid}/changes", response={200: list[ChangeOut], **WRITE_ERRORS})
def get_changes(request: HttpRequest, uuid: uuidlib.UUID):
    """Rows whose outcome, person or status changed since the list's previous run."""
    user = request_user(request)
    changes = selectors.changes_since_previous(user, _done(user, uuid))
    return [c.__dict__ for c in changes or []]


@router.get("/reconcile/runs/{uuid}/export", response={200: None, **WRITE_ERRORS})
def export(request: HttpRequest, uuid: uuidlib.UUID, format: str = Query("csv", max_length=4)):
    """The report as `csv` or `xlsx` (figures; and for readers who may see names, a row per
    listed entry)."""
    user = request_user(request)
    content, content_type, name = export_report(user, _done(user, uuid), format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _outcome(run: ReconciliationRun, line: int) -> EntryOutcome:
    o = run.outcomes.select_related("entry", "run__published_list").filter(entry__line=line).first()
    if o is None:
        raise NotFound("No such line in this run.")
    return o


@router.post(
    "/reconcile/runs/{uuid}/lines/{line}/decision",
    response={200: DecisionOut, **WRITE_ERRORS},
)
def decide(request: HttpRequest, uuid: uuidlib.UUID, line: int, payload: DecisionIn):
    """A caseworker's verdict on a possible row's candidate: `same` or `different`, with a
    reason. Kept for every later run of the list."""
    user = request_user(request)
    if not 1 <= line <= 10_000_000:
        raise NotFound("No such line in this run.")
    run = _done(user, uuid)
    person = access_person(user, payload.person)
    d = actions.decide_possible(
        actor=user,
        outcome=_outcome(run, line),
        person=person,
        verdict=payload.verdict,
        reason=payload.reason,
    )
    o = _outcome(run, line)
    return {"uuid": d.uuid, "line": line, "outcome": o.outcome}


@router.post(
    "/reconcile/runs/{uuid}/register-unknown",
    response={200: RegisterOut, **WRITE_ERRORS},
)
def register_unknown(request: HttpRequest, uuid: uuidlib.UUID, payload: RegisterIn):
    """Registers unknown rows (`lines`, or all of them) as persons reported captured from the
    list's source, held by `detaining_party` (default: the publishing party)."""
    user = request_user(request)
    run = _done(user, uuid)
    holder = None
    if payload.detaining_party:
        holder = Party.objects.filter(code=payload.detaining_party.upper()).first()
        if holder is None:
            raise ValidationFailed(
                "No such party.", detail={"fields": {"detaining_party": "unknown party"}}
            )
    qs = run.outcomes.filter(outcome=Outcome.UNKNOWN)
    if payload.lines is not None:
        qs = qs.filter(entry__line__in=payload.lines)
    n = actions.register_unknown(actor=user, outcomes=list(qs), detaining_party=holder)
    return {"registered": n}


@router.get("/reconcile/compare", response={200: CompareOut, **WRITE_ERRORS})
def compare(
    request: HttpRequest,
    left: uuidlib.UUID,
    right: uuidlib.UUID,
):
    """Two published lists (each by its latest finished run), or a published list and an
    exchange list version: persons on both, on one only, with a changed status."""
    user = request_user(request)
    a = selectors.access_list(user, left)
    run_a = selectors.latest_run(a, done=True)
    other: ReconciliationRun | ListVersion | None
    plist_b = PublishedList.objects.filter(uuid=right).first()
    if plist_b is not None:
        other = selectors.latest_run(plist_b, done=True)
    else:
        other = access_version(user, right)
    if run_a is None or other is None:
        raise Conflict("Reconcile both lists first.", code="run_not_done")
    c = selectors.compare(user, run_a, other)
    return {
        "left": c.left,
        "right": c.right,
        "both": c.both,
        "only_left": c.only_left,
        "only_right": c.only_right,
        "changed_status": c.changed_status,
        "not_in_register_left": c.unmatched_left,
        "not_in_register_right": c.unmatched_right,
    }
