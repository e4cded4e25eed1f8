"""Tracing endpoints: inquiries, their candidates, decisions. UUIDs in every URL.

Family liaisons and caseworkers file and read inquiries; bureau officers read the inquiries
about their notified nationals that the family agreed to share with them; caseworkers decide
candidates. Every read of personal data is recorded.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from homeward.accounts.access import record_list_access, request_user
from homeward.accounts.models import AccessKind

from . import actions
from .access import access_candidates, access_inquiries, access_inquiry, candidate_sides
from .models import Candidate, Inquiry

router = Router(tags=["tracing"])


class ErrorBody(Schema):
    code: str
    message: str
    detail: dict


class ErrorOut(Schema):
    error: ErrorBody


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class InquiryIn(Schema):
    """The sought person (any script; a name is required: family, given or full) and who asks."""

    family_name: str = Field("", max_length=200)
    given_name: str = Field("", max_length=200)
    patronymic: str = Field("", max_length=200)
    full_name: str = Field("", max_length=400)
    sex: Literal["M", "F", "U", ""] = "U"
    birth_date: str = Field(
        "", max_length=10, description="YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY"
    )
    birth_place: str = Field("", max_length=200)
    nationality: str = Field("", max_length=2)
    home_party: str = Field("", max_length=16, description="Party code, e.g. UA")
    service_number: str = Field("", max_length=60)
    rank: str = Field("", max_length=100)
    unit: str = Field("", max_length=200)
    category: Literal["", "military", "civilian", "medical", "religious"] = ""
    circumstances: str = Field("", max_length=5000)
    requester_name: str = Field(max_length=200)
    requester_relation: str = Field("", max_length=100)
    requester_contact: str = Field("", max_length=300)
    language: Literal["en", "uk", "ru"] = "uk"
    consent_parties: list[str] = Field(default_factory=list, max_length=20)
    channel: Literal["phone", "office", "ngo", "letter"] = "phone"
    partner: str = Field("", max_length=200)


class InquiryOut(Schema):
    uuid: uuidlib.UUID
    family_name: str
    given_name: str
    patronymic: str
    full_name: str
    sex: str
    birth_date: str | None
    birth_place: str
    home_party: str | None
    circumstances: str
    requester_name: str
    requester_relation: str
    language: str
    consent_parties: list[str]
    channel: str
    state: str
    overdue: bool
    linked_person: uuidlib.UUID | None
    created_at: dt.datetime
    answered_at: dt.datetime | None

    @staticmethod
    def of(i: Inquiry) -> dict:
        return {
            "uuid": i.uuid,
            "family_name": i.family_name,
            "given_name": i.given_name,
            "patronymic": i.patronymic,
            "full_name": i.full_name,
            "sex": i.sex,
            "birth_date": str(i.birth_date) if i.birth_date else None,
            "birth_place": i.birth_place,
            "home_party": i.home_party.code if i.home_party_id and i.home_party else None,
            "circumstances": i.circumstances,
            "requester_name": i.requester_name,
            "requester_relation": i.requester_relation,
            "language": i.language,
            "consent_parties": list(i.consent_parties or []),
            "channel": i.channel,
            "state": i.state,
            "overdue": i.is_overdue(),
            "linked_person": i.linked_person.uuid
            if i.linked_person_id and i.linked_person
            else None,
            "created_at": i.created_at,
            "answered_at": i.answered_at,
        }


class InquiryPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[InquiryOut]


class PartOut(Schema):
    comparison: str
    level: str
    weight: float


class CandidateOut(Schema):
    uuid: uuidlib.UUID
    kind: str
    inquiry: uuidlib.UUID | None
    score: float
    origin: str
    state: str
    verdict: str
    version: int
    decision: str = Field(description="The engine's: match, possible, or name (found by name only)")
    explanation: list[PartOut]
    person: dict
    other_person: dict | None


def _candidates_out(user, candidates: list[Candidate]) -> list[dict]:
    sides = candidate_sides(user, candidates) if candidates else {}
    out = []
    for c in candidates:
        exp = c.explanation or {}
        out.append(
            {
                "uuid": c.uuid,
                "kind": c.kind,
                "inquiry": c.inquiry.uuid if c.inquiry_id and c.inquiry else None,
                "score": c.score,
                "origin": c.origin,
                "state": c.state,
                "verdict": c.verdict,
                "version": c.version,
                "decision": str(exp.get("decision", "")),
                "explanation": [p for p in exp.get("parts", []) if isinstance(p, dict)],
                "person": sides[c.person_id].as_json(),
                "other_person": sides[c.other_person_id].as_json() if c.other_person_id else None,
            }
        )
    return out


class FiledOut(InquiryOut):
    candidates: list[CandidateOut]


@router.get("/inquiries", response={200: InquiryPage, **ERRORS})
def list_inquiries(
    request: HttpRequest,
    state: Literal["", "open", "answered", "closed", "reopened"] = "",
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
):
    """Inquiries you may see, newest first. The read is recorded with the ids returned."""
    user = request_user(request)
    qs = access_inquiries(user).select_related("home_party", "linked_person")
    if state:
        qs = qs.filter(state=state)
    page = list(qs.order_by("-created_at", "-id")[offset : offset + limit])
    record_list_access(
        user, object_type="inquiry", uuids=[i.uuid for i in page], kind=AccessKind.API
    )
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "results": [InquiryOut.of(i) for i in page],
    }


@router.post("/inquiries", response={201: FiledOut, **ERRORS})
def file_inquiry(request: HttpRequest, payload: InquiryIn):
    """Files a family's inquiry (family liaisons, caseworkers) and searches the register at
    once: the answer carries the best candidates, best first, with the engine's explanation."""
    user = request_user(request)
    inquiry = actions.file_inquiry(actor=user, fields=payload.dict())
    candidates = list(
        Candidate.objects.filter(inquiry=inquiry).select_related("inquiry").order_by("-score", "id")
    )
    return Status(201, {**InquiryOut.of(inquiry), "candidates": _candidates_out(user, candidates)})


