"""The fast canonical JSON writes exactly the bytes of the RFC 8785 reference implementation."""

import datetime as dt
import enum
import uuid

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.ledger.canonical import canonical_json, canonical_json_reference


class _Kind(enum.StrEnum):
    A = "a-kind"


class _Level(enum.IntEnum):
    TWO = 2


class _Dict(dict):
    pass


# Every code point but lone surrogates (which both refuse), keys included.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(TEXT, inner, max_size=5),
    max_leaves=30,
)


def _same(value):
    try:
        expected = canonical_json_reference(value)
    except rfc8785.CanonicalizationError:
        with pytest.raises(rfc8785.CanonicalizationError):
            canonical_json(value)
        return
    assert canonical_json(value) == expected


@settings(max_examples=1500, deadline=None)
@given(VALUES)
def test_the_fast_path_writes_the_bytes_of_the_reference(value):
    _same(value)


@pytest.mark.parametrize(
    "value",
    [
        {"\U0001f600": 1, "\ufb01": 2, "a": 3},  # UTF-16 order differs from code point order
        {"n": 2**53 - 1, "m": -(2**53 - 1)},
        {"n": 2**53},  # refused by both
        {"f": 1.0, "g": 1e21, "h": 5e-7, "z": -0.0},
        {"s": '\x00\x1f\x7f\u2028\u2029"\\/\b\f\n\r\t é Петро 💡'},
        {"s": "\ud800"},  # a lone surrogate: refused by both
        {"d": dt.date(2026, 1, 2), "t": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)},
        {"u": uuid.UUID(int=7), "tuple": (1, "x"), 3: "int key"},
        [],
        {},
        [True, False, None, {"": ""}],
        # Subclasses of str, int and dict take the slower walk; the bytes are the same.
        {"role": _Kind.A, "n": _Level.TWO, _Kind.A: [_Level.TWO, (True,)], "d": _Dict(x=1)},
        {"deep": [[[{"k": [2**53, 1]}]]]},  # too big, deep inside: refused by both
        {"deep": [{"f": (1, 2.5)}]},  # a float inside a tuple: the reference path
    ],
)
def test_the_awkward_cases_agree_with_the_reference(value):
    _same(value)
