"""Canonical JSON (RFC 8785, JCS): the exact bytes a leaf hashes and a party signs.

`rfc8785` is the reference, written in pure Python: ~80 µs for an event, twice per append.
For the values events are made of (text, integers, booleans, null, lists, objects) the C
encoder of the standard library writes the same bytes when asked for sorted keys, no spaces and
no ASCII escaping: both escape exactly `"`, `\\` and the control characters (\\b \\f \\n \\r \\t
by name, the rest as lowercase \\u00xx) and write every other character as UTF-8. They can
differ only on floats (JCS prints them the ECMAScript way), on integers beyond ±(2^53 - 1) (JCS
refuses them), on keys outside the Basic Multilingual Plane (JCS orders keys by UTF-16 code
units, Python by code points) and on lone surrogates (JCS refuses them): any of those takes the
reference path. test_canonical compares both paths on generated values.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import rfc8785

_INT_MAX = 2**53 - 1
_encode = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False, check_circular=False
).encode


class _NotSimple(Exception):
    """The value holds something only the reference implementation writes correctly."""


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


def _check(value: Any) -> None:
    """Raises _NotSimple where the fast path could differ from RFC 8785 (see the module doc)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not k.isascii() and max(k) > "\uffff":
                raise _NotSimple
            _check(v)
    elif isinstance(value, list):
        for v in value:
            _check(v)
    elif isinstance(value, float):
        raise _NotSimple
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > _INT_MAX:
        raise _NotSimple


def _fast(value: Any) -> Any:
    """_plain and _check in one pass, exact types first: what the fast path writes, or
    _NotSimple. (Half the CPU of the two walks; canonical_json runs twice in every action.)"""
    t = type(value)
    if t is str or t is bool or value is None:
        return value
    if t is int:
        if -_INT_MAX <= value <= _INT_MAX:
            return value
        raise _NotSimple
    if t is dict:
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                k = str(k)
            if not k.isascii() and max(k) > "\uffff":
                raise _NotSimple
            out[k] = _fast(v)
        return out
    if t is list or t is tuple:
        return [_fast(v) for v in value]
    if t is float:
        raise _NotSimple
    plain = _plain(value)  # dates, UUIDs, enums, subclasses: the two walks, as before
    _check(plain)
    return plain


def canonical_json(value: Any) -> bytes:
    try:
        return _encode(_fast(value)).encode("utf-8")
    except (_NotSimple, UnicodeEncodeError):
        return rfc8785.dumps(_plain(value))


def canonical_json_reference(value: Any) -> bytes:
    """The reference implementation alone (for tests and for anyone who doubts the fast path)."""
    return rfc8785.dumps(_plain(value))
