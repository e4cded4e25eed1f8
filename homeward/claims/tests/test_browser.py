"""In a real browser: an analyst pastes a report, confirms two proposed claims and sees them
beside the register's figures, with conflicting claims side by side."""

import pytest

from homeward.conftest import login
from homeward.lib.dates import PartialDate
from homeward.registry.models import Person, Source, SourceKind, StatusEvent, StatusKind
from homeward.web.tests.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT = (
    "Over 1,000 former prisoners joined four units, sources in Russian security structures said.\n"
    "At least 62 prisoners joined the units, according to the Coordination Headquarters."
)


def test_an_analyst_pastes_a_report_and_confirms_two_claims(page, live_server, world):
    source = Source.objects.create(
        kind=SourceKind.INTERVIEW,
        title="i",
        reliability="B",
        credibility="2",
        created_by=world.caseworker,
    )
    for k in range(6):  # synthetic persons recorded as having joined
        person = Person.objects.create(family_name=f"Synthetic{k}", created_by=world.caseworker)
        StatusEvent.objects.create(
            person=person,
            kind=StatusKind.JOINED_FORCES,
            date=PartialDate.parse("2024-05-01"),
            source=source,
            recorded_by=world.caseworker,
        )
    login(page, live_server, "analyst")
    page.goto(f"{live_server.url}/claims/reports/")
    assert_accessible(page)
    page.fill("#id_outlet", "Test Wire")
    page.fill("#id_published_on", "2024-06-01")
    page.fill("#id_text", REPORT)
    page.click("#add-report button[type=submit]")
    page.wait_for_selector("h1 >> text=Over 1,000")
    assert_accessible(page)
    cards = page.locator("section.claim[data-status=proposed]")
    assert cards.count() == 2
    # Confirm the first as proposed; the second after correcting its claimant.
    cards.nth(0).locator("button[value=confirm]").click()
    page.wait_for_selector("section.claim[data-status=confirmed]")
    card = page.locator("section.claim[data-status=proposed]").first
    card.locator("input[name=claimant]").fill("Coordination Headquarters")
    card.locator("button[value=confirm]").click()
    page.wait_for_function(
        "() => document.querySelectorAll('section.claim[data-status=confirmed]').length === 2"
    )
    gaps = page.locator("section.claim .gap").all_inner_texts()
    assert any("≥ 1,001" in g and "register: 6 persons" in g for g in gaps), gaps
    page.click("text=Claims beside the register")
    page.wait_for_selector("h1 >> text=Claims beside the register")
    assert_accessible(page)
    body = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "conflicting claims" in body
    assert "≥ 1,001" in body and "≥ 62" in body
    assert "6 sourced, of them 6 graded B2 or better" in body
    assert "Synthetic" not in body
