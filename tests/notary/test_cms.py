"""notary.cms: the DER reader, CMS signatures, RFC 3161 tokens and PDF signatures a court's verifier checks."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import io
import random

import pytest
from asn1crypto import cms as asn1_cms
from asn1crypto import core
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from notary import cms, tsa
from notary.keys import local_pki

NOW = dt.datetime.now(dt.UTC)
DIGEST = hashlib.sha256(b"the evidence file").digest()


# --------------------------------------------------------------------------
# Certificates made for the tests
# --------------------------------------------------------------------------


@functools.cache
def rsa_key(label: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def issue(subject: str, key, *, issuer: tuple | None = None, ca: bool = False, eku: list | None = None,
          eku_critical: bool = True, not_before: dt.datetime | None = None,
          not_after: dt.datetime | None = None) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    issuer_key, issuer_cert = issuer if issuer else (key, None)
    builder = (x509.CertificateBuilder().subject_name(name)
               .issuer_name(issuer_cert.subject if issuer_cert else name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before or NOW - dt.timedelta(days=1))
               .not_valid_after(not_after or NOW + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=eku_critical)
    algorithm = None if isinstance(issuer_key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(issuer_key, algorithm)


@functools.cache
def other_ca() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa_key("ca")
    return key, issue("Other CA", key, ca=True)


def tsa_cert(**kwargs) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa_key("tsa")
    kwargs.setdefault("eku", [ExtendedKeyUsageOID.TIME_STAMPING])
    return key, issue("Test TSA", key, issuer=other_ca(), **kwargs)


def token_from(key, cert, *, digest: bytes = DIGEST, now: dt.datetime | None = None) -> bytes:
    return tsa.build_local_token(digest, key=key, cert=cert, chain=[other_ca()[1]], now=now)


@pytest.fixture(scope="module")
def good_token() -> bytes:
    return tsa.timestamp(DIGEST)


def flip(data: bytes, index: int, bit: int = 0) -> bytes:
    changed = bytearray(data)
    changed[index] ^= 1 << bit
    return bytes(changed)


# --------------------------------------------------------------------------
# The DER reader
# --------------------------------------------------------------------------


def test_der_reader_decodes_oids_integers_and_times():
    oid = "2.25.166131248934807142173050713950374914816.1"
    assert cms._oid(cms.parse_der(core.ObjectIdentifier(oid).dump())) == oid
    assert cms._oid(cms.parse_der(core.ObjectIdentifier("1.2.840.113549.1.7.2").dump())) == cms.OID_SIGNED_DATA
    assert cms._int(cms.parse_der(core.Integer(-129).dump())) == -129
    assert cms._int(cms.parse_der(core.Integer(2**150 + 3).dump())) == 2**150 + 3
    when = dt.datetime(2026, 11, 24, 22, 30, 1, 120000, tzinfo=dt.UTC)
    assert cms._time(cms.parse_der(core.GeneralizedTime(when).dump()), "t") == when
    assert cms._time(cms.parse_der(core.UTCTime(when.replace(microsecond=0)).dump()), "t") == when.replace(
        microsecond=0)
    sequence = cms.parse_der(bytes.fromhex("3006020101020102"))
    assert [cms._int(child) for child in sequence.children()] == [1, 2]


@pytest.mark.parametrize("data, reason", [
    (b"", "missing tag"),
    (bytes.fromhex("3080020101 0000".replace(" ", "")), "indefinite-length"),
    (bytes.fromhex("3005020101"), "content shorter"),
    (bytes.fromhex("020101ff"), "trailing bytes"),
    (bytes.fromhex("3f"), "truncated"),
    (bytes.fromhex("0289" + "00" * 9), "oversized"),
])
def test_der_reader_rejects_malformed_input(data, reason):
    with pytest.raises(cms.CMSError, match=reason):
        cms.parse_der(data)


# --------------------------------------------------------------------------
# CMS SignedData with every supported algorithm
# --------------------------------------------------------------------------


def _pkcs7(key, cert, *, algorithm=None, rsa_padding=None, data: bytes = b"hello court") -> bytes:
    return (pkcs7.PKCS7SignatureBuilder().set_data(data)
            .add_signer(cert, key, algorithm or hashes.SHA256(), rsa_padding=rsa_padding)
            .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature]))


def _pyhanko_cms(key, cert, data: bytes, digest: str = "sha256") -> bytes:
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=None)
    return asyncio.run(signer.async_sign_general_data(data, digest, detached=False)).dump()


@pytest.mark.parametrize("kind", ["rsa-pkcs1", "rsa-pss", "ecdsa"])
def test_detached_signatures_verify_over_external_data(kind):
    key = ec.generate_private_key(ec.SECP256R1()) if kind == "ecdsa" else rsa_key("signer")
    cert = issue("Signer", key)
    pss = padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.DIGEST_LENGTH) if kind == "rsa-pss" else None
    signed = cms.parse_signed_data(_pkcs7(key, cert, rsa_padding=pss))
    assert signed.content is None and signed.content_type == cms.OID_DATA
    assert cms.verify_signed_data(signed, external_chunks=[b"hello", b" court"]) == cert
    with pytest.raises(cms.CMSError, match="message digest does not match"):
        cms.verify_signed_data(signed, external_chunks=[b"hello count"])
    with pytest.raises(cms.CMSError, match="no signed data"):
        cms.verify_signed_data(signed)


def test_ed25519_encapsulated_signature():
    key = ed25519.Ed25519PrivateKey.generate()
    cert = issue("Ed25519 signer", key)
    der = _pyhanko_cms(key, cert, b"content", digest="sha512")
    signed = cms.parse_signed_data(der)
    assert signed.content == b"content" and signed.signer.signature_algorithm == cms.OID_ED25519
    assert cms.verify_signed_data(signed) == cert
    tampered = cms.parse_signed_data(der.replace(b"content", b"CONTENT"))
    with pytest.raises(cms.CMSError, match="message digest"):
        cms.verify_signed_data(tampered)


def test_signer_found_by_subject_key_identifier():
    key = rsa_key("signer")
    cert = issue("Signer", key)
    content_info = asn1_cms.ContentInfo.load(_pyhanko_cms(key, cert, b"content"))
    ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    content_info["content"]["signer_infos"][0]["sid"] = asn1_cms.SignerIdentifier(
        name="subject_key_identifier", value=ski)
    content_info["content"]["signer_infos"][0]["version"] = "v3"  # RFC 5652: v3 with a key identifier
    content_info["content"]["version"] = "v3"
    signed = cms.parse_signed_data(content_info.dump(force=True))
    assert signed.signer.sid_key_id == ski
    assert cms.verify_signed_data(signed) == cert


def test_sha1_is_refused():
    key = rsa_key("signer")
    content_info = asn1_cms.ContentInfo.load(_pkcs7(key, issue("Signer", key)))
    content_info["content"]["signer_infos"][0]["digest_algorithm"] = {"algorithm": "sha1"}
    signed = cms.parse_signed_data(content_info.dump(force=True))
    with pytest.raises(cms.CMSError, match="SHA-1"):
        cms.verify_signed_data(signed, external_chunks=[b"hello court"])


def test_signature_by_a_certificate_not_in_the_message():
    key = rsa_key("signer")
    content_info = asn1_cms.ContentInfo.load(_pyhanko_cms(key, issue("Signer", key), b"content"))
    content_info["content"]["certificates"] = []
    with pytest.raises(cms.CMSError, match="not included"):
        cms.verify_signed_data(cms.parse_signed_data(content_info.dump(force=True)))


# --------------------------------------------------------------------------
# RFC 3161 timestamp tokens
# --------------------------------------------------------------------------


def test_good_token_verifies(good_token):
    pki = local_pki()
    result = cms.verify_timestamp_token(good_token, DIGEST)
    assert not result.trusted
    assert result.tsa_subject == pki.tsa_cert.subject.rfc4514_string()
    assert abs(result.gen_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert result.policy == tsa.LOCAL_POLICY_OID
    for anchor in (pki.root_cert, pki.tsa_cert):
        assert cms.verify_timestamp_token(good_token, DIGEST, trusted_tsa_cert=anchor).trusted


def test_parse_tst_info(good_token):
    info = cms.parse_tst_info(cms.parse_signed_data(good_token).content)
    assert info.hash_algorithm == cms.OID_SHA256
    assert info.digest == DIGEST
    assert info.nonce is not None and info.serial > 0
    assert info.gen_time.tzinfo is dt.UTC
    assert info.policy == tsa.LOCAL_POLICY_OID


def test_flipped_bit_in_the_signature(good_token):
    signature = cms.parse_signed_data(good_token).signer.signature
    position = good_token.index(signature) + len(signature) // 2
    with pytest.raises(cms.TimestampError, match="signature value does not verify"):
        cms.verify_timestamp_token(flip(good_token, position), DIGEST)


def test_flipped_bit_in_the_tst_info(good_token):
    content = cms.parse_signed_data(good_token).content
    serial = cms.parse_der(content).children()[3]  # TSTInfo serialNumber
    position = good_token.index(content) + content.index(serial.raw) + 4
    tampered = flip(good_token, position)
    assert cms.parse_tst_info(cms.parse_signed_data(tampered).content).digest == DIGEST
    with pytest.raises(cms.TimestampError, match="message digest does not match"):
        cms.verify_timestamp_token(tampered, DIGEST)


def test_token_over_another_file(good_token):
    with pytest.raises(cms.TimestampError, match="another file"):
        cms.verify_timestamp_token(good_token, hashlib.sha256(b"another file").digest())


def test_token_from_an_untrusted_tsa():
    key, cert = tsa_cert()
    token = token_from(key, cert)
    assert cms.verify_timestamp_token(token, DIGEST, trusted_tsa_cert=other_ca()[1]).trusted
    with pytest.raises(cms.TimestampError, match="neither the trusted TSA certificate nor issued by it"):
        cms.verify_timestamp_token(token, DIGEST, trusted_tsa_cert=local_pki().root_cert)
    with pytest.raises(cms.TimestampError, match="neither"):
        cms.verify_timestamp_token(token, DIGEST, trusted_tsa_cert=local_pki().tsa_cert)


@pytest.mark.parametrize("eku, critical, reason", [
    (None, True, "no extended key usage"),
    ([ExtendedKeyUsageOID.CODE_SIGNING], True, "not timeStamping only"),
    ([ExtendedKeyUsageOID.TIME_STAMPING, ExtendedKeyUsageOID.CODE_SIGNING], True, "not timeStamping only"),
    ([ExtendedKeyUsageOID.TIME_STAMPING], False, "not critical"),
])
def test_token_signed_without_the_timestamping_eku(eku, critical, reason):
    key, cert = tsa_cert(eku=eku, eku_critical=critical)
    with pytest.raises(cms.TimestampError, match=reason):
        cms.verify_timestamp_token(token_from(key, cert), DIGEST)


def test_token_signed_by_an_expired_certificate():
    key, cert = tsa_cert(not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=35))
    with pytest.raises(cms.TimestampError, match="not valid at"):
        cms.verify_timestamp_token(token_from(key, cert), DIGEST)


def test_token_dated_before_the_certificate():
    key, cert = tsa_cert()
    with pytest.raises(cms.TimestampError, match="not valid at"):
        cms.verify_timestamp_token(token_from(key, cert, now=NOW - dt.timedelta(days=3)), DIGEST)


def test_token_with_a_sha384_imprint():
    key, cert = tsa_cert()
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())))
    digest = hashlib.sha384(b"the evidence file").digest()
    _, request = stamper.request_cms(digest, "sha384")
    token = stamper.request_tsa_response(request)["time_stamp_token"].dump()
    with pytest.raises(cms.TimestampError, match="not SHA-256"):
        cms.verify_timestamp_token(token, DIGEST)


def test_signed_data_that_is_not_a_timestamp():
    key, cert = tsa_cert()
    with pytest.raises(cms.TimestampError, match="not a TSTInfo"):
        cms.verify_timestamp_token(_pyhanko_cms(key, cert, b"content"), DIGEST)


@pytest.mark.parametrize("data", [b"", b"\x00", b"not DER at all", b"\x30\x80\x00\x00", b"\x30\x03\x02\x01\x01",
                                  bytes.fromhex("300d06092a864886f70d010702a000")])
def test_junk_is_a_timestamp_error(data):
    with pytest.raises(cms.TimestampError):
        cms.verify_timestamp_token(data, DIGEST)


def test_the_expected_hash_must_be_sha256(good_token):
    with pytest.raises(cms.TimestampError, match="32 bytes"):
        cms.verify_timestamp_token(good_token, DIGEST.hex().encode())


def test_every_corruption_is_rejected_with_a_timestamp_error(good_token):
    """Flipped bits and truncations anywhere: never accepted, never another exception type.

    Only the root CA certificate in the token is not covered by the signature
    (it is not used when verifying), so changes there may still verify.
    """
    root_der = local_pki().root_cert.public_bytes(serialization.Encoding.DER)
    root_at = good_token.find(root_der)
    rng = random.Random(1)
    for _ in range(400):
        position = rng.randrange(len(good_token))
        tampered = flip(good_token, position, rng.randrange(8))
        try:
            cms.verify_timestamp_token(tampered, DIGEST)
        except cms.TimestampError:
            continue
        assert root_at <= position < root_at + len(root_der), position
    for length in range(0, len(good_token), 37):
        with pytest.raises(cms.TimestampError):
            cms.verify_timestamp_token(good_token[:length], DIGEST)


# --------------------------------------------------------------------------
# PDF signatures
# --------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("D:20261125064549+08'00'", dt.datetime(2026, 11, 24, 22, 45, 49, tzinfo=dt.UTC)),
    ("D:20261124224549Z", dt.datetime(2026, 11, 24, 22, 45, 49, tzinfo=dt.UTC)),
    ("D:20261124224549-05'30", dt.datetime(2026, 11, 25, 4, 15, 49, tzinfo=dt.UTC)),
    ("D:2026", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
    ("D:20261332", None),
    ("yesterday", None),
])
def test_pdf_dates(text, expected):
    assert cms._pdf_date(text) == expected


def test_pdf_literal_strings():
    # escapes, balanced parentheses, octal codes (1 to 3 digits) and a line continuation
    data = rb"x(a\\b\(c\)(nested)\101\7\0533\n" + b"tail\\\nend)rest"
    value, end = cms.pdf_literal_string(data, 1)
    assert value == b"a\\b(c)(nested)A\x07+3\ntailend"
    assert data[end:] == b"rest"
    with pytest.raises(ValueError, match="unterminated"):
        cms.pdf_literal_string(b"(open", 0)


@functools.cache
def plain_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Certificate of preservation</h1><p>Evidence 1</p>").write_pdf()


def sign_pdf(pdf: bytes, signer: signers.Signer, **kwargs) -> bytes:
    meta = signers.PdfSignatureMetadata(field_name="Signature1", md_algorithm="sha256",
                                        subfilter=kwargs.pop("subfilter", None))
    return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer, **kwargs).getvalue()


def platform_signer() -> signers.SimpleSigner:
    pki = local_pki()
    return signers.SimpleSigner.load(str(pki.signing_key_path), str(pki.signing_cert_path),
                                     ca_chain_files=[str(pki.root_pem_path)])


@pytest.fixture(scope="module")
def signed_pdf() -> bytes:
    return sign_pdf(plain_pdf(), platform_signer())


def test_pdf_signature_verifies(signed_pdf):
    pki = local_pki()
    result = cms.verify_pdf_signature(signed_pdf, trusted_cert=pki.root_cert)
    assert result.trusted
    assert result.signer_certificate == pki.signing_cert
    assert result.signer_subject == pki.signing_cert.subject.rfc4514_string()
    assert abs(result.signing_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert result.signing_time_source == "signing-time attribute"
    assert result.sub_filter == "adbe.pkcs7.detached"
    a, b, c, d = result.byte_range
    assert a == 0 and c + d == len(signed_pdf)


def test_pdf_with_one_changed_byte(signed_pdf):
    a, b, c, d = cms.verify_pdf_signature(signed_pdf).byte_range
    for position in (b // 2, c + d // 2):
        with pytest.raises(cms.PdfSignatureError, match="message digest does not match"):
            cms.verify_pdf_signature(flip(signed_pdf, position))


def test_pdf_changed_after_signing(signed_pdf):
    with pytest.raises(cms.PdfSignatureError, match="does not cover the whole file"):
        cms.verify_pdf_signature(signed_pdf + b"1 0 obj\n<< >>\nendobj\n")


def test_pdf_signature_with_data_hidden_in_the_padding(signed_pdf):
    a, b, c, d = cms.verify_pdf_signature(signed_pdf).byte_range
    tampered = signed_pdf[:c - 5] + b"1" + signed_pdf[c - 4:]
    with pytest.raises(cms.PdfSignatureError, match="data after the CMS object"):
        cms.verify_pdf_signature(tampered)


def test_pdf_signer_not_trusted(signed_pdf):
    with pytest.raises(cms.PdfSignatureError, match="neither the trusted certificate nor issued by it"):
        cms.verify_pdf_signature(signed_pdf, trusted_cert=other_ca()[1])


def fake_signature(before: bytes, gap: bytes) -> bytes:
    """A PDF-like file whose /ByteRange leaves exactly ``gap`` unsigned."""
    head = b"%PDF-1.7\n" + before
    tail = b" /ByteRange [0 %010d %010d %010d]\n"
    b, c = len(head), len(head) + len(gap)
    d = len(tail % (0, 0, 0))
    return head + gap + tail % (b, c, d)


@pytest.mark.parametrize("data, reason", [
    (b"", "not a PDF"),
    (b"hello", "not a PDF"),
    (b"%PDF-1.7\n", "no signature"),
    (b"%PDF-1.7\n/ByteRange [0 10 5 5] /Contents <00>", "malformed"),
    (fake_signature(b"/Contents ", b"(abc)"), "not the hexadecimal /Contents string"),
    (fake_signature(b"/Other ", b"<3000>"), "not the signature's /Contents value"),
    (fake_signature(b"/Contents ", b"<>"), "empty"),
    (fake_signature(b"/Contents ", b"<3000>"), "ContentInfo"),
    (fake_signature(b"/Contents ", b"<3>"), "malformed PDF signature"),
])
def test_pdf_junk(data, reason):
    with pytest.raises(cms.PdfSignatureError, match=reason):
        cms.verify_pdf_signature(data)


def test_unsigned_pdf():
    with pytest.raises(cms.PdfSignatureError, match="no signature"):
        cms.verify_pdf_signature(plain_pdf())


def test_pdf_truncations_and_flips_are_pdf_signature_errors(signed_pdf):
    rng = random.Random(2)
    a, b, c, d = cms.verify_pdf_signature(signed_pdf).byte_range
    for _ in range(60):
        position = rng.randrange(b + 1, c - 1)  # inside the signature value: only the unsigned root
        try:                                    # certificate may change without failing
            cms.verify_pdf_signature(flip(signed_pdf, position, rng.randrange(8)))
        except cms.PdfSignatureError:
            pass
    for length in range(0, len(signed_pdf), 997):
        with pytest.raises(cms.PdfSignatureError):
            cms.verify_pdf_signature(signed_pdf[:length])


def test_pades_signature_with_a_signature_timestamp_and_a_document_timestamp():
    pki = local_pki()
    pdf = sign_pdf(plain_pdf(), platform_signer(), timestamper=tsa.pyhanko_timestamper(),
                   subfilter=fields.SigSeedSubFilter.PADES)
    result = cms.verify_pdf_signature(pdf, trusted_cert=pki.root_cert, trusted_tsa_cert=pki.root_cert)
    assert result.sub_filter == "ETSI.CAdES.detached"
    # PAdES has no signing-time attribute: the claimed time is the signed /M entry.
    assert result.signing_time_source == "/M of the signature dictionary"
    assert abs(result.signing_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert result.timestamp is not None and result.timestamp.trusted
    assert result.timestamp.tsa_subject == pki.tsa_cert.subject.rfc4514_string()

    stamped = signers.PdfTimeStamper(tsa.pyhanko_timestamper()).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), "sha256").getvalue()
    result = cms.verify_pdf_signature(stamped, trusted_tsa_cert=pki.root_cert)
    assert result.sub_filter == "ETSI.RFC3161"
    assert result.signer_certificate == pki.tsa_cert
    with pytest.raises(cms.PdfSignatureError, match="message imprint|another file"):
        cms.verify_pdf_signature(flip(stamped, 300))


def test_ecdsa_pdf_signature():
    key = ec.generate_private_key(ec.SECP384R1())
    cert = issue("EC signer", key)
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=None)
    result = cms.verify_pdf_signature(sign_pdf(plain_pdf(), signer))
    assert result.signer_certificate == cert and not result.trusted
