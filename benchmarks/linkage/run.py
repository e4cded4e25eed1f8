"""Linkage benchmark: Homeward's `homeward link` beside two baselines, on the same synthetic
lists with known truth, in the same run.

    .venv/bin/python benchmarks/linkage/run.py --register 100000 --inquiries 10000 \\
        [--full-names | --split-names] [--seed 2026] [--systems homeward,exact,splink] \\
        [--data DIR] [--no-append]

The lists are generated into benchmarks/linkage/data/<size>-<layout>-<seed>/ (git-ignored) by
homeward.synth.lists, or reused when that directory (or --data DIR) already holds them.
Each system runs as a child process reading inquiries.csv (LEFT) and register.csv (RIGHT) and
writing the DESIGN §7 matches format. Measured from outside: wall time, and peak memory as the
larger of (a) the summed RSS of the child and its descendants, polled every 50 ms, and (b) the
largest single descendant's maximum RSS from getrusage(RUSAGE_CHILDREN) taken in a wrapper
process. Quality: precision, recall and F1 of `match` decisions (a match is right iff its
(left_id, right_id) is in truth.csv), recall of the true record among the top 5 candidates of
findable inquiries, and the share of unfound inquiries (the register does not hold the person)
given a `match`; then recall and top-5 recall by kind of variation.

The tables are printed and appended to RESULTS.md with the machine (from /proc) and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

import metrics  # noqa: E402

from homeward.synth import lists as synthetic  # noqa: E402

PY = sys.executable
HOMEWARD = str(Path(PY).parent / "homeward")
SYSTEMS = {
    "homeward": lambda left, right, out: [
        HOMEWARD, "link", left, right, "-o", out, "--candidates", "5",
    ],
    "exact": lambda left, right, out: [PY, str(HERE / "baseline_exact.py"), left, right, "-o", out],
    "splink": lambda left, right, out: [
        PY, str(HERE / "baseline_splink.py"), left, right, "-o", out,
    ],
}  # fmt: skip

# Runs a command and reports the largest maximum RSS among the processes it waited for.
_WRAPPER = """
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
open(sys.argv[1], "w").write(json.dumps({"code": code, "peak": peak}))
sys.exit(code)
"""


def measure(cmd: list[str], log: Path) -> tuple[float, float]:
    """(seconds, peak memory in MiB) of a command and its descendants; its stderr to `log`."""
    env = dict(os.environ, HOMEWARD_TESTING="1")
    report = log.with_suffix(".rusage.json")
    start = time.monotonic()
    with open(log, "w") as err:
        proc = subprocess.Popen(
            [PY, "-c", _WRAPPER, str(report), *cmd],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=HERE,
        )
        wrapper = psutil.Process(proc.pid)
        polled = 0
        while proc.poll() is None:
            try:
                # the wrapper itself is a small Python process: count only what it runs
                polled = max(
                    polled, sum(c.memory_info().rss for c in wrapper.children(recursive=True))
                )
            except psutil.Error:
                pass
            time.sleep(0.05)
    seconds = time.monotonic() - start
    if proc.returncode:
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"{' '.join(cmd[:2])} failed ({proc.returncode}):\n{tail}")
    waited = json.loads(report.read_text())["peak"]
    return seconds, max(polled, waited) / 2**20


def homeward_link_available() -> str | None:
    """None when `homeward link` answers --help, else why not."""
    if not Path(HOMEWARD).exists():
        return f"{HOMEWARD} does not exist"
    env = dict(os.environ, HOMEWARD_TESTING="1")
    done = subprocess.run(
        [HOMEWARD, "link", "--help"], env=env, capture_output=True, text=True, timeout=120
    )
    if done.returncode or "--candidates" not in done.stdout:
        return (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no --candidates"]
    return None


def machine() -> str:
    cpu, cores = platform.processor() or "unknown CPU", 0
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            cores += 1
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    versions = []
    for module in ("splink", "duckdb"):
        try:
            versions.append(f"{module} {__import__(module).__version__}")
        except ImportError:
            pass
    return (
        f"{cpu}, {cores or os.cpu_count()} cores, {mem_kib / 2**20:.0f} GiB RAM; "
        f"Python {platform.python_version()}, {', '.join(versions)}"
    )


def fingerprint() -> str:
    """Of the generator's source: lists written by another version are not reused."""
    source = (ROOT / "homeward" / "synth" / "lists.py").read_bytes()
    return hashlib.sha256(source).hexdigest()[:12]


def append_results(text: str) -> None:
    """Into RESULTS.md, after the last run on the current generator: before the section
    that keeps the first generator's runs."""
    path = HERE / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Linkage benchmark results\n"
    marker = "\n## Earlier runs"
    at = old.find(marker)
    if at < 0:
        path.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    else:
        path.write_text(old[:at].rstrip("\n") + "\n\n" + text + old[at:], encoding="utf-8")


