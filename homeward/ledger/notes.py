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
# c2sp.org/tlog-cosignature: an Ed25519 cosigner key's algorithm byte (cosignature/v1).
COSIGNATURE_V1 = b"\x04"
DASH = "\u2014"


class NoteError(ValueError):
    """A note or key that is malformed or whose signature does not verify."""


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_hash(name: str, public: bytes, alg: bytes = ED25519) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + alg + public).digest()[:4]


def verifier_key(name: str, key: Ed25519PrivateKey | Ed25519PublicKey, alg: bytes = ED25519) -> str:
    public = _raw_public(key.public_key() if isinstance(key, Ed25519PrivateKey) else key)
    return f"{name}+{key_hash(name, public, alg).hex()}+{base64.b64encode(alg + public).decode()}"


def fingerprint(verifier_key_text: str) -> str:
    """What a person compares by eye or over the phone: the key's name and hash, and the
    SHA-256 of its public key."""
    v = Verifier.parse(verifier_key_text)
    digest = hashlib.sha256(_raw_public(v.public)).hexdigest()
    return f"{v.name}+{v.hash.hex()} sha256:{digest[:32]}"


@dataclass(frozen=True)
class Verifier:
    name: str
    hash: bytes
    public: Ed25519PublicKey
    alg: bytes = ED25519

    @classmethod
    def parse(cls, text: str, alg: bytes = ED25519) -> Verifier:
        """A verifier key (vkey) of the given algorithm: 0x01 a note signer (the instance),
        0x04 a cosigner (a witness, c2sp.org/tlog-cosignature)."""
        try:
            name, hexhash, b64 = text.strip().split("+", 2)
            raw = base64.b64decode(b64, validate=True)
        except ValueError:
            raise NoteError("not a verifier key (name+hash+key)") from None
        if len(raw) != 33 or raw[:1] not in (ED25519, COSIGNATURE_V1):
            raise NoteError("only Ed25519 verifier keys are supported")
        if raw[:1] != alg:
            kind = "a cosigner's (witness)" if raw[:1] == COSIGNATURE_V1 else "a note signer's"
            raise NoteError(f"{name}: this is {kind} key, not the kind expected here")
        public = raw[1:]
        if key_hash(name, public, alg).hex() != hexhash:
            raise NoteError("the verifier key's hash does not match its name and key")
        return cls(name, bytes.fromhex(hexhash), Ed25519PublicKey.from_public_bytes(public), alg)

    def text(self) -> str:
        return verifier_key(self.name, self.public, self.alg)


def sign_note(body: str, name: str, key: Ed25519PrivateKey) -> str:
    if not body.endswith("\n"):
        raise NoteError("a note body ends with a newline")
    sig = key.sign(body.encode())
    public = _raw_public(key.public_key())
    return f"{body}\n{DASH} {name} {base64.b64encode(key_hash(name, public) + sig).decode()}\n"


def split_note(note: str) -> tuple[str, list[str]]:
    """(body with its final newline, signature lines)."""
    body, sep, sigs = note.partition("\n\n")
    if not sep:
        raise NoteError("no signature block")
    lines = [line for line in sigs.split("\n") if line]
    for line in lines:
        if not line.startswith(DASH + " "):
            raise NoteError("malformed signature line")
    return body + "\n", lines


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


# --- Cosignatures (c2sp.org/tlog-cosignature, cosignature/v1, Ed25519) --------------------------


def cosigned_message(body: str, timestamp: int) -> bytes:
    """What a cosigner signs: "cosignature/v1", "time <POSIX seconds>", then the whole note body
    of the checkpoint (with its final newline, without signature lines)."""
    if not body.endswith("\n"):
        raise NoteError("a note body ends with a newline")
    if not 0 <= timestamp < 2**63:
        raise NoteError("cosignature timestamp out of range")
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def cosign(body: str, name: str, key: Ed25519PrivateKey, timestamp: int) -> str:
    """The signature line `— <name> base64(key ID || u64 timestamp || Ed25519 signature)`."""
    public = _raw_public(key.public_key())
    sig = key.sign(cosigned_message(body, timestamp))
    raw = key_hash(name, public, COSIGNATURE_V1) + timestamp.to_bytes(8, "big") + sig
    return f"{DASH} {name} {base64.b64encode(raw).decode()}"


def cosignature_in(note: str, verifier: Verifier) -> int | None:
    """The timestamp of `verifier`'s valid cosignature on the note, or None when the note has
    none by that cosigner. A line with its name and key ID that does not verify raises."""
    body, lines = split_note(note)
    for line in lines:
        try:
            name, b64 = line[2:].rsplit(" ", 1)
            raw = base64.b64decode(b64, validate=True)
        except ValueError:
            raise NoteError("malformed signature line") from None
        if name != verifier.name or raw[:4] != verifier.hash:
            continue
        if len(raw) != 4 + 8 + 64:
            raise NoteError(f"the cosignature by {name} is malformed")
        timestamp = int.from_bytes(raw[4:12], "big")
        try:
            verifier.public.verify(raw[12:], cosigned_message(body, timestamp))
        except (InvalidSignature, NoteError):
            raise NoteError(f"the cosignature by {name} does not verify") from None
        return timestamp
    return None


def b64(h: bytes) -> str:
    return base64.b64encode(h).decode()
