"""Builds the tracing desk's register search index ahead of the first search."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Build the search index the inquiry form searches (homeward.tracing.search), so that no "
        "web request waits for it. Run after a large import and when a server starts."
    )

    def handle(self, *args, **opts):
        from homeward.tracing.search import register_index

        start = time.monotonic()
        index = register_index()
        if index is None:
            self.stdout.write("The register is empty: nothing to index.")
            return
        self.stdout.write(
            f"Indexed {index.size:,} spellings in {time.monotonic() - start:.1f} s: {index.path}"
        )
