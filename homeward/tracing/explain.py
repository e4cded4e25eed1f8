"""The engine's explanation in plain words, in the reader's language.

The engine explains a score as parts ("surname: same name, its Ukrainian and Russian forms
(+1.5)"). A liaison needs "Family name: the same name, its Ukrainian and Russian forms — agrees",
not weights; a reviewer also sees whether a part weighed for or against.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

COMPARISONS = {
    "surname": gettext_lazy("Family name"),
    "given": gettext_lazy("Given name"),
    "patronymic": gettext_lazy("Father's name (patronymic)"),
    "birth": gettext_lazy("Date of birth"),
    "place": gettext_lazy("Place of birth"),
}

# Every level label the engine writes (homeward.linkage.model.COMPARISONS and its describe
# functions), so the catalogs can carry them; a label not listed is shown as the engine wrote it.
LEVELS = {
    "missing": gettext_lazy("not known on one side"),
    "given and family names swapped": gettext_lazy("given and family names swapped"),
    "same name": gettext_lazy("the same name"),
    "same spelling": gettext_lazy("the same spelling"),
    "same across scripts": gettext_lazy("the same name in another script"),
    "same name, its Ukrainian and Russian forms": gettext_lazy(
        "the same name, its Ukrainian and Russian forms"
    ),
    "same name, spelt the German way": gettext_lazy("the same name, spelt the German way"),
    "same name, spelt the French way": gettext_lazy("the same name, spelt the French way"),
    "same name, spelt with c for к": gettext_lazy("the same name, spelt with c for к"),
    "one name in another language or a diminutive": gettext_lazy(
        "one name in another language, or a diminutive"
    ),
    "sounds alike (another vowel, c for k)": gettext_lazy("sounds alike"),
    "one letter apart": gettext_lazy("one letter apart"),
    "two letters apart": gettext_lazy("two letters apart"),
    "different": gettext_lazy("different"),
    "a pet form or a misspelling of one name": gettext_lazy(
        "a pet form or a misspelling of one name"
    ),
    "a pet form of this or another name": gettext_lazy("a pet form of this or another name"),
    "one name is the start of the other": gettext_lazy("one name is the start of the other"),
    "same father's name": gettext_lazy("the same father's name"),
    "a slip of the pen": gettext_lazy("a slip of the pen"),
    "same day": gettext_lazy("the same day"),
    "same year and month, a day unknown": gettext_lazy("the same year and month; the day unknown"),
    "same year, a month unknown": gettext_lazy("the same year; the month unknown"),
    "day and month swapped": gettext_lazy("day and month swapped"),
    "a day apart": gettext_lazy("a day apart"),
    "two or three days apart": gettext_lazy("two or three days apart"),
    "a year apart, same day and month": gettext_lazy("a year apart, the same day and month"),
    "a year apart, the rest unknown": gettext_lazy("a year apart"),
    "same year only": gettext_lazy("the same year only"),
    "same place": gettext_lazy("the same place"),
    "the same place in another language": gettext_lazy("the same place in another language"),
    "another place": gettext_lazy("another place"),
}


@dataclass
class Said:
    field: str  # the comparison's code: surname, given, …
    label: str  # the field, in words
    text: str  # how the two compare, in words
    tone: str  # "agrees", "differs" or "unknown" (a CSS class and a word for screen readers)

    @property
    def tone_label(self) -> str:
        return {"agrees": _("agrees"), "differs": _("differs"), "unknown": _("not known")}[
            self.tone
        ]


def plain(explanation: dict | None) -> list[Said]:
    """The parts of an explanation (tracing.search.explanation_json) in plain words."""
    out = []
    for part in (explanation or {}).get("parts", []):
        name = part.get("comparison", "")
        level = part.get("level", "")
        weight = float(part.get("weight", 0.0))
        if level == "missing":
            tone = "unknown"
        elif weight > 0:
            tone = "agrees"
        else:
            tone = "differs"
        out.append(
            Said(
                field=name,
                label=str(COMPARISONS.get(name, name)),
                text=str(LEVELS.get(level, level)),
                tone=tone,
            )
        )
    return out


def summary(explanation: dict | None) -> str:
    """One line: why this candidate is on the list."""
    data = explanation or {}
    decision = data.get("decision")
    if decision == "match":
        head = _("The engine finds this the same person")
    elif decision == "name":
        head = _("Found by the family name only")
    else:
        head = _("A possible match for a person to decide")
    agree = [s.label for s in plain(data) if s.tone == "agrees"]
    if agree:
        return head + ": " + _("agree on %(fields)s") % {"fields": ", ".join(agree).lower()}
    return head
