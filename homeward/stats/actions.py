"""Writes of the stats app: publishing the public figures."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction

from homeward.accounts.access import require_role
from homeward.accounts.models import Role, User
from homeward.ledger.actions import append

from .charts import CHARTS, build, to_csv
from .models import Release
from .selectors import SMALL_COUNT, safe_figures


def figures_csv(*, year: int | None = None) -> tuple[str, dt.date, int]:
    """The public figures as one CSV: every chart of the safe (suppressed, frozen) figures,
    each as a block headed by its name. Same input, same bytes."""
    as_of, year, cubes = safe_figures(year=year)
    blocks = [f"# Homeward figures as of {as_of.isoformat()}; flows for {year}\n"]
    for name, spec in CHARTS.items():
        blocks.append(f"# {name}\n")
        blocks.append(to_csv(build(cubes[spec["cube"]], name), SMALL_COUNT))
    return "".join(blocks), as_of, year


def publish_figures(*, actor: User, year: int | None = None) -> Release:
    """Freezes the public figures as a release whose bytes' SHA-256 enters the ledger, so that
    anyone holding the CSV can later prove it is what Homeward published on that date."""
    require_role(actor, Role.ANALYST, Role.CASEWORKER, Role.ADMIN)
    with transaction.atomic():
        text, as_of, year = figures_csv(year=year)
        digest = hashlib.sha256(text.encode()).hexdigest()
        release = Release.objects.create(
            as_of=as_of, year=year, csv=text, sha256=digest, created_by=actor
        )
        append(
            actor=actor,
            action="stats.figures_published",
            object_type="figures_release",
            object_id=release.uuid,
            data={
                "sha256": digest,
                "as_of": as_of.isoformat(),
                "year": year,
                "bytes": len(text.encode()),
            },
        )
    return release
