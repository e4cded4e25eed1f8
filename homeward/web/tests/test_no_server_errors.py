"""Inputs that used to answer 500 (issue 14, item 11) answer 4xx in the one error shape."""

import pytest

from homeward.exchanges import actions as exchanges


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.mark.parametrize("who", ["caseworker", "analyst", "ua_officer"])
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/persons?detaining_party=R%00U",
        "/api/v1/persons?q=%00",
        "/api/v1/persons?offset=99999999999999999999",
        "/api/v1/persons?limit=99999999999999999999",
        "/api/v1/sources?offset=99999999999999999999",
        "/api/v1/ledger/proofs/inclusion?seq=99999999999999999999&size=99999999999999999999",
    ],
)
def test_hostile_queries_get_a_4xx_in_the_error_shape(client, world, who, url):
    client.force_login(getattr(world, who))
    r = client.get(url)
    assert 400 <= r.status_code < 500, (r.status_code, r.content[:300])
    assert set(r.json()) == {"error"} and r.json()["error"]["code"]


def test_a_huge_plan_size_is_refused_naming_the_field(client, world):
    n = exchanges.open_negotiation(
        actor=world.mediator, title="t", party_a=world.ua, party_b=world.ru, mediator=world.md
    )
    client.force_login(world.mediator)
    r = post(client, f"/api/v1/negotiations/{n.uuid}/plan", {"size": 10**30})
    assert r.status_code == 422 and "size" in r.json()["error"]["detail"]["fields"]


def test_a_nul_in_a_party_field_is_refused_before_the_role_check(client, world):
    client.force_login(world.analyst)
    r = post(client, "/api/v1/sources", {"kind": "list", "title": "x", "party": "R\x00U"})
    assert r.status_code == 422
    assert "U+0000" in r.json()["error"]["detail"]["fields"]["party"]


def test_a_server_error_answers_in_the_error_shape(client, world, monkeypatch):
    from homeward.registry import api

    def boom(*a, **kw):
        raise RuntimeError("a defect")

    monkeypatch.setattr(api, "filter_persons", boom)
    client.raise_request_exception = False
    client.force_login(world.caseworker)
    r = client.get("/api/v1/persons")
    assert r.status_code == 500
    assert r.json() == {
        "error": {
            "code": "server_error",
            "message": "Something went wrong on our side.",
            "detail": {},
        }
    }


def test_a_body_over_the_limit_gets_413(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(world.caseworker)
    r = post(client, "/api/v1/sources", {"kind": "list", "title": "x" * 5000})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize("bad", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", ""])
def test_pages_answer_404_to_a_bad_uuid_in_a_form(client, world, bad):
    from homeward.registry.tests.factories import notified

    person = notified(world)
    client.force_login(world.caseworker)
    assert client.post("/tokens/", {"revoke": bad or "x"}).status_code == 404
    client.force_login(world.admin)
    r = client.post("/users/", {"form": "active", "user": bad, "active": "1"})
    assert r.status_code == 404
    client.force_login(world.ru_officer)  # any viewer can send the form
    r = client.post(person.get_absolute_url(), {"form": "unmerge", "merge": bad, "reason": "x"})
    assert r.status_code in (403, 404)


@pytest.mark.parametrize("who", ["caseworker", "auditor", "ua_officer"])
@pytest.mark.parametrize(
    "path", ["person/not-a-uuid", "person/%00", "x%00/y%00", "person/" + "9" * 5000]
)
def test_hostile_path_fields_get_a_4xx(client, world, who, path):
    client.force_login(getattr(world, who))
    r = client.get(f"/api/v1/ledger/objects/{path}/entries")
    if "%00" in path or len(path) > 100:
        assert r.status_code == 422, (r.status_code, r.content[:300])
    # An auditor may ask for the entries of any id: an unknown one simply has none.
    assert r.status_code < 500 and (r.status_code == 200 or set(r.json()) == {"error"})
