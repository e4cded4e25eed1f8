"""The ledger end to end: appends, checkpoints, proofs, bundles, and every tampering fault."""

import json
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection, transaction

from homeward.ledger import merkle, notes, offline, store
from homeward.ledger.actions import append, erase_salts, register_party_key
from homeward.ledger.canonical import canonical_json
from homeward.ledger.models import Checkpoint, Entry, Node, Salt
from homeward.ledger.verify import export_bundle, verify_database
from homeward.lib.errors import Forbidden, ValidationFailed


def add(world, n, start=0):
    for i in range(start, start + n):
        with transaction.atomic():
            append(
                actor=world.caseworker,
                action="test.event",
                object_type="test",
                object_id=i,
                data={"i": i},
                personal={"name": f"Person {i}"},
            )


@pytest.fixture
def log(world):
    add(world, 37)
    store.publish_checkpoint()
    add(world, 13, start=37)
    store.publish_checkpoint()
    return world


def run_sql(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_clean_log_verifies_with_every_checkpoint(log):
    report = verify_database()
    assert report.ok, report.problem
    assert (report.entries, report.checkpoints) == (50 + 2, 2) or report.entries >= 50


def test_appends_outside_a_transaction_are_refused(transactional_db, world):
    with pytest.raises(RuntimeError):
        append(actor=world.caseworker, action="x", object_type="t", object_id=1)


def test_a_user_or_party_the_log_names_cannot_be_deleted(log):
    # The log's references to users and parties carry no database constraint (an action's commit
    # would lock their rows); Django's PROTECT is what keeps them.
    from django.db.models import ProtectedError

    from homeward.accounts.actions import create_party
    from homeward.accounts.models import PartyKind

    with pytest.raises(ProtectedError) as refused:
        log.caseworker.delete()
    assert any(isinstance(o, Entry) for o in refused.value.protected_objects)
    # A party no user belongs to, named only by the log.
    observer = create_party(actor=None, code="OB", name="Observer", kind=PartyKind.INTERMEDIARY)
    with transaction.atomic():
        entry = append(actor=None, party=observer, action="t", object_type="t", object_id=1)
    with pytest.raises(ProtectedError) as refused:
        observer.delete()
    assert [o.pk for o in refused.value.protected_objects] == [entry.pk]


def test_personal_data_enters_the_log_only_as_a_commitment(log):
    entry = Entry.objects.get(seq=3)
    assert "Person 3" not in entry.event
    salt = bytes(Salt.objects.get(entry=entry).salt)
    from homeward.ledger.privacy import opens

    assert opens(json.loads(entry.event)["commitments"]["name"], salt, "Person 3")


def test_erasing_salts_keeps_the_tree_verifiable(log):
    erase_salts(actor=log.caseworker, object_type="test", object_id="3")
    assert Salt.objects.get(entry__seq=3).salt is None
    store.publish_checkpoint()
    assert verify_database().ok


def test_a_changed_entry_is_named(log):
    event = Entry.objects.get(seq=20).event.replace('"i":20', '"i":21')
    run_sql("UPDATE ledger_entry SET event = %s WHERE seq = %s", event, 20)
    report = verify_database()
    assert not report.ok and report.problem.startswith("entry 20:")


def test_a_changed_entry_with_a_recomputed_leaf_hash_is_localised(log):
    event = Entry.objects.get(seq=20).event.replace('"i":20', '"i":21')
    Entry.objects.filter(seq=20).update(event=event, leaf_hash=merkle.leaf_hash(event.encode()))
    report = verify_database()
    # The stored subtree hash over entries 20–21 no longer matches them: the change is pinned to
    # that pair before the signed root of checkpoint 37 is even reached.
    assert not report.ok and report.problem == "subtree hash 1/10: does not match entries 20–21"


def test_a_changed_entry_with_every_hash_recomputed_still_breaks_the_signed_root(log):
    event = Entry.objects.get(seq=20).event.replace('"i":20', '"i":21')
    Entry.objects.filter(seq=20).update(event=event, leaf_hash=merkle.leaf_hash(event.encode()))
    Node.objects.all().delete()
    from homeward.ledger.models import Head

    Head.objects.update(sealed=0)
    store.seal()
    report = verify_database()
    assert not report.ok and report.problem.startswith("checkpoint 37:")


def test_a_deleted_entry_is_named(log):
    Salt.objects.filter(entry__seq=11).delete()
    run_sql("DELETE FROM ledger_entry WHERE seq = %s", 11)
    report = verify_database()
    assert not report.ok and report.problem.startswith("entry 11: missing")


def test_reordered_entries_are_named(log):
    a, b = Entry.objects.get(seq=5), Entry.objects.get(seq=6)
    Entry.objects.filter(seq=5).update(event=b.event, leaf_hash=b.leaf_hash)
    Entry.objects.filter(seq=6).update(event=a.event, leaf_hash=a.leaf_hash)
    report = verify_database()
    assert not report.ok and report.problem.startswith("entry 5:")


def test_a_checkpoint_with_a_bad_signature_is_named(log):
    cp = Checkpoint.objects.get(size=37)
    forged = notes.sign_note(
        notes.Checkpoint(store.origin(), 37, bytes(cp.root)).body(),
        store.origin(),
        Ed25519PrivateKey.generate(),
    )
    Checkpoint.objects.filter(size=37).update(note=forged)
    report = verify_database()
    assert not report.ok and report.problem.startswith("checkpoint 37:")


def test_a_tampered_subtree_hash_is_caught(log):
    # Node 2/0 is on no checkpoint's root path, but proofs for entries 0–3 use it.
    Node.objects.filter(level=2, index=0).update(hash=b"\x00" * 32)
    report = verify_database()
    assert not report.ok and report.problem.startswith("subtree hash 2/0")


def test_inclusion_and_consistency_proofs_verify_against_checkpoints(log):
    cp1, cp2 = store.latest_checkpoint(), Checkpoint.objects.get(size=37)
    for seq in (0, 17, 36):
        leaf = bytes(Entry.objects.get(seq=seq).leaf_hash)
        merkle.verify_inclusion(
            seq, cp1.size, leaf, store.inclusion_proof(seq, cp1.size), bytes(cp1.root)
        )
    proof = store.consistency_proof(cp2.size, cp1.size)
    merkle.verify_consistency(cp2.size, cp1.size, proof, bytes(cp2.root), bytes(cp1.root))


def test_a_proof_for_a_later_tree_does_not_verify_against_an_earlier_checkpoint(log):
    later = store.latest_checkpoint()
    earlier = Checkpoint.objects.get(size=37)
    proof = store.inclusion_proof(5, later.size)
    leaf = bytes(Entry.objects.get(seq=5).leaf_hash)
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(5, earlier.size, leaf, proof, bytes(earlier.root))


def test_a_party_signature_is_checked_on_arrival_and_kept(world):
    key = Ed25519PrivateKey.generate()
    register_party_key(actor=world.ua_officer, party=world.ua, public_key_b64=notes.public_b64(key))
    data = {"list": "v3", "persons": ["a", "b"]}
    with transaction.atomic():
        entry = append(
            actor=world.ua_officer,
            action="list.signed",
            object_type="list",
            object_id=1,
            data=data,
            signature=notes.sign_for_party(key, canonical_json(data)),
        )
    assert entry.signature
    forged = notes.sign_for_party(Ed25519PrivateKey.generate(), canonical_json(data))
    before = Entry.objects.count()
    with pytest.raises(ValidationFailed) as exc, transaction.atomic():
        append(
            actor=world.ua_officer,
            action="list.signed",
            object_type="list",
            object_id=1,
            data=data,
            signature=forged,
        )
    assert exc.value.code == "bad_signature" and Entry.objects.count() == before
    store.publish_checkpoint()
    assert verify_database().ok


def test_only_the_party_itself_or_the_admin_registers_its_key(world):
    key = notes.public_b64(Ed25519PrivateKey.generate())
    with pytest.raises(Forbidden):
        register_party_key(actor=world.ru_officer, party=world.ua, public_key_b64=key)
    with pytest.raises(ValidationFailed):
        register_party_key(actor=world.admin, party=world.ua, public_key_b64="not a key")
    register_party_key(actor=world.admin, party=world.ua, public_key_b64=key)


def test_an_exported_bundle_verifies_in_a_process_without_django(log, tmp_path):
    export_bundle(tmp_path)
    code = (
        "import sys; sys.modules['django'] = None; from homeward.ledger.offline import main; "
        f"sys.exit(main([{str(tmp_path)!r}]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = (tmp_path / "entries.jsonl").read_text().splitlines()
    lines[7] = lines[7].replace('\\"i\\":7', '\\"i\\":8')
    (tmp_path / "entries.jsonl").write_text("\n".join(lines) + "\n")
    report = offline.verify_bundle(tmp_path)
    assert not report.ok and report.problem.startswith("checkpoint 37:")


def test_the_prove_command_writes_a_proof_that_verifies_offline(log, tmp_path, capsys):
    out = tmp_path / "proof.json"
    call_command("ledger", "prove", "12", "-o", str(out))
    doc = json.loads(out.read_text())
    index, cp = offline.verify_proof(doc, store.verifier_key_text())
    assert index == 12 and cp.size >= 50
    doc["entry"] = doc["entry"].replace('"i":12', '"i":13')
    with pytest.raises(ValueError):
        offline.verify_proof(doc)


def test_the_verify_command_exits_1_and_names_the_fault(log, capsys):
    call_command("ledger", "verify")
    assert "OK:" in capsys.readouterr().out
    Salt.objects.filter(entry__seq=30).delete()
    run_sql("DELETE FROM ledger_entry WHERE seq = %s", 30)
    with pytest.raises(SystemExit) as exc:
        call_command("ledger", "verify")
    assert exc.value.code == 1
    assert "entry 30: missing" in capsys.readouterr().err


def test_a_checkpoint_is_published_only_when_the_log_grew(log):
    n = Checkpoint.objects.count()
    assert store.publish_checkpoint_if_grown() is None
    add(log, 1, start=100)
    assert store.publish_checkpoint_if_grown() is not None
    assert Checkpoint.objects.count() == n + 1
