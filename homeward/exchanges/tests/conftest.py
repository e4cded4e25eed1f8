"""A negotiation between UA and RU through MD, with persons each side holds. All names synthetic."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from homeward.exchanges import actions
from homeward.exchanges.actions import Add
from homeward.exchanges.models import ExchangeList, ListVersion, Negotiation, Reason
from homeward.registry.models import Person
from homeward.registry.tests.factories import notified


@dataclass
class Scene:
    negotiation: Negotiation
    ua_list: ExchangeList
    ru_list: ExchangeList
    held_by_ru: list[Person]
    held_by_ua: list[Person]


@pytest.fixture
def scene(world) -> Scene:
    held_by_ru = [
        notified(world, family_name=f"Петренко{i}", captured_on=f"2022-0{i + 1}-01")
        for i in range(4)
    ]
    held_by_ua = [
        notified(
            world,
            by=world.ua_officer,
            family_name=f"Иванов{i}",
            home_party_code="RU",
            captured_on=f"2023-0{i + 1}-01",
        )
        for i in range(4)
    ]
    negotiation = actions.open_negotiation(
        actor=world.mediator,
        title="Spring exchange",
        party_a=world.ua,
        party_b=world.ru,
        mediator=world.md,
    )
    return Scene(
        negotiation,
        negotiation.lists.get(party=world.ua),
        negotiation.lists.get(party=world.ru),
        held_by_ru,
        held_by_ua,
    )


def agree_both(world, scene: Scene, n: int = 2) -> tuple[ListVersion, ListVersion]:
    """UA offers its first n and asks for RU's first n; RU offers the same n; both agree both."""
    ua = actions.edit_list(
        actor=world.ua_officer,
        base=scene.ua_list.versions.get(number=1),
        add=[Add(p, "offer", Reason.LONG_CAPTIVITY) for p in scene.held_by_ua[:n]]
        + [Add(p, "ask", Reason.REQUESTED_BY_FAMILY) for p in scene.held_by_ru[:n]],
    )
    ru = actions.edit_list(
        actor=world.ru_officer,
        base=scene.ru_list.versions.get(number=1),
        add=[Add(p, "offer", Reason.LONG_CAPTIVITY) for p in scene.held_by_ru[:n]],
    )
    for v, owner in ((ua, world.ua_officer), (ru, world.ru_officer)):
        actions.propose_version(actor=owner, version=v)
        for officer in (world.ua_officer, world.ru_officer):
            v = actions.approve_version(actor=officer, version=v)
    return ua, ru
