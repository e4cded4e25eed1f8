"""Bits every page view uses: turning domain errors into form errors, paging."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404

from homeward.lib.errors import DomainError, Forbidden, NotFound


def page_view(view):
    """Login required; Forbidden → 403 page, NotFound → 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except (ObjectDoesNotExist, DjangoValidationError) as exc:
            # A form field naming a record by a malformed or unknown UUID (revoke a token,
            # (de)activate a user, undo a merge): an unknown record, never a 500.
            raise Http404("Not found.") from exc

    return wrapper


def field_errors(exc: DomainError) -> dict[str, str]:
    fields = exc.detail.get("fields") if isinstance(exc.detail, dict) else None
    return dict(fields) if isinstance(fields, dict) else {}


def apply_errors(form, exc: DomainError) -> None:
    """Puts an action's field errors on the form fields they name; the rest on the form."""
    errors = field_errors(exc)
    for name, message in errors.items():
        if name in form.fields:
            form.add_error(name, message)
        else:
            form.add_error(None, f"{name}: {message}")
    if not errors:
        form.add_error(None, exc.message)
