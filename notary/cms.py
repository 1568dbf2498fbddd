"""CMS signatures, RFC 3161 timestamp tokens and PDF signatures, checked offline.

This module is what a court's verifier relies on to decide whether

* an RFC 3161 timestamp token (a CMS ``SignedData`` whose content is a
  ``TSTInfo``) really was issued by a timestamping authority over the SHA-256 of
  a given file, and at which time (:func:`verify_timestamp_token`);
* the last signature of a PDF (for example the platform's signed certificate)
  covers the whole file and was made by the certificate it names
  (:func:`verify_pdf_signature`).

It depends on the Python standard library and the ``cryptography`` package
only, so that the verifier can run on a machine without the portal, Django,
asn1crypto or pyHanko. For that reason it contains its own small DER reader
(ITU-T X.690), which reads the few structures needed: ``ContentInfo`` and
``SignedData`` (RFC 5652), ``TSTInfo`` (RFC 3161), the ESS signing-certificate
attributes (RFC 2634, RFC 5035) and the parts of certificates used to match a
signer. Certificates themselves are parsed by ``cryptography``.

What is checked for a CMS signature (:func:`verify_signed_data`), per RFC 5652
section 5.4 and 5.6:

1. the signer's certificate is one of the certificates carried in the message,
   found by issuer and serial number or by subject key identifier;
2. when signed attributes are present, they contain exactly one content-type
   attribute equal to the encapsulated content type, and exactly one
   message-digest attribute equal to the hash of the content (the
   encapsulated content, or the external data of a detached signature such as
   the signed byte ranges of a PDF);
3. the signature value verifies, with the signer certificate's public key, over
   the DER encoding of the signed attributes with their tag changed to
   ``SET OF`` (0x31) -- or over the content itself when there are no signed
   attributes. RSA PKCS #1 v1.5, RSA-PSS, ECDSA, Ed25519 and Ed448 are
   supported; SHA-1 and MD5 are refused as digest algorithms.

Every failure, including malformed input, raises :class:`CMSError` (or its
subclasses :class:`TimestampError` and :class:`PdfSignatureError`) with a
sentence saying what is wrong; no other exception type escapes the public
functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

__all__ = [
    "CMSError",
    "Der",
    "PdfSignatureError",
    "PdfSignatureResult",
    "SignedData",
    "SignerInfo",
    "TSTInfo",
    "TimestampError",
    "TimestampResult",
    "chains_to",
    "find_signer_certificate",
    "parse_der",
    "parse_signed_data",
    "parse_tst_info",
    "pdf_literal_string",
    "verify_pdf_signature",
    "verify_signed_data",
    "verify_timestamp_token",
]


class CMSError(ValueError):
    """A CMS structure is malformed or its signature does not verify."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TimestampError(CMSError):
    """An RFC 3161 timestamp token is malformed, invalid or not over the expected file."""


class PdfSignatureError(CMSError):
    """A PDF carries no signature, or its last signature is malformed or invalid."""


# --------------------------------------------------------------------------
# Object identifiers
# --------------------------------------------------------------------------

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_DATA = "1.2.840.113549.1.7.1"
OID_TST_INFO = "1.2.840.113549.1.9.16.1.4"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_TIME = "1.2.840.113549.1.9.5"
OID_SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12"
OID_SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47"
OID_SIGNATURE_TIMESTAMP = "1.2.840.113549.1.9.16.2.14"

OID_SHA1 = "1.3.14.3.2.26"
OID_SHA256 = "2.16.840.1.101.3.4.2.1"
OID_MGF1 = "1.2.840.113549.1.1.8"
OID_RSA_PSS = "1.2.840.113549.1.1.10"
OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_ED25519 = "1.3.101.112"
OID_ED448 = "1.3.101.113"

#: Digest algorithms accepted for content and signatures. SHA-1 and MD5 are
#: deliberately absent: collisions are practical, so a court cannot rely on them.
DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "2.16.840.1.101.3.4.2.1": hashes.SHA256,
    "2.16.840.1.101.3.4.2.2": hashes.SHA384,
    "2.16.840.1.101.3.4.2.3": hashes.SHA512,
    "2.16.840.1.101.3.4.2.4": hashes.SHA224,
    "2.16.840.1.101.3.4.2.8": hashes.SHA3_256,
    "2.16.840.1.101.3.4.2.9": hashes.SHA3_384,
    "2.16.840.1.101.3.4.2.10": hashes.SHA3_512,
}

#: Signature algorithms that name their hash: OID -> (key family, hash OID).
_SIGNATURE_HASH: dict[str, tuple[str, str]] = {
    "1.2.840.113549.1.1.11": ("rsa", "2.16.840.1.101.3.4.2.1"),
    "1.2.840.113549.1.1.12": ("rsa", "2.16.840.1.101.3.4.2.2"),
    "1.2.840.113549.1.1.13": ("rsa", "2.16.840.1.101.3.4.2.3"),
    "1.2.840.113549.1.1.14": ("rsa", "2.16.840.1.101.3.4.2.4"),
    "1.2.840.10045.4.3.1": ("ec", "2.16.840.1.101.3.4.2.4"),
    "1.2.840.10045.4.3.2": ("ec", "2.16.840.1.101.3.4.2.1"),
    "1.2.840.10045.4.3.3": ("ec", "2.16.840.1.101.3.4.2.2"),
    "1.2.840.10045.4.3.4": ("ec", "2.16.840.1.101.3.4.2.3"),
}

_WEAK = {OID_SHA1: "SHA-1", "1.2.840.113549.2.5": "MD5"}


def _hash_of(oid: str, what: str) -> hashes.HashAlgorithm:
    if oid in _WEAK:
        raise CMSError(f"{what} uses {_WEAK[oid]}, which is not accepted")
    try:
        return DIGESTS[oid]()
    except KeyError:
        raise CMSError(f"{what} uses an unsupported digest algorithm ({oid})") from None


