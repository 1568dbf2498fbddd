"""Checkpoints (signed tree heads) in the C2SP tlog-checkpoint format, signed
as a C2SP signed note with Ed25519.

    <origin>\n<tree size>\n<base64 root hash>\n\n— <key name> <base64(key ID || signature)>\n

The key ID is ``SHA-256(key name || 0x0A || 0x01 || public key)[:4]``; a
verifier key is written ``<name>+<hex key ID>+<base64(0x01 || public key)>``
(the Go "vkey" form). Standard library and ``cryptography`` only: the offline
verifier imports this module.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
DASH = "\u2014"


class CheckpointError(ValueError):
    """The checkpoint or its signature is not valid."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode(), *self.extensions]
        return "\n".join(lines) + "\n"


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def verifier_key(name: str, public_key: Ed25519PublicKey) -> str:
    raw = _raw_public(public_key)
    return f"{name}+{key_id(name, raw).hex()}+{base64.b64encode(bytes([ED25519]) + raw).decode()}"


def parse_verifier_key(vkey: str) -> tuple[str, bytes, Ed25519PublicKey]:
    """Return (name, key ID, public key) of a ``name+hexid+base64`` verifier key."""
    try:
        name, hex_id, b64 = vkey.strip().split("+", 2)  # base64 may itself contain "+"
        kid = bytes.fromhex(hex_id)
        blob = base64.b64decode(b64, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise CheckpointError("malformed verifier key") from exc
    if len(kid) != 4 or len(blob) != 33 or blob[0] != ED25519:
        raise CheckpointError("verifier key is not an Ed25519 note key")
    if key_id(name, blob[1:]) != kid:
        raise CheckpointError("verifier key ID does not match its name and key")
    return name, kid, Ed25519PublicKey.from_public_bytes(blob[1:])


def sign(checkpoint: Checkpoint, *, name: str, private_key: Ed25519PrivateKey) -> str:
    if any(c.isspace() or c == "+" for c in name):
        raise ValueError("key names contain no spaces and no '+'")
    body = checkpoint.body()
    raw = _raw_public(private_key.public_key())
    signature = private_key.sign(body.encode())
    line = f"{DASH} {name} {base64.b64encode(key_id(name, raw) + signature).decode()}\n"
    return body + "\n" + line


def parse_body(body: str) -> Checkpoint:
    lines = body.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise CheckpointError("checkpoint body must have origin, size and root lines, ending in a newline")
    origin, size_text, root_text, *extensions = lines[:-1]
    if not origin or not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise CheckpointError("malformed origin or tree size")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error as exc:
        raise CheckpointError("root hash is not base64") from exc
    if len(root) != 32:
        raise CheckpointError("root hash is not 32 bytes")
    return Checkpoint(origin=origin, size=int(size_text), root=root, extensions=tuple(extensions))


def open_signed(note: str, vkey: str, *, origin: str | None = None) -> Checkpoint:
    """Verify a signed checkpoint with one trusted key and return its contents.

    Raises CheckpointError unless a signature line from that key verifies (a
    failing signature from the trusted key rejects the note, per signed-note).
    """
    name, kid, public_key = parse_verifier_key(vkey)
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise CheckpointError("note contains control characters")
    sep = note.rfind("\n\n")
    if sep < 0:
        raise CheckpointError("no signature block")
    body, signatures = note[: sep + 1], note[sep + 2:]
    if not signatures.endswith("\n"):
        raise CheckpointError("signature block must end in a newline")
    verified = False
    for line in signatures[:-1].split("\n"):
        prefix = f"{DASH} "
        if not line.startswith(prefix):
            raise CheckpointError("malformed signature line")
        try:
            sig_name, b64 = line[len(prefix):].split(" ")
            blob = base64.b64decode(b64, validate=True)
        except (ValueError, binascii.Error) as exc:
            raise CheckpointError("malformed signature line") from exc
        if sig_name != name or blob[:4] != kid:
            continue  # another key's signature: ignored
        try:
            public_key.verify(blob[4:], body.encode())
        except InvalidSignature as exc:
            raise CheckpointError("checkpoint signature does not verify") from exc
        verified = True
    if not verified:
        raise CheckpointError("no signature from the trusted key")
    checkpoint = parse_body(body)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError("checkpoint is for another log")
    return checkpoint
