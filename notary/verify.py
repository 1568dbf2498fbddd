"""Offline verification of a notarised file, as a court runs it.

Usage::

    python -m notary.verify FILE [--proof PROOF.json] [--checkpoint CHECKPOINT.txt]
                                 [--key PUBKEY] [--tsa-cert TSA.pem]
                                 [--certificate CERT.pdf] [--signer-cert CA.pem]

It needs only Python, the ``cryptography`` package and four small modules of
the portal (``notary.merkle``, ``notary.entry``, ``notary.checkpoint`` and
``notary.cms``) -- no database, no Django, no network. The formats are in
``docs/notary-formats.md``. The file passes when every one of these checks
holds (each line of the report is one check):

file
    SHA-256 and size of FILE, read in 1 MiB chunks.
proof
    The proof file is an ``ipdr-notary-proof/1`` document.
entry
    The log entry in the proof is a canonical v1 entry and its ``sha256`` and
    ``size`` are those of FILE: the log entry is about this very file.
checkpoint
    The checkpoint (signed tree head) is signed by the log key. The key is the
    one given with ``--key`` (a file holding the C2SP verifier key
    ``name+hexid+base64``), which the court should obtain independently (from
    the published deployment documentation). Without ``--key`` the key stored
    in the proof file is used and the report warns that it was not pinned:
    anyone able to alter the proof file could then also have replaced the key.
    ``--checkpoint`` replaces the checkpoint in the proof, e.g. by one the
    court fetched itself; it must be for the same tree size (a checkpoint for
    another size needs a consistency proof, which this tool does not take).
inclusion
    The entry's leaf hash is at ``leaf_index`` in the tree of ``tree_size``
    leaves whose root the checkpoint signs (RFC 9162 section 2.1.3.2): the
    log committed to the entry, and the log cannot later drop or change it
    without the change showing in its signed history.
timestamp
    The RFC 3161 token is over the SHA-256 of FILE and is validly signed by a
    certificate with the critical timeStamping extended key usage, valid at the
    token's time (see :func:`notary.cms.verify_timestamp_token`): the file
    existed at that time. ``--tsa-cert`` pins the TSA certificate or the CA
    that issued it; without it the report warns that the TSA was not pinned.
certificate
    With ``--certificate``, the last signature of the platform's certificate
    PDF covers the whole PDF and verifies (:func:`notary.cms.verify_pdf_signature`);
    ``--signer-cert`` pins the signing certificate or its CA. When ``--proof``
    is not given, the proof is the file attached to that PDF under the name
    ``proof.json``.

Exit status: 0 when every check passes (warnings allowed), 1 when a check
fails (the report names the reasons), 2 for usage errors and unreadable
inputs.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import re
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509

from notary import checkpoint as checkpoints
from notary import cms, merkle
from notary import entry as entries

__all__ = ["PROOF_FORMAT", "Check", "PdfError", "Report", "UsageError", "extract_embedded_file", "main", "verify"]

PROOF_FORMAT = "ipdr-notary-proof/1"
PROOF_ATTACHMENT = "proof.json"
CHUNK = 1024 * 1024
T = TypeVar("T")


class UsageError(Exception):
    """An input cannot be read or is not of the expected kind (exit status 2)."""


class PdfError(ValueError):
    """The PDF's structure could not be read well enough to find the attachment."""


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Report:
    """The outcome of a verification: one :class:`Check` per line, plus warnings."""

    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def add(self, name: str, ok: bool, detail: str) -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok

    def lines(self) -> list[str]:
        out = [f"{'OK' if check.ok else 'FAIL':<4} {check.name}: {check.detail}" for check in self.checks]
        out += [f"NOTE: {note}" for note in self.notes]
        out += [f"WARNING: {warning}" for warning in self.warnings]
        if self.ok:
            out.append("RESULT: VERIFIED - every check passed")
        else:
            failed = ", ".join(check.name for check in self.failures) or "nothing was checked"
            out.append(f"RESULT: NOT VERIFIED - failed: {failed} (reasons on the FAIL lines above)")
        return out

    def text(self) -> str:
        return "\n".join(self.lines()) + "\n"


# --------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------


