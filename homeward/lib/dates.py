"""Partial dates: a year, a year and month, or a full date, as one value type.

Birth dates and capture dates are often known only in part ("1994", "03.1994"). A PartialDate keeps
exactly what is known; its text form (YYYY, YYYY-MM, YYYY-MM-DD) sorts in date order, which is how
it is stored, so a database index on it serves range queries.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering
from typing import TYPE_CHECKING, Any

from django.db import models

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_MY = re.compile(r"^(\d{1,2})\.(\d{4})$")


class PartialDateError(ValueError):
    """The text is not a date we accept, or names a day that does not exist."""


@total_ordering
@dataclass(frozen=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1800 <= self.year <= 2200:
            raise PartialDateError(f"year {self.year} is out of range")
        if self.day is not None and self.month is None:
            raise PartialDateError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise PartialDateError(f"month {self.month} does not exist")
        if self.day is not None:
            assert self.month is not None
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise PartialDateError(f"{self.year:04d}-{self.month:02d} has no day {self.day}")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Accepts YYYY, YYYY-MM, YYYY-MM-DD, DD.MM.YYYY and MM.YYYY."""
        s = text.strip()
        if m := _ISO.match(s):
            y, mo, d = m.groups()
            return cls(int(y), int(mo) if mo else None, int(d) if d else None)
        if m := _DMY.match(s):
            d, mo, y = m.groups()
            return cls(int(y), int(mo), int(d))
        if m := _MY.match(s):
            mo, y = m.groups()
            return cls(int(y), int(mo))
        raise PartialDateError(
            f"'{s[:40]}' is not a date (use YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY)"
        )

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def is_after(self, day: dt.date) -> bool:
        """True when every day this date could be lies after `day` (e.g. a birth date in the future)."""
        return self.earliest() > day

    def __str__(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return (self.year, self.month or 0, self.day or 0) < (
            other.year,
            other.month or 0,
            other.day or 0,
        )


if TYPE_CHECKING:
    # Tells django-stubs what the field accepts (a PartialDate, a date text, None) and returns.
    _CharField = models.CharField[PartialDate | dt.date | str | None, PartialDate | None]
else:
    _CharField = models.CharField


class PartialDateField(_CharField):
    """Stores a PartialDate as its sortable ISO text (at most 10 characters)."""

    description = "A date known to the year, the month or the day"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 10:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return None
        return PartialDate.parse(value)

    def to_python(self, value):
        if value in (None, "") or isinstance(value, PartialDate):
            return value or None
        if isinstance(value, dt.date):
            return PartialDate.from_date(value)
        return PartialDate.parse(str(value))

    def get_prep_value(self, value):
        value = self.to_python(value)
        return None if value is None else str(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else str(value)
