"""The portal's one PDF pipeline: render a Django template with WeasyPrint, then
sign it (PAdES) with the platform's document-signing certificate.

Every document the portal issues (notary certificates, settlement agreements,
awards, transcripts) goes through here, so fonts, static assets, embedded files
and signatures behave the same everywhere:

    pdf = render_pdf("pdf/award.html", context, attachments=[("award.json", data, "application/json")])
    pdf = sign_pdf(pdf, reason="裁决书 / Award", location=settings.PORTAL_CENTRE_NAME)
    validate_pdf(pdf).valid          # pyHanko, trusting the local root CA
    pdfsig_report(path)["valid"]     # poppler's pdfsig, output parsed (its exit code is 0 even when broken)

Rendering never touches the network: the URL fetcher only serves ``data:`` URLs
and files of the portal's static directories (``{% static %}`` URLs included),
so nothing a template prints can make WeasyPrint read other files or hosts.
Templates extend ``pdf/base_pdf.html`` (A4, page numbers, the CJK font stack:
WeasyPrint draws empty boxes for Chinese without a CJK font).
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import logging
import re
import shutil
import subprocess  # noqa: S404 - runs poppler's pdfsig with a fixed argument list
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from notary.keys import LocalPKI, local_pki

logger = logging.getLogger(__name__)

#: The font stack every PDF uses (pdf.css repeats it): WenQuanYi Micro Hei is
#: the Debian package the portal depends on, Noto CJK the fuller alternative.
CJK_FONT_STACK = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif'

Attachment = tuple[str, bytes, str]  # (file name, content, MIME type)


# --- Rendering ----------------------------------------------------------------

def _static_roots() -> list[Path]:
    roots = [Path(p if isinstance(p, str | Path) else p[1]) for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [r.resolve() for r in roots]


def _static_base_url() -> str:
    roots = _static_roots()
    return roots[0].as_uri() + "/" if roots else Path(settings.BASE_DIR).resolve().as_uri() + "/"


def _static_file(name: str) -> Path | None:
    """A static file by its URL name: from the app folders (finders), or — for
    the hashed names the manifest storage gives in production, which only
    exist after collectstatic — from the collected files in STATIC_ROOT."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.exceptions import SuspiciousFileOperation

    try:
        found = finders.find(name)
    except SuspiciousFileOperation:  # "../" out of the static folders
        return None
    if found:
        return Path(found if isinstance(found, str) else found[0]).resolve()
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        try:
            candidate = Path(staticfiles_storage.path(name)).resolve()
        except (NotImplementedError, ValueError, SuspiciousFileOperation):
            return None
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


class _StaticOnlyFetcher(weasyprint.URLFetcher):
    """Serve ``data:`` URLs and static files; refuse everything else.

    ``{% static 'css/pdf.css' %}`` gives ``/static/css/pdf.css`` (in production
    ``/static/css/pdf.<hash>.css``), which the base URL turns into a ``file:``
    URL: such paths are looked up with the staticfiles finders (so app static
    folders work without collectstatic), then among the collected files.
    """

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, timeout=5)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise ValueError(f"PDF rendering does not fetch {parts.scheme or 'relative'} URLs: {url[:80]}")
        path = unquote(parts.path)
        static_prefix = urlsplit(settings.STATIC_URL).path or "/static/"
        if path.startswith(static_prefix):
            resolved = _static_file(path[len(static_prefix):])
            if resolved is None:
                raise ValueError(f"static file not found: {path}")
        else:
            resolved = Path(path).resolve()
            if not any(resolved.is_relative_to(root) for root in _static_roots()):
                raise ValueError(f"PDF rendering only reads static files, not {path}")
        return super().fetch(resolved.as_uri(), headers)


def render_html(template_name: str, context: dict) -> str:
    """The HTML a PDF is rendered from (handy for previews and tests)."""
    return render_to_string(template_name, {"CENTRE_NAME": settings.PORTAL_CENTRE_NAME, **context})


