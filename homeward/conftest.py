"""Fixtures every feature test uses: the parties of a conflict and a user of every role.

Like healthchecks' alice/bob/charlie: each feature test checks who may and who may not.
  ua_officer / ru_officer   bureau officers of the two state parties (codes UA and RU)
  caseworker, liaison       the neutral intermediary (NI)
  mediator                  the mediating state (MD)
  analyst, auditor, admin   no party
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.models import Party, PartyKind, Role, User
from homeward.accounts.twofactor import current_code, ensure_device, needs_second_factor


@dataclass
class World:
    ua: Party
    ru: Party
    ni: Party
    md: Party
    ua_officer: User
    ru_officer: User
    caseworker: User
    liaison: User
    mediator: User
    analyst: User
    auditor: User
    admin: User

    def users(self) -> dict[str, User]:
        return {
            name: getattr(self, name)
            for name in (
                "ua_officer",
                "ru_officer",
                "caseworker",
                "liaison",
                "mediator",
                "analyst",
                "auditor",
                "admin",
            )
        }


PASSWORD = "correct horse battery staple"  # noqa: S105 - test users only


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test's database is rolled back afterwards; what the cache kept about it goes too (the
    caseworker's figures are kept by the facts' refresh count, which starts again in each test)."""
    from django.core.cache import cache

    cache.clear()
    yield


def make_user(username: str, role: str, party: Party | None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, party=party)
    return user


@pytest.fixture
def world(db) -> World:
    ua = Party.objects.create(code="UA", name="Ukraine", kind=PartyKind.STATE)
    ru = Party.objects.create(code="RU", name="Russian Federation", kind=PartyKind.STATE)
    ni = Party.objects.create(code="NI", name="Neutral Intermediary", kind=PartyKind.INTERMEDIARY)
    md = Party.objects.create(code="MD", name="Mediating State", kind=PartyKind.MEDIATOR)
    return World(
        ua=ua,
        ru=ru,
        ni=ni,
        md=md,
        ua_officer=make_user("ua_officer", Role.BUREAU_OFFICER, ua),
        ru_officer=make_user("ru_officer", Role.BUREAU_OFFICER, ru),
        caseworker=make_user("caseworker", Role.CASEWORKER, ni),
        liaison=make_user("liaison", Role.FAMILY_LIAISON, ni),
        mediator=make_user("mediator", Role.MEDIATOR, md),
        analyst=make_user("analyst", Role.ANALYST, None),
        auditor=make_user("auditor", Role.AUDITOR, None),
        admin=make_user("admin", Role.ADMIN, None),
    )


# --- Browser tests -----------------------------------------------------------------------------
# Playwright's sync API runs an event loop in the test thread; Django then refuses ORM calls from
# that thread unless told the test code is not async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HOMEWARD_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: Playwright's own browser download cannot work offline. The flags keep it
    # from reaching for Google's hosts, which this machine's closed network refuses.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Logs in through the real login form, with the second factor: the user gets a TOTP device
    if it has none, and the form gets its current code (the device may be reused within one
    time step: its last-used step is reset first)."""
    user = User.objects.get(username=username)
    code = ""
    if needs_second_factor(user):
        device = ensure_device(user)
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        code = current_code(device)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.fill("input[name=code]", code)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
