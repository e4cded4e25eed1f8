"""Verifying the ledger without a database: bundles and single-entry proofs. Pure Python.

    python -m homeward.ledger.offline BUNDLE_DIR        (or: homeward ledger verify --bundle DIR)
    python -m homeward.ledger.offline --proof FILE      (or: homeward ledger verify --proof FILE)

A bundle (written by `homeward ledger export DIR`):
    entries.jsonl      one line per entry: {"seq", "event" (the canonical JSON, as hashed),
                       "signature" (a party's, or ""), "party" (its code, or null)}
    checkpoints.jsonl  one line per checkpoint: {"size", "note" (the signed note)}
    keys.json          {"origin", "instance" (verifier key), "parties": {code: [public keys]}}

The same `Verifier` runs over the database (verify.py feeds it rows from there), so both paths
check exactly the same things, and report the first entry or checkpoint that does not agree.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import rfc8785

from . import merkle, notes


@dataclass
class Report:
    ok: bool = True
    entries: int = 0
    checkpoints: int = 0
    problem: str = ""

    def fail(self, problem: str) -> None:
        if self.ok:
            self.ok, self.problem = False, problem


@dataclass
class Verifier:
    """Feed entries in order, then checkpoints are checked against the recomputed tree."""

    instance: notes.Verifier
    origin: str
    party_keys: dict[str, list[str]] = field(default_factory=dict)
    checkpoints: list[tuple[int, str]] = field(default_factory=list)  # (size, note), by size
    # Stored subtree hashes (level, index, hash) in completion order, when checking a database.
    nodes: Iterator[tuple[int, int, bytes]] | None = None

    def run(self, entries: Iterable[tuple[int, str, bytes | None, str, str | None]]) -> Report:
        """entries: (seq, event text, stored leaf hash or None, signature, party code)."""
        report = Report()
        bad_node: list[str] = []
        node_rows = self.nodes

        def check_node(level: int, index: int, h: bytes) -> None:
            nonlocal node_rows
            if node_rows is None or bad_node:
                return
            row = next(node_rows, None)
            if row is None:  # the unsealed tail has no stored nodes yet
                node_rows = None
            elif (row[0], row[1]) != (level, index) or bytes(row[2]) != h:
                lo, hi = index << level, (index + 1) << level
                bad_node.append(
                    f"subtree hash {row[0]}/{row[1]}: does not match entries {lo}–{hi - 1}"
                )

        tree = merkle.CompactRange(on_node=check_node)
        pending = sorted(self.checkpoints)
        opened: list[notes.Checkpoint] = []
        for size, note in pending:
            try:
                opened.append(notes.open_checkpoint(note, self.instance, self.origin))
            except notes.NoteError as exc:
                report.fail(f"checkpoint {size}: {exc}")
                return report
            if opened[-1].size != size:
                report.fail(f"checkpoint {size}: its note says size {opened[-1].size}")
                return report
        cursor = 0
        for seq, event, stored, signature, party in entries:
            if seq != tree.size:
                report.fail(
                    f"entry {tree.size}: missing (the next entry is {seq})"
                    if seq > tree.size
                    else f"entry {seq}: out of order or repeated"
                )
                return report
            body = event.encode()
            if not event.endswith(f'"seq":{seq}}}'):
                report.fail(
                    f"entry {seq}: its event does not carry seq {seq} (reordered or altered)"
                )
                return report
            leaf = merkle.leaf_hash(body)
            if stored is not None and bytes(stored) != leaf:
                report.fail(f"entry {seq}: the stored leaf hash does not match its event (altered)")
                return report
            if signature:
                problem = self._signature_problem(event, signature, party)
                if problem:
                    report.fail(f"entry {seq}: {problem}")
                    return report
            tree.append(leaf)
            report.entries += 1
            if bad_node:
                report.fail(bad_node[0])
                return report
            while cursor < len(opened) and opened[cursor].size == tree.size:
                if tree.root() != opened[cursor].root:
                    report.fail(
                        f"checkpoint {tree.size}: the entries up to it do not give its signed root "
                        "(an entry before it was changed, removed or reordered)"
                    )
                    return report
                report.checkpoints += 1
                cursor += 1
        if cursor < len(opened):
            report.fail(f"checkpoint {opened[cursor].size}: the log has only {tree.size} entries")
        return report

    def _signature_problem(self, event: str, signature: str, party: str | None) -> str:
        try:
            data = json.loads(event)["data"]
        except (ValueError, KeyError):
            return "its event is not JSON with data"
        message = rfc8785.dumps(data)
        keys = self.party_keys.get(party or "", [])
        if not any(notes.verify_party_signature(k, message, signature) for k in keys):
            return f"the signature of party {party} does not verify"
        return ""


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def verify_bundle(directory: str | Path) -> Report:
    d = Path(directory)
    try:
        keys = json.loads((d / "keys.json").read_text(encoding="utf-8"))
        verifier = Verifier(
            instance=notes.Verifier.parse(keys["instance"]),
            origin=keys["origin"],
            party_keys=keys.get("parties", {}),
            checkpoints=[(c["size"], c["note"]) for c in _jsonl(d / "checkpoints.jsonl")],
        )
    except (OSError, ValueError, KeyError, notes.NoteError) as exc:
        return Report(ok=False, problem=f"bundle: {exc}")
    entries = (
        (e["seq"], e["event"], None, e.get("signature", ""), e.get("party"))
        for e in _jsonl(d / "entries.jsonl")
    )
    return verifier.run(entries)


# --- Single-entry proofs ------------------------------------------------------------------------

PROOF_FORMAT = "homeward-entry-proof@1"


def proof_document(
    *, event: str, index: int, proof: list[bytes], checkpoint_note: str, verifier_key: str
) -> dict:
    """The proof file: the entry, and a c2sp.org/tlog-proof of it against a signed checkpoint."""
    tlog = "c2sp.org/tlog-proof@v1\n" + f"index {index}\n"
    tlog += "".join(base64.b64encode(h).decode() + "\n" for h in proof) + "\n" + checkpoint_note
    return {
        "format": PROOF_FORMAT,
        "entry": event,
        "tlog_proof": tlog,
        "verifier_key": verifier_key,
    }


def verify_proof(doc: dict, trusted_key: str | None = None) -> tuple[int, notes.Checkpoint]:
    """Returns (index, checkpoint) or raises ValueError naming what is wrong. `trusted_key` is
    the instance's verifier key as the reader knows it; without it, the key in the file is used
    (which proves consistency, not authenticity)."""
    if doc.get("format") != PROOF_FORMAT:
        raise ValueError("not a Homeward entry proof")
    lines = doc["tlog_proof"].split("\n")
    if lines[0] != "c2sp.org/tlog-proof@v1" or not lines[1].startswith("index "):
        raise ValueError("malformed tlog proof")
    index = int(lines[1][6:])
    hashes, i = [], 2
    while lines[i] != "":
        hashes.append(base64.b64decode(lines[i], validate=True))
        i += 1
    note = "\n".join(lines[i + 1 :])
    verifier = notes.Verifier.parse(trusted_key or doc["verifier_key"])
    checkpoint = notes.Checkpoint.parse_body(notes.open_note(note, verifier))
    event = doc["entry"]
    if not event.endswith(f'"seq":{index}}}'):
        raise ValueError(f"the entry is not entry {index}")
    try:
        merkle.verify_inclusion(
            index, checkpoint.size, merkle.leaf_hash(event.encode()), hashes, checkpoint.root
        )
    except merkle.ProofError as exc:
        raise ValueError(f"the entry is not in the checkpointed tree: {exc}") from None
    return index, checkpoint


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "--proof":
        try:
            index, cp = verify_proof(json.loads(Path(args[1]).read_text(encoding="utf-8")))
        except (ValueError, KeyError, OSError, notes.NoteError) as exc:
            print(f"FAILED: {exc}")
            return 1
        print(f"OK: entry {index} is in the log {cp.origin} of size {cp.size} (signed checkpoint)")
        return 0
    if len(args) == 1:
        report = verify_bundle(args[0])
        print(
            f"{'OK' if report.ok else 'FAILED'}: {report.entries} entries, {report.checkpoints} checkpoints"
            + (f"; {report.problem}" if report.problem else "")
        )
        return 0 if report.ok else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
