"""Linkage benchmark: Homeward's `homeward link` beside two baselines, on the same synthetic
lists with known truth, in the same run.

    .venv/bin/python benchmarks/linkage/run.py --register 100000 --inquiries 10000 [--full-names]
        [--systems homeward,exact,splink] [--data DIR] [--no-append]

Each system runs as its own process; wall time and peak memory (RSS of the process and its
children, polled every 50 ms) are measured from outside. Quality: precision, recall and F1 of
`match` decisions; recall of the true record among the top 5 candidates of findable inquiries.
Results are printed as a markdown table and appended to RESULTS.md with the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import metrics  # noqa: E402

from homeward.linkage import synthetic  # noqa: E402

PY = sys.executable
HOMEWARD = str(Path(PY).parent / "homeward")
SYSTEMS = {
    "homeward": lambda left, right, out: [HOMEWARD, "link", left, right, "-o", out],
    "exact": lambda left, right, out: [PY, str(HERE / "baseline_exact.py"), left, right, "-o", out],
    "splink": lambda left, right, out: [
        PY,
        str(HERE / "baseline_splink.py"),
        left,
        right,
        "-o",
        out,
    ],
}


def measure(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of a command and its children."""
    env = dict(os.environ, HOMEWARD_TESTING="1")
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    p = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            rss = p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.monotonic() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        raise SystemExit(f"{cmd[1]} failed ({proc.returncode}):\n{err[-2000:]}")
    return seconds, peak / 2**20


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if "model name" in line),
        platform.processor(),
    )
    ram = psutil.virtual_memory().total / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {ram:.0f} GiB RAM, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--register", type=int, default=100_000)
    ap.add_argument("--inquiries", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--full-names", action="store_true")
    ap.add_argument("--systems", default="homeward,exact,splink")
    ap.add_argument("--data", help="directory for the lists (default benchmarks/linkage/data/…)")
    ap.add_argument("--no-append", action="store_true", help="print only, do not touch RESULTS.md")
    args = ap.parse_args()
    names = "full" if args.full_names else "split"
    data = Path(
        args.data or HERE / "data" / f"{args.register}x{args.inquiries}-{names}-{args.seed}"
    )
    if not (data / "truth.csv").exists():
        t = time.monotonic()
        ds = synthetic.generate(
            args.register, args.inquiries, seed=args.seed, full_names=args.full_names
        )
        synthetic.write(ds, data)
        print(f"generated {data} in {time.monotonic() - t:.1f}s", file=sys.stderr)
    left, right, truth_path = data / "inquiries.csv", data / "register.csv", data / "truth.csv"
    truth = metrics.read_truth(truth_path)
    rows = []
    for system in args.systems.split(","):
        out = data / f"matches-{system}.csv"
        print(f"running {system}…", file=sys.stderr)
        seconds, mib = measure(SYSTEMS[system](str(left), str(right), str(out)))
        q = metrics.evaluate(out, truth)
        rows.append((system, q, seconds, mib))
    header = (
        f"### {args.register:,} register × {args.inquiries:,} inquiries, {names} names, "
        f"seed {args.seed} — {dt.datetime.now(dt.UTC).date().isoformat()}\n\n"
        f"Machine: {machine()}\n\n"
        "| system | precision | recall | F1 | top-5 recall | matches | wall time | peak memory |\n"
        "|---|---|---|---|---|---|---|---|\n"
    )
    table = header + "".join(
        f"| {s} | {q['precision']:.4f} | {q['recall']:.4f} | {q['f1']:.4f} | "
        f"{q['top5_recall']:.4f} | {q['matches']:,} | {sec:.1f} s | {mib:,.0f} MiB |\n"
        for s, q, sec, mib in rows
    )
    print(table)
    if not args.no_append:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write("\n" + table)


if __name__ == "__main__":
    main()
