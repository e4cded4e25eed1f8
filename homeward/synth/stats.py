"""Demo variety for the dashboard's charts (issue 20). Every person here is synthetic.

`build_stats` needs the parties UA and RU (state parties), a caseworker and the two bureau
officers; it makes `size` persons held by each side, captured over 2023-2025, some foreign
nationals (32 countries' codes at most), deaths, releases, refusals of repatriation (verified and
not) and "joined forces" claims from sources of several grades, so that every chart has shapes
and the analyst's view has both shown and suppressed cells.
"""

from __future__ import annotations

import random

from homeward.accounts.models import User
from homeward.lib.dates import PartialDate
from homeward.registry import actions
from homeward.registry.models import StatusKind

COUNTRIES = ["GE", "BY", "IN", "NP", "CU", "KZ", "US", "GB", "CO", "BR", "PL", "SY"]
_FAMILY = ["Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук", "Поліщук"]
_GIVEN = ["Андрій", "Олег", "Сергій", "Микола", "Дмитро", "Іван", "Петро"]


def build_stats(
    *,
    caseworker: User,
    ua_officer: User,
    ru_officer: User,
    rng: random.Random,
    size: int = 60,
) -> int:
    """Creates `2 * size` persons and their histories; returns the number of persons made."""
    sources = {
        grade: actions.create_source(
            actor=caseworker,
            kind="media" if grade in "DEF" else "interview",
            title=f"Synthetic source graded {grade}",
            reliability=grade,
        )
        for grade in "ABCDEF"
    }
    made = 0
    for officer in (ru_officer, ua_officer):
        home = "UA" if officer is ru_officer else "RU"
        for i in range(size):
            foreign = rng.random() < 0.15
            captured = PartialDate(rng.choice([2023, 2024, 2025]), rng.randint(1, 12), 15)
            person = actions.notify_capture(
                actor=officer,
                fields={
                    "family_name": f"{rng.choice(_FAMILY)}-{home}{i}",
                    "given_name": rng.choice(_GIVEN),
                    "sex": "M",
                    "home_party_code": home,
                    "category": rng.choice(["military"] * 4 + ["civilian"]),
                    "nationalities": [rng.choice(COUNTRIES)] if foreign else [home],
                },
                notified_on=captured,
            )
            made += 1
            roll = rng.random()
            # A year after the capture, never in the future (the demo's clock is late 2026).
            later = PartialDate(captured.year + 1, rng.randint(1, 10), rng.randint(1, 28))
            kind = None
            if roll < 0.08:
                kind = StatusKind.DIED
            elif roll < 0.2:
                kind = StatusKind.RELEASED
            elif roll < 0.27:
                kind = StatusKind.REFUSED_VERIFIED
            elif roll < 0.35:
                kind = StatusKind.REFUSED_UNVERIFIED
            elif roll < 0.45:
                kind = StatusKind.JOINED_FORCES
            if kind is None:
                continue
            grade = rng.choice("ABCDEF") if kind == StatusKind.JOINED_FORCES else "B"
            actions.record_status_event(
                actor=caseworker, person=person, kind=kind, date=later, source=sources[grade]
            )
    return made