def _digest(algorithm: hashes.HashAlgorithm, chunks: Iterable[bytes]) -> bytes:
    h = hashes.Hash(algorithm)
    for chunk in chunks:
        h.update(chunk)
    return h.finalize()


# --------------------------------------------------------------------------
# A minimal DER reader (ITU-T X.690)
# --------------------------------------------------------------------------

# Tag octets (class, constructed bit and number in one byte) used below.
INTEGER = 0x02
OCTET_STRING = 0x04
OID = 0x06
ENUMERATED = 0x0A
UTF8_STRING = 0x0C
SEQUENCE = 0x30
SET = 0x31
UTC_TIME = 0x17
GENERALIZED_TIME = 0x18
BOOLEAN = 0x01


@dataclass(frozen=True)
class Der:
    """One DER element: its identifier octet(s), its full encoding and its contents.

    ``tag`` is the first identifier octet (class, constructed flag and tag
    number when below 31); ``number`` is the full tag number, also for
    high-tag-number forms.
    """

    tag: int
    number: int
    raw: bytes
    content: bytes

    @property
    def constructed(self) -> bool:
        return bool(self.tag & 0x20)

    @property
    def tag_class(self) -> int:
        """0 universal, 1 application, 2 context-specific, 3 private."""
        return self.tag >> 6

    def is_context(self, number: int) -> bool:
        return self.tag_class == 2 and self.number == number

    def children(self) -> list[Der]:
        """The elements inside a constructed element."""
        if not self.constructed:
            raise CMSError("expected a constructed DER element")
        return _parse_all(self.content)


