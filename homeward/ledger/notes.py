"""C2SP signed notes and tlog checkpoints with Ed25519 keys. Pure Python (cryptography), no Django.

    checkpoint body:  <origin>\\n<tree size>\\n<base64 root hash>\\n
    signed note:      <body>\\n— <key name> <base64(4-byte key hash || 64-byte signature)>\\n
    verifier key:     <key name>+<8 hex digits of key hash>+<base64(0x01 || 32-byte public key)>

The key hash is the first four bytes of SHA-256(key name || "\\n" || 0x01 || public key)
(c2sp.org/signed-note, Ed25519 algorithm byte 0x01).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
DASH = "\u2014"


class NoteError(ValueError):
    """A note or key that is malformed or whose signature does not verify."""


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_hash(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public).digest()[:4]


def verifier_key(name: str, key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = _raw_public(key.public_key() if isinstance(key, Ed25519PrivateKey) else key)
    return f"{name}+{key_hash(name, public).hex()}+{base64.b64encode(ED25519 + public).decode()}"


@dataclass(frozen=True)
class Verifier:
    name: str
    hash: bytes
    public: Ed25519PublicKey

    @classmethod
    def parse(cls, text: str) -> Verifier:
        try:
            name, hexhash, b64 = text.strip().split("+", 2)
            raw = base64.b64decode(b64, validate=True)
        except ValueError:
            raise NoteError("not a verifier key (name+hash+key)") from None
        if raw[:1] != ED25519 or len(raw) != 33:
            raise NoteError("only Ed25519 verifier keys are supported")
        public = raw[1:]
        if key_hash(name, public).hex() != hexhash:
            raise NoteError("the verifier key's hash does not match its name and key")
        return cls(name, bytes.fromhex(hexhash), Ed25519PublicKey.from_public_bytes(public))


def sign_note(body: str, name: str, key: Ed25519PrivateKey) -> str:
    if not body.endswith("\n"):
        raise NoteError("a note body ends with a newline")
    sig = key.sign(body.encode())
    public = _raw_public(key.public_key())
    return f"{body}\n{DASH} {name} {base64.b64encode(key_hash(name, public) + sig).decode()}\n"


def open_note(note: str, verifier: Verifier) -> str:
    """Returns the body when a signature by `verifier` verifies; raises NoteError otherwise."""
    body, sep, sigs = note.partition("\n\n")
    if not sep:
        raise NoteError("no signature block")
    body += "\n"
    found = False
    for line in sigs.splitlines():
        if not line.startswith(DASH + " "):
            raise NoteError("malformed signature line")
        try:
            name, b64 = line[2:].rsplit(" ", 1)
            raw = base64.b64decode(b64, validate=True)
        except ValueError:
            raise NoteError("malformed signature line") from None
        if name != verifier.name or raw[:4] != verifier.hash:
            continue
        found = True
        try:
            verifier.public.verify(raw[4:], body.encode())
        except InvalidSignature:
            raise NoteError(f"the signature by {name} does not verify") from None
        return body
    raise NoteError("no signature by the expected key" if not found else "no valid signature")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse_body(cls, body: str) -> Checkpoint:
        lines = body.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("a checkpoint has an origin, a size and a root hash")
        try:
            size = int(lines[1])
            root = base64.b64decode(lines[2], validate=True)
        except ValueError:
            raise NoteError("bad size or root hash in checkpoint") from None
        if size < 0 or len(root) != 32 or lines[1] != str(size):
            raise NoteError("bad size or root hash in checkpoint")
        return cls(lines[0], size, root)


def open_checkpoint(note: str, verifier: Verifier, origin: str | None = None) -> Checkpoint:
    cp = Checkpoint.parse_body(open_note(note, verifier))
    if origin is not None and cp.origin != origin:
        raise NoteError(f"checkpoint for origin {cp.origin!r}, expected {origin!r}")
    return cp


def verify_party_signature(public_b64: str, message: bytes, signature_b64: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True))
        key.verify(base64.b64decode(signature_b64, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def sign_for_party(private_key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(private_key.sign(message)).decode()


def public_b64(private_key: Ed25519PrivateKey) -> str:
    return base64.b64encode(_raw_public(private_key.public_key())).decode()
