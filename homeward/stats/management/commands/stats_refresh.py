"""Derives the dashboard's per-person facts (homeward/stats/facts.py) for the whole register.

    homeward stats_refresh [--only-queued]

The backfill after upgrading an existing database (the migration queues it; this runs it now
instead of on the next dashboard read), or after restoring a dump made without triggers.
"""

import time

from django.core.management.base import BaseCommand

from homeward.stats.facts import install_triggers, refresh
from homeward.stats.models import DirtyPerson, EventFact, PersonFact


class Command(BaseCommand):
    help = "Re-derive the dashboard's per-person facts from the register."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only-queued", action="store_true", help="only the persons queued by the triggers"
        )

    def handle(self, *args, **options):
        install_triggers()
        if not options["only_queued"]:
            DirtyPerson.objects.create(person_id=None)
        started = time.perf_counter()
        done = refresh()
        self.stdout.write(
            f"re-derived {'everyone' if done < 0 else done}: {PersonFact.objects.count()} persons, "
            f"{EventFact.objects.count()} counted events in {time.perf_counter() - started:.1f} s"
        )