def _read(data: bytes, offset: int) -> tuple[Der, int]:
    """Read one element of ``data`` at ``offset``; return it and the offset after it."""
    end = len(data)
    if offset >= end:
        raise CMSError("truncated DER: missing tag")
    start = offset
    tag = data[offset]
    offset += 1
    number = tag & 0x1F
    if number == 0x1F:  # high tag number form
        number = 0
        while True:
            if offset >= end:
                raise CMSError("truncated DER: tag")
            byte = data[offset]
            offset += 1
            number = (number << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
            if number > 1 << 28:
                raise CMSError("DER tag number too large")
    if offset >= end:
        raise CMSError("truncated DER: missing length")
    first = data[offset]
    offset += 1
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise CMSError("indefinite-length (BER) encoding is not DER")
    else:
        count = first & 0x7F
        if count > 8 or offset + count > end:
            raise CMSError("truncated or oversized DER length")
        length = int.from_bytes(data[offset:offset + count], "big")
        offset += count
    if offset + length > end:
        raise CMSError("truncated DER: content shorter than its length")
    content = data[offset:offset + length]
    return Der(tag=tag, number=number, raw=data[start:offset + length], content=content), offset + length


def _parse_all(data: bytes) -> list[Der]:
    items = []
    offset = 0
    while offset < len(data):
        item, offset = _read(data, offset)
        items.append(item)
    return items


def parse_der(data: bytes, *, allow_trailing: bool = False) -> Der:
    """Parse one DER element; raise CMSError on malformed input or trailing bytes."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise CMSError("DER input must be bytes")
    data = bytes(data)
    item, offset = _read(data, 0)
    if offset != len(data) and not allow_trailing:
        raise CMSError("trailing bytes after the DER element")
    return item


def _expect(item: Der, tag: int, what: str) -> Der:
    if item.tag != tag:
        raise CMSError(f"{what}: unexpected DER tag 0x{item.tag:02x} (expected 0x{tag:02x})")
    return item


def _oid(item: Der, what: str = "object identifier") -> str:
    _expect(item, OID, what)
    value = item.content
    if not value or value[-1] & 0x80:
        raise CMSError(f"{what}: malformed object identifier")
    arcs: list[int] = []
    current = 0
    for byte in value:
        current = (current << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(current)
            current = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


def _int(item: Der, what: str = "integer") -> int:
    _expect(item, INTEGER, what)
    if not item.content:
        raise CMSError(f"{what}: empty integer")
    return int.from_bytes(item.content, "big", signed=True)


def _octets(item: Der, what: str) -> bytes:
    """Content of an OCTET STRING (a constructed one, allowed in BER, is joined)."""
    if item.tag == OCTET_STRING:
        return item.content
    if item.tag == OCTET_STRING | 0x20:
        return b"".join(_octets(child, what) for child in item.children())
    raise CMSError(f"{what}: expected an OCTET STRING")


_TIME = re.compile(rb"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d{1,6})\d*)?Z")
_UTC_TIME = re.compile(rb"(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z")


def _time(item: Der, what: str) -> dt.datetime:
    """A UTCTime or GeneralizedTime in UTC ('Z') as an aware datetime."""
    try:
        if item.tag == GENERALIZED_TIME:
            match = _TIME.fullmatch(item.content)
            if not match:
                raise CMSError(f"{what}: GeneralizedTime is not in UTC 'YYYYMMDDHHMMSS[.f]Z' form")
            year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
            micro = int((match.group(7) or b"0").ljust(6, b"0"))
            return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=dt.UTC)
        if item.tag == UTC_TIME:
            match = _UTC_TIME.fullmatch(item.content)
            if not match:
                raise CMSError(f"{what}: UTCTime is not in 'YYMMDDHHMMSSZ' form")
            yy, month, day, hour, minute, second = (int(g) for g in match.groups())
            year = 1900 + yy if yy >= 50 else 2000 + yy  # RFC 5280 section 4.1.2.5.1
            return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except ValueError as exc:
        if isinstance(exc, CMSError):
            raise
        raise CMSError(f"{what}: not a valid date") from exc
    raise CMSError(f"{what}: expected a UTCTime or GeneralizedTime")


def _digest_algorithm(item: Der, what: str) -> str:
    """A digest AlgorithmIdentifier, whose parameters must be absent or NULL (RFC 5754 section 2)."""
    oid, parameters = _algorithm(item, what)
    if parameters is not None and parameters.raw != b"\x05\x00":
        raise CMSError(f"{what}: unexpected digest algorithm parameters")
    return oid


def _algorithm(item: Der, what: str) -> tuple[str, Der | None]:
    """An AlgorithmIdentifier: (OID, parameters element or None)."""
    parts = _expect(item, SEQUENCE, what).children()
    if not parts or len(parts) > 2:
        raise CMSError(f"{what}: malformed AlgorithmIdentifier")
    return _oid(parts[0], what), (parts[1] if len(parts) == 2 else None)


# --------------------------------------------------------------------------
# CMS SignedData (RFC 5652)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SignerInfo:
    """The parts of a CMS SignerInfo the checks need (RFC 5652 section 5.3)."""

    sid_issuer: bytes | None  # DER of the issuer Name, for an IssuerAndSerialNumber sid
    sid_serial: int | None
    sid_key_id: bytes | None  # for a subjectKeyIdentifier sid
    digest_algorithm: str
    signed_attrs: bytes | None  # the raw [0] IMPLICIT encoding, as it appears in the message
    attributes: dict[str, list[Der]]  # signed attribute OID -> its values
    signature_algorithm: str
    signature_parameters: Der | None
    signature: bytes
    unsigned_attributes: dict[str, list[Der]]


@dataclass(frozen=True)
class SignedData:
    """A parsed CMS ContentInfo holding SignedData (RFC 5652 section 5.1)."""

    content_type: str
    content: bytes | None  # None for a detached signature
    certificates: list[x509.Certificate]
    certificate_ders: list[bytes]
    signer_infos: list[SignerInfo]

    @property
    def signer(self) -> SignerInfo:
        return self.signer_infos[0]


def _attributes(item: Der, what: str) -> dict[str, list[Der]]:
    result: dict[str, list[Der]] = {}
    for attribute in item.children():
        parts = _expect(attribute, SEQUENCE, what).children()
        if len(parts) != 2:
            raise CMSError(f"{what}: malformed attribute")
        oid = _oid(parts[0], what)
        if oid in result:
            raise CMSError(f"{what}: attribute {oid} appears twice")
        result[oid] = _expect(parts[1], SET, what).children()
    return result


def _signer_info(item: Der) -> SignerInfo:
    parts = _expect(item, SEQUENCE, "SignerInfo").children()
    if len(parts) < 5:
        raise CMSError("SignerInfo: too few fields")
    version = _int(parts[0], "SignerInfo version")
    sid = parts[1]
    sid_issuer = sid_serial = sid_key_id = None
    if sid.tag == SEQUENCE:
        issuer_serial = sid.children()
        if len(issuer_serial) != 2:
            raise CMSError("SignerInfo: malformed IssuerAndSerialNumber")
        sid_issuer = _expect(issuer_serial[0], SEQUENCE, "SignerInfo issuer").raw
        sid_serial = _int(issuer_serial[1], "SignerInfo serial number")
    elif sid.tag == 0x80:  # [0] IMPLICIT SubjectKeyIdentifier
        sid_key_id = sid.content
    else:
        raise CMSError("SignerInfo: unknown signer identifier")
    if version != (1 if sid_key_id is None else 3):  # RFC 5652 section 5.3
        raise CMSError("SignerInfo: version does not match the signer identifier")
    digest_algorithm = _digest_algorithm(parts[2], "SignerInfo digestAlgorithm")
    index = 3
    signed_attrs = None
    attributes: dict[str, list[Der]] = {}
    if parts[index].tag == 0xA0:  # [0] IMPLICIT SET OF Attribute
        signed_attrs = parts[index].raw
        attributes = _attributes(parts[index], "signed attributes")
        index += 1
    if len(parts) < index + 2:
        raise CMSError("SignerInfo: missing signature")
    signature_algorithm, signature_parameters = _algorithm(parts[index], "SignerInfo signatureAlgorithm")
    signature = _expect(parts[index + 1], OCTET_STRING, "SignerInfo signature").content
    unsigned: dict[str, list[Der]] = {}
    rest = parts[index + 2:]
    if rest:
        if len(rest) != 1 or rest[0].tag != 0xA1:
            raise CMSError("SignerInfo: unexpected trailing fields")
        unsigned = _attributes(rest[0], "unsigned attributes")
    return SignerInfo(sid_issuer=sid_issuer, sid_serial=sid_serial, sid_key_id=sid_key_id,
                      digest_algorithm=digest_algorithm, signed_attrs=signed_attrs, attributes=attributes,
                      signature_algorithm=signature_algorithm, signature_parameters=signature_parameters,
                      signature=signature, unsigned_attributes=unsigned)


def parse_signed_data(data: bytes) -> SignedData:
    """Parse a DER ContentInfo whose content is SignedData.

    Raises CMSError on anything else or on malformed DER.
    """
    try:
        return _parse_signed_data(data)
    except CMSError:
        raise
    except (ValueError, TypeError, IndexError, UnsupportedAlgorithm) as exc:
        raise CMSError(f"malformed CMS SignedData: {exc}") from exc


def _parse_signed_data(data: bytes) -> SignedData:
    info = _expect(parse_der(data), SEQUENCE, "ContentInfo").children()
    if len(info) != 2 or not info[1].is_context(0) or not info[1].constructed:
        raise CMSError("ContentInfo: expected contentType and [0] content")
    if _oid(info[0], "ContentInfo contentType") != OID_SIGNED_DATA:
        raise CMSError("ContentInfo does not hold SignedData")
    wrapped = info[1].children()
    if len(wrapped) != 1:
        raise CMSError("ContentInfo: malformed content")
    parts = _expect(wrapped[0], SEQUENCE, "SignedData").children()
    if len(parts) < 4:
        raise CMSError("SignedData: too few fields")
    version = _int(parts[0], "SignedData version")
    for algorithm in _expect(parts[1], SET, "SignedData digestAlgorithms").children():
        _digest_algorithm(algorithm, "SignedData digestAlgorithms")
    encap = _expect(parts[2], SEQUENCE, "EncapsulatedContentInfo").children()
    if not encap or len(encap) > 2:
        raise CMSError("EncapsulatedContentInfo: malformed")
    content_type = _oid(encap[0], "eContentType")
    content = None
    if len(encap) == 2:
        if not encap[1].is_context(0) or not encap[1].constructed:
            raise CMSError("EncapsulatedContentInfo: eContent must be [0] EXPLICIT")
        inner = encap[1].children()
        if len(inner) != 1:
            raise CMSError("EncapsulatedContentInfo: malformed eContent")
        content = _octets(inner[0], "eContent")
    certificates: list[x509.Certificate] = []
    certificate_ders: list[bytes] = []
    index = 3
    if index < len(parts) and parts[index].tag == 0xA0:  # [0] IMPLICIT CertificateSet
        for choice in parts[index].children():
            if choice.tag != SEQUENCE:
                continue  # attribute certificates and other formats are not used here
            try:
                certificates.append(x509.load_der_x509_certificate(choice.raw))
            except ValueError as exc:
                raise CMSError(f"SignedData holds a malformed certificate: {exc}") from exc
            certificate_ders.append(choice.raw)
        index += 1
    if index < len(parts) and parts[index].tag == 0xA1:  # [1] IMPLICIT RevocationInfoChoices
        index += 1
    if index != len(parts) - 1:
        raise CMSError("SignedData: unexpected fields")
    signer_infos = [_signer_info(si) for si in _expect(parts[index], SET, "SignerInfos").children()]
    if not signer_infos:
        raise CMSError("SignedData has no SignerInfo")
    # RFC 5652 section 5.1: version 3 or more when the content is not id-data or a signer uses a key identifier.
    needs_v3 = content_type != OID_DATA or any(si.sid_key_id is not None for si in signer_infos)
    if version not in (1, 3, 4, 5) or (needs_v3 and version == 1):
        raise CMSError("SignedData: version does not match its content")
    return SignedData(content_type=content_type, content=content, certificates=certificates,
                      certificate_ders=certificate_ders, signer_infos=signer_infos)


def _certificate_issuer_serial(cert_der: bytes) -> tuple[bytes, int]:
    """The raw issuer Name and the serial number, read from the certificate's own DER.

    Comparing the issuer as encoded (rather than re-encoded) follows RFC 5652's
    matching of IssuerAndSerialNumber.
    """
    tbs = parse_der(cert_der).children()[0].children()
    index = 1 if tbs[0].is_context(0) else 0
    return tbs[index + 2].raw, _int(tbs[index], "certificate serial")


def find_signer_certificate(signed: SignedData, signer: SignerInfo | None = None) -> x509.Certificate:
    """The certificate that the SignerInfo's sid names, among those in the message."""
    signer = signer or signed.signer
    for cert, der in zip(signed.certificates, signed.certificate_ders, strict=True):
        if signer.sid_key_id is not None:
            try:
                ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
            except x509.ExtensionNotFound:
                continue
            if ski == signer.sid_key_id:
                return cert
        else:
            issuer, serial = _certificate_issuer_serial(der)
            if issuer == signer.sid_issuer and serial == signer.sid_serial:
                return cert
    raise CMSError("the signer's certificate is not included in the signature")


def _single_attribute(signer: SignerInfo, oid: str, what: str) -> Der:
    values = signer.attributes.get(oid)
    if values is None:
        raise CMSError(f"the signed attributes lack the {what} attribute")
    if len(values) != 1:
        raise CMSError(f"the {what} attribute must have exactly one value")
    return values[0]


def _pss_parameters(parameters: Der | None) -> tuple[hashes.HashAlgorithm, padding.PSS]:
    """RSASSA-PSS-params (RFC 4055 section 3.1), rejecting SHA-1 defaults."""
    hash_oid, mgf_hash_oid, salt_length = OID_SHA1, OID_SHA1, 20
    if parameters is None or parameters.tag != SEQUENCE:
        raise CMSError("RSA-PSS signature without parameters")
    for item in parameters.children():
        inner = item.children()
        if len(inner) != 1:
            raise CMSError("malformed RSA-PSS parameters")
        if item.is_context(0):
            hash_oid, _ = _algorithm(inner[0], "RSA-PSS hash")
        elif item.is_context(1):
            mgf_oid, mgf_params = _algorithm(inner[0], "RSA-PSS mask generation")
            if mgf_oid != OID_MGF1 or mgf_params is None:
                raise CMSError("RSA-PSS: unsupported mask generation function")
            mgf_hash_oid, _ = _algorithm(mgf_params, "RSA-PSS MGF1 hash")
        elif item.is_context(2):
            salt_length = _int(inner[0], "RSA-PSS salt length")
        elif item.is_context(3):
            if _int(inner[0], "RSA-PSS trailer field") != 1:
                raise CMSError("RSA-PSS: unsupported trailer field")
    algorithm = _hash_of(hash_oid, "the RSA-PSS signature")
    mgf_hash = _hash_of(mgf_hash_oid, "the RSA-PSS mask generation")
    if salt_length < 0:
        raise CMSError("RSA-PSS: negative salt length")
    return algorithm, padding.PSS(mgf=padding.MGF1(mgf_hash), salt_length=salt_length)


def _verify_signature(cert: x509.Certificate, signer: SignerInfo, message: bytes) -> None:
    """Check ``signer.signature`` over ``message`` with the certificate's public key."""
    key = cert.public_key()
    oid = signer.signature_algorithm
    signature = signer.signature
    try:
        if isinstance(key, ed25519.Ed25519PublicKey) and oid == OID_ED25519:
            key.verify(signature, message)
            return
        if isinstance(key, ed448.Ed448PublicKey) and oid == OID_ED448:
            key.verify(signature, message)
            return
        if isinstance(key, rsa.RSAPublicKey) and oid == OID_RSA_PSS:
            algorithm, pss = _pss_parameters(signer.signature_parameters)
            key.verify(signature, message, pss, algorithm)
            return
        if oid in _SIGNATURE_HASH:
            family, hash_oid = _SIGNATURE_HASH[oid]
        elif oid == OID_RSA_ENCRYPTION:
            family, hash_oid = "rsa", signer.digest_algorithm
        elif oid == OID_EC_PUBLIC_KEY:
            family, hash_oid = "ec", signer.digest_algorithm
        else:
            raise CMSError(f"unsupported signature algorithm {oid}")
        algorithm = _hash_of(hash_oid, "the signature")
        if family == "rsa" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), algorithm)
            return
        if family == "ec" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, message, ec.ECDSA(algorithm))
            return
    except InvalidSignature:
        raise CMSError("the signature value does not verify with the signer's certificate") from None
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise CMSError(f"the signature cannot be checked: {exc}") from exc
    raise CMSError(f"the signature algorithm {oid} does not match the signer's {type(key).__name__}")


