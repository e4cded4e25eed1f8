"""Salted commitments to personal data: SHA-256(salt || canonical JSON of the value)."""

from __future__ import annotations

import hashlib
from typing import Any

from homeward.accounts.models import Role
from homeward.registry.models import Person, PersonName

from .canonical import canonical_json


def commitment(salt: bytes, value: Any) -> str:
    return hashlib.sha256(salt + canonical_json(value)).hexdigest()


def opens(commitment_hex: str, salt: bytes, value: Any) -> bool:
    """True when `value` with `salt` is what the entry committed to (for a court or a party
    shown the value and the salt)."""
    return commitment(salt, value) == commitment_hex


# --- Do the kept salts still open their commitments? ------------------------------------------
# Only with the values: the register keeps them, so the check asks it for an object's current
# values by the entry's action. Actions without an opener are checked for their structure only
# (every commitment has its salt row, every salt row its commitment).


def _person_notified(object_id: str) -> dict[str, list[Any]] | None:

    person = Person.objects.filter(uuid=object_id).first()
    if person is None:
        return None
    return {
        "name": [[person.family_name, person.given_name, person.patronymic]],
        "birth_date": [str(person.birth_date) if person.birth_date else None],
    }


def _person_name_added(object_id: str) -> dict[str, list[Any]] | None:

    names = PersonName.objects.filter(person__uuid=object_id).values_list(
        "family_name", "given_name", "patronymic"
    )
    return {"name": [list(n) for n in names]}


# action -> (object id -> {field: the values one of which the commitment must open with})
OPENERS: dict[str, Any] = {
    "person.notified": _person_notified,
    "person.name_added": _person_name_added,
}


def commitments_problem() -> str:
    """Names the first commitment whose salt no longer opens it, or "". Reads the salts: for
    the roles that may (the admin and caseworkers, `verify_commitments`), or the operator's
    command line (`homeward ledger verify --commitments`)."""
    import json

    from .models import Entry, Salt

    salts: dict[int, dict[str, bytes | None]] = {}
    for entry_id, field, salt, erased in Salt.objects.values_list(
        "entry_id", "field", "salt", "erased_at"
    ).iterator(chunk_size=20_000):
        salts.setdefault(entry_id, {})[field] = None if erased else (bytes(salt) if salt else b"")
    rows = (
        Entry.objects.exclude(event__contains='"commitments":{}')
        .order_by("seq")
        .values_list("id", "seq", "action", "object_id", "event")
        .iterator(chunk_size=20_000)
    )
    cache: dict[tuple[str, str], dict[str, list[Any]] | None] = {}
    seen: set[int] = set()
    for entry_id, seq, action, object_id, event in rows:
        name = f"entry {seq}" if seq is not None else f"pending entry #{entry_id}"
        committed = json.loads(event).get("commitments") or {}
        kept = salts.get(entry_id, {})
        seen.add(entry_id)
        for field, digest in committed.items():
            if field not in kept:
                return f"{name}: its commitment to {field!r} has no salt (the salt row was deleted)"
            salt = kept[field]
            if salt is None:
                continue  # erased on purpose (anonymisation): unlinkable by design
            if len(salt) != 32:
                return f"{name}: the salt of {field!r} is not 32 bytes (altered)"
            opener = OPENERS.get(action)
            if opener is None:
                continue
            key = (action, object_id)
            if key not in cache:
                cache[key] = opener(object_id)
            values = (cache[key] or {}).get(field)
            if values is None:
                continue
            if not any(opens(digest, salt, v) for v in values):
                return (
                    f"{name}: the salt of {field!r} no longer opens its commitment with the "
                    "register's value (the salt or the value was changed)"
                )
        for field in kept:
            if field not in committed:
                return f"{name}: a salt for {field!r}, which its event commits to nothing"
    orphans = set(salts) - seen
    if orphans:
        return f"salt rows of entry id {min(orphans)}: the entry has no commitments (planted)"
    return ""


def verify_commitments(*, actor) -> str:
    """`commitments_problem` for a user: the admin and caseworkers may read the salts."""
    from homeward.lib.errors import Forbidden

    if actor.role not in (Role.ADMIN, Role.CASEWORKER):
        raise Forbidden("Only a caseworker or the admin may read the salts.")
    return commitments_problem()
