"""The versioned JSON API: /api/v1/, OpenAPI 3 schema at /api/v1/openapi.json.

Authentication: a session (with CSRF, as the pages use) or a per-user token sent as
`Authorization: Bearer hw_…`. Every error has one shape:
    {"error": {"code": "machine_readable", "message": "for a person", "detail": {...}}}
Each app contributes a router in its own api.py.
"""

from __future__ import annotations

import json
import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from homeward.accounts.models import ApiToken
from homeward.lib.api_errors import ERRORS, WRITE_ERRORS, ErrorOut
from homeward.lib.errors import DomainError, Forbidden, ValidationFailed
from homeward.lib.text import find_bad_character

log = logging.getLogger(__name__)


# ErrorOut and the ERRORS dicts routes spread into their responses (re-exported here).
__all__ = ["ERRORS", "WRITE_ERRORS", "ErrorOut", "api"]


class GuardedParser(Parser):
    """Refuses, naming the field, any text in a JSON body, query or form that carries a control
    character, a lone surrogate or a non-character (a NUL breaks PostgreSQL; the others break
    exports): one check for every endpoint, before any lookup runs."""

    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValidationFailed(
                "The body is not valid JSON.", detail={"fields": {"body": str(exc)[:200]}}
            ) from None
        _refuse_bad_text(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        _refuse_bad_text(result)
        return result


def _refuse_bad_text(data) -> None:
    if found := find_bad_character(data):
        field, reason = found
        raise ValidationFailed("Some fields are not valid.", detail={"fields": {field: reason}})


class TokenAuth(HttpBearer):
    """A token that is unknown, revoked, expired, or whose user is inactive answers 401; a
    read-only token on any method but GET, HEAD or OPTIONS answers 403."""

    def authenticate(self, request, token: str):
        if len(token) > 200:
            return None
        now = timezone.now()
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        if row.read_only and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise Forbidden("This token is read-only.", code="read_only_token")
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class TokenHeaderAuth(APIKeyHeader):
    """Also accepts `X-API-Token: hw_…` for clients that cannot set Authorization."""

    param_name = "X-API-Token"

    def authenticate(self, request, key):
        return TokenAuth().authenticate(request, key) if key else None


api = NinjaAPI(
    title="Homeward API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), TokenHeaderAuth(), django_auth],
    description=__doc__,
    parser=GuardedParser(),
)


def _error(request, status: int, code: str, message: str, detail: dict | None = None):
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "detail": detail or {}}},
        status=status,
    )


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.code, exc.message, exc.detail)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    fields: dict[str, str] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields[".".join(loc) or "body"] = err.get("msg", "invalid")
    return _error(
        request, 422, "validation_failed", "Some fields are not valid.", {"fields": fields}
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _error(request, 401, "unauthenticated", "Log in or send an API token.")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # ninja wraps whatever the body parser raises in "400 Cannot parse request body"; the
    # parser's own refusal (naming the field) is the answer to give.
    if isinstance(exc.__cause__, DomainError):
        return _domain_error(request, exc.__cause__)
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return _error(
        request,
        413,
        "too_large",
        "The request body is larger than this server accepts.",
        {"limit_bytes": _body_limit()},
    )


def _body_limit() -> int | None:
    from django.conf import settings

    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@api.exception_handler(SuspiciousOperation)
def _suspicious(request, exc):
    return _error(request, 400, "bad_request", "The request is malformed.")


@api.exception_handler(Exception)
def _server_error(request, exc):
    # Whatever escaped the handlers above is a defect: logged with its traceback for the
    # operator, answered in the one error shape (never HTML, never the traceback).
    log.exception("API error on %s %s", request.method, request.path)
    return _error(request, 500, "server_error", "Something went wrong on our side.")


def _register_routers() -> None:
    # Imported here so each app's api module may import this one for `api` without a cycle.
    from homeward.accounts.api import router as accounts_router
    from homeward.claims.api import router as claims_router
    from homeward.exchanges.api import router as exchanges_router
    from homeward.ledger.api import router as ledger_router
    from homeward.reconcile.api import router as reconcile_router
    from homeward.registry.api import router as registry_router
    from homeward.tracing.api import router as tracing_router

    api.add_router("/", registry_router)
    api.add_router("/ledger", ledger_router)
    api.add_router("/", exchanges_router)
    api.add_router("/", claims_router)
    api.add_router("/", tracing_router)
    api.add_router("/", accounts_router)
    api.add_router("/", reconcile_router)


_register_routers()
