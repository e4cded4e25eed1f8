"""Candidates at once (issue 16, item 2): the register search behind the inquiry form.

    .venv/bin/python benchmarks/tracing/search.py [--register 1000000] [--queries 1000]
        [--database-url URL] [--seed 2029] [--no-append]

A fresh database (a temporary SQLite file unless --database-url) is filled with --register
synthetic persons through the real import action (in slices; the worker's matching is not run).
Then one inquiry at a time, as the filing form does, through tracing.search.search_register
(the function the form and the filing action call): its first call builds the index from the
database (timed apart); every later call is timed, p50/p95/p99. The index's own search
(homeward.linkage.index.SearchIndex.search) is timed on the same inquiries, so what the Django
side adds (the freshness stamp, the name-key fallback) shows apart. Top-5 recall is against
the generator's truth.
"""

from __future__ import annotations

import argparse
import statistics
import time

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
    args = ap.parse_args()
    setup(args.database_url)
    from django.test.utils import override_settings

    from homeward.registry.importing import import_person_list
    from homeward.registry.models import Person
    from homeward.synth import lists as synthetic
    from homeward.tracing.models import Inquiry
    from homeward.tracing.search import record_of_inquiry, register_index, search_register

    ua, ru, caseworker, liaison = world()
    t = time.monotonic()
    data = synthetic.generate(args.register, args.queries, seed=args.seed)
    gen = time.monotonic() - t
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
    external = {
        pk: next(iter(ext.values()), "")
        for pk, ext in Person.objects.values_list("pk", "external_ids").iterator(chunk_size=10_000)
    }

    t = time.monotonic()
    index = register_index()
    build = time.monotonic() - t
    assert index is not None
    print(f"index built in {build:.0f} s", flush=True)

    form_ms, index_ms, form_cpu, index_cpu = [], [], [], []
    found = findable = 0
    for r in data.inquiries:
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
        truth = data.truth[r["id"]]
        if truth:
            findable += 1
            found += truth in [external.get(f.person_id) for f in results[:5]]

    def q(values: list[float]) -> str:
        p = statistics.quantiles(values, n=100, method="inclusive")
        return f"{p[49]:.1f} | **{p[94]:.1f}** | {p[98]:.1f} | {max(values):.1f}"

    engine = "postgresql" if args.database_url else "sqlite"
    text = f"""### Search behind the form: {args.register:,} register persons, {args.queries:,} inquiries ({engine}) — {today()}

Machine: {machine()}. Seed {args.seed}. Generated in {gen:.0f} s, imported in {filled:.0f} s,
the index built from the database in {build:.0f} s (the first search after a change; above
200,000 spellings the form keeps using the previous index, see tracing/search.py).

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
