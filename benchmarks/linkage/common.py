"""What both baselines do to a person list before matching, written as someone who knows
record linkage but no Cyrillic would write it: read the CSV, fold every name to ASCII with
anyascii, split full names by where the surname visibly is, normalise the date formats.

Nothing here comes from Homeward: a baseline that used Homeward's name handling would not be a
baseline.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from anyascii import anyascii

MATCH_COLUMNS = ["left_id", "right_id", "score", "decision", "explanation"]
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def read_list(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def fold(text: str | None) -> str:
    """anyascii, lower case, letters only: "ПЕТРЕНКО" → "petrenko", "Олійник" → "oliinyk"."""
    return "".join(c for c in anyascii(text or "").lower() if c.isalpha())


def split_full_name(full: str) -> tuple[str, str, str]:
    """(given, middle, family) from a full name. One word in capitals among others is the
    surname ("ПЕТРЕНКО Олександр Іванович", "Oleksandr PETRENKO"); otherwise Cyrillic lists put
    the surname first and Latin ones last, as a look at the folded files shows."""
    words = full.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    upper = [i for i, w in enumerate(words) if w.isupper() and len(w) > 1]
    if len(upper) == 1 and len(upper) < len(words):
        family = words[upper[0]]
        rest = words[: upper[0]] + words[upper[0] + 1 :]
        return rest[0], " ".join(rest[1:]), family
    if _CYRILLIC.search(full):
        return words[1], " ".join(words[2:]), words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def parts(row: dict[str, str]) -> tuple[str, str, str]:
    """(given, middle or patronymic, family) of a row, in either file layout."""
    if row.get("family_name") or row.get("given_name"):
        return row.get("given_name", ""), row.get("patronymic", ""), row.get("family_name", "")
    return split_full_name(row.get("full_name", ""))


def iso_date(text: str | None) -> str:
    """'12.03.1994' → '1994-03-12'; ISO dates and partial ones ('1994', '1994-03') unchanged."""
    text = (text or "").strip()
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if m:
        return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    return text
