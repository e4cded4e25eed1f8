"""Issue 17's targets at a million entries: `verify` of the whole log, and witnessing a new
checkpoint (fetch it over HTTP, fetch and check the consistency proof, cosign, submit, the
instance stores the cosignature).

    .venv/bin/python benchmarks/ledger/witness_bench.py --var DIR [--n 1000000] [--rounds 30]

The log is built once in DIR (entries written in bulk, not through actions, then sealed and
signed) and reused by later runs with the same DIR. The instance is served by a WSGI server
thread on 127.0.0.1 in this process; the witness runs in this process too (its HTTP requests
go through the loopback).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def setup(var: Path) -> None:
    os.environ.setdefault("HOMEWARD_TESTING", "1")
    os.environ["HOMEWARD_VAR"] = str(var)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(n: int) -> float:
    from homeward.ledger import merkle, store
    from homeward.ledger.canonical import canonical_json
    from homeward.ledger.models import Entry, Head
    from homeward.lib.bulk import insert_rows

    have = Head.objects.filter(id=1).values_list("size", flat=True).first() or 0
    if have >= n:
        return 0.0
    t = time.perf_counter()
    at = "2026-01-01T00:00:00+00:00"

    def rows():
        for seq in range(have, n):
            body = canonical_json(
                {
                    "seq": seq,
                    "at": at,
                    "actor": None,
                    "party": None,
                    "action": "bench.event",
                    "object": {"type": "person", "id": str(seq)},
                    "data": {"kind": "visited"},
                    "commitments": {},
                }
            )
            yield (
                seq,
                at,
                "bench.event",
                "person",
                str(seq),
                body.decode(),
                merkle.leaf_hash(body),
                "",
            )

    insert_rows(
        Entry,
        ["seq", "at", "action", "object_type", "object_id", "event", "leaf_hash", "signature"],
        rows(),
    )
    Head.objects.update_or_create(id=1, defaults={"size": n})
    store.publish_checkpoint()
    return time.perf_counter() - t


def serve():
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        # As a production server does (gunicorn, waitress): without it, a response written in
        # two segments waits for the client's delayed ACK, 40 ms a request on Linux.
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--var", required=True)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--skip-verify", action="store_true")
    args = ap.parse_args()
    var = Path(args.var)
    var.mkdir(parents=True, exist_ok=True)
    setup(var)
    from django.conf import settings
    from django.db import transaction

    from homeward.ledger import notes, store, witness
    from homeward.ledger.actions import append
    from homeward.ledger.verify import verify_database

    built = build(args.n)
    print(f"log of {store.latest_checkpoint().size:,} entries (built now in {built:.1f} s)")
    if not args.skip_verify:
        t, c = time.perf_counter(), time.process_time()
        report = verify_database()
        took, cpu_s = time.perf_counter() - t, time.process_time() - c
        assert report.ok, report.problem
        print(f"- verify of the whole log: **{took:.1f} s** (CPU {cpu_s:.1f} s; target < 60 s)")

    state = Path(tempfile.mkdtemp(prefix="hw-witness-"))
    server = serve()
    url = f"http://127.0.0.1:{server.server_port}/ledger/"
    # The witness's key, made on its first run, configured as the operator would.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    wkey = Ed25519PrivateKey.generate()
    (state / "witness.key").write_text(
        __import__("base64").b64encode(wkey.private_bytes_raw()).decode()
    )
    vkey = notes.verifier_key("witness.bench", wkey, notes.COSIGNATURE_V1)
    (state / "witness.vkey").write_text(vkey)
    settings.LEDGER_WITNESSES = [vkey]
    print(witness.run(url, state, log_key=store.verifier_key_text()))
    times, cpu = [], []
    for r in range(args.rounds):
        with transaction.atomic():
            for i in range(5):
                append(actor=None, action="bench.more", object_type="t", object_id=f"{r}-{i}")
        store.publish_checkpoint()
        t, c = time.perf_counter(), time.process_time()
        witness.run(url, state)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"- witnessing a new checkpoint at {store.latest_checkpoint().size:,} entries "
        f"(fetch, consistency proof, verify, cosign, submit, stored): median "
        f"**{statistics.median(times):.1f} ms**, p95 {p95:.1f} ms, max {times[-1]:.1f} ms over "
        f"{len(times)} rounds (target < 50 ms); CPU of the witness and the instance together "
        f"(one process): median {statistics.median(cpu):.1f} ms; load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    server.shutdown()


if __name__ == "__main__":
    main()
