"""A bureau officer writes only in its own party's name and only on persons its party holds
(issue 14, item 8)."""

import pytest

from homeward.ledger.models import Entry
from homeward.lib.errors import Forbidden, ValidationFailed
from homeward.registry import actions
from homeward.registry.models import Source, StatusEvent, StatusKind

from .factories import notified


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_an_officer_cannot_create_a_source_for_the_other_party(client, world):
    client.force_login(world.ua_officer)
    r = post(
        client,
        "/api/v1/sources",
        {"kind": "list", "title": "x", "party": "RU", "reliability": "A", "credibility": "1"},
    )
    assert r.status_code == 403, r.content
    assert r.json()["error"]["detail"]["fields"]["party"] == "must be your own party"
    assert not Source.objects.exists()
    client.force_login(world.ru_officer)
    assert client.get("/api/v1/sources").json() == []
    # Its own party's source it may create, and with no party named it is its own.
    client.force_login(world.ua_officer)
    r = post(
        client,
        "/api/v1/sources",
        {"kind": "list", "title": "x", "reliability": "A", "credibility": "1"},
    )
    assert r.status_code == 201 and Source.objects.get().party == world.ua


def test_a_caseworker_may_record_a_source_of_any_party(world):
    source = actions.create_source(actor=world.caseworker, kind="list", title="x", party=world.ru)
    assert source.party == world.ru


@pytest.fixture
def held_by_ua(world):
    return notified(world, by=world.ua_officer, family_name="Иванов", home_party_code="RU")


def ru_source(world):
    return actions.create_source(actor=world.ru_officer, kind="list", title="RU", party=world.ru)


def test_an_officer_cannot_cite_the_other_partys_source(client, world, held_by_ua):
    source = ru_source(world)
    client.force_login(world.ua_officer)
    r = post(
        client,
        f"/api/v1/persons/{held_by_ua.uuid}/events",
        {"kind": "visited", "date": "2025-02-01", "source": str(source.uuid)},
    )
    assert r.status_code == 422
    assert r.json()["error"]["detail"]["fields"]["source"] == "no such source"
    assert not StatusEvent.objects.filter(kind="visited").exists()


def test_an_officer_cannot_put_the_other_partys_name_on_an_event(client, world, held_by_ua):
    own = actions.create_source(actor=world.ua_officer, kind="list", title="UA", party=world.ua)
    client.force_login(world.ua_officer)
    r = post(
        client,
        f"/api/v1/persons/{held_by_ua.uuid}/events",
        {"kind": "visited", "date": "2025-02-01", "source": str(own.uuid), "party": "RU"},
    )
    assert r.status_code == 422
    assert "own party" in r.json()["error"]["detail"]["fields"]["party"]
    r = post(
        client,
        f"/api/v1/persons/{held_by_ua.uuid}/events",
        {"kind": "visited", "date": "2025-02-01", "source": str(own.uuid), "party": "UA"},
    )
    assert r.status_code == 201


def test_write_rights_end_when_the_party_no_longer_holds_the_person(world, held_by_ua):
    own = actions.create_source(actor=world.ua_officer, kind="list", title="UA", party=world.ua)
    assert actions.holds(world.ua.pk, held_by_ua)
    # The intermediary records the release: the person left UA's hands.
    actions.record_status_event(
        actor=world.caseworker,
        person=held_by_ua,
        kind=StatusKind.RELEASED,
        date="2025-03-01",
        source=own,
    )
    assert not actions.holds(world.ua.pk, held_by_ua)
    before = Entry.objects.count()
    with pytest.raises(Forbidden):
        actions.record_status_event(
            actor=world.ua_officer,
            person=held_by_ua,
            kind=StatusKind.VISITED,
            date="2025-03-02",
            source=own,
        )
    with pytest.raises(Forbidden):
        actions.add_name(
            actor=world.ua_officer,
            person=held_by_ua,
            family_name="Іванов",
            given_name="",
            patronymic="",
        )
    assert Entry.objects.count() == before


def test_a_transfer_moves_the_write_rights_to_the_new_holder(world, held_by_ua):
    from homeward.accounts.models import Party, PartyKind

    third = Party.objects.create(code="PL", name="Third State", kind=PartyKind.STATE)
    src = actions.create_source(actor=world.caseworker, kind="list", title="t", party=world.ua)
    actions.record_status_event(
        actor=world.caseworker,
        person=held_by_ua,
        kind=StatusKind.TRANSFERRED,
        date="2025-03-01",
        source=src,
        party=third,
    )
    assert not actions.holds(world.ua.pk, held_by_ua) and actions.holds(third.pk, held_by_ua)
    with pytest.raises((Forbidden, ValidationFailed)):
        actions.record_status_event(
            actor=world.ua_officer,
            person=held_by_ua,
            kind=StatusKind.VISITED,
            date="2025-03-02",
            source=src,
        )
