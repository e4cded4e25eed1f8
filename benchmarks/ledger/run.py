"""Ledger benchmarks (issue 4).

    .venv/bin/python benchmarks/ledger/run.py appends [--n 5000] [--writers 1] [--seal-every 1]
                                                      [--database-url URL]
    .venv/bin/python benchmarks/ledger/run.py million [--n 1000000] [--database-url URL]

`appends`: entries appended the way actions append them (one transaction each, with a personal
commitment) by `--writers` processes at once, while the worker's step (the sequencer: number,
seal) runs every `--seal-every` seconds in another process; then the rest is sealed and a
checkpoint signed. Reports entries/s from the first append to the last commit.
`million`: writes N entries directly (canonical events, leaf hashes), seals them, signs a
checkpoint, then times `verify` of the whole log and producing and checking inclusion and
consistency proofs at that size. A fresh temporary SQLite database unless --database-url.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def setup(database_url: str | None) -> None:
    os.environ.setdefault("HOMEWARD_TESTING", "1")
    os.environ["HOMEWARD_VAR"] = tempfile.mkdtemp(prefix="hw-ledger-bench-")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.settings"
    import django

    django.setup()
    from django.core.management import call_command

    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def machine() -> str:
    from django.db import connection

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {connection.vendor}"


def _append_some(user_id: int, first: int, count: int, ready, go) -> None:
    """One writer: `count` appends, each in its own transaction, as an action makes them."""
    from django.db import connections, transaction

    from homeward.accounts.models import User
    from homeward.ledger.actions import append

    user = User.objects.select_related("party").get(pk=user_id)
    ready.wait()
    go.wait()
    for i in range(first, first + count):
        with transaction.atomic():
            append(
                actor=user,
                action="bench.event",
                object_type="person",
                object_id=i,
                data={"i": i, "kind": "visited"},
                personal={"name": ["Synthetic", "Person", str(i)]},
            )
    connections.close_all()


def _sequencer(every: float, stop) -> None:
    """The worker's step, every `every` seconds while the writers run."""
    from django.db import connections

    from homeward.ledger import store

    while not stop.wait(every):
        store.seal()
    connections.close_all()


