"""A person-list record as the columns the model compares.

The same function prepares both sides of a batch run, the records of a search index and a single
inquiry, so that Splink's SQL and the index's Python see identical values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import names
from .dates import BirthDate, parse_birth_date

COLUMNS = (
    "unique_id",
    "source_id",
    "sn",
    "sn_fine",
    "snq",
    "sn_de",
    "sn_fr",
    "sn_pc",
    "sn_ru",
    "sncq",
    "sn1",
    "gn",
    "gn1",
    "gc",
    "gn_fine",
    "gg",
    "ga",
    "snc",
    "xs",
    "xg",
    "pn",
    "pc",
    "pw",
    "byear",
    "bmonth",
    "bday",
    "bdate",
    "bp",
)


@dataclass(frozen=True)
class Person:
    """One record as read from a list: the source's id and its name parts and birth date as
    written. `full_name` is used when the parts are empty."""

    source_id: str
    family_name: str = ""
    given_name: str = ""
    patronymic: str = ""
    full_name: str = ""
    birth_date: BirthDate = BirthDate(None, None, None)
    birth_place: str = ""
    sex: str = ""  # "M", "F" or "" as the list writes it (see record_sex)

    @classmethod
    def from_row(cls, row: Mapping[str, str], *, source_id: str | None = None) -> Person:
        """From a DESIGN §7 person-list row (canonical column names); raises BadDate."""
        return cls(
            source_id=source_id if source_id is not None else (row.get("id") or "").strip(),
            family_name=row.get("family_name") or "",
            given_name=row.get("given_name") or "",
            patronymic=row.get("patronymic") or "",
            full_name=row.get("full_name") or "",
            birth_date=parse_birth_date(row.get("birth_date")),
            birth_place=row.get("birth_place") or "",
            sex=row.get("sex") or "",
        )

    def parts(self) -> tuple[str, str, str]:
        if self.family_name.strip() or self.given_name.strip():
            family, given = names.unswap_columns(self.family_name, self.given_name)
            return family, given, self.patronymic
        return names.split_full_name(self.full_name)


def _nz(value: str) -> str | None:
    return value or None


_SEXES = {"m": "M", "ч": "M", "м": "M", "f": "F", "ж": "F", "w": "F"}
_FEMININE_PATRONYMIC = re.compile(
    r"(на|na|qizi|kizi|kyzy|кызы|қызы|кизи|қизи|гызы)$", re.IGNORECASE
)


def record_sex(person: Person, family: str, patronymic: str) -> str:
    """ "M", "F" or "": as written (M/F, Ч/Ж, М/Ж), else as the patronymic's ending tells
    (-івна, -овна, -ivna, qizi: a woman; -ович, -ич, o'g'li: a man), else a woman's surname
    form (Петрова, Ковальська). Only a given name that both sexes bear (Женя) depends on it."""
    written = _SEXES.get(person.sex.strip()[:1].lower(), "")
    if written:
        return written
    toks = names.tokens(patronymic)
    if toks and (names.is_patronymic(toks[-1]) or names.is_patronymic(patronymic.strip())):
        return "F" if _FEMININE_PATRONYMIC.search(patronymic.strip()) else "M"
    return "F" if family and names.is_feminine_surname(family) else ""


def features(person: Person, unique_id: int) -> dict:
    family, given, patronymic = person.parts()
    sex = record_sex(person, family, patronymic)
    sn = names.surname_key(family)
    gn = names.given_key_read(given)
    pn = names.patronymic_key(patronymic)
    bd = person.birth_date
    swapped_surname = names.surname_key(given)
    swapped_given = names.given_key(family)
    return {
        "unique_id": unique_id,
        "source_id": person.source_id,
        "sn": _nz(sn),
        "sn_fine": _nz(names.surname_fine(family)),
        "snq": _nz(names.surname_cyrillic_key(family)),
        # a Latin surname read the German, the French and the 2004-passport way
        **dict(
            zip(("sn_de", "sn_fr", "sn_pc"), map(_nz, names.surname_readings(family)), strict=True)
        ),
        # its Ukrainian or Russian form (Олійник/Олейник), whose consonants stay what they are
        "sn_ru": _nz(names.surname_russian_reading(family)),
        "sncq": _nz(names.surname_consonants_apart(family)),
        "sn1": _nz(names.first_letter(sn)),
        "gn": _nz(gn),
        "gn1": _nz(names.given_first_letter(gn)),
        "gc": _nz(names.given_class(gn, sex)) if gn else None,
        "gn_fine": _nz(names.fine(names.tokens(given)[0])) if names.tokens(given) else None,
        "gg": _nz(names.given_guess(gn, sex)) if gn else None,
        "ga": _nz(names.given_alternatives(gn)),
        "snc": _nz(names.consonant_key(sn)),
        # the name parts as they would read if the list had put each in the other's column
        "xs": _nz(swapped_surname),
        "xg": _nz(names.given_guess(swapped_given, sex)) if swapped_given else None,
        "pn": _nz(pn),
        "pc": _nz(names.patronymic_class(pn)) if pn else None,
        "pw": _nz(names.patronymic_written(patronymic)) if pn else None,
        "byear": bd.year,
        "bmonth": bd.month,
        "bday": bd.day,
        "bdate": bd.days,
        "bp": _nz(names.place_key(person.birth_place)),
    }


def prepare(persons: Iterable[Person], *, start: int = 0) -> list[dict]:
    return [features(p, i) for i, p in enumerate(persons, start=start)]


def as_arrow(rows: list[dict]):
    """Columns as a pyarrow table with explicit types (an all-null column still has a type)."""
    import pyarrow as pa

    ints = {
        "unique_id": pa.int64(),
        **{c: pa.int32() for c in ("byear", "bmonth", "bday", "bdate")},
    }
    schema = pa.schema([(c, ints.get(c, pa.string())) for c in COLUMNS])
    return pa.Table.from_pydict({c: [r[c] for r in rows] for c in COLUMNS}, schema=schema)
