"""API tokens with expiry and scope, sessions with limits, headers on every answer (issue 14,
items 9 and 10)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from homeward.accounts.actions import create_api_token, set_user_active
from homeward.accounts.models import ApiToken
from homeward.registry.tests.factories import notified


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_expires_after_its_term(client, world):
    token, secret = create_api_token(actor=world.caseworker, name="script", days=7)
    assert token.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert client.get("/api/v1/persons", **bearer(secret)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/persons", **bearer(secret))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_tokens_get_the_default_term_and_no_term_beyond_a_year(world, settings):
    token, _ = create_api_token(actor=world.caseworker, name="script")
    days = (token.expires_at - timezone.now()).days
    assert days == settings.API_TOKEN_DEFAULT_DAYS - 1
    from homeward.lib.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        create_api_token(actor=world.caseworker, name="forever", days=10_000)


def test_a_read_only_token_reads_but_may_not_write(client, world):
    _, secret = create_api_token(actor=world.caseworker, name="reader", read_only=True)
    assert client.get("/api/v1/persons", **bearer(secret)).status_code == 200
    response = client.post(
        "/api/v1/sources",
        {"kind": "media", "title": "x"},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "read_only_token"


def test_reactivating_a_user_does_not_revive_its_old_tokens(client, world):
    _, secret = create_api_token(actor=world.caseworker, name="script")
    set_user_active(actor=world.admin, user=world.caseworker, active=False)
    set_user_active(actor=world.admin, user=world.caseworker, active=True)
    assert client.get("/api/v1/persons", **bearer(secret)).status_code == 401


def test_the_tokens_page_shows_expiry_and_scope(client, world):
    client.force_login(world.caseworker)
    client.post("/tokens/", {"name": "reader", "days": "30", "read_only": "1"})
    page = client.get("/tokens/").content.decode()
    assert "read only" in page
    token = ApiToken.objects.get(user=world.caseworker)
    assert token.read_only and token.expires_at.strftime("%Y-%m-%d") in page


def test_a_bad_token_id_to_revoke_is_not_a_server_error(client, world):
    client.force_login(world.caseworker)
    # an unknown token answers like any unknown record (web/tests/test_no_server_errors.py)
    assert client.post("/tokens/", {"revoke": "not-a-uuid"}).status_code == 404


# --- Sessions -----------------------------------------------------------------------------------


def age_session(client, key, seconds):
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_ends(client, world, settings):
    client.force_login(world.caseworker)
    assert client.get("/persons/").status_code == 200
    age_session(client, "homeward_seen_at", settings.SESSION_IDLE_TIMEOUT + 1)
    assert client.get("/persons/").status_code == 302


def test_a_busy_session_still_ends_after_its_absolute_age(client, world, settings):
    client.force_login(world.caseworker)
    client.get("/persons/")
    age_session(client, "homeward_login_at", settings.SESSION_COOKIE_AGE + 1)
    assert client.get("/persons/").status_code == 302


def test_sessions_are_short(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_IDLE_TIMEOUT <= 30 * 60


# --- Headers ----------------------------------------------------------------------------------


@pytest.fixture
def person(world):
    return notified(world)


def test_personal_data_is_never_cached(client, world, person):
    client.force_login(world.caseworker)
    for url in [
        f"/persons/{person.uuid}/",
        "/persons/",
        "/persons/export/?format=csv",
        f"/api/v1/persons/{person.uuid}",
        "/api/v1/persons",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_every_page_has_a_content_security_policy_without_inline_script(client, world, person):
    client.force_login(world.caseworker)
    response = client.get(f"/persons/{person.uuid}/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "style-src 'self'" in policy


@pytest.mark.parametrize("who", ["caseworker", "admin", "analyst", "auditor"])
def test_pages_carry_no_inline_script_handler_or_style(client, world, person, who):
    user = getattr(world, who)
    client.force_login(user)
    urls = ["/login/", "/tokens/", "/account/password/", "/account/two-factor/", "/dashboard/"]
    if user.sees_register:
        urls += ["/persons/", f"/persons/{person.uuid}/", "/sources/", "/notify/", "/imports/"]
    if who == "admin":
        urls.append("/users/")
    for url in urls:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"\sstyle\s*=", html), url


def test_the_api_docs_load_nothing_from_a_cdn(client, world):
    client.force_login(world.caseworker)
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in html.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # Only data blocks inline (type="application/json"), which a browser never runs.
    assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", html)


def test_homeward_tls_turns_on_https_redirect_hsts_and_secure_cookies():
    code = (
        "import json, homeward.settings as s; print(json.dumps([s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER]))"
    )
    env = {**os.environ, "HOMEWARD_TLS": "1"}
    out = subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    redirect, hsts, secure, proxy = json.loads(out.stdout)
    assert redirect is True and hsts >= 365 * 24 * 3600 and secure is True
    assert proxy == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_under_tls_settings_http_is_redirected_and_hsts_is_sent(settings, world):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    client = Client()  # a new handler reads the settings above
    assert client.get("/login/").status_code == 301
    response = client.get("/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
