"""The dashboard's figures through the pages: who sees what, and the differencing attacks."""

import csv
import io

from homeward.lib.dates import PartialDate
from homeward.registry import actions
from homeward.registry.models import Nationality, StatusKind
from homeward.registry.tests.factories import notified
from homeward.stats.models import Snapshot


def _held(world, n, *, by=None, prefix="Коваль"):
    return [notified(world, by=by, family_name=f"{prefix}{i}") for i in range(n)]


def _csv(client, name, query=""):
    response = client.get(f"/dashboard/{name}.csv?{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def _cell(rows, row, col):
    header = rows[0]
    return next(r for r in rows if r[0] == row)[header.index(col)]


def test_an_analyst_cannot_recover_a_small_cell_from_its_row_and_column_totals(client, world):
    _held(world, 12)  # held by RU
    _held(world, 9, by=world.ua_officer, prefix="Иванов")  # held by UA
    died = _held(world, 2, prefix="Мельник")
    source = actions.create_source(actor=world.caseworker, kind="visit", title="Visit report")
    for person in died:
        actions.record_status_event(
            actor=world.caseworker,
            person=person,
            kind=StatusKind.DIED,
            date=PartialDate(2025, 3, 1),
            source=source,
        )
    client.force_login(world.analyst)
    rows = _csv(client, "status")
    assert _cell(rows, "died", "RU") == "<5"
    # Row total, column total, and the other cells of each: none of the subtractions is possible.
    row = next(r for r in rows if r[0] == "died")
    assert row.count("<5") >= 2
    col = [r[rows[0].index("RU")] for r in rows[1:]]
    assert col.count("<5") >= 2
    client.force_login(world.caseworker)
    assert _cell(_csv(client, "status"), "died", "RU") == "2"


def test_two_overlapping_filters_do_not_give_a_small_cell_away(client, world):
    _held(world, 12)
    foreign = _held(world, 3, prefix="Smith")
    for person in foreign:
        Nationality.objects.create(person=person, country="GB")
    client.force_login(world.analyst)
    everyone = _cell(_csv(client, "status", "party=RU"), "notified", "RU")
    soldiers = _cell(_csv(client, "status", "party=RU&category=soldier"), "notified", "RU")
    civilians = _cell(_csv(client, "status", "party=RU&category=civilian"), "notified", "RU")
    foreigners = _cell(_csv(client, "status", "party=RU&category=foreign"), "notified", "RU")
    assert foreigners == "<5"
    assert "<5" in (everyone, soldiers, civilians)


def test_yesterdays_and_todays_figures_are_the_same_snapshot(client, world, settings):
    _held(world, 12)
    client.force_login(world.analyst)
    before = client.get("/dashboard/status.csv").content
    # A death recorded today, and one backdated into the published month: neither shows in the
    # figures already published, so comparing the two readings reveals nothing.
    source = actions.create_source(actor=world.caseworker, kind="visit", title="Visit report")
    person = notified(world, family_name="Шевченко")
    actions.record_status_event(
        actor=world.caseworker,
        person=person,
        kind=StatusKind.DIED,
        date=PartialDate(2025, 2, 1),
        source=source,
    )
    after = client.get("/dashboard/status.csv").content
    assert before == after
    assert Snapshot.objects.count() == 1


def test_the_dashboard_keeps_its_filters_in_the_links(client, world):
    _held(world, 6)
    client.force_login(world.analyst)
    page = client.get("/dashboard/?party=RU&category=soldier&year=2025").content.decode()
    assert "party=RU&amp;category=soldier&amp;year=2025" in page
    assert 'value="RU" selected' in page
    svg = client.get("/dashboard/flows.svg?party=RU&year=2025")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg")


def test_unknown_filters_and_charts_are_harmless(client, world):
    client.force_login(world.analyst)
    assert client.get("/dashboard/?party=%00&category=x&year=99999").status_code == 200
    assert client.get("/dashboard/nope.csv").status_code == 404
    assert client.get("/dashboard/status.png").status_code == 404


def test_the_charts_speak_ukrainian_and_russian(client, world):
    _held(world, 6)
    client.force_login(world.analyst)
    uk = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Час у полоні" in uk and "Завантажити SVG" in uk
    ru = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Время в плену" in ru


def test_a_caseworkers_figures_follow_every_write(client, world):
    _held(world, 6)
    client.force_login(world.caseworker)
    assert _cell(_csv(client, "status"), "notified", "RU") == "6"
    notified(world, family_name="Гончаренко")
    assert _cell(_csv(client, "status"), "notified", "RU") == "7"
    assert _cell(_csv(client, "status"), "notified", "RU") == "7"


def test_the_exchange_timeline_counts_each_side_and_the_wounded_outside_the_count(client, world):
    # Rows written directly: the negotiation workflow is the exchanges app's own test subject.
    import datetime as dt

    from homeward.exchanges.models import Exchange, Handover, Negotiation

    negotiation = Negotiation.objects.create(
        title="Round 1", party_a=world.ua, party_b=world.ru, created_by=world.mediator
    )
    exchange = Exchange.objects.create(
        negotiation=negotiation,
        date=dt.date(2025, 6, 1),
        place="Border",
        transit_country="BY",
        state="completed",
        created_by=world.mediator,
    )
    for person in _held(world, 8, prefix="Р"):
        Handover.objects.create(
            exchange=exchange,
            person=person,
            from_party=world.ru,
            outcome="handed_over",
            recorded_by=world.caseworker,
        )
    wounded = _held(world, 8, by=world.ua_officer, prefix="У")
    for i, person in enumerate(wounded):
        person.wounded = i < 2
        person.save(update_fields=["wounded"])
        Handover.objects.create(
            exchange=exchange,
            person=person,
            from_party=world.ua,
            outcome="handed_over",
            recorded_by=world.caseworker,
        )
    client.force_login(world.caseworker)
    rows = _csv(client, "exchanges")
    assert rows[0] == ["", "RU", "UA", "total"]
    assert rows[1] == ["2025-06-01 BY", "8", "8", "16"]
    assert _cell(_csv(client, "exchanges_wounded"), "2025-06-01 BY", "UA") == "2"
    client.force_login(world.analyst)
    assert _cell(_csv(client, "exchanges"), "2025-06-01 BY", "UA") == "8"
    assert _cell(_csv(client, "exchanges_wounded"), "2025-06-01 BY", "UA") == "<5"
