"""Ledger benchmarks (issue 4).

    .venv/bin/python benchmarks/ledger/run.py appends [--n 5000] [--database-url URL]
    .venv/bin/python benchmarks/ledger/run.py million [--n 1000000] [--database-url URL]

`appends`: entries appended the way actions append them (one transaction each, with a personal
commitment), then sealed and checkpointed by the worker's step; reports entries/s of each.
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


def appends(n: int) -> None:
    from django.db import transaction

    from homeward.accounts.actions import create_party, create_user
    from homeward.accounts.models import PartyKind, Role
    from homeward.ledger import store
    from homeward.ledger.actions import append

    ni = create_party(actor=None, code="NI", name="N", kind=PartyKind.INTERMEDIARY)
    user = create_user(
        actor=None, username="b", password="x", role=Role.CASEWORKER, party=ni, check_password=False
    )
    t = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            append(
                actor=user,
                action="bench.event",
                object_type="person",
                object_id=i,
                data={"i": i, "kind": "visited"},
                personal={"name": ["Synthetic", "Person", str(i)]},
            )
    append_s = time.perf_counter() - t
    t = time.perf_counter()
    store.publish_checkpoint()
    seal_s = time.perf_counter() - t
    print(f"## Appends on {machine()}\n")
    print(
        f"- {n:,} appends, one transaction each (as inside actions): {append_s:.2f} s = "
        f"**{n / append_s:,.0f} entries/s** (target ≥ 2,000/s)"
    )
    print(
        f"- sealing them into subtree hashes and signing a checkpoint (the worker's step, outside the "
        f"actions' transactions): {seal_s:.2f} s = {n / seal_s:,.0f} entries/s"
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
    args = ap.parse_args()
    setup(args.database_url)
    if args.what == "appends":
        appends(args.n or 5000)
    else:
        million(args.n or 1_000_000)


if __name__ == "__main__":
    main()
