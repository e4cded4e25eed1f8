"""The persons page and API list with and without list-read logging, alternated request by
request in one process (issue 14), so both sides see the same machine load.

    .venv/bin/python benchmarks/registry/list_log_pages.py [--rows 20000] [--requests 200]
        [--database-url URL]

Imports --rows synthetic persons (as run.py does), then for each search term requests the same
URL twice: once as shipped (record_list_access writes the log), once with record_list_access
replaced by a no-op — alternating which goes first. Prints p50/p95 of both and of the difference.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import make_csv, percentile, setup  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--database-url")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    setup(args.database_url)

    from django.db import connection
    from django.test import Client

    import homeward.registry.api as registry_api
    import homeward.web.views.persons as persons_views
    from homeward.accounts.actions import create_party, create_user
    from homeward.accounts.models import AccessedRecord, PartyKind, Role
    from homeward.registry.importing import import_person_list

    parties = {
        code: create_party(actor=None, code=code, name=code, kind=kind)
        for code, kind in (("RU", PartyKind.STATE), ("NI", PartyKind.INTERMEDIARY))
    }
    user = create_user(
        actor=None,
        username="bench",
        password="x",
        role=Role.CASEWORKER,
        party=parties["NI"],
        check_password=False,
    )
    content, surnames = make_csv(args.rows, args.seed)
    result = import_person_list(
        actor=user, content=content, file_name="b.csv", source_kind="list", party=parties["RU"]
    )
    assert result.ok, result.errors[:5]
    rng = random.Random(args.seed)
    terms = rng.sample(surnames, min(args.requests, len(surnames)))
    client = Client()
    client.force_login(user)
    real_web, real_api = persons_views.record_list_access, registry_api.record_list_access

    def noop(*a, **k):
        return None

    def logging(on: bool) -> None:
        persons_views.record_list_access = real_web if on else noop
        registry_api.record_list_access = real_api if on else noop

    results: dict[str, dict[bool, list[float]]] = {}
    for label, url, key in (
        ("page, surname search", "/persons/", "q"),
        ("page, no search, page n", "/persons/", "page"),
        ("API, surname search (50 rows)", "/api/v1/persons", "q"),
    ):
        times: dict[bool, list[float]] = {True: [], False: []}
        for i, term in enumerate(terms):
            params = {key: term if key == "q" else rng.randint(1, 50)}
            for on in (True, False) if i % 2 == 0 else (False, True):
                logging(on)
                t0 = time.perf_counter()
                r = client.get(url, params)
                times[on].append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200
        results[label] = times
    logging(True)

    print(f"## list-read logging, alternated per request, {connection.vendor}, {args.rows:,}\n")
    print(f"- {AccessedRecord.objects.count():,} AccessedRecord rows written by the run\n")
    print("| request | logging | n | p50 ms | p95 ms |\n|---|---|---:|---:|---:|")
    for label, times in results.items():
        for on in (False, True):
            ms = times[on]
            print(
                f"| {label} | {'on' if on else 'off'} | {len(ms)} | "
                f"{statistics.median(ms):.1f} | {percentile(ms, 95):.1f} |"
            )
        diff = [a - b for a, b in zip(times[True], times[False], strict=True)]
        print(f"| {label} | on − off (paired) | {len(diff)} | {statistics.median(diff):.1f} | — |")


if __name__ == "__main__":
    main()
