"""Session limits, forced second-factor enrolment, and the security headers of every answer."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from .twofactor import MUST_ENROL

_LOGIN_AT = "homeward_login_at"
_SEEN_AT = "homeward_seen_at"


class SessionLimitsMiddleware:
    """Ends a session SESSION_COOKIE_AGE seconds after login (absolute, default 8 h) and after
    SESSION_IDLE_TIMEOUT seconds without a request (default 30 min). The last-seen time is
    written at most once a minute, so a busy user does not cost a session write per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(_LOGIN_AT, now)
            seen_at = session.get(_SEEN_AT, now)
            if (
                now - login_at > settings.SESSION_COOKIE_AGE
                or now - seen_at > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
            elif now - seen_at >= 60 or _SEEN_AT not in session:
                session[_SEEN_AT] = now
        return self.get_response(request)


class SecondFactorEnrolmentMiddleware:
    """A session opened before the user has a second factor reaches only the enrolment page,
    logout, language and static files; the API answers 403."""

    allowed = ("/account/two-factor/", "/logout/", "/i18n/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(MUST_ENROL) and not request.path.startswith(self.allowed):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "error": {
                            "code": "second_factor_required",
                            "message": "Set up your second factor first.",
                            "detail": {},
                        }
                    },
                    status=403,
                )
            return redirect("web:two_factor")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every answer, and `Cache-Control: no-store` on every answer
    the app renders (pages, API answers, exports): personal data must not sit in a browser's or
    proxy's cache. Static files are answered earlier by WhiteNoise and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        add_never_cache_headers(response)
        return response
