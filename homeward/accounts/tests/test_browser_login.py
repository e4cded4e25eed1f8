"""Logging in, enrolling a second factor and switching language in a real browser, under the
Content-Security-Policy (issue 14, items 9 and 10)."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from homeward.conftest import PASSWORD, login
from homeward.web.tests.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_csp(page) -> list[str]:
    """Console messages about refused content: a CSP violation shows up there."""
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return seen


def test_a_new_user_enrols_a_second_factor_and_then_works(page, live_server, world):
    csp = watch_csp(page)
    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)
    page.fill("input[name=username]", "caseworker")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/two-factor/")
    assert page.locator(".qr svg").count() == 1
    assert_accessible(page)
    secret = page.locator("#otp-secret").inner_text()
    code = f"{TOTP(b32decode(secret)).token():06d}"
    page.fill("#id_code", code)
    page.click("form:has(#id_code) button")
    page.wait_for_selector("#backup-codes")
    assert page.locator("#backup-codes li").count() == 10
    page.goto(f"{live_server.url}/persons/")
    assert page.url.endswith("/persons/")
    assert csp == []


def test_a_password_alone_does_not_log_in_once_a_second_factor_exists(page, live_server, world):
    login(page, live_server, "caseworker")  # enrols the helper's device
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "caseworker")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert "Wrong username, password or code" in page.content()
    assert "/login/" in page.url


def test_the_language_switch_works_under_the_policy(page, live_server, world):
    csp = watch_csp(page)
    login(page, live_server, "analyst")
    page.select_option("select[name=language]", "uk")
    # the switch submits a form and the next page loads: wait for it, not for the current one
    page.wait_for_function("document.documentElement.lang === 'uk'", timeout=20_000)
    assert page.locator("html").get_attribute("lang") == "uk"
    assert csp == []
