"""Verifying the ledger without a database: bundles and single-entry proofs. Pure Python.

    python -m homeward.ledger.offline [--key VKEY] BUNDLE_DIR    (homeward ledger verify --bundle DIR)
    python -m homeward.ledger.offline [--key VKEY] --proof FILE  (homeward ledger verify --proof FILE)

A bundle (written by `homeward ledger export DIR`):
    entries.jsonl      one line per entry: {"seq", "event" (the canonical JSON, as hashed),
                       "signature" (a party's, or ""), "party" (its code, or null)}
    checkpoints.jsonl  one line per checkpoint: {"size", "note" (the signed note)}
    keys.json          {"origin", "instance" (verifier key; trusted only if it is the key you pin)}

Party keys are read from the log's own `party.key_registered` / `party.key_revoked` entries.

The same `Verifier` runs over the database (verify.py feeds it rows from there), so both paths
check exactly the same things, and report the first entry or checkpoint that does not agree.
"""

from __future__ import annotations

import base64
import itertools
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


# The event's columns a database keeps beside it, to find an object's entries: (action,
# object_type, object_id, actor uuid, at). In a bundle only "party" is there; each one present
# must say what the hashed event says.
Columns = tuple[str, str, str, str | None, str]
COLUMN_NAMES = ("action", "object_type", "object_id", "actor", "at")
KEY_ACTIONS = ("party.key_registered", "party.key_revoked")
_quote = json.encoder.encode_basestring  # the C escaper of ensure_ascii=False: RFC 8785's


def _enc(text: str | None) -> str:
    return "null" if text is None else _quote(text)


def _columns_agree(event: str, party: str | None, columns: Columns) -> bool:
    """The fast check, on the event's text: RFC 8785 puts the members in a known order, so the
    columns must appear as `{"action":…,"actor":…,"at":…,"commitments":` at its start and
    `,"object":{"id":…,"type":…},"party":…,` before its last members (party_signature, seq),
    which cannot contain that text: the last occurrence is the event's own. False sends the
    entry to the full check, which parses it and names what differs."""
    action, otype, oid, actor, at = columns
    head = f'{{"action":{_enc(action)},"actor":{_enc(actor)},"at":{_enc(at)},"commitments":'
    if not event.startswith(head):
        return False
    tail = f',"object":{{"id":{_enc(oid)},"type":{_enc(otype)}}},"party":{_enc(party)},'
    i = event.rfind(tail)
    return i > 0 and event.startswith(('"party_signature":', '"seq":'), i + len(tail))


