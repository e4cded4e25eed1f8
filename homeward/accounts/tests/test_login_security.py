"""Logging in (issue 14, items 6, 9, 13): redirects, throttling, the second factor, passwords."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.actions import create_user
from homeward.accounts.models import Role, User
from homeward.accounts.throttle import client_address
from homeward.accounts.twofactor import MUST_ENROL, current_code, ensure_device
from homeward.conftest import PASSWORD
from homeward.lib.errors import ValidationFailed


def code_for(user) -> str:
    device = ensure_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return current_code(device)


def log_in(client, user, *, code=None, password=PASSWORD, next_=None, **extra):
    url = "/login/" + (f"?next={next_}" if next_ is not None else "")
    data = {"username": user.username, "password": password}
    data["code"] = code_for(user) if code is None else code
    return client.post(url, data, **extra)


# --- Item 6: the login's `next` ------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
        "/\\evil.example",
    ],
)
def test_login_ignores_a_next_that_leaves_the_site(client, world, target):
    response = log_in(client, world.caseworker, next_=target)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_follows_a_next_on_this_site(client, world):
    response = log_in(client, world.caseworker, next_="/persons/?q=x")
    assert response["Location"] == "/persons/?q=x"


# --- Item 9: throttling that holds across processes, per username ------------------------------


def fail(client, username, address="10.0.0.1"):
    return client.post(
        "/login/", {"username": username, "password": "wrong", "code": ""}, REMOTE_ADDR=address
    )


def test_failures_lock_the_username_from_every_address(client, world, settings):
    for i in range(settings.LOGIN_MAX_FAILURES):
        assert fail(client, "caseworker", f"10.0.0.{i}").status_code == 401
    response = log_in(client, world.caseworker, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_kept_in_the_database_so_every_process_sees_it(client, world, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        fail(client, "caseworker")
    assert AccessAttempt.objects.filter(username="caseworker").exists()
    cache.clear()  # another gunicorn worker has its own memory; the database is shared
    assert log_in(client, world.caseworker).status_code == 429


def test_one_attackers_failures_do_not_lock_out_other_users_behind_the_same_proxy(
    client, world, settings
):
    for _ in range(settings.LOGIN_MAX_FAILURES + 2):
        fail(client, "caseworker", "10.0.0.1")
    response = log_in(client, world.ua_officer, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302


def test_a_wrong_second_factor_counts_as_a_failure(client, world, settings):
    ensure_device(world.caseworker)
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert log_in(client, world.caseworker, code="000000").status_code == 401
    assert log_in(client, world.caseworker).status_code == 429


def test_the_client_address_comes_from_the_trusted_proxy_header_only_when_configured(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appended the real client; the forged entry on the left is ignored.
    assert client_address(request) == "203.0.113.7"


# --- Item 9: the second factor ---------------------------------------------------------------


def test_a_password_without_the_code_opens_no_session(client, world):
    ensure_device(world.caseworker)
    response = log_in(client, world.caseworker, code="")
    assert response.status_code == 401
    assert "_auth_user_id" not in client.session
    assert client.get("/persons/").status_code == 302


def test_a_used_code_cannot_be_replayed(client, world):
    code = code_for(world.caseworker)
    assert log_in(client, world.caseworker, code=code).status_code == 302
    client.logout()
    assert log_in(client, world.caseworker, code=code).status_code == 401


def test_a_backup_code_works_once(client, world):
    from homeward.accounts.twofactor import new_backup_codes

    ensure_device(world.caseworker)
    backup = new_backup_codes(world.caseworker)[0]
    assert log_in(client, world.caseworker, code=backup).status_code == 302
    client.logout()
    assert log_in(client, world.caseworker, code=backup).status_code == 401


def test_a_user_without_a_second_factor_must_enrol_before_anything_else(client, world):
    response = client.post("/login/", {"username": "caseworker", "password": PASSWORD, "code": ""})
    assert response["Location"] == "/account/two-factor/"
    assert client.session[MUST_ENROL]
    assert client.get("/persons/")["Location"] == "/account/two-factor/"
    api = client.get("/api/v1/persons")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "second_factor_required"
    page = client.get("/account/two-factor/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=world.caseworker, confirmed=False)
    wrong = client.post("/account/two-factor/", {"form": "confirm", "code": "000000"})
    assert wrong.status_code == 422
    # django-otp slows down guessing: each wrong code doubles a wait; skip it here.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    confirmed = client.post(
        "/account/two-factor/", {"form": "confirm", "code": current_code(device)}
    )
    assert b"backup-codes" in confirmed.content
    assert client.get("/persons/").status_code == 200


def test_roles_without_personal_data_may_log_in_without_a_second_factor(client, world):
    response = client.post("/login/", {"username": "analyst", "password": PASSWORD, "code": ""})
    assert response.status_code == 302 and response["Location"] == "/"


# --- Item 13: passwords ----------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["123456789012", "aaaaaaaaaaaa", "abababababab", "password1234"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak, User(username="someone"))


def test_a_good_password_passes():
    validate_password("mauve tractor 71 lemons", User(username="someone"))


def test_the_admin_cannot_choose_a_users_password(world):
    with pytest.raises(ValidationFailed) as exc:
        create_user(
            actor=world.admin,
            username="cw2",
            role=Role.CASEWORKER,
            party=world.ni,
            email="cw2@example.org",
            password="an admin's choice 42",  # noqa: S106
            set_password_url=lambda uid, token: f"/x/{uid}/{token}/",
        )
    assert "password" in exc.value.detail["fields"]
    assert not User.objects.filter(username="cw2").exists()


def test_a_new_user_sets_a_password_through_a_one_time_link(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/users/",
            {
                "form": "user",
                "username": "cw2",
                "email": "cw2@example.org",
                "role": "caseworker",
                "party": "NI",
            },
        )
    user = User.objects.get(username="cw2")
    assert not user.has_usable_password()
    assert mail.outbox[-1].to == ["cw2@example.org"]
    link = next(w for w in mail.outbox[-1].body.split() if "/password-reset/" in w)
    assert link not in client.get("/users/").content.decode()  # the admin never sees it
    client.logout()
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new = "mauve tractor 71 lemons"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    # The link is spent.
    again = client.get(path, follow=True)
    assert b"not valid" in again.content


def test_users_change_their_own_password(client, world):
    client.force_login(world.caseworker)
    new = "mauve tractor 71 lemons"
    wrong_old = client.post(
        "/account/password/",
        {"old_password": "nope", "new_password1": new, "new_password2": new},
    )
    assert wrong_old.status_code == 200
    weak = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "123456789012",
            "new_password2": "123456789012",
        },
    )
    assert weak.status_code == 200
    world.caseworker.refresh_from_db()
    assert world.caseworker.check_password(PASSWORD)
    ok = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert ok.status_code == 302
    world.caseworker.refresh_from_db()
    assert world.caseworker.check_password(new)
    assert client.get("/persons/").status_code == 200  # the session survives its own change


def test_a_password_reset_link_is_mailed_to_the_accounts_address(client, world):
    world.caseworker.email = "cw@example.org"
    world.caseworker.save()
    client.post("/password-reset/", {"email": "cw@example.org"})
    assert mail.outbox and "/password-reset/" in mail.outbox[-1].body
    client.post("/password-reset/", {"email": "nobody@example.org"})
    assert len(mail.outbox) == 1
