"""The instance's side of witnessing: the latest checkpoint with its cosignatures, consistency
proofs between any two sizes up to it, and the cosignatures witnesses submit.

Plain text over HTTP, public (they reveal sizes and hashes only), under /ledger/:
    GET  checkpoint                 the latest signed checkpoint, its cosignature lines appended
    GET  consistency?old=M&new=N    the consistency proof, one base64 hash a line
    POST cosignature                the checkpoint's body, a blank line, the witness's line(s)

The witnesses' cosigner verifier keys are the operator's configuration: `LEDGER_WITNESSES` in
settings, and/or one key a line in $HOMEWARD_VAR/ledger/witnesses.txt. A cosignature from a key
not configured, on a checkpoint the instance did not sign, or that does not verify, is refused.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import notes, store
from .models import Checkpoint, Cosignature

MAX_COSIGNATURE_BYTES = 16_384


class CosignatureRefused(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def witness_keys() -> list[notes.Verifier]:
    texts = list(getattr(settings, "LEDGER_WITNESSES", []))
    path = Path(settings.VAR_DIR) / "ledger" / "witnesses.txt"
    if path.exists():
        texts += [
            line.strip()
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
    return [notes.Verifier.parse(t, notes.COSIGNATURE_V1) for t in texts]


def cosigned_note(cp: Checkpoint) -> str:
    """The checkpoint as signed, with every stored cosignature line after the instance's."""
    lines = cp.cosignatures.order_by("witness").values_list("line", flat=True)
    return cp.note + "".join(f"{line}\n" for line in lines)


def accept_cosignature(text: str) -> list[str]:
    """Stores the configured witnesses' valid cosignatures in `text`; returns their names."""
    try:
        body, lines = notes.split_note(text)
        claimed = notes.Checkpoint.parse_body(body)
    except notes.NoteError as exc:
        raise CosignatureRefused(400, f"not a cosigned checkpoint: {exc}") from None
    cp = Checkpoint.objects.filter(size=claimed.size).first()
    if cp is None or bytes(cp.root) != claimed.root or notes.split_note(cp.note)[0] != body:
        raise CosignatureRefused(
            409, f"this instance signed no such checkpoint of size {claimed.size}"
        )
    stored = []
    for verifier in witness_keys():
        try:
            timestamp = notes.cosignature_in(text, verifier)
        except notes.NoteError as exc:
            raise CosignatureRefused(400, str(exc)) from None
        if timestamp is None:
            continue
        line = next(
            ln for ln in lines if ln[2:].rsplit(" ", 1)[0] == verifier.name and _kid(ln, verifier)
        )
        with transaction.atomic():
            Cosignature.objects.update_or_create(
                checkpoint=cp,
                witness=verifier.name,
                defaults={"timestamp": timestamp, "line": line},
            )
        stored.append(verifier.name)
    if not stored:
        raise CosignatureRefused(
            403, "no cosignature by a witness this instance is configured with"
        )
    return stored


def _kid(line: str, verifier: notes.Verifier) -> bool:
    import base64

    try:
        return base64.b64decode(line.rsplit(" ", 1)[1])[:4] == verifier.hash
    except ValueError:
        return False


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@require_GET
def checkpoint(request: HttpRequest) -> HttpResponse:
    cp = store.latest_checkpoint()
    if cp is None:
        return _text("no checkpoint yet\n", 404)
    return _text(cosigned_note(cp))


@require_GET
def consistency(request: HttpRequest) -> HttpResponse:
    try:
        old = int(request.GET.get("old", ""))
        new = int(request.GET.get("new", ""))
    except ValueError:
        return _text("old and new are tree sizes\n", 400)
    latest = store.latest_checkpoint()
    if latest is None:
        return _text("no checkpoint yet\n", 404)
    if not 0 < old <= new <= latest.size:
        return _text(f"need 0 < old <= new <= {latest.size}\n", 400)
    proof = store.consistency_proof(old, new) if old < new else []
    return _text("".join(notes.b64(h) + "\n" for h in proof))


@csrf_exempt
@require_POST
def cosignature(request: HttpRequest) -> HttpResponse:
    if len(request.body) > MAX_COSIGNATURE_BYTES:
        return _text("too large\n", 413)
    try:
        names = accept_cosignature(request.body.decode("utf-8"))
    except UnicodeDecodeError:
        return _text("not UTF-8\n", 400)
    except CosignatureRefused as exc:
        return _text(f"{exc}\n", exc.status)
    return _text("".join(f"stored {n}\n" for n in names))
