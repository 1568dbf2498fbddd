"""The notary certificate (存证证明): a signed PDF stating what the notary registered.

``render_certificate`` fills ``templates/pdf/notary_certificate.html`` from a
``CertificateData``, embeds the proof file as ``proof.json`` (the offline
verifier, ``python -m notary.verify FILE --certificate CERT.pdf --key log.pub``,
extracts it by that exact name) and signs the result through ``notary.pdf`` with
the platform's certificate. The PDF is self-contained: a court needs the
evidence file, this certificate and the log's pinned key, nothing online.

Everything user supplied (file name, case reference, submitter) is printed
through Django's autoescaping; nothing here marks user text safe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import segno
from django.conf import settings

from notary.pdf import render_pdf, seal_characters, sign_pdf

TEMPLATE = "pdf/notary_certificate.html"
PROOF_FILE_NAME = "proof.json"
PROOF_MIME = "application/json"
SIGN_REASON = "存证证明 / Notary certificate"
BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class CertificateData:
    certificate_number: str
    item_uuid: str
    kind_label: str              # e.g. "电子证据 / Evidence"
    file_name: str               # the original name, as uploaded (user supplied)
    size: int                    # bytes
    sha256: str                  # 64 lowercase hex
    mime_type: str
    case_reference: str          # display string; "" when not shown (public copy)
    submitter: str               # display name (user supplied)
    registered_at: dt.datetime   # aware
    timestamp_time: dt.datetime | None   # the RFC 3161 token's genTime
    tsa_name: str
    timestamp_serial: str        # the token's serial number (decimal or hex, as the TSA issued it)
    log_origin: str
    leaf_index: int
    tree_size: int
    inclusion_proof: Sequence[str]   # RFC 9162 audit path, hex, in RFC order
    checkpoint: str              # the signed checkpoint text
    verify_url: str
    issued_at: dt.datetime | None = None  # defaults to the time of rendering
    notes: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self):
        for name in ("registered_at", "timestamp_time", "issued_at"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")


def _times(moment: dt.datetime | None) -> dict | None:
    """Beijing time for people, UTC ISO 8601 (what the log entry holds) for machines."""
    if moment is None:
        return None
    return {
        "beijing": moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        "utc": moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }


def _human_size(size: int) -> str:
    """``1,834,562 字节 (1.7 MiB)``: exact bytes first, a rounded size for people after."""
    if size < 1024:
        return f"{size:,} 字节"
    value = size / 1024
    for unit in ("KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{size:,} 字节 ({value:.1f} {unit})"
        value /= 1024
    return f"{size:,} 字节 ({value:.1f} TiB)"


def qr_data_uri(url: str) -> str:
    """A QR code (SVG data URI) for the public verification page."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2, dark="#1b2430")


def certificate_context(data: CertificateData) -> dict:
    issued = data.issued_at or dt.datetime.now(dt.UTC)
    return {
        "c": data,
        "size_display": _human_size(data.size),
        "registered": _times(data.registered_at),
        "timestamped": _times(data.timestamp_time),
        "issued": _times(issued),
        "inclusion": list(data.inclusion_proof),
        "qr_uri": qr_data_uri(data.verify_url),
        "seal_chars": seal_characters(settings.PORTAL_CENTRE_NAME),
        "proof_file_name": PROOF_FILE_NAME,
        "verify_command": "python -m notary.verify FILE --certificate CERT.pdf --key log.pub",
    }


def render_certificate(data: CertificateData, *, proof_json: bytes) -> bytes:
    """The signed certificate PDF, with ``proof_json`` embedded as ``proof.json``."""
    pdf = render_pdf(TEMPLATE, certificate_context(data),
                     attachments=[(PROOF_FILE_NAME, proof_json, PROOF_MIME)])
    return sign_pdf(pdf, reason=SIGN_REASON, location=settings.PORTAL_CENTRE_NAME,
                    field_name="PlatformSignature")