def hash_file(path: str | Path) -> tuple[bytes, int]:
    """SHA-256 and size of a file, read in 1 MiB chunks (files may be many GB)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.digest(), size


def _b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"{what} is not valid base64") from exc


def _plain_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def verify(file_path: str | Path, proof: dict[str, Any], *, vkey: str | None, checkpoint: str | None = None,
           tsa_certs: list[x509.Certificate] | None = None, certificate_pdf: bytes | None = None,
           signer_certs: list[x509.Certificate] | None = None) -> Report:
    """Verify ``file_path`` against ``proof`` (a parsed proof file); return the report.

    ``vkey`` is the pinned log verifier key (None: use the proof's ``log_key``
    and warn); ``checkpoint`` replaces the proof's checkpoint; ``tsa_certs`` and
    ``signer_certs`` are pinned certificates (any one of them may anchor the
    TSA or the PDF signer); ``certificate_pdf`` is the certificate PDF's bytes.
    Raises OSError when the file cannot be read; every other problem is a
    failed check in the report.
    """
    report = Report()
    file_sha256, file_size = hash_file(file_path)
    report.add("file", True, f"sha256 {file_sha256.hex()}, {file_size} bytes")

    if not isinstance(proof, dict) or proof.get("format") != PROOF_FORMAT:
        report.add("proof", False, f"not an {PROOF_FORMAT} proof file")
        proof = proof if isinstance(proof, dict) else {}
    else:
        report.add("proof", True, PROOF_FORMAT)

    leaf = _check_entry(report, proof, file_sha256, file_size)
    head = _check_checkpoint(report, proof, vkey, checkpoint)
    _check_inclusion(report, proof, leaf, head)
    _check_timestamp(report, proof, file_sha256, tsa_certs)
    if certificate_pdf is not None:
        _check_certificate(report, certificate_pdf, signer_certs, tsa_certs)
    return report


def _check_entry(report: Report, proof: dict[str, Any], file_sha256: bytes, file_size: int) -> bytes | None:
    """Check the entry describes the file; return its leaf hash (None when unreadable)."""
    try:
        entry_bytes = _b64(proof.get("entry"), "the entry")
        fields = entries.parse_entry(entry_bytes)
    except ValueError as exc:
        report.add("entry", False, str(exc))
        return None
    detail = (f"kind {fields['kind']}, case {fields['case']}, item {fields['item']}, time {fields['time']}, "
              f"submitter {fields['submitter']}")
    if fields["sha256"] != file_sha256.hex():
        report.add("entry", False, f"the entry is for another file (sha256 {fields['sha256']}); {detail}")
    elif fields["size"] != file_size:
        report.add("entry", False, f"the entry records size {fields['size']}, the file has {file_size} bytes")
    else:
        report.add("entry", True, f"{detail}; sha256 and size match the file")
    return merkle.leaf_hash(entry_bytes)


def _check_checkpoint(report: Report, proof: dict[str, Any], vkey: str | None,
                      override: str | None) -> checkpoints.Checkpoint | None:
    """Check the checkpoint's signature and tree size; return it when its signature verifies."""
    if vkey is None:
        vkey = proof.get("log_key")
        if not isinstance(vkey, str):
            report.add("checkpoint", False, "no --key given and the proof file holds no log key")
            return None
        report.warnings.append("the log key was not pinned (no --key): the key stored in the proof file was used, "
                               "so the checkpoint signature proves nothing unless that key is the published one "
                               f"({vkey.strip()})")
        pinned = "key from the proof file, NOT pinned"
    else:
        pinned = "pinned key"
    note = proof.get("checkpoint")
    source = "the proof's checkpoint"
    if override is not None and override != note:
        note, source = override, "the checkpoint given with --checkpoint"
    if not isinstance(note, str):
        report.add("checkpoint", False, "the proof file holds no checkpoint")
        return None
    try:
        head = checkpoints.open_signed(note, vkey)
    except checkpoints.CheckpointError as exc:
        report.add("checkpoint", False, f"{source}: {exc}")
        return None
    name = vkey.strip().split("+")[0]
    report.add("checkpoint", True, f"origin {head.origin}, tree size {head.size}, signed by {name} ({pinned})")
    tree_size = proof.get("tree_size")
    if head.size != tree_size:
        if source == "the proof's checkpoint":
            report.add("tree size", False, f"the checkpoint is for tree size {head.size}, the proof for {tree_size}")
        else:
            report.add("tree size", False, f"the given checkpoint is for tree size {head.size} but the proof is for "
                                           f"{tree_size}: a consistency proof would be needed; use a proof for "
                                           f"tree size {head.size} or the proof's own checkpoint")
        return None
    return head


