"""Small builders for tracing tests. Every name here is synthetic."""

from __future__ import annotations

from homeward.tracing.models import Inquiry


def bare_inquiry(world, **fields) -> Inquiry:
    """An inquiry row written directly (for tests of what comes after filing)."""
    values = {
        "family_name": "Петренко",
        "given_name": "Олександр",
        "requester_name": "Петренко Марія",
        "created_by": world.liaison,
        **fields,
    }
    return Inquiry.objects.create(**values)
