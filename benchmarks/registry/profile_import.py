"""Profiles one import of a synthetic person list (cProfile), on SQLite or PostgreSQL.

    .venv/bin/python benchmarks/registry/profile_import.py [--rows 100000] [--database-url URL] \\
        [--out FILE.prof] [--top 40]

The same fresh database and list as run.py; prints wall and process CPU time of the import, then
the functions by cumulative and by own time. Profiling slows pure-Python code more than the
database's share, so read the shares, not the absolute seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--database-url")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--no-profile", action="store_true", help="time only")
    ap.add_argument("--code", help="the directory holding the homeward package to run")
    args = ap.parse_args()
    run.setup(args.database_url)

    from django.db import connection

    from homeward.accounts.actions import create_party, create_user
    from homeward.accounts.models import PartyKind, Role
    from homeward.registry.importing import import_person_list

    ru = create_party(actor=None, code="RU", name="Russian Federation", kind=PartyKind.STATE)
    ni = create_party(actor=None, code="NI", name="Neutral", kind=PartyKind.INTERMEDIARY)
    user = create_user(
        actor=None,
        username="bench",
        password="x",
        role=Role.CASEWORKER,
        party=ni,
        check_password=False,
    )
    content, _ = run.make_csv(args.rows, args.seed)
    phases: dict[str, float] = {}
    server = run.server_pid(connection)
    server_cpu: dict[str, float] = {}
    from homeward.registry import importing

    print(f"code: {importing.__file__}", file=sys.stderr)

    def timed(name, fn):
        def wrapper(*a, **kw):
            t0, s0 = time.perf_counter(), run.cpu_of(server)
            try:
                return fn(*a, **kw)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - t0
                server_cpu[name] = server_cpu.get(name, 0.0) + run.cpu_of(server) - s0

        return wrapper

    importing.validate_file = timed("validate", importing.validate_file)
    importing.register_persons = timed("write (in the transaction)", importing.register_persons)
    importing._refresh_statistics = timed("ANALYZE", importing._refresh_statistics)
    prof = None if args.no_profile else cProfile.Profile()
    load = os.getloadavg()
    t, c, s0 = time.perf_counter(), time.process_time(), run.cpu_of(server)
    if prof:
        prof.enable()
    result = import_person_list(
        actor=user, content=content, file_name="bench.csv", source_kind="list", party=ru
    )
    if prof:
        prof.disable()
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    server_total = run.cpu_of(server) - s0
    assert result.ok, result.errors[:5]
    print(
        f"{connection.vendor}: {args.rows:,} rows in {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"(this process) = {args.rows / wall:,.0f} rows/s; load before "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, after {os.getloadavg()[0]:.2f}"
    )
    rest = wall - sum(phases.values())
    print(
        "phases (wall): "
        + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items())
        + f", the rest (source row, party look-up, COMMIT) {rest:.1f} s"
    )
    if server:
        print(
            f"database server process CPU: {server_total:.1f} s in all; "
            + ", ".join(f"{k} {v:.1f} s" for k, v in server_cpu.items())
            + f", the rest (COMMIT…) {server_total - sum(server_cpu.values()):.1f} s"
        )
    if prof:
        if args.out:
            prof.dump_stats(args.out)
        stats = pstats.Stats(prof).strip_dirs()
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