def render_pdf(template_name: str, context: dict, *, attachments: Iterable[Attachment] = ()) -> bytes:
    """Render a Django template to PDF bytes; embed ``attachments`` as PDF embedded files.

    Each attachment is ``(name, content, mime_type)``; a verifier finds it in the
    catalogue's ``/Names /EmbeddedFiles`` tree under exactly ``name``.
    """
    html = render_html(template_name, context)
    attachments = list(attachments)
    fetcher = _StaticOnlyFetcher()
    embedded = [
        # A data: URL carries the MIME type through to the embedded file's /Subtype.
        weasyprint.Attachment(string=content, name=name, description=name, url_fetcher=fetcher)
        if not mime else
        weasyprint.Attachment(url=_data_url(content, mime), name=name, description=name, url_fetcher=fetcher)
        for name, content, mime in attachments
    ]
    document = weasyprint.HTML(string=html, base_url=_static_base_url(), url_fetcher=fetcher)
    # A user stylesheet: the CJK stack is the default for any template, which may still override it.
    default_font = weasyprint.CSS(string=f"html {{ font-family: {CJK_FONT_STACK}; }}")
    pdf = document.write_pdf(stylesheets=[default_font], attachments=embedded)
    # WeasyPrint only logs an attachment it cannot load; a certificate without its proof is worse than none.
    if attachments and not {name for name, _, _ in attachments} <= set(embedded_files(pdf)):
        raise RuntimeError("an attachment was not embedded in the PDF")
    return pdf


def _data_url(content: bytes, mime: str) -> str:
    if not re.fullmatch(r"[\w.+-]+/[\w.+-]+", mime):
        raise ValueError(f"bad MIME type {mime!r}")
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def seal_characters(text: str, *, max_span: float = 250.0, step: float = 21.0) -> list[dict]:
    """Characters of a round seal's legend with their rotation (degrees, 0 = top).

    WeasyPrint's SVG ``textPath`` is unreliable, so templates draw each
    character as its own ``<text>`` rotated about the seal's centre.
    """
    chars = [ch for ch in text if not ch.isspace()]
    if len(chars) < 2:
        return [{"char": ch, "angle": 0.0} for ch in chars]
    step = min(step, max_span / (len(chars) - 1))
    first = -step * (len(chars) - 1) / 2
    return [{"char": ch, "angle": round(first + i * step, 2)} for i, ch in enumerate(chars)]


# --- Signing ------------------------------------------------------------------

