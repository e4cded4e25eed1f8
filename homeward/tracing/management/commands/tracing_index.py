"""Builds the tracing desk's register search index ahead of the first search."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Bring the search index the inquiry form searches (homeward.tracing.search) up to date "
        "with the register, so that no web request waits for it: opens the index file and adds "
        "the persons registered since, or builds it when there is none (or after a merge). Run "
        "after a large import and when a server starts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="build the index afresh (refreshes the model's term frequencies)",
        )

    def handle(self, *args, **opts):
        from homeward.tracing.search import register_index

        start = time.monotonic()
        index = register_index(complete=True, rebuild=opts["rebuild"])
        if index is None:
            self.stdout.write("The register is empty: nothing to index.")
            return
        self.stdout.write(
            f"Indexed {index.size:,} spellings in {time.monotonic() - start:.1f} s: {index.path}"
        )
