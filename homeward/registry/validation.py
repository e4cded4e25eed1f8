"""Validation of a person's particulars, shared by the notification form, the API and imports, so
that every entry point names the same field with the same reason."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone

from homeward.lib.dates import PartialDate, PartialDateError
from homeward.lib.text import bad_character

from .models import Category, Sex

NAME_MAX = 200
TEXT_MAX = 200
NOTE_MAX = 5000
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")

SEX_ALIASES = {
    "m": Sex.MALE,
    "male": Sex.MALE,
    "ч": Sex.MALE,
    "чол": Sex.MALE,
    "м": Sex.MALE,
    "муж": Sex.MALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "ж": Sex.FEMALE,
    "жін": Sex.FEMALE,
    "жен": Sex.FEMALE,
    "u": Sex.UNKNOWN,
    "unknown": Sex.UNKNOWN,
    "": Sex.UNKNOWN,
}
CATEGORY_ALIASES = {
    "military": Category.MILITARY,
    "civilian": Category.CIVILIAN,
    "medical": Category.MEDICAL,
    "religious": Category.RELIGIOUS,
    "військовий": Category.MILITARY,
    "цивільний": Category.CIVILIAN,
    "военный": Category.MILITARY,
    "гражданский": Category.CIVILIAN,
    "": Category.MILITARY,
}


@dataclass
class PersonFields:
    """Clean particulars of one person, ready for an action."""

    family_name: str
    given_name: str = ""
    patronymic: str = ""
    sex: str = Sex.UNKNOWN
    birth_date: PartialDate | None = None
    birth_place: str = ""
    nationalities: list[str] = field(default_factory=list)
    category: str = Category.MILITARY
    service_number: str = ""
    rank: str = ""
    unit: str = ""
    home_party_code: str = ""
    father_name: str = ""
    mother_maiden_name: str = ""
    person_to_inform: str = ""
    captured_on: PartialDate | None = None
    capture_place: str = ""
    internment_place: str = ""
    wounded: bool = False
    note: str = ""
    external_id: str = ""


def _text(
    raw: dict, name: str, errors: dict[str, str], *, limit: int = TEXT_MAX, required: bool = False
) -> str:
    value = raw.get(name)
    if not value:  # absent or empty: the common case in a list with few columns
        if required:
            errors[name] = "is required"
        return ""
    if not isinstance(value, str):
        errors[name] = "must be text"
        return ""
    # isprintable() (C) holds for almost every name: no control, format, surrogate or
    # unassigned character, so bad_character (a Python loop over the characters, a third of
    # an import's validation) has nothing to find; tabs and newlines take the long way.
    if not value.isprintable() and (reason := bad_character(value)):
        errors[name] = reason
        return ""
    value = " ".join(value.split())
    if required and not value:
        errors[name] = "is required"
    elif len(value) > limit:
        errors[name] = f"is {len(value)} characters long; at most {limit} are allowed"
        return ""
    return value


def _date(raw: dict, name: str, errors: dict[str, str], *, today: dt.date) -> PartialDate | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, PartialDate):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = PartialDate.from_date(value)
    elif isinstance(value, str):
        if not value.isascii():
            # "２０２２" or "٢٠٢٢" would parse as digits; a date is written in ASCII digits here.
            errors[name] = f"'{value[:40]}' is not a date: write it with the digits 0-9"
            return None
        try:
            parsed = PartialDate.parse(value)
        except PartialDateError as exc:
            errors[name] = str(exc)
            return None
    else:
        errors[name] = "must be a date written as text"
        return None
    if parsed.is_after(today):
        errors[name] = f"{parsed} is in the future"
        return None
    return parsed


def clean_person(
    raw: dict, *, today: dt.date | None = None
) -> tuple[PersonFields | None, dict[str, str]]:
    """Returns (fields, {}) or (None, {field: reason, ...})."""
    today = today or timezone.now().date()
    errors: dict[str, str] = {}
    out = PersonFields(family_name=_text(raw, "family_name", errors, limit=NAME_MAX, required=True))
    out.given_name = _text(raw, "given_name", errors, limit=NAME_MAX)
    out.patronymic = _text(raw, "patronymic", errors, limit=NAME_MAX)
    for name in (
        "birth_place",
        "service_number",
        "rank",
        "unit",
        "father_name",
        "mother_maiden_name",
        "capture_place",
        "internment_place",
        "external_id",
    ):
        setattr(out, name, _text(raw, name, errors))
    out.person_to_inform = _text(raw, "person_to_inform", errors, limit=1000)
    out.note = _text(raw, "note", errors, limit=NOTE_MAX)
    out.home_party_code = _text(raw, "home_party_code", errors, limit=16).upper()

    sex = raw.get("sex", "")
    sex_key = sex.strip().lower().rstrip(".") if isinstance(sex, str) else None
    if sex_key not in SEX_ALIASES:
        errors["sex"] = "must be M, F or U"
    else:
        out.sex = SEX_ALIASES[sex_key]

    cat = raw.get("category", "")
    cat_key = cat.strip().lower() if isinstance(cat, str) else None
    if cat_key not in CATEGORY_ALIASES:
        errors["category"] = "must be one of: " + ", ".join(Category.values)
    else:
        out.category = CATEGORY_ALIASES[cat_key]

    out.birth_date = _date(raw, "birth_date", errors, today=today)
    out.captured_on = _date(raw, "captured_on", errors, today=today)
    if out.birth_date and out.captured_on and out.captured_on < out.birth_date:
        errors["captured_on"] = "is before the birth date"

    nats = raw.get("nationalities") or []
    if isinstance(nats, str):
        nats = [n for n in re.split(r"[,;/ ]+", nats) if n]
    if not isinstance(nats, list) or not all(isinstance(n, str) for n in nats):
        errors["nationalities"] = "must be a list of ISO 3166 two-letter codes"
    else:
        bad = [n for n in nats if not _COUNTRY.match(n)]
        if bad:
            errors["nationalities"] = f"'{bad[0][:20]}' is not an ISO 3166 two-letter code"
        out.nationalities = sorted({n.upper() for n in nats if _COUNTRY.match(n)})

    wounded = raw.get("wounded", False)
    if isinstance(wounded, str):
        wounded = wounded.strip().lower() in {"1", "yes", "true", "так", "да", "y"}
    if not isinstance(wounded, bool):
        errors["wounded"] = "must be true or false"
    else:
        out.wounded = wounded
    return (None, errors) if errors else (out, {})
