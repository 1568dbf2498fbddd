"""What the court-packet benchmark (bench/court_packet.py) made faster must stay
correct: the platform signer built once and the signature space reserved as
pyHanko would estimate it; a packet's files streamed, and its checkpoint,
proofs and custody events written in one transaction."""

import io
import zipfile
from io import BytesIO
from unittest.mock import patch

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from notary import pdf
from notary.keys import local_pki
from notary.models import CustodyEvent
from notary.packets import build_packet, packet_manifest
from notary.services.items import register_file
from tests.factories import PDF_BYTES, CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    return weasyprint.HTML(string="<p>调解情况说明</p>").write_pdf()


def test_the_reserved_space_is_what_pyhanko_estimates(unsigned):
    ours = pdf.sign_pdf(unsigned, reason="r")
    metadata = signers.PdfSignatureMetadata(field_name="PlatformSignature", reason="r", md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES)
    estimated = signers.PdfSigner(metadata, signer=pdf._platform_signer_state().signer).sign_pdf(
        IncrementalPdfFileWriter(BytesIO(unsigned))).getvalue()
    assert len(ours) == len(estimated)
    assert pdf.validate_pdf(ours).ok


def test_the_signer_is_built_once_per_loaded_pki(unsigned):
    first = pdf._platform_signer_state()
    pdf.sign_pdf(unsigned, reason="r")
    assert pdf._platform_signer_state() is first
    local_pki.cache_clear()
    try:
        reloaded = pdf._platform_signer_state()
        assert reloaded is not first and reloaded.pki is local_pki()
        assert pdf.validate_pdf(pdf.sign_pdf(unsigned, reason="r")).ok
    finally:
        local_pki.cache_clear()


def test_a_timestamped_signature_still_gets_pyhankos_estimate(unsigned):
    from notary.tsa import pyhanko_timestamper

    signed = pdf.sign_pdf(unsigned, reason="r", timestamper=pyhanko_timestamper())
    assert pdf.validate_pdf(signed).timestamped


def _items(n: int):
    case, user = CaseFactory(), UserFactory()
    return [register_file(case=case, fileobj=SimpleUploadedFile(f"{i}.pdf", PDF_BYTES + bytes([i])),
                          original_name="证据.pdf", content_type="application/pdf", submitter=user)
            for i in range(n)], user


def test_a_packet_holds_every_file_once_under_a_unique_name():
    items, user = _items(3)
    data = build_packet(items=items, header={"case": "x"}, by=user, ip=None, custody_detail="test")
    manifest = packet_manifest(data)
    names = [f["name"] for f in manifest["files"]]
    assert names == ["files/证据.pdf", "files/1-证据.pdf", "files/2-证据.pdf"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for item, name in zip(items, names, strict=True):
            assert archive.read(name) == PDF_BYTES + bytes([items.index(item)])
            assert archive.read(f"proofs/{name.removeprefix('files/')}.proof.json")
    assert all(i.custody.filter(action=CustodyEvent.Action.EXPORTED).count() == 1 for i in items)


@pytest.mark.django_db(transaction=True)
def test_custody_and_checkpoint_commit_once_per_packet():
    items, user = _items(4)
    with patch.object(connection, "commit", wraps=connection.commit) as commit:
        build_packet(items=items, header={"case": "x"}, by=user, ip=None, custody_detail="test")
    assert commit.call_count == 1  # not one per file (the custody events) plus one for the checkpoint
    assert CustodyEvent.objects.filter(action=CustodyEvent.Action.EXPORTED).count() == 4


def test_a_packet_whose_file_cannot_be_read_logs_no_export():
    items, user = _items(2)
    items[1].file.storage.delete(items[1].file.name)
    with pytest.raises(FileNotFoundError):
        build_packet(items=items, header={"case": "x"}, by=user, ip=None, custody_detail="test")
    assert not CustodyEvent.objects.filter(action=CustodyEvent.Action.EXPORTED).exists()
