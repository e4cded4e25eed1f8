"""Writes about users, tokens and parties: one function each, one transaction, one ledger entry."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.ledger.actions import append
from homeward.lib.errors import Forbidden, NotFound, ValidationFailed

from .guards import require_role
from .models import ROLE_PARTY_KIND, ApiToken, Party, PartyKind, Role, User


@transaction.atomic
def create_party(*, actor: User | None, code: str, name: str, kind: str) -> Party:
    if actor is not None:
        require_role(actor, Role.ADMIN)
    errors = {}
    code = code.strip().upper()
    if not code or len(code) > 16 or not code.replace("-", "").isalnum():
        errors["code"] = "1 to 16 letters or digits"
    elif Party.objects.filter(code=code).exists():
        errors["code"] = "is taken"
    if kind not in PartyKind.values:
        errors["kind"] = "must be one of: " + ", ".join(PartyKind.values)
    if not name.strip():
        errors["name"] = "is required"
    if errors:
        raise ValidationFailed("The party is not valid.", detail={"fields": errors})
    party = Party.objects.create(code=code, name=name.strip(), kind=kind)
    append(
        actor=actor,
        action="party.created",
        object_type="party",
        object_id=party.uuid,
        data={"code": party.code, "name": name, "kind": kind},
    )
    return party


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    party: Party | None = None,
    check_password: bool = True,
) -> User:
    """`actor` None is the operator at the console (the `homeward` command)."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    errors = {}
    if role not in Role.values:
        errors["role"] = "must be one of: " + ", ".join(Role.values)
    elif ROLE_PARTY_KIND[role] and (party is None or party.kind != ROLE_PARTY_KIND[role]):
        errors["party"] = f"a {role} belongs to a party of kind {ROLE_PARTY_KIND[role]}"
    if User.objects.filter(username=username).exists():
        errors["username"] = "is taken"
    if check_password:
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if errors:
        raise ValidationFailed("The user is not valid.", detail={"fields": errors})
    user = User.objects.create_user(username=username, password=password, role=role, party=party)
    append(
        actor=actor,
        action="user.created",
        object_type="user",
        object_id=user.uuid,
        data={"role": role, "party": party.code if party else None},
        personal={"username": username},
    )
    return user


@transaction.atomic
def set_user_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivating keeps the account (the ledger names it) but ends its logins and tokens."""
    require_role(actor, Role.ADMIN)
    if user.pk == actor.pk and not active:
        raise ValidationFailed(
            "You cannot deactivate yourself.", detail={"fields": {"user": "is you"}}
        )
    user.is_active = active
    user.save(update_fields=["is_active"])
    append(
        actor=actor,
        action="user.activated" if active else "user.deactivated",
        object_type="user",
        object_id=user.uuid,
        data={},
    )
    return user


@transaction.atomic
def create_api_token(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and its secret, which is shown once and never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed(
            "Name the token (at most 100 characters).", detail={"fields": {"name": "is required"}}
        )
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=actor, name=name, prefix=secret[:10], digest=ApiToken.digest_of(secret)
    )
    append(
        actor=actor,
        action="token.created",
        object_type="token",
        object_id=token.uuid,
        data={"prefix": token.prefix},
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor: User, token_uuid) -> ApiToken:
    token = ApiToken.objects.filter(uuid=token_uuid).first()
    if token is None:
        raise NotFound("No such token.")
    if token.user_id != actor.pk and actor.role != Role.ADMIN:
        raise Forbidden("You may revoke only your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        append(
            actor=actor,
            action="token.revoked",
            object_type="token",
            object_id=token.uuid,
            data={"prefix": token.prefix},
        )
    return token


# --- Login throttling --------------------------------------------------------------------------
# Counts failures per username and per client address in the cache. It races benignly (two
# failures at once may both be counted as the fifth); the cost is one extra attempt, not a bypass.


def _keys(username: str, address: str) -> list[str]:
    return [f"login-fail:u:{username.casefold()[:150]}", f"login-fail:a:{address}"]


def login_locked(username: str, address: str) -> bool:
    return any((cache.get(k) or 0) >= settings.LOGIN_MAX_FAILURES for k in _keys(username, address))


def login_failed(username: str, address: str) -> None:
    for k in _keys(username, address):
        cache.add(k, 0, settings.LOGIN_FAILURE_WINDOW)
        try:
            cache.incr(k)
        except ValueError:
            cache.set(k, 1, settings.LOGIN_FAILURE_WINDOW)


def login_succeeded(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
