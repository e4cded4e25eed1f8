"""Validation of an inquiry's fields, shared by the form, the API and bulk filing, so every entry
point names the same field with the same reason ("family_name: …", "line 7: birth_date: …")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone

from homeward.accounts.models import Party, PartyKind
from homeward.lib.dates import PartialDate
from homeward.registry.validation import CATEGORY_ALIASES, NAME_MAX, SEX_ALIASES, _date, _text

from .models import Channel, Language

CIRCUMSTANCES_MAX = 5000
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")

LANGUAGE_ALIASES = {
    "en": Language.EN,
    "english": Language.EN,
    "uk": Language.UK,
    "ua": Language.UK,
    "ukrainian": Language.UK,
    "українська": Language.UK,
    "укр": Language.UK,
    "ru": Language.RU,
    "russian": Language.RU,
    "русский": Language.RU,
    "російська": Language.RU,
    "рус": Language.RU,
}


@dataclass
class InquiryFields:
    """Clean fields of one inquiry, ready for the filing action."""

    requester_name: str
    family_name: str = ""
    given_name: str = ""
    patronymic: str = ""
    full_name: str = ""
    sex: str = "U"
    birth_date: PartialDate | None = None
    birth_place: str = ""
    nationality: str = ""
    home_party: Party | None = None
    service_number: str = ""
    rank: str = ""
    unit: str = ""
    category: str = ""
    circumstances: str = ""
    requester_relation: str = ""
    requester_contact: str = ""
    language: str = Language.UK
    consent_parties: list[str] = field(default_factory=list)
    channel: str = Channel.PHONE
    partner: str = ""


def _codes(value) -> list[str] | None:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v for v in re.split(r"[,;/ ]+", value) if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return [v.strip().upper()[:16] for v in value]


def clean_inquiry(
    raw: dict, *, today: dt.date | None = None
) -> tuple[InquiryFields | None, dict[str, str]]:
    """Returns (fields, {}) or (None, {field: reason, ...})."""
    today = today or timezone.now().date()
    errors: dict[str, str] = {}
    # PostgreSQL refuses NUL in text: refuse it here, naming the field, before anything else.
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            errors[name] = "contains a NUL character"
    if errors:
        return None, errors
    out = InquiryFields(
        requester_name=_text(raw, "requester_name", errors, limit=NAME_MAX, required=True)
    )
    out.family_name = _text(raw, "family_name", errors, limit=NAME_MAX)
    out.given_name = _text(raw, "given_name", errors, limit=NAME_MAX)
    out.patronymic = _text(raw, "patronymic", errors, limit=NAME_MAX)
    out.full_name = _text(raw, "full_name", errors, limit=400)
    if not (out.family_name or out.given_name or out.full_name) and not {
        "family_name",
        "given_name",
        "full_name",
    } & set(errors):
        errors["family_name"] = (
            "the inquiry needs a name to search by (a family name, a given name or a full name)"
        )
    for name in ("birth_place", "service_number", "rank", "unit", "partner"):
        setattr(out, name, _text(raw, name, errors))
    out.requester_relation = _text(raw, "requester_relation", errors, limit=100)
    out.requester_contact = _text(raw, "requester_contact", errors, limit=300)
    circumstances = raw.get("circumstances") or ""
    if not isinstance(circumstances, str):
        errors["circumstances"] = "must be text"
    elif len(circumstances) > CIRCUMSTANCES_MAX:
        errors["circumstances"] = f"at most {CIRCUMSTANCES_MAX} characters are allowed"
    else:
        out.circumstances = circumstances.strip()

    sex = raw.get("sex") or ""
    key = sex.strip().lower().rstrip(".") if isinstance(sex, str) else None
    if key not in SEX_ALIASES:
        errors["sex"] = "must be M, F or U"
    else:
        out.sex = SEX_ALIASES[key]
    cat = raw.get("category") or ""
    key = cat.strip().lower() if isinstance(cat, str) else None
    if key == "":
        out.category = ""
    elif key not in CATEGORY_ALIASES:
        errors["category"] = "must be military, civilian, medical or religious"
    else:
        out.category = CATEGORY_ALIASES[key]

    out.birth_date = _date(raw, "birth_date", errors, today=today)

    nat = raw.get("nationality") or ""
    if not isinstance(nat, str) or (nat.strip() and not _COUNTRY.match(nat.strip())):
        errors["nationality"] = "must be an ISO 3166 two-letter code"
    else:
        out.nationality = nat.strip().upper()

    home = raw.get("home_party") or ""
    if not isinstance(home, str):
        errors["home_party"] = "must be a party code"
    elif home.strip():
        party = Party.objects.filter(code=home.strip().upper()[:16], kind=PartyKind.STATE).first()
        if party is None:
            errors["home_party"] = f"unknown party {home.strip()[:16]!r}"
        out.home_party = party

    codes = _codes(raw.get("consent_parties"))
    if codes is None:
        errors["consent_parties"] = "must be a list of party codes"
    elif codes:
        known = set(Party.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            errors["consent_parties"] = f"unknown party {unknown[0]!r}"
        out.consent_parties = sorted(set(codes))

    lang = raw.get("language") or "uk"
    key = lang.strip().lower() if isinstance(lang, str) else None
    if key not in LANGUAGE_ALIASES:
        errors["language"] = "must be en, uk or ru"
    else:
        out.language = LANGUAGE_ALIASES[key]
    channel = raw.get("channel") or Channel.PHONE
    if channel not in Channel.values:
        errors["channel"] = "must be one of: " + ", ".join(Channel.values)
    else:
        out.channel = channel
    return (None, errors) if errors else (out, {})
