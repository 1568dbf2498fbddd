"""RFC 3161 timestamps for notarised files: the built-in TSA, or an external one.

:func:`timestamp` returns the DER of an RFC 3161 ``TimeStampToken`` (a CMS
ContentInfo holding SignedData over a ``TSTInfo``) whose messageImprint is the
given SHA-256 digest. Every token is checked with :mod:`notary.cms` -- the same
code the court's offline verifier runs -- before it is returned, so the portal
never stores a token that the verifier would reject.

Built-in TSA (the default, ``settings.NOTARY_TSA_URL`` empty)
    Signs with the local PKI's TSA key and certificate (:func:`notary.keys.local_pki`:
    RSA, critical extendedKeyUsage timeStamping, issued by the local root CA).
    The token is assembled by pyHanko's ``DummyTimeStamper`` (RSA-only, hence
    the RSA TSA key) with these choices:

    * ``certReq`` semantics: ``certificates`` holds the TSA certificate and the
      local root CA, so a verifier can check the chain from the token alone;
    * a random 64-bit ``nonce`` in the request, checked in the response;
    * ``serialNumber``: the current time in nanoseconds shifted left by 64 bits,
      plus 64 random bits (about 125 bits, below RFC 3161's 160-bit limit) --
      unique without a shared counter, even across processes;
    * ``genTime`` in UTC (GeneralizedTime with "Z");
    * ``policy`` :data:`LOCAL_POLICY_OID`, "self-hosted local policy";
    * signed attributes content-type, signing-time, message-digest and
      signing-certificate-v2 (ESSCertIDv2 with SHA-256, RFC 5816); the
      signature is RSA PKCS #1 v1.5 with SHA-256.

    :data:`LOCAL_POLICY_OID` is ``2.25.166131248934807142173050713950374914816.1``:
    an OID under the ``2.25`` arc, which ITU-T X.667 / ISO/IEC 9834-8 gives to
    anyone who derives it from a UUID they generated, without registration.
    The UUID (7cfbb6f6-b92d-4c5c-824b-1bf44794eb00) was generated for this
    portal, and ``.1`` names this policy: "timestamps issued by the portal's
    own, self-hosted TSA with the portal's clock; no external time source is
    attested". A deployment with its own registered arc sets
    ``settings.NOTARY_TSA_POLICY_OID``.

External TSA (``settings.NOTARY_TSA_URL`` set, e.g. a national time service)
    Sends an RFC 3161 ``TimeStampReq`` (SHA-256 imprint, nonce, certReq) by
    HTTP POST as ``application/timestamp-query`` (RFC 3161 section 3.4) and
    returns the token from the ``TimeStampResp`` after checking the status, the
    nonce, the imprint and the signature. ``settings.NOTARY_TSA_TIMEOUT``
    (seconds, default 10) bounds the request.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Sequence

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from notary import cms as notary_cms
from notary.keys import local_pki

__all__ = ["LOCAL_POLICY_OID", "TSAError", "build_local_token", "pyhanko_timestamper", "timestamp",
           "tsa_certificate_pem"]

LOCAL_POLICY_OID = "2.25.166131248934807142173050713950374914816.1"

_QUERY_TYPE = "application/timestamp-query"
_REPLY_TYPE = "application/timestamp-reply"
_MAX_REPLY_BYTES = 1024 * 1024


class TSAError(RuntimeError):
    """No valid timestamp could be obtained."""


# Digest algorithms the local TSA signs with (pyHanko asks for the one of the request's imprint).
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {"sha256": hashes.SHA256, "sha384": hashes.SHA384,
                                                  "sha512": hashes.SHA512}


def _policy_oid() -> str:
    return getattr(settings, "NOTARY_TSA_POLICY_OID", "") or LOCAL_POLICY_OID


def _unique_serial() -> int:
    return (time.time_ns() << 64) | secrets.randbits(64)


class _LocalTimeStamper(DummyTimeStamper):
    """pyHanko's in-process TSA with our policy, unique serials, UTC genTime,
    an ESSCertIDv2 (SHA-256, RFC 5816) and the already-loaded RSA key
    (pyHanko would re-parse and re-validate the key for every token)."""

    def __init__(self, *, policy: str, private_key: rsa.RSAPrivateKey, **kwargs) -> None:
        super().__init__(**kwargs)
        self.policy = policy
        self.private_key = private_key

    def _build_tst_info(self, message_imprint: tsp.MessageImprint, dt_value: dt.datetime,
                        req: tsp.TimeStampReq) -> tsp.TSTInfo:
        tst_info = super()._build_tst_info(message_imprint, dt_value.astimezone(dt.UTC), req)
        tst_info["policy"] = tsp.ObjectIdentifier(self.policy)
        tst_info["serial_number"] = core.Integer(_unique_serial())
        return tst_info

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str,
                       dt_value: dt.datetime) -> tuple[bytes, cms.CMSAttributes]:
        algorithm = _HASHES.get(md_algorithm)
        if algorithm is None:
            raise TSAError(f"the local TSA does not sign {md_algorithm} requests")
        digest = hashes.Hash(algorithm())
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes([
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt_value.astimezone(dt.UTC))})),
            simple_cms_attribute("signing_certificate_v2", as_signing_certificate_v2(self.tsa_cert, "sha256")),
            simple_cms_attribute("message_digest", digest.finalize()),
        ])
        signature = self.private_key.sign(signed_attrs.dump(), padding.PKCS1v15(), algorithm())
        return signature, signed_attrs


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _request(digest: bytes) -> tuple[int, tsp.TimeStampReq]:
    nonce = secrets.randbits(63) | 1 << 62
    request = tsp.TimeStampReq({
        "version": 1,
        "message_imprint": tsp.MessageImprint({
            "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "hashed_message": digest,
        }),
        "nonce": nonce,
        "cert_req": True,
    })
    return nonce, request


_STATUS = {0: "granted", 1: "grantedWithMods", 2: "rejection", 3: "waiting", 4: "revocationWarning",
           5: "revocationNotification"}


def _token_from_response(response_der: bytes, nonce: int, digest: bytes) -> bytes:
    """The token of a DER TimeStampResp (RFC 3161 section 2.4.2), after checking status, nonce and imprint.

    Read with notary.cms's DER reader: asn1crypto cannot load a refusal, which
    has no timeStampToken.
    """
    try:
        fields = notary_cms.parse_der(response_der).children()
        status_info = fields[0].children()
        if status_info[0].tag != 0x02:  # INTEGER
            raise notary_cms.CMSError("PKIStatus is not an INTEGER")
        status = int.from_bytes(status_info[0].content, "big", signed=True)
        texts = [item.content.decode("utf-8", "replace") for part in status_info[1:2] if part.tag == 0x30
                 for item in part.children()]
    except (notary_cms.CMSError, IndexError) as exc:
        raise TSAError(f"the TSA's reply is not a TimeStampResp: {exc}") from exc
    if status not in (0, 1):
        text = "; ".join(texts)
        raise TSAError(f"the TSA refused the request: {_STATUS.get(status, status)} {text}".strip())
    if len(fields) != 2:
        raise TSAError("the TSA granted the request but sent no token")
    der = fields[1].raw
    try:
        info = notary_cms.parse_tst_info(notary_cms.parse_signed_data(der).content or b"")
    except notary_cms.CMSError as exc:
        raise TSAError(f"the TSA sent a malformed token: {exc.reason}") from exc
    if info.nonce != nonce:
        raise TSAError("the TSA's token does not echo our nonce")
    if info.digest != digest:
        raise TSAError("the TSA's token is over another digest")
    return der


def _local_stamper(*, key: rsa.RSAPrivateKey, cert: x509.Certificate, chain: Sequence[x509.Certificate] = (),
                   now: dt.datetime | None = None, policy: str | None = None) -> _LocalTimeStamper:
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("the local TSA key must be RSA")
    return _LocalTimeStamper(
        policy=policy or _policy_oid(),
        private_key=key,
        tsa_cert=_asn1_cert(cert),
        tsa_key=None,  # unused: _sign_tst_info signs with private_key
        certs_to_embed=[_asn1_cert(c) for c in chain],
        fixed_dt=now,
    )


def pyhanko_timestamper() -> TimeStamper:
    """A pyHanko TimeStamper for the TSA in use, e.g. for PAdES-B-T signatures (``sign_pdf(timestamper=...)``).

    The built-in TSA (the same key, certificate, policy and serials as
    :func:`timestamp`), or pyHanko's HTTP client for ``settings.NOTARY_TSA_URL``.
    """
    url = settings.NOTARY_TSA_URL
    if url:
        return HTTPTimeStamper(url, timeout=getattr(settings, "NOTARY_TSA_TIMEOUT", 10))
    pki = local_pki()
    return _local_stamper(key=pki.tsa_key, cert=pki.tsa_cert, chain=[pki.root_cert])


def build_local_token(digest: bytes, *, key: rsa.RSAPrivateKey, cert: x509.Certificate, chain: Sequence[x509.Certificate] = (),
                      now: dt.datetime | None = None, policy: str | None = None) -> bytes:
    """A token over ``digest`` signed with ``key``/``cert`` (RSA), embedding ``cert`` and ``chain``.

    :func:`timestamp` uses it with the local PKI; tests use it to make tokens
    with other certificates. It does not check the result.
    """
    stamper = _local_stamper(key=key, cert=cert, chain=chain, now=now or dt.datetime.now(dt.UTC), policy=policy)
    nonce, request = _request(digest)
    return _token_from_response(stamper.request_tsa_response(request).dump(), nonce, digest)


def _external_token(url: str, digest: bytes) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise ImproperlyConfigured("NOTARY_TSA_URL must be an http(s) URL")
    nonce, request = _request(digest)
    http_request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=request.dump(), method="POST", headers={"Content-Type": _QUERY_TYPE, "Accept": _REPLY_TYPE})
    timeout = getattr(settings, "NOTARY_TSA_TIMEOUT", 10)
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as reply:  # noqa: S310  # nosec B310 # http(s) only: scheme checked above
            body = reply.read(_MAX_REPLY_BYTES + 1)
            content_type = reply.headers.get_content_type()
    except (urllib.error.URLError, OSError) as exc:
        raise TSAError(f"the TSA at {url} could not be reached: {exc}") from exc
    if len(body) > _MAX_REPLY_BYTES:
        raise TSAError("the TSA's reply is too large")
    if content_type != _REPLY_TYPE:
        raise TSAError(f"the TSA replied with {content_type}, not {_REPLY_TYPE}")
    return _token_from_response(body, nonce, digest)


def timestamp(digest: bytes) -> bytes:
    """The DER of an RFC 3161 TimeStampToken over a SHA-256 ``digest``, checked before it is returned.

    Raises TSAError when the TSA fails or returns a token that does not verify.
    """
    if not isinstance(digest, bytes) or len(digest) != 32:
        raise ValueError("timestamp() takes the 32-byte SHA-256 digest of the file")
    url = settings.NOTARY_TSA_URL
    if url:
        token = _external_token(url, digest)
    else:
        pki = local_pki()
        token = build_local_token(digest, key=pki.tsa_key, cert=pki.tsa_cert, chain=[pki.root_cert])
    try:
        notary_cms.verify_timestamp_token(token, digest, trusted_tsa_cert=None if url else local_pki().root_cert)
    except notary_cms.TimestampError as exc:
        raise TSAError(f"the timestamp token does not verify: {exc.reason}") from exc
    return token


@functools.cache
def _external_tsa_certificate(url: str) -> bytes:
    token = _external_token(url, bytes(32))
    try:
        result = notary_cms.verify_timestamp_token(token, bytes(32))
    except notary_cms.TimestampError as exc:
        raise TSAError(f"the TSA's token does not verify: {exc.reason}") from exc
    return result.tsa_certificate.public_bytes(serialization.Encoding.PEM)


def tsa_certificate_pem() -> bytes:
    """The PEM certificate of the TSA in use, for courts to pin (``--tsa-cert``).

    For the built-in TSA, the local TSA certificate. For an external TSA,
    ``settings.NOTARY_TSA_CERT_FILE`` when set, else the certificate that signs
    a token fetched once from that TSA.
    """
    url = settings.NOTARY_TSA_URL
    if not url:
        return local_pki().tsa_cert.public_bytes(serialization.Encoding.PEM)
    cert_file = getattr(settings, "NOTARY_TSA_CERT_FILE", "")
    if cert_file:
        with open(cert_file, "rb") as fh:
            return fh.read()
    return _external_tsa_certificate(url)
