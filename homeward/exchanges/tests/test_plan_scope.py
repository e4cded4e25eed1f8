"""The planner's answer shows each user only the persons of the pools they may see (issue 14,
item 1): an officer of one party learns nothing of the other side's detainees outside its scope,
not their ids, capture dates nor reasons, through the API or the page."""

import pytest

from homeward.accounts.models import Party, PartyKind
from homeward.exchanges.runs import queue_plan
from homeward.exchanges.tasks import carry_out, take
from homeward.registry.tests.factories import notified


@pytest.fixture
def stranger(world, scene):
    """A national of a third state held by RU: outside ua_officer's scope."""
    Party.objects.create(code="GE", name="Third State", kind=PartyKind.STATE)
    return notified(world, family_name="Стороннiй", home_party_code="GE", captured_on="2021-05-17")


def planned(world, scene):
    run = queue_plan(actor=world.mediator, negotiation=scene.negotiation, all_for_all=True)
    claimed = take(str(run.uuid))  # the worker's step (in tests the commit never comes)
    assert claimed is not None
    return carry_out(claimed) if claimed.status != "done" else claimed, run


def test_the_plan_api_hides_persons_outside_the_officers_scope(client, world, scene, stranger):
    run, _ = planned(world, scene)
    assert str(stranger.uuid) in str(run.result)  # the pool itself holds the stranger
    client.force_login(world.ua_officer)
    assert client.get(f"/api/v1/persons/{stranger.uuid}").status_code == 404
    r = client.get(f"/api/v1/plans/{run.uuid}")
    assert r.status_code == 200
    body = r.content.decode()
    assert str(stranger.uuid) not in body
    assert "2021-05-17" not in body
    ru = r.json()["result"]["sides"]["RU"]
    shown = {ln["person"] for ln in ru["lines"]}
    assert shown == {str(p.uuid) for p in scene.held_by_ru}
    assert ru["outside_scope"] == 1


def test_the_plan_page_shows_no_reason_for_a_person_outside_scope(client, world, scene, stranger):
    run, _ = planned(world, scene)
    client.force_login(world.ua_officer)
    page = client.get(f"/exchanges/plans/{run.uuid}/").content.decode()
    assert str(stranger.uuid) not in page and "2021-05-17" not in page


def test_the_caseworker_still_sees_the_whole_pool(client, world, scene, stranger):
    run, _ = planned(world, scene)
    client.force_login(world.caseworker)
    ru = client.get(f"/api/v1/plans/{run.uuid}").json()["result"]["sides"]["RU"]
    assert str(stranger.uuid) in {ln["person"] for ln in ru["lines"]}
    assert ru["outside_scope"] == 0
