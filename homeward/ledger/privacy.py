"""Salted commitments to personal data: SHA-256(salt || canonical JSON of the value)."""

from __future__ import annotations

import hashlib
from typing import Any

from .canonical import canonical_json


def commitment(salt: bytes, value: Any) -> str:
    return hashlib.sha256(salt + canonical_json(value)).hexdigest()


def opens(commitment_hex: str, salt: bytes, value: Any) -> bool:
    """True when `value` with `salt` is what the entry committed to (for a court or a party
    shown the value and the salt)."""
    return commitment(salt, value) == commitment_hex