def verify_signed_data(signed: SignedData, *, external_chunks: Iterable[bytes] | None = None,
                       signer: SignerInfo | None = None) -> x509.Certificate:
    """Check a CMS signature as RFC 5652 section 5.4/5.6 describe; return the signer's certificate.

    ``external_chunks`` is the signed data of a detached signature (for a PDF,
    its signed byte ranges); without it the encapsulated content is used.
    Raises CMSError when any check fails.
    """
    try:
        return _verify_signed_data(signed, external_chunks, signer)
    except CMSError:
        raise
    except (ValueError, TypeError, IndexError, UnsupportedAlgorithm) as exc:
        raise CMSError(f"the signature cannot be checked: {exc}") from exc


def _verify_signed_data(signed: SignedData, external_chunks: Iterable[bytes] | None,
                        signer: SignerInfo | None) -> x509.Certificate:
    signer = signer or signed.signer
    if external_chunks is None:
        if signed.content is None:
            raise CMSError("detached signature but no signed data given")
        chunks: Iterable[bytes] = (signed.content,)
    else:
        chunks = external_chunks
    algorithm = _hash_of(signer.digest_algorithm, "the signer's digest")
    cert = find_signer_certificate(signed, signer)
    if signer.signed_attrs is None:
        message = b"".join(chunks)
        _verify_signature(cert, signer, message)
        return cert
    content_type = _oid(_single_attribute(signer, OID_CONTENT_TYPE, "content-type"), "content-type attribute")
    if content_type != signed.content_type:
        raise CMSError("the content-type attribute does not match the signed content type")
    claimed = _expect(_single_attribute(signer, OID_MESSAGE_DIGEST, "message-digest"), OCTET_STRING,
                      "message-digest attribute").content
    if _digest(algorithm, chunks) != claimed:
        raise CMSError("the message digest does not match the signed content (the content was changed)")
    # RFC 5652 section 5.4: the signature covers the DER of signedAttrs as an explicit SET OF.
    _verify_signature(cert, signer, b"\x31" + signer.signed_attrs[1:])
    return cert


