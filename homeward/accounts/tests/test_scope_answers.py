"""Out of scope answers exactly like unknown (issue 14, item 5); the family liaison sees no person
in the register and no party's internal notes (item 13)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homeward.registry import actions
from homeward.registry.tests.factories import notified


@pytest.fixture
def stranger(world):
    """Held by RU, a national of neither party: outside the UA bureau's scope."""
    return notified(world, by=world.caseworker, detaining_party=world.ru, home_party_code="")


def shape(queries) -> list[str]:
    """The statements run, with literals blanked: what a timing attacker could tell apart."""
    return [re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in queries]


@pytest.mark.parametrize("path", ["/api/v1/persons/{}", "/api/v1/persons/{}/events"])
def test_an_out_of_scope_person_answers_exactly_like_an_unknown_one(client, world, stranger, path):
    client.force_login(world.ua_officer)
    client.get("/api/v1/persons")  # warm the session and caches alike for both requests
    with CaptureQueriesContext(connection) as out_q:
        out = client.get(path.format(stranger.uuid))
    with CaptureQueriesContext(connection) as unknown_q:
        unknown = client.get(path.format(uuid.uuid4()))
    assert out.status_code == unknown.status_code == 404
    assert out.content == unknown.content
    assert shape(out_q.captured_queries) == shape(unknown_q.captured_queries)


def test_the_person_page_answers_an_out_of_scope_person_like_an_unknown_one(
    client, world, stranger
):
    client.force_login(world.ua_officer)
    out = client.get(f"/persons/{stranger.uuid}/")
    unknown = client.get(f"/persons/{uuid.uuid4()}/")
    assert out.status_code == unknown.status_code == 404
    assert out.content == unknown.content


def test_the_family_liaison_sees_no_person_in_the_register(client, world, stranger):
    client.force_login(world.liaison)
    assert client.get("/api/v1/persons").status_code == 403
    assert client.get(f"/api/v1/persons/{stranger.uuid}").status_code == 403
    assert client.get("/persons/").status_code == 403
    assert client.get(f"/persons/{stranger.uuid}/").status_code == 403


def test_the_family_liaison_reads_no_partys_internal_notes(world, stranger):
    from homeward.accounts.access import visible_note_parties

    actions.add_note(actor=world.caseworker, person=stranger, text="NI-INTERNAL")
    assert list(visible_note_parties(world.liaison)) == []
    assert visible_note_parties(world.caseworker) is None


def test_the_liaisons_home_page_is_not_the_register(client, world):
    client.force_login(world.liaison)
    response = client.get("/")
    assert response.status_code == 302
    assert not response["Location"].startswith("/persons/")


def test_the_liaison_lands_on_a_page_that_works(client, world, stranger):
    client.force_login(world.liaison)
    assert client.get("/", follow=True).status_code == 200
    assert client.get("/dashboard/").status_code == 200
