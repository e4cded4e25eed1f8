"""What the dashboard's inquiry figures cost a caseworker's paint (issue 20: they are read live).

    .venv/bin/python benchmarks/stats/inquiries.py [--database-url URL] [--inquiries 100000]

Migrates a temporary SQLite database (or flushes the one given), inserts synthetic inquiries
(filed over 900 days before 2026-12-01, 40 % answered 1–120 days later), then times
the inquiry counts for a 36-month period seven times after two warm-ups (counted afresh, and
kept under the inquiries' stamp), and prints the queries of one count with their times. Every inquiry here is synthetic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
import uuid


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--inquiries", type=int, default=100_000)
    args = ap.parse_args()
    os.environ.update(HOMEWARD_TESTING="1", DJANGO_SETTINGS_MODULE="homeward.settings")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["HOMEWARD_VAR"] = tempfile.mkdtemp(prefix="hw-bench-")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from homeward.accounts.models import Role, User
    from homeward.lib.bulk import insert_rows
    from homeward.stats import figures
    from homeward.tracing.models import Inquiry

    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
    liaison = User.objects.create_user(username="l", password="x", role=Role.FAMILY_LIAISON)
    rng = random.Random(1)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)

    def rows():
        for i in range(args.inquiries):
            filed = now - dt.timedelta(days=rng.randint(0, 900), seconds=rng.randint(0, 86400))
            answered = filed + dt.timedelta(days=rng.randint(1, 120))
            if rng.random() >= 0.4 or answered > now:
                answered = None
            state = "answered" if answered else "open"
            yield (uuid.uuid4(), f"Synth{i}", "Req", liaison.pk, filed, answered, state)

    started = time.perf_counter()
    with transaction.atomic():
        insert_rows(
            Inquiry,
            [
                "uuid",
                "family_name",
                "requester_name",
                "created_by_id",
                "created_at",
                "answered_at",
                "state",
            ],
            rows(),
        )
    print(
        f"{connection.vendor}: {args.inquiries:,} inquiries inserted in "
        f"{time.perf_counter() - started:.1f} s"
    )
    months = figures.month_range("2024-01", "2026-12")
    as_of = dt.date(2026, 12, 1)
    for _ in range(2):
        figures._inquiry_counts(as_of, months)
    for what, call in (
        (
            "counted afresh (an inquiry filed, answered or closed since the last read)",
            figures._inquiry_counts,
        ),
        (
            "kept (nothing changed: the stamp's three index look-ups and the cubes)",
            figures._inquiries,
        ),
    ):
        times = []
        for _ in range(7):
            started = time.perf_counter()
            call(as_of, months)
            times.append((time.perf_counter() - started) * 1000)
        print(f"{what}, ms (7 runs, sorted):", " ".join(f"{t:.1f}" for t in sorted(times)))
    with CaptureQueriesContext(connection) as ctx:
        figures._inquiry_counts(as_of, months)
    for query in ctx.captured_queries:
        print(f"  {float(query['time']) * 1000:.0f} ms  {query['sql'][:110]}")


if __name__ == "__main__":
    main()