def _first_ess_cert_id(value: Der, what: str) -> list[Der]:
    """The fields of the first ESSCertID(v2) of a SigningCertificate(V2) value (the signer's own)."""
    fields = _expect(value, SEQUENCE, what).children()
    if not fields:
        raise CMSError(f"empty {what} attribute")
    cert_ids = _expect(fields[0], SEQUENCE, what).children()
    if not cert_ids:
        raise CMSError(f"the {what} attribute names no certificate")
    return _expect(cert_ids[0], SEQUENCE, what).children()


def _check_signing_certificate_attribute(signer: SignerInfo, cert_der: bytes, *, required: bool) -> None:
    """Check the ESS signing-certificate (v1 or v2) attribute names the signer's certificate.

    RFC 3161 section 2.4.1 and RFC 5816 require it in a timestamp token; it
    binds the signature to one certificate so another certificate with the same
    key cannot be substituted.
    """
    if OID_SIGNING_CERTIFICATE_V2 in signer.attributes:
        # SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies OPTIONAL }
        # ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash OCTET STRING, issuerSerial OPTIONAL }
        value = _single_attribute(signer, OID_SIGNING_CERTIFICATE_V2, "signing-certificate-v2")
        ess_cert_id = _first_ess_cert_id(value, "signing-certificate-v2")
        hash_oid = OID_SHA256
        if ess_cert_id and ess_cert_id[0].tag == SEQUENCE:
            hash_oid, _ = _algorithm(ess_cert_id[0], "ESSCertIDv2 hashAlgorithm")
            ess_cert_id = ess_cert_id[1:]
        if not ess_cert_id:
            raise CMSError("ESSCertIDv2 lacks the certificate hash")
        expected = _digest(_hash_of(hash_oid, "the signing-certificate-v2 attribute"), (cert_der,))
        if _octets(ess_cert_id[0], "ESSCertIDv2 certHash") != expected:
            raise CMSError("the signing-certificate-v2 attribute names another certificate")
        return
    if OID_SIGNING_CERTIFICATE in signer.attributes:
        # SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies OPTIONAL }
        # ESSCertID ::= SEQUENCE { certHash OCTET STRING (SHA-1 of the certificate), issuerSerial OPTIONAL }
        # SHA-1 here only names a certificate that is carried and checked anyway (RFC 2634).
        value = _single_attribute(signer, OID_SIGNING_CERTIFICATE, "signing-certificate")
        ess_cert_id = _first_ess_cert_id(value, "signing-certificate")
        expected = hashlib.sha1(cert_der, usedforsecurity=False).digest()
        if not ess_cert_id or _octets(ess_cert_id[0], "ESSCertID certHash") != expected:
            raise CMSError("the signing-certificate attribute names another certificate")
        return
    if required:
        raise CMSError("the signed attributes lack the signing-certificate attribute")


# --------------------------------------------------------------------------
# RFC 3161 timestamp tokens
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class TSTInfo:
    """The fields of an RFC 3161 TSTInfo (section 2.4.2) that a verifier reports."""

    policy: str
    hash_algorithm: str
    digest: bytes
    serial: int
    gen_time: dt.datetime
    nonce: int | None
    tsa_name: bytes | None = None  # raw GeneralName, when present