def appends(n: int, writers: int, seal_every: float) -> None:
    import multiprocessing

    import cpu
    from django.db import connections

    from homeward.accounts.actions import create_party, create_user
    from homeward.accounts.models import PartyKind, Role
    from homeward.ledger import store
    from homeward.ledger.models import Entry, Head

    ni = create_party(actor=None, code="NI", name="N", kind=PartyKind.INTERMEDIARY)
    user = create_user(
        actor=None, username="b", password="x", role=Role.CASEWORKER, party=ni, check_password=False
    )
    store.publish_checkpoint()  # the two entries above: start from a sealed log
    base = Head.objects.get().size
    connections.close_all()  # each process opens its own connection
    ctx = multiprocessing.get_context("fork")
    ready, go, stop = ctx.Barrier(writers + 1), ctx.Event(), ctx.Event()
    share = [n // writers + (w < n % writers) for w in range(writers)]
    procs = [
        ctx.Process(target=_append_some, args=(user.pk, sum(share[:w]), share[w], ready, go))
        for w in range(writers)
    ]
    sequencer = ctx.Process(target=_sequencer, args=(seal_every, stop)) if seal_every else None
    for p in procs:
        p.start()
    ready.wait()
    load = os.getloadavg()[0]
    if sequencer is not None:
        sequencer.start()
    before = cpu.snapshot()
    t = time.perf_counter()
    go.set()
    for p in procs:
        p.join()
    append_s = time.perf_counter() - t
    stop.set()
    if sequencer is not None:
        sequencer.join()
    # The sequencer's last run included: its work is part of what the appends cost.
    spent = cpu.per_transaction(before, cpu.snapshot(), n, time.perf_counter() - t)
    assert all(p.exitcode == 0 for p in procs), "a writer failed"
    backlog = Entry.objects.filter(seq__isnull=True).count()
    t = time.perf_counter()
    store.publish_checkpoint()
    seal_s = time.perf_counter() - t
    head = Head.objects.get()
    assert head.size == head.sealed == base + n, (head.size, head.sealed, base + n)
    print(f"## Appends on {machine()}\n")
    print(
        f"- {n:,} appends by {writers} writer process{'es' if writers > 1 else ''}, one "
        f"transaction each (as inside actions), "
        + (
            f"the worker's sequencer sealing every {seal_every:g} s alongside"
            if seal_every
            else "nothing sealing alongside"
        )
        + f": {append_s:.2f} s = **{n / append_s:,.0f} entries/s** (target ≥ 2,000/s); "
        f"load average {load:.2f} at the start"
    )
    print(f"- {spent} (the database server is on the same cores)")
    print(
        f"- then sealing the {backlog:,} still pending (numbering them, storing subtree hashes) "
        f"and signing a checkpoint: {seal_s:.2f} s"
    )


def million(n: int) -> None:
    from homeward.ledger import merkle, store
    from homeward.ledger.canonical import canonical_json
    from homeward.ledger.models import Entry, Head
    from homeward.ledger.verify import verify_database
    from homeward.lib.bulk import insert_rows

    t = time.perf_counter()

    def rows():
        for seq in range(n):
            body = canonical_json(
                {
                    "seq": seq,
                    "at": "2026-01-01T00:00:00+00:00",
                    "actor": None,
                    "party": None,
                    "action": "bench.event",
                    "object": {"type": "person", "id": str(seq)},
                    "data": {"kind": "visited"},
                    "commitments": {},
                }
            )
            yield (
                seq,
                "2026-01-01T00:00:00+00:00",
                "bench.event",
                "person",
                str(seq),
                body.decode(),
                merkle.leaf_hash(body),
                "",
            )

    insert_rows(
        Entry,
        ["seq", "at", "action", "object_type", "object_id", "event", "leaf_hash", "signature"],
        rows(),
    )
    Head.objects.update_or_create(id=1, defaults={"size": n, "sealed": 0})
    write_s = time.perf_counter() - t
    t = time.perf_counter()
    store.publish_checkpoint()
    seal_s = time.perf_counter() - t

    t = time.perf_counter()
    report = verify_database()
    verify_s = time.perf_counter() - t
    assert report.ok, report.problem

    cp = store.latest_checkpoint()
    assert cp is not None
    rng = random.Random(1)
    leaves = dict(
        Entry.objects.filter(seq__in=[rng.randrange(n) for _ in range(300)]).values_list(
            "seq", "leaf_hash"
        )
    )
    produce, check = [], []
    for seq, leaf in leaves.items():
        t0 = time.perf_counter()
        proof = store.inclusion_proof(seq, cp.size)
        t1 = time.perf_counter()
        merkle.verify_inclusion(seq, cp.size, bytes(leaf), proof, bytes(cp.root))
        t2 = time.perf_counter()
        produce.append((t1 - t0) * 1000)
        check.append((t2 - t1) * 1000)
    cons_produce, cons_check = [], []
    for _ in range(100):
        size1 = rng.randrange(1, n)
        root1 = store.root(size1)
        t0 = time.perf_counter()
        proof = store.consistency_proof(size1, cp.size)
        t1 = time.perf_counter()
        merkle.verify_consistency(size1, cp.size, proof, root1, bytes(cp.root))
        t2 = time.perf_counter()
        cons_produce.append((t1 - t0) * 1000)
        cons_check.append((t2 - t1) * 1000)

    def p95(v):
        return sorted(v)[int(0.95 * (len(v) - 1))]

    print(f"## {n:,} entries on {machine()}\n")
    print(f"- writing the entries directly: {write_s:.1f} s; sealing and signing: {seal_s:.1f} s")
    print(
        f"- `verify` of the whole log (leaves, every stored subtree hash, checkpoints): "
        f"**{verify_s:.1f} s** (target < 60 s)\n"
    )
    print("| at size | n | median ms | p95 ms | target |")
    print("|---|---:|---:|---:|---|")
    print(
        f"| inclusion proof, produce | {len(produce)} | {statistics.median(produce):.2f} | {p95(produce):.2f} | < 5 ms |"
    )
    print(
        f"| inclusion proof, check | {len(check)} | {statistics.median(check):.3f} | {p95(check):.3f} | < 1 ms |"
    )
    print(
        f"| consistency proof, produce | {len(cons_produce)} | {statistics.median(cons_produce):.2f} | "
        f"{p95(cons_produce):.2f} | < 5 ms |"
    )
    print(
        f"| consistency proof, check | {len(cons_check)} | {statistics.median(cons_check):.3f} | "
        f"{p95(cons_check):.3f} | < 1 ms |"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["appends", "million"])
    ap.add_argument("--n", type=int)
    ap.add_argument("--database-url")
    ap.add_argument("--writers", type=int, default=1, help="appends: concurrent writer processes")
    ap.add_argument(
        "--seal-every",
        type=float,
        default=1.0,
        help="appends: seconds between the sequencer's runs during the appends (0: none)",
    )
    args = ap.parse_args()
    setup(args.database_url)
    if args.what == "appends":
        appends(args.n or 5000, args.writers, args.seal_every)
    else:
        million(args.n or 1_000_000)


if __name__ == "__main__":
    main()
