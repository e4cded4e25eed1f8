"""Canonical JSON (RFC 8785, JCS): the exact bytes a leaf hashes and a party signs."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import rfc8785


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (uuid.UUID, dt.date, dt.datetime)):
        return str(value) if not isinstance(value, dt.datetime) else value.isoformat()
    if value is None or isinstance(value, (str, int, bool, float)):
        return value
    return str(value)  # PartialDate, enums, Decimal: their text form is their meaning


def canonical_json(value: Any) -> bytes:
    return rfc8785.dumps(_plain(value))