def parse_tst_info(der: bytes) -> TSTInfo:
    """Parse a DER TSTInfo; raise TimestampError when it is malformed."""
    try:
        return _parse_tst_info(der)
    except TimestampError:
        raise
    except (CMSError, ValueError, TypeError, IndexError) as exc:
        raise TimestampError(f"malformed TSTInfo: {exc}") from exc


def _parse_tst_info(der: bytes) -> TSTInfo:
    parts = _expect(parse_der(der), SEQUENCE, "TSTInfo").children()
    if len(parts) < 5:
        raise TimestampError("TSTInfo: too few fields")
    if _int(parts[0], "TSTInfo version") != 1:
        raise TimestampError("TSTInfo: unsupported version")
    policy = _oid(parts[1], "TSTInfo policy")
    imprint = _expect(parts[2], SEQUENCE, "MessageImprint").children()
    if len(imprint) != 2:
        raise TimestampError("MessageImprint: malformed")
    hash_algorithm = _digest_algorithm(imprint[0], "MessageImprint hashAlgorithm")
    digest = _expect(imprint[1], OCTET_STRING, "MessageImprint hashedMessage").content
    serial = _int(parts[3], "TSTInfo serialNumber")
    gen_time = _time(_expect(parts[4], GENERALIZED_TIME, "TSTInfo genTime"), "TSTInfo genTime")
    nonce = None
    tsa_name = None
    for item in parts[5:]:
        if item.tag == INTEGER:
            nonce = _int(item, "TSTInfo nonce")
        elif item.is_context(0):
            tsa_name = item.raw
    return TSTInfo(policy=policy, hash_algorithm=hash_algorithm, digest=digest, serial=serial, gen_time=gen_time,
                   nonce=nonce, tsa_name=tsa_name)


@dataclass(frozen=True)
class TimestampResult:
    """What a verified timestamp token says: the file's hash existed at ``gen_time``."""

    gen_time: dt.datetime
    serial: int
    tsa_subject: str
    policy: str
    nonce: int | None
    tsa_certificate: x509.Certificate
    trusted: bool  # the TSA certificate was checked against a pinned certificate


def _check_timestamping_eku(cert: x509.Certificate) -> None:
    """RFC 3161 section 2.3: exactly one, critical, extended key usage: timeStamping."""
    try:
        extension = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        raise TimestampError("the TSA certificate has no extended key usage (timeStamping is required)") from None
    except ValueError as exc:
        raise TimestampError(f"the TSA certificate's extensions are malformed: {exc}") from exc
    if not extension.critical:
        raise TimestampError("the TSA certificate's extended key usage is not critical")
    if list(extension.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        raise TimestampError("the TSA certificate's extended key usage is not timeStamping only")


def _valid_at(cert: x509.Certificate, when: dt.datetime, what: str) -> None:
    if not cert.not_valid_before_utc <= when <= cert.not_valid_after_utc:
        raise TimestampError(
            f"{what} was not valid at {when.isoformat()} (valid {cert.not_valid_before_utc.isoformat()}"
            f" to {cert.not_valid_after_utc.isoformat()})")


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def chains_to(cert: x509.Certificate, trusted: x509.Certificate, *, intermediates: Iterable[x509.Certificate] = (),
              at: dt.datetime | None = None, max_depth: int = 4) -> bool:
    """Whether ``cert`` is ``trusted`` itself or is issued, directly or through CA
    certificates from ``intermediates``, by ``trusted`` (which must then be a CA).

    Each certificate signature is checked; when ``at`` is given, every
    certificate on the path must be valid at that time.
    """
    pool = [c for c in intermediates if _is_ca(c)]
    current = cert
    for _ in range(max_depth + 1):
        if current == trusted:
            return True
        if at is not None and not current.not_valid_before_utc <= at <= current.not_valid_after_utc:
            return False
        if _is_ca(trusted) and _issued_by(current, trusted):
            return at is None or trusted.not_valid_before_utc <= at <= trusted.not_valid_after_utc
        parent = next((c for c in pool if c != current and _issued_by(current, c)), None)
        if parent is None:
            return False
        current = parent
    return False


def _subject(cert: x509.Certificate) -> str:
    try:
        return cert.subject.rfc4514_string()
    except ValueError:
        return "<unreadable subject>"


def verify_timestamp_token(token_der: bytes, file_sha256: bytes, *,
                           trusted_tsa_cert: x509.Certificate | None = None) -> TimestampResult:
    """Check an RFC 3161 TimeStampToken over ``file_sha256``; raise TimestampError on any failure.

    Checked, each for the reason given:

    * the token is CMS SignedData whose content type is id-ct-TSTInfo (RFC 3161
      section 2.4.2), so it is a timestamp and not some other signed object;
    * the messageImprint's algorithm is SHA-256 and its value equals
      ``file_sha256``, so the timestamp is over this very file;
    * the CMS signature verifies (message digest of the TSTInfo, signature with
      the TSA certificate's key) and the ESS signing-certificate attribute names
      that certificate, so the TSTInfo, including its time, is as the TSA signed it;
    * the TSA certificate has one critical extended key usage, timeStamping
      (RFC 3161 section 2.3), so it was issued to act as a TSA;
    * the certificate was valid at genTime;
    * with ``trusted_tsa_cert`` (the pinned TSA certificate or the CA that
      issued it), the TSA certificate is that one or chains to it, so the
      token comes from the authority the court trusts. Without it, anyone could
      have made the token with a home-made certificate, and ``trusted`` is False.
    """
    try:
        return _verify_timestamp_token(token_der, file_sha256, trusted_tsa_cert)
    except TimestampError:
        raise
    except CMSError as exc:
        raise TimestampError(exc.reason) from exc
    except (ValueError, TypeError, IndexError, AttributeError, UnsupportedAlgorithm) as exc:
        raise TimestampError(f"malformed timestamp token: {exc}") from exc


def _verify_timestamp_token(token_der: bytes, file_sha256: bytes,
                            trusted: x509.Certificate | None) -> TimestampResult:
    if not isinstance(file_sha256, bytes) or len(file_sha256) != 32:
        raise TimestampError("the expected file hash must be 32 bytes of SHA-256")
    signed = parse_signed_data(token_der)
    if signed.content_type != OID_TST_INFO:
        raise TimestampError("the token's content is not a TSTInfo (id-ct-TSTInfo)")
    if signed.content is None:
        raise TimestampError("the token carries no TSTInfo")
    if len(signed.signer_infos) != 1:
        raise TimestampError("a timestamp token must have exactly one signer")
    info = parse_tst_info(signed.content)
    if info.hash_algorithm != OID_SHA256:
        raise TimestampError(f"the timestamp's message imprint is not SHA-256 ({info.hash_algorithm})")
    if info.digest != file_sha256:
        raise TimestampError("the timestamp is over another file (message imprint differs from the file's SHA-256)")
    cert = verify_signed_data(signed)
    if signed.signer.signed_attrs is None:
        raise TimestampError("the timestamp token has no signed attributes")
    cert_der = signed.certificate_ders[signed.certificates.index(cert)]
    _check_signing_certificate_attribute(signed.signer, cert_der, required=True)
    _check_timestamping_eku(cert)
    _valid_at(cert, info.gen_time, "the TSA certificate")
    if trusted is not None and not chains_to(cert, trusted, intermediates=signed.certificates, at=info.gen_time):
        raise TimestampError("the TSA certificate is neither the trusted TSA certificate nor issued by it")
    return TimestampResult(gen_time=info.gen_time, serial=info.serial, tsa_subject=_subject(cert), policy=info.policy,
                           nonce=info.nonce, tsa_certificate=cert, trusted=trusted is not None)


# --------------------------------------------------------------------------
# PDF signatures
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfSignatureResult:
    """The last signature of a PDF, verified."""

    signer_subject: str
    signer_certificate: x509.Certificate
    signing_time: dt.datetime | None  # claimed by the signer (signed, but not attested by a third party)
    signing_time_source: str  # "signing-time attribute", "/M of the signature dictionary" or ""
    timestamp: TimestampResult | None  # an RFC 3161 signature timestamp, when embedded
    byte_range: tuple[int, int, int, int]
    sub_filter: str
    trusted: bool  # the signer certificate was checked against a pinned certificate
    warnings: list[str] = field(default_factory=list)


_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_SUB_FILTER = re.compile(rb"/SubFilter\s*/([A-Za-z0-9.#_-]+)")
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_PDF_M = re.compile(rb"/M\s*\(")
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([+-])(\d{2})'?(\d{2})?'?|Z.*)?")
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f",
            ord("("): b"(", ord(")"): b")", ord("\\"): b"\\"}


