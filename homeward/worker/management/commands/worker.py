from __future__ import annotations

from django.core.management.base import BaseCommand

from homeward.worker.runner import run


class Command(BaseCommand):
    help = (
        "Runs background tasks (imports, planner runs, ledger checkpoints and verifications, "
        "and whatever an app queues with django.tasks). Several may run at once, on one machine "
        "or many. Ctrl-C or SIGTERM stops it after the task in hand."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is queued now, then exit")
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to wait when the queue is empty (default 1)",
        )

    def handle(self, *args, **opts):
        run(batch=opts["once"], interval=opts["interval"])
