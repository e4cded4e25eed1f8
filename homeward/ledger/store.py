"""The tree as stored: sealing new entries into subtree hashes, roots, proofs, checkpoints.

Appends (actions.append) only insert the entry, pending, so an action's transaction stays short.
`seal()` runs in the worker (and before any proof or checkpoint): it numbers the pending entries
(sequencing.number_pending) and stores the hash of every perfect subtree the new leaves complete.
A root or a proof then needs O(log n) stored hashes, fetched in one query.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connection, transaction

from homeward.lib.bulk import insert_rows

from . import merkle, notes, sequencing
from .models import Checkpoint, Entry, Head, InstanceKey, Node

SEAL_BATCH = 20_000


class RefusedToSign(RuntimeError):
    """The instance will not sign: its key row names another key, or the tree it would sign
    does not extend the last checkpoint it signed (a rollback or a rewrite of the database)."""


class PastTheHead(RuntimeError):
    """A numbered entry at or beyond the head: written behind the sequencer's back."""


# --- The instance key ------------------------------------------------------------------------


def origin() -> str:
    return getattr(settings, "LEDGER_ORIGIN", "homeward.local/ledger")


def _key_path() -> Path:
    return Path(settings.VAR_DIR) / "ledger" / "instance-ed25519.key"


def instance_key(*, create: bool = True) -> Ed25519PrivateKey:
    """The instance's signing key: generated once at set-up (mode 0600), its public half recorded
    in the database so every party can see it and bundles carry it."""
    path = _key_path()
    if path.exists():
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(path.read_text().strip()))
    elif not create:
        raise FileNotFoundError(path)
    else:
        if InstanceKey.objects.exists():
            # A database with a key but no key file: signing with a new key would make every
            # earlier checkpoint look forged to the parties. Refuse; restore the file.
            raise RuntimeError(f"the ledger's instance key is missing: restore {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes_raw()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.b64encode(raw).decode() + "\n")
    InstanceKey.objects.get_or_create(
        name=origin(), defaults={"verifier_key": notes.verifier_key(origin(), key)}
    )
    return key


def verifier() -> notes.Verifier:
    """The key the database names (what the ledger page and bundles show). Never the key a
    verification trusts: that is `pinned_key()`, from outside the data."""
    row = InstanceKey.objects.order_by("created_at").first()
    if row is None:
        instance_key()
        row = InstanceKey.objects.order_by("created_at").first()
    assert row is not None
    return notes.Verifier.parse(row.verifier_key)


def file_verifier_key() -> str | None:
    """The verifier key of the key file under HOMEWARD_VAR, or None without one. Read from the
    file, never the database: someone who can write the database but not the instance's files
    cannot change it."""
    path = _key_path()
    if not path.exists():
        return None
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(path.read_text().strip()))
    return notes.verifier_key(origin(), key)


def key_row_problem(pinned: str) -> str:
    """Names the instance-key row that differs from the pinned key, or ""."""
    for text in InstanceKey.objects.order_by("created_at").values_list("verifier_key", flat=True):
        if text.strip() != pinned.strip():
            return (
                f"instance key: the database names {_fp(text)}, not the pinned key "
                f"{_fp(pinned)} (the key row was changed)"
            )
    return ""


def _fp(text: str) -> str:
    try:
        return notes.fingerprint(text)
    except notes.NoteError:
        return repr(text[:60])


# --- The instance's own memory of what it signed ----------------------------------------------
# The last checkpoint the instance signed is also kept beside its key, outside the database: a
# database administrator who rolls the log back (deletes the newest entries and checkpoints and
# resets the head) cannot roll this file back, so `checkpoint` refuses to sign the smaller tree
# and `verify` names the rollback. An operator who holds the files too can; witnesses catch that.


def _signed_path() -> Path | None:
    configured = getattr(settings, "LEDGER_SIGNED_FILE", "default")
    if configured == "default":
        if getattr(settings, "HOMEWARD_TESTING", False) or getattr(
            settings, "HOMEWARD_DEMO", False
        ):
            # One test database after another share a VAR directory, and `make demo` empties the
            # database (`demo --reset`) under the same one: the file would take each new log for
            # a rollback of the last. Ledger tests set it per test (tests/conftest.py).
            return None
        return Path(settings.VAR_DIR) / "ledger" / "last-signed-checkpoint.note"
    return Path(configured) if configured else None


def last_signed_note() -> str | None:
    path = _signed_path()
    if path is None or not path.exists():
        return None
    return path.read_text(encoding="utf-8")


def _remember_signed(note: str) -> None:
    path = _signed_path()
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(note, encoding="utf-8")
    os.replace(tmp, path)


# --- Sealing ---------------------------------------------------------------------------------