def pdf_literal_string(data: bytes, offset: int) -> tuple[bytes, int]:
    """Decode the PDF literal string starting with ``(`` at ``offset`` (ISO 32000-1 section 7.3.4.2).

    Returns the string's bytes and the offset after its closing parenthesis.
    Raises ValueError when the string is not terminated.
    """
    if data[offset:offset + 1] != b"(":
        raise ValueError("not a PDF literal string")
    position = offset + 1
    out = bytearray()
    depth = 1
    while position < len(data):
        byte = data[position]
        position += 1
        if byte == 0x5C:  # backslash
            if position >= len(data):
                break
            escaped = data[position]
            position += 1
            if escaped in _ESCAPES:
                out += _ESCAPES[escaped]
            elif 0x30 <= escaped <= 0x37:  # up to three octal digits
                end = position
                while end < len(data) and end < position + 2 and 0x30 <= data[end] <= 0x37:
                    end += 1
                out.append(int(data[position - 1:end], 8) & 0xFF)
                position = end
            elif escaped == 0x0D:  # line continuation
                if data.startswith(b"\n", position):
                    position += 1
            elif escaped != 0x0A:
                out.append(escaped)
        elif byte == 0x28:
            depth += 1
            out.append(byte)
        elif byte == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), position
            out.append(byte)
        else:
            out.append(byte)
    raise ValueError("unterminated PDF literal string")


def _pdf_date(text: str) -> dt.datetime | None:
    """A PDF date ``D:YYYYMMDDHHmmSSOHH'mm'`` (ISO 32000-1 section 7.9.4), or None when unreadable."""
    match = _PDF_DATE.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, sign, tz_hour, tz_minute = match.groups()
    try:
        offset = dt.timedelta(hours=int(tz_hour or 0), minutes=int(tz_minute or 0))
        when = dt.datetime(int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
                           int(second or 0), tzinfo=dt.timezone(-offset if sign == "-" else offset))
    except ValueError:
        return None
    return when.astimezone(dt.UTC)


def verify_pdf_signature(pdf_bytes: bytes, *, trusted_cert: x509.Certificate | None = None,
                         trusted_tsa_cert: x509.Certificate | None = None) -> PdfSignatureResult:
    """Verify the last signature of a PDF; raise PdfSignatureError on any failure.

    The last signature is the one whose ``/ByteRange`` reaches furthest into the
    file. Checked, each for the reason given:

    * the byte range is ``[0, a, b, c]`` with ``b + c`` equal to the file's
      length and the gap between the two ranges is exactly the hexadecimal
      ``/Contents`` string, so every byte of the file except the signature
      itself is signed (no unsigned incremental update follows it);
    * the signature is CMS SignedData (PAdES/``adbe.pkcs7.detached``) whose
      message digest equals the hash of the two byte ranges, and whose
      signature verifies with the signer's certificate; for a document
      timestamp (``ETSI.RFC3161``) the token's message imprint is the SHA-256
      of the byte ranges and the token is checked as in
      :func:`verify_timestamp_token`;
    * an embedded signature timestamp (unsigned attribute
      id-aa-signatureTimeStampToken) is checked over the signature value;
    * with ``trusted_cert`` (the signing certificate or its CA), the signer
      chains to it;
    * the signer's certificate was valid at the signing time: the signature
      timestamp's time when there is one, else the time the signer claims (the
      signing-time attribute, or for PAdES the signed ``/M`` entry).
    """
    try:
        return _verify_pdf_signature(bytes(pdf_bytes), trusted_cert, trusted_tsa_cert)
    except PdfSignatureError:
        raise
    except CMSError as exc:
        raise PdfSignatureError(exc.reason) from exc
    except (ValueError, TypeError, IndexError, AttributeError, UnsupportedAlgorithm) as exc:
        raise PdfSignatureError(f"malformed PDF signature: {exc}") from exc


