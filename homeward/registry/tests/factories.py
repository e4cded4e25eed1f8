"""Small builders for register tests. Every name here is synthetic."""

from __future__ import annotations

from homeward.lib.dates import PartialDate
from homeward.registry import actions
from homeward.registry.models import Person

# Notifications in tests are dated in the past, so events recorded after them can be current.
NOTIFIED_ON = PartialDate(2025, 1, 15)


def notified(
    world,
    *,
    by=None,
    family_name="Петренко",
    given_name="Олександр",
    patronymic="Іванович",
    birth_date="1994-03-12",
    detaining_party=None,
    notified_on=NOTIFIED_ON,
    **extra,
) -> Person:
    """A person notified by the RU bureau (held by RU) unless told otherwise."""
    actor = by or world.ru_officer
    fields = {
        "family_name": family_name,
        "given_name": given_name,
        "patronymic": patronymic,
        "birth_date": birth_date,
        "sex": "M",
        "home_party_code": "UA",
        **extra,
    }
    return actions.notify_capture(
        actor=actor, fields=fields, detaining_party=detaining_party, notified_on=notified_on
    )
