"""Dashboard benchmark (issue 20 item 4): 200,000 persons and 1,000,000 status events.

    .venv/bin/python benchmarks/stats/run.py [--persons 200000] [--database-url URL] [--requests 20]
        [--sqlite-path FILE] [--keep] [--cycles 10]

Builds a fresh database (a temporary SQLite file unless --database-url or --sqlite-path is given;
the database is FLUSHED unless --keep and it already holds persons), bulk-inserts synthetic
persons, detentions, nationalities and five status events each with homeward.lib.bulk.insert_rows,
then times (wall and process CPU, with the load average before and after):
- with the maintained facts (homeward/stats/facts.py): the backfill (`stats_refresh`), once;
- the first paint right after a write, `--cycles` times: a status event recorded through
  registry.actions.record_status_event, then the whole dashboard (caseworker: live figures for the
  current year; analyst: the month's frozen snapshot), p50 / p95; and each chart's SVG (and PNG
  where the code has it) right after a write;
The same script runs on the code before the facts (it detects `compute(year=…)`), so old and new
can be timed on one database: populate with --keep on the old checkout, then run the new one on it
(its migrate adds the facts and the backfill derives them). Also timed, as before:
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


def setup(database_url: str | None, sqlite_path: str | None, keep: bool) -> None:
    os.environ.setdefault("HOMEWARD_TESTING", "1")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    if sqlite_path:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(sqlite_path).resolve()}"
    elif database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["HOMEWARD_VAR"] = tempfile.mkdtemp(prefix="hw-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from homeward.registry.models import Person

    if (database_url or sqlite_path) and not (keep and Person.objects.exists()):
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


def cpu_timed(fn) -> tuple[float, float]:
    """(wall ms, process CPU ms): the CPU of this process only (on PostgreSQL the server's is
    not in it)."""
    t, c = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def writer(rng: random.Random):
    """A write as a caseworker makes it: one status event through the registry's action."""
    from django.utils import timezone

    from homeward.accounts.models import User
    from homeward.lib.dates import PartialDate
    from homeward.lib.errors import ValidationFailed
    from homeward.registry import actions
    from homeward.registry.models import Person, Source, StatusKind

    cw = User.objects.get(username="caseworker")
    source = Source.objects.order_by("id").first()
    low, high = (
        Person.objects.order_by("id").values_list("id", flat=True)[:1][0],
        (Person.objects.order_by("-id").values_list("id", flat=True)[:1][0]),
    )

    def write() -> None:
        while True:
            person = Person.objects.filter(pk=rng.randint(low, high)).first()
            if person is None or person.merged_into_id:
                continue
            try:
                actions.record_status_event(
                    actor=cw,
                    person=person,
                    kind=StatusKind.VISITED,
                    date=PartialDate.from_date(timezone.now().date()),
                    source=source,
                )
                return
            except ValidationFailed:  # a death stands: another person
                continue

    return write


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=200_000)
    ap.add_argument("--database-url")
    ap.add_argument("--sqlite-path", help="a SQLite file to create or (with --keep) reuse")
    ap.add_argument("--keep", action="store_true", help="reuse a populated database")
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--cycles", type=int, default=10, help="write + first paint cycles")
    ap.add_argument("--chart-cycles", type=int, default=3, help="write + chart, per chart")
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--populate-only", action="store_true")
    args = ap.parse_args()
    setup(args.database_url, args.sqlite_path, args.keep)

    import inspect
    import subprocess

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from homeward.registry.models import Person, StatusEvent
    from homeward.stats import figures
    from homeward.stats.charts import CHARTS
    from homeward.stats.selectors import safe_figures

    print(f"load average at start: {load()}")
    if not Person.objects.exists():
        data = populate(args.persons, args.seed)
        print(f"loaded {args.persons} persons, {data['events']} events in {data['load_s']:.1f} s")
    if args.populate_only:
        return
    print(f"{Person.objects.count()} persons, {StatusEvent.objects.count()} events")
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    new = "months" in inspect.signature(figures.compute).parameters
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["caseworker", "analyst"])
    }
    today = timezone.now().date()
    rows: list[tuple[str, str, str, str]] = []

    def row(name, wall, cpu=None, p=None):
        rows.append(
            (
                name,
                f"{wall:.0f}",
                "" if p is None else f"{p:.0f}",
                "" if cpu is None else f"{cpu:.0f}",
            )
        )

    if new:
        from homeward.stats.models import PersonFact

        if PersonFact.objects.exists():  # a kept database: its facts are kept too
            w, c = cpu_timed(lambda: call_command("stats_refresh", "--only-queued", verbosity=0))
            row("refresh of the queued persons (stats_refresh --only-queued)", w, c)
        else:
            w, c = cpu_timed(lambda: call_command("stats_refresh", verbosity=0))
            row("backfill: stats_refresh (every person's facts)", w, c)
        w, c = cpu_timed(
            lambda: figures.compute(as_of=today, months=figures.month_range("2025-01", "2025-12"))
        )
        row("figures from the facts, nothing queued (caseworker, 2025)", w, c)
    else:
        w, c = cpu_timed(lambda: figures.compute(as_of=today, year=2025))
        row("figures, cold: one pass over the events (caseworker, 2025)", w, c)
    w, c = cpu_timed(lambda: safe_figures(year=today.year))
    row("analyst snapshot of this year (suppression + audit), once a month", w, c)

    write = writer(random.Random(args.seed))
    # The first paint right after a write, for each role.
    for role in ("caseworker", "analyst"):
        client = Client()
        client.force_login(users[role])
        assert client.get("/dashboard/").status_code == 200
        walls, cpus, writes = [], [], []
        for _ in range(args.cycles):
            writes.append(timed(write))
            w, c = cpu_timed(partial(client.get, "/dashboard/"))
            walls.append(w)
            cpus.append(c)
        row(
            f"dashboard first paint right after a write, {role} (p50 / p95 of {args.cycles}; cpu: mean)",
            statistics.median(walls),
            statistics.mean(cpus),
            p95(walls),
        )
        if role == "caseworker":
            row("the write itself: record_status_event (median)", statistics.median(writes))
        # Warm: no write in between.
        times = [timed(partial(client.get, "/dashboard/")) for _ in range(args.requests)]
        row(
            f"dashboard paint, {role}, warm (p50 / p95)", statistics.median(times), None, p95(times)
        )
    # Each chart right after a write (caseworker: the live figures).
    client = Client()
    client.force_login(users["caseworker"])
    formats = ["svg", "csv"] + (["png"] if new else [])
    for name in CHARTS:
        for fmt in formats:
            walls, cpus = [], []
            for _ in range(args.chart_cycles):
                write()
                w, c = cpu_timed(partial(client.get, f"/dashboard/{name}.{fmt}?party=RU"))
                walls.append(w)
                cpus.append(c)
            row(
                f"chart {name}.{fmt} right after a write, caseworker (max of {args.chart_cycles}; "
                "cpu: mean)",
                max(walls),
                statistics.mean(cpus),
            )
    # A past period (its end is before many persons' later events: those are re-derived).
    walls = []
    query = "?year=2025"
    for _ in range(3):
        write()
        walls.append(timed(partial(client.get, f"/dashboard/{query}")))
    row("dashboard first paint right after a write, caseworker, year 2025 (max of 3)", max(walls))
    row("… of them the first, when the period's counts are not kept yet", walls[0])
    row("… the later two (counts kept and moved), max", max(walls[1:]))
    print(
        f"\n{platform.node()} python {platform.python_version()} commit {commit} "
        f"({'facts' if new else 'one pass over the events'}); load average at end: {load()}\n"
    )
    print("| measure | ms | p95 ms | CPU ms |\n|---|---:|---:|---:|")
    for name, a, b, c in rows:
        print(f"| {name} | {a} | {b} | {c} |")


if __name__ == "__main__":
    main()
