"""Candidates at once (issue 16, item 2): the register search behind the inquiry form.

    .venv/bin/python benchmarks/tracing/search.py [--register 1000000] [--queries 1000]
        [--database-url URL] [--seed 2029] [--no-append] [--keep DIR]

A fresh database (a temporary SQLite file unless --database-url) is filled with --register
synthetic persons through the real import action (in slices; the worker's matching is not run).
Then one inquiry at a time, as the filing form does, through tracing.search.search_register
(the function the form and the filing action call): its first call builds the index from the
database (timed apart); every later call is timed, p50/p95/p99. The index's own search
(homeward.linkage.index.SearchIndex.search) is timed on the same inquiries, so what the Django
side adds (the freshness stamp, the name-key fallback) shows apart. Top-5 recall is against
the generator's truth.

--keep DIR keeps the SQLite database (and the search index files) in DIR, with the generated
inquiries and truth beside it (bench-data.pickle, written once the import is done): a later
run with the same DIR, size and seed skips generating and importing and times the search
against the same register, so two versions of the code can be compared on one database.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import time
from pathlib import Path

from common import append_results, machine, partial_date, person_list_csv, setup, today, world

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
SLICE = 50_000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--register", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1_000)
    ap.add_argument("--database-url")
    ap.add_argument("--seed", type=int, default=2029)
    ap.add_argument("--no-append", action="store_true")
    ap.add_argument("--keep", type=Path, help="keep (or reuse) the database in this directory")
    args = ap.parse_args()
    kept = None
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        os.environ["HOMEWARD_VAR"] = str(args.keep.resolve())
        kept = args.keep / "bench-data.pickle"
        if kept.exists():
            saved = pickle.loads(kept.read_bytes())  # noqa: S301 (written by this script)
            if (saved["register"], saved["queries"], saved["seed"]) != (
                args.register,
                args.queries,
                args.seed,
            ):
                raise SystemExit(f"{args.keep} holds another register: {saved['register']:,}")
        else:
            saved = None
    else:
        saved = None
    setup(args.database_url, fresh=saved is None)
    from django.test.utils import override_settings

    from homeward.registry.importing import import_person_list
    from homeward.registry.models import Person
    from homeward.synth import lists as synthetic
    from homeward.tracing.models import Inquiry
    from homeward.tracing.search import record_of_inquiry, register_index, search_register

    ua, ru, caseworker, liaison = world()
    if saved is not None:
        inquiries, truths = saved["inquiries"], saved["truth"]
        gen, filled = saved["gen"], saved["filled"]
        print(f"reusing the register of {args.register:,} persons in {args.keep}", flush=True)
    else:
        t = time.monotonic()
        data = synthetic.generate(args.register, args.queries, seed=args.seed)
        gen = time.monotonic() - t
        print(f"generated in {gen:.0f} s", flush=True)
        t = time.monotonic()
        with override_settings(TASKS=DUMMY_TASKS):
            for start in range(0, len(data.register), SLICE):
                rows = data.register[start : start + SLICE]
                result = import_person_list(
                    actor=caseworker,
                    content=person_list_csv(rows),
                    file_name="slice.csv",
                    source_kind="list",
                    party=ru,
                )
                assert result.ok, result.errors[:3]
                print(f"imported {start + len(rows):,} persons", flush=True)
        filled = time.monotonic() - t
        inquiries, truths = data.inquiries, data.truth
        del data
        if kept is not None:
            kept.write_bytes(
                pickle.dumps(
                    {
                        "register": args.register,
                        "queries": args.queries,
                        "seed": args.seed,
                        "inquiries": inquiries,
                        "truth": truths,
                        "gen": gen,
                        "filled": filled,
                    }
                )
            )
    external = {
        pk: next(iter(ext.values()), "")
        for pk, ext in Person.objects.values_list("pk", "external_ids").iterator(chunk_size=10_000)
    }

    t = time.monotonic()
    index = register_index()
    build = time.monotonic() - t
    assert index is not None
    print(f"index ready in {build:.0f} s", flush=True)

    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    form_ms, index_ms, form_cpu, index_cpu = [], [], [], []
    found = findable = 0
    for r in inquiries:
        inquiry = Inquiry(
            family_name=r.get("family_name") or "",
            given_name=r.get("given_name") or "",
            patronymic=r.get("patronymic") or "",
            full_name=r.get("full_name") or "",
            birth_date=partial_date(r.get("birth_date") or ""),
            birth_place=r.get("birth_place") or "",
            sex=r.get("sex") if r.get("sex") in ("M", "F") else "U",
        )
        t, c = time.perf_counter(), time.process_time()
        results = search_register(inquiry)
        form_ms.append((time.perf_counter() - t) * 1000)
        form_cpu.append((time.process_time() - c) * 1000)
        t, c = time.perf_counter(), time.process_time()
        index.search(record_of_inquiry(inquiry), limit=24)
        index_ms.append((time.perf_counter() - t) * 1000)
        index_cpu.append((time.process_time() - c) * 1000)
        truth = truths[r["id"]]
        if truth:
            findable += 1
            found += truth in [external.get(f.person_id) for f in results[:5]]

    load_after = " ".join(f"{x:.1f}" for x in os.getloadavg())

    def q(values: list[float]) -> str:
        p = statistics.quantiles(values, n=100, method="inclusive")
        return f"{p[49]:.1f} | **{p[94]:.1f}** | {p[98]:.1f} | {max(values):.1f}"

    engine = "postgresql" if args.database_url else "sqlite"
    text = f"""### Search behind the form: {args.register:,} register persons, {args.queries:,} inquiries ({engine}) — {today()}

Machine: {machine()}. Seed {args.seed}. Generated in {gen:.0f} s, imported in {filled:.0f} s;
the index ready for the first search in {build:.0f} s (`register_index()`: built from the
database, or opened from its file when one covers this register, see tracing/search.py).
Load average before/after timing: {load_before} / {load_after}.

| path | p50 ms | p95 ms | p99 ms | max ms |
|---|---:|---:|---:|---:|
| tracing.search.search_register (what the form calls), wall | {q(form_ms)} |
| the same, CPU time of the process (what the load does not inflate) | {q(form_cpu)} |
| SearchIndex.search alone (the engine's index), wall | {q(index_ms)} |
| the same, CPU time | {q(index_cpu)} |

Target: p95 < 50 ms at 1,000,000 register records. Top-5 recall of the form's list:
{found / max(findable, 1):.4f} ({found:,} of {findable:,} inquiries whose person is registered).
"""
    print(text)
    if not args.no_append:
        append_results(text)


if __name__ == "__main__":
    main()