@dataclass
class Verifier:
    """Feed entries in order, then checkpoints are checked against the recomputed tree.

    Trusts only `instance`, the key given from outside the data. Party keys come from the log
    itself: a `party.key_registered` entry makes a key valid for the entries after it, a
    `party.key_revoked` entry ends that; a signed entry carries its signature and the key it
    names inside its event, so the tree commits to both."""

    instance: notes.Verifier
    origin: str
    checkpoints: list[tuple[int, str]] = field(default_factory=list)  # (size, note), by size
    # Stored subtree hashes (level, index, hash) in completion order, when checking a database.
    nodes: Iterator[tuple[int, int, bytes]] | None = None
    # Sizes whose recomputed root the caller wants (checkpoints kept outside the database).
    roots_at: set[int] = field(default_factory=set)
    roots: dict[int, bytes] = field(default_factory=dict)

    def run(self, entries: Iterable[tuple]) -> Report:
        """entries: (seq, event text, stored leaf hash or None, signature, party code
        [, columns]), columns a dict of the stored columns to compare with the event."""
        report = Report()
        bad_node: list[str] = []
        node_rows = self.nodes

        def check_node(level: int, index: int, h: bytes) -> None:
            nonlocal node_rows
            if node_rows is None or bad_node:
                return
            row = next(node_rows, None)
            lo, hi = index << level, (index + 1) << level
            if row is None:  # the unsealed tail has no stored nodes yet
                node_rows = None
            elif (row[0], row[1]) != (level, index):
                # The row for this subtree is not where it belongs: deleted (or one planted).
                node_rows = itertools.chain([row], node_rows)
                end = (row[1] + 1) << row[0]
                if end > hi or (end == hi and row[0] > level):
                    bad_node.append(
                        f"subtree hash {level}/{index}: missing (entries {lo}–{hi - 1})"
                    )
                else:
                    bad_node.append(f"subtree hash {row[0]}/{row[1]}: not part of the tree")
            elif bytes(row[2]) != h:
                bad_node.append(
                    f"subtree hash {level}/{index}: does not match entries {lo}–{hi - 1}"
                )

        tree = merkle.CompactRange(on_node=check_node)
        opened: list[notes.Checkpoint] = []
        for size, note in sorted(self.checkpoints):
            try:
                opened.append(notes.open_checkpoint(note, self.instance, self.origin))
            except notes.NoteError as exc:
                report.fail(f"checkpoint {size}: {exc}")
                return report
            if opened[-1].size != size:
                report.fail(f"checkpoint {size}: its note says size {opened[-1].size}")
                return report
        keys: dict[str, dict[str, bool]] = {}  # party code -> {public key: still valid}
        cursor = 0
        for row in entries:
            seq, event, stored, signature, party = row[:5]
            columns = row[5] if len(row) > 5 else None
            if seq != tree.size:
                report.fail(
                    f"entry {tree.size}: missing (the next entry is {seq})"
                    if seq > tree.size
                    else f"entry {seq}: out of order or repeated"
                )
                return report
            fast = (
                columns is not None
                and not signature
                and columns[0] not in KEY_ACTIONS
                and event.endswith(f'"seq":{seq}}}')
                and '"party_signature":' not in event
                and _columns_agree(event, party, columns)
            )
            if fast:
                if bad_node:
                    report.fail(bad_node[0])
                    return report
                leaf = merkle.leaf_hash(event.encode())
                if stored is not None and bytes(stored) != leaf:
                    report.fail(
                        f"entry {seq}: the stored leaf hash does not match its event (altered)"
                    )
                    return report
            else:
                checked = self._full_check(
                    report, seq, event, stored, signature, party, columns, keys
                )
                if checked is None:
                    return report
                leaf = checked
                if bad_node:
                    report.fail(bad_node[0])
                    return report
            tree.append(leaf)
            report.entries += 1
            if bad_node:
                # Reported once the next entry was read (an inserted entry names itself there),
                # and before any checkpoint the same change breaks: the subtree is narrower.
                continue
            if tree.size in self.roots_at:
                self.roots[tree.size] = tree.root()
            while cursor < len(opened) and opened[cursor].size == tree.size:
                if tree.root() != opened[cursor].root:
                    report.fail(
                        f"checkpoint {tree.size}: the entries up to it do not give its signed root "
                        "(an entry before it was changed, removed or reordered)"
                    )
                    return report
                report.checkpoints += 1
                cursor += 1
        if bad_node:
            report.fail(bad_node[0])
            return report
        if cursor < len(opened):
            report.fail(f"checkpoint {opened[cursor].size}: the log has only {tree.size} entries")
        return report

    def _full_check(
        self,
        report: Report,
        seq: int,
        event: str,
        stored: bytes | None,
        signature: str,
        party: str | None,
        columns: Columns | None,
        keys: dict[str, dict[str, bool]],
    ) -> bytes | None:
        """Parses the event and checks everything; the leaf hash, or None after report.fail."""
        try:
            doc = json.loads(event)
            claimed = doc.get("seq") if isinstance(doc, dict) else None
        except ValueError:
            doc, claimed = None, None
        if not isinstance(doc, dict) or not event.endswith(f'"seq":{claimed}}}'):
            report.fail(f"entry {seq}: its event is not an entry's canonical JSON (altered)")
            return None
        if claimed != seq:
            if isinstance(claimed, int) and claimed == seq - 1:
                # The entry that was at seq - 1 now stands at seq: one was put before it.
                report.fail(
                    f"entry {seq - 1}: inserted (the entries after it are shifted: the one "
                    f"stored at {seq} carries seq {seq - 1})"
                )
            else:
                report.fail(
                    f"entry {seq}: its event does not carry seq {seq} (reordered or altered)"
                )
            return None
        leaf = merkle.leaf_hash(event.encode())
        if stored is not None and bytes(stored) != leaf:
            report.fail(f"entry {seq}: the stored leaf hash does not match its event (altered)")
            return None
        for problem in (
            _columns_problem(doc, party, columns),
            _signature_problem(doc, signature, keys),
        ):
            if problem:
                report.fail(f"entry {seq}: {problem}")
                return None
        _keep_keys(doc, keys)
        return leaf


