import datetime as dt

from homeward.registry.models import Person

# Events recorded on the day of the notification: same date, so the later record is the current one.
TODAY = dt.datetime.now(tz=dt.UTC).date().isoformat()


def test_a_body_of_the_wrong_type_gets_one_error_shape_and_changes_nothing(client, world):
    client.force_login(world.ru_officer)
    response = client.post(
        "/api/v1/persons",
        {"family_name": ["a", "b"], "wounded": "perhaps"},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed" and "family_name" in error["detail"]["fields"]
    assert Person.objects.count() == 0


def test_a_notification_through_the_api_names_the_bad_field(client, world):
    client.force_login(world.ru_officer)
    response = client.post(
        "/api/v1/persons",
        {"family_name": "Петренко", "birth_date": "2025-02-30"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "birth_date" in response.json()["error"]["detail"]["fields"]
    ok = client.post(
        "/api/v1/persons",
        {"family_name": "Петренко", "given_name": "Олександр", "birth_date": "1994"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["current_status"] == "notified"


def test_an_unauthenticated_call_is_refused_in_the_error_shape(client):
    response = client.get("/api/v1/persons")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_a_status_event_is_recorded_and_corrected_through_the_api(client, world):
    client.force_login(world.caseworker)
    person = client.post(
        "/api/v1/persons",
        {"family_name": "Петренко", "detaining_party": "RU"},
        content_type="application/json",
    ).json()
    source = client.post(
        "/api/v1/sources",
        {"kind": "visit", "title": "Visit", "reliability": "A", "credibility": "1"},
        content_type="application/json",
    ).json()
    url = f"/api/v1/persons/{person['uuid']}/events"
    first = client.post(
        url,
        {"kind": "died", "date": TODAY, "source": source["uuid"]},
        content_type="application/json",
    ).json()
    client.post(
        url,
        {
            "kind": "visited",
            "date": TODAY,
            "source": source["uuid"],
            "supersedes": first["uuid"],
        },
        content_type="application/json",
    )
    events = client.get(url).json()
    assert [e["superseded"] for e in events if e["kind"] == "died"] == [True]
    assert client.get(f"/api/v1/persons/{person['uuid']}").json()["current_status"] == "visited"
