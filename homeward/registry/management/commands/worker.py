from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand

from homeward.registry.worker import run_forever

log = logging.getLogger("homeward.worker")


class Command(BaseCommand):
    help = (
        "Runs background work: queued imports, queued planner runs, ledger checkpoints. "
        "Stops on Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="do what is queued now, then exit")

    def handle(self, *args, **opts):
        try:
            run_forever(once=opts["once"])
        except KeyboardInterrupt:
            time.sleep(0)