def _columns_problem(doc: dict, party: str | None, columns: Columns | None) -> str:
    """The columns an object's history is found by must say what the hashed event says."""
    if party is not None or columns is not None:
        if party != doc.get("party"):
            return f"its party column says {party!r}, its event {doc.get('party')!r} (altered)"
    if not columns:
        return ""
    obj = doc.get("object") or {}
    said = (doc.get("action"), obj.get("type"), obj.get("id"), doc.get("actor"), doc.get("at"))
    for name, value, in_event in zip(COLUMN_NAMES, columns, said, strict=True):
        if value != in_event:
            return f"its {name} column says {value!r}, its event {in_event!r} (altered)"
    return ""


def _signature_problem(doc: dict, signature: str, keys: dict[str, dict[str, bool]]) -> str:
    signed = doc.get("party_signature")
    if not signed:
        if signature:
            return "its signature column holds a signature its event does not carry (planted)"
        return ""
    if not isinstance(signed, dict) or set(signed) != {"key", "value"}:
        return "its party signature is malformed"
    if signature is not None and signature != signed["value"]:
        return "its signature column differs from the signature its event carries (altered)"
    party = doc.get("party")
    state = keys.get(party or "", {}).get(signed["key"])
    if state is None:
        return f"signed by party {party} with a key the log has not registered for it"
    if state is False:
        return f"signed by party {party} with a key the log revoked before it"
    message = rfc8785.dumps(doc.get("data"))
    if not notes.verify_party_signature(signed["key"], message, signed["value"]):
        return f"the signature of party {party} does not verify"
    return ""


def _keep_keys(doc: dict, keys: dict[str, dict[str, bool]]) -> None:
    action = doc.get("action")
    if action not in ("party.key_registered", "party.key_revoked"):
        return
    key = (doc.get("data") or {}).get("public_key")
    party = doc.get("party")
    if isinstance(key, str) and isinstance(party, str):
        keys.setdefault(party, {})[key] = action == "party.key_registered"


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def bundle_key(directory: str | Path) -> str:
    """The instance verifier key a bundle carries (to compare with the pinned one)."""
    keys = json.loads((Path(directory) / "keys.json").read_text(encoding="utf-8"))
    return str(keys["instance"])


def verify_bundle(directory: str | Path, trusted_key: str | None = None) -> Report:
    """Checks a bundle against `trusted_key`, the instance's verifier key as the reader keeps it.
    Without one the bundle's own key is used: that proves the bundle is consistent, not that
    the instance signed it (the caller says so, with the key's fingerprint)."""
    d = Path(directory)
    try:
        keys = json.loads((d / "keys.json").read_text(encoding="utf-8"))
        carried = str(keys["instance"])
        if trusted_key is not None and carried.strip() != trusted_key.strip():
            return Report(
                ok=False,
                problem=(
                    f"bundle: its key {notes.fingerprint(carried)} is not the pinned key "
                    f"{notes.fingerprint(trusted_key)}"
                ),
            )
        verifier = Verifier(
            instance=notes.Verifier.parse(trusted_key or carried),
            origin=keys["origin"],
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
    args = list(sys.argv[1:] if argv is None else argv)
    key = None
    if "--key" in args:
        i = args.index("--key")
        if i + 1 >= len(args):
            print(__doc__)
            return 2
        key = args[i + 1]
        del args[i : i + 2]
    if len(args) == 2 and args[0] == "--proof":
        try:
            doc = json.loads(Path(args[1]).read_text(encoding="utf-8"))
            index, cp = verify_proof(doc, key)
        except (ValueError, KeyError, OSError, notes.NoteError) as exc:
            print(f"FAILED: {exc}")
            return 1
        print(f"OK: entry {index} is in the log {cp.origin} of size {cp.size} (signed checkpoint)")
        print(_trust_line(key or doc["verifier_key"], pinned=key is not None))
        return 0
    if len(args) == 1:
        report = verify_bundle(args[0], key)
        print(
            f"{'OK' if report.ok else 'FAILED'}: {report.entries} entries, {report.checkpoints} checkpoints"
            + (f"; {report.problem}" if report.problem else "")
        )
        if report.ok:
            print(_trust_line(key or bundle_key(args[0]), pinned=key is not None))
        return 0 if report.ok else 1
    print(__doc__)
    return 2


def _trust_line(key: str, *, pinned: bool) -> str:
    if pinned:
        return f"key: {notes.fingerprint(key)} (pinned)"
    return (
        f"key: {notes.fingerprint(key)}, the file's own: compare it with the key you keep, "
        "or pass --key VERIFIER_KEY"
    )


if __name__ == "__main__":
    sys.exit(main())
