"""Login throttling (django-axes, database handler) and the client address behind a proxy.

Failures are counted in the database (axes' AccessAttempt), so every web process and host sees
the same count: with 4 gunicorn workers an attacker still gets LOGIN_MAX_FAILURES tries per
username, not 4x that. A lock is per username (from any address) and per username and address;
never per address alone, which behind a TLS proxy would lock every user out at once.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_HEADER the entry that the
    last of TRUSTED_PROXY_COUNT trusted proxies appended (entries further left are the client's
    own word and can be forged)."""
    header = settings.TRUSTED_PROXY_HEADER
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        hops = [h.strip() for h in request.META.get(key, "").split(",") if h.strip()]
        if len(hops) >= settings.TRUSTED_PROXY_COUNT:
            return hops[-settings.TRUSTED_PROXY_COUNT][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def login_allowed(request, username: str) -> bool:
    return AxesProxyHandler.is_allowed(request, {"username": username})


def login_failed(request, username: str) -> None:
    """Counts a failure that Django's authenticate() did not see (a wrong second factor)."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
