"""The public figures export: suppressed bytes, their SHA-256 in the ledger, who may publish."""

import hashlib

import pytest

from homeward.ledger.models import Entry
from homeward.lib.errors import Forbidden
from homeward.registry.tests.factories import notified
from homeward.stats.actions import publish_figures
from homeward.stats.models import Release


def test_a_release_enters_its_bytes_sha256_in_the_ledger(client, world):
    for i in range(3):
        notified(world, family_name=f"Бондар{i}")
    client.force_login(world.analyst)
    response = client.post("/figures/", {"year": "2025"})
    assert response.status_code == 302
    release = Release.objects.get()
    body = client.get(f"/figures/{release.uuid}/?format=csv").content
    assert hashlib.sha256(body).hexdigest() == release.sha256
    entry = Entry.objects.get(object_type="figures_release", object_id=str(release.uuid))
    assert entry.action == "stats.figures_published"
    assert release.sha256 in entry.event
    # Suppressed even when a caseworker publishes: the export is for anyone outside.
    assert b"<5" in body and b",3," not in body
    page = client.get(f"/figures/{release.uuid}/").content.decode()
    assert release.sha256 in page


def test_the_same_month_publishes_the_same_bytes(world):
    notified(world)
    a = publish_figures(actor=world.caseworker, year=2025)
    notified(world, family_name="Later")
    b = publish_figures(actor=world.analyst, year=2025)
    assert a.sha256 == b.sha256


@pytest.mark.parametrize("role", ["ua_officer", "liaison", "mediator", "auditor"])
def test_only_analysts_caseworkers_and_admins_publish(world, role):
    with pytest.raises(Forbidden):
        publish_figures(actor=getattr(world, role))
    assert not Release.objects.exists()


def test_a_bureau_officer_reads_releases_but_may_not_publish_through_the_page(client, world):
    publish_figures(actor=world.analyst)
    client.force_login(world.ua_officer)
    page = client.get("/figures/").content.decode()
    assert Release.objects.get().sha256 in page and 'id="publish-figures"' not in page
    assert client.post("/figures/", {"year": "2025"}).status_code == 403
    assert Release.objects.count() == 1
    assert client.get("/figures/00000000-0000-0000-0000-000000000000/").status_code == 404
