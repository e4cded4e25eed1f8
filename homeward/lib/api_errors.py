"""The error statuses an API route declares in its schema, in the one error shape. Spread them
into a route's responses: `@router.get(..., response={200: Out, **ERRORS})`; writes use
WRITE_ERRORS. (Kept apart from homeward/api.py so that app routers can import it without an
import cycle.)"""

from __future__ import annotations

from ninja import Schema


class ErrorBody(Schema):
    code: str
    message: str
    detail: dict


class ErrorOut(Schema):
    """Every error answer: {"error": {"code", "message", "detail"}}."""

    error: ErrorBody


def errors(*statuses: int) -> dict[int, type[Schema]]:
    return dict.fromkeys(statuses, ErrorOut)


# 401 without a login or token, 403 for a role that may not, 404 for an unknown or out-of-scope
# record (one answer for both), 422 for bad input (each field named).
ERRORS = errors(401, 403, 404, 422)
# Writes may also meet a conflict (409) and a body over the limit (413).
WRITE_ERRORS = errors(401, 403, 404, 409, 413, 422)
# Routes open to anyone still refuse bad input.
PUBLIC_ERRORS = errors(404, 422)


# Integers from a request never reach the database above this: offsets, sequence numbers and
# sizes past it (a bigint holds 2**63 - 1) answer 422 instead of an overflow inside the query.
MAX_INT = 2**53


def enum(values, *, blank: bool = False) -> dict:
    """`json_schema_extra` documenting a code field's values as an enum in the schema, while the
    action keeps the refusal (422 naming the field, in its own words)."""
    return {"enum": ([""] if blank else []) + [str(v) for v in values]}
