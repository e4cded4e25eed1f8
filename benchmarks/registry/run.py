"""Register benchmarks (issue 2): import speed, and list/search latency at 100,000 persons.

    .venv/bin/python benchmarks/registry/run.py [--rows 100000] [--database-url URL] [--requests 200]

Builds a fresh database (a temporary SQLite file unless --database-url is given), generates a
synthetic person list with homeward.synth.population, imports it through the real import action and times it,
then times the person list page and the API list call with search terms in Cyrillic and Latin.
Prints a Markdown table to paste into RESULTS.md beside the machine it ran on.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `--code DIR` runs another version of the package (e.g. `git archive main homeward | tar -x -C
# DIR`) under this same benchmark, for old-and-new comparisons.
if "--code" in sys.argv:
    ROOT = Path(sys.argv[sys.argv.index("--code") + 1]).resolve()
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

    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    # The queue as in production (the database's), not the test settings' ImmediateBackend,
    # which would run the re-matching of every imported person inside the import's commit:
    # in production that is the worker's task, after the import has returned.
    from django.conf import settings
    from django.test.utils import override_settings

    override_settings(TASKS=settings.DATABASE_TASKS).enable()


def run_queued_tasks() -> float:
    """Runs what the import queued (the re-matching), as `homeward worker` would; seconds."""
    from homeward.worker import runner

    t = time.perf_counter()
    runner.run(batch=True, install_signals=False, worker_id="bench", interval=0)
    return time.perf_counter() - t


def make_csv(rows: int, seed: int) -> tuple[bytes, list[str]]:
    from homeward.synth.population import generate_detainees

    people = generate_detainees(rows, detaining_party="RU", seed=seed)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "id",
            "family_name",
            "given_name",
            "patronymic",
            "sex",
            "birth_date",
            "rank",
            "unit",
            "category",
            "captured_on",
            "capture_place",
        ]
    )
    surnames = []
    for i, p in enumerate(people):
        w.writerow(
            [
                f"B{i}",
                p.family_name,
                p.given_name,
                p.patronymic,
                p.sex,
                p.birth_date or "",
                p.rank,
                p.unit,
                p.category,
                p.captured_on or "",
                p.capture_place,
            ]
        )
        surnames.append(p.family_name)
    return buf.getvalue().encode(), surnames


def server_pid(connection) -> int | None:
    """The PostgreSQL backend serving this connection, when it runs on this machine."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return pid if Path(f"/proc/{pid}/stat").exists() else None


def cpu_of(pid: int | None) -> float:
    """User + system CPU seconds of a process on this machine (0 without one)."""
    if not pid:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--database-url")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--rematch", action="store_true", help="also run (and time) the queued re-matching"
    )
    ap.add_argument("--code", help="the directory holding the homeward package to run")
    ap.add_argument("--import-only", action="store_true", help="skip the page and API timings")
    args = ap.parse_args()
    setup(args.database_url)

    from django.db import connection
    from django.test import Client

    from homeward.accounts.actions import create_party, create_user
    from homeward.accounts.models import PartyKind, Role
    from homeward.registry.importing import import_person_list

    ru = create_party(actor=None, code="RU", name="Russian Federation", kind=PartyKind.STATE)
    create_party(actor=None, code="UA", name="Ukraine", kind=PartyKind.STATE)
    ni = create_party(
        actor=None, code="NI", name="Neutral Intermediary", kind=PartyKind.INTERMEDIARY
    )
    user = create_user(
        actor=None,
        username="bench",
        password="x",
        role=Role.CASEWORKER,
        party=ni,
        check_password=False,
    )

    t = time.perf_counter()
    content, surnames = make_csv(args.rows, args.seed)
    gen_s = time.perf_counter() - t

    server = server_pid(connection)
    load_before = os.getloadavg()
    t, cpu, server_cpu = time.perf_counter(), time.process_time(), cpu_of(server)
    result = import_person_list(
        actor=user, content=content, file_name="bench.csv", source_kind="list", party=ru
    )
    import_s, cpu_s = time.perf_counter() - t, time.process_time() - cpu
    server_s = cpu_of(server) - server_cpu
    load_after = os.getloadavg()
    assert result.ok, result.errors[:5]
    print(f"(import done: {args.rows / import_s:,.0f} rows/s)", file=sys.stderr)
    rematch_s = run_queued_tasks() if args.rematch else None

    if args.import_only:
        print(
            f"import {args.rows:,} rows on {connection.vendor}: {import_s:.1f} s wall = "
            f"{args.rows / import_s:,.0f} rows/s, CPU {cpu_s:.1f} s"
            + (f" + database server {server_s:.1f} s" if server else "")
            + ", load "
            f"{load_before[0]:.2f}/{load_after[0]:.2f}"
            + ("" if rematch_s is None else f"; re-matching after it {rematch_s:.1f} s")
        )
        return

    from homeward.synth.population import _RU_LATIN, latin

    rng = random.Random(args.seed)
    cyrillic = rng.sample(surnames, min(args.requests, len(surnames)))
    latin_q = [latin(s, _RU_LATIN) for s in cyrillic]
    prefixes = [s[:4] for s in cyrillic]
    client = Client()
    client.force_login(user)

    def timed(url: str, params_list: list[dict]) -> tuple[list[float], int]:
        out, hits = [], 0
        for params in params_list:
            t0 = time.perf_counter()
            r = client.get(url, params)
            out.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.status_code
            hits += 1
        return out, hits

    for q in cyrillic[:10]:  # warm caches
        client.get("/persons/", {"q": q})
    runs = {
        "page, Cyrillic surname": timed("/persons/", [{"q": q} for q in cyrillic]),
        "page, Latin surname": timed("/persons/", [{"q": q} for q in latin_q]),
        "page, 4-letter prefix": timed("/persons/", [{"q": q} for q in prefixes]),
        "page, no search, sorted by name": timed(
            "/persons/", [{"page": rng.randint(1, 50)} for _ in range(args.requests)]
        ),
        "API, Cyrillic surname": timed("/api/v1/persons", [{"q": q} for q in cyrillic]),
        "API, Latin surname": timed("/api/v1/persons", [{"q": q} for q in latin_q]),
    }

    db = connection.vendor + (
        " " + connection.cursor().connection.__class__.__module__.split(".")[0]
    )
    print(f"## {args.rows:,} persons on {connection.vendor}\n")
    print(
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {db}"
    )
    print(f"- synthetic list generated in {gen_s:.1f} s")
    print(
        f"- import: {args.rows:,} rows in {import_s:.1f} s = **{args.rows / import_s:,.0f} rows/s** "
        f"(target ≥ 5,000 rows/s); CPU time of this process {cpu_s:.1f} s; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    if rematch_s is not None:
        print(
            f"- the re-matching the import queued, run after it as the worker would: {rematch_s:.1f} s"
        )
    print()
    print("| request | n | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for name, (ms, n) in runs.items():
        print(
            f"| {name} | {n} | {statistics.median(ms):.1f} | {percentile(ms, 0.95):.1f} | {max(ms):.1f} |"
        )
    print("\n(target: p95 under 150 ms with a search term)")


if __name__ == "__main__":
    main()
