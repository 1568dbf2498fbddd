"""The PDF pipeline (notary.pdf) through the notary certificate (notary.certificates).

One certificate is rendered and signed per module; each test reads it with an
independent tool: poppler's pdffonts and pdfsig (output parsed: pdfsig exits 0
even for a broken signature), pyHanko's validator and reader.
"""

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
from io import BytesIO

import pytest
from cryptography.hazmat.primitives import hashes
from pyhanko.pdf_utils.reader import PdfFileReader

from notary.certificates import TEMPLATE, CertificateData, certificate_context, render_certificate
from notary.keys import local_pki
from notary.pdf import embedded_files, parse_pdfsig, pdfsig_report, render_html, seal_characters, validate_pdf

EVIDENCE = "侵权商品页面截图（淘宝店铺）.png".encode() + b"\x89PNG fake image bytes"
SCRIPT = "<script>alert('x')</script>"
PROOF_JSON = json.dumps({
    "format": "ipdr-notary-proof/1", "entry": "eyJ2IjoxfQ==", "leaf_index": 11, "tree_size": 12,
    "inclusion": ["AAAA"], "checkpoint": "ipdr.example.cn/notary/log\n12\n...", "timestamp": "MAA=",
    "log_key": "ipdr.example.cn/notary/log+01020304+AQ==",
}, ensure_ascii=False, indent=2).encode()


def certificate_data() -> CertificateData:
    return CertificateData(
        certificate_number="NC-2026-000123",
        item_uuid="7d3f1c2a-9b84-4e0f-a1c6-2f5e8d9b0a41",
        kind_label="电子证据 / Evidence",
        file_name=f"侵权商品页面截图（淘宝店铺）{SCRIPT}.png",
        size=len(EVIDENCE),
        sha256=hashlib.sha256(EVIDENCE).hexdigest(),
        mime_type="image/png",
        case_reference="（2026）浙知调字第 0042 号 · 杭州某某科技有限公司 诉 李某 <b>bold</b>",
        submitter="张三（代理人：王律师）",
        registered_at=dt.datetime(2026, 11, 24, 22, 30, 0, 123456, tzinfo=dt.UTC),
        timestamp_time=dt.datetime(2026, 11, 24, 22, 30, 1, tzinfo=dt.UTC),
        tsa_name="IPDR Centre Timestamping Authority",
        timestamp_serial="0x5f3a9c1e77d04b2a",
        log_origin="ipdr.example.cn/notary/log",
        leaf_index=11,
        tree_size=12,
        inclusion_proof=[hashlib.sha256(bytes([i])).hexdigest() for i in range(4)],
        checkpoint="ipdr.example.cn/notary/log\n12\ncnJycnJycnJycnJycnJycnJycnJycnJycnJycnJycnI=\n\n"
                   "\u2014 ipdr.example.cn/notary/log AQIDBHN6c3pzenN6c3pzenN6c3pzenN6c3pzenN6c3pzenN6\n",
        verify_url="https://ipdr.example.cn/notary/verify/7d3f1c2a-9b84-4e0f-a1c6-2f5e8d9b0a41",
    )


