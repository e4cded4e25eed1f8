"""Candidates later (issue 16, item 3): a newly imported list against every open inquiry.

    .venv/bin/python benchmarks/tracing/rematch.py [--inquiries 100000] [--new 10000]
        [--base 30000] [--database-url URL] [--seed 2028] [--no-append]

1. A fresh database (a temporary SQLite file unless --database-url) holds --inquiries open
   inquiries. The synthetic generator invents one population: the register it writes is cut into
   slices of --new persons; the inquiries seek persons of the whole population (most of them
   in no slice imported here, as most families' persons are not on today's list).
2. The import's own time, old vs new: slices are imported through the real import action
   (registry.importing.import_person_list) alternately without the hook (tracing.tasks.
   persons_entered replaced by a no-op: the code before this change) and with it (the run row
   and its enqueue on commit, TASKS on Django's DummyBackend so nothing runs inline). These
   slices also make the register the duplicates are looked for in (--base persons).
3. The measured slice is imported with the hook, then its queued run is carried out by the task
   itself (tracing.tasks.rematch_run) in a child process, as the worker would: wall time from
   the child's start to the last candidate queued, peak resident memory of that process.
4. How many of the inquiries whose person is in the slice got that person queued.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from common import (
    ROOT,
    append_results,
    create_inquiries,
    machine,
    peak_rss_mib,
    person_list_csv,
    setup,
    today,
    world,
)

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def child(run_pk: int) -> None:
    """Carries out one queued run as the worker would; prints its figures as JSON."""
    start = time.monotonic()
    setup(os.environ.get("BENCH_DATABASE_URL") or None, fresh=False)
    from homeward.tracing import matching
    from homeward.tracing.models_rematch import RematchRun
    from homeward.tracing.tasks import rematch_run

    started = time.monotonic() - start
    t = time.monotonic()
    if os.environ.get("BENCH_WARM"):
        # A worker that has run before holds the open inquiries prepared (matching._PREPARED).
        matching._prepared_inquiries(  # noqa: SLF001
            [matching.inquiry_record(q) for q in matching.open_inquiries()]
        )
    warm = time.monotonic() - t
    t = time.monotonic()
    cpu = time.process_time()
    rematch_run.call(run_pk)
    wall = time.monotonic() - t
    cpu = time.process_time() - cpu
    run = RematchRun.objects.get(pk=run_pk)
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "startup": started,
                "warm": warm,
                "task": run.seconds,
                "status": run.status,
                "error": run.error,
                "inquiries": run.inquiries,
                "pairs": run.pairs,
                "queued": run.queued,
                "duplicate_pairs": run.duplicate_pairs,
                "duplicates_queued": run.duplicates_queued,
                "peak_mib": peak_rss_mib(),
            }
        )
    )


def import_slice(rows, *, hook: bool, caseworker, ru) -> float:
    from django.test.utils import override_settings

    from homeward.registry import actions as registry_actions
    from homeward.registry.importing import import_person_list

    content = person_list_csv(rows)
    original = registry_actions.persons_entered
    if not hook:
        registry_actions.persons_entered = lambda **kw: None  # type: ignore[assignment]
    try:
        with override_settings(TASKS=DUMMY_TASKS):
            t = time.perf_counter()
            result = import_person_list(
                actor=caseworker,
                content=content,
                file_name="slice.csv",
                source_kind="list",
                party=ru,
            )
            took = time.perf_counter() - t
    finally:
        registry_actions.persons_entered = original
    assert result.ok, result.errors[:3]
    return took


def hook_cost(actor, n: int, repeats: int = 5) -> list[float]:
    """What the hook adds to an import of `n` persons, alone: the run row, written in the
    import's transaction, and its enqueue once that commits (milliseconds, each repeat)."""
    from django.db import transaction
    from django.test.utils import override_settings

    from homeward.registry.models import Person
    from homeward.tracing.tasks import persons_entered

    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:n])
    out = []
    with override_settings(TASKS=DUMMY_TASKS):
        for _ in range(repeats):
            t = time.perf_counter()
            with transaction.atomic():
                persons_entered(actor=actor, person_ids=ids, trigger="import")
            out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inquiries", type=int, default=100_000)
    ap.add_argument("--new", type=int, default=10_000)
    ap.add_argument("--base", type=int, default=40_000, help="register before the import")
    ap.add_argument("--database-url")
    ap.add_argument("--seed", type=int, default=2028)
    ap.add_argument("--no-append", action="store_true")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    base_slices = max(args.base // args.new, 2)
    base_slices += base_slices % 2  # as many imports without the hook as with it
    setup(args.database_url)
    from homeward.registry.models import Person
    from homeward.synth import lists as synthetic
    from homeward.tracing.models import Candidate, CandidateKind
    from homeward.tracing.models_rematch import RematchRun

    ua, ru, caseworker, liaison = world()
    t = time.monotonic()
    # The population: every slice imported here, and as many persons again never imported.
    population = args.new * (base_slices + 1) * 2
    data = synthetic.generate(population, args.inquiries, seed=args.seed)
    gen = time.monotonic() - t
    t = time.monotonic()
    inquiry_ids = create_inquiries(data.inquiries, liaison)
    filed = time.monotonic() - t
    print(f"generated in {gen:.0f} s; {len(inquiry_ids):,} inquiries filed in {filed:.0f} s")

    slices = [data.register[i * args.new : (i + 1) * args.new] for i in range(base_slices + 1)]
    old, new = [], []
    for i, rows in enumerate(slices[:-1]):
        # O N N O O N …: drift on a shared machine falls on both sides alike
        hook = i % 4 in (1, 2)
        took = import_slice(rows, hook=hook, caseworker=caseworker, ru=ru)
        (new if hook else old).append(took)
        print(
            f"import {i + 1}: {len(rows):,} rows in {took:.2f} s ({'with' if hook else 'no'} hook)"
        )
    RematchRun.objects.all().delete()  # the base imports' runs are not measured
    hook_ms = hook_cost(caseworker, args.new)
    RematchRun.objects.all().delete()

    measured = slices[-1]
    took = import_slice(measured, hook=True, caseworker=caseworker, ru=ru)
    run = RematchRun.objects.get()
    print(f"measured import: {len(measured):,} rows in {took:.2f} s; run {run.pk} queued")

    def carry_out(warm: bool) -> dict:
        env = dict(
            os.environ, BENCH_DATABASE_URL=args.database_url or "", BENCH_WARM="1" if warm else ""
        )
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(run.pk)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        if out.returncode != 0:
            print(out.stderr[-3000:])
            raise SystemExit("the run failed")
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        print(figures, flush=True)
        return figures

    # A worker just started (nothing prepared), then one that has run before: the same run
    # again on the same database, its candidates removed in between.
    cold = carry_out(warm=False)
    Candidate.objects.all().delete()
    RematchRun.objects.filter(pk=run.pk).update(status="queued")
    figures = carry_out(warm=True)

    # Recall: inquiries whose person is in the measured slice and got that person queued.
    by_inquiry = dict(zip((r["id"] for r in data.inquiries), inquiry_ids, strict=True))
    wanted = {r["id"] for r in measured}
    person_of = {}
    for pk, ext in Person.objects.filter(pk__in=run.person_ids).values_list("pk", "external_ids"):
        person_of[next(iter(ext.values()))] = pk
    sought = [(by_inquiry[q], person_of[r]) for q, r in data.truth.items() if r in wanted]
    queued = set(
        Candidate.objects.filter(kind=CandidateKind.INQUIRY_PERSON, origin="rematch").values_list(
            "inquiry_id", "person_id"
        )
    )
    found = sum(1 for pair in sought if pair in queued)
    true_queued = len(queued & set(sought))
    old_m, new_m = statistics.median(old), statistics.median(new)
    engine = "postgresql" if args.database_url else "sqlite"
    text = f"""### Re-matching: {args.inquiries:,} open inquiries × {args.new:,} newly imported persons ({engine}) — {today()}

Machine: {machine()}. Seed {args.seed}; the register held {args.new * base_slices:,} persons
before the import; {len(sought):,} inquiries seek a person of the imported list.

| figure | measured | target |
|---|---:|---|
| every new candidate queued: the task, in a worker that has run before | **{figures["wall"]:.1f} s** | < 60 s |
| its CPU time (user + system, all threads): what the machine's load does not inflate | {figures["cpu"]:.1f} s | |
| the same in a worker just started (it prepares every open inquiry first) | {cold["wall"]:.1f} s (CPU {cold["cpu"]:.1f} s) | |
| preparing the {args.inquiries:,} open inquiries (once per worker process) | {figures["warm"]:.1f} s | |
| peak memory of the worker process (warm / cold) | **{figures["peak_mib"]:,.0f} / {cold["peak_mib"]:,.0f} MiB** | < 4 GB |
| import of {args.new:,} rows, median of {len(old)} without the hook (old) | {old_m:.2f} s | |
| the same with the hook (new: run row + enqueue on commit) | {new_m:.2f} s ({(new_m / old_m - 1) * 100:+.1f} %) | ≤ +10 % |
| the hook alone for {args.new:,} persons, median of {len(hook_ms)} | **{statistics.median(hook_ms):.1f} ms** ({statistics.median(hook_ms) / 10 / old_m:+.2f} % of the import) | ≤ +10 % |
| inquiry ↔ person pairs found / queued | {figures["pairs"]:,} / {figures["queued"]:,} | |
| of them the person sought (precision of the queue) | {true_queued:,} ({true_queued / max(figures["queued"], 1):.3f}) | |
| inquiries whose person is in the list and got them queued | {found:,} of {len(sought):,} ({found / max(len(sought), 1):.3f}) | |
| possible duplicates found / queued | {figures["duplicate_pairs"]:,} / {figures["duplicates_queued"]:,} | |

Imports, seconds: without the hook {", ".join(f"{x:.2f}" for x in old)}; with it {", ".join(f"{x:.2f}" for x in new)}.
"""
    print(text)
    if not args.no_append:
        append_results(text)


if __name__ == "__main__":
    main()
