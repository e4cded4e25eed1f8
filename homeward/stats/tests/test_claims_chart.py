"""Figures claimed in public reports beside the register's counts, on the dashboard: for those who
read claims (analysts, mediators), small counts suppressed as the claims pages show them; nobody
else gets the chart."""

import datetime as dt

import pytest

from homeward.claims import actions
from homeward.claims.models import Claim
from homeward.lib.dates import PartialDate
from homeward.registry.models import Person, Source, SourceKind, StatusEvent, StatusKind

from .test_dashboard_figures import _csv

TEXT = (
    "Over 1,000 former soldiers joined four units, sources in Russian security structures said.\n"
    "At least 62 prisoners joined the units, according to the Coordination Headquarters."
)


def _claims(world, joined=3):
    report = actions.add_report(actor=world.analyst, text=TEXT, outlet="Test Wire", language="en")
    for claim in report.claims.all():
        actions.confirm_claim(actor=world.analyst, claim=claim)
    Claim.objects.filter(report=report).update(refers_to=dt.date(2025, 6, 1))
    src = Source.objects.create(kind=SourceKind.INTERVIEW, title="i", created_by=world.caseworker)
    for k in range(joined):
        person = Person.objects.create(family_name=f"Synthetic{k}", created_by=world.caseworker)
        StatusEvent.objects.create(
            person=person,
            kind=StatusKind.JOINED_FORCES,
            date=PartialDate.parse("2024-01-01"),
            source=src,
            recorded_by=world.caseworker,
        )


def _rows(client, query="from=2025-01&to=2025-12"):
    rows = _csv(client, "claims", query)
    assert rows[0] == ["", "claimed", "register"]  # no total: the two do not add up
    return rows[1:]


def test_a_mediator_sees_each_claim_beside_the_registers_count(client, world):
    _claims(world, joined=6)
    client.force_login(world.mediator)
    rows = _rows(client, "year=2025")
    assert sorted((r[1], r[2]) for r in rows) == [("1001", "6"), ("62", "6")]
    assert all(r[0].startswith("2025-06-01 ") and "Test Wire" in r[0] for r in rows)
    # A period ending before the claims' date shows none of them; a later one still does.
    assert _rows(client, "year=2024") == []


def test_an_analyst_sees_the_small_register_count_suppressed(client, world):
    _claims(world)
    client.force_login(world.analyst)
    assert sorted((r[1], r[2]) for r in _rows(client, "year=2025")) == [
        ("1001", "<5"),
        ("62", "<5"),
    ]


def test_the_chart_follows_a_claim_confirmed_after_a_first_read(client, world):
    report = actions.add_report(actor=world.analyst, text=TEXT, outlet="Test Wire", language="en")
    Claim.objects.filter(report=report).update(refers_to=dt.date(2025, 6, 1))
    first, second = report.claims.order_by("id")
    actions.confirm_claim(actor=world.analyst, claim=first)
    client.force_login(world.analyst)
    assert [r[1] for r in _rows(client, "year=2025")] == ["1001"]
    actions.confirm_claim(actor=world.analyst, claim=second)
    assert sorted(r[1] for r in _rows(client, "year=2025")) == ["1001", "62"]


@pytest.mark.parametrize("role", ["ru_officer", "caseworker", "liaison", "auditor"])
def test_other_roles_do_not_get_the_claims_chart(client, world, role):
    _claims(world)
    client.force_login(world.users()[role])
    assert client.get("/dashboard/claims.csv").status_code == 404
    assert 'id="chart-claims"' not in client.get("/dashboard/").content.decode()
