"""Brings the register's prepared records (homeward.reconcile.cache) up to date ahead of a run."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Prepare the register's records for reconciliation runs (homeward.reconcile.cache), or "
        "bring the kept ones up to date, so that the next run reads and prepares only what "
        "changed after this. Run after a large import and when a worker starts."
    )

    def handle(self, *args, **opts):
        from homeward.reconcile.cache import register_table

        start = time.monotonic()
        table = register_table(lambda m: self.stdout.write(m))
        self.stdout.write(
            f"{table.num_rows:,} register records prepared and current "
            f"in {time.monotonic() - start:.1f} s"
        )
