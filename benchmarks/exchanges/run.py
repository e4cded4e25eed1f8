"""Exchanges benchmarks (issue 5): the planner on pools of 10,000 persons per side with categories
balanced (target < 5 s); a diff of two 5,000-entry versions and one person's list history
(target < 200 ms each).

    .venv/bin/python benchmarks/exchanges/run.py [--pool 10000] [--entries 5000] [--database-url URL]

Builds a fresh database (a temporary SQLite file unless --database-url is given). The pools are
inserted in bulk (synthetic persons, a detention and a `notified` event each, 3 % wounded, 1 %
verified refusals, categories and ranks in realistic proportions); the lists go through the real
actions (`edit_list`, so every version copies its entries as the application does). Each timing
is the median of several runs, through the selector and through the API (serialisation
included). Prints a Markdown table to paste into RESULTS.md beside the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

RANKS = ["private", "private", "private", "corporal", "sergeant", "lieutenant", "captain", "major"]
CATEGORIES = ["military"] * 85 + ["civilian"] * 12 + ["medical"] * 2 + ["religious"]


def setup(database_url: str | None) -> None:
    os.environ.setdefault("HOMEWARD_TESTING", "1")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["HOMEWARD_VAR"] = tempfile.mkdtemp(prefix="hw-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.settings"
    import django

    django.setup()
    from django.core.management import call_command

    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def world():
    from homeward.accounts.models import Party, PartyKind, Role, User

    def party(code, kind):
        return Party.objects.create(code=code, name=code, kind=kind)

    ua, ru = party("UA", PartyKind.STATE), party("RU", PartyKind.STATE)
    md = party("MD", PartyKind.MEDIATOR)
    party("NI", PartyKind.INTERMEDIARY)

    def user(name, role, p):
        return User.objects.create_user(username=name, password="bench-only", role=role, party=p)  # noqa: S106

    return {
        "ua": ua,
        "ru": ru,
        "md": md,
        "ua_officer": user("ua_officer", Role.BUREAU_OFFICER, ua),
        "ru_officer": user("ru_officer", Role.BUREAU_OFFICER, ru),
        "mediator": user("mediator", Role.MEDIATOR, md),
        "caseworker": user("caseworker", Role.CASEWORKER, Party.objects.get(code="NI")),
    }


def pool(w, holder, home, n: int, rng: random.Random) -> list[int]:
    """n synthetic persons held by `holder`, inserted in bulk."""
    from homeward.lib.dates import PartialDate
    from homeward.registry.models import Detention, Person, Source, StatusEvent

    actor = w["caseworker"]
    source = Source.objects.create(kind="notification", title="bench", created_by=actor)
    persons = Person.objects.bulk_create(
        [
            Person(
                family_name=f"Bench{holder.code}{i}",
                given_name="Synthetic",
                category=rng.choice(CATEGORIES),
                rank=rng.choice(RANKS),
                wounded=rng.random() < 0.03,
                home_party=home,
                created_by=actor,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    Detention.objects.bulk_create(
        [
            Detention(
                person=p,
                detaining_party=holder,
                captured_on=PartialDate(
                    2022 + rng.randrange(3), 1 + rng.randrange(12), 1 + rng.randrange(28)
                ),
            )
            for p in persons
        ],
        batch_size=2000,
    )
    events = [
        StatusEvent(
            person=p, kind="notified", date=PartialDate(2025, 1), source=source, recorded_by=actor
        )
        for p in persons
    ]
    events += [
        StatusEvent(
            person=p,
            kind="refused_verified",
            date=PartialDate(2025, 2),
            source=source,
            recorded_by=actor,
        )
        for p in persons
        if rng.random() < 0.01
    ]
    StatusEvent.objects.bulk_create(events, batch_size=2000)
    return [p.pk for p in persons]


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pool", type=int, default=10_000)
    ap.add_argument("--entries", type=int, default=5_000)
    ap.add_argument("--database-url")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    setup(args.database_url)

    from django.db import connection
    from django.test import Client

    from homeward.exchanges import actions, planner
    from homeward.exchanges.actions import Add, Remove
    from homeward.exchanges.models import Reason
    from homeward.exchanges.planner import plan
    from homeward.exchanges.runs import queue_plan
    from homeward.exchanges.selectors import diff, list_history
    from homeward.exchanges.tasks import carry_out, take
    from homeward.registry.models import Person

    rng = random.Random(args.seed)
    w = world()
    t = time.perf_counter()
    ua_ids = pool(w, w["ua"], w["ru"], args.pool, rng)
    ru_ids = pool(w, w["ru"], w["ua"], args.pool, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    build = time.perf_counter() - t
    negotiation = actions.open_negotiation(
        actor=w["mediator"], title="Bench", party_a=w["ua"], party_b=w["ru"], mediator=w["md"]
    )
    rows = []

    # The pool query alone (one side), as it runs and as it ran before (PostgreSQL compiling
    # it with JIT: planner.JIT_OFF_FOR_POOL). Same rows either way.
    seconds, held = timed(lambda: planner.pool(w["ua"].pk, set()), 5)
    rows.append(("pool query, one side", f"{len(held):,} held", seconds, None, ""))
    planner.JIT_OFF_FOR_POOL = False
    try:
        seconds, before = timed(lambda: planner.pool(w["ua"].pk, set()), 5)
    finally:
        planner.JIT_OFF_FOR_POOL = True
    assert [c.pk for c in before] == [c.pk for c in held]
    rows.append(
        ("pool query, one side — before (baseline)", f"{len(before):,} held", seconds, None, "")
    )

    for label, kwargs in [
        ("planner, no balance (sort)", {}),
        ("planner, balance category", {"balance": ["category"]}),
        ("planner, balance category,rank", {"balance": ["category", "rank"]}),
        (
            "planner, --size 1000 --balance category,rank",
            {"size": 1000, "balance": ["category", "rank"]},
        ),
        ("planner, all-for-all", {"all_for_all": True}),
    ]:
        seconds, result = timed(lambda kwargs=kwargs: plan(negotiation, **kwargs), 3)
        rows.append(
            (label, f"{args.pool:,} per side", seconds, 5.0, result.solver.get("status", ""))
        )

    # The whole run as the page asks for it: queued, claimed by the worker, carried out, its
    # result (every person's why) and ledger entry written.
    def through_the_worker():
        run = queue_plan(actor=w["mediator"], negotiation=negotiation, balance=["category"])
        claimed = take(str(run.uuid))  # what the task does when the worker runs it
        assert claimed is not None and claimed.pk == run.pk
        done = carry_out(claimed)
        assert done.status == "done", done.error
        return done

    seconds, done = timed(through_the_worker, 3)
    rows.append(
        (
            "planner run through the worker, balance category (queue → done, result saved)",
            f"{args.pool:,} per side",
            seconds,
            5.0,
            done.result["solver"].get("status", ""),
        )
    )

    # Lists: a 5,000-entry version (half asked for, half offered), then edits.
    ua_list = negotiation.lists.get(party=w["ua"])
    half = args.entries // 2
    persons = {
        p.pk: p for p in Person.objects.filter(pk__in=ru_ids[: half + 200] + ua_ids[: half + 200])
    }
    t = time.perf_counter()
    v_a = actions.edit_list(
        actor=w["ua_officer"],
        base=actions.latest_version(ua_list),
        add=[Add(persons[i], "ask", Reason.LONG_CAPTIVITY) for i in ru_ids[:half]]
        + [Add(persons[i], "offer", Reason.LONG_CAPTIVITY) for i in ua_ids[:half]],
    )
    first_edit = time.perf_counter() - t
    # Nine more versions, each swapping 20 names (10 substitutions, 10 plain removals).
    v = v_a
    star = persons[ru_ids[0]]
    edit_times = []
    for k in range(9):
        new = [persons[i] for i in ru_ids[half + 20 * k : half + 20 * (k + 1)]]
        old = [persons[i] for i in ru_ids[20 * k + 1 : 20 * (k + 1) + 1]]
        removes = [
            Remove(o, Reason.SUBSTITUTED_BY, substituted_by=n_)
            for o, n_ in zip(old[:10], new[:10], strict=True)
        ] + [Remove(o, Reason.NOT_HELD, "bench") for o in old[10:]]
        adds = [Add(n_, "ask", Reason.REQUESTED_BY_FAMILY) for n_ in new]
        if k % 2 == 0:
            removes.append(Remove(star, Reason.WITHDRAWN, "bench"))
        else:
            adds.append(Add(star, "ask", Reason.REQUESTED_BY_FAMILY))
        t = time.perf_counter()
        v = actions.edit_list(actor=w["ua_officer"], base=v, add=adds, remove=removes)
        edit_times.append(time.perf_counter() - t)
    v_b = v
    seconds, d = timed(lambda: diff(v_a, v_b), 7)
    rows.append(
        (
            "diff of two versions (selector)",
            f"{v_a.size:,} / {v_b.size:,} entries, {len(d.added)}+{len(d.removed)} changed",
            seconds,
            0.2,
            "",
        )
    )
    client = Client()
    client.force_login(w["mediator"])
    seconds, r = timed(lambda: client.get(f"/api/v1/versions/{v_a.uuid}/diff/{v_b.uuid}"), 7)
    assert r.status_code == 200, r.content[:300]
    rows.append(
        (
            "diff of two versions (API, JSON)",
            f"{v_a.size:,} / {v_b.size:,} entries",
            seconds,
            0.2,
            "",
        )
    )
    seconds, h = timed(lambda: list_history(star), 7)
    rows.append(
        (
            "one person's list history (selector)",
            f"{len(h.changes)} changes, {h.versions} versions",
            seconds,
            0.2,
            "",
        )
    )
    seconds, r = timed(lambda: client.get(f"/api/v1/persons/{star.uuid}/list-history"), 7)
    assert r.status_code == 200, r.content[:300]
    rows.append(("one person's list history (API, JSON)", "", seconds, 0.2, ""))
    rows.append(("edit_list, first 5,000-entry version", "", first_edit, None, ""))
    rows.append(
        (
            "edit_list, 20 changes on 5,000 entries",
            "median of 9",
            statistics.median(edit_times),
            None,
            "",
        )
    )

    print(
        f"\nMachine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {connection.vendor}"
    )
    print(f"Pools built in {build:.1f} s\n")
    print("| measure | size | seconds (median) | target | |")
    print("|---|---|---|---|---|")
    for label, size, seconds, target, note in rows:
        ok = "" if target is None else ("✓" if seconds < target else "✗ over target")
        tgt = "" if target is None else f"< {target:g} s"
        print(f"| {label} | {size} | {seconds:.3f} | {tgt} | {ok} {note} |")


if __name__ == "__main__":
    main()
