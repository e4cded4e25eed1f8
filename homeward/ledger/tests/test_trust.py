"""Issue 17: a database administrator rewriting the log in plain SQL, and what names it.

Every tampering here is done with SQL on the tables, as someone with write access to the
database (but not to the instance's key file) would; "the operator" also holds the key file.
"""

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection, transaction

from homeward.ledger import merkle, notes, offline, privacy, store
from homeward.ledger.actions import append, register_party_key, revoke_party_key
from homeward.ledger.canonical import canonical_json
from homeward.ledger.models import Checkpoint, Entry, Head, PartyKey
from homeward.ledger.verify import export_bundle, verify_database
from homeward.lib.errors import ValidationFailed

from .test_ledger import add


def sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


@pytest.fixture
def log(world):
    add(world, 37)
    store.publish_checkpoint()
    add(world, 13, start=37)
    store.publish_checkpoint()
    return world


def verify_command(capsys, *args):
    """(exit code, stdout, stderr) of `homeward ledger verify ARGS`."""
    try:
        call_command("ledger", "verify", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def rewrite_everything_with(key):
    """The attack of issue 17 #1: change entry 20, recompute every hash, re-sign every
    checkpoint with `key` and put its verifier key in the key row."""
    event = sql("SELECT event FROM ledger_entry WHERE seq = 20")[0][0].replace('"i":20', '"i":99')
    sql(
        "UPDATE ledger_entry SET event = %s, leaf_hash = %s WHERE seq = 20",
        event,
        merkle.leaf_hash(event.encode()),
    )
    leaves = [bytes(h) for (h,) in sql("SELECT leaf_hash FROM ledger_entry ORDER BY seq")]
    sql("DELETE FROM ledger_node")
    sql("UPDATE ledger_head SET sealed = 0")
    store.seal()
    for (size,) in sql("SELECT size FROM ledger_checkpoint"):
        root = merkle.root_of(leaves[:size])
        note = notes.sign_note(
            notes.Checkpoint(store.origin(), size, root).body(), store.origin(), key
        )
        sql("UPDATE ledger_checkpoint SET note = %s, root = %s WHERE size = %s", note, root, size)
    sql(
        "UPDATE ledger_instancekey SET verifier_key = %s",
        notes.verifier_key(store.origin(), key),
    )


# --- 1. Pinned trust --------------------------------------------------------------------------


def test_verify_trusts_the_key_file_and_prints_its_fingerprint(log, capsys):
    code, out, err = verify_command(capsys)
    assert code == 0, err
    assert f"trusting {notes.fingerprint(store.file_verifier_key())}" in out
    assert "sha256:" in out


def test_a_log_re_signed_under_a_planted_key_is_refused_naming_the_key_row(log, capsys):
    rewrite_everything_with(Ed25519PrivateKey.generate())
    report = verify_database()
    assert not report.ok
    assert report.problem.startswith("instance key: the database names ")
    assert "not the pinned key" in report.problem
    code, _, err = verify_command(capsys)
    assert code == 1 and "instance key: the database names" in err


def test_the_planted_key_given_from_outside_still_finds_the_rewritten_entry_nowhere(log, capsys):
    # Whoever pins the true key sees the rewrite even where the key row is put back: every
    # checkpoint is now signed by a key nobody trusts.
    true_key = store.file_verifier_key()
    rewrite_everything_with(Ed25519PrivateKey.generate())
    sql("UPDATE ledger_instancekey SET verifier_key = %s", true_key)
    code, _, err = verify_command(capsys, "--key", true_key)
    assert code == 1
    assert "FAILED: checkpoint 37: no signature by the expected key" in err


def test_checkpoint_refuses_to_sign_when_the_key_row_names_another_key(log, capsys):
    other = notes.verifier_key(store.origin(), Ed25519PrivateKey.generate())
    sql("UPDATE ledger_instancekey SET verifier_key = %s", other)
    add(log, 1, start=50)
    with pytest.raises(SystemExit) as exc:
        call_command("ledger", "checkpoint")
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "REFUSED: not signing: instance key: the database names" in err
    assert not Checkpoint.objects.filter(size=51).exists()


def test_verify_needs_a_pinned_key_when_there_is_no_key_file(log, capsys, monkeypatch):
    monkeypatch.setattr(store, "file_verifier_key", lambda: None)
    code, _, err = verify_command(capsys)
    assert code == 1 and "no pinned key" in err
    code, out, _ = verify_command(capsys, "--key", store.verifier_key_text())
    assert code == 0 and "trusting " in out


def test_a_trust_file_a_party_keeps_pins_the_key(log, capsys, tmp_path):
    trust = tmp_path / "trust.txt"
    other = notes.verifier_key(store.origin(), Ed25519PrivateKey.generate())
    trust.write_text(f"# the UA bureau's copy\ninstance {other}\n")
    code, _, err = verify_command(capsys, "--keys", str(trust))
    assert code == 1 and "not the pinned key" in err
    trust.write_text(f"instance {store.file_verifier_key()}\n")
    assert verify_command(capsys, "--keys", str(trust))[0] == 0


def test_a_bundle_is_checked_against_the_pinned_key_not_its_own(log, capsys, tmp_path):
    export_bundle(tmp_path)
    code, out, _ = verify_command(capsys, "--bundle", str(tmp_path))
    assert code == 0 and "trusting " in out
    # The bundle's own key and checkpoints replaced: consistent, but not the instance's.
    forger = Ed25519PrivateKey.generate()
    keys = json.loads((tmp_path / "keys.json").read_text())
    keys["instance"] = notes.verifier_key(store.origin(), forger)
    (tmp_path / "keys.json").write_text(json.dumps(keys))
    code, _, err = verify_command(capsys, "--bundle", str(tmp_path))
    assert code == 1 and "bundle: its key" in err and "is not the pinned key" in err
    # Without any pinned key (python -m homeward.ledger.offline), the key used is printed.
    assert offline.main([str(tmp_path)]) == 1  # its checkpoints are not signed by that key
    out = capsys.readouterr().out
    assert "FAILED" in out


def test_a_proof_needs_the_pinned_key_or_prints_the_one_it_used(log, capsys, tmp_path):
    out_file = tmp_path / "proof.json"
    call_command("ledger", "prove", "12", "-o", str(out_file))
    capsys.readouterr()
    code, out, _ = verify_command(capsys, "--proof", str(out_file))
    assert code == 0 and f"trusting {notes.fingerprint(store.file_verifier_key())}" in out
    # A proof re-signed by a forger, carrying the forger's key: refused against the pinned key.
    doc = json.loads(out_file.read_text())
    forger = Ed25519PrivateKey.generate()
    body = notes.split_note(doc["tlog_proof"].split("\n\n", 1)[1])[0]
    head = doc["tlog_proof"].split("\n\n", 1)[0]
    doc["tlog_proof"] = head + "\n\n" + notes.sign_note(body, store.origin(), forger)
    doc["verifier_key"] = notes.verifier_key(store.origin(), forger)
    out_file.write_text(json.dumps(doc))
    code, _, err = verify_command(capsys, "--proof", str(out_file))
    assert code == 1 and "no signature by the expected key" in err
    assert offline.main([str(out_file)[:0] + "--proof", str(out_file)]) == 0
    assert "the file's own" in capsys.readouterr().out


# --- 2. Signatures and keys inside the log ----------------------------------------------------


def signed(world, key, data):
    with transaction.atomic():
        return append(
            actor=world.ua_officer,
            action="list.signed",
            object_type="list",
            object_id=1,
            data=data,
            signature=notes.sign_for_party(key, canonical_json(data)),
        )


def test_a_signature_and_its_key_are_inside_the_hashed_event(world):
    key = Ed25519PrivateKey.generate()
    register_party_key(actor=world.ua_officer, party=world.ua, public_key_b64=notes.public_b64(key))
    entry = signed(world, key, {"list": "v1"})
    event = json.loads(entry.event)
    assert event["party_signature"] == {"key": notes.public_b64(key), "value": entry.signature}
    store.publish_checkpoint()
    assert verify_database().ok


def test_a_stripped_signature_is_named(world):
    key = Ed25519PrivateKey.generate()
    register_party_key(actor=world.ua_officer, party=world.ua, public_key_b64=notes.public_b64(key))
    entry = signed(world, key, {"list": "v1"})
    store.publish_checkpoint()
    entry.refresh_from_db()
    sql("UPDATE ledger_entry SET signature = '' WHERE id = %s", entry.pk)
    report = verify_database()
    assert report.problem == (
        f"entry {entry.seq}: its signature column differs from the signature its event carries "
        "(altered)"
    )


def test_a_signature_stripped_from_the_event_breaks_the_tree(world):
    key = Ed25519PrivateKey.generate()
    register_party_key(actor=world.ua_officer, party=world.ua, public_key_b64=notes.public_b64(key))
    entry = signed(world, key, {"list": "v1"})
    store.publish_checkpoint()
    entry.refresh_from_db()
    doc = json.loads(entry.event)
    del doc["party_signature"]
    event = canonical_json(doc).decode()
    sql(
        "UPDATE ledger_entry SET event = %s, signature = '', leaf_hash = %s WHERE id = %s",
        event,
        merkle.leaf_hash(event.encode()),
        entry.pk,
    )
    # Entries 0 (the key's registration) and 1 (the list): their stored pair no longer matches.
    assert verify_database().problem == "subtree hash 1/0: does not match entries 0–1"


def test_a_key_planted_in_the_table_signs_nothing(world):
    planted = Ed25519PrivateKey.generate()
    sql(
        "INSERT INTO ledger_partykey (party_id, public_key, registered_by_id, registered_at) "
        "VALUES (%s, %s, %s, %s)",
        world.ua.pk,
        notes.public_b64(planted),
        world.admin.pk,
        "2026-01-01T00:00:00+00:00",
    )
    assert PartyKey.objects.filter(party=world.ua).exists()
    with pytest.raises(ValidationFailed) as refused:
        signed(world, planted, {"list": "v1"})
    assert refused.value.code == "bad_signature"


def test_a_signature_planted_under_an_unregistered_key_is_named(world):
    # Written behind the arrival check: the event names a key no log entry registered.
    planted = Ed25519PrivateKey.generate()
    data = {"list": "v1"}
    with transaction.atomic():
        entry = append(
            actor=world.ua_officer, action="list.signed", object_type="list", object_id=1, data=data
        )
    store.seal()
    entry.refresh_from_db()
    doc = json.loads(entry.event)
    value = notes.sign_for_party(planted, canonical_json(data))
    doc["party_signature"] = {"key": notes.public_b64(planted), "value": value}
    event = canonical_json(doc).decode()
    sql(
        "UPDATE ledger_entry SET event = %s, signature = %s, leaf_hash = %s WHERE id = %s",
        event,
        value,
        merkle.leaf_hash(event.encode()),
        entry.pk,
    )
    sql("DELETE FROM ledger_node")
    sql("UPDATE ledger_head SET sealed = 0")
    store.publish_checkpoint()
    report = verify_database()
    assert report.problem == (
        f"entry {entry.seq}: signed by party UA with a key the log has not registered for it"
    )


def test_a_revoked_key_signs_nothing_after_its_revocation(world):
    key = Ed25519PrivateKey.generate()
    row = register_party_key(
        actor=world.ua_officer, party=world.ua, public_key_b64=notes.public_b64(key)
    )
    before = signed(world, key, {"list": "v1"})
    revoke_party_key(actor=world.ua_officer, key=row)
    with pytest.raises(ValidationFailed):
        signed(world, key, {"list": "v2"})
    store.publish_checkpoint()
    assert verify_database().ok  # what it signed before its revocation still verifies
    assert json.loads(Entry.objects.get(pk=before.pk).event)["party_signature"]


# --- 4. Every fault named exactly -------------------------------------------------------------


def test_a_row_numbered_past_the_head_is_reported_never_a_crash(log, capsys):
    size = Head.objects.get(id=1).size
    body = b'{"action":"forged","seq":%d}' % (size + 2)
    sql(
        "INSERT INTO ledger_entry (seq, at, action, object_type, object_id, event, leaf_hash, "
        "signature) VALUES (%s, %s, 'forged', 't', 'x', %s, %s, '')",
        size + 2,
        "2026-01-01T00:00:00+00:00",
        body.decode(),
        merkle.leaf_hash(body),
    )
    message = f"entry {size + 2}: numbered past the head (the log has {size} entries)"
    assert verify_database().problem.startswith(message)
    # After the next actions too: the sequencer reaches that number and says what it is.
    add(log, 3, start=60)
    code, _, err = verify_command(capsys)
    assert code == 1 and message in err
    with pytest.raises(SystemExit):
        call_command("ledger", "checkpoint")
    assert message in capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command("ledger", "export", "/nonexistent-never-written")
    assert message in capsys.readouterr().err


def roll_back_to(size):
    sql(
        "DELETE FROM ledger_salt WHERE entry_id IN (SELECT id FROM ledger_entry WHERE seq >= %s)",
        size,
    )
    sql("DELETE FROM ledger_entry WHERE seq >= %s", size)
    sql("DELETE FROM ledger_checkpoint WHERE size > %s", size)
    sql("DELETE FROM ledger_node")
    sql("UPDATE ledger_head SET size = %s, sealed = 0", size)


def test_a_rollback_is_named_and_not_signed(log, capsys, tmp_path):
    kept = tmp_path / "ua-kept.note"
    kept.write_text(store.latest_checkpoint().note)
    roll_back_to(40)
    code, _, err = verify_command(capsys)
    assert code == 1
    assert "rollback: the log has 40 entries, but this instance signed checkpoint 50" in err
    assert not Checkpoint.objects.filter(size=40).exists()
    # A party's kept copy names it too (the instance's own file aside).
    store_file = store._signed_path()
    store_file.unlink()
    report = verify_database(kept=[(str(kept), kept.read_text())])
    assert report.problem == (
        f"rollback: the log has 40 entries, fewer than checkpoint 50 kept in {kept}"
    )


def test_a_changed_object_id_column_is_named(log):
    sql("UPDATE ledger_entry SET object_id = 'elsewhere' WHERE seq = 12")
    assert verify_database().problem == (
        "entry 12: its object_id column says 'elsewhere', its event '12' (altered)"
    )


@pytest.mark.parametrize(
    ("column", "value"), [("object_type", "hidden"), ("action", "other.action")]
)
def test_each_column_that_finds_an_entry_is_checked(log, column, value):
    sql(f"UPDATE ledger_entry SET {column} = %s WHERE seq = 7", value)  # noqa: S608 - constants
    problem = verify_database().problem
    assert problem.startswith(f"entry 7: its {column} column says {value!r}")


def test_a_changed_actor_party_or_time_column_is_named(log):
    sql("UPDATE ledger_entry SET actor_id = %s WHERE seq = 9", log.admin.pk)
    assert verify_database().problem.startswith("entry 9: its actor column says")
    sql(
        "UPDATE ledger_entry SET actor_id = %s, party_id = %s WHERE seq = 9",
        log.caseworker.pk,
        log.ua.pk,
    )
    assert verify_database().problem.startswith("entry 9: its party column says 'UA'")
    sql(
        "UPDATE ledger_entry SET party_id = %s, at = %s WHERE seq = 9",
        log.ni.pk,
        "2020-01-01T00:00:00+00:00",
    )
    assert verify_database().problem.startswith("entry 9: its at column says")


def test_a_deleted_subtree_hash_is_named_as_itself(log):
    sql('DELETE FROM ledger_node WHERE level = 3 AND "index" = 2')
    assert verify_database().problem == "subtree hash 3/2: missing (entries 16–23)"


def test_an_altered_checkpoint_root_column_is_named(log):
    sql("UPDATE ledger_checkpoint SET root = %s WHERE size = 37", b"\x07" * 32)
    assert verify_database().problem == (
        "checkpoint 37: its root column differs from the root its note signs"
    )


def test_two_signed_roots_for_one_size_are_named_equivocation(log, tmp_path):
    # The operator (who holds the key file) signs another root for size 50 and stores it; the
    # party kept the first. Both verify under the instance's key.
    kept = store.latest_checkpoint().note
    other = notes.sign_note(
        notes.Checkpoint(store.origin(), 50, b"\x05" * 32).body(),
        store.origin(),
        store.instance_key(),
    )
    sql("UPDATE ledger_checkpoint SET note = %s, root = %s WHERE size = 50", other, b"\x05" * 32)
    problem = verify_database(kept=[("UA's copy", kept)]).problem
    assert problem.startswith("checkpoint 50: equivocation: two signed roots for this size, ")
    assert "(kept in this instance's file of its last signed checkpoint)" in problem


def test_a_forged_entry_inserted_at_n_is_reported_at_n(log):
    # Entries from 21 on moved up one; a forged entry put at 21, with its own valid hash.
    for (seq,) in sql("SELECT seq FROM ledger_entry WHERE seq >= 21 ORDER BY seq DESC"):
        sql("UPDATE ledger_entry SET seq = %s WHERE seq = %s", seq + 1, seq)
    body = json.loads(sql("SELECT event FROM ledger_entry WHERE seq = 20")[0][0])
    body["seq"], body["data"] = 21, {"i": "forged"}
    event = canonical_json(body)
    sql(
        "INSERT INTO ledger_entry (seq, at, actor_id, party_id, action, object_type, object_id, "
        "event, leaf_hash, signature) SELECT 21, at, actor_id, party_id, action, object_type, "
        "object_id, %s, %s, '' FROM ledger_entry WHERE seq = 20",
        event.decode(),
        merkle.leaf_hash(event),
    )
    sql("UPDATE ledger_head SET size = size + 1")
    assert verify_database().problem.startswith("entry 21: inserted")


def test_a_salt_that_no_longer_opens_its_commitment_is_named(log, monkeypatch, capsys):
    monkeypatch.setitem(privacy.OPENERS, "test.event", lambda oid: {"name": [f"Person {oid}"]})
    code, out, err = verify_command(capsys, "--commitments")
    assert code == 0, err
    entry_id = Entry.objects.get(seq=14).pk
    sql("UPDATE ledger_salt SET salt = %s WHERE entry_id = %s", b"\x01" * 32, entry_id)
    code, _, err = verify_command(capsys, "--commitments")
    assert code == 1
    assert "entry 14: the salt of 'name' no longer opens its commitment" in err
    sql("DELETE FROM ledger_salt WHERE entry_id = %s", entry_id)
    assert privacy.commitments_problem() == (
        "entry 14: its commitment to 'name' has no salt (the salt row was deleted)"
    )


def test_only_those_who_may_read_salts_check_commitments(log):
    from homeward.lib.errors import Forbidden

    assert privacy.verify_commitments(actor=log.caseworker) == ""
    for user in (log.auditor, log.ua_officer, log.analyst):
        with pytest.raises(Forbidden):
            privacy.verify_commitments(actor=user)


def test_the_fingerprint_names_the_key_and_its_hash(log):
    text = store.file_verifier_key()
    name, keyhash, b64 = text.split("+", 2)
    assert notes.fingerprint(text).startswith(f"{name}+{keyhash} sha256:")
    assert len(base64.b64decode(b64)) == 33


def test_verify_checks_a_checkpoint_a_party_kept(log, capsys, tmp_path):
    kept = tmp_path / "md-kept.note"
    kept.write_text(store.latest_checkpoint().note)
    assert verify_command(capsys, "--checkpoint", str(kept))[0] == 0
    roll_back_to(45)
    store._signed_path().unlink()  # the operator, who holds the files, deleted the instance's copy
    code, _, err = verify_command(capsys, "--checkpoint", str(kept))
    assert code == 1
    assert f"rollback: the log has 45 entries, fewer than checkpoint 50 kept in {kept}" in err


def test_the_ledger_page_reports_a_row_past_the_head_instead_of_failing(log, client):
    size = Head.objects.get(id=1).size
    body = b'{"seq":%d}' % (size + 1)
    sql(
        "INSERT INTO ledger_entry (seq, at, action, object_type, object_id, event, leaf_hash, "
        "signature) VALUES (%s, %s, 'forged', 't', 'x', %s, %s, '')",
        size + 1,
        "2026-01-01T00:00:00+00:00",
        body.decode(),
        merkle.leaf_hash(body),
    )
    add(log, 1, start=70)
    client.force_login(log.auditor)
    page = client.post("/ledger/", follow=True).content.decode()
    assert f"entry {size + 1}: numbered past the head" in page
