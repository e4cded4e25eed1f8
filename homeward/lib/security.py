"""Checks made when Homeward starts serving web requests."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """Sessions and CSRF tokens are signed with SECRET_KEY: serving without one is refused, except
    for DEBUG, the demo and the tests. Commands (migrate, ledger verify, …) need no secret."""
    if settings.INSECURE_SECRET_KEY and not (
        settings.DEBUG or settings.HOMEWARD_DEMO or settings.HOMEWARD_TESTING
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to serve Homeward (unless DEBUG or HOMEWARD_DEMO)"
        )
