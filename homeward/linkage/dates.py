"""Dates of birth as lists write them: full, year-month or year only, ISO or day-first."""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

_EPOCH = dt.date(1900, 1, 1)
_FORMS = [
    (re.compile(r"^(\d{4})$"), ("y",)),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})[./](\d{4})$"), ("m", "y")),
    (re.compile(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})$"), ("y", "m", "d")),
]


class BirthDate(NamedTuple):
    year: int | None
    month: int | None
    day: int | None

    @property
    def days(self) -> int | None:
        """Days since 1900-01-01 for a full date (what "off by a day" compares)."""
        if self.year and self.month and self.day:
            return (dt.date(self.year, self.month, self.day) - _EPOCH).days
        return None

    def __str__(self) -> str:
        if self.year is None:
            return ""
        out = f"{self.year:04d}"
        if self.month:
            out += f"-{self.month:02d}"
            if self.day:
                out += f"-{self.day:02d}"
        return out


UNKNOWN = BirthDate(None, None, None)


class BadDate(ValueError):
    pass


def parse_birth_date(text: str | None) -> BirthDate:
    """`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `DD.MM.YYYY` (or with slashes), `MM.YYYY`; empty is
    unknown. Anything else, or an impossible date, raises BadDate naming what is wrong."""
    text = (text or "").strip()
    if not text:
        return UNKNOWN
    # XLSX cells arrive as "1994-03-12 00:00:00" when typed as dates
    text = text.split(" ")[0].split("T")[0]
    for pattern, parts in _FORMS:
        m = pattern.match(text)
        if not m:
            continue
        values = dict(zip(parts, (int(g) for g in m.groups()), strict=True))
        y, mo, d = values.get("y"), values.get("m"), values.get("d")
        if y is None or not 1880 <= y <= 2100:
            raise BadDate(f"birth_date {text!r}: year out of range")
        if mo is not None and not 1 <= mo <= 12:
            raise BadDate(f"birth_date {text!r}: no month {mo}")
        if d is not None:
            assert mo is not None
            try:
                dt.date(y, mo, d)
            except ValueError:
                raise BadDate(f"birth_date {text!r}: no such day") from None
        return BirthDate(y, mo, d)
    raise BadDate(f"birth_date {text!r}: expected YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY")
