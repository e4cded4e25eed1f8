"""The whole API fuzzed against its own OpenAPI schema (issue 14): for every operation,
Schemathesis generates requests (valid and invalid) and sends them in-process through the WSGI
app, as a caseworker (who may do most things) and as an analyst (who may see no person). Any
5xx, any status the schema does not declare, and any answer that does not match its declared
schema fails the test. Bounded: a fixed number of examples per operation, derandomised so a
failure reproduces, no shrinking; about a minute per role on this project's API."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from homeward.accounts.actions import create_api_token
from homeward.registry import actions as registry
from homeward.registry.tests.factories import notified

EXAMPLES = 12  # per operation and role; ~45 operations x 2 roles

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_process():
    """The WSGI app closes the database connection at the end of each request (which would end
    the test's transaction on PostgreSQL); Django's test client turns that off the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(world, in_process):
    """A small synthetic register so that list endpoints answer with data: persons held by each
    side, a source of each party."""
    for i in range(3):
        notified(world, family_name=f"Фаззенко{i}")
        notified(world, by=world.ua_officer, family_name=f"Фаззов{i}", home_party_code="RU")
    registry.create_source(actor=world.caseworker, kind="list", title="Fuzz", party=world.ru)
    return world


def _schema():
    # The same document /api/v1/openapi.json serves, taken without a request (collection has no
    # database); the cases are sent through the WSGI application, in-process.
    from homeward.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


def _token(user) -> dict:
    _, secret = create_api_token(actor=user, name="fuzz")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def caseworker_auth(fuzz_world, settings):
    settings.ALLOWED_HOSTS = ["*"]
    return _token(fuzz_world.caseworker)


@pytest.fixture
def analyst_auth(fuzz_world, settings):
    settings.ALLOWED_HOSTS = ["*"]
    return _token(fuzz_world.analyst)


BOUNDED = hsettings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    database=None,
)


@schema.parametrize()
@BOUNDED
def test_the_api_keeps_its_schema_for_a_caseworker(case, caseworker_auth):
    case.call_and_validate(headers=caseworker_auth, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_the_api_keeps_its_schema_for_an_analyst(case, analyst_auth):
    case.call_and_validate(headers=analyst_auth, checks=CHECKS)
