"""Verifying the ledger in the database, and exporting it as a bundle for offline checks."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils import timezone

from . import store
from .models import Checkpoint, Entry, PartyKey, Verification
from .offline import Report, Verifier

CHUNK = 20_000


def _entries():
    # Keyset pagination: a plain iterator over a million rows would hold one long read on SQLite
    # and a server-side cursor on PostgreSQL; chunks by seq are as fast and restartable. Pending
    # entries (seq null) are not in the log yet: callers seal first.
    last = -1
    while True:
        rows = list(
            Entry.objects.filter(seq__gt=last)
            .order_by("seq")
            .values_list("seq", "event", "leaf_hash", "signature", "party__code")[:CHUNK]
        )
        if not rows:
            return
        # A numbered entry always has its leaf hash (a check constraint says so); b"" rather than
        # None, which would mean "no stored hash to compare" as in a bundle.
        for seq, event, leaf, signature, party in rows:
            yield seq, event, b"" if leaf is None else leaf, signature, party
        last = rows[-1][0]


def _nodes():
    """Stored subtree hashes in the order a left-to-right pass completes them: by the leaf that
    completes each (its last), then bottom up."""
    from django.db.models import F

    from .models import Node

    last = -1
    while True:
        rows = list(
            Node.objects.annotate(end=(F("index") + 1) * (2 ** F("level")))
            .filter(end__gt=last)
            .order_by("end", "level")
            .values_list("end", "level", "index", "hash")[:CHUNK]
        )
        if not rows:
            return
        # Do not split one `end` across chunks.
        cut = rows[-1][0]
        complete = [r for r in rows if r[0] < cut] if len(rows) == CHUNK else rows
        if not complete:
            complete = rows
        for _end, level, index, h in complete:
            yield level, index, h
        last = complete[-1][0]


def _party_keys() -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    # Revoked keys still verify what was signed before their revocation.
    for code, key in PartyKey.objects.values_list("party__code", "public_key"):
        keys.setdefault(code, []).append(key)
    return keys


def verify_database(*, record: bool = False, requested_by=None) -> Report:
    verifier = Verifier(
        instance=store.verifier(),
        origin=store.origin(),
        party_keys=_party_keys(),
        checkpoints=list(Checkpoint.objects.values_list("size", "note")),
        nodes=_nodes(),
    )
    report = verifier.run(_entries())
    if report.ok:
        report = _check_nodes(report)
    if record:
        Verification.objects.create(
            requested_by=requested_by,
            finished_at=timezone.now(),
            ok=report.ok,
            size=report.entries,
            checkpoints=report.checkpoints,
            message=report.problem,
        )
    return report


def _check_nodes(report: Report) -> Report:
    """The stored subtree hashes serve proofs: each checkpoint's root rebuilt from them must be
    the signed root (so a tampered node cannot make a false proof look true)."""
    for size, root in Checkpoint.objects.order_by("size").values_list("size", "root"):
        try:
            if store.root(size) != bytes(root):
                report.fail(f"checkpoint {size}: the stored subtree hashes do not give its root")
                return report
        except LookupError as exc:
            report.fail(f"checkpoint {size}: {exc}")
            return report
    return report


def export_bundle(directory: str | Path) -> int:
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    n = 0
    with (d / "entries.jsonl").open("w", encoding="utf-8") as fh:
        for seq, event, _leaf, signature, party in _entries():
            fh.write(
                json.dumps(
                    {"seq": seq, "event": event, "signature": signature, "party": party},
                    ensure_ascii=False,
                )
                + "\n"
            )
            n += 1
    with (d / "checkpoints.jsonl").open("w", encoding="utf-8") as fh:
        for size, note in Checkpoint.objects.order_by("size").values_list("size", "note"):
            fh.write(json.dumps({"size": size, "note": note}) + "\n")
    (d / "keys.json").write_text(
        json.dumps(
            {
                "origin": store.origin(),
                "instance": str(store.verifier_key_text()),
                "parties": _party_keys(),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return n
