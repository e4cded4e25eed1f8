"""Who sees which person: DESIGN §2 and issue 2's scopes, through the API and the pages."""

import pytest

from homeward.accounts.models import AccessLog
from homeward.registry import actions

from .factories import notified


@pytest.fixture
def held(world):
    """One person held by RU (a Ukrainian national), one held by UA (a national of neither party)."""
    by_ru = notified(world)
    by_ua = notified(
        world,
        by=world.ua_officer,
        family_name="Karimov",
        given_name="Alisher",
        patronymic="",
        home_party_code="",
        nationalities=["UZ"],
    )
    return by_ru, by_ua


def api_get(client, user, path):
    client.force_login(user)
    return client.get(f"/api/v1{path}")


def test_caseworker_sees_everyone(client, world, held):
    body = api_get(client, world.caseworker, "/persons").json()
    assert body["count"] == 2


def test_a_bureau_officer_sees_the_persons_its_party_holds(client, world, held):
    by_ru, by_ua = held
    uuids = {p["uuid"] for p in api_get(client, world.ru_officer, "/persons").json()["results"]}
    assert uuids == {str(by_ru.uuid)}


def test_a_bureau_officer_sees_its_own_nationals_once_notified(client, world, held):
    by_ru, _ = held
    # by_ru is a UA national and was notified by RU: the UA bureau receives it.
    uuids = {p["uuid"] for p in api_get(client, world.ua_officer, "/persons").json()["results"]}
    assert str(by_ru.uuid) in uuids


def test_a_bureau_officer_asking_for_a_person_outside_its_scope_gets_not_found(client, world):
    stranger = notified(world, by=world.caseworker, detaining_party=world.ru, home_party_code="")
    response = api_get(client, world.ua_officer, f"/persons/{stranger.uuid}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not AccessLog.objects.filter(object_uuid=stranger.uuid).exists()


@pytest.mark.parametrize("who", ["analyst", "auditor", "admin"])
def test_roles_without_personal_data_see_no_person(client, world, held, who):
    response = api_get(client, getattr(world, who), "/persons")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "no_personal_data"
    assert client.get(f"/persons/{held[0].uuid}/").status_code == 403


def test_every_view_of_a_record_is_logged(client, world, held):
    by_ru, _ = held
    api_get(client, world.caseworker, f"/persons/{by_ru.uuid}")
    client.get(f"/persons/{by_ru.uuid}/")
    kinds = list(
        AccessLog.objects.filter(object_uuid=by_ru.uuid, user=world.caseworker).values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == ["api", "view"]


def test_the_other_partys_internal_notes_stay_hidden(client, world, held):
    by_ru, _ = held
    actions.add_note(actor=world.ru_officer, person=by_ru, text="RU-INTERNAL transfer planned")
    client.force_login(world.ua_officer)
    assert "RU-INTERNAL" not in client.get(f"/persons/{by_ru.uuid}/").content.decode()
    client.force_login(world.caseworker)
    assert "RU-INTERNAL" in client.get(f"/persons/{by_ru.uuid}/").content.decode()
    client.force_login(world.ru_officer)
    assert "RU-INTERNAL" in client.get(f"/persons/{by_ru.uuid}/").content.decode()


def test_who_viewed_is_shown_to_caseworkers_not_to_officers(client, world, held):
    by_ru, _ = held
    client.force_login(world.caseworker)
    assert "Who viewed this record" in client.get(f"/persons/{by_ru.uuid}/").content.decode()
    client.force_login(world.ru_officer)
    assert "Who viewed this record" not in client.get(f"/persons/{by_ru.uuid}/").content.decode()


def test_a_mediator_sees_no_person_outside_the_negotiations_it_mediates(client, world, held):
    client.force_login(world.mediator)
    assert client.get("/api/v1/persons").json()["count"] == 0
    assert client.get("/persons/").status_code == 200
    assert client.get(f"/persons/{held[0].uuid}/").status_code == 404
