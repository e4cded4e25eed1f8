"""The versioned JSON API: /api/v1/, OpenAPI 3 schema at /api/v1/openapi.json.

Authentication: a session (with CSRF, as the pages use) or a per-user token sent as
`Authorization: Bearer hw_…`. Every error has one shape:
    {"error": {"code": "machine_readable", "message": "for a person", "detail": {...}}}
Each app contributes a router in its own api.py.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from homeward.accounts.models import ApiToken
from homeward.lib.errors import DomainError


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
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
    return _error(request, exc.status_code, "http_error", str(exc))


def _register_routers() -> None:
    # Imported here so each app's api module may import this one for `api` without a cycle.
    from homeward.exchanges.api import router as exchanges_router
    from homeward.ledger.api import router as ledger_router
    from homeward.reconcile.api import router as reconcile_router
    from homeward.registry.api import router as registry_router

    api.add_router("/", registry_router)
    api.add_router("/ledger", ledger_router)
    api.add_router("/", exchanges_router)
    api.add_router("/", reconcile_router)


_register_routers()
