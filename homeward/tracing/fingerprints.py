"""Fingerprints of the fields the engine compares, so a decided pair comes back only when one of
its records changes (issue 16: "a pair decided different never comes back unless one record
changes").

A fingerprint is a sha256 over both records' matching fields: names (every spelling a register
person has), sex, birth date and birth place. A change to anything else (a status event, a note)
leaves it as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from homeward.registry.models import PersonName


def _digest(value: object) -> str:
    return hashlib.sha256(
        json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()


def inquiry_fields(inquiry) -> list:
    return [
        "inquiry",
        inquiry.family_name,
        inquiry.given_name,
        inquiry.patronymic,
        inquiry.full_name,
        inquiry.sex,
        str(inquiry.birth_date or ""),
        inquiry.birth_place,
    ]


def person_fields(person, spellings: Iterable[tuple[str, str, str]] = ()) -> list:
    """A register person's matching fields; `spellings` are its PersonName rows (family, given,
    patronymic), in any order."""
    return [
        "person",
        person.family_name,
        person.given_name,
        person.patronymic,
        sorted(list(s) for s in spellings),
        person.sex,
        str(person.birth_date or ""),
        person.birth_place,
    ]


def pair_fingerprint(left: list, right: list) -> str:
    """Order-free: (a, b) and (b, a) give the same fingerprint."""
    a, b = _digest(left), _digest(right)
    return _digest(sorted([a, b]))


def spellings_of(person_ids: Iterable[int]) -> dict[int, list[tuple[str, str, str]]]:
    """Every spelling of each person, in one query."""
    out: dict[int, list[tuple[str, str, str]]] = {}
    for pid, f, g, p in PersonName.objects.filter(person_id__in=list(person_ids)).values_list(
        "person_id", "family_name", "given_name", "patronymic"
    ):
        out.setdefault(pid, []).append((f, g, p))
    return out