def _check_inclusion(report: Report, proof: dict[str, Any], leaf: bytes | None,
                     head: checkpoints.Checkpoint | None) -> None:
    index, size = proof.get("leaf_index"), proof.get("tree_size")
    if leaf is None or head is None:
        report.add("inclusion", False, "not checked: the entry or the checkpoint did not verify")
        return
    try:
        if not isinstance(proof.get("inclusion"), list):
            raise ValueError("the inclusion proof is not a list")
        path = [_b64(h, "an inclusion proof hash") for h in proof["inclusion"]]
    except ValueError as exc:
        report.add("inclusion", False, str(exc))
        return
    if not (_plain_int(index) and _plain_int(size)):
        report.add("inclusion", False, "leaf_index and tree_size must be integers")
    elif merkle.verify_inclusion(leaf, index, size, path, head.root):
        report.add("inclusion", True, f"leaf {index} of a tree of {size}, root {base64.b64encode(head.root).decode()}")
    else:
        report.add("inclusion", False, f"the entry is not leaf {index} of the tree of {size} the checkpoint signs "
                                       "(entry, leaf index or inclusion hashes altered)")


def _with_anchors(anchors: list[x509.Certificate] | None, check: Callable[[x509.Certificate | None], T]) -> T:
    """Run ``check(anchor)`` with each pinned certificate until one succeeds (None: unpinned).

    A PEM file may hold several certificates (say the TSA's and its CA's); any one may anchor the chain.
    """
    if not anchors:
        return check(None)
    *others, last = anchors
    for anchor in others:
        try:
            return check(anchor)
        except cms.CMSError:
            continue
    return check(last)


def _check_timestamp(report: Report, proof: dict[str, Any], file_sha256: bytes,
                     tsa_certs: list[x509.Certificate] | None) -> None:
    try:
        token = _b64(proof.get("timestamp"), "the timestamp token")
        result = _with_anchors(tsa_certs, lambda anchor: cms.verify_timestamp_token(
            token, file_sha256, trusted_tsa_cert=anchor))
    except (ValueError, cms.CMSError) as exc:
        report.add("timestamp", False, str(exc))
        return
    report.add("timestamp", True, f"genTime {result.gen_time.isoformat()}, TSA {result.tsa_subject}, "
                                  f"serial {result.serial}, policy {result.policy}"
                                  + (" (pinned TSA)" if result.trusted else ""))
    if not result.trusted:
        report.warnings.append("the TSA certificate was not pinned (no --tsa-cert): the timestamp is signed by "
                               f"'{result.tsa_subject}', whose authority was not checked")


def _check_certificate(report: Report, pdf: bytes, signer_certs: list[x509.Certificate] | None,
                       tsa_certs: list[x509.Certificate] | None) -> None:
    try:
        result = _with_anchors(signer_certs, lambda anchor: cms.verify_pdf_signature(
            pdf, trusted_cert=anchor, trusted_tsa_cert=tsa_certs[0] if tsa_certs else None))
    except cms.CMSError as exc:
        report.add("certificate", False, str(exc))
        return
    when = (f"{result.signing_time.isoformat()} (from the {result.signing_time_source})" if result.signing_time
            else "not stated")
    detail = f"PDF signed by {result.signer_subject}, signing time {when}"
    if result.timestamp is not None:
        detail += f", signature timestamp {result.timestamp.gen_time.isoformat()} by {result.timestamp.tsa_subject}"
    report.add("certificate", True, detail + (" (pinned signer)" if result.trusted else ""))
    report.warnings.extend(f"certificate: {warning}" for warning in result.warnings)
    if not result.trusted:
        report.warnings.append("the certificate's signer was not pinned (no --signer-cert): it was signed by "
                               f"'{result.signer_subject}', whose identity was not checked")


# --------------------------------------------------------------------------
# Reading the proof attached to a certificate PDF
# --------------------------------------------------------------------------


class Name(str):
    """A PDF name object (``/Type``), kept apart from strings."""


@dataclass(frozen=True)
class Ref:
    number: int
    generation: int


