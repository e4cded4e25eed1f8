"""A witness of a Homeward instance (`homeward ledger witness URL --state DIR`). No database.

Each party and the mediator can run one. A run fetches the instance's latest checkpoint and,
when it is larger than the last one the witness accepted, a consistency proof between the two;
it checks the instance's signature (against the key it pinned on its first run) and the proof,
and only then keeps the new checkpoint and cosigns it (c2sp.org/tlog-cosignature,
cosignature/v1, so any witness implementing the spec could do the same), submitting the
cosignature to the instance, which serves it with the checkpoint.

A smaller checkpoint (rollback), another root for the size it accepted (equivocation) or a
larger one that does not extend it (a rewritten history) is misbehaviour: the witness writes
both signed notes (and the proof) to DIR/evidence-<kind>-<time>/, stops cosigning (every later
run refuses while evidence is there) and exits 1.

DIR holds:
    witness.key       the witness's Ed25519 private key (base64, mode 0600), made on the first run
    witness.vkey      its cosigner verifier key: give it to the instance's operator
    log.vkey          the instance's verifier key it trusts (from --key on the first run)
    checkpoint.note   the last checkpoint it accepted, as signed
"""

from __future__ import annotations

import base64
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import merkle, notes

TIMEOUT = 10.0
MAX_BODY = 1 << 20


class WitnessError(RuntimeError):
    """The run could not finish (network, configuration, a malformed answer): nothing cosigned."""


class Misbehaviour(WitnessError):
    """The instance showed a checkpoint that contradicts one the witness accepted."""

    def __init__(self, kind: str, message: str, evidence: Path) -> None:
        super().__init__(message)
        self.kind = kind
        self.evidence = evidence


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:  # noqa: S310 - an http(s) URL
            return resp.read(MAX_BODY).decode("utf-8")
    except (urllib.error.URLError, OSError, UnicodeDecodeError) as exc:
        raise WitnessError(f"GET {url}: {exc}") from None


def _post(url: str, body: str) -> None:
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL given by the operator
        url, data=body.encode(), method="POST", headers={"Content-Type": "text/plain"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as resp:  # noqa: S310
            resp.read(MAX_BODY)
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", "replace")
        raise WitnessError(f"POST {url}: {exc.code} {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise WitnessError(f"POST {url}: {exc}") from None


class State:
    def __init__(self, directory: Path) -> None:
        self.dir = directory

    def path(self, name: str) -> Path:
        return self.dir / name

    def write(self, name: str, text: str, mode: int = 0o644) -> None:
        tmp = self.path(name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, self.path(name))

    def read(self, name: str) -> str | None:
        p = self.path(name)
        return p.read_text(encoding="utf-8") if p.exists() else None

    def evidence(self) -> list[Path]:
        return sorted(self.dir.glob("evidence-*"))


def _signing_key(state: State, name: str | None) -> tuple[str, Ed25519PrivateKey]:
    vkey = state.read("witness.vkey")
    secret = state.read("witness.key")
    if secret is not None and vkey is not None:
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(secret.strip()))
        verifier = notes.Verifier.parse(vkey, notes.COSIGNATURE_V1)
        if name is not None and name != verifier.name:
            raise WitnessError(f"this state directory is witness {verifier.name!r}, not {name!r}")
        return verifier.name, key
    if not name:
        raise WitnessError("first run: give the witness a name (--name, e.g. witness.ua.example)")
    if any(c.isspace() or c == "+" for c in name):
        raise WitnessError("a witness name has no spaces and no '+'")
    key = Ed25519PrivateKey.generate()
    state.write("witness.key", base64.b64encode(key.private_bytes_raw()).decode() + "\n", 0o600)
    state.write("witness.vkey", notes.verifier_key(name, key, notes.COSIGNATURE_V1) + "\n")
    return name, key


def _log_key(state: State, given: str | None) -> notes.Verifier:
    kept = state.read("log.vkey")
    if kept is not None:
        if given is not None and given.strip() != kept.strip():
            raise WitnessError(
                f"--key {notes.fingerprint(given)} is not the key this witness pinned, "
                f"{notes.fingerprint(kept)}"
            )
        return notes.Verifier.parse(kept)
    if given is None:
        raise WitnessError("first run: give the instance's verifier key (--key)")
    verifier = notes.Verifier.parse(given)
    state.write("log.vkey", given.strip() + "\n")
    return verifier


def _evidence(state: State, kind: str, files: dict[str, str], report: str) -> Path:
    d = state.path(f"evidence-{kind}-{int(time.time())}")
    d.mkdir(exist_ok=True)
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    (d / "REPORT.txt").write_text(report + "\n", encoding="utf-8")
    return d


def run(url: str, directory: Path, *, name: str | None = None, log_key: str | None = None) -> str:
    """One witnessing round; returns what it did, raises Misbehaviour or WitnessError."""
    directory.mkdir(parents=True, exist_ok=True)
    state = State(directory)
    found = state.evidence()
    if found:
        raise Misbehaviour(
            "stopped",
            "this witness holds evidence of misbehaviour and no longer cosigns",
            found[0],
        )
    witness_name, key = _signing_key(state, name)
    log = _log_key(state, log_key)
    base = url if url.endswith("/") else url + "/"
    offered = _get(urllib.parse.urljoin(base, "checkpoint"))
    try:
        body, _lines = notes.split_note(offered)
        notes.open_note(offered, log)
        new = notes.Checkpoint.parse_body(body)
    except notes.NoteError as exc:
        raise WitnessError(f"the instance's checkpoint does not verify: {exc}") from None
    if new.origin != log.name:
        raise WitnessError(f"the checkpoint is for origin {new.origin!r}, not {log.name!r}")
    accepted = state.read("checkpoint.note")
    old = None
    if accepted is not None:
        old = notes.Checkpoint.parse_body(notes.split_note(accepted)[0])
        files = {"accepted.note": accepted, "offered.note": offered}
        if new.size < old.size:
            raise Misbehaviour(
                "rollback",
                f"rollback: the instance now signs size {new.size}, smaller than size "
                f"{old.size}, which this witness accepted",
                _evidence(state, "rollback", files, f"rollback: {old.size} -> {new.size}"),
            )
        if new.size == old.size and new.root != old.root:
            raise Misbehaviour(
                "equivocation",
                f"equivocation: two signed roots for size {new.size}",
                _evidence(state, "equivocation", files, f"equivocation at size {new.size}"),
            )
        if new.size > old.size and old.size > 0:
            query = urllib.parse.urlencode({"old": old.size, "new": new.size})
            text = _get(urllib.parse.urljoin(base, "consistency") + "?" + query)
            try:
                proof = [base64.b64decode(line, validate=True) for line in text.split()]
                merkle.verify_consistency(old.size, new.size, proof, old.root, new.root)
            except (ValueError, merkle.ProofError) as exc:
                files["consistency.proof"] = text
                raise Misbehaviour(
                    "inconsistent",
                    f"inconsistent: size {new.size} does not extend size {old.size}, which this "
                    f"witness accepted ({exc}): history was rewritten",
                    _evidence(state, "inconsistent", files, f"inconsistent: {exc}"),
                ) from None
    # Accepted: kept before it is cosigned, so a crash in between never cosigns twice a tree
    # the witness has not kept.
    state.write("checkpoint.note", offered)
    line = notes.cosign(body, witness_name, key, int(time.time()))
    _post(urllib.parse.urljoin(base, "cosignature"), body + "\n" + line + "\n")
    verb = "accepted" if old is None else ("re-cosigned" if new.size == old.size else "extended")
    return f"{verb}: cosigned size {new.size} as {witness_name}"
