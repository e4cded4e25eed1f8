"""The review queue (issue 16, item 4): rendering it with 10,000 pending candidates.

    .venv/bin/python benchmarks/tracing/review_queue.py [--candidates 10000] [--requests 200]
        [--database-url URL] [--seed 2030] [--no-append]

A fresh database (a temporary SQLite file unless --database-url) gets synthetic register
persons (imported through the real import action, the worker's matching not run), open
inquiries, and --candidates pending candidates, 90 % inquiry ↔ person and 10 % possible
duplicates, with the engine's explanations as the worker stores them. A caseworker then asks for
the queue page through Django's test client (the whole stack: middleware, access helpers and
their logging, templates), its first page and a later one, each --requests times.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from common import (
    append_results,
    create_inquiries,
    machine,
    person_list_csv,
    setup,
    today,
    world,
)

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

EXPLANATION = (
    "surname: same across scripts (+9.1); given: one name in another language or a diminutive "
    "(+6.2); patronymic: missing (+0.0); birth: same year, a month unknown (+5.1); place: "
    "missing (+0.0); register: no other record fits as well (+0.4)"
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--candidates", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--database-url")
    ap.add_argument("--seed", type=int, default=2030)
    ap.add_argument("--no-append", action="store_true")
    args = ap.parse_args()
    setup(args.database_url)
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from homeward.lib.bulk import insert_rows
    from homeward.registry.importing import import_person_list
    from homeward.registry.models import Person
    from homeward.synth import lists as synthetic
    from homeward.tracing.models import Candidate
    from homeward.tracing.search import explanation_json

    ua, ru, caseworker, liaison = world()
    n_inquiry = args.candidates * 9 // 10
    n_dupes = args.candidates - n_inquiry
    data = synthetic.generate(max(args.candidates, 2000), n_inquiry, seed=args.seed)
    with override_settings(TASKS=DUMMY_TASKS):
        result = import_person_list(
            actor=caseworker,
            content=person_list_csv(data.register),
            file_name="register.csv",
            source_kind="list",
            party=ru,
        )
    assert result.ok, result.errors[:3]
    persons = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    inquiries = create_inquiries(data.inquiries, liaison)
    rng = random.Random(args.seed)
    now = timezone.now()
    rows = []
    for iid in inquiries:
        decision = rng.choice(("match", "possible"))
        rows.append(
            (
                "inquiry_person",
                iid,
                rng.choice(persons),
                None,
                rng.random(),
                explanation_json(EXPLANATION, decision),
                "rematch",
                "pending",
                f"{iid:064x}",
                0,
                now,
                now,
            )
        )
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_dupes:
        a, b = sorted(rng.sample(persons, 2))
        pairs.add((a, b))
    for a, b in sorted(pairs):
        rows.append(
            (
                "person_person",
                None,
                a,
                b,
                rng.random(),
                explanation_json(EXPLANATION, "possible"),
                "dedupe",
                "pending",
                f"{a:032x}{b:032x}",
                0,
                now,
                now,
            )
        )
    insert_rows(
        Candidate,
        (
            "kind",
            "inquiry_id",
            "person_id",
            "other_person_id",
            "score",
            "explanation",
            "origin",
            "state",
            "fingerprint",
            "version",
            "created_at",
            "updated_at",
        ),
        rows,
    )
    pending = Candidate.objects.filter(state="pending").count()
    print(f"{pending:,} pending candidates", flush=True)

    client = Client()
    client.force_login(caseworker)
    timings: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for label, url in (
        ("queue, first page", "/tracing/queue/"),
        ("queue, page 20", "/tracing/queue/?page=20"),
        ("queue, duplicates only", "/tracing/queue/?kind=person_person"),
    ):
        times, cpus = [], []
        for i in range(args.requests + 3):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            took = (time.perf_counter() - t) * 1000
            spent = (time.process_time() - c) * 1000
            assert response.status_code == 200, (url, response.status_code)
            if i >= 3:  # the first requests warm the caches
                times.append(took)
                cpus.append(spent)
        timings[label] = times
        cpu[label] = cpus

    lines = []
    for label, times in timings.items():
        p = statistics.quantiles(times, n=100, method="inclusive")
        c = statistics.quantiles(cpu[label], n=100, method="inclusive")
        lines.append(
            f"| {label} | {len(times)} | {p[49]:.1f} | **{p[94]:.1f}** | {max(times):.1f} "
            f"| {c[49]:.1f} | {c[94]:.1f} |"
        )
    engine = "postgresql" if args.database_url else "sqlite"
    table = "\n".join(lines)
    text = f"""### Review queue: {pending:,} pending candidates ({engine}) — {today()}

Machine: {machine()}. Seed {args.seed}; {len(persons):,} register persons,
{len(inquiries):,} open inquiries; Django test client, logged-in caseworker.

| request | n | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms |
|---|---:|---:|---:|---:|---:|---:|
{table}

Target: p95 < 200 ms with 10,000 pending candidates. CPU: the process's own time per request
(the Django side and SQLite run in it), which the machine's load does not inflate.
"""
    print(text)
    if not args.no_append:
        append_results(text)


if __name__ == "__main__":
    main()