def _perfect_ranges(start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) as perfect aligned subtrees, left to right (the RFC 6962 split)."""
    out = []
    while start < end:
        size = 1 << ((end - start).bit_length() - 1)
        while start % size:
            size >>= 1
        out.append((start, start + size))
        start += size
    return out


def _fetch(ranges: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Stored hashes of perfect aligned ranges: leaves from Entry, the rest from Node.

    Raw SQL: a consistency proof at a million entries looks up ~40 nodes, and building that
    OR of (level, index) pairs through the ORM took longer than the queries themselves."""
    leaves = [s for s, e in ranges if e - s == 1]
    nodes = [((e - s).bit_length() - 1, s // (e - s)) for s, e in ranges if e - s > 1]
    found: dict[tuple[int, int], bytes] = {}
    with connection.cursor() as cursor:
        if leaves:
            marks = ", ".join(["%s"] * len(leaves))
            cursor.execute(
                f"SELECT seq, leaf_hash FROM ledger_entry WHERE seq IN ({marks})",  # noqa: S608
                leaves,
            )
            for seq, h in cursor.fetchall():
                if h is not None:  # a numbered entry has its leaf hash (a check constraint)
                    found[(seq, seq + 1)] = bytes(h)
        if nodes:
            index = connection.ops.quote_name("index")
            where = " OR ".join([f"(level = %s AND {index} = %s)"] * len(nodes))
            cursor.execute(
                f"SELECT level, {index}, hash FROM ledger_node WHERE {where}",  # noqa: S608
                [v for pair in nodes for v in pair],
            )
            for level, i, h in cursor.fetchall():
                found[(i << level, (i + 1) << level)] = bytes(h)
    missing = [r for r in ranges if r not in found]
    if missing:
        raise LookupError(
            f"subtree hashes missing for {missing[:3]}: the log is not sealed that far"
        )
    return found


def subtree_hashes(ranges: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Hashes of arbitrary [start, end) ranges that proofs need, in one round of queries."""
    parts = {r: _perfect_ranges(*r) for r in ranges}
    stored = _fetch(sorted({p for ps in parts.values() for p in ps}))
    out = {}
    for r, ps in parts.items():
        acc = stored[ps[-1]]
        for p in reversed(ps[:-1]):
            acc = merkle.node_hash(stored[p], acc)
        out[r] = acc
    return out


def root(size: int) -> bytes:
    if size == 0:
        return merkle.EMPTY_ROOT
    return subtree_hashes([(0, size)])[(0, size)]


def seal() -> int:
    """The worker's step: numbers the committed pending entries (the sequencer) and stores the
    subtree hashes the new leaves complete; returns the sealed size. Safe to run from several
    processes at once: each batch holds the head row's lock, so they take turns. Entries that
    commit while it runs are numbered by this call or the next one."""
    while True:
        with transaction.atomic():
            head = _locked_head()
            beyond = past_the_head(head.size)
            if beyond is not None:
                # Numbering on would collide with it (a unique-constraint crash); say what it is.
                raise PastTheHead(
                    f"entry {beyond}: numbered past the head (the log has {head.size} entries): "
                    "written behind the sequencer's back; run `homeward ledger verify`"
                )
            # Numbering and hashing in one transaction: a number is never visible without its
            # subtree hashes being written by the same commit, nor the other way round.
            known = sequencing.number_pending(head, SEAL_BATCH)
            if head.sealed >= head.size:
                return head.sealed
            start = head.sealed
            end = min(head.size, start + SEAL_BATCH)
            if all(n in known for n in range(start, end)):
                leaves = [known[n] for n in range(start, end)]
            else:  # entries numbered earlier: by append(numbered=True), or a re-seal
                leaves = [
                    bytes(h)
                    for h in Entry.objects.filter(seq__gte=start, seq__lt=end)
                    .order_by("seq")
                    .values_list("leaf_hash", flat=True)
                    if h is not None
                ]
            if len(leaves) != end - start:
                raise RuntimeError(
                    f"entries missing between {start} and {end}: run `homeward ledger verify`"
                )
            # The right edge of the tree at `start`: the perfect subtrees a new leaf may complete.
            prefix = _perfect_ranges(0, start)
            stored = subtree_hashes(prefix) if prefix else {}
            stack = [(s, e, stored[(s, e)]) for s, e in prefix]
            new_nodes = []
            for i, leaf in enumerate(leaves):
                n = start + i
                stack.append((n, n + 1, leaf))
                while (
                    len(stack) >= 2 and stack[-1][1] - stack[-1][0] == stack[-2][1] - stack[-2][0]
                ):
                    s2, e2, h2 = stack.pop()
                    s1, _e1, h1 = stack.pop()
                    h = merkle.node_hash(h1, h2)
                    width = e2 - s1
                    new_nodes.append((width.bit_length() - 1, s1 // width, h))
                    stack.append((s1, e2, h))
            # The head's lock makes this the only sealer of this range: no conflicts to expect.
            if new_nodes and connection.vendor == "postgresql":
                levels, indexes, hashes = (list(c) for c in zip(*new_nodes, strict=True))
                sequencing.pg_bulk(
                    "INSERT INTO ledger_node (level, index, hash) "
                    "SELECT * FROM unnest(%b::smallint[], %b::bigint[], %b::bytea[])",
                    [levels, indexes, hashes],
                )
            else:
                insert_rows(Node, ["level", "index", "hash"], new_nodes)
            head.sealed = end
            head.save(update_fields=["size", "sealed"])
        # Caught up with what was pending when this batch looked: return, rather than chase a
        # stream of appends forever (the worker comes back in a few seconds).
        if len(known) < SEAL_BATCH and end >= head.size:
            return end


def past_the_head(size: int) -> int | None:
    """The lowest sequence number at or beyond `size`, if a row has one (served by seq's unique
    index: one probe)."""
    row = Entry.objects.filter(seq__gte=size).order_by("seq").values_list("seq", flat=True).first()
    return row


def _locked_head() -> Head:
    head = Head.objects.select_for_update().filter(id=1).first()
    if head is None:
        sequencing.ensure_head()
        head = Head.objects.select_for_update().get(id=1)
    return head


def pending_count() -> int:
    """Entries committed but not numbered yet (served by the partial index on pending rows)."""
    return Entry.objects.filter(seq__isnull=True).count()


# --- Proofs and checkpoints ------------------------------------------------------------------


def inclusion_proof(index: int, size: int) -> list[bytes]:
    ranges = merkle.subtrees_for_inclusion(index, size)
    hashes = subtree_hashes(ranges)
    return [hashes[r] for r in ranges]


def consistency_proof(size1: int, size2: int) -> list[bytes]:
    ranges = merkle.subtrees_for_consistency(size1, size2)
    hashes = subtree_hashes(ranges)
    return [hashes[r] for r in ranges]


def publish_checkpoint() -> Checkpoint | None:
    """Seals and signs a checkpoint for the current size (on demand); None for an empty log."""
    size = seal()
    if size == 0:
        return None
    existing = Checkpoint.objects.filter(size=size).first()
    if existing:
        return existing
    key = instance_key()
    pinned = notes.verifier_key(origin(), key)
    problem = key_row_problem(pinned)
    if problem:
        raise RefusedToSign(f"not signing: {problem}")
    new_root = root(size)
    _refuse_unless_extends(size, new_root, notes.Verifier.parse(pinned))
    body = notes.Checkpoint(origin(), size, new_root).body()
    note = notes.sign_note(body, origin(), key)
    checkpoint, _ = Checkpoint.objects.get_or_create(
        size=size, defaults={"root": new_root, "note": note}
    )
    _remember_signed(checkpoint.note)
    return checkpoint


def _refuse_unless_extends(size: int, new_root: bytes, key: notes.Verifier) -> None:
    """The instance signs only a tree that extends the last one it signed (its file)."""
    note = last_signed_note()
    if note is None:
        return
    try:
        last = notes.open_checkpoint(note, key, origin())
    except notes.NoteError as exc:
        raise RefusedToSign(f"not signing: the last signed checkpoint on file: {exc}") from None
    if size < last.size:
        raise RefusedToSign(
            f"not signing: rollback: the log has {size} entries, but this instance signed "
            f"checkpoint {last.size} (its copy is in {_signed_path()})"
        )
    if size == last.size and new_root != last.root:
        raise RefusedToSign(
            f"not signing: equivocation: the log gives another root for size {size} than the "
            "checkpoint this instance signed"
        )
    if last.size and root(last.size) != last.root:
        raise RefusedToSign(
            f"not signing: the log no longer gives the root of checkpoint {last.size}, which "
            "this instance signed: its history was rewritten"
        )


def publish_checkpoint_if_grown() -> Checkpoint | None:
    """The worker calls this every few seconds: a new checkpoint whenever the log has grown."""
    head = Head.objects.filter(id=1).first()
    latest = Checkpoint.objects.order_by("-size").first()
    size = head.size if head is not None else 0
    grown = size > (latest.size if latest is not None else 0)
    if not grown and not Entry.objects.filter(seq__isnull=True).exists():
        return None
    return publish_checkpoint()


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()


def verifier_key_text() -> str:
    verifier()  # makes sure the key exists
    row = InstanceKey.objects.order_by("created_at").first()
    assert row is not None
    return row.verifier_key
