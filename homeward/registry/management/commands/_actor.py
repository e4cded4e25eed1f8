"""Who acts when the operator runs a command: `--user NAME`, else the console account."""

from __future__ import annotations

from django.core.management.base import CommandError

from homeward.accounts.models import Party, PartyKind, Role, User

CONSOLE_USERNAME = "console"


def command_actor(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {username!r}")
        return user
    user = User.objects.filter(username=CONSOLE_USERNAME).first()
    if user is not None:
        return user
    # The operator at the console acts as the intermediary's caseworker account "console", so the
    # ledger still names who did it. Created once, with no usable password.
    party = Party.objects.filter(kind=PartyKind.INTERMEDIARY).order_by("id").first()
    if party is None:
        raise CommandError(
            "no intermediary party exists yet: run `homeward demo` or create one, or pass --user"
        )
    user = User(username=CONSOLE_USERNAME, role=Role.CASEWORKER, party=party)
    user.set_unusable_password()
    user.save()
    return user
