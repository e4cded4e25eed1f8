"""Who sees what on the tracing desk (issue 16 item 6), in the style of the register's scope tests."""

from __future__ import annotations

import pytest

from homeward.accounts.models import AccessLog
from homeward.tracing import actions
from homeward.tracing.models import Candidate

from .factories import UKRAINIAN_INQUIRY, russian_listed


@pytest.fixture
def linked(world):
    """An inquiry (the family consents to share with UA) linked to a UA national held by RU."""
    person = russian_listed(world, home_party_code="UA")
    inquiry = actions.file_inquiry(actor=world.liaison, fields=UKRAINIAN_INQUIRY)
    c = Candidate.objects.get(inquiry=inquiry, person=person)
    actions.decide(actor=world.caseworker, candidate_uuid=c.uuid, verdict="same")
    return inquiry, person, c


def api_get(client, user, path):
    client.force_login(user)
    return client.get(f"/api/v1{path}")


@pytest.mark.parametrize("who", ["caseworker", "liaison"])
def test_the_tracing_desk_sees_every_inquiry(client, world, linked, who):
    assert api_get(client, getattr(world, who), "/inquiries").json()["count"] == 1


def test_a_bureau_officer_sees_an_inquiry_about_its_national_once_linked_and_consented(
    client, world, linked
):
    inquiry, _, _ = linked
    body = api_get(client, world.ua_officer, "/inquiries").json()
    assert [r["uuid"] for r in body["results"]] == [str(inquiry.uuid)]
    assert api_get(client, world.ua_officer, f"/inquiries/{inquiry.uuid}").status_code == 200


def test_a_bureau_officer_does_not_see_an_inquiry_the_family_did_not_share(client, world, linked):
    inquiry, _, _ = linked
    inquiry.consent_parties = []
    inquiry.save()
    assert api_get(client, world.ua_officer, "/inquiries").json()["count"] == 0
    response = api_get(client, world.ua_officer, f"/inquiries/{inquiry.uuid}")
    assert response.status_code == 404


def test_a_bureau_officer_of_another_party_sees_nothing_and_unlinked_inquiries_stay_hidden(
    client, world, linked
):
    inquiry, _, _ = linked
    assert api_get(client, world.ru_officer, "/inquiries").json()["count"] == 0
    assert api_get(client, world.ru_officer, f"/inquiries/{inquiry.uuid}").status_code == 404
    unlinked = actions.file_inquiry(actor=world.liaison, fields=UKRAINIAN_INQUIRY, search=False)
    assert api_get(client, world.ua_officer, f"/inquiries/{unlinked.uuid}").status_code == 404


def test_an_unknown_inquiry_answers_as_one_out_of_scope(client, world, linked):
    inquiry, _, _ = linked
    a = api_get(client, world.ru_officer, f"/inquiries/{inquiry.uuid}").json()
    b = api_get(client, world.ru_officer, "/inquiries/00000000-0000-0000-0000-000000000000").json()
    assert a == b


@pytest.mark.parametrize("who", ["analyst", "auditor", "admin", "mediator"])
def test_roles_without_inquiries_see_none(client, world, linked, who):
    response = api_get(client, getattr(world, who), "/inquiries")
    assert response.status_code == 403


def test_an_analyst_sees_counts_only_with_small_counts_suppressed(client, world, linked):
    client.force_login(world.analyst)
    page = client.get("/tracing/").content.decode()
    assert "fewer than 5" in page
    assert "Олійник" not in page and "Олейник" not in page


def test_a_liaison_sees_of_a_candidate_only_what_the_comparison_needs(client, world, linked):
    inquiry, person, _ = linked
    cands = api_get(client, world.liaison, f"/inquiries/{inquiry.uuid}/candidates").json()
    shown = cands[0]["person"]
    assert shown["uuid"] == str(person.uuid)
    assert not {"status", "detaining_party", "rank", "unit"} & set(shown)
    full = api_get(client, world.caseworker, f"/inquiries/{inquiry.uuid}/candidates").json()
    assert {"status", "detaining_party"} <= set(full[0]["person"])


def test_a_liaison_does_not_review_and_does_not_see_register_duplicates(client, world, linked):
    from homeward.registry.tests.factories import notified
    from homeward.tracing.actions import CandidatePair, queue_candidates

    _, person, c = linked
    twin = notified(world, family_name="Олейник", given_name="Александр", birth_date="1994")
    queue_candidates(pairs=[CandidatePair(None, person.pk, twin.pk, 0.9, {}, "f")], origin="dedupe")
    dup = Candidate.objects.get(kind="person_person")
    client.force_login(world.liaison)
    assert client.get("/tracing/queue/").status_code == 403
    assert client.get(f"/tracing/candidates/{c.uuid}/").status_code == 200
    assert client.get(f"/tracing/candidates/{dup.uuid}/").status_code == 404
    page = client.get(f"/tracing/candidates/{c.uuid}/").content.decode()
    assert f"/tracing/candidates/{c.uuid}/decide/" not in page


def test_every_view_of_a_candidates_personal_data_is_logged(client, world, linked):
    inquiry, person, _ = linked
    AccessLog.objects.all().delete()
    api_get(client, world.liaison, f"/inquiries/{inquiry.uuid}/candidates")
    rows = list(AccessLog.objects.filter(user=world.liaison))
    assert any(r.object_type == "inquiry" and r.object_uuid == inquiry.uuid for r in rows)
    assert any(
        r.object_type == "person" and r.records.filter(object_uuid=person.uuid).exists()
        for r in rows
    )
    AccessLog.objects.all().delete()
    client.get(f"/tracing/{inquiry.uuid}/")
    assert AccessLog.objects.filter(user=world.liaison, object_type="person").exists()


def test_a_bureau_officer_sees_no_candidates(client, world, linked):
    inquiry, _, _ = linked
    response = api_get(client, world.ua_officer, f"/inquiries/{inquiry.uuid}/candidates")
    assert response.status_code == 403
