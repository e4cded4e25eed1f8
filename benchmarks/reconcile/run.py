"""Reconciliation benchmark (issue 18): a published list against the register, timed, with its
peak memory and the precision of the `matched` outcome on synthetic truth.

    .venv/bin/python benchmarks/reconcile/run.py --register 100000 --list 1000 [--seed 7]
        [--workdir DIR] [--cache cold|warm]

1. setup (not timed; cached in --workdir): a temporary SQLite database with a register of
   --register persons written the way a detaining power's clerks write (the synthetic generator,
   homeward/synth/lists.py), registered through the register's own bulk action; and a
   published list of --list rows written the way a website writes ("published" style: Latin
   national 2010 romanisation, mostly full dates, some date errors), about 88 % of them persons
   the register holds and 12 % persons it does not hold (half of those a relative of someone it
   does), with the truth of who is who;
2. run (timed, in a child process so its peak RSS is its own): upload the list through
   reconcile.actions (reading, validating, storing the entries) and carry out one reconciliation
   run in-process: read the register, link the whole list in one engine run, decide, write;
   --cache cold (the default) deletes the register's prepared records kept between runs
   (homeward/reconcile/cache.py) before the timed run: the run reads and prepares every person.
   --cache warm keeps them (building them first, untimed, if there are none): the timed run is
   the first reconciliation of this list against a register whose cache is current. The set-up
   database is copied afresh for each run, so the same --workdir serves old and new code
   (another checkout's run.py with the same --workdir runs against the same register);
3. precision of `matched`: rows matched to the person the truth names / rows matched; and the
   share of rows whose person the register holds that came out matched (recall).

Every person is synthetic. Prints Markdown to paste into RESULTS.md beside the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid as uuidlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def django_setup(workdir: Path) -> None:
    os.environ.setdefault("HOMEWARD_TESTING", "1")
    os.environ["HOMEWARD_VAR"] = str(workdir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.settings"
    import django

    django.setup()


def setup(workdir: Path, n_register: int, n_list: int, seed: int) -> None:
    django_setup(workdir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from homeward.accounts.models import Party, PartyKind, Role, User
    from homeward.lib.bulk import insert_rows
    from homeward.lib.dates import PartialDate
    from homeward.linkage.dates import parse_birth_date
    from homeward.linkage.names import split_full_name
    from homeward.registry.models import Person
    from homeward.synth import lists as synthetic

    Party.objects.create(code="RU", name="Detaining party", kind=PartyKind.STATE)
    ua = Party.objects.create(code="UA", name="Home party", kind=PartyKind.STATE)
    ni = Party.objects.create(code="NI", name="Intermediary", kind=PartyKind.INTERMEDIARY)
    user = User.objects.create_user(username="bench", role=Role.CASEWORKER, party=ni)

    t = time.monotonic()
    synthetic.INQUIRY_STYLES = {"published": 1.0}  # the list as a website writes it
    data = synthetic.generate(n_register, n_list, seed=seed, full_names=True)
    print(f"generated in {time.monotonic() - t:.1f} s", file=sys.stderr)

    # Persons only, through the bulk inserter the register's import uses (homeward/lib/bulk.py):
    # a run reads nothing else of the register (names, keys, detentions and events are read only
    # for the persons it matches), and a million full registrations would take most of an hour
    # of setup on this shared machine.
    t = time.monotonic()
    rid_to_uuid: dict[str, uuidlib.UUID] = {}
    values = []
    for row in data.register:
        family, given, patronymic = split_full_name(row["full_name"])
        if not family:
            continue
        born = parse_birth_date(row["birth_date"])
        date = PartialDate(born.year, born.month, born.day) if born.year else None
        sex = row.get("sex") or "U"
        u = uuidlib.uuid4()
        rid_to_uuid[row["id"]] = u
        values.append(
            (
                u,
                family[:200],
                given[:200],
                patronymic[:200],
                sex if sex in ("M", "F") else "U",
                date,
                row.get("birth_place", "")[:200],
                ua.pk,
                user.pk,
            )
        )
    insert_rows(
        Person,
        [
            "uuid",
            "family_name",
            "given_name",
            "patronymic",
            "sex",
            "birth_date",
            "birth_place",
            "home_party_id",
            "created_by_id",
        ],
        values,
    )
    del values
    pks = dict(Person.objects.values_list("uuid", "pk"))
    rid_to_pk = {rid: pks[u] for rid, u in rid_to_uuid.items()}
    print(f"registered {len(rid_to_pk):,} in {time.monotonic() - t:.1f} s", file=sys.stderr)

    lines = ["id;full_name;birth_date"]
    for r in data.inquiries:
        lines.append(f"{r['id']};{r['full_name']};{r['birth_date']}")
    (workdir / "list.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    truth = {lid: (rid_to_pk.get(rid) if rid else None) for lid, rid in data.truth.items()}
    (workdir / "truth.json").write_text(json.dumps(truth))
    (workdir / "ready").write_text(f"{n_register} {n_list} {seed}")


def _cpu() -> float:
    """CPU seconds of this process (all its threads: DuckDB's included)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run(workdir: Path) -> None:
    django_setup(workdir)
    from homeward.accounts.models import User
    from homeward.reconcile import actions
    from homeward.reconcile.models import Outcome, PublishedList
    from homeward.reconcile.runs import carry_out

    user = User.objects.get(username="bench")
    assert not PublishedList.objects.exists()  # each run starts from a fresh copy of the setup
    load_before = os.getloadavg()
    cpu0 = _cpu()
    content = (workdir.parent / "list.csv").read_bytes()
    stages: list[tuple[float, str]] = []
    start = time.monotonic()
    plist = actions.upload_published_list(
        actor=user, content=content, file_name="list.csv", published_by="RU", title="bench"
    )
    uploaded = time.monotonic() - start
    run_ = actions.start_reconciliation(actor=user, published_list=plist, enqueue=False)
    t0 = time.monotonic()
    run_ = carry_out(run_, echo=lambda m: stages.append((time.monotonic() - t0, m)))
    ran = time.monotonic() - t0
    cpu = _cpu() - cpu0
    load_after = os.getloadavg()
    assert run_.status == "done", run_.error
    truth = json.loads((workdir.parent / "truth.json").read_text())
    got = run_.outcomes.select_related("entry").values_list(
        "entry__external_id", "outcome", "person_id"
    )
    matched = correct = held = held_matched = 0
    counts: dict[str, int] = {}
    for lid, outcome, pk in got:
        counts[outcome] = counts.get(outcome, 0) + 1
        want = truth.get(lid)
        if want is not None:
            held += 1
        if outcome == Outcome.MATCHED:
            matched += 1
            correct += pk == want
            held_matched += want is not None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(
        json.dumps(
            {
                "upload_s": uploaded,
                "run_s": ran,
                "total_s": uploaded + ran,
                "peak_rss_gb": peak,
                "register": run_.register_size,
                "rows": plist.rows,
                "counts": counts,
                "precision": correct / matched if matched else None,
                "recall": held_matched / held if held else None,
                "matched": matched,
                "correct": correct,
                "stages": [(round(t, 1), m) for t, m in stages],
                "cpu_s": cpu,
                "load": [round(load_before[0], 1), round(load_after[0], 1)],
            }
        )
    )


def _run_once(workdir: Path) -> dict:
    """One timed run in a child process on a fresh copy of the set-up database."""
    fresh = workdir / "run"
    fresh.mkdir(exist_ok=True)
    for old in fresh.iterdir():
        if old.is_file():
            old.unlink()
    for f in workdir.iterdir():  # the database (and its WAL), the instance key
        if f.is_file() and f.name not in ("list.csv", "truth.json", "ready"):
            shutil.copy(f, fresh / f.name)
    out = subprocess.run(
        [sys.executable, __file__, "--phase", "run", "--workdir", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--register", type=int, default=100_000)
    parser.add_argument("--list", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", help="cache of the generated register (default: a temp dir)")
    parser.add_argument("--phase", choices=("all", "setup", "run"), default="all")
    parser.add_argument(
        "--cache",
        choices=("cold", "warm"),
        default="cold",
        help="the register's prepared records kept between runs: deleted first, or current",
    )
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="hw-reconcile-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.phase == "setup":
        setup(workdir, args.register, args.list, args.seed)
        return
    if args.phase == "run":
        run(workdir / "run")
        return
    marker = workdir / "ready"
    if not marker.exists() or marker.read_text() != f"{args.register} {args.list} {args.seed}":
        t = time.monotonic()
        subprocess.run(
            [sys.executable, __file__, "--phase", "setup", "--workdir", str(workdir),
             "--register", str(args.register), "--list", str(args.list), "--seed", str(args.seed)],
            check=True,
        )  # fmt: skip
        print(f"setup {time.monotonic() - t:.0f} s (not timed)", file=sys.stderr)
    fresh = workdir / "run"
    kept = fresh / "reconcile-cache"
    if args.cache == "cold" and kept.exists():
        shutil.rmtree(kept)
    if args.cache == "warm" and not (kept.exists() and any(kept.iterdir())):
        print(
            "warm cache asked for and none kept: one run first to build it (untimed)",
            file=sys.stderr,
        )
        _run_once(workdir)
    r = _run_once(workdir)
    print(f"## {r['rows']:,} rows against {r['register']:,} persons (seed {args.seed})\n")
    print(
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite"
    )
    print(
        f"- register cache: {args.cache}; load average (1 min) {r['load'][0]} before, {r['load'][1]} after"
    )
    print(f"- upload (read, validate, store entries): {r['upload_s']:.1f} s")
    print(
        f"- reconciliation run: {r['run_s']:.1f} s; **total {r['total_s']:.1f} s**; CPU {r['cpu_s']:.1f} s"
    )
    print(f"- peak RSS of the process: **{r['peak_rss_gb']:.2f} GB**")
    print(f"- outcomes: {r['counts']}")
    print(
        f"- matched precision: **{r['precision']:.4f}** ({r['correct']:,} of {r['matched']:,}); "
        f"recall of held persons: {r['recall']:.4f}"
    )
    print("\n| s | stage |\n|---:|---|")
    for t, m in r["stages"]:
        print(f"| {t} | {m} |")


if __name__ == "__main__":
    main()
