"""The cost of logging list reads (issue 14): record_list_access for a page of ids, and "who saw
person X" once the log is large.

    .venv/bin/python benchmarks/registry/list_log.py [--database-url URL] [--reads 4000]

Builds a fresh database (a temporary SQLite file unless --database-url is given; that database is
flushed), records --reads list reads of 50 random person ids each (the persons page's size), then
times: one more 50-id list read, one 500-id list read (the API's largest page), and who_saw() of
a person id that appears in the log. Prints a Markdown table for RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import percentile, setup  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--reads", type=int, default=4000)
    ap.add_argument("--samples", type=int, default=200)
    args = ap.parse_args()
    setup(args.database_url)

    from django.db import connection

    from homeward.accounts.access import record_access, record_list_access, who_saw
    from homeward.accounts.actions import create_party, create_user
    from homeward.accounts.models import AccessedRecord, PartyKind, Role

    ni = create_party(actor=None, code="NI", name="NI", kind=PartyKind.INTERMEDIARY)
    user = create_user(
        actor=None,
        username="bench",
        password="x",
        role=Role.CASEWORKER,
        party=ni,
        check_password=False,
    )
    rng = random.Random(7)
    persons = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(100_000)]
    t = time.perf_counter()
    for _ in range(args.reads):
        record_list_access(user, object_type="person", uuids=rng.sample(persons, 50))
    fill_s = time.perf_counter() - t

    def timed(fn) -> list[float]:
        out = []
        for _ in range(args.samples):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
        return out

    rows = {
        "record_access, one record (the log write a view already paid)": timed(
            lambda: record_access(
                user, kind="view", object_type="person", object_uuid=rng.choice(persons)
            )
        ),
        "record_list_access, 50 ids": timed(
            lambda: record_list_access(user, object_type="person", uuids=rng.sample(persons, 50))
        ),
        "record_list_access, 500 ids": timed(
            lambda: record_list_access(user, object_type="person", uuids=rng.sample(persons, 500))
        ),
        "who_saw(person), 50 newest": timed(
            lambda: list(who_saw(rng.choice(persons)).select_related("user")[:50])
        ),
    }
    print(f"## list-read logging on {connection.vendor}\n")
    print(
        f"- {args.reads:,} list reads of 50 ids recorded first ({args.reads / fill_s:,.0f}/s); "
        f"{AccessedRecord.objects.count():,} AccessedRecord rows at the end\n"
    )
    print("| operation | n | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|")
    for name, ms in rows.items():
        print(
            f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | {percentile(ms, 95):.1f} "
            f"| {max(ms):.1f} |"
        )


if __name__ == "__main__":
    main()