@dataclass
class PdfObject:
    value: Any
    position: int
    stream: bytes | None = None  # raw (still encoded) stream data
    stream_start: int = 0


_WHITESPACE = b"\x00\t\n\x0c\r "
_DELIMITERS = b"()<>[]{}/%"
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)")
_OBJ_HEADER = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_EOL = re.compile(rb"[\r\n]")
_MAX_NESTING = 100


class _Parser:
    """Reads PDF objects (ISO 32000-1 section 7.3) from a byte string."""

    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data = data
        self.pos = offset

    def skip_space(self) -> None:
        data = self.data
        while self.pos < len(data):
            byte = data[self.pos]
            if byte in _WHITESPACE:
                self.pos += 1
            elif byte == 0x25:  # % comment
                end = _EOL.search(data, self.pos)
                self.pos = end.end() if end else len(data)
            else:
                return

    def keyword(self) -> bytes:
        start = self.pos
        while self.pos < len(self.data) and self.data[self.pos] not in _WHITESPACE + _DELIMITERS:
            self.pos += 1
        return self.data[start:self.pos]

    def parse(self, depth: int = 0) -> Any:
        if depth > _MAX_NESTING:
            raise PdfError("PDF objects nested too deeply")
        self.skip_space()
        data = self.data
        if self.pos >= len(data):
            raise PdfError("unexpected end of PDF data")
        byte = data[self.pos:self.pos + 1]
        if data.startswith(b"<<", self.pos):
            self.pos += 2
            result: dict[str, Any] = {}
            while True:
                self.skip_space()
                if data.startswith(b">>", self.pos):
                    self.pos += 2
                    return result
                key = self.parse(depth + 1)
                if not isinstance(key, Name):
                    raise PdfError("a PDF dictionary key is not a name")
                result[key] = self.parse(depth + 1)
        if byte == b"[":
            self.pos += 1
            items = []
            while True:
                self.skip_space()
                if data.startswith(b"]", self.pos):
                    self.pos += 1
                    return items
                items.append(self.parse(depth + 1))
        if byte == b"/":
            self.pos += 1
            raw = self.keyword()
            return Name(re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
                        .decode("utf-8", "replace"))
        if byte == b"(":
            return self._literal_string()
        if byte == b"<":
            end = data.find(b">", self.pos)
            if end < 0:
                raise PdfError("unterminated hexadecimal string")
            digits = re.sub(rb"\s", b"", data[self.pos + 1:end])
            self.pos = end + 1
            if len(digits) % 2:
                digits += b"0"
            try:
                return bytes.fromhex(digits.decode("ascii"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise PdfError("malformed hexadecimal string") from exc
        number = _NUMBER.match(data, self.pos)
        if number:
            self.pos = number.end()
            text = number.group()
            if b"." in text:
                return float(text)
            value = int(text)
            reference = re.compile(rb"\s+(\d+)\s+R(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])").match(data, self.pos)
            if reference and value >= 0 and not text.startswith((b"+", b"-")):
                self.pos = reference.end()
                return Ref(value, int(reference.group(1)))
            return value
        word = self.keyword()
        if word == b"true":
            return True
        if word == b"false":
            return False
        if word == b"null":
            return None
        raise PdfError(f"unexpected PDF token at offset {self.pos}")

    def _literal_string(self) -> bytes:
        try:
            value, self.pos = cms.pdf_literal_string(self.data, self.pos)
        except ValueError as exc:
            raise PdfError(str(exc)) from exc
        return value


def _text(value: Any) -> str | None:
    """A PDF text string (UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding ~ Latin-1)."""
    if not isinstance(value, bytes):
        return None
    if value.startswith(b"\xfe\xff"):
        return value[2:].decode("utf-16-be", "replace")
    if value.startswith(b"\xef\xbb\xbf"):
        return value[3:].decode("utf-8", "replace")
    return value.decode("latin-1")


def _decode_stream(obj: PdfObject) -> bytes:
    """The decoded data of a stream: no filter or FlateDecode (zlib), without predictors."""
    assert obj.stream is not None
    filters = obj.value.get("Filter")
    filters = [filters] if isinstance(filters, Name) else (filters or [])
    data = obj.stream
    for name in filters:
        if name != "FlateDecode":
            raise PdfError(f"unsupported stream filter {name}")
        try:
            data = zlib.decompressobj().decompress(data)
        except zlib.error as exc:
            raise PdfError(f"corrupt compressed stream: {exc}") from exc
    parameters = obj.value.get("DecodeParms")
    if isinstance(parameters, dict) and parameters.get("Predictor", 1) not in (1,):
        raise PdfError("stream predictors are not supported")
    return data


def _read_objects(pdf: bytes) -> dict[int, PdfObject]:
    """Every indirect object of the PDF, the later definition winning (incremental updates).

    Objects are found by scanning for ``N G obj`` headers and skipping stream
    data, then objects inside object streams (``/Type /ObjStm``) are added.
    """
    objects: dict[int, PdfObject] = {}
    streams: list[PdfObject] = []
    position = 0
    while match := _OBJ_HEADER.search(pdf, position):
        number = int(match.group(1))
        parser = _Parser(pdf, match.end())
        try:
            value = parser.parse()
        except PdfError:
            position = match.end()
            continue
        obj = PdfObject(value=value, position=match.start())
        parser.skip_space()
        position = parser.pos
        if isinstance(value, dict) and pdf.startswith(b"stream", parser.pos):
            start = parser.pos + len(b"stream")
            if pdf.startswith(b"\r\n", start):
                start += 2
            elif pdf.startswith(b"\n", start):
                start += 1
            length = value.get("Length")
            end = start + length if _plain_int(length) and length >= 0 else -1
            if end < 0 or not re.match(rb"\s*endstream", pdf[end:end + 32]):
                end = pdf.find(b"endstream", start)  # an indirect /Length: resolved below
                if end < 0:
                    break
            obj.stream = pdf[start:end]
            obj.stream_start = start
            position = end
            streams.append(obj)
        objects[number] = obj
    for stream in streams:
        length = stream.value.get("Length")
        if isinstance(length, Ref) and length.number in objects and _plain_int(objects[length.number].value):
            end = stream.stream_start + objects[length.number].value
            if re.match(rb"\s*endstream", pdf[end:end + 32]):
                stream.stream = pdf[stream.stream_start:end]
    for stream in streams:
        if stream.value.get("Type") != "ObjStm":
            continue
        try:
            _read_object_stream(stream, objects)
        except PdfError:
            continue
    return objects


def _read_object_stream(stream: PdfObject, objects: dict[int, PdfObject]) -> None:
    data = _decode_stream(stream)
    count, first = stream.value.get("N"), stream.value.get("First")
    if not (_plain_int(count) and _plain_int(first)):
        raise PdfError("malformed object stream")
    header = _Parser(data)
    pairs = []
    for _ in range(count):
        number, offset = header.parse(), header.parse()
        if not (_plain_int(number) and _plain_int(offset)):
            raise PdfError("malformed object stream header")
        pairs.append((number, offset))
    for number, offset in pairs:
        existing = objects.get(number)
        if existing is not None and existing.position > stream.position:
            continue
        try:
            value = _Parser(data, first + offset).parse()
        except PdfError:
            continue
        objects[number] = PdfObject(value=value, position=stream.position)


def _walk(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every dictionary inside a value (dictionaries may hold direct file specifications)."""
    if depth > _MAX_NESTING:
        return
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, depth + 1)


def extract_embedded_file(pdf: bytes, name: str = PROOF_ATTACHMENT) -> bytes:
    """The decoded content of the file attached to ``pdf`` under ``name``.

    The attachment is the embedded-file stream (``/EF``) of a file
    specification whose ``/UF`` or ``/F`` is ``name``; when no file
    specification has that name and the PDF has exactly one embedded-file
    stream (``/Type /EmbeddedFile``), that stream. Raises PdfError otherwise.
    """
    try:
        objects = _read_objects(pdf)
    except (PdfError, ValueError, RecursionError) as exc:
        raise PdfError(f"the PDF cannot be read: {exc}") from exc
    found: list[tuple[int, PdfObject]] = []
    for obj in objects.values():
        for dictionary in _walk(obj.value):
            embedded = dictionary.get("EF")
            if not isinstance(embedded, dict):
                continue
            names = {_text(dictionary.get("UF")), _text(dictionary.get("F"))}
            if name not in names and not any(n and n.replace("\\", "/").rsplit("/", 1)[-1] == name for n in names):
                continue
            reference = embedded.get("UF", embedded.get("F"))
            target = objects.get(reference.number) if isinstance(reference, Ref) else None
            if target is not None and target.stream is not None:
                found.append((obj.position, target))
    if not found:
        attachments = [obj for obj in objects.values()
                       if obj.stream is not None and obj.value.get("Type") == "EmbeddedFile"]
        if len(attachments) != 1:
            raise PdfError(f"the PDF has no attachment named {name}")
        return _decode_stream(attachments[0])
    return _decode_stream(max(found, key=lambda pair: pair[0])[1])


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def _read_bytes(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc


def _read_text(path: str, what: str) -> str:
    try:
        return _read_bytes(path, what).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{what} {path} is not UTF-8 text") from exc


def _load_certificates(path: str, what: str) -> list[x509.Certificate]:
    data = _read_bytes(path, what)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise UsageError(f"{what} {path} holds no readable certificate") from exc


def _load_proof(data: bytes, source: str) -> dict[str, Any]:
    try:
        proof = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{source} is not a JSON proof file: {exc}") from exc
    if not isinstance(proof, dict):
        raise UsageError(f"{source} is not a JSON object")
    return proof


def _load_key(path: str) -> str:
    lines = [line.strip() for line in _read_text(path, "key file").splitlines()]
    keys = [line for line in lines if line and not line.startswith("#")]
    if len(keys) != 1:
        raise UsageError(f"key file {path} must hold exactly one verifier key (name+hexid+base64)")
    try:
        checkpoints.parse_verifier_key(keys[0])
    except checkpoints.CheckpointError as exc:
        raise UsageError(f"key file {path}: {exc}") from exc
    return keys[0]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m notary.verify",
        description="Verify a notarised file offline: its log entry, the log's signed checkpoint, the inclusion "
                    "proof, the RFC 3161 timestamp and, optionally, the signed certificate PDF.")
    parser.add_argument("file", metavar="FILE", help="the file to verify")
    parser.add_argument("--proof", metavar="PROOF.json", help="proof file (default: the proof.json attached to "
                                                              "--certificate)")
    parser.add_argument("--checkpoint", metavar="CHECKPOINT.txt", help="a signed checkpoint replacing the proof's")
    parser.add_argument("--key", metavar="PUBKEY", help="file holding the log's verifier key (name+hexid+base64)")
    parser.add_argument("--certificate", metavar="CERT.pdf", help="the platform's signed certificate PDF")
    parser.add_argument("--tsa-cert", metavar="TSA.pem", help="pinned TSA certificate, or the CA that issued it")
    parser.add_argument("--signer-cert", metavar="CA.pem",
                        help="pinned certificate of the PDF's signer, or the CA that issued it")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.proof is None and args.certificate is None:
            raise UsageError("give --proof, or --certificate with an attached proof.json")
        pdf = _read_bytes(args.certificate, "certificate") if args.certificate else None
        notes = []
        if args.proof is not None:
            proof = _load_proof(_read_bytes(args.proof, "proof file"), f"proof file {args.proof}")
        else:
            assert pdf is not None
            try:
                attached = extract_embedded_file(pdf, PROOF_ATTACHMENT)
            except PdfError as exc:
                raise UsageError(f"no --proof given and the certificate PDF has no readable {PROOF_ATTACHMENT}: "
                                 f"{exc}") from exc
            proof = _load_proof(attached, f"the {PROOF_ATTACHMENT} attached to {args.certificate}")
            notes.append(f"proof: the {PROOF_ATTACHMENT} attached to {args.certificate}")
        vkey = _load_key(args.key) if args.key else None
        note = _read_text(args.checkpoint, "checkpoint") if args.checkpoint else None
        tsa_certs = _load_certificates(args.tsa_cert, "TSA certificate") if args.tsa_cert else None
        signer_certs = _load_certificates(args.signer_cert, "signer certificate") if args.signer_cert else None
        if not Path(args.file).is_file():
            raise UsageError(f"cannot read file {args.file}")
        try:
            report = verify(args.file, proof, vkey=vkey, checkpoint=note, tsa_certs=tsa_certs, certificate_pdf=pdf,
                            signer_certs=signer_certs)
        except OSError as exc:
            raise UsageError(f"cannot read file {args.file}: {exc.strerror or exc}") from exc
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report.notes[:0] = notes
    sys.stdout.write(report.text())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
