"""The demo scenario's one entry point: `build(size=…, rng=…)`, which `homeward demo` runs.

A scenario is a list of steps run in order over one `Scenario`: each step reads what earlier
steps made (parties, users, persons in the database) and adds its own, through the actions, so
the ledger holds the whole story. Every person in it is synthetic.

To add an area: write `homeward/synth/<area>.py` with `build_<area>(scenario: Scenario)`
(its docstring says what it needs and what it makes) and add it to STEPS after what it needs.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from homeward.accounts.models import Party, User
from homeward.ledger import store

from .accounts import build_accounts
from .claims import build_claims
from .exchanges import build_exchanges
from .reconcile import build_reconcile
from .registry import build_registry
from .stats import build_stats
from .tracing import build_tracing


@dataclass
class Scenario:
    size: int  # persons held by each state party
    rng: random.Random
    log: Callable[[str], None] = print
    parties: dict[str, Party] = field(default_factory=dict)  # by code: UA, RU, NI, MD
    users: dict[str, User] = field(default_factory=dict)  # by username (accounts.DEMO_USERS)
    totals: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))


def histories(scenario: Scenario) -> None:
    """Persons whose histories make every chart meaningful: foreign nationals, refusals,
    joined_forces claims with graded sources, deaths, releases (synth/stats.py)."""
    made = build_stats(
        caseworker=scenario.users["caseworker"],
        ua_officer=scenario.users["ua_officer"],
        ru_officer=scenario.users["ru_officer"],
        rng=scenario.rng,
        size=max(20, min(200, scenario.size // 25)),
    )
    scenario.totals["persons with varied histories"] += made


def inquiries(scenario: Scenario) -> None:
    """Families' inquiries in Ukrainian, Russian and Latin script, some answered, some with
    candidates pending (synth/tracing.py); needs the register and the demo users."""
    made = build_tracing(
        rng=scenario.rng,
        liaison=scenario.users["liaison"],
        caseworker=scenario.users["caseworker"],
        count=max(12, min(60, scenario.size // 50)),
        log=scenario.log,
    )
    for what, n in made.items():
        scenario.totals[what] += n


def published_list(scenario: Scenario) -> None:
    """A list the detaining party publishes (a few hundred names, cp1251, one ФИО column),
    reconciled with every outcome present (synth/reconcile.py)."""
    summary = build_reconcile(
        caseworker=scenario.users["caseworker"],
        publisher=scenario.parties["RU"],
        rng=scenario.rng,
        size=max(40, min(300, scenario.size // 10)),
    )
    scenario.log(summary)
    scenario.totals["published lists reconciled"] += 1


def claims(scenario: Scenario) -> None:
    """The two sample reports' excerpts with their claims confirmed (synth/claims.py)."""
    made = build_claims(analyst=scenario.users["analyst"], log=scenario.log)
    scenario.totals["claims confirmed"] += made.get("confirmed", 0)


def sign_checkpoint(scenario: Scenario) -> None:
    """Last: a signed checkpoint over everything the steps wrote."""
    checkpoint = store.publish_checkpoint()
    if checkpoint is not None:
        scenario.totals["ledger entries (signed checkpoint)"] = checkpoint.size


Step = Callable[[Scenario], None]
STEPS: list[Step] = [
    build_accounts,
    build_registry,
    histories,
    build_exchanges,
    inquiries,
    published_list,
    claims,
    sign_checkpoint,
]


def build(*, size: int, rng: random.Random, log: Callable[[str], None] = print) -> str:
    """Builds the whole scenario; returns a one-line summary ("120 persons, 14 notifications…")."""
    scenario = Scenario(size=size, rng=rng, log=log)
    for step in STEPS:
        step(scenario)
    return ", ".join(f"{n} {k}" for k, n in scenario.totals.items())
