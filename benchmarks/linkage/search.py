"""Single-record search against a large register through the candidate index.

    .venv/bin/python benchmarks/linkage/search.py --register 1000000 --queries 2000

Builds the index (timed), then searches one inquiry at a time and reports p50/p95/p99 latency
and top-5 recall; appends to RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from run import append_results, machine  # noqa: E402

from homeward.linkage.features import Person  # noqa: E402
from homeward.linkage.index import SearchIndex  # noqa: E402
from homeward.synth import lists as synthetic  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--register", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--no-append", action="store_true")
    args = ap.parse_args()
    t = time.monotonic()
    data = synthetic.generate(args.register, args.queries, seed=args.seed)
    gen = time.monotonic() - t
    with tempfile.TemporaryDirectory() as tmp:
        t = time.monotonic()
        index = SearchIndex.build((Person.from_row(r) for r in data.register), Path(tmp) / "i.db")
        build = time.monotonic() - t
        times, found, findable = [], 0, 0
        for r in data.inquiries:
            person = Person.from_row(r)
            t = time.perf_counter()
            results = index.search(person, limit=5)
            times.append((time.perf_counter() - t) * 1000)
            if data.truth[r["id"]]:
                findable += 1
                found += data.truth[r["id"]] in [m.right_id for m in results]
    q = statistics.quantiles(times, n=100)
    text = (
        f"### Search: {args.register:,} register, {args.queries:,} single inquiries — "
        f"{dt.datetime.now(dt.UTC).date().isoformat()}\n\nMachine: {machine()}\n\n"
        f"generate {gen:.0f} s, build index {build:.0f} s; latency p50 {q[49]:.1f} ms, "
        f"p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms, max {max(times):.1f} ms; "
        f"top-5 recall {found / findable:.4f} ({found}/{findable})\n"
    )
    print(text)
    if not args.no_append:
        append_results(text)


if __name__ == "__main__":
    main()
