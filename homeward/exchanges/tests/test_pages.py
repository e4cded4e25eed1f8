"""The exchange pages: who may see them, and the edit, approval and handover forms."""

import datetime as dt

import pytest

from homeward.exchanges import actions
from homeward.exchanges.models import Exchange, ListVersion
from homeward.exchanges.tests.conftest import agree_both


def pages(scene, exchange=None):
    v1 = scene.ua_list.versions.get(number=1)
    v2 = scene.ua_list.versions.order_by("-number").first()
    urls = [
        "/exchanges/",
        f"/exchanges/negotiations/{scene.negotiation.uuid}/",
        f"/exchanges/versions/{v1.uuid}/",
        f"/exchanges/versions/{v1.uuid}/diff/{v2.uuid}/",
    ]
    if exchange:
        urls.append(f"/exchanges/exchanges/{exchange.uuid}/")
    return urls


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("ua_officer", True),
        ("ru_officer", True),
        ("mediator", True),
        ("caseworker", True),
        ("liaison", False),
        ("analyst", False),
        ("auditor", False),
    ],
)
def test_who_sees_the_negotiation_pages(client, world, scene, who, allowed):
    agree_both(world, scene)
    exchange = actions.create_exchange(
        actor=world.mediator,
        negotiation=scene.negotiation,
        date=dt.date(2025, 6, 1),
        place="Bridge",
    )
    client.force_login(getattr(world, who))
    index, *details = pages(scene, exchange)
    assert client.get(index).status_code == 200
    for url in details:
        assert client.get(url).status_code == (200 if allowed else 404), url
    body = client.get(index).content.decode()
    assert (scene.negotiation.title in body) is allowed


def test_an_officer_edits_the_list_on_the_page_and_a_stale_form_is_refused(client, world, scene):
    client.force_login(world.ua_officer)
    v1 = scene.ua_list.versions.get(number=1)
    ru0, ru1 = scene.held_by_ru[:2]
    page = client.get(f"/exchanges/versions/{v1.uuid}/?q=Петренко0").content.decode()
    assert str(ru0.uuid) in page
    r = client.post(
        f"/exchanges/versions/{v1.uuid}/",
        {
            "op": "edit",
            "add": [str(ru0.uuid)],
            f"side_{ru0.uuid}": "ask",
            "add_reason": "requested_by_family",
        },
    )
    v2 = ListVersion.objects.get(exchange_list=scene.ua_list, number=2)
    assert r.status_code == 302 and r.url == f"/exchanges/versions/{v2.uuid}/"
    # The same (now stale) form again: told, nothing written.
    r = client.post(
        f"/exchanges/versions/{v1.uuid}/",
        {
            "op": "edit",
            "add": [str(ru1.uuid)],
            f"side_{ru1.uuid}": "ask",
            "add_reason": "civilian",
        },
        follow=True,
    )
    assert "edited since you opened it" in r.content.decode()
    assert ListVersion.objects.filter(exchange_list=scene.ua_list).count() == 2
    # A removal without a reason: the field is named, nothing written.
    r = client.post(
        f"/exchanges/versions/{v2.uuid}/", {"op": "edit", "remove": [str(ru0.uuid)]}, follow=True
    )
    assert "remove.0.reason: is required" in r.content.decode()
    assert ListVersion.objects.filter(exchange_list=scene.ua_list).count() == 2
    history = client.get(f"/exchanges/persons/{ru0.uuid}/history/").content.decode()
    assert "listed 1 time, removed 0 times" in history


def test_the_exchange_page_records_handovers_and_completes(client, world, scene):
    agree_both(world, scene, n=1)
    client.force_login(world.mediator)
    r = client.post(
        f"/exchanges/negotiations/{scene.negotiation.uuid}/",
        {"op": "exchange", "date": "2025-06-01", "place": "Bridge", "transit_country": "BY"},
    )
    ex = Exchange.objects.get()
    assert r.url == f"/exchanges/exchanges/{ex.uuid}/"
    ru0, ua0 = scene.held_by_ru[0], scene.held_by_ua[0]
    client.force_login(world.caseworker)
    r = client.post(
        f"/exchanges/exchanges/{ex.uuid}/",
        {f"outcome_{ru0.uuid}": "handed_over", f"outcome_{ua0.uuid}": "refused_verified"},
        follow=True,
    )
    assert "interviewed_by" in r.content.decode()
    assert not ex.handovers.exists()
    client.post(
        f"/exchanges/exchanges/{ex.uuid}/",
        {
            f"outcome_{ru0.uuid}": "handed_over",
            f"outcome_{ua0.uuid}": "refused_verified",
            f"interviewed_by_{ua0.uuid}": "Delegate M.",
            f"interviewed_on_{ua0.uuid}": "2025-05-31",
        },
    )
    assert ex.handovers.count() == 2
    client.post(f"/exchanges/exchanges/{ex.uuid}/", {"op": "complete"})
    ex.refresh_from_db()
    assert ex.state == "completed"
    page = client.get(f"/exchanges/persons/{ua0.uuid}/history/").content.decode()
    assert "Delegate M." in page
    client.force_login(world.ru_officer)
    assert client.get("/exchanges/reports/").status_code == 200


def test_the_plan_page(client, world, scene):
    client.force_login(world.mediator)
    r = client.post(
        f"/exchanges/negotiations/{scene.negotiation.uuid}/",
        {"op": "plan", "size": "2", "balance": ["category"]},
    )
    assert r.status_code == 302 and "/exchanges/plans/" in r.url
    assert "long_captivity" in client.get(r.url).content.decode()
    client.force_login(world.ua_officer)
    r = client.post(r.url)
    assert r.status_code == 302
    assert ListVersion.objects.get(exchange_list=scene.ua_list, number=2).size == 4
