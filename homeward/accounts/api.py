"""The access log as an API: who read a person's record, single views and list reads alike.

For caseworkers and auditors. Answers hold ids, users and times, never a registered person's
name: the auditor "sees actions, not personal data"."""

from __future__ import annotations

import uuid as uuidlib
from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from homeward.lib.errors import Forbidden

from .guards import can_see_access_log, request_user, who_saw

router = Router(tags=["access log"])


class ErrorBody(Schema):
    code: str
    message: str
    detail: dict


class ErrorOut(Schema):
    error: ErrorBody


class ReadOut(Schema):
    at: datetime
    user: str
    role: str
    kind: str
    object_type: str
    count: int
    within: str


class ReadsOut(Schema):
    count: int
    results: list[ReadOut]


@router.get(
    "/access-log",
    response={200: ReadsOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
)
def reads_of(
    request: HttpRequest,
    person: uuidlib.UUID,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
):
    """Every recorded read of one person's record, newest first: views of the record, exports,
    and every list (page, API page, source, exchange list) that returned it."""
    user = request_user(request)
    if not can_see_access_log(user):
        raise Forbidden("Your role does not read the access log.", code="forbidden_role")
    qs = who_saw(person)
    rows = qs.select_related("user")[offset : offset + limit]
    return {
        "count": qs.count(),
        "results": [
            {
                "at": r.at,
                "user": r.user.username,
                "role": r.user.role,
                "kind": r.kind,
                "object_type": r.object_type,
                "count": r.count,
                "within": str(r.detail.get("within", "")) if isinstance(r.detail, dict) else "",
            }
            for r in rows
        ],
    }
