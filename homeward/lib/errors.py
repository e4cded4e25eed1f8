"""One exception base for domain errors; the API and the pages turn it into one error shape."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the rules refuse. `code` is machine-readable; `message` is for a person."""

    code = "invalid"
    status = 400

    def __init__(
        self, message: str, *, code: str | None = None, detail: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.detail = detail or {}

    def as_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "detail": self.detail}}


class ValidationFailed(DomainError):
    """Input that names a field or line that is wrong; `detail` maps field (or line) to reason."""

    code = "validation_failed"
    status = 422


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The thing changed under the caller (e.g. a draft edited by someone else meanwhile)."""

    code = "conflict"
    status = 409
