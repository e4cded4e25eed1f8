"""Characters a text field refuses (issue 14): control characters, which break spreadsheets and
some drivers (PostgreSQL refuses NUL), and invisible format characters (zero-width spaces and
joiners, bidi overrides and isolates, soft hyphens), which make a name look like another one and
keep it from being found by its visible spelling. Pure Python, no Django.

We refuse rather than strip: a stripped name is not what the source wrote, and the person who
sent it can fix the file once told which field holds which character.
"""

from __future__ import annotations

import unicodedata

# Whitespace controls (tab, newlines) are let through: text fields collapse whitespace anyway.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def bad_character(text: str, *, invisible: bool = True) -> str | None:
    """A reason naming the first refused character and its position, or None. With
    `invisible=False` only characters no text may hold are refused (controls, surrogates,
    non-characters): free text may carry a zero-width joiner inside an emoji, a name may not."""
    for i, ch in enumerate(text, start=1):
        if ch in _ALLOWED_CONTROLS or ch.isascii() and ch.isprintable():
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc":
            kind = "a control character"
        elif cat == "Cf" and invisible:
            kind = "an invisible formatting character (zero-width or direction override)"
        elif cat == "Cs":
            kind = "an unpaired surrogate"
        elif 0xFDD0 <= ord(ch) <= 0xFDEF or (ord(ch) & 0xFFFE) == 0xFFFE:
            kind = "a Unicode non-character"
        else:
            continue
        return f"contains {kind} (U+{ord(ch):04X}) at position {i}"
    return None


def find_bad_character(
    value: object, path: str = "", *, invisible: bool = False
) -> tuple[str, str] | None:
    """(field path, reason) for the first refused character in a JSON-like value, or None.
    Keys are checked too: a NUL in a key reaches the database as surely as one in a value."""
    if isinstance(value, str):
        reason = bad_character(value, invisible=invisible)
        return (path or "body", reason) if reason else None
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and (reason := bad_character(key, invisible=invisible)):
                return (sub, "the name " + reason)
            if found := find_bad_character(item, sub, invisible=invisible):
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            sub = f"{path}.{i}" if path else str(i)
            if found := find_bad_character(item, sub, invisible=invisible):
                return found
    return None