def _asn1_cert(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses the DER private key on every signature
    (0.25 s for an RSA-3072 key, twice per PDF, with cryptography's key checks);
    this one signs with the key object the PKI already loaded."""

    def __init__(self, *, private_key, **kwargs):
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism == "rsassa_pkcs1v15":
            return self._private_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


def _build_platform_signer(pki: LocalPKI) -> signers.SimpleSigner:
    key_der = pki.signing_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption())
    signing_cert = _asn1_cert(pki.signing_cert)
    return _LoadedKeySigner(
        private_key=pki.signing_key,
        signing_cert=signing_cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([signing_cert, _asn1_cert(pki.root_cert)]),
    )


@dataclass(frozen=True)
class _PlatformSigner:
    """The signer for one loaded PKI, and the space its signature takes."""

    pki: LocalPKI
    signer: signers.SimpleSigner
    bytes_reserved: int


_platform: _PlatformSigner | None = None


def _estimate_bytes_reserved(signer: signers.SimpleSigner) -> int:
    """What pyHanko reserves for a signature when not told: the length of a dry-run
    CMS signature, doubled (hex), plus 50%. Without a timestamper the container
    has the same length every time (fixed certificates, RSA signature of the
    key's size, fixed-size signed attributes), so it is computed once per signer
    instead of with a dummy signature before every real one."""
    import asyncio

    from cryptography.hazmat.primitives import hashes
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    empty_digest = hashes.Hash(hashes.SHA256()).finalize()
    container = asyncio.run(signer.async_sign(
        empty_digest, "sha256", dry_run=True, use_pades=True,
        signed_attr_settings=PdfCMSSignedAttributes(signing_time=datetime.now().astimezone())))
    test_len = len(container.dump()) * 2
    return test_len + 2 * (test_len // 4)


def _platform_signer_state() -> _PlatformSigner:
    """The platform signer, built once per loaded PKI (re-built when the PKI is
    reloaded, e.g. after ``local_pki.cache_clear()``)."""
    global _platform
    pki = local_pki()
    state = _platform
    if state is None or state.pki is not pki:
        signer = _build_platform_signer(pki)
        state = _PlatformSigner(pki=pki, signer=signer, bytes_reserved=_estimate_bytes_reserved(signer))
        _platform = state
    return state


def sign_pdf(pdf_bytes: bytes, *, reason: str, location: str = "", field_name: str = "PlatformSignature",
             timestamper: TimeStamper | None = None) -> bytes:
    """Append a PAdES (ETSI.CAdES.detached) signature by the platform's signing certificate.

    The signature is an incremental update covering the whole file as it stands.
    Pass a pyHanko ``TimeStamper`` (e.g. one backed by the portal's TSA) for a
    PAdES-B-T signature; without one it is PAdES-B-B and the signing time is the
    signature dictionary's ``/M`` (claimed by the signer, not attested).
    """
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason, location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
    )
    state = _platform_signer_state()
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    pdf_signer = signers.PdfSigner(metadata, signer=state.signer, timestamper=timestamper)
    # A timestamp token's size depends on the TSA's reply, so pyHanko estimates it each time.
    out = pdf_signer.sign_pdf(writer, bytes_reserved=state.bytes_reserved if timestamper is None else None)
    return out.getvalue()


# --- Validation -----------------------------------------------------------------

@dataclass(frozen=True)
class PdfValidation:
    """pyHanko's verdict on the last signature of a PDF (the one covering the most)."""

    intact: bool                 # the signed bytes hash to the signed digest
    valid: bool                  # intact AND the CMS signature verifies (pyHanko's ``valid`` alone
                                 # only covers the signed attributes, so it can be True for a changed file)
    trusted: bool                # ...and the signer chains to the local root CA
    signer: str                  # signer certificate subject (human readable)
    signer_sha256: str           # SHA-256 fingerprint of the signer certificate (hex)
    signing_time: datetime | None
    timestamped: bool
    covers_whole_file: bool
    coverage: str                # pyHanko's SignatureCoverageLevel name, "" if unknown
    field_name: str
    signature_count: int
    summary: str
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.covers_whole_file


def _validation_context() -> ValidationContext:
    return ValidationContext(trust_roots=[_asn1_cert(local_pki().root_cert)], allow_fetching=False)


def validate_pdf(pdf_bytes: bytes) -> PdfValidation:
    """Validate the PDF's last signature against the local root CA, offline."""
    def failed(summary: str, count: int = 0, name: str = "") -> PdfValidation:
        return PdfValidation(intact=False, valid=False, trusted=False, signer="", signer_sha256="",
                             signing_time=None, timestamped=False, covers_whole_file=False, coverage="",
                             field_name=name, signature_count=count, summary=summary, errors=[summary])

    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # a damaged file is a verdict, not a crash
        return failed(f"unreadable PDF: {exc}")
    if not signatures:
        return failed("no signature", 0)
    embedded = signatures[-1]
    try:
        context = _validation_context()
        status = validate_pdf_signature(embedded, signer_validation_context=context,
                                        ts_validation_context=context)
    except Exception as exc:
        return failed(f"validation failed: {type(exc).__name__}: {exc}", len(signatures), embedded.field_name)

    signing_time = None
    if status.timestamp_validity is not None:
        signing_time = status.timestamp_validity.timestamp
    elif status.signer_reported_dt is not None:
        signing_time = status.signer_reported_dt
    else:
        signing_time = embedded.self_reported_timestamp
    cert = status.signing_cert
    coverage = status.coverage
    errors = []
    if not status.intact:
        errors.append("the signed bytes were changed")
    elif not status.valid:
        errors.append("the signature does not verify")
    if not status.trusted:
        errors.append("the signer does not chain to the trusted root")
    if coverage != SignatureCoverageLevel.ENTIRE_FILE:
        errors.append("the signature does not cover the whole file")
    return PdfValidation(
        intact=bool(status.intact), valid=bool(status.intact and status.valid), trusted=bool(status.trusted),
        signer=cert.subject.human_friendly if cert is not None else "",
        signer_sha256=cert.sha256.hex() if cert is not None else "",
        signing_time=signing_time, timestamped=status.timestamp_validity is not None,
        covers_whole_file=coverage == SignatureCoverageLevel.ENTIRE_FILE,
        coverage=coverage.name if coverage is not None else "",
        field_name=embedded.field_name, signature_count=len(signatures),
        summary=status.summary(), errors=errors,
    )


def embedded_files(pdf_bytes: bytes) -> dict[str, bytes]:
    """The PDF's embedded files by name (read with pyHanko, as a verifier would)."""
    reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
    names_dict = reader.root.get("/Names")
    if names_dict is None or "/EmbeddedFiles" not in names_dict:
        return {}
    result: dict[str, bytes] = {}

    def walk(node) -> None:
        node = node.get_object()
        names = node.get("/Names")
        if names is not None:
            for i in range(0, len(names), 2):
                spec = names[i + 1].get_object()
                stream = spec["/EF"].get("/UF", spec["/EF"].get("/F")).get_object()
                result[str(names[i])] = stream.data
        for kid in node.get("/Kids", ()):
            walk(kid)

    walk(names_dict["/EmbeddedFiles"])
    return result


# --- poppler's pdfsig -------------------------------------------------------------

_FIELD_PATTERNS = {
    "field_name": r"Signature Field Name:\s*(.*)",
    "signer_common_name": r"Signer Certificate Common Name:\s*(.*)",
    "signer_dn": r"Signer full Distinguished Name:\s*(.*)",
    "signing_time": r"Signing Time:\s*(.*)",
    "hash_algorithm": r"Signing Hash Algorithm:\s*(.*)",
    "signature_type": r"Signature Type:\s*(.*)",
    "signed_ranges": r"Signed Ranges:\s*(.*)",
    "signature_validation": r"Signature Validation:\s*(.*)",
    "certificate_validation": r"Certificate Validation:\s*(.*)",
}
SIGNATURE_VALID = "Signature is Valid."
CERTIFICATE_TRUSTED = "Certificate is Trusted."
CERTIFICATE_UNTRUSTED_ISSUER = "Certificate issuer isn't Trusted."


def parse_pdfsig(output: str) -> list[dict]:
    """Split pdfsig's text output into one dict per signature."""
    signatures: list[dict] = []
    current: dict | None = None
    for line in output.splitlines():
        if re.match(r"^Signature #\d+:", line):
            current = {"total_document_signed": False, "partial": False}
            signatures.append(current)
            continue
        if current is None:
            continue
        text = line.strip().removeprefix("- ").strip()
        if text == "Total document signed":
            current["total_document_signed"] = True
            continue
        if text.startswith("Not total document signed"):
            current["partial"] = True
            continue
        for key, pattern in _FIELD_PATTERNS.items():
            if match := re.fullmatch(pattern, text):
                current[key] = match.group(1).strip()
                break
    for sig in signatures:
        sig["signature_valid"] = sig.get("signature_validation") == SIGNATURE_VALID
        sig["certificate_trusted"] = sig.get("certificate_validation") == CERTIFICATE_TRUSTED
    return signatures


# NSS constants (certdb.h / secmodt.h): trust flags "C,C,C" as certutil writes them.
_CERTDB_VALID_CA = 1 << 4
_CERTDB_TRUSTED_CA = 1 << 7


class _CERTCertTrust(ctypes.Structure):
    _fields_ = [("sslFlags", ctypes.c_uint), ("emailFlags", ctypes.c_uint), ("objectSigningFlags", ctypes.c_uint)]


class _SECItem(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("data", ctypes.c_char_p), ("len", ctypes.c_uint)]


def _nss_library():
    name = ctypes.util.find_library("nss3")
    return ctypes.CDLL(name) if name else None


def make_trusting_nssdb(directory: Path, root_der: bytes) -> bool:
    """Create an NSS database in ``directory`` trusting ``root_der`` as a CA.

    Uses libnss3 (poppler's own dependency) through ctypes, so certutil
    (libnss3-tools) is not needed: NSS_InitContext creates the sql: database,
    the certificate goes into the internal token with "C,C,C" trust. NSS
    contexts are meant for libraries sharing a process, and nothing else in the
    portal uses NSS. Returns False (and logs) when NSS cannot be driven.
    """
    nss = _nss_library()
    if nss is None:
        logger.info("libnss3 not found; pdfsig runs without a trusted root")
        return False
    nss.NSS_InitContext.restype = ctypes.c_void_p
    nss.NSS_InitContext.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                    ctypes.c_void_p, ctypes.c_uint32]
    nss.NSS_ShutdownContext.argtypes = [ctypes.c_void_p]
    nss.CERT_GetDefaultCertDB.restype = ctypes.c_void_p
    nss.CERT_NewTempCertificate.restype = ctypes.c_void_p
    nss.CERT_NewTempCertificate.argtypes = [ctypes.c_void_p, ctypes.POINTER(_SECItem), ctypes.c_char_p,
                                            ctypes.c_int, ctypes.c_int]
    nss.PK11_GetInternalKeySlot.restype = ctypes.c_void_p
    nss.PK11_NeedUserInit.argtypes = [ctypes.c_void_p]
    nss.PK11_InitPin.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    nss.PK11_ImportCert.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_int]
    nss.CERT_ChangeCertTrust.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(_CERTCertTrust)]
    nss.CERT_DestroyCertificate.argtypes = [ctypes.c_void_p]
    nss.PK11_FreeSlot.argtypes = [ctypes.c_void_p]

    context = nss.NSS_InitContext(f"sql:{directory}".encode(), b"", b"", b"secmod.db", None, 0)
    if not context:
        logger.warning("NSS_InitContext failed for %s", directory)
        return False
    ok = False
    cert = slot = None
    try:
        slot = nss.PK11_GetInternalKeySlot()
        if slot and nss.PK11_NeedUserInit(slot):
            nss.PK11_InitPin(slot, b"", b"")  # empty password, like certutil -N --empty-password
        der = _SECItem(0, root_der, len(root_der))
        cert = nss.CERT_NewTempCertificate(nss.CERT_GetDefaultCertDB(), ctypes.byref(der), None, 0, 1)
        if slot and cert and nss.PK11_ImportCert(slot, cert, 0, b"portal-local-root", 0) == 0:
            trust = _CERTCertTrust(*(3 * [_CERTDB_VALID_CA | _CERTDB_TRUSTED_CA]))
            ok = nss.CERT_ChangeCertTrust(nss.CERT_GetDefaultCertDB(), cert, ctypes.byref(trust)) == 0
    finally:
        if cert:
            nss.CERT_DestroyCertificate(cert)
        if slot:
            nss.PK11_FreeSlot(slot)
        nss.NSS_ShutdownContext(context)
    if not ok:
        logger.warning("could not add the root CA to the NSS database in %s", directory)
    return ok


def pdfsig_report(pdf_path: str | Path, *, trust_root: bool = True, timeout: float = 60) -> dict:
    """Run poppler's ``pdfsig`` on a file and parse what it says.

    pdfsig exits 0 even when a signature is broken, so the verdict comes from
    its text: ``valid`` is True only when every signature reads "Signature is
    Valid." and the last one says "Total document signed". With ``trust_root``
    a temporary NSS database trusts the local root CA (``-nssdir``), so
    ``certificate_trusted`` can become True ("Certificate is Trusted."); when
    NSS cannot be set up, ``nss_trust`` is False and pdfsig reports
    "Certificate issuer isn't Trusted." for our self-hosted root.

    Returns ``{"valid", "certificate_trusted", "total_document_signed",
    "signatures": [...], "nss_trust", "returncode", "output"}``.
    """
    binary = shutil.which("pdfsig")
    if binary is None:
        raise FileNotFoundError("pdfsig (poppler-utils) is not installed")
    with tempfile.TemporaryDirectory(prefix="pdfsig-nss-") as nssdir:
        nss_trust = False
        if trust_root:
            root_der = local_pki().root_cert.public_bytes(serialization.Encoding.DER)
            try:
                nss_trust = make_trusting_nssdb(Path(nssdir), root_der)
            except (OSError, AttributeError) as exc:
                logger.warning("NSS setup failed: %s", exc)
        # Without a database of ours pdfsig falls back to its default (~/.pki/nssdb or
        # none), where our self-hosted root is untrusted. No "-no-ocsp": poppler 22.12
        # then reports "Unknown issue with Certificate" even for a trusted chain; our
        # certificates carry no AIA/OCSP URL, so nothing is fetched either way.
        command = [binary, *(["-nssdir", f"sql:{nssdir}"] if nss_trust else []), str(pdf_path)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
    output = result.stdout + result.stderr
    signatures = parse_pdfsig(result.stdout)
    last = signatures[-1] if signatures else {}
    return {
        "valid": bool(signatures) and all(s["signature_valid"] for s in signatures)
        and bool(last.get("total_document_signed")),
        "certificate_trusted": bool(signatures) and all(s["certificate_trusted"] for s in signatures),
        "total_document_signed": bool(last.get("total_document_signed")),
        "signatures": signatures,
        "nss_trust": nss_trust,
        "returncode": result.returncode,
        "output": output,
    }


__all__: Sequence[str] = (
    "CJK_FONT_STACK", "PdfValidation", "embedded_files", "parse_pdfsig", "pdfsig_report", "render_html",
    "render_pdf", "seal_characters", "sign_pdf", "validate_pdf",
)
