from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from homeward.registry.models import Person
from homeward.tracing.models_rematch import RematchRun, RematchTrigger


class Command(BaseCommand):
    help = (
        "The worker's matching of new register persons against open inquiries and the register: "
        "lists the latest runs (status, step, counts, error), or queues a run by hand for the "
        "persons registered since a date."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            help="queue a run for the persons registered since this date (YYYY-MM-DD)",
        )
        parser.add_argument("--limit", type=int, default=10, help="runs to list (default 10)")

    def handle(self, *args, **opts):
        if opts["since"]:
            self._queue(opts["since"])
        limit = opts["limit"]
        if not 1 <= limit <= 1000:
            raise CommandError("--limit must be between 1 and 1000")
        runs = RematchRun.objects.order_by("-created_at", "-id")[:limit]
        for run in runs:
            took = f" in {run.seconds:.1f} s" if run.seconds is not None else ""
            line = (
                f"{run.created_at:%Y-%m-%d %H:%M} {run.uuid} {run.get_trigger_display()}: "
                f"{run.status}{took}; {len(run.person_ids):,} persons, "
                f"{run.inquiries:,} open inquiries, {run.queued:,} candidates and "
                f"{run.duplicates_queued:,} possible duplicates queued"
            )
            if run.progress:
                line += f" — {run.progress}"
            if run.error:
                line += f" — error: {run.error}"
            self.stdout.write(line)
        if not runs:
            self.stdout.write("no runs yet")

    def _queue(self, since: str) -> None:
        from homeward.tracing.tasks import persons_entered

        try:
            day = dt.date.fromisoformat(since)
        except ValueError:
            raise CommandError("--since must be a date, YYYY-MM-DD") from None
        start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        ids = list(
            Person.objects.filter(
                created_at__gte=start, merged_into__isnull=True, anonymised_at__isnull=True
            ).values_list("pk", flat=True)
        )
        with transaction.atomic():
            run = persons_entered(actor=None, person_ids=ids, trigger=RematchTrigger.MANUAL)
        if run is None:
            self.stdout.write(f"no person registered since {day}")
        else:
            self.stdout.write(f"queued run {run.uuid} for {len(ids):,} persons")
