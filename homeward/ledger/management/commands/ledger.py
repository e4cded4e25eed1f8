"""homeward ledger init-key | checkpoint | verify [--bundle DIR | --proof FILE] | export DIR |
prove SEQ -o FILE | witness URL --state DIR"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.ledger import notes, offline, store
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
        v.add_argument(
            "--key", help="the instance's verifier key as you keep it (default: the key file)"
        )
        v.add_argument(
            "--keys",
            help="a trust file you keep: `instance VKEY` and `witness VKEY` lines",
        )
        v.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            help="a signed checkpoint you kept (a file): the log must still extend it",
        )
        v.add_argument(
            "--min-witnesses",
            type=int,
            default=0,
            help="require this many of the trust file's witnesses to have cosigned the latest",
        )
        v.add_argument(
            "--commitments",
            action="store_true",
            help="also check that every kept salt still opens its commitment (reads the salts)",
        )
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
        w = sub.add_parser(
            "witness",
            help="witness an instance: check its new checkpoint extends the last one, cosign it",
        )
        w.add_argument("url", help="the instance's ledger address, e.g. https://host/ledger/")
        w.add_argument("--state", required=True, help="this witness's directory (keys, state)")
        w.add_argument("--name", help="the witness's key name (first run only)")
        w.add_argument("--key", help="the instance's verifier key (first run only)")

    def handle(self, *args, verb, **opts):
        getattr(self, "do_" + verb.replace("-", "_"))(**opts)

    def do_init_key(self, **_):
        store.instance_key()
        self.stdout.write(f"instance key: {store.verifier_key_text()}")

    def do_checkpoint(self, **_):
        try:
            cp = store.publish_checkpoint()
        except (store.RefusedToSign, store.PastTheHead) as exc:
            self.stderr.write(f"REFUSED: {exc}")
            raise SystemExit(1) from None
        self.stdout.write(cp.note if cp else "the log is empty: nothing to sign")

    def _fail(self, problem: str) -> None:
        self.stderr.write(f"FAILED: {problem}")
        raise SystemExit(1)

    def do_verify(
        self,
        *,
        bundle=None,
        proof=None,
        key=None,
        keys=None,
        checkpoint=(),
        min_witnesses=0,
        commitments=False,
        record=False,
        **_,
    ):
        from homeward.ledger import verify

        started = time.monotonic()
        try:
            pinned, witnesses = verify.pinned_key(key=key, keys_file=keys)
        except (ValueError, OSError) as exc:
            if not (bundle or proof):
                self._fail(str(exc))
            pinned, witnesses = None, []
        if pinned:
            self.stdout.write(f"trusting {notes.fingerprint(pinned)}")
        if proof:
            try:
                doc = json.loads(Path(proof).read_text(encoding="utf-8"))
                index, cp = offline.verify_proof(doc, pinned)
            except (ValueError, KeyError, OSError) as exc:
                self._fail(str(exc))
            if pinned is None:
                self.stdout.write(offline._trust_line(doc["verifier_key"], pinned=False))
            self.stdout.write(f"OK: entry {index} is in the log {cp.origin} of size {cp.size}")
            return
        if bundle:
            report = offline.verify_bundle(bundle, pinned)
            if pinned is None and report.ok:
                self.stdout.write(offline._trust_line(offline.bundle_key(bundle), pinned=False))
        else:
            assert pinned is not None
            kept = []
            for path in checkpoint:
                try:
                    kept.append((path, Path(path).read_text(encoding="utf-8")))
                except OSError as exc:
                    self._fail(f"{path}: {exc}")
            if min_witnesses > len(witnesses):
                self._fail(
                    f"--min-witnesses {min_witnesses}, but the trust file names "
                    f"{len(witnesses)} witnesses"
                )
            # Checked before anything is sealed or signed: a row past the head would crash the
            # sequencer, a changed key row would have the instance sign under a planted key.
            problem = verify.precheck(pinned)
            if problem:
                self._fail(problem)
            try:
                store.publish_checkpoint_if_grown()
            except (store.RefusedToSign, store.PastTheHead) as exc:
                self._fail(str(exc))
            report = verify.verify_database(
                record=record,
                trusted=pinned,
                kept=kept,
                witnesses=witnesses,
                min_witnesses=min_witnesses,
            )
            if report.ok and commitments:
                from homeward.ledger.privacy import commitments_problem

                problem = commitments_problem()
                if problem:
                    report.fail(problem)
        took = time.monotonic() - started
        line = f"{report.entries} entries, {report.checkpoints} checkpoints, {took:.1f} s"
        if not report.ok:
            self.stderr.write(f"FAILED: {report.problem} ({line})")
            raise SystemExit(1)
        self.stdout.write(f"OK: {line}")

    def do_export(self, *, directory, **_):
        from homeward.ledger.verify import export_bundle

        try:
            store.publish_checkpoint_if_grown()
        except (store.RefusedToSign, store.PastTheHead) as exc:
            self._fail(f"{exc} (run `homeward ledger verify`)")
        n = export_bundle(directory)
        self.stdout.write(
            f"{n} entries written to {directory}; check with: homeward ledger verify --bundle {directory}"
        )

    def do_prove(self, *, seq, output, **_):
        try:
            store.publish_checkpoint_if_grown()
        except (store.RefusedToSign, store.PastTheHead) as exc:
            self._fail(f"{exc} (run `homeward ledger verify`)")
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

    def do_witness(self, *, url, state, name=None, key=None, **_):
        from homeward.ledger import witness

        try:
            outcome = witness.run(url, Path(state), name=name, log_key=key)
        except witness.Misbehaviour as exc:
            self.stderr.write(f"{exc.kind.upper()}: {exc} (evidence in {exc.evidence})")
            raise SystemExit(1) from None
        except witness.WitnessError as exc:
            self.stderr.write(f"FAILED: {exc}")
            raise SystemExit(2) from None
        self.stdout.write(outcome)
