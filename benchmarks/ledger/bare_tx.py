"""What this machine allows for one-statement transactions, without the ledger (issue 4).

    .venv/bin/python benchmarks/ledger/bare_tx.py --database-url URL [--n 20000] [--writers 4]

The same harness as `run.py appends` (W forked processes, N Django transactions between them),
each transaction running one statement instead of the ledger's append: `SELECT 1`, then one
INSERT of a bigint into a table with only its primary key (created for the run, dropped
after). Set beside `run.py appends`, it shows how much of a transaction's cost is the ledger's.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TABLE = "bench_bare_tx"


def _work(statement: str, count: int, go) -> None:
    from django.db import connection, connections, transaction

    go.wait()
    for i in range(count):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [i] if "%s" in statement else None)
    connections.close_all()


def run(statement: str, n: int, writers: int) -> tuple[float, str]:
    import cpu
    from django.db import connections

    connections.close_all()  # each process opens its own connection
    ctx = multiprocessing.get_context("fork")
    go = ctx.Event()
    share = [n // writers + (w < n % writers) for w in range(writers)]
    procs = [ctx.Process(target=_work, args=(statement, share[w], go)) for w in range(writers)]
    for p in procs:
        p.start()
    time.sleep(1)
    before = cpu.snapshot()
    t = time.perf_counter()
    go.set()
    for p in procs:
        p.join()
    seconds = time.perf_counter() - t
    return n / seconds, cpu.per_transaction(before, cpu.snapshot(), n, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("HOMEWARD_TESTING", "1")
    os.environ["HOMEWARD_VAR"] = tempfile.mkdtemp(prefix="hw-bare-tx-")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.settings"
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, v bigint)")
    try:
        for label, statement in (
            ("SELECT 1", "SELECT 1"),
            ("one-row INSERT, primary key only", f"INSERT INTO {TABLE} (v) VALUES (%s)"),  # noqa: S608
        ):
            rate, spent = run(statement, args.n, args.writers)
            print(f"- {label}: {args.n:,} transactions by {args.writers} processes: {rate:,.0f}/s")
            print(f"  {spent}")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


if __name__ == "__main__":
    main()
