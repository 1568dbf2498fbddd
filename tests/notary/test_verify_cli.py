"""The offline verifier (python -m notary.verify) end to end, run as a court would: a subprocess without Django.

A small log is built in memory from real files (entries, RFC 9162 tree, a
checkpoint signed with the log key, RFC 3161 timestamps from notary.tsa); the
proof of one file must verify, and every tampered variant must fail with a
reason.
"""

from __future__ import annotations

import ast
import base64
import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from notary import checkpoint as checkpoints
from notary import entry as entries
from notary import merkle, tsa
from notary import verify as verifier
from notary.keys import local_pki, log_signing_key, log_verifier_key

REPO = Path(__file__).resolve().parents[2]
TARGET = 3  # the file whose proof is checked


@dataclass
class Log:
    directory: Path
    files: list[Path]
    entries: list[bytes]
    leaves: list[bytes]
    tokens: list[bytes]
    proof: dict[str, Any]
    key_file: Path
    root_ca: Path

    @property
    def file(self) -> Path:
        return self.files[TARGET]

    def write_proof(self, proof: dict[str, Any], name: str = "proof.json") -> Path:
        path = self.directory / name
        path.write_text(json.dumps(proof, indent=2))
        return path


def _sign(size: int, leaves: list[bytes], *, key: Ed25519PrivateKey | None = None, name: str | None = None) -> str:
    head = checkpoints.Checkpoint(origin=settings.NOTARY_LOG_ORIGIN, size=size, root=merkle.root_hash(leaves[:size]))
    return checkpoints.sign(head, name=name or settings.NOTARY_LOG_KEY_NAME, private_key=key or log_signing_key())


def _proof(log_entries: list[bytes], leaves: list[bytes], index: int, token: bytes) -> dict[str, Any]:
    return {
        "format": "ipdr-notary-proof/1",
        "entry": base64.b64encode(log_entries[index]).decode(),
        "leaf_index": index,
        "tree_size": len(leaves),
        "inclusion": [base64.b64encode(h).decode() for h in merkle.inclusion_proof(index, leaves)],
        "checkpoint": _sign(len(leaves), leaves),
        "timestamp": base64.b64encode(token).decode(),
        "log_key": log_verifier_key(),
    }


@pytest.fixture(scope="module")
def log(tmp_path_factory) -> Log:
    directory = tmp_path_factory.mktemp("court")
    case = str(uuid.uuid4())
    files, log_entries, tokens = [], [], []
    for i in range(6):
        path = directory / f"evidence-{i}.bin"
        path.write_bytes(os.urandom(1000 + i) + f"evidence {i}".encode())
        digest = hashlib.sha256(path.read_bytes()).digest()
        files.append(path)
        tokens.append(tsa.timestamp(digest))
        log_entries.append(entries.make_entry(kind="evidence", item=str(uuid.uuid4()), case=case, sha256=digest.hex(),
                                              size=path.stat().st_size, submitter=42,
                                              time=f"2026-11-24T22:30:0{i}.000000Z"))
    leaves = [merkle.leaf_hash(e) for e in log_entries]
    key_file = directory / "log.vkey"
    key_file.write_text(log_verifier_key() + "\n")
    return Log(directory=directory, files=files, entries=log_entries, leaves=leaves, tokens=tokens,
               proof=_proof(log_entries, leaves, TARGET, tokens[TARGET]), key_file=key_file,
               root_ca=local_pki().root_pem_path)