@router.get("/inquiries/{uuid}", response={200: InquiryOut, **ERRORS})
def get_inquiry(request: HttpRequest, uuid: uuidlib.UUID):
    """One inquiry. The read is recorded."""
    return InquiryOut.of(access_inquiry(request_user(request), uuid, kind=AccessKind.API))


@router.get("/inquiries/{uuid}/candidates", response={200: list[CandidateOut], **ERRORS})
def inquiry_candidates(request: HttpRequest, uuid: uuidlib.UUID):
    """The inquiry's candidates, best first: of each person only what the comparison needs
    (caseworkers also see the current status and holder). The persons shown are recorded."""
    user = request_user(request)
    inquiry = access_inquiry(user, uuid, kind=AccessKind.API)
    candidates = list(
        access_candidates(user)
        .filter(inquiry=inquiry)
        .select_related("inquiry")
        .order_by("-score", "id")[:50]
    )
    return _candidates_out(user, candidates)


class StateIn(Schema):
    action: Literal["answer", "close", "reopen"]
    note: str = Field("", max_length=2000)


@router.post("/inquiries/{uuid}/state", response={200: InquiryOut, 409: ErrorOut, **ERRORS})
def change_state(request: HttpRequest, uuid: uuidlib.UUID, payload: StateIn):
    """answer (with a note saying what the family was told), close, or reopen (with a note)."""
    user = request_user(request)
    inquiry = access_inquiry(user, uuid, kind=AccessKind.API)
    do = {
        "answer": actions.answer_inquiry,
        "close": actions.close_inquiry,
        "reopen": actions.reopen_inquiry,
    }[payload.action]
    return InquiryOut.of(do(actor=user, inquiry=inquiry, note=payload.note))


class DecisionIn(Schema):
    verdict: Literal["same", "different", "unsure"]
    reason: str = Field("", max_length=2000)
    version: int | None = Field(
        None, ge=0, le=2**31 - 1, description="The candidate's version you looked at"
    )


class DecisionOut(Schema):
    uuid: uuidlib.UUID
    verdict: str
    candidate_state: str
    candidate_version: int


@router.post("/candidates/{uuid}/decisions", response={201: DecisionOut, 409: ErrorOut, **ERRORS})
def decide(request: HttpRequest, uuid: uuidlib.UUID, payload: DecisionIn):
    """A caseworker's verdict. With `version`, refused (409) if the candidate changed since;
    without it, refused if the candidate is no longer waiting for review."""
    user = request_user(request)
    # Scope first: a candidate the user may not see answers as unknown.
    from .access import access_candidate

    access_candidate(user, uuid)
    decision = actions.decide(
        actor=user,
        candidate_uuid=uuid,
        verdict=payload.verdict,
        reason=payload.reason,
        version=payload.version,
    )
    c = Candidate.objects.get(pk=decision.candidate_id)
    return Status(
        201,
        {
            "uuid": decision.uuid,
            "verdict": decision.verdict,
            "candidate_state": c.state,
            "candidate_version": c.version,
        },
    )
