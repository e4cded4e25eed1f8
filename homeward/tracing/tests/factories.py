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


def russian_listed(world, **extra):
    """A person registered as a Russian-spelled list writes him (notified by the RU bureau)."""
    from homeward.registry.tests.factories import notified

    fields = {
        "family_name": "Олейник",
        "given_name": "Александр",
        "patronymic": "Иванович",
        "birth_date": "1994-03-12",
        **extra,
    }
    return notified(world, **fields)


UKRAINIAN_INQUIRY = {
    "family_name": "Олійник",
    "given_name": "Олександр",
    "patronymic": "Іванович",
    "birth_date": "1994",
    "requester_name": "Олійник Ганна",
    "requester_relation": "мати",
    "language": "uk",
    "consent_parties": ["UA"],
}
