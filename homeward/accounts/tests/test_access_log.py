"""Every read of personal data is accountable, lists included (issue 14, item 2)."""

from __future__ import annotations

import pytest

from homeward.accounts.access import record_list_access, who_saw
from homeward.accounts.models import AccessedRecord, AccessKind, AccessLog
from homeward.registry import actions
from homeward.registry.tests.factories import notified


@pytest.fixture
def three(world):
    return [
        notified(world, family_name=name, given_name="Іван", birth_date=f"199{i}-01-01")
        for i, name in enumerate(["Бойко", "Мельник", "Шевчук"])
    ]


def listed_to(user) -> set[str]:
    return {
        str(u)
        for u in AccessedRecord.objects.filter(log__user=user).values_list("object_uuid", flat=True)
    }


def test_paging_through_the_api_leaves_a_trace_of_every_person_returned(client, world, three):
    client.force_login(world.ru_officer)
    seen = set()
    for offset in range(3):
        body = client.get(f"/api/v1/persons?limit=1&offset={offset}").json()
        seen |= {p["uuid"] for p in body["results"]}
    assert len(seen) == 3
    assert listed_to(world.ru_officer) == seen
    logs = AccessLog.objects.filter(user=world.ru_officer, kind=AccessKind.API)
    assert logs.count() == 3
    assert all(log.count == 1 for log in logs)


def test_the_persons_page_logs_the_rows_it_showed(client, world, three):
    client.force_login(world.caseworker)
    assert client.get("/persons/").status_code == 200
    assert listed_to(world.caseworker) == {str(p.uuid) for p in three}
    log = AccessLog.objects.get(user=world.caseworker)
    assert (log.kind, log.object_type, log.count) == (AccessKind.LIST, "person", 3)


def test_the_persons_page_logs_only_the_filtered_rows(client, world, three):
    client.force_login(world.caseworker)
    client.get("/persons/", {"q": "Мельник"})
    assert listed_to(world.caseworker) == {str(three[1].uuid)}


def test_an_htmx_page_of_rows_is_logged_too(client, world, three):
    client.force_login(world.caseworker)
    client.get("/persons/", headers={"HX-Request": "true"})
    assert listed_to(world.caseworker) == {str(p.uuid) for p in three}


def test_an_empty_list_logs_nothing(client, world, three):
    client.force_login(world.caseworker)
    client.get("/persons/", {"q": "Nobody"})
    assert not AccessLog.objects.filter(user=world.caseworker).exists()


def test_a_source_page_logs_the_names_it_lists(client, world, three):
    source = three[0].status_events.first().source
    client.force_login(world.caseworker)
    assert client.get(f"/sources/{source.uuid}/").status_code == 200
    assert str(three[0].uuid) in listed_to(world.caseworker)
    log = AccessLog.objects.get(user=world.caseworker)
    assert log.detail == {"within": f"source:{source.uuid}"}


def test_who_saw_a_person_includes_list_reads_and_single_views(client, world, three):
    person = three[0]
    client.force_login(world.ua_officer)
    client.get("/api/v1/persons")
    client.force_login(world.caseworker)
    client.get(f"/persons/{person.uuid}/")
    readers = [(log.user.username, log.kind) for log in who_saw(person.uuid)]
    assert ("ua_officer", AccessKind.API) in readers
    assert ("caseworker", AccessKind.VIEW) in readers
    # A person the officer's list did not contain is not attributed to the officer.
    other = notified(world, by=world.ua_officer, family_name="Karimov", home_party_code="")
    assert not who_saw(other.uuid).exists()


def test_the_person_page_names_list_readers_in_who_viewed(client, world, three):
    client.force_login(world.ru_officer)
    client.get("/persons/")
    client.force_login(world.caseworker)
    page = client.get(f"/persons/{three[0].uuid}/").content.decode()
    assert "ru_officer" in page


def test_record_list_access_counts_each_record_once(world, three):
    log = record_list_access(
        world.caseworker, object_type="person", uuids=[three[0].uuid, str(three[0].uuid)]
    )
    assert log is not None and log.count == 1
    assert log.records.count() == 1


def test_notes_add_no_list_read(world, three):
    # Writes are not reads: only reads land in the access log.
    actions.add_note(actor=world.caseworker, person=three[0], text="x")
    assert not AccessLog.objects.exists()


def test_the_auditor_reads_who_saw_a_person_through_the_api_without_names(client, world, three):
    client.force_login(world.ru_officer)
    client.get("/persons/")
    client.force_login(world.auditor)
    body = client.get(f"/api/v1/access-log?person={three[0].uuid}").json()
    assert body["count"] == 1
    assert body["results"][0]["user"] == "ru_officer"
    assert body["results"][0]["kind"] == AccessKind.LIST
    assert "Бойко" not in str(body)
    client.force_login(world.ua_officer)
    assert client.get(f"/api/v1/access-log?person={three[0].uuid}").status_code == 403


def test_a_list_reads_records_belong_to_its_log_entry(world, three):
    log = record_list_access(world.caseworker, object_type="person", uuids=[three[0].uuid])
    assert log is not None
    AccessLog.objects.filter(pk=log.pk).delete()
    assert not AccessedRecord.objects.exists()