def need(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.skip(f"{binary} (poppler-utils) is not installed")
    return path


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    pdf = render_certificate(certificate_data(), proof_json=PROOF_JSON)
    path = tmp_path_factory.mktemp("cert") / "certificate.pdf"
    path.write_bytes(pdf)
    return path


@pytest.fixture(scope="module")
def tampered(certificate, tmp_path_factory):
    """The certificate with one byte changed inside the first signed byte range."""
    data = bytearray(certificate.read_bytes())
    byte_range = [int(n) for n in re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", data).groups()]
    offset = data.find(b"WeasyPrint")  # the /Producer string of the first revision
    assert byte_range[0] <= offset < byte_range[0] + byte_range[1]
    data[offset] = ord("X")
    path = tmp_path_factory.mktemp("tampered") / "certificate.pdf"
    path.write_bytes(bytes(data))
    return path


def parse_pdffonts(output: str) -> list[dict]:
    """pdffonts prints fixed-width columns; their widths are the runs of dashes under the header."""
    lines = output.splitlines()
    dashes = next(i for i, line in enumerate(lines) if line.startswith("---"))
    header = lines[dashes - 1]
    spans = [m.span() for m in re.finditer(r"-+", lines[dashes])]
    names = [header[start:end].strip() for start, end in spans]
    return [{name: row[start:end].strip() for name, (start, end) in zip(names, spans, strict=True)}
            for row in lines[dashes + 1:] if row.strip()]


# (a) fonts: an embedded CJK font, not just extractable text

def test_pdffonts_lists_an_embedded_cjk_font(certificate):
    result = subprocess.run([need("pdffonts"), str(certificate)], capture_output=True, text=True, check=True)
    fonts = parse_pdffonts(result.stdout)
    cjk = [f for f in fonts if re.search(r"wenquanyi|wqy|noto.?sans.?cjk|notosanscjk", f["name"], re.IGNORECASE)]
    assert cjk, result.stdout
    assert all(f["emb"] == "yes" for f in cjk), result.stdout
    assert all(f["emb"] == "yes" for f in fonts), "every font is embedded"


# (b) pyHanko: intact, valid, trusted with the local root, by the platform's certificate

def test_pyhanko_validates_the_signature(certificate):
    result = validate_pdf(certificate.read_bytes())
    assert result.intact and result.valid and result.trusted, result.summary
    assert result.covers_whole_file and result.ok
    assert result.field_name == "PlatformSignature"
    assert result.signature_count == 1
    assert result.signer_sha256 == local_pki().signing_cert.fingerprint(hashes.SHA256()).hex()
    assert "Document Signing" in result.signer
    assert result.signing_time is not None and result.errors == []


# (c) poppler's pdfsig agrees, read from its output

def test_pdfsig_reports_a_valid_signature_over_the_whole_file(certificate):
    need("pdfsig")
    report = pdfsig_report(certificate)
    assert report["valid"], report["output"]
    assert report["total_document_signed"]
    [signature] = report["signatures"]
    assert signature["signature_validation"] == "Signature is Valid."
    assert signature["signature_type"] == "ETSI.CAdES.detached"  # PAdES
    assert signature["field_name"] == "PlatformSignature"
    assert signature["hash_algorithm"] == "SHA-256"
    assert signature["signer_common_name"].endswith("Document Signing")
    if report["nss_trust"]:  # a temporary NSS database trusting the local root (libnss3 via ctypes)
        assert signature["certificate_validation"] == "Certificate is Trusted."
        assert report["certificate_trusted"]
    else:
        assert signature["certificate_validation"] == "Certificate issuer isn't Trusted."


# (d) one changed byte inside the signed range

def test_a_changed_byte_breaks_the_signature_for_pyhanko(tampered):
    result = validate_pdf(tampered.read_bytes())
    assert not result.intact and not result.valid and not result.ok
    assert result.errors


def test_a_changed_byte_breaks_the_signature_for_pdfsig(tampered):
    need("pdfsig")
    report = pdfsig_report(tampered)
    assert not report["valid"], report["output"]
    assert report["signatures"], "pdfsig still lists the signature"
    assert report["signatures"][0]["signature_validation"] != "Signature is Valid."
    # The verdict comes from the text: poppler 22.12 still exits 0 here.
    assert "Signature is Valid." not in report["output"]


def test_pdfsig_output_is_parsed_not_trusted_by_exit_code():
    broken = (
        "Digital Signature Info of: x.pdf\nSignature #1:\n  - Signature Field Name: PlatformSignature\n"
        "  - Signed Ranges: [0 - 10], [20 - 30]\n  - Total document signed\n"
        "  - Signature Validation: Digest Mismatch.\n  - Certificate Validation: Certificate is Trusted.\n"
    )
    [signature] = parse_pdfsig(broken)
    assert signature["total_document_signed"] and not signature["signature_valid"]
    assert signature["certificate_trusted"]
    partial = broken.replace("Total document signed", "Not total document signed").replace(
        "Digest Mismatch.", "Signature is Valid.")
    [signature] = parse_pdfsig(partial)
    assert signature["signature_valid"] and not signature["total_document_signed"] and signature["partial"]


# (e) the embedded proof file, read back with pyHanko

def test_proof_json_is_embedded_under_its_exact_name(certificate):
    reader = PdfFileReader(BytesIO(certificate.read_bytes()))
    names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    files = {str(names[i]): names[i + 1].get_object() for i in range(0, len(names), 2)}
    assert list(files) == ["proof.json"]
    stream = files["proof.json"]["/EF"]["/F"].get_object()
    assert stream.data == PROOF_JSON
    assert stream["/Subtype"] == "/application/json"
    assert embedded_files(certificate.read_bytes()) == {"proof.json": PROOF_JSON}


# (f) user strings are escaped

def test_user_strings_are_escaped():
    html = render_html(TEMPLATE, certificate_context(certificate_data()))
    assert SCRIPT not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_escaped_markup_is_printed_as_text(certificate):
    result = subprocess.run([need("pdftotext"), "-layout", str(certificate), "-"], capture_output=True, text=True,
                            check=True)
    text = result.stdout
    assert SCRIPT in text  # shown literally, not swallowed as markup
    assert "存证证明" in text.replace(" ", "") and "NC-2026-000123" in text
    assert hashlib.sha256(EVIDENCE).hexdigest() in text  # the digest is not broken by hyphens or spaces
    assert "第 1 页 / 共 2 页" in text


def test_certificate_content_and_qr():
    context = certificate_context(certificate_data())
    assert context["qr_uri"].startswith("data:image/svg+xml")
    assert context["verify_command"] == "python -m notary.verify FILE --certificate CERT.pdf --key log.pub"
    assert context["registered"] == {"beijing": "2026-11-25 06:30:00", "utc": "2026-11-24T22:30:00.123456Z"}
    angles = [c["angle"] for c in seal_characters("知识产权纠纷调解仲裁中心")]
    assert angles == sorted(angles) and angles[0] == -angles[-1]


def test_naive_datetimes_are_refused():
    data = certificate_data()
    with pytest.raises(ValueError, match="timezone-aware"):
        CertificateData(**{**data.__dict__, "registered_at": dt.datetime(2026, 1, 1)})


def test_rendering_reads_only_static_files_and_data_urls():
    from django.conf import settings

    from notary.pdf import _StaticOnlyFetcher

    fetcher = _StaticOnlyFetcher()
    response = fetcher.fetch(f"file://{settings.STATIC_URL}css/pdf.css")
    try:
        assert b"@page" in response.read()
    finally:
        response.close()
    for url in ("file:///etc/passwd", "https://example.com/x.css", "http://127.0.0.1:8000/admin/"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_hashed_static_names_of_production_are_read_from_the_collected_files(settings, tmp_path):
    """ManifestStaticFilesStorage names css/pdf.css css/pdf.<hash>.css; that file
    exists only in STATIC_ROOT (collectstatic), never in the app folders."""
    from notary.pdf import _StaticOnlyFetcher

    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "pdf.0123456789ab.css").write_bytes(b"@page { size: A4 }")
    (tmp_path.parent / "outside.css").write_bytes(b"secret")
    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    fetcher = _StaticOnlyFetcher()
    response = fetcher.fetch(f"file://{settings.STATIC_URL}css/pdf.0123456789ab.css")
    try:
        assert response.read() == b"@page { size: A4 }"
    finally:
        response.close()
    for name in ("css/pdf.fffffffffff0.css", "../outside.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(f"file://{settings.STATIC_URL}{name}")


def test_sign_pdf_accepts_a_timestamper_for_pades_b_t():
    """Any pyHanko TimeStamper works (here pyHanko's dummy one with the local TSA key, not notary.tsa)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    from notary.pdf import render_pdf, sign_pdf

    pki = local_pki()
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(pki.tsa_cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(pki.tsa_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
    )
    pdf = render_pdf("pdf/base_pdf.html", {})
    result = validate_pdf(sign_pdf(pdf, reason="测试 / test", timestamper=stamper))
    assert result.ok and result.timestamped and result.signing_time is not None, result.summary
