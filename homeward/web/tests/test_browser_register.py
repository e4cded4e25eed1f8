"""The register in a real browser (headless Chromium): log in, search in Cyrillic and in Latin,
open a person, record a status event."""

import pytest

from homeward.conftest import login
from homeward.registry import actions
from homeward.registry.tests.factories import notified
from homeward.web.tests.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(world):
    person = notified(world, family_name="Петренко", given_name="Олександр", patronymic="Іванович")
    notified(world, family_name="Шевченко", given_name="Тарас", patronymic="Григорович")
    source = actions.create_source(
        actor=world.caseworker,
        kind="visit",
        title="Visit to camp 3, May",
        reliability="A",
        credibility="1",
    )
    return person, source


def test_a_caseworker_searches_in_both_scripts_and_records_an_event(
    page, live_server, world, register
):
    person, source = register
    login(page, live_server, "caseworker")
    page.goto(f"{live_server.url}/persons/")
    page.fill("#q", "Петренко")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("table.persons >> text=Петренко Олександр Іванович")
    # the unfiltered list shows both rows: wait for the search's answer to replace it
    page.wait_for_selector("table.persons >> text=Шевченко", state="detached")
    assert "Шевченко" not in page.inner_text("table.persons")

    page.fill("#q", "Petrenko")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("table.persons >> text=Петренко Олександр Іванович")
    # the unfiltered list shows both rows: wait for the search's answer to replace it
    page.wait_for_selector("table.persons >> text=Шевченко", state="detached")
    assert "Шевченко" not in page.inner_text("table.persons")

    assert_accessible(page)
    page.click("text=Петренко Олександр Іванович")
    page.wait_for_selector("h1:has-text('Петренко Олександр Іванович')")
    assert_accessible(page)
    page.select_option("#event-form select[name=kind]", "visited")
    page.fill("#event-form input[name=date]", "2025-05-20")
    page.select_option("#event-form select[name=source]", str(source.uuid))
    page.fill("#event-form input[name=place]", "Camp 3")
    page.click("#event-form button[type=submit]")
    page.wait_for_selector("text=Status event recorded.")
    assert "Visited, Camp 3" in page.inner_text(".timeline")
    assert person.status_events.filter(kind="visited").exists()


def test_a_bad_event_date_is_shown_on_its_field_and_nothing_is_recorded(
    page, live_server, world, register
):
    person, source = register
    login(page, live_server, "caseworker")
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.select_option("#event-form select[name=kind]", "visited")
    page.fill("#event-form input[name=date]", "2025-02-30")
    page.select_option("#event-form select[name=source]", str(source.uuid))
    page.click("#event-form button[type=submit]")
    page.wait_for_selector("#event-form .errorlist")
    assert "has no day 30" in page.inner_text("#event-form")
    assert not person.status_events.filter(kind="visited").exists()


def test_an_analyst_sees_the_dashboard_and_no_person(page, live_server, world, register):
    login(page, live_server, "analyst")
    assert page.url.endswith("/dashboard/")
    assert "Persons" not in page.inner_text("header nav")
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/persons/")
    assert response.status == 403
