"""The exchange pages: who may see them, and the edit, approval and handover forms."""

import datetime as dt

import pytest

from homeward.exchanges import actions
from homeward.exchanges.models import Exchange, ListVersion, PlanRun
from homeward.exchanges.tasks import carry_out, take
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
    run = take(str(PlanRun.objects.get().uuid))  # the worker's step
    assert run is not None
    carry_out(run)
    assert "long_captivity" not in client.get(r.url).content.decode()  # no one in its scope
    client.force_login(world.ua_officer)
    assert "long_captivity" in client.get(r.url).content.decode()
    r = client.post(r.url)
    assert r.status_code == 302
    assert ListVersion.objects.get(exchange_list=scene.ua_list, number=2).size == 4


def test_a_party_with_a_key_signs_its_approval_on_the_page(client, world, scene):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from homeward.exchanges.actions import Add
    from homeward.ledger.actions import register_party_key
    from homeward.ledger.models import Entry
    from homeward.ledger.notes import public_b64, sign_for_party

    key = Ed25519PrivateKey.generate()
    registered = register_party_key(
        actor=world.ua_officer, party=world.ua, public_key_b64=public_b64(key)
    )
    v2 = actions.edit_list(
        actor=world.ua_officer,
        base=scene.ua_list.versions.get(number=1),
        add=[Add(scene.held_by_ru[0], "ask", "requested_by_family")],
    )
    actions.propose_version(actor=world.ua_officer, version=v2)
    client.force_login(world.ua_officer)
    url = f"/exchanges/versions/{v2.uuid}/"
    page = client.get(url).content.decode()
    assert "Your party has a signing key" in page
    # The page shows the exact bytes to sign: canonical JSON of the version and its digest.
    data = f'{{"entries_digest":"{v2.digest}","version":"{v2.uuid}"}}'
    assert f'<pre id="approval-data">{data.replace(chr(34), "&quot;")}</pre>' in page
    entries = Entry.objects.count()
    for signature, told in (
        ("", "Your party has a signing key: approve with its signature."),
        (sign_for_party(Ed25519PrivateKey.generate(), data.encode()), "is not UA&#x27;s"),
        (sign_for_party(key, b'{"entries_digest":"0","version":"x"}'), "is not UA&#x27;s"),
    ):
        r = client.post(url, {"op": "approve", "signature": signature}, follow=True)
        assert told in r.content.decode()
        assert not v2.approvals.exists() and Entry.objects.count() == entries
    client.post(url, {"op": "approve", "signature": sign_for_party(key, data.encode())})
    approval = v2.approvals.get()
    assert approval.key == registered and approval.digest == v2.digest
    page = client.get(url).content.decode()
    assert "verified on arrival with the party" in page
    body = client.get(f"/api/v1/versions/{v2.uuid}").json()
    (out,) = body["approvals"]
    assert out["signed"] and out["signature"] == approval.signature
    assert out["key"] == registered.public_key and out["digest"] == v2.digest
    # RU has no key: its approval is recorded under its officer's name, and says so.
    client.force_login(world.ru_officer)
    assert "registered no signing key" in client.get(url).content.decode()
    client.post(url, {"op": "approve"})
    v2.refresh_from_db()
    assert v2.state == "agreed"
    (ru,) = [
        a
        for a in client.get(f"/api/v1/versions/{v2.uuid}").json()["approvals"]
        if a["party"] == "RU"
    ]
    assert not ru["signed"] and ru["key"] is None and ru["by"] == "ru_officer"