def generate(args: argparse.Namespace, data: Path) -> None:
    """In a child process, so that the runner does not hold a million rows while it measures."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from homeward.synth import lists as s; "
        "s.write(s.generate(int(sys.argv[2]), int(sys.argv[3]), seed=int(sys.argv[4]), "
        "full_names=sys.argv[5] == 'full', profile=sys.argv[7]), sys.argv[6])"
    )
    t = time.monotonic()
    subprocess.run(
        [PY, "-c", code, str(ROOT), str(args.register), str(args.inquiries), str(args.seed),
         "full" if args.full_names else "split", str(data), args.profile],
        check=True,
    )  # fmt: skip
    (data / "generator.txt").write_text(fingerprint() + "\n")
    print(f"generated {data} in {time.monotonic() - t:.0f} s", file=sys.stderr)


def add_list_arguments(ap: argparse.ArgumentParser) -> None:
    """The arguments that name a benchmark's lists: sizes, seed and name layout."""
    ap.add_argument("--register", type=int, default=100_000)
    ap.add_argument("--inquiries", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2026)
    layout = ap.add_mutually_exclusive_group()
    layout.add_argument("--full-names", action="store_true", help="full_name column")
    layout.add_argument("--split-names", action="store_true", help="name parts (the default)")
    ap.add_argument(
        "--profile",
        default="default",
        choices=sorted(synthetic.PROFILES),
        help="the shares the lists are written with (synthetic.PROFILES)",
    )


def lists_directory(args: argparse.Namespace) -> Path:
    names = "full" if args.full_names else "split"
    profile = "" if args.profile == "default" else f"-{args.profile}"
    return HERE / "data" / f"{args.register}x{args.inquiries}-{names}-{args.seed}{profile}"


def ensure_lists(args: argparse.Namespace, data: Path, *, regenerate: bool = True) -> bool:
    """Generates the lists into `data` when absent, or when another version of the generator
    wrote them and `regenerate`; whether they are the current generator's."""
    made_by = data / "generator.txt"
    current = made_by.exists() and made_by.read_text().strip() == fingerprint()
    if not (data / "truth.csv").exists() or (not current and regenerate):
        generate(args, data)
        return True
    return current


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_list_arguments(ap)
    ap.add_argument("--systems", default="homeward,exact,splink")
    ap.add_argument("--data", help="directory of the lists (generated there if absent)")
    ap.add_argument("--no-append", action="store_true", help="print only, leave RESULTS.md")
    args = ap.parse_args()
    names = "full" if args.full_names else "split"
    data = Path(args.data).resolve() if args.data else lists_directory(args)
    current = ensure_lists(args, data, regenerate=not args.data)
    if not current:
        print(f"{data}: written by another version of the generator", file=sys.stderr)
    truth = metrics.read_truth(data / "truth.csv")
    variations = metrics.read_variations(data / "variations.csv")
    left, right = str(data / "inquiries.csv"), str(data / "register.csv")

    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    notes = []
    if "homeward" in systems and (why := homeward_link_available()):
        note = f"`homeward link` is not available ({why}): baselines only."
        print(note, file=sys.stderr)
        notes.append(note)
        systems.remove("homeward")
    rows, results = [], {}
    for system in systems:
        out = data / f"matches-{system}.csv"
        print(f"running {system}…", file=sys.stderr)
        seconds, mib = measure(SYSTEMS[system](left, right, str(out)), data / f"{system}.log")
        results[system] = metrics.Result(out)
        rows.append((system, metrics.evaluate(results[system], truth), seconds, mib))
        print(f"  {system}: {seconds:.1f} s, {mib:,.0f} MiB", file=sys.stderr)

    findable = sum(1 for r in truth.values() if r)
    text = (
        f"### {args.register:,} register × {args.inquiries:,} inquiries, {names} names, "
        f"seed {args.seed}"
        + ("" if args.profile == "default" else f", profile {args.profile}")
        + f" — {dt.datetime.now(dt.UTC).date().isoformat()}\n\n"
        f"Machine: {machine()}. Findable inquiries: {findable:,} of {len(truth):,}.\n\n"
        + "".join(f"{n}\n\n" for n in notes)
        + "| system | precision | recall | F1 | top-5 recall | matches | unfound matched "
        "| wall time | peak memory |\n|---|---|---|---|---|---|---|---|---|\n"
        + "".join(
            f"| {s} | {q['precision']:.4f} | {q['recall']:.4f} | {q['f1']:.4f} | "
            f"{q['top5_recall']:.4f} | {q['matches']:,} | {q['unfound_matched']:.4f} | "
            f"{sec:.1f} s | {mib:,.0f} MiB |\n"
            for s, q, sec, mib in rows
        )
    )
    if results:
        text += "\nFor reference, F1 of the best candidate at the threshold that maximises it, "
        text += "chosen with the truth: " + "; ".join(
            "{} {:.4f} at ≥ {:.3f}".format(s, *metrics.best_threshold(r, truth))
            for s, r in results.items()
        )
        text += ".\n"
        text += (
            "\nWhere recall is lost (findable inquiries without their true `match`, by the "
            "first reason that applies):\n\n| | "
            + " | ".join(results)
            + " |\n|---|"
            + "---|" * len(results)
            + "\n"
        )
        lost = {s: metrics.losses(r, truth) for s, r in results.items()}
        for reason in metrics.LOSSES:
            text += f"| {reason} | " + " | ".join(f"{lost[s][reason]:,}" for s in results) + " |\n"
    if variations and results:
        text += (
            "\n<details><summary>Recall / top-5 recall by variation (sought: share of "
            "unfound inquiries given a match)</summary>\n\n| variation | inquiries | "
            + " | ".join(results)
            + " |\n|---|---|"
            + "---|" * len(results)
            + "\n"
        )
        for tag, n, by_system in metrics.breakdown(results, truth, variations):
            cells = [
                f"{q['unfound_matched']:.3f}"
                if tag.startswith("sought:")
                else f"{q['recall']:.3f} / {q['top5_recall']:.3f}"
                for q in by_system.values()
            ]
            text += f"| {tag} | {n:,} | " + " | ".join(cells) + " |\n"
        text += "\n</details>\n"
    print(text)
    if not args.no_append:
        append_results(text)


if __name__ == "__main__":
    main()
