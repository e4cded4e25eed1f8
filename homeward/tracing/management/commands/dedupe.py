from __future__ import annotations

from django.core.management.base import BaseCommand

from homeward.linkage import engine, lists
from homeward.linkage.model import load_model

from .link import Progress, add_common_arguments, check_common, read


class Command(BaseCommand):
    help = (
        "Finds records within one person list (DESIGN §7) that may be one person; writes each "
        "pair once as a matches CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="person list (CSV, XLSX or Parquet)")
        add_common_arguments(parser)

    def handle(self, *args, **opts):
        check_common(opts)
        say = Progress(self.stderr, opts["verbosity"] == 0)
        persons = read(opts["file"], say)
        pairs = engine.dedupe(
            persons,
            threshold=opts["threshold"],
            candidates=opts["candidates"],
            engine=opts["engine"],
            train=opts["train"],
            model=load_model(opts["model"]) if opts["model"] else None,
            progress=say,
            spark_master=opts["spark_master"],
        )
        n = lists.write_matches(pairs, opts["output"])
        decided = sum(1 for m in pairs if m.decision == "match")
        say(f"wrote {n:,} pairs to {opts['output']}: {decided:,} decided as one person")
