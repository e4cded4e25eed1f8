import pytest
from django.core.cache import cache

from homeward.accounts.models import ApiToken
from homeward.accounts.twofactor import current_code, ensure_device
from homeward.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()


def test_a_user_logs_in_and_out(client, world):
    device = ensure_device(world.caseworker)
    response = client.post(
        "/login/",
        {"username": "caseworker", "password": PASSWORD, "code": current_code(device)},
    )
    assert response.status_code == 302
    assert client.get("/persons/").status_code == 200
    client.post("/logout/")
    assert client.get("/persons/").status_code == 302


def test_a_wrong_password_is_refused(client, world):
    response = client.post("/login/", {"username": "caseworker", "password": "nope"})
    assert response.status_code == 401
    assert "Wrong username, password or code" in response.content.decode()


def test_login_is_rate_limited_after_repeated_failures(client, world, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/login/", {"username": "caseworker", "password": "nope"})
    response = client.post("/login/", {"username": "caseworker", "password": PASSWORD})
    assert response.status_code == 429
    assert client.get("/persons/").status_code == 302  # still not logged in


def test_passwords_are_stored_hashed(world):
    assert world.caseworker.password.split("$")[0] in {"argon2", "md5", "pbkdf2_sha256"}
    assert PASSWORD not in world.caseworker.password


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [
        ("caseworker", "/persons/"),
        ("analyst", "/dashboard/"),
        ("auditor", "/ledger/"),
        ("admin", "/dashboard/"),
    ],
)
def test_each_role_lands_where_its_work_is(client, world, who, lands_on):
    client.force_login(getattr(world, who))
    assert client.get("/")["Location"] == lands_on


def test_an_api_token_authenticates_until_revoked(client, world):
    client.force_login(world.caseworker)
    page = client.post("/tokens/", {"name": "script"}).content.decode()
    token = ApiToken.objects.get(user=world.caseworker)
    secret = page.split('id="new-token">')[1].split("<")[0]
    assert ApiToken.digest_of(secret) == token.digest and secret not in token.digest
    client.logout()
    assert client.get("/api/v1/persons", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert client.get("/api/v1/persons", HTTP_AUTHORIZATION="Bearer hw_wrong").status_code == 401
    client.force_login(world.caseworker)
    client.post("/tokens/", {"revoke": str(token.uuid)})
    client.logout()
    response = client.get("/api/v1/persons", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_the_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/persons" in schema["paths"]


def test_every_page_of_the_demo_says_persons_are_synthetic(client, world, settings):
    settings.HOMEWARD_DEMO = True
    assert "every person shown here is synthetic" in client.get("/login/").content.decode()
    client.force_login(world.analyst)
    assert "every person shown here is synthetic" in client.get("/dashboard/").content.decode()


def test_only_the_admin_manages_users_and_a_bad_party_for_a_role_is_refused(client, world):
    from homeward.accounts.models import User

    client.force_login(world.caseworker)
    assert client.get("/users/").status_code == 403
    client.force_login(world.admin)
    response = client.post(
        "/users/",
        {
            "form": "user",
            "username": "new_officer",
            "email": "new@example.org",
            "role": "bureau_officer",
            "party": "NI",
        },
    )
    assert "a bureau_officer belongs to a party of kind state" in response.content.decode()
    assert not User.objects.filter(username="new_officer").exists()
    client.post(
        "/users/",
        {
            "form": "user",
            "username": "new_officer",
            "email": "new@example.org",
            "role": "bureau_officer",
            "party": "UA",
        },
    )
    assert User.objects.get(username="new_officer").party == world.ua
    client.post("/users/", {"form": "active", "user": str(world.liaison.uuid), "active": "0"})
    world.liaison.refresh_from_db()
    assert not world.liaison.is_active


def test_serving_without_a_secret_key_is_refused_outside_debug_and_the_demo(settings):
    from django.core.exceptions import ImproperlyConfigured

    from homeward.lib.security import require_secret_key

    (
        settings.INSECURE_SECRET_KEY,
        settings.DEBUG,
        settings.HOMEWARD_DEMO,
        settings.HOMEWARD_TESTING,
    ) = True, False, False, False
    with pytest.raises(ImproperlyConfigured):
        require_secret_key()
    settings.HOMEWARD_DEMO = True
    require_secret_key()
