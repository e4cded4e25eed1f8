"""The demo's parties and a user for every role (passwords printed by `homeward demo`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeward.accounts.actions import create_party, create_user
from homeward.accounts.models import Party, PartyKind, Role, User

if TYPE_CHECKING:
    from .scenario import Scenario

PARTIES = [
    ("UA", "Ukraine", PartyKind.STATE),
    ("RU", "Russian Federation", PartyKind.STATE),
    ("NI", "Neutral Intermediary", PartyKind.INTERMEDIARY),
    ("MD", "Mediating State", PartyKind.MEDIATOR),
]
# username, role, party, password: printed by `homeward demo`; a demo on localhost only.
DEMO_USERS = [
    ("caseworker", Role.CASEWORKER, "NI", "demo-caseworker"),
    ("liaison", Role.FAMILY_LIAISON, "NI", "demo-liaison"),
    ("ua_officer", Role.BUREAU_OFFICER, "UA", "demo-ua-officer"),
    ("ru_officer", Role.BUREAU_OFFICER, "RU", "demo-ru-officer"),
    ("mediator", Role.MEDIATOR, "MD", "demo-mediator"),
    ("analyst", Role.ANALYST, None, "demo-analyst"),
    ("auditor", Role.AUDITOR, None, "demo-auditor"),
    ("admin", Role.ADMIN, None, "demo-admin"),
]


def build_accounts(scenario: Scenario) -> None:
    """Needs nothing; makes (or finds, when run again) the four parties and the demo users,
    into `scenario.parties` by code and `scenario.users` by username."""
    scenario.parties = {
        code: Party.objects.filter(code=code).first()
        or create_party(actor=None, code=code, name=name, kind=kind)
        for code, name, kind in PARTIES
    }
    for username, role, party_code, password in DEMO_USERS:
        scenario.users[username] = User.objects.filter(username=username).first() or create_user(
            actor=None,
            username=username,
            password=password,
            role=role,
            party=scenario.parties[party_code] if party_code else None,
            check_password=False,
        )
