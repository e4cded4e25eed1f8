"""Verifying the ledger in the database, and exporting it as a bundle for offline checks."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import connection
from django.utils import timezone

from homeward.accounts.models import Party, User

from . import notes, store
from .models import Checkpoint, Cosignature, Head, InstanceKey, Verification
from .offline import Report, Verifier

CHUNK = 20_000


def _entries():
    # Keyset pagination: a plain iterator over a million rows would hold one long read on SQLite
    # and a server-side cursor on PostgreSQL; chunks by seq are as fast and restartable. Pending
    # entries (seq null) are not in the log yet: callers seal first. Raw SQL, and the acting
    # users' and parties' ids resolved from two small dicts: Django's converters and the joins
    # cost more than the rest of the columns' check (benchmarks/ledger/RESULTS.md).

    actors = {pk: str(u) for pk, u in User.objects.values_list("pk", "uuid")}
    parties = dict(Party.objects.values_list("pk", "code"))
    sql = (
        "SELECT seq, event, leaf_hash, signature, party_id, actor_id, action, object_type, "
        "object_id, at FROM ledger_entry WHERE seq > %s ORDER BY seq LIMIT %s"
    )
    last = -1
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [last, CHUNK])
            rows = cursor.fetchall()
        if not rows:
            return
        # A numbered entry always has its leaf hash (a check constraint says so); b"" rather than
        # None, which would mean "no stored hash to compare" as in a bundle. The columns that
        # find an object's entries are compared with the event they sit beside, `at` in the
        # event's own form (SQLite keeps a naive "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC).
        for seq, event, leaf, signature, party, actor, action, otype, oid, at in rows:
            if isinstance(at, str):
                at = at.replace(" ", "T", 1) + "+00:00"
            elif at.tzinfo is None:  # SQLite's converter: naive, in UTC
                at = at.isoformat() + "+00:00"
            else:
                at = at.isoformat()
            columns = (action, otype, oid, actors.get(actor) if actor is not None else None, at)
            yield (
                seq,
                event,
                b"" if leaf is None else leaf,
                signature,
                parties.get(party) if party is not None else None,
                columns,
            )
        last = rows[-1][0]


def _nodes():
    """Stored subtree hashes in the order a left-to-right pass completes them: by the leaf that
    completes each (its last), then bottom up. Fetched a range of leaves at a time, each level's
    subtrees ending in that range by the (level, index) unique index and ordered here: ordering
    the whole table by a computed end in SQL sorted a million rows for every chunk (three
    quarters of a million-entry verification)."""
    head = Head.objects.filter(id=1).first()
    sealed = head.sealed if head is not None else 0
    index = connection.ops.quote_name("index")
    lo = 0
    while lo < sealed:
        hi = min(lo + CHUNK, sealed)
        where, params = [], []
        for level in range(1, sealed.bit_length() + 1):
            # Subtree i of this level ends at (i + 1) << level; those ending in (lo, hi].
            first, last = lo >> level, (hi >> level) - 1
            if first <= last:
                where.append(f"(level = %s AND {index} BETWEEN %s AND %s)")
                params += [level, first, last]
        if where:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT level, {index}, hash FROM ledger_node WHERE "  # noqa: S608
                    + " OR ".join(where),
                    params,
                )
                rows = cursor.fetchall()
            rows.sort(key=lambda r: ((r[1] + 1) << r[0], r[0]))
            for level, i, h in rows:
                yield level, i, bytes(h)
        lo = hi


def pinned_key(*, key: str | None = None, keys_file: str | None = None) -> tuple[str, list[str]]:
    """The instance key a verification trusts and the witnesses it knows, from outside the
    data: `key` (a verifier key), or a trust file a party keeps (`keys_file`: one line
    `instance <verifier key>`, lines `witness <cosigner verifier key>`, # comments), or else
    the key file under HOMEWARD_VAR. Raises ValueError when there is none."""
    witnesses: list[str] = []
    instance = key
    if keys_file:
        for line in Path(keys_file).read_text(encoding="utf-8").splitlines():
            kind, _, value = line.strip().partition(" ")
            if not kind or kind.startswith("#"):
                continue
            if kind == "instance" and instance is None:
                instance = value.strip()
            elif kind == "witness":
                witnesses.append(value.strip())
            elif kind not in ("instance", "witness"):
                # A bare verifier key on its own line: the instance's.
                instance = instance or kind
    if instance is None:
        instance = store.file_verifier_key()
        if instance is None and not InstanceKey.objects.exists():
            store.instance_key()  # a new instance: its key is made on first use, as ever
            instance = store.file_verifier_key()
    if instance is None:
        raise ValueError(
            "no pinned key: give --key VERIFIER_KEY or --keys TRUST_FILE "
            "(the instance's key file is not on this machine)"
        )
    notes.Verifier.parse(instance)
    for w in witnesses:
        notes.Verifier.parse(w, notes.COSIGNATURE_V1)
    return instance, witnesses


def precheck(pinned: str) -> str:
    """What must hold before anything is sealed or signed: the key row is the pinned key, and
    no row is numbered past the head (the sequencer would collide with it)."""
    problem = store.key_row_problem(pinned)
    if problem:
        return problem
    head = Head.objects.filter(id=1).first()
    size = head.size if head is not None else 0
    beyond = store.past_the_head(size)
    if beyond is not None:
        return (
            f"entry {beyond}: numbered past the head (the log has {size} entries): written "
            "behind the sequencer's back"
        )
    return ""


def verify_database(
    *,
    record: bool = False,
    requested_by=None,
    trusted: str | None = None,
    kept: list[tuple[str, str]] | None = None,
    witnesses: list[str] | None = None,
    min_witnesses: int = 0,
) -> Report:
    """Verifies the log against `trusted` (the pinned instance key; default the key file).
    `kept`: checkpoints kept outside the database, as (where, note): a party's copy, a
    witness's; the instance's own last signed one is always among them. `min_witnesses` of the
    cosigner keys in `witnesses` must have cosigned the latest checkpoint."""
    try:
        pinned, _ = pinned_key(key=trusted)
        report = _verify(pinned, kept or [], witnesses or [], min_witnesses)
    except ValueError as exc:
        report = Report(ok=False, problem=str(exc))
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


def _verify(pinned: str, kept: list[tuple[str, str]], witnesses: list[str], k: int) -> Report:
    problem = precheck(pinned)
    if problem:
        return Report(ok=False, problem=problem)
    key = notes.Verifier.parse(pinned)
    own = store.last_signed_note()
    if own is not None:
        kept = [("this instance's file of its last signed checkpoint", own), *kept]
    opened = []
    for where, note in kept:
        try:
            opened.append((where, notes.open_checkpoint(note, key, store.origin())))
        except notes.NoteError as exc:
            return Report(ok=False, problem=f"checkpoint kept in {where}: {exc}")
    rows = list(Checkpoint.objects.order_by("size").values_list("size", "note", "root"))
    # Two roots for one size, each signed by the instance: the strongest evidence there is.
    by_size = {size: (note, bytes(root)) for size, note, root in rows}
    for where, cp in opened:
        if cp.size in by_size:
            try:
                stored = notes.open_checkpoint(by_size[cp.size][0], key, store.origin())
            except notes.NoteError:
                continue  # the run below names a forged stored checkpoint
            if stored.root != cp.root:
                return Report(
                    ok=False,
                    problem=(
                        f"checkpoint {cp.size}: equivocation: two signed roots for this size, "
                        f"{_b64(cp.root)} (kept in {where}) and {_b64(stored.root)} (in the "
                        "database)"
                    ),
                )
    verifier = Verifier(
        instance=key,
        origin=store.origin(),
        checkpoints=[(size, note) for size, note, _ in rows],
        nodes=_nodes(),
        roots_at={cp.size for _, cp in opened},
    )
    report = verifier.run(_entries())
    if not report.ok:
        return report
    for where, cp in opened:
        if cp.size > report.entries:
            report.fail(
                f"rollback: the log has {report.entries} entries, fewer than checkpoint "
                f"{cp.size} kept in {where}"
            )
            return report
        if verifier.roots.get(cp.size) != cp.root:
            report.fail(
                f"checkpoint {cp.size} kept in {where}: the log no longer gives its root "
                "(history before it was rewritten)"
            )
            return report
    for size, note, root in rows:
        if notes.Checkpoint.parse_body(notes.split_note(note)[0]).root != root:
            report.fail(f"checkpoint {size}: its root column differs from the root its note signs")
            return report
    report = _check_nodes(report)
    if report.ok and k:
        report = _check_witnesses(report, rows, witnesses, k)
    return report


def _b64(h: bytes) -> str:
    import base64

    return base64.b64encode(h).decode()


def _check_witnesses(report: Report, rows: list, witnesses: list[str], k: int) -> Report:
    """At least k of the trusted witnesses cosigned the latest checkpoint."""
    if not rows:
        report.fail("no checkpoint for witnesses to cosign")
        return report
    size, note, _root = rows[-1]
    lines = list(Cosignature.objects.filter(checkpoint__size=size).values_list("line", flat=True))
    cosigned = notes.split_note(note)[0] + "\n" + "".join(f"{line}\n" for line in lines)
    good = 0
    for w in witnesses:
        try:
            if (
                notes.cosignature_in(cosigned, notes.Verifier.parse(w, notes.COSIGNATURE_V1))
                is not None
            ):
                good += 1
        except notes.NoteError:
            continue
    if good < k:
        report.fail(
            f"checkpoint {size}: cosigned by {good} of the {len(witnesses)} trusted witnesses, "
            f"{k} required"
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
        for seq, event, _leaf, signature, party, _columns in _entries():
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
            {"origin": store.origin(), "instance": str(store.verifier_key_text())},
            indent=2,
        ),
        encoding="utf-8",
    )
    return n
