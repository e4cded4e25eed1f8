"""Spark standalone on this machine beside DuckDB: the same `homeward link` on the same lists.

    .venv/bin/python benchmarks/linkage/spark.py --register 1000000 --inquiries 100000 \\
        [--seed 2026] [--cores N] [--worker-memory 16g] [--no-append]

Starts a Spark standalone master and one worker on 127.0.0.1 (homeward.linkage.spark's
standalone_cluster, as the tests do), runs `homeward link --engine spark --spark-master …`, then
`homeward link` on DuckDB, both with `--train none` (the shipped model as it is: u by random
sampling would differ between engines, so the matches could not be compared pair for pair).
Reports wall time, peak memory (the driver's process tree, and for Spark also the master, the
worker and its executors, polled every 200 ms and summed), quality against the truth, and
whether the two matches files agree pair for pair and score for score (|Δ| ≤ 1e-6).
Appends the table to RESULTS.md unless --no-append.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parents[1]))

import metrics  # noqa: E402
import run  # noqa: E402

from homeward.linkage import spark as spark_mod  # noqa: E402


class PeakMemory:
    """Polls the summed RSS of some processes and all their descendants."""

    def __init__(self, roots: list[int]):
        self.roots = roots
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in self.roots:
                try:
                    root = psutil.Process(pid)
                    total += sum(p.memory_info().rss for p in [root, *root.children(True)])
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def link(
    left: str, right: str, out: Path, extra: list[str], watch: list[int]
) -> tuple[float, float]:
    """(seconds, peak MiB) of one `homeward link`, counting the processes in `watch` too."""
    env = dict(os.environ, HOMEWARD_TESTING="1")
    cmd = [run.HOMEWARD, "link", left, right, "-o", str(out), "--candidates", "5"]
    cmd += ["--train", "none", *extra]
    start = time.monotonic()
    with open(out.with_suffix(".log"), "w") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)  # noqa: S603
        with PeakMemory([proc.pid, *watch]) as peak:
            proc.wait()
    seconds = time.monotonic() - start
    if proc.returncode:
        tail = out.with_suffix(".log").read_text(errors="replace")[-3000:]
        raise SystemExit(f"homeward link {' '.join(extra)} failed ({proc.returncode}):\n{tail}")
    return seconds, peak.peak / 2**20


def read_matches(path: Path) -> dict[tuple[str, str], tuple[float, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return {
            (r["left_id"], r["right_id"]): (float(r["score"]), r["decision"])
            for r in csv.DictReader(f)
        }


def agreement(a: Path, b: Path) -> str:
    ma, mb = read_matches(a), read_matches(b)
    if ma.keys() != mb.keys():
        return f"**differ**: {len(ma.keys() ^ mb.keys()):,} pairs on one side only"
    worst = max((abs(ma[k][0] - mb[k][0]) for k in ma), default=0.0)
    decisions = sum(1 for k in ma if ma[k][1] != mb[k][1])
    verdict = "identical" if worst <= 1e-6 and not decisions else "**differ**"
    return f"{verdict}: {len(ma):,} pairs, largest score difference {worst:.1e}, {decisions} decisions differ"


def event_summary(events: Path, top: int = 8) -> str:
    """Where Spark's time went, from its event log: jobs, stages and tasks, the executors' run
    and CPU time, and the longest stages by the call site that started them."""
    stages: list[tuple[float, str, int]] = []
    tasks = run_ms = cpu_ns = gc_ms = 0
    jobs = 0
    first = last = None
    for path in events.rglob("*"):
        if not path.is_file():
            continue
        for line in path.read_text(errors="replace").splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if not isinstance(event, dict):
                continue
            kind = event.get("Event")
            if kind == "SparkListenerJobStart":
                jobs += 1
            elif kind == "SparkListenerStageCompleted":
                info = event["Stage Info"]
                start, end = info.get("Submission Time"), info.get("Completion Time")
                if start and end:
                    stages.append((end - start, info["Stage Name"], info["Number of Tasks"]))
                    first = start if first is None else min(first, start)
                    last = end if last is None else max(last, end)
            elif kind == "SparkListenerTaskEnd":
                tasks += 1
                m = event.get("Task Metrics") or {}
                run_ms += m.get("Executor Run Time", 0)
                cpu_ns += m.get("Executor CPU Time", 0)
                gc_ms += m.get("JVM GC Time", 0)
    if not stages:
        return "(no event log)"
    busy = sum(d for d, _, _ in stages) / 1000
    span = ((last or 0) - (first or 0)) / 1000
    out = [
        f"{jobs} jobs, {len(stages)} stages, {tasks:,} tasks; first stage to last {span:.1f} s, "
        f"stages summed {busy:.1f} s; executors' task run time {run_ms / 1000:.1f} s, of which "
        f"CPU {cpu_ns / 1e9:.1f} s, GC {gc_ms / 1000:.1f} s",
        "longest stages:",
    ]
    for ms, name, n in sorted(stages, reverse=True)[:top]:
        out.append(f"  {ms / 1000:7.1f} s  {n:4d} tasks  {name}")
    return "\n".join(out)


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(HERE), "describe", "--always", "--dirty"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    run.add_list_arguments(ap)
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 2, help="the worker's cores")
    ap.add_argument("--worker-memory", default="12g", help="the worker's memory for executors")
    ap.add_argument("--driver-memory", default="4g", help="the driver JVM's memory")
    ap.add_argument("--no-append", action="store_true")
    args = ap.parse_args()
    data = run.lists_directory(args)
    run.ensure_lists(args, data)
    left, right = str(data / "inquiries.csv"), str(data / "register.csv")
    truth = metrics.read_truth(data / "truth.csv")

    rows = []
    load = os.getloadavg()
    with (
        tempfile.TemporaryDirectory(prefix="hw-spark-") as work,
        spark_mod.standalone_cluster(
            Path(work), cores=args.cores, memory=args.worker_memory
        ) as cluster,
    ):
        daemons = [
            p.pid
            for p in psutil.process_iter(["cmdline"])
            if any("org.apache.spark.deploy" in part for part in (p.info["cmdline"] or []))
        ]
        print(f"cluster up at {cluster.master}; running on Spark…", file=sys.stderr)
        # read by pyspark when it starts the driver's JVM, as spark-submit's options would be
        events = Path(work) / "events"
        events.mkdir()
        os.environ["PYSPARK_SUBMIT_ARGS"] = (
            f"--conf spark.executor.memory={args.worker_memory} "
            f"--conf spark.driver.memory={args.driver_memory} "
            f"--conf spark.eventLog.enabled=true --conf spark.eventLog.dir=file://{events} "
            "--conf spark.eventLog.compress=false "
            "pyspark-shell"
        )
        out_spark = data / "matches-spark.csv"
        sec, mib = link(
            left, right, out_spark, ["--engine", "spark", "--spark-master", cluster.master], daemons
        )
        os.environ.pop("PYSPARK_SUBMIT_ARGS")
        rows.append(("spark standalone (1 worker)", sec, mib, out_spark))
        print(f"  spark: {sec:.1f} s, {mib:,.0f} MiB", file=sys.stderr)
        spark_events = event_summary(events)
        print(spark_events, file=sys.stderr)
    print("running on DuckDB…", file=sys.stderr)
    out_duck = data / "matches-duckdb-train-none.csv"
    sec, mib = link(left, right, out_duck, [], [])
    rows.append(("duckdb", sec, mib, out_duck))
    print(f"  duckdb: {sec:.1f} s, {mib:,.0f} MiB", file=sys.stderr)

    text = (
        f"### Spark standalone on one machine: {args.register:,} register × "
        f"{args.inquiries:,} inquiries, seed {args.seed} — {dt.datetime.now(dt.UTC).date()}\n\n"
        f"Machine: {run.machine()}; commit {commit()}. One worker with {args.cores} cores and "
        f"{args.worker_memory} (driver JVM {args.driver_memory}); both engines with "
        "`--train none`.\n\n"
        "| engine | wall time | peak memory (all processes) | precision | recall | F1 |\n"
        "|---|---|---|---|---|---|\n"
    )
    for name, sec, mib, out in rows:
        q = metrics.evaluate(metrics.Result(out), truth)
        text += (
            f"| {name} | {sec:.1f} s | {mib:,.0f} MiB | {q['precision']:.4f} | "
            f"{q['recall']:.4f} | {q['f1']:.4f} |\n"
        )
    text += f"\nMatches, Spark against DuckDB: {agreement(rows[0][3], rows[1][3])}.\n"
    text += f"\nLoad average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; after: "
    text += " ".join(f"{x:.2f}" for x in os.getloadavg()) + ".\n"
    for name, log in (("spark", out_spark), ("duckdb", out_duck)):
        logged = log.with_suffix(".log").read_text(errors="replace")
        phases = re.findall(r"\[ *[0-9.]+s\] [^\[\n]*", logged)
        text += f"\n`homeward link` on {name}, its progress:\n\n```\n" + "\n".join(phases)
        text += "\n```\n"
    text += f"\nSpark's event log:\n\n```\n{spark_events}\n```\n"
    print(text)
    if not args.no_append:
        run.append_results(text)


if __name__ == "__main__":
    main()
