"""C2SP signed-note checkpoints: the format, and every way a forgery is refused."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from notary.checkpoint import Checkpoint, CheckpointError, key_id, open_signed, parse_verifier_key, sign, verifier_key

NAME = "example.test/log"
KEY = Ed25519PrivateKey.generate()
VKEY = verifier_key(NAME, KEY.public_key())
CP = Checkpoint(origin="example.test/log", size=42, root=bytes(range(32)))


def test_signed_note_has_the_c2sp_shape():
    note = sign(CP, name=NAME, private_key=KEY)
    body, sigs = note.split("\n\n")
    assert body == f"example.test/log\n42\n{base64.b64encode(bytes(range(32))).decode()}"
    assert sigs.startswith(f"\u2014 {NAME} ") and sigs.endswith("\n")
    blob = base64.b64decode(sigs.split(" ")[2])
    assert len(blob) == 68
    assert blob[:4] == key_id(NAME, parse_verifier_key(VKEY)[2].public_bytes_raw())


def test_round_trip():
    assert open_signed(sign(CP, name=NAME, private_key=KEY), VKEY, origin="example.test/log") == CP


@pytest.mark.parametrize("mutate", [
    lambda n: n.replace("\n42\n", "\n43\n"),                       # tree size changed
    lambda n: n.replace(base64.b64encode(bytes(range(32))).decode(), base64.b64encode(bytes(32)).decode()),
    lambda n: n.replace("example.test/log\n", "other.test/log\n", 1),  # origin changed
    lambda n: n[:-6] + ("A" if n[-6] != "A" else "B") + n[-5:],     # signature bit changed
    lambda n: n.split("\n\n")[0] + "\n",                             # signature removed
    lambda n: n.replace("\u2014", "-"),                              # not a signature line
])
def test_tampered_checkpoints_are_refused(mutate):
    note = sign(CP, name=NAME, private_key=KEY)
    with pytest.raises(CheckpointError):
        open_signed(mutate(note), VKEY, origin="example.test/log")


def test_a_signature_by_another_key_is_not_enough():
    other = Ed25519PrivateKey.generate()
    note = sign(CP, name=NAME, private_key=other)
    with pytest.raises(CheckpointError):
        open_signed(note, VKEY)


def test_malformed_verifier_keys_are_refused():
    name, kid, b64 = VKEY.split("+", 2)
    for bad in (f"{name}+{kid}", f"{name}+00000000+{b64}", f"other+{kid}+{b64}", "garbage"):
        with pytest.raises(CheckpointError):
            parse_verifier_key(bad)
