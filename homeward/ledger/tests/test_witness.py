"""Witnesses (c2sp.org/tlog-witness, tlog-cosignature): two witness processes against a live
instance; the operator, who holds the key file, rolls the log back and re-signs; both say so."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection, transaction

from homeward.ledger import merkle, notes, store, witness, witnessing
from homeward.ledger.actions import append
from homeward.ledger.models import Cosignature


def grow(n, tag="a"):
    for i in range(n):
        with transaction.atomic():
            append(actor=None, action="t.event", object_type="t", object_id=f"{tag}{i}")
    return store.publish_checkpoint()


def sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def roll_back_to(size):
    """What an operator with the database and the key file does: delete the newest entries and
    their checkpoints, reset the head, and forget the instance's own copy of what it signed."""
    sql(
        "DELETE FROM ledger_cosignature WHERE checkpoint_id IN "
        "(SELECT id FROM ledger_checkpoint WHERE size > %s)",
        size,
    )
    sql("DELETE FROM ledger_checkpoint WHERE size > %s", size)
    sql("DELETE FROM ledger_entry WHERE seq >= %s", size)
    sql("DELETE FROM ledger_node")
    sql("UPDATE ledger_head SET size = %s, sealed = 0", size)
    path = store._signed_path()
    if path is not None and path.exists():
        path.unlink()


def url_of(live_server):
    return live_server.url.replace("localhost", "127.0.0.1") + "/ledger/"


def witness_env(tmp_path):
    env = {**os.environ, "HOMEWARD_TESTING": "1", "HOMEWARD_VAR": str(tmp_path / "witness-var")}
    env.pop("DATABASE_URL", None)  # a witness has no database
    return env