def _verify_pdf_signature(pdf: bytes, trusted: x509.Certificate | None,
                          trusted_tsa: x509.Certificate | None) -> PdfSignatureResult:
    if not pdf.startswith(b"%PDF-"):
        raise PdfSignatureError("not a PDF file")
    candidates = []
    for match in _BYTE_RANGE.finditer(pdf):
        a, b, c, d = (int(g) for g in match.groups())
        candidates.append((c + d, match.start(), (a, b, c, d)))
    if not candidates:
        raise PdfSignatureError("the PDF has no signature (no /ByteRange)")
    _, position, (a, b, c, d) = max(candidates)
    if a != 0 or b <= 0 or c <= b or d < 0:
        raise PdfSignatureError("the signature's byte range is malformed")
    if c + d != len(pdf):
        raise PdfSignatureError("the signature does not cover the whole file (it was changed after signing)")
    gap = pdf[b:c]
    hex_match = _HEX.fullmatch(gap)
    if not hex_match:
        raise PdfSignatureError("the unsigned gap of the byte range is not the hexadecimal /Contents string")
    if not re.search(rb"/Contents\s*$", pdf[max(0, b - 64):b]):
        raise PdfSignatureError("the unsigned gap of the byte range is not the signature's /Contents value")
    object_start = max(pdf.rfind(b"obj", 0, position), 0)
    object_end = pdf.find(b"endobj", c)
    sub_filter_match = _SUB_FILTER.search(pdf, object_start, object_end if object_end > 0 else len(pdf))
    sub_filter = sub_filter_match.group(1).decode("ascii", "replace") if sub_filter_match else ""
    claimed_time = None
    # /M, the claimed signing time, may come before or after /Contents in the signature dictionary.
    m_match = _PDF_M.search(pdf, object_start, b) or _PDF_M.search(pdf, c, object_end if object_end > 0 else len(pdf))
    if m_match:
        raw, _ = pdf_literal_string(pdf, m_match.end() - 1)
        claimed_time = _pdf_date(raw.decode("latin-1"))
    contents = bytes.fromhex(hex_match.group(1).decode("ascii"))
    cms_der = _strip_padding(contents)
    ranges = (pdf[0:b], pdf[c:c + d])
    signed = parse_signed_data(cms_der)
    if signed.content_type == OID_TST_INFO:  # a document timestamp (ETSI.RFC3161)
        digest = hashlib.sha256(b"".join(ranges)).digest()
        stamp = verify_timestamp_token(cms_der, digest, trusted_tsa_cert=trusted_tsa)
        return PdfSignatureResult(signer_subject=stamp.tsa_subject, signer_certificate=stamp.tsa_certificate,
                                  signing_time=stamp.gen_time, signing_time_source="document timestamp",
                                  timestamp=stamp, byte_range=(a, b, c, d),
                                  sub_filter=sub_filter, trusted=trusted_tsa is not None)
    if signed.content is not None:
        raise PdfSignatureError("the PDF signature is not detached (adbe.pkcs7.sha1 is not accepted)")
    signer = signed.signer
    cert = verify_signed_data(signed, external_chunks=ranges)
    if signer.signed_attrs is None:
        raise PdfSignatureError("the PDF signature has no signed attributes")
    cert_der = signed.certificate_ders[signed.certificates.index(cert)]
    _check_signing_certificate_attribute(signer, cert_der, required=False)
    signing_time, source = None, ""
    if OID_SIGNING_TIME in signer.attributes:
        signing_time = _time(_single_attribute(signer, OID_SIGNING_TIME, "signing-time"), "signing-time")
        source = "signing-time attribute"
    elif claimed_time is not None:  # PAdES puts the claimed time in /M, which the byte range covers
        signing_time, source = claimed_time, "/M of the signature dictionary"
    timestamp = None
    if OID_SIGNATURE_TIMESTAMP in signer.unsigned_attributes:
        values = signer.unsigned_attributes[OID_SIGNATURE_TIMESTAMP]
        if len(values) != 1:
            raise PdfSignatureError("the signature timestamp attribute must have exactly one value")
        timestamp = verify_timestamp_token(values[0].raw, hashlib.sha256(signer.signature).digest(),
                                           trusted_tsa_cert=trusted_tsa)
    when = timestamp.gen_time if timestamp else signing_time
    warnings = []
    if when is not None and not cert.not_valid_before_utc <= when <= cert.not_valid_after_utc:
        raise PdfSignatureError("the signer's certificate was not valid when the PDF was signed")
    if when is None:
        warnings.append("the signature states no signing time")
    if trusted is not None and not chains_to(cert, trusted, intermediates=signed.certificates, at=when):
        raise PdfSignatureError("the signer's certificate is neither the trusted certificate nor issued by it")
    return PdfSignatureResult(signer_subject=_subject(cert), signer_certificate=cert, signing_time=signing_time,
                              signing_time_source=source, timestamp=timestamp, byte_range=(a, b, c, d), sub_filter=sub_filter,
                              trusted=trusted is not None, warnings=warnings)


def _strip_padding(contents: bytes) -> bytes:
    """The CMS object at the start of a zero-padded /Contents value.

    The DER length says where the object ends; everything after it must be
    zero padding, so no data can hide behind the signature.
    """
    if not contents:
        raise PdfSignatureError("the signature's /Contents is empty")
    item = parse_der(contents, allow_trailing=True)
    if contents[len(item.raw):].strip(b"\x00"):
        raise PdfSignatureError("the signature's /Contents has data after the CMS object")
    return item.raw
