"""Claims endpoints: reports (a media source and its text) and the claims read from them.

Analysts and mediators only; no personal data is ever returned (figures are counts, and the
register's counts under the small-count threshold are suppressed). UUIDs in every URL.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from homeward.accounts.access import request_user, require_role
from homeward.lib.errors import NotFound

from . import actions, selectors
from .models import Claim, ClaimStatus, Report

router = Router(tags=["claims"])


class ErrorBody(Schema):
    code: str
    message: str
    detail: dict


class ErrorOut(Schema):
    error: ErrorBody


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ClaimOut(Schema):
    uuid: uuidlib.UUID
    report: uuidlib.UUID
    counts: str
    low: float | None
    high: float | None
    kind: str
    claimant: str
    side: str | None
    held_by: str | None
    of_party: str | None
    category: str
    refers_to: dt.date | None
    quote: str
    figure: str
    status: str
    population: str
    register_figure: str | None = Field(
        description="The register's figure beside a confirmed claim"
    )

    @staticmethod
    def of(c: Claim) -> dict:
        register = None
        if c.status == ClaimStatus.CONFIRMED:
            register = selectors.gap_text(c, selectors.register_figure(c))
        return {
            "uuid": c.uuid,
            "report": c.report.uuid,
            "counts": c.counts,
            "low": c.low,
            "high": c.high,
            "kind": c.kind,
            "claimant": c.claimant,
            "side": c.side.code if c.side else None,
            "held_by": c.held_by.code if c.held_by else None,
            "of_party": c.of_party.code if c.of_party else None,
            "category": c.category,
            "refers_to": c.refers_to,
            "quote": c.quote,
            "figure": c.figure,
            "status": c.status,
            "population": c.population_key,
            "register_figure": register,
        }


class ReportOut(Schema):
    uuid: uuidlib.UUID
    title: str
    outlet: str
    url: str
    published_on: dt.date | None
    language: str
    sha256: str
    grade: str
    created_at: dt.datetime
    claims: list[ClaimOut]

    @staticmethod
    def of(r: Report) -> dict:
        claims = r.claims.select_related("report", "side", "held_by", "of_party")
        return {
            "uuid": r.uuid,
            "title": r.title,
            "outlet": r.outlet,
            "url": r.url,
            "published_on": r.published_on,
            "language": r.language,
            "sha256": r.sha256,
            "grade": r.source.grade,
            "created_at": r.created_at,
            "claims": [ClaimOut.of(c) for c in claims],
        }


class ReportIn(Schema):
    text: str = Field(min_length=1, max_length=200_000)
    outlet: str = Field(min_length=1, max_length=200)
    title: str = Field("", max_length=300)
    url: str = Field("", max_length=1000)
    published_on: dt.date | None = None
    language: str = Field("en", pattern="^(en|uk|ru)$")
    reliability: str = Field("F", pattern="^[A-F]$")
    credibility: str = Field("6", pattern="^[1-6]$")


class ConfirmIn(Schema):
    """Corrections to a proposal; every field left out keeps what was proposed."""

    counts: str | None = Field(None, max_length=24)
    low: float | None = Field(None, ge=0, le=1e9)
    high: float | None = Field(None, ge=0, le=1e9)
    kind: str | None = Field(None, pattern="^(count|share)$")
    claimant: str | None = Field(None, max_length=300)
    side: str | None = Field(None, max_length=16)
    note: str = Field("", max_length=2000)


class RejectIn(Schema):
    note: str = Field("", max_length=2000)


def _user(request):
    user = request_user(request)
    require_role(user, *actions.ROLES)
    return user


def _report(uuid: uuidlib.UUID) -> Report:
    report = Report.objects.select_related("source").filter(uuid=uuid).first()
    if report is None:
        raise NotFound("No such report.")
    return report


def _claim(uuid: uuidlib.UUID) -> Claim:
    claim = (
        Claim.objects.select_related("report", "side", "held_by", "of_party")
        .filter(uuid=uuid)
        .first()
    )
    if claim is None:
        raise NotFound("No such claim.")
    return claim


@router.get("/reports", response={200: list[ReportOut], **ERRORS})
def list_reports(request: HttpRequest):
    """Reports, newest first, each with its claims (proposed, confirmed and rejected)."""
    _user(request)
    return [ReportOut.of(r) for r in Report.objects.select_related("source")[:200]]


@router.post("/reports", response={201: ReportOut, **ERRORS})
def create_report(request: HttpRequest, payload: ReportIn):
    """Adds a report from pasted text; the extractor proposes its claims at once."""
    user = _user(request)
    report = actions.add_report(actor=user, **payload.dict())
    return Status(201, ReportOut.of(report))


@router.get("/reports/{uuid}", response={200: ReportOut, **ERRORS})
def get_report(request: HttpRequest, uuid: uuidlib.UUID):
    _user(request)
    return ReportOut.of(_report(uuid))


class ClaimFilter(Schema):
    status: str | None = Field(None, pattern="^(proposed|confirmed|rejected)$")
    population: str | None = Field(None, max_length=100)


@router.get("/claims", response={200: list[ClaimOut], **ERRORS})
def list_claims(request: HttpRequest, filters: Query[ClaimFilter]):
    """Claims; confirmed ones carry the register's figure beside them (`register_figure`)."""
    _user(request)
    if filters.population:
        claims = selectors.population_claims(filters.population)
        return [ClaimOut.of(c) for c in claims]
    qs = Claim.objects.select_related("report", "side", "held_by", "of_party")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return [ClaimOut.of(c) for c in qs.order_by("-id")[:500]]


@router.post("/claims/{uuid}/confirm", response={200: ClaimOut, **ERRORS})
def confirm(request: HttpRequest, uuid: uuidlib.UUID, payload: ConfirmIn):
    """Confirms a proposed claim, with corrections; an impossible interval is refused (422)."""
    user = _user(request)
    kwargs = payload.dict(exclude={"low", "high"})
    # A bound sent (null included: open) replaces the proposed one; a bound left out keeps it.
    for bound in ("low", "high"):
        if bound in payload.model_fields_set:
            kwargs[bound] = getattr(payload, bound)
    return ClaimOut.of(actions.confirm_claim(actor=user, claim=_claim(uuid), **kwargs))


@router.post("/claims/{uuid}/reject", response={200: ClaimOut, **ERRORS})
def reject(request: HttpRequest, uuid: uuidlib.UUID, payload: RejectIn):
    user = _user(request)
    return ClaimOut.of(actions.reject_claim(actor=user, claim=_claim(uuid), note=payload.note))
