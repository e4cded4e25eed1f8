"""Every page answers every role with a page or a refusal, never a server error."""

import random

import pytest

from homeward.accounts.models import User
from homeward.registry.models import Person, Source
from homeward.synth.accounts import DEMO_USERS
from homeward.synth.scenario import build

PAGES = [
    "/",
    "/persons/",
    "/persons/?q=Petrenko",
    "/persons/export/?format=csv",
    "/notify/",
    "/sources/",
    "/imports/",
    "/dashboard/",
    "/tokens/",
    "/users/",
    "/ledger/",
    "/exchanges/",
    "/exchanges/reports/",
    "/api/v1/persons",
    "/api/v1/sources",
    "/api/v1/ledger/checkpoint",
    "/api/v1/negotiations",
    "/api/v1/openapi.json",
]


@pytest.fixture
def demo(db):
    build(size=25, rng=random.Random(3), log=lambda _: None)


@pytest.mark.parametrize("username", [u[0] for u in DEMO_USERS])
def test_every_page_answers_every_role_without_a_server_error(client, demo, username):
    client.force_login(User.objects.get(username=username))
    person = Person.objects.first()
    source = Source.objects.first()
    for url in [*PAGES, person.get_absolute_url(), source.get_absolute_url()]:
        status = client.get(url).status_code
        assert status in (200, 302, 403, 404), f"{username} {url} → {status}"
