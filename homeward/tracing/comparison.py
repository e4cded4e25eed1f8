"""Side by side: the two records of a candidate, field by field, differences marked.

Names, dates and places are judged as the engine judged them (its explanation), so "Олійник" and
"Олейник" show as agreeing where a letter-by-letter comparison would call them different; the
other fields are compared as written."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .explain import plain


@dataclass
class Row:
    label: str
    left: str
    right: str
    tone: str  # agrees, differs, unknown, "" (not compared)
    how: str = ""  # the engine's words, when it compared this field


def _tones(explanation: dict | None) -> dict[str, tuple[str, str]]:
    # "not known on one side" is what the tone already says: no second line for it.
    return {s.field: (s.tone, s.text if s.tone != "unknown" else "") for s in plain(explanation)}


def _plain_tone(a: str, b: str) -> str:
    if not a or not b:
        return "unknown"
    return "agrees" if a.strip().casefold() == b.strip().casefold() else "differs"


def _inquiry_values(inquiry) -> dict[str, str]:
    return {
        "name": inquiry.sought_name,
        "sex": inquiry.get_sex_display() if inquiry.sex != "U" else "",
        "birth_date": str(inquiry.birth_date or ""),
        "birth_place": inquiry.birth_place,
        "home_party": inquiry.home_party.code if inquiry.home_party_id else "",
        "service_number": inquiry.service_number,
    }


def _side_values(side) -> dict[str, str]:
    sexes = {"M": _("Male"), "F": _("Female")}
    return {
        "name": " / ".join(side.names),
        "sex": sexes.get(side.sex, ""),
        "birth_date": side.birth_date,
        "birth_place": side.birth_place,
        "home_party": side.home_party,
        "service_number": side.service_number,
    }


def rows_for(candidate, sides: dict, *, inquiry=None) -> list[Row]:
    """The comparison rows of a candidate: inquiry ↔ person, or person ↔ person."""
    right_side = sides.get(candidate.person_id)
    if right_side is None:
        return []
    right = _side_values(right_side)
    if candidate.other_person_id:
        other = sides.get(candidate.other_person_id)
        left = _side_values(other) if other else {}
    elif inquiry is not None:
        left = _inquiry_values(inquiry)
    else:
        left = {}
    engine = _tones(candidate.explanation)
    name_tones = [engine[f] for f in ("surname", "given", "patronymic") if f in engine]
    if any(t == "differs" for t, _h in name_tones):
        name_tone = "differs"
    elif any(t == "agrees" for t, _h in name_tones):
        name_tone = "agrees"
    else:
        name_tone = "unknown"
    name_how = "; ".join(
        f"{label}: {how}"
        for label, (t, how) in (
            (_("family name"), engine.get("surname", ("", ""))),
            (_("given name"), engine.get("given", ("", ""))),
            (_("father's name"), engine.get("patronymic", ("", ""))),
        )
        if how
    )
    rows = [
        Row(_("Name"), left.get("name", ""), right["name"], name_tone, name_how),
        Row(
            _("Sex"),
            left.get("sex", ""),
            right["sex"],
            _plain_tone(left.get("sex", ""), right["sex"]),
        ),
        Row(
            _("Date of birth"),
            left.get("birth_date", ""),
            right["birth_date"],
            *(
                engine.get("birth")
                or (_plain_tone(left.get("birth_date", ""), right["birth_date"]), "")
            ),
        ),
        Row(
            _("Place of birth"),
            left.get("birth_place", ""),
            right["birth_place"],
            *(
                engine.get("place")
                or (_plain_tone(left.get("birth_place", ""), right["birth_place"]), "")
            ),
        ),
        Row(
            _("Party depended on"),
            left.get("home_party", ""),
            right["home_party"],
            _plain_tone(left.get("home_party", ""), right["home_party"]),
        ),
        Row(
            _("Service number"),
            left.get("service_number", ""),
            right["service_number"],
            _plain_tone(left.get("service_number", ""), right["service_number"]),
        ),
    ]
    return [r for r in rows if r.left or r.right]