def start_witnesses(url, dirs, env, *first_run):
    return [
        subprocess.Popen(
            [sys.executable, "-m", "homeward", "ledger", "witness", url, "--state", str(d), *extra],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for d, extra in zip(dirs, first_run or [[]] * len(dirs), strict=True)
    ]


def finish(procs):
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        out.append((p.returncode, stdout, stderr))
    return out


@pytest.mark.django_db(transaction=True)
def test_two_witnesses_both_report_the_operators_rollback(live_server, settings, tmp_path):
    url = url_of(live_server)
    env = witness_env(tmp_path)
    dirs = [tmp_path / "ua-witness", tmp_path / "md-witness"]
    grow(20)
    log_key = store.verifier_key_text()
    # First run: each witness makes its key and accepts the checkpoint; the instance does not
    # know it yet and refuses its cosignature, saying so.
    results = finish(
        start_witnesses(
            url,
            dirs,
            env,
            ["--name", "witness.ua.example", "--key", log_key],
            ["--name", "witness.md.example", "--key", log_key],
        )
    )
    for code, _out, err in results:
        assert code == 2 and "403" in err and "no cosignature by a witness" in err, err
    vkeys = [(d / "witness.vkey").read_text().strip() for d in dirs]
    settings.LEDGER_WITNESSES = vkeys  # the operator configures both
    grow(10, "b")
    for code, out, err in finish(start_witnesses(url, dirs, env)):
        assert code == 0, err
        assert out.startswith("extended: cosigned size 30 as witness.")
    assert Cosignature.objects.filter(checkpoint__size=30).count() == 2
    served = witnessing.cosigned_note(store.latest_checkpoint())
    for v in vkeys:
        assert notes.cosignature_in(served, notes.Verifier.parse(v, notes.COSIGNATURE_V1))

    # The operator rolls back to 25 and re-signs a new history of 28 entries.
    roll_back_to(25)
    grow(3, "c")
    assert store.latest_checkpoint().size == 28
    for (code, _out, err), d in zip(finish(start_witnesses(url, dirs, env)), dirs, strict=True):
        assert code == 1
        assert "ROLLBACK: rollback: the instance now signs size 28, smaller than size 30" in err
        (evidence,) = d.glob("evidence-rollback-*")
        accepted = (evidence / "accepted.note").read_text()
        offered = (evidence / "offered.note").read_text()
        # Both notes are signed by the instance's key: the evidence stands on its own.
        key = notes.Verifier.parse(log_key)
        assert notes.open_checkpoint(accepted, key).size == 30
        assert notes.open_checkpoint(offered, key).size == 28
    # They stop cosigning: every later run refuses, and the rolled-back log lacks its witnesses.
    for code, _out, err in finish(start_witnesses(url, dirs, env)):
        assert code == 1 and "STOPPED" in err
    trust = tmp_path / "trust.txt"
    trust.write_text(f"instance {log_key}\n" + "".join(f"witness {v}\n" for v in vkeys))
    with pytest.raises(SystemExit):
        call_command("ledger", "verify", "--keys", str(trust), "--min-witnesses", "2")


def in_process_witness(tmp_path, name):
    state = tmp_path / name
    state.mkdir()
    key = Ed25519PrivateKey.generate()
    (state / "witness.key").write_text(base64.b64encode(key.private_bytes_raw()).decode())
    vkey = notes.verifier_key(name, key, notes.COSIGNATURE_V1)
    (state / "witness.vkey").write_text(vkey)
    return state, vkey


@pytest.mark.django_db(transaction=True)
def test_a_witness_names_equivocation_and_a_rewritten_history(live_server, settings, tmp_path):
    url = url_of(live_server)
    a, va = in_process_witness(tmp_path, "witness.a")
    b, vb = in_process_witness(tmp_path, "witness.b")
    settings.LEDGER_WITNESSES = [va, vb]
    grow(12)
    log_key = store.verifier_key_text()
    for state in (a, b):
        witness.run(url, state, log_key=log_key)
    # Same size, another root: equivocation.
    roll_back_to(8)
    grow(4, "x")
    with pytest.raises(witness.Misbehaviour) as seen:
        witness.run(url, a)
    assert seen.value.kind == "equivocation"
    assert str(seen.value) == "equivocation: two signed roots for size 12"
    # Larger, but not an extension of what b accepted: history rewritten.
    grow(5, "y")
    with pytest.raises(witness.Misbehaviour) as seen:
        witness.run(url, b)
    assert seen.value.kind == "inconsistent"
    assert "does not extend size 12" in str(seen.value)
    assert (seen.value.evidence / "consistency.proof").exists()


@pytest.mark.django_db(transaction=True)
def test_verify_requires_k_of_n_witnesses(live_server, settings, tmp_path, capsys):
    url = url_of(live_server)
    a, va = in_process_witness(tmp_path, "witness.a")
    _b, vb = in_process_witness(tmp_path, "witness.b")
    settings.LEDGER_WITNESSES = [va, vb]
    grow(5)
    witness.run(url, a, log_key=store.verifier_key_text())
    trust = tmp_path / "trust.txt"
    trust.write_text(f"instance {store.verifier_key_text()}\nwitness {va}\nwitness {vb}\n")
    call_command("ledger", "verify", "--keys", str(trust), "--min-witnesses", "1")
    with pytest.raises(SystemExit):
        call_command("ledger", "verify", "--keys", str(trust), "--min-witnesses", "2")
    assert "checkpoint 5: cosigned by 1 of the 2 trusted witnesses, 2 required" in (
        capsys.readouterr().err
    )


def test_a_cosignature_is_laid_out_as_c2sp_specifies():
    key = Ed25519PrivateKey.generate()
    body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    line = notes.cosign(body, "witness.example.com/w1", key, 1679315147)
    dash, name, b64 = line.split(" ")
    assert dash == "\u2014" and name == "witness.example.com/w1"
    raw = base64.b64decode(b64)
    public = notes.public_b64(key)
    # key ID = SHA-256(name || "\n" || 0x04 || public key)[:4]; then a big-endian u64 time.
    import hashlib

    expected_id = hashlib.sha256(
        b"witness.example.com/w1\n\x04" + base64.b64decode(public)
    ).digest()[:4]
    assert raw[:4] == expected_id and int.from_bytes(raw[4:12], "big") == 1679315147
    message = b"cosignature/v1\ntime 1679315147\n" + body.encode()
    key.public_key().verify(raw[12:], message)  # raises if not over exactly that message
    vkey = notes.verifier_key("witness.example.com/w1", key, notes.COSIGNATURE_V1)
    assert base64.b64decode(vkey.split("+", 2)[2])[:1] == b"\x04"
    note = body + "\n" + line + "\n"
    verifier = notes.Verifier.parse(vkey, notes.COSIGNATURE_V1)
    assert notes.cosignature_in(note, verifier) == 1679315147
    with pytest.raises(notes.NoteError):
        notes.cosignature_in(note.replace("20852163", "20852164"), verifier)


@pytest.mark.django_db
def test_the_instance_refuses_cosignatures_it_should_not_store(client, settings, tmp_path):
    grow(3)
    cp = store.latest_checkpoint()
    body = notes.split_note(cp.note)[0]
    key = Ed25519PrivateKey.generate()
    line = notes.cosign(body, "witness.x", key, 1)
    post = lambda text: client.post(  # noqa: E731
        "/ledger/cosignature", text, content_type="text/plain"
    )
    assert post(body + "\n" + line + "\n").status_code == 403  # not a configured witness
    settings.LEDGER_WITNESSES = [notes.verifier_key("witness.x", key, notes.COSIGNATURE_V1)]
    other = body.replace(body.split("\n")[2], base64.b64encode(b"\x01" * 32).decode())
    assert post(other + "\n" + notes.cosign(other, "witness.x", key, 1) + "\n").status_code == 409
    bad = line[:-8] + ("AAAAAAA=" if not line.endswith("AAAAAAA=") else "BBBBBBB=")
    assert post(body + "\n" + bad + "\n").status_code == 400
    assert post("x" * 20_000).status_code == 413
    assert post(body + "\n" + line + "\n").status_code == 200
    assert Cosignature.objects.get().line == line
    served = client.get("/ledger/checkpoint").content.decode()
    assert served == cp.note + line + "\n"
    proof = client.get("/ledger/consistency", {"old": 1, "new": 3}).content.decode().split()
    merkle.verify_consistency(
        1, 3, [base64.b64decode(h) for h in proof], store.root(1), bytes(cp.root)
    )
    for query in ({"old": 0, "new": 3}, {"old": 2, "new": 9}, {"old": "x", "new": 1}):
        assert client.get("/ledger/consistency", query).status_code == 400


def test_a_witness_refuses_to_start_without_its_name_or_the_instance_key(tmp_path):
    with pytest.raises(witness.WitnessError, match="--name"):
        witness.run("http://127.0.0.1:9/ledger/", Path(tmp_path / "w"))
    with pytest.raises(witness.WitnessError, match="--key"):
        witness.run("http://127.0.0.1:9/ledger/", Path(tmp_path / "w"), name="witness.w")
