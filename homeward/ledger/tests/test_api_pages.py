import base64

import pytest
from django.db import transaction

from homeward.ledger import merkle, notes, store
from homeward.ledger.actions import append
from homeward.ledger.models import Verification
from homeward.registry.tests.factories import notified


@pytest.fixture
def log(world):
    person = notified(world)
    for i in range(9):
        with transaction.atomic():
            append(
                actor=world.caseworker, action="t", object_type="test", object_id=i, data={"i": i}
            )
    store.publish_checkpoint()
    return person


def test_the_latest_checkpoint_is_public_and_verifies_with_its_key(client, log):
    body = client.get("/api/v1/ledger/checkpoint").json()
    cp = notes.open_checkpoint(
        body["note"], notes.Verifier.parse(body["verifier_key"]), store.origin()
    )
    assert cp.size == body["size"] and base64.b64encode(cp.root).decode() == body["root"]


def test_an_inclusion_proof_from_the_api_verifies_against_the_checkpoint(client, world, log):
    client.force_login(world.auditor)
    cp = client.get("/api/v1/ledger/checkpoint").json()
    body = client.get("/api/v1/ledger/proofs/inclusion", {"seq": 3}).json()
    merkle.verify_inclusion(
        3,
        cp["size"],
        base64.b64decode(body["leaf_hash"]),
        [base64.b64decode(h) for h in body["proof"]],
        base64.b64decode(cp["root"]),
    )
    bad = client.get("/api/v1/ledger/proofs/inclusion", {"seq": 3, "size": 4})
    assert bad.status_code == 422 and "size" in bad.json()["error"]["detail"]["fields"]


def test_a_person_s_entries_are_shown_only_to_who_may_see_the_person(client, world, log):
    url = f"/api/v1/ledger/objects/person/{log.uuid}/entries"
    client.force_login(world.ru_officer)
    entries = client.get(url).json()
    assert [e["action"] for e in entries] == ["person.notified"]
    assert "Петренко" not in str(entries)
    client.force_login(world.auditor)
    assert client.get(url).status_code == 200
    stranger = notified(
        world, by=world.ua_officer, family_name="Karimov", home_party_code="", nationalities=["UZ"]
    )
    client.force_login(world.ru_officer)
    assert client.get(f"/api/v1/ledger/objects/person/{stranger.uuid}/entries").status_code == 404


def test_the_auditor_page_shows_the_log_and_runs_a_verification(client, world, log):
    client.force_login(world.auditor)
    page = client.get("/ledger/").content.decode()
    assert "Instance public key" in page and store.verifier_key_text() in page
    client.post("/ledger/")
    assert Verification.objects.get().ok is True
    client.force_login(world.ru_officer)
    assert client.get("/ledger/").status_code == 403
