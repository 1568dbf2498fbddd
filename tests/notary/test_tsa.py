"""The timestamping authority (notary.tsa): local tokens that OpenSSL accepts, and an external TSA over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import http.server
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from asn1crypto import tsp
from cryptography import x509
from pyhanko.sign.timestamps import HTTPTimeStamper

from notary import cms, tsa
from notary.keys import local_pki

OPENSSL = shutil.which("openssl")


def _openssl_verify(token: bytes, digest: bytes, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    pki = local_pki()
    path = tmp_path / "token.tst"
    path.write_bytes(token)
    return subprocess.run(
        [OPENSSL, "ts", "-verify", "-digest", digest.hex(), "-in", str(path), "-token_in",
         "-CAfile", str(pki.root_pem_path)],  # the token itself carries the TSA certificate
        capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.skipif(OPENSSL is None, reason="the openssl binary is not installed")
def test_openssl_verifies_a_local_token(tmp_path):
    digest = hashlib.sha256(b"evidence file").digest()
    result = _openssl_verify(tsa.timestamp(digest), digest, tmp_path)
    assert "Verification: OK" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0


@pytest.mark.skipif(OPENSSL is None, reason="the openssl binary is not installed")
def test_openssl_rejects_the_token_for_another_digest(tmp_path):
    token = tsa.timestamp(hashlib.sha256(b"evidence file").digest())
    result = _openssl_verify(token, hashlib.sha256(b"another file").digest(), tmp_path)
    assert "Verification: OK" not in result.stdout
    assert "FAILED" in result.stdout + result.stderr


def test_token_fields():
    digest = hashlib.sha256(b"x").digest()
    before = dt.datetime.now(dt.UTC)
    token = tsa.timestamp(digest)
    signed = cms.parse_signed_data(token)
    info = cms.parse_tst_info(signed.content)
    assert signed.content_type == cms.OID_TST_INFO
    assert info.hash_algorithm == cms.OID_SHA256 and info.digest == digest
    assert info.policy == tsa.LOCAL_POLICY_OID
    assert info.nonce is not None
    assert info.gen_time.tzinfo == dt.UTC
    assert before - dt.timedelta(seconds=1) <= info.gen_time <= dt.datetime.now(dt.UTC)
    assert 0 < info.serial < 2**159  # RFC 3161: serial numbers up to 160 bits
    pki = local_pki()
    assert set(signed.certificates) == {pki.tsa_cert, pki.root_cert}  # certReq: TSA certificate and root
    result = cms.verify_timestamp_token(token, digest, trusted_tsa_cert=pki.root_cert)
    assert result.trusted and "Timestamping Authority" in result.tsa_subject


def test_serials_and_nonces_are_unique():
    digest = hashlib.sha256(b"same file").digest()
    infos = [cms.parse_tst_info(cms.parse_signed_data(tsa.timestamp(digest)).content) for _ in range(5)]
    assert len({i.serial for i in infos}) == 5
    assert len({i.nonce for i in infos}) == 5


def test_policy_oid_can_be_configured(settings):
    settings.NOTARY_TSA_POLICY_OID = "1.2.3.4.5"
    digest = hashlib.sha256(b"x").digest()
    assert cms.parse_tst_info(cms.parse_signed_data(tsa.timestamp(digest)).content).policy == "1.2.3.4.5"


def test_timestamp_takes_a_sha256_digest():
    with pytest.raises(ValueError, match="32-byte"):
        tsa.timestamp(b"short")
    with pytest.raises(ValueError, match="32-byte"):
        tsa.timestamp(hashlib.sha256(b"x").hexdigest().encode())


@pytest.mark.parametrize("algorithm", ["sha256", "sha384", "sha512"])
def test_pyhanko_timestamper_is_the_local_tsa(algorithm):
    """pyHanko asks for the digest algorithm of the signature (SHA-384 for its default with RSA-3072)."""
    digest = hashlib.new(algorithm, b"signature value").digest()
    token = asyncio.run(tsa.pyhanko_timestamper().async_timestamp(digest, algorithm))
    info = cms.parse_tst_info(cms.parse_signed_data(token.dump()).content)
    assert info.digest == digest and info.policy == tsa.LOCAL_POLICY_OID
    signed = cms.parse_signed_data(token.dump())
    assert cms.verify_signed_data(signed) == local_pki().tsa_cert


def test_tsa_certificate_pem_is_the_local_tsa_certificate():
    cert = x509.load_pem_x509_certificate(tsa.tsa_certificate_pem())
    assert cert == local_pki().tsa_cert


# --------------------------------------------------------------------------
# An external TSA (a local HTTP server standing in for a national time service)
# --------------------------------------------------------------------------


Answer = Callable[[tsp.TimeStampReq], tuple[int, str, bytes]]


@contextlib.contextmanager
def _tsa_server(answer: Answer) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            assert self.headers["Content-Type"] == "application/timestamp-query"
            status, content_type, reply = answer(tsp.TimeStampReq.load(body))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()


def _granting(request: tsp.TimeStampReq) -> tuple[int, str, bytes]:
    """Answer like a real TSA: the local TSA key signs the requested imprint, echoing the nonce."""
    pki = local_pki()
    stamper = tsa._local_stamper(key=pki.tsa_key, cert=pki.tsa_cert, chain=[pki.root_cert], policy="1.2.3")
    return 200, "application/timestamp-reply", stamper.request_tsa_response(request).dump()


@pytest.fixture
def external_tsa(settings):
    """Call with an answer function: NOTARY_TSA_URL then points at a server answering with it."""
    with contextlib.ExitStack() as stack:
        def use(answer: Answer) -> None:
            settings.NOTARY_TSA_URL = stack.enter_context(_tsa_server(answer))
        yield use


def test_external_tsa_token(external_tsa):
    external_tsa(_granting)
    digest = hashlib.sha256(b"file").digest()
    token = tsa.timestamp(digest)
    result = cms.verify_timestamp_token(token, digest, trusted_tsa_cert=local_pki().root_cert)
    assert result.policy == "1.2.3"
    assert x509.load_pem_x509_certificate(tsa.tsa_certificate_pem()) == local_pki().tsa_cert


def test_pyhanko_timestamper_uses_the_external_tsa(external_tsa):
    external_tsa(_granting)
    stamper = tsa.pyhanko_timestamper()
    assert isinstance(stamper, HTTPTimeStamper)
    digest = hashlib.sha256(b"file").digest()
    token = asyncio.run(stamper.async_timestamp(digest, "sha256")).dump()
    assert cms.verify_timestamp_token(token, digest).policy == "1.2.3"


def test_external_tsa_refusal(external_tsa):
    def der(tag: int, content: bytes) -> bytes:
        return bytes([tag, len(content)]) + content
    # TimeStampResp { PKIStatusInfo { rejection (2), statusString { "bad request" } } }, no token
    refusal = der(0x30, der(0x30, der(0x02, b"\x02") + der(0x30, der(0x0C, b"bad request"))))
    external_tsa(lambda request: (200, "application/timestamp-reply", refusal))
    with pytest.raises(tsa.TSAError, match="refused.*bad request"):
        tsa.timestamp(hashlib.sha256(b"file").digest())


def test_external_tsa_wrong_nonce(external_tsa):
    def replay(request):
        request["nonce"] = 12345
        return _granting(request)
    external_tsa(replay)
    with pytest.raises(tsa.TSAError, match="nonce"):
        tsa.timestamp(hashlib.sha256(b"file").digest())


def test_external_tsa_other_digest(external_tsa):
    def other(request):
        request["message_imprint"]["hashed_message"] = hashlib.sha256(b"other").digest()
        return _granting(request)
    external_tsa(other)
    with pytest.raises(tsa.TSAError, match="another digest"):
        tsa.timestamp(hashlib.sha256(b"file").digest())


def test_external_tsa_http_error_and_garbage(external_tsa):
    external_tsa(lambda request: (500, "text/plain", b"oops"))
    with pytest.raises(tsa.TSAError, match="could not be reached"):
        tsa.timestamp(hashlib.sha256(b"file").digest())
    external_tsa(lambda request: (200, "application/timestamp-reply", b"\x30\x03\x02\x01"))
    with pytest.raises(tsa.TSAError, match="not a TimeStampResp"):
        tsa.timestamp(hashlib.sha256(b"file").digest())
    external_tsa(lambda request: (200, "text/html", b"<html></html>"))
    with pytest.raises(tsa.TSAError, match="text/html"):
        tsa.timestamp(hashlib.sha256(b"file").digest())
