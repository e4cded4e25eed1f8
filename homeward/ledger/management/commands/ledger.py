"""homeward ledger init-key | checkpoint | verify [--bundle DIR | --proof FILE] | export DIR | prove SEQ -o FILE"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.ledger import offline, store
from homeward.ledger.models import Checkpoint, Entry


class Command(BaseCommand):
    help = "The verifiable ledger: keys, checkpoints, verification, bundles, proofs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("init-key", help="generate the instance's Ed25519 key (once, at set-up)")
        sub.add_parser("checkpoint", help="seal new entries and sign a checkpoint now")
        v = sub.add_parser(
            "verify", help="recompute the tree and check every checkpoint; exit 1 on failure"
        )
        v.add_argument("--bundle", help="verify an exported bundle directory, with no database")
        v.add_argument("--proof", help="verify a single-entry proof file, with no database")
        v.add_argument("--key", help="with --proof: the instance's verifier key as you know it")
        v.add_argument(
            "--record", action="store_true", help="record the result for the auditor's page"
        )
        e = sub.add_parser(
            "export", help="write a bundle (entries, checkpoints, keys) for offline checks"
        )
        e.add_argument("directory")
        p = sub.add_parser("prove", help="write a proof that one entry is in the log")
        p.add_argument("seq", type=int)
        p.add_argument("-o", "--output", required=True)

    def handle(self, *args, verb, **opts):
        getattr(self, "do_" + verb.replace("-", "_"))(**opts)

    def do_init_key(self, **_):
        store.instance_key()
        self.stdout.write(f"instance key: {store.verifier_key_text()}")

    def do_checkpoint(self, **_):
        cp = store.publish_checkpoint()
        self.stdout.write(cp.note if cp else "the log is empty: nothing to sign")

    def do_verify(self, *, bundle=None, proof=None, key=None, record=False, **_):
        started = time.monotonic()
        if proof:
            try:
                index, cp = offline.verify_proof(
                    json.loads(Path(proof).read_text(encoding="utf-8")), key
                )
            except (ValueError, KeyError, OSError) as exc:
                self.stderr.write(f"FAILED: {exc}")
                raise SystemExit(1) from None
            self.stdout.write(f"OK: entry {index} is in the log {cp.origin} of size {cp.size}")
            return
        if bundle:
            report = offline.verify_bundle(bundle)
        else:
            from homeward.ledger.verify import verify_database

            store.publish_checkpoint_if_grown()
            report = verify_database(record=record)
        took = time.monotonic() - started
        line = f"{report.entries} entries, {report.checkpoints} checkpoints, {took:.1f} s"
        if not report.ok:
            self.stderr.write(f"FAILED: {report.problem} ({line})")
            raise SystemExit(1)
        self.stdout.write(f"OK: {line}")

    def do_export(self, *, directory, **_):
        from homeward.ledger.verify import export_bundle

        store.publish_checkpoint_if_grown()
        n = export_bundle(directory)
        self.stdout.write(
            f"{n} entries written to {directory}; check with: homeward ledger verify --bundle {directory}"
        )

    def do_prove(self, *, seq, output, **_):
        store.publish_checkpoint_if_grown()
        cp = Checkpoint.objects.filter(size__gt=seq).order_by("-size").first()
        entry = Entry.objects.filter(seq=seq).first()
        if entry is None or cp is None:
            raise CommandError(f"no entry {seq} under a checkpoint")
        doc = offline.proof_document(
            event=entry.event,
            index=seq,
            proof=store.inclusion_proof(seq, cp.size),
            checkpoint_note=cp.note,
            verifier_key=store.verifier_key_text(),
        )
        Path(output).write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(f"proof of entry {seq} in the tree of size {cp.size} written to {output}")