def run(*args: str | Path, block: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """Run the verifier as a court would: a fresh interpreter, no DJANGO_SETTINGS_MODULE.

    ``block`` names packages made unimportable in that interpreter.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    argv = [str(a) for a in args]
    if block:
        code = ("import runpy, sys\n"
                f"sys.modules.update(dict.fromkeys({list(block)!r}))\n"
                f"sys.argv = ['notary.verify', *{argv!r}]\n"
                "runpy.run_module('notary.verify', run_name='__main__', alter_sys=True)\n")
        command = [sys.executable, "-c", code]
    else:
        command = [sys.executable, "-m", "notary.verify", *argv]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False)


def check_lines(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """The report's check lines, as {check name: "OK ..." or "FAIL ..."}."""
    lines = {}
    for line in result.stdout.splitlines():
        status, _, rest = line.partition(" ")
        if status in ("OK", "FAIL"):
            name, _, detail = rest.strip().partition(": ")
            lines[name] = f"{status} {detail}"
    return lines


# --------------------------------------------------------------------------
# A valid proof
# --------------------------------------------------------------------------


def test_valid_proof_verifies_without_django(log):
    proof = log.write_proof(log.proof)
    result = run(log.file, "--proof", proof, "--key", log.key_file, "--tsa-cert", log.root_ca,
                 block=("django", "asn1crypto", "pyhanko", "pyhanko_certvalidator"))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = check_lines(result)
    assert set(lines) == {"file", "proof", "entry", "checkpoint", "inclusion", "timestamp"}
    assert all(value.startswith("OK") for value in lines.values())
    fields = json.loads(log.entries[TARGET])
    assert hashlib.sha256(log.file.read_bytes()).hexdigest() in lines["file"]
    assert f"case {fields['case']}" in lines["entry"] and f"item {fields['item']}" in lines["entry"]
    assert "kind evidence" in lines["entry"] and fields["time"] in lines["entry"]
    assert f"leaf {TARGET} of a tree of 6" in lines["inclusion"]
    assert f"origin {settings.NOTARY_LOG_ORIGIN}" in lines["checkpoint"] and "(pinned key)" in lines["checkpoint"]
    assert "genTime 20" in lines["timestamp"] and "Timestamping Authority" in lines["timestamp"]
    assert "(pinned TSA)" in lines["timestamp"]
    assert "WARNING" not in result.stdout
    assert "RESULT: VERIFIED" in result.stdout


def test_without_pinned_keys_it_passes_with_warnings(log):
    result = run(log.file, "--proof", log.write_proof(log.proof))
    assert result.returncode == 0, result.stdout
    assert "WARNING: the log key was not pinned" in result.stdout
    assert "WARNING: the TSA certificate was not pinned" in result.stdout
    assert "NOT pinned" in check_lines(result)["checkpoint"]


def test_every_leaf_of_the_log_verifies(log):
    for index, path in enumerate(log.files):
        proof = _proof(log.entries, log.leaves, index, log.tokens[index])
        report = verifier.verify(path, proof, vkey=log_verifier_key(), tsa_certs=[local_pki().root_cert])
        assert report.ok, report.text()


def test_checkpoint_override_of_the_same_size(log):
    note = log.directory / "checkpoint.txt"
    note.write_text(_sign(6, log.leaves))
    result = run(log.file, "--proof", log.write_proof(log.proof), "--key", log.key_file, "--checkpoint", note)
    assert result.returncode == 0, result.stdout


# --------------------------------------------------------------------------
# Tampered variants: each must fail, naming the failing check
# --------------------------------------------------------------------------


def _b64_flip(value: str, index: int = 0) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[index] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def _change_entry(proof: dict[str, Any]) -> None:
    fields = json.loads(base64.b64decode(proof["entry"]))
    fields["case"] = str(uuid.uuid4())
    proof["entry"] = base64.b64encode(entries.canonical_bytes(fields)).decode()


def _change_entry_time(proof: dict[str, Any]) -> None:
    fields = json.loads(base64.b64decode(proof["entry"]))
    fields["time"] = "2020-01-01T00:00:00.000000Z"
    proof["entry"] = base64.b64encode(entries.canonical_bytes(fields)).decode()


def _non_canonical_entry(proof: dict[str, Any]) -> None:
    fields = json.loads(base64.b64decode(proof["entry"]))
    proof["entry"] = base64.b64encode(json.dumps(fields).encode()).decode()


def _checkpoint_size(proof: dict[str, Any]) -> None:
    proof["checkpoint"] = proof["checkpoint"].replace("\n6\n", "\n7\n", 1)


def _checkpoint_root(proof: dict[str, Any]) -> None:
    origin, size, root, rest = proof["checkpoint"].split("\n", 3)
    proof["checkpoint"] = "\n".join([origin, size, base64.b64encode(hashlib.sha256(b"x").digest()).decode(), rest])


def _forged_signature(proof: dict[str, Any]) -> None:
    body, _, line = proof["checkpoint"].rstrip("\n").rpartition("\n")
    dash, name, blob = line.split(" ")
    proof["checkpoint"] = f"{body}\n{dash} {name} {_b64_flip(blob, 40)}\n"


def _flip_inclusion(proof: dict[str, Any]) -> None:
    proof["inclusion"][1] = _b64_flip(proof["inclusion"][1], 7)


def _corrupt_token(proof: dict[str, Any]) -> None:
    proof["timestamp"] = _b64_flip(proof["timestamp"], len(base64.b64decode(proof["timestamp"])) - 100)


TAMPERED: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    # name: (change to the proof, failing check, words of the reason)
    "changed entry field (case)": (_change_entry, "inclusion", "is not leaf 3"),
    "changed entry field (time)": (_change_entry_time, "inclusion", "is not leaf 3"),
    "non-canonical entry": (_non_canonical_entry, "entry", "canonical"),
    "wrong leaf index": (lambda p: p.update(leaf_index=2), "inclusion", "is not leaf 2"),
    "leaf index out of range": (lambda p: p.update(leaf_index=6), "inclusion", "is not leaf 6"),
    "flipped bit in an inclusion hash": (_flip_inclusion, "inclusion", "inclusion hashes altered"),
    "inclusion hash missing": (lambda p: p["inclusion"].pop(), "inclusion", "is not leaf"),
    "inclusion proof not base64": (lambda p: p["inclusion"].__setitem__(0, "***"), "inclusion", "base64"),
    "checkpoint tree size changed": (_checkpoint_size, "checkpoint", "signature does not verify"),
    "checkpoint root changed": (_checkpoint_root, "checkpoint", "signature does not verify"),
    "forged checkpoint signature": (_forged_signature, "checkpoint", "signature does not verify"),
    "proof tree size changed": (lambda p: p.update(tree_size=7), "tree size", "the proof for 7"),
    "corrupted timestamp token": (_corrupt_token, "timestamp", ""),
    "timestamp not base64": (lambda p: p.update(timestamp="%%%"), "timestamp", "base64"),
    "wrong proof format": (lambda p: p.update(format="something/2"), "proof", "not an ipdr-notary-proof/1"),
}


