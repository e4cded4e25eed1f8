"""Name search keys: what makes a Cyrillic or Latin query find every spelling of a name."""

from __future__ import annotations

import re
from functools import lru_cache

from .models import Script
from .namekeys import given_name_variants, skeleton

_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ`-][^\W\d_]+)*", re.UNICODE)
_NOT_KEY = re.compile(r"[^a-z]")
# Longest key kept: longer tokens are cut (keys serve prefix search; 60 characters are plenty).
_MAX_KEY = 60


_UK_LETTER = re.compile("[іїєґІЇЄҐ]")
_RU_LETTER = re.compile("[ыэъёЫЭЪЁ]")
_CYRILLIC_LETTER = re.compile("[\u0400-\u04ff]")
_LATIN_ONLY = re.compile(r"[A-Za-z\u00c0-\u024f\s'’ʼ`.-]*")


def detect_script(text: str) -> str:
    if _UK_LETTER.search(text):
        return Script.UKRAINIAN
    if _RU_LETTER.search(text):
        return Script.RUSSIAN
    if _CYRILLIC_LETTER.search(text):
        return Script.CYRILLIC
    if not any(c.isalpha() for c in text):
        return Script.OTHER
    return Script.LATIN if _LATIN_ONLY.fullmatch(text) else Script.OTHER


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def name_keys(family_name: str, given_name: str = "", patronymic: str = "") -> set[str]:
    """Keys to index for one spelling: every token's skeleton, plus the skeletons of all known
    Ukrainian, Russian and Latin forms of the given name."""
    return set(
        _part_keys(family_name, False)
        | _part_keys(given_name, True)
        | _part_keys(patronymic, False)
    )


@lru_cache(maxsize=65536)
def _part_keys(part: str, given: bool) -> frozenset[str]:
    # Imports repeat the same surnames and given names thousands of times: cache per part.
    keys: set[str] = set()
    for tok in tokens(part):
        if key := _clean(skeleton(tok)):
            keys.add(key)
        if given:
            keys.update(k for k in map(_clean, given_name_variants(tok)) if k)
    return frozenset(keys)


def _clean(key: str) -> str:
    # Keys are a–z only: the prefix search's range bound relies on it (see selectors).
    return _NOT_KEY.sub("", key.lower())[:_MAX_KEY]


def query_keys(query: str) -> list[str]:
    """One key per query token, each to be matched as a prefix of an indexed key."""
    out = []
    for tok in tokens(query):
        key = _clean(skeleton(tok))
        if key and key not in out:
            out.append(key)
    return out
