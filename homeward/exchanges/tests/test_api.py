"""The exchanges API end to end: scope, the list workflow, errors in the one shape."""

import datetime as dt

import pytest

from homeward.exchanges.models import ListEntry, ListVersion
from homeward.exchanges.tests.conftest import agree_both


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("ua_officer", 200),
        ("ru_officer", 200),
        ("mediator", 200),
        ("caseworker", 200),
        ("liaison", 404),
        ("analyst", 404),
        ("auditor", 404),
        ("admin", 404),
    ],
)
def test_who_sees_a_negotiation_through_the_api(client, world, scene, who, status):
    client.force_login(getattr(world, who))
    n = scene.negotiation
    assert client.get(f"/api/v1/negotiations/{n.uuid}").status_code == status
    assert client.get(f"/api/v1/negotiations/{n.uuid}/versions").status_code == status
    v1 = scene.ua_list.versions.get(number=1)
    assert client.get(f"/api/v1/versions/{v1.uuid}").status_code == status
    listed = [x["uuid"] for x in client.get("/api/v1/negotiations").json()]
    assert (str(n.uuid) in listed) is (status == 200)


def test_a_negotiation_from_first_draft_to_agreement_through_the_api(client, world, scene):
    ru0, ru1 = scene.held_by_ru[:2]
    ua0 = scene.held_by_ua[0]
    client.force_login(world.mediator)
    r = post(
        client,
        "/api/v1/negotiations",
        {"title": "Autumn", "party_a": "UA", "party_b": "RU", "mediator": "MD"},
    )
    assert r.status_code == 201, r.json()
    n = r.json()
    v1 = n["latest_versions"]["UA"]["uuid"]
    client.force_login(world.ua_officer)
    url = f"/api/v1/negotiations/{n['uuid']}/versions"
    r = post(
        client,
        url,
        {
            "base": v1,
            "add": [
                {"person": str(ru0.uuid), "side": "ask", "reason": "requested_by_family"},
                {"person": str(ua0.uuid), "side": "offer", "reason": "long_captivity"},
            ],
        },
    )
    assert r.status_code == 201, r.json()
    v2 = r.json()
    assert v2["number"] == 2 and len(v2["entries"]) == 2
    # The second officer still holding version 1 is told, and nothing is overwritten.
    r = post(
        client,
        url,
        {"base": v1, "add": [{"person": str(ru1.uuid), "side": "ask", "reason": "civilian"}]},
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict"
    assert r.json()["error"]["detail"]["latest_version"] == v2["uuid"]
    # A removal without a reason names the field.
    r = post(client, url, {"base": v2["uuid"], "remove": [{"person": str(ru0.uuid)}]})
    assert r.status_code == 422
    assert r.json()["error"]["detail"]["fields"] == {
        "remove.0.reason": "is required: every removal says why"
    }
    r = post(
        client,
        url,
        {
            "base": v2["uuid"],
            "add": [{"person": str(ru1.uuid), "side": "ask", "reason": "wounded_or_sick"}],
            "remove": [
                {
                    "person": str(ru0.uuid),
                    "reason": "substituted_by",
                    "substituted_by": str(ru1.uuid),
                    "text": "family asked for the wounded one first",
                }
            ],
        },
    )
    v3 = r.json()
    assert r.status_code == 201
    d = client.get(f"/api/v1/versions/{v2['uuid']}/diff/{v3['uuid']}").json()
    assert [x["person"] for x in d["added"]] == [str(ru1.uuid)]
    assert d["removed"][0]["reason"] == "substituted_by"
    assert d["removed"][0]["substituted_by"] == str(ru1.uuid)
    assert d["removed"][0]["by"] == "ua_officer"
    h = client.get(f"/api/v1/persons/{ru0.uuid}/list-history").json()
    assert h["summary"].startswith("listed 1 time, removed 1 time: Substituted by")
    assert [c["kind"] for c in h["changes"]] == ["added", "removed"]
    assert post(client, f"/api/v1/versions/{v3['uuid']}/propose", {}).status_code == 200
    client.force_login(world.ru_officer)
    r = post(client, f"/api/v1/versions/{v3['uuid']}/approve", {})
    assert r.status_code == 200 and r.json()["state"] == "proposed"
    client.force_login(world.ua_officer)
    r = post(client, f"/api/v1/versions/{v3['uuid']}/approve", {})
    assert r.json()["state"] == "agreed"
    assert {a["party"] for a in r.json()["approvals"]} == {"UA", "RU"}
    # Editing after agreement: refused, nothing changed.
    count = ListVersion.objects.count()
    r = post(
        client,
        url,
        {
            "base": v3["uuid"],
            "add": [{"person": str(ua0.uuid), "side": "offer", "reason": "civilian"}],
        },
    )
    assert r.status_code == 409 and r.json()["error"]["detail"]["fields"] == {"base": "is agreed"}
    assert ListVersion.objects.count() == count


def test_listing_a_person_the_party_does_not_hold_names_the_field(client, world, scene):
    client.force_login(world.ua_officer)
    v1 = scene.ua_list.versions.get(number=1)
    r = post(
        client,
        f"/api/v1/negotiations/{scene.negotiation.uuid}/versions",
        {
            "base": str(v1.uuid),
            "add": [
                {"person": str(scene.held_by_ru[0].uuid), "side": "offer", "reason": "civilian"}
            ],
        },
    )
    assert r.status_code == 422
    assert "not held by this party" in r.json()["error"]["detail"]["fields"]["add.0.person"]
    assert not ListEntry.objects.exists()


def test_an_exchange_through_the_api(client, world, scene):
    agree_both(world, scene, n=1)
    client.force_login(world.caseworker)
    r = post(
        client,
        "/api/v1/exchanges",
        {
            "negotiation": str(scene.negotiation.uuid),
            "date": "2025-06-01",
            "place": "Border",
            "transit_country": "BY",
        },
    )
    assert r.status_code == 201, r.json()
    ex = r.json()["uuid"]
    ru0, ua0 = scene.held_by_ru[0], scene.held_by_ua[0]
    r = post(
        client,
        f"/api/v1/exchanges/{ex}/handovers",
        {"lines": [{"person": str(scene.held_by_ru[3].uuid), "outcome": "handed_over"}]},
    )
    assert r.status_code == 422
    assert r.json()["error"]["detail"]["fields"] == {
        "lines.0.person": "is not on the agreed lists of this exchange"
    }
    r = post(
        client,
        f"/api/v1/exchanges/{ex}/handovers",
        {
            "lines": [
                {"person": str(ru0.uuid), "outcome": "handed_over"},
                {
                    "person": str(ua0.uuid),
                    "outcome": "refused_verified",
                    "interviewed_by": "Delegate M.",
                    "interviewed_on": str(dt.date(2025, 5, 30)),
                },
            ]
        },
    )
    assert r.status_code == 201, r.json()
    r = post(client, f"/api/v1/exchanges/{ex}/complete", {})
    assert r.status_code == 200
    assert r.json()["counts"]["by_party"] == {
        "RU": {"handed_over": 1},
        "UA": {"refused_verified": 1},
    }
    client.force_login(world.ru_officer)
    assert [e["uuid"] for e in client.get("/api/v1/exchanges").json()] == [ex]
    detail = client.get(f"/api/v1/exchanges/{ex}").json()
    assert {h["outcome"] for h in detail["handovers"]} == {"handed_over", "refused_verified"}
    client.force_login(world.liaison)
    assert client.get("/api/v1/exchanges").json() == []
    assert client.get(f"/api/v1/exchanges/{ex}").status_code == 404
