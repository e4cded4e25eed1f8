from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from homeward.lib.personlist import PersonListError
from homeward.linkage import engine, lists
from homeward.linkage.model import DEFAULT_CANDIDATES, DEFAULT_THRESHOLD, load_model


def add_common_arguments(parser) -> None:
    parser.add_argument(
        "-o", "--output", required=True, help="matches file to write (CSV, or .parquet)"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"match probability for a `match` decision (default {DEFAULT_THRESHOLD})",
    )
    parser.add_argument(
        "--candidates",
        type=int,
        default=DEFAULT_CANDIDATES,
        help=f"best candidates kept per record (default {DEFAULT_CANDIDATES})",
    )
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument(
        "--spark-master",
        help="with --engine spark: the cluster's master URL, e.g. spark://host:7077 or yarn "
        "(default: SPARK_MASTER, else spark-submit's configuration, else local[*])",
    )
    parser.add_argument(
        "--train",
        choices=("none", "u", "em"),
        default="u",
        help="what to re-estimate on these files: nothing, u and the prior (default), or also m",
    )
    parser.add_argument("--model", help="a model JSON (default: the one shipped)")


def check_common(opts) -> None:
    if not 0 < opts["threshold"] < 1:
        raise CommandError("--threshold must be between 0 and 1")
    if opts["candidates"] < 1:
        raise CommandError("--candidates must be at least 1")
    if opts.get("spark_master") and opts["engine"] != "spark":
        raise CommandError("--spark-master goes with --engine spark")


class Progress:
    def __init__(self, stderr, quiet: bool):
        self.stderr = stderr
        self.quiet = quiet
        self.start = time.monotonic()

    def __call__(self, message: str) -> None:
        if not self.quiet:
            self.stderr.write(f"[{time.monotonic() - self.start:6.1f}s] {message}")


def read(path: str, say: Progress):
    say(f"reading {path}…")
    try:
        return lists.read_persons(path)
    except PersonListError as exc:
        raise CommandError(f"{path}: {exc}") from None


class Command(BaseCommand):
    help = (
        "Links two person lists (DESIGN §7): for each LEFT record its best candidates in RIGHT, "
        "written as a matches CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument("left", help="person list (CSV, XLSX or Parquet): the records to find")
        parser.add_argument("right", help="person list (CSV, XLSX or Parquet): where to find them")
        add_common_arguments(parser)

    def handle(self, *args, **opts):
        check_common(opts)
        say = Progress(self.stderr, opts["verbosity"] == 0)
        left = read(opts["left"], say)
        right = read(opts["right"], say)
        matches = engine.link(
            left,
            right,
            threshold=opts["threshold"],
            candidates=opts["candidates"],
            engine=opts["engine"],
            train=opts["train"],
            model=load_model(opts["model"]) if opts["model"] else None,
            progress=say,
            spark_master=opts["spark_master"],
        )
        n = lists.write_matches(matches, opts["output"])
        decided = sum(1 for m in matches if m.decision == "match")
        found = len({m.left_id for m in matches})
        say(
            f"wrote {n:,} rows to {opts['output']}: {decided:,} matches; "
            f"{found:,} of {len(left):,} records have a candidate"
        )
