"""The demo's exchange scenario, built from persons already in the register (all synthetic).

A negotiation through the mediator in which UA's list goes through six versions (removals with
reasons, substitutions, a counter-proposal by RU), RU's list through two, both agreed; then one
completed exchange with handovers, two refusals verified in private interviews and one person
withheld. Every step goes through the actions, so the ledger holds the whole story.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from homeward.exchanges import actions
from homeward.exchanges.actions import Add, HandoverLine, Remove
from homeward.exchanges.models import Outcome, Reason
from homeward.registry.models import Person
from homeward.registry.selectors import held_by

if TYPE_CHECKING:
    from .scenario import Scenario


def _pool(party, n: int, rng: random.Random) -> list[Person]:
    """Up to n persons the party holds, longest held first, with some shuffling among them."""
    ids = list(
        held_by(party.pk)
        .exclude(status_events__kind="refused_verified")
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[: n * 3]
    )
    rng.shuffle(ids)
    persons = {p.pk: p for p in Person.objects.filter(pk__in=ids[:n])}
    return [persons[i] for i in ids[:n]]


def build_exchanges(scenario: Scenario) -> None:
    """Needs the parties, users and persons (accounts and registry steps); makes a negotiation
    UA–RU through MD with its list versions, and one completed exchange."""
    scenario.log("exchanges: a negotiation with its list versions and one completed exchange…")
    p, u = scenario.parties, scenario.users
    _negotiate(
        ua=p["UA"],
        ru=p["RU"],
        md=p["MD"],
        ni=p["NI"],
        ua_officer=u["ua_officer"],
        ru_officer=u["ru_officer"],
        mediator=u["mediator"],
        caseworker=u["caseworker"],
        rng=scenario.rng,
    )


def _negotiate(*, ua, ru, md, ni, ua_officer, ru_officer, mediator, caseworker, rng) -> None:
    size = 12
    by_ru = _pool(ru, size + 6, rng)  # UA asks for these
    by_ua = _pool(ua, size + 6, rng)  # UA offers these
    if len(by_ru) < 6 or len(by_ua) < 6:
        return  # a register too small for a meaningful scenario
    k = min(size, len(by_ru) - 4, len(by_ua) - 4)
    negotiation = actions.open_negotiation(
        actor=mediator,
        title="Exchange of detainees, spring round",
        party_a=ua,
        party_b=ru,
        mediator=md,
    )
    ua_list = negotiation.lists.get(party=ua)
    ru_list = negotiation.lists.get(party=ru)
    # v2: the first draft.
    v = actions.edit_list(
        actor=ua_officer,
        base=actions.latest_version(ua_list),
        add=[
            Add(p, "ask", rng.choice([Reason.REQUESTED_BY_FAMILY, Reason.LONG_CAPTIVITY]))
            for p in by_ru[:k]
        ]
        + [Add(p, "offer", Reason.LONG_CAPTIVITY) for p in by_ua[:k]],
    )
    # v3: two names removed, one replaced by a wounded man.
    v = actions.edit_list(
        actor=ua_officer,
        base=v,
        add=[Add(by_ru[k], "ask", Reason.WOUNDED_OR_SICK, "Shrapnel wounds, needs surgery")],
        remove=[
            Remove(by_ru[0], Reason.DUPLICATE, "Same man as another entry, other spelling"),
            Remove(by_ru[1], Reason.SUBSTITUTED_BY, "Wounded first", substituted_by=by_ru[k]),
        ],
    )
    actions.propose_version(actor=ua_officer, version=v, note="First proposal")
    actions.counter_version(
        actor=ru_officer,
        version=v,
        note="Two of the names are not held by us; we ask for more of our civilians",
    )
    # v4: after the counter-proposal.
    v = actions.edit_list(
        actor=ua_officer,
        base=v,
        add=[Add(by_ua[k], "offer", Reason.CIVILIAN, "Requested by the other side")],
        remove=[
            Remove(by_ru[2], Reason.NOT_HELD, "The other side says he was transferred"),
            Remove(by_ru[3], Reason.WITHDRAWN, "Family withdrew the request"),
        ],
    )
    # v5: one more substitution on the offered side.
    v = actions.edit_list(
        actor=ua_officer,
        base=v,
        add=[Add(by_ua[k + 1], "offer", Reason.LONG_CAPTIVITY)],
        remove=[Remove(by_ua[0], Reason.SUBSTITUTED_BY, "", substituted_by=by_ua[k + 1])],
    )
    # v6: a late addition, then the proposal both sides sign off.
    v = actions.edit_list(
        actor=ua_officer,
        base=v,
        add=[Add(by_ru[k + 1], "ask", Reason.REQUESTED_BY_FAMILY, "Mother's inquiry")],
    )
    actions.propose_version(actor=ua_officer, version=v)
    asked = [e.person for e in v.entries.select_related("person").filter(side="ask")]
    ru_v = actions.edit_list(
        actor=ru_officer,
        base=actions.latest_version(ru_list),
        add=[Add(p, "offer", Reason.LONG_CAPTIVITY) for p in asked],
    )
    actions.propose_version(actor=ru_officer, version=ru_v)
    for version in (v, ru_v):
        for officer in (ua_officer, ru_officer):
            actions.approve_version(actor=officer, version=version)
    # Six weeks ago: within the last complete month's figures, which analysts see (stats).
    day = timezone.localdate() - dt.timedelta(days=42)
    exchange = actions.create_exchange(
        actor=mediator,
        negotiation=negotiation,
        date=day,
        place="Border crossing point",
        transit_country="BY",
    )
    listed = sorted(
        Person.objects.filter(pk__in=actions.agreed_person_ids(exchange)), key=lambda p: p.pk
    )
    refusing = set(rng.sample([p.pk for p in listed], 2))
    withheld = rng.choice([p.pk for p in listed if p.pk not in refusing])
    lines = []
    for p in listed:
        if p.pk in refusing:
            lines.append(
                HandoverLine(
                    p,
                    Outcome.REFUSED_VERIFIED,
                    interviewed_by=f"{caseworker.username} (private interview, no officer present)",
                    interviewed_on=day - dt.timedelta(days=1),
                )
            )
        elif p.pk == withheld:
            lines.append(HandoverLine(p, Outcome.WITHHELD, reason="Criminal proceedings pending"))
        else:
            lines.append(HandoverLine(p, Outcome.HANDED_OVER))
    actions.record_handovers(actor=caseworker, exchange=exchange, lines=lines)
    actions.complete_exchange(actor=mediator, exchange=exchange)
