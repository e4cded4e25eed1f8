"""Dashboard benchmark (issue 20 item 4): 200,000 persons and 1,000,000 status events.

    .venv/bin/python benchmarks/stats/run.py [--persons 200000] [--database-url URL] [--requests 20]

Builds a fresh database (a temporary SQLite file unless --database-url is given; the database is
FLUSHED), bulk-inserts synthetic persons, detentions, nationalities and five status events each
with homeward.lib.bulk.insert_rows, then times:
- the cold computation of the figures (one pass over the events) for a caseworker, and the
  analyst's snapshot (computation + complementary suppression + audit), each once;
- the dashboard's first paint (the whole page, every chart) for an analyst and a caseworker with
  warm caches, `--requests` times each: p50 / p95;
- each chart's SVG and CSV download, warm.
Prints a Markdown table to paste into RESULTS.md beside the machine it ran on.
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
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


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

    call_command("migrate", verbosity=0)
    if database_url:
        call_command("flush", interactive=False, verbosity=0)


KINDS_MID = ["visited", "transferred", "hospitalised", "listed_for_exchange"]
FINAL = ["exchanged", "released", "died", "refused_unverified", "joined_forces", "visited"]


def populate(n: int, seed: int) -> dict:
    from django.db import transaction

    from homeward.accounts.models import Party, PartyKind, Role, User
    from homeward.lib.bulk import insert_rows
    from homeward.registry.models import Detention, Nationality, Person, Source, StatusEvent

    rng = random.Random(seed)
    ua = Party.objects.create(code="UA", name="Ukraine", kind=PartyKind.STATE)
    ru = Party.objects.create(code="RU", name="Russian Federation", kind=PartyKind.STATE)
    ni = Party.objects.create(code="NI", name="Neutral", kind=PartyKind.INTERMEDIARY)
    cw = User.objects.create_user(
        username="caseworker", password="x", role=Role.CASEWORKER, party=ni
    )
    an = User.objects.create_user(username="analyst", password="x", role=Role.ANALYST)
    sources = [
        Source.objects.create(kind="visit", title=f"grade {g}", reliability=g, created_by=cw)
        for g in "ABCDEF"
    ]
    t0 = time.perf_counter()
    with transaction.atomic():
        insert_rows(
            Person,
            ["family_name", "given_name", "category", "home_party_id", "created_by_id"],
            (
                (
                    f"Synth{i}",
                    "Test",
                    "military" if i % 7 else "civilian",
                    ua.pk if i % 2 else ru.pk,
                    cw.pk,
                )
                for i in range(n)
            ),
        )
        ids = list(Person.objects.order_by("id").values_list("id", "home_party_id"))
        insert_rows(
            Detention,
            ["person_id", "detaining_party_id"],
            ((pid, ru.pk if home == ua.pk else ua.pk) for pid, home in ids),
        )
        countries = ["GE", "BY", "IN", "NP", "CU", "KZ", "US", "GB", "CO", "BR"]
        insert_rows(
            Nationality,
            ["person_id", "country"],
            (
                (
                    pid,
                    rng.choice(countries)
                    if rng.random() < 0.03
                    else ("UA" if home == ua.pk else "RU"),
                )
                for pid, home in ids
            ),
        )

        def events():
            for pid, _ in ids:
                y, m = rng.choice([2023, 2024, 2025]), rng.randint(1, 12)
                yield (pid, "notified", f"{y}-{m:02d}-01", sources[0].pk, cw.pk)
                for j, kind in enumerate([*rng.sample(KINDS_MID, 3), rng.choice(FINAL)]):
                    yield (
                        pid,
                        kind,
                        f"{y + 1}-{min(12, m):02d}-{j + 2:02d}",
                        rng.choice(sources).pk,
                        cw.pk,
                    )

        count = insert_rows(
            StatusEvent, ["person_id", "kind", "date", "source_id", "recorded_by_id"], events()
        )
    return {"load_s": time.perf_counter() - t0, "events": count, "caseworker": cw, "analyst": an}


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=200_000)
    ap.add_argument("--database-url")
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--seed", type=int, default=20)
    args = ap.parse_args()
    setup(args.database_url)

    from django.test import Client
    from django.utils import timezone

    from homeward.stats.charts import CHARTS
    from homeward.stats.figures import compute, month_range
    from homeward.stats.selectors import safe_figures

    data = populate(args.persons, args.seed)
    print(f"loaded {args.persons} persons, {data['events']} events in {data['load_s']:.1f} s")
    today = timezone.now().date()
    cold_live = timed(lambda: compute(as_of=today, months=month_range("2025-01", "2025-12")))
    cold_safe = timed(lambda: safe_figures(year=2025))
    rows = [
        ("figures, cold: one pass over the events (caseworker)", cold_live, None),
        (
            "figures, cold: snapshot with suppression + audit (analyst, once a month)",
            cold_safe,
            None,
        ),
    ]
    for role in ("analyst", "caseworker"):
        client = Client()
        client.force_login(data[role])
        client.get("/dashboard/?year=2025")  # warm
        times = [timed(partial(client.get, "/dashboard/?year=2025")) for _ in range(args.requests)]
        times.sort()
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        rows.append(
            (f"dashboard first paint, {role}, warm (p50 / p95)", statistics.median(times), p95)
        )
        for name in CHARTS:
            for fmt in ("svg", "csv"):
                ms = [
                    timed(partial(client.get, f"/dashboard/{name}.{fmt}?year=2025&party=RU"))
                    for _ in range(5)
                ]
                rows.append(
                    (f"chart {name}.{fmt}, {role} (median of 5)", statistics.median(ms), None)
                )
    print(f"\n{platform.node()} python {platform.python_version()}\n")
    print("| measure | ms | p95 ms |\n|---|---:|---:|")
    for name, a, b in rows:
        print(f"| {name} | {a:.0f} | {'' if b is None else f'{b:.0f}'} |")


if __name__ == "__main__":
    main()
