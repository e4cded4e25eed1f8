"""Writes about users, tokens and parties: one function each, one transaction, one ledger entry."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

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
    role: str,
    party: Party | None = None,
    email: str = "",
    password: str | None = None,
    check_password: bool = True,
    set_password_url: Callable[[str, str], str] | None = None,
) -> User:
    """`actor` None is the operator at the console (the `homeward` command, the demo), who may
    give a password. An admin may not: the new user gets a one-time link to set it (by email,
    built by `set_password_url(uidb64, token)`), so no one but the user ever knows it."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    errors = {}
    if role not in Role.values:
        errors["role"] = "must be one of: " + ", ".join(Role.values)
    elif ROLE_PARTY_KIND[role] and (party is None or party.kind != ROLE_PARTY_KIND[role]):
        errors["party"] = f"a {role} belongs to a party of kind {ROLE_PARTY_KIND[role]}"
    if User.objects.filter(username=username).exists():
        errors["username"] = "is taken"
    if actor is not None:
        if password is not None:
            errors["password"] = "an admin does not choose other users' passwords"  # noqa: S105
        if not email or "@" not in email or len(email) > 254:
            errors["email"] = "is required: the link to set the password is sent there"
        if set_password_url is None:
            errors["email"] = "no way to build the link"
    elif password is not None and check_password:
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if errors:
        raise ValidationFailed("The user is not valid.", detail={"fields": errors})
    user = User.objects.create_user(
        username=username, password=password, role=role, party=party, email=email
    )
    append(
        actor=actor,
        action="user.created",
        object_type="user",
        object_id=user.uuid,
        data={"role": role, "party": party.code if party else None},
        personal={"username": username},
    )
    if actor is not None and set_password_url is not None:
        send_set_password_link(user=user, set_password_url=set_password_url, new=True)
    return user


def send_set_password_link(
    *, user: User, set_password_url: Callable[[str, str], str], new: bool = False
) -> None:
    """Mails a one-time link (Django's token generator: it stops working once the password
    changes, and after PASSWORD_RESET_TIMEOUT) to set the password. Sent after the transaction
    commits, so a rolled-back user gets no mail."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = set_password_url(uid, default_token_generator.make_token(user))
    subject = "Homeward: set your password" if new else "Homeward: reset your password"
    body = (
        f"Open this link to set the password of the Homeward account {user.username}:\n\n"
        f"{url}\n\nIt works once. If you did not expect this, ignore it."
    )
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    )


@transaction.atomic
def set_own_password(*, actor: User, password: str) -> User:
    """The user's own new password (checked by the caller's form against the old one)."""
    try:
        validate_password(password, actor)
    except ValidationError as exc:
        raise ValidationFailed(
            "The password is not valid.",
            detail={"fields": {"new_password1": " ".join(exc.messages)}},
        ) from None
    actor.set_password(password)
    actor.save(update_fields=["password"])
    append(
        actor=actor,
        action="user.password_changed",
        object_type="user",
        object_id=actor.uuid,
        data={},
    )
    return actor


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
    if not active:
        # Revoked, not merely unusable while inactive: reactivating the user must not revive
        # tokens that may have leaked meanwhile. The user makes new ones.
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    append(
        actor=actor,
        action="user.activated" if active else "user.deactivated",
        object_type="user",
        object_id=user.uuid,
        data={},
    )
    return user


MAX_TOKEN_DAYS = 365


@transaction.atomic
def create_api_token(
    *, actor: User, name: str, days: int | None = None, read_only: bool = False
) -> tuple[ApiToken, str]:
    """Returns the token row and its secret, which is shown once and never stored. The token
    expires after `days` (default API_TOKEN_DEFAULT_DAYS, at most a year); a read-only token is
    refused on any request that is not GET, HEAD or OPTIONS."""
    name = name.strip()
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    errors = {}
    if not name or len(name) > 100:
        errors["name"] = "is required (at most 100 characters)"
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = f"1 to {MAX_TOKEN_DAYS}"
    if errors:
        raise ValidationFailed("The token is not valid.", detail={"fields": errors})
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=secret[:10],
        digest=ApiToken.digest_of(secret),
        expires_at=timezone.now() + timedelta(days=days),
        read_only=read_only,
    )
    append(
        actor=actor,
        action="token.created",
        object_type="token",
        object_id=token.uuid,
        data={"prefix": token.prefix, "days": days, "read_only": read_only},
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor: User, token_uuid) -> ApiToken:
    try:
        key = uuidlib.UUID(str(token_uuid))
    except ValueError:
        raise NotFound("No such token.") from None
    token = ApiToken.objects.filter(uuid=key).first()
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