@pytest.mark.parametrize("name", list(TAMPERED))
def test_tampered_proof_fails(log, name):
    change, failing, reason = TAMPERED[name]
    proof = json.loads(json.dumps(log.proof))
    change(proof)
    result = run(log.file, "--proof", log.write_proof(proof), "--key", log.key_file, "--tsa-cert", log.root_ca)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = check_lines(result)
    assert lines[failing].startswith("FAIL"), result.stdout
    assert reason in lines[failing], result.stdout
    assert "RESULT: NOT VERIFIED" in result.stdout


def test_timestamp_over_another_file(log):
    proof = dict(log.proof, timestamp=base64.b64encode(log.tokens[0]).decode())
    result = run(log.file, "--proof", log.write_proof(proof), "--key", log.key_file)
    assert result.returncode == 1
    assert check_lines(result)["timestamp"].startswith("FAIL the timestamp is over another file")


def test_one_changed_byte_in_the_file(log, tmp_path):
    data = bytearray(log.file.read_bytes())
    data[len(data) // 2] ^= 0x10
    changed = tmp_path / log.file.name
    changed.write_bytes(bytes(data))
    result = run(changed, "--proof", log.write_proof(log.proof), "--key", log.key_file)
    assert result.returncode == 1
    lines = check_lines(result)
    assert lines["entry"].startswith("FAIL the entry is for another file")
    assert lines["timestamp"].startswith("FAIL the timestamp is over another file")


def test_a_different_pinned_key(log, tmp_path):
    other = tmp_path / "other.vkey"
    other.write_text(checkpoints.verifier_key(settings.NOTARY_LOG_KEY_NAME, Ed25519PrivateKey.generate().public_key()))
    result = run(log.file, "--proof", log.write_proof(log.proof), "--key", other)
    assert result.returncode == 1
    assert check_lines(result)["checkpoint"] == "FAIL the proof's checkpoint: no signature from the trusted key"


def test_a_rewritten_log_passes_only_without_a_pinned_key(log):
    """Someone who rewrites the entry, the tree and re-signs with their own key (and puts it
    in log_key) fools only a verifier that does not pin the key -- which is why it warns."""
    forger = Ed25519PrivateKey.generate()
    forged_entries = list(log.entries)
    fields = json.loads(forged_entries[TARGET])
    fields["time"] = "2020-01-01T00:00:00.000000Z"
    forged_entries[TARGET] = entries.canonical_bytes(fields)
    leaves = [merkle.leaf_hash(e) for e in forged_entries]
    proof = _proof(forged_entries, leaves, TARGET, log.tokens[TARGET])
    proof["checkpoint"] = _sign(6, leaves, key=forger)
    proof["log_key"] = checkpoints.verifier_key(settings.NOTARY_LOG_KEY_NAME, forger.public_key())
    path = log.write_proof(proof)
    unpinned = run(log.file, "--proof", path)
    assert unpinned.returncode == 0 and "WARNING: the log key was not pinned" in unpinned.stdout
    pinned = run(log.file, "--proof", path, "--key", log.key_file)
    assert pinned.returncode == 1
    assert check_lines(pinned)["checkpoint"].startswith("FAIL")


def test_checkpoint_override_of_another_size_needs_a_consistency_proof(log):
    note = log.directory / "checkpoint-5.txt"
    note.write_text(_sign(5, log.leaves))
    result = run(log.file, "--proof", log.write_proof(log.proof), "--key", log.key_file, "--checkpoint", note)
    assert result.returncode == 1
    assert "a consistency proof would be needed" in check_lines(result)["tree size"]


def _other_ca(path: Path) -> Path:
    """A self-signed CA certificate that issued none of the notary's certificates."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Other CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def test_tsa_not_issued_by_the_pinned_certificate(log, tmp_path):
    other = _other_ca(tmp_path / "other-ca.pem")
    result = run(log.file, "--proof", log.write_proof(log.proof), "--key", log.key_file, "--tsa-cert", other)
    assert result.returncode == 1
    assert "neither the trusted TSA certificate nor issued by it" in check_lines(result)["timestamp"]


# --------------------------------------------------------------------------
# Usage errors and unreadable inputs: exit status 2
# --------------------------------------------------------------------------


def test_usage_errors(log, tmp_path):
    proof = log.write_proof(log.proof)
    not_json = tmp_path / "proof.json"
    not_json.write_text("{not json")
    bad_key = tmp_path / "bad.vkey"
    bad_key.write_text("not a key")
    bad_cert = tmp_path / "bad.pem"
    bad_cert.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    cases = [
        ((log.file,), "give --proof"),
        ((tmp_path / "missing.bin", "--proof", proof), "cannot read file"),
        ((log.file, "--proof", tmp_path / "missing.json"), "cannot read proof file"),
        ((log.file, "--proof", not_json), "not a JSON proof file"),
        ((log.file, "--proof", proof, "--key", bad_key), "malformed verifier key"),
        ((log.file, "--proof", proof, "--tsa-cert", bad_cert), "no readable certificate"),
        ((log.file, "--certificate", log.file), "no readable proof.json"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert message in result.stderr, (args, result.stderr)
    assert run("--help").returncode == 0
    assert run().returncode == 2


# --------------------------------------------------------------------------
# The signed certificate PDF with the proof attached
# --------------------------------------------------------------------------


def _signed_pdf(pdf: bytes) -> bytes:
    pki = local_pki()
    signer = signers.SimpleSigner.load(str(pki.signing_key_path), str(pki.signing_cert_path),
                                       ca_chain_files=[str(pki.root_pem_path)])
    return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                            signers.PdfSignatureMetadata(field_name="Signature1"), signer=signer).getvalue()


@pytest.fixture(scope="module")
def certificate_pdf(log) -> Path:
    """WeasyPrint renders the certificate with proof.json attached; pyHanko signs it."""
    from weasyprint import HTML, Attachment

    proof = json.dumps(log.proof, indent=2).encode()
    pdf = HTML(string="<h1>证据保全证书</h1><p>Certificate of preservation</p>").write_pdf(
        attachments=[Attachment(string=b"other", name="readme.txt"), Attachment(string=proof, name="proof.json")])
    path = log.directory / "certificate.pdf"
    path.write_bytes(_signed_pdf(pdf))
    return path


def test_certificate_pdf_with_attached_proof(log, certificate_pdf):
    result = run(log.file, "--certificate", certificate_pdf, "--key", log.key_file, "--tsa-cert", log.root_ca,
                 "--signer-cert", log.root_ca, block=("django", "asn1crypto", "pyhanko"))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = check_lines(result)
    assert lines["certificate"].startswith("OK PDF signed by CN=IPDR Centre Document Signing")
    assert "(pinned signer)" in lines["certificate"]
    assert "NOTE: proof: the proof.json attached to" in result.stdout
    assert lines["inclusion"].startswith("OK")


def test_certificate_pdf_changed_after_signing(log, certificate_pdf, tmp_path):
    data = bytearray(certificate_pdf.read_bytes())
    data[12] ^= 0x01  # in the binary comment under the header: the attachment still reads
    changed = tmp_path / "certificate.pdf"
    changed.write_bytes(bytes(data))
    result = run(log.file, "--certificate", changed, "--key", log.key_file)
    assert result.returncode == 1
    assert check_lines(result)["certificate"].startswith("FAIL the message digest does not match")


def test_certificate_pdf_signed_by_someone_else(log, certificate_pdf, tmp_path):
    other = _other_ca(tmp_path / "other-ca.pem")
    result = run(log.file, "--certificate", certificate_pdf, "--key", log.key_file, "--signer-cert", other)
    assert result.returncode == 1
    assert "neither the trusted certificate nor issued by it" in check_lines(result)["certificate"]


def test_explicit_proof_wins_over_the_attachment(log, certificate_pdf):
    result = run(log.files[0], "--certificate", certificate_pdf, "--key", log.key_file,
                 "--proof", log.write_proof(_proof(log.entries, log.leaves, 0, log.tokens[0]), "proof-0.json"))
    assert result.returncode == 0, result.stdout


def test_attachment_embedded_by_pyhanko():
    """pyHanko's embed_file (compressed embedded file, filespec in an incremental update) is read too."""
    from weasyprint import HTML

    writer = IncrementalPdfFileWriter(io.BytesIO(HTML(string="<p>x</p>").write_pdf()))
    data = json.dumps({"format": "ipdr-notary-proof/1", "n": "é" * 500}).encode()
    embed.embed_file(writer, embed.FileSpec(
        "proof.json", file_name="proof.json", description="proof",
        embedded_data=embed.EmbeddedFileObject.from_file_data(writer, data, mime_type="application/json")))
    out = io.BytesIO()
    writer.write(out)
    pdf = _signed_pdf(out.getvalue())
    assert verifier.extract_embedded_file(pdf) == data


def test_attachment_errors():
    with pytest.raises(verifier.PdfError, match="no attachment named proof.json"):
        verifier.extract_embedded_file(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")
    single = (b"%PDF-1.7\n1 0 obj << /Type /EmbeddedFile /Length 5 >>\nstream\nhello\nendstream\nendobj\n"
              b"2 0 obj << /Length 3 0 R /Filter /FlateDecode >>\nstream\nxx\nendstream endobj 3 0 obj 2 endobj")
    assert verifier.extract_embedded_file(single) == b"hello"
    broken = b"%PDF-1.7\n1 0 obj << /Type /EmbeddedFile /Filter /FlateDecode /Length 4 >>\nstream\nabcd\nendstream"
    with pytest.raises(verifier.PdfError, match="corrupt compressed stream"):
        verifier.extract_embedded_file(broken)


def test_pdf_parser_reads_pdf_objects():
    parser = verifier._Parser(b"<< /Type /Filespec /F (proof\\.json) /UF <FEFF00700072006F006F0066002E006A0073006F006E>"
                              b" /EF << /F 12 0 R >> /Kids [1 -2.5 true null (a(b)c\\051)] /N#20x 3 >>")
    value = parser.parse()
    assert value["Type"] == "Filespec" and isinstance(value["Type"], verifier.Name)
    assert value["F"] == b"proof.json"
    assert verifier._text(value["UF"]) == "proof.json"
    assert value["EF"] == {"F": verifier.Ref(12, 0)}
    assert value["Kids"] == [1, -2.5, True, None, b"a(b)c)"]
    assert value["N x"] == 3


# --------------------------------------------------------------------------
# The verifier's modules import nothing but the standard library, cryptography and each other
# --------------------------------------------------------------------------

PURE = ("verify", "cms", "merkle", "entry", "checkpoint")


@pytest.mark.parametrize("module", PURE)
def test_verifier_modules_are_free_of_django(module):
    tree = ast.parse((REPO / "notary" / f"{module}.py").read_text())
    allowed_project = {f"notary.{name}" for name in PURE}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: relative import"
            base = node.module or ""
            names = [f"{base}.{alias.name}" for alias in node.names] if base == "notary" else [base]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or top == "cryptography" or name in allowed_project, (
                f"notary/{module}.py imports {name}")
