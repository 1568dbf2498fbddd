"""Uploads: checked by content, size-limited, stored under generated names,
and nothing left behind when a request fails."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import CaseDocument
from portal.services.documents import atomic_with_file_cleanup, check_upload, clean_display_name, store_case_document
from tests.conftest import verified_client
from tests.factories import PDF_BYTES, PNG_BYTES, CaseFactory, pdf_upload

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 100


@pytest.mark.parametrize(("name", "content", "code"), [
    ("invoice.pdf", EXE, "bad_type"),                  # executable renamed to .pdf
    ("photo.png", HTML, "bad_type"),                   # HTML posing as an image
    ("archive.zip", ZIP, "bad_type"),                  # archives are not accepted (zip bombs)
    ("scan.pdf.exe", PDF_BYTES, "type_mismatch"),      # double extension
    ("screenshot.pdf", PNG_BYTES, "type_mismatch"),    # real PNG with the wrong extension
    ("empty.pdf", b"", "empty"),
])
def test_uploads_are_refused_by_content(name, content, code):
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile(name, content))
    assert exc.value.code == code


def test_oversize_upload_is_refused_before_reading(settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("big.pdf", PDF_BYTES + b"x" * 200))
    assert exc.value.code == "too_large"


def test_accepted_upload_records_sniffed_type_size_and_sha256(claimant):
    import hashlib

    case = CaseFactory(created_by=claimant)
    doc = store_case_document(case=case, upload=pdf_upload("证据.pdf"), kind="evidence", by=claimant)
    assert doc.content_type == "application/pdf"
    assert doc.size == len(PDF_BYTES)
    assert doc.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert doc.original_name == "证据.pdf"


def test_stored_name_is_generated_and_outside_the_web_root(claimant, settings):
    case = CaseFactory(created_by=claimant)
    doc = store_case_document(case=case, upload=pdf_upload("../../etc/passwd.pdf"), kind="evidence", by=claimant)
    assert "passwd" not in doc.file.name
    assert ".." not in doc.file.name
    assert doc.file.name.startswith(f"cases/{case.ref.hex}/")
    assert not doc.file.path.startswith(str(settings.STATIC_ROOT))
    assert not doc.file.path.startswith(str(settings.MEDIA_ROOT))
    assert doc.original_name == "passwd.pdf"


@pytest.mark.parametrize(("raw", "clean"), [
    ("..\\..\\windows\\evil.pdf", "evil.pdf"),
    ("a\x00b\x1f.pdf", "ab.pdf"),
    ("/", "file"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
])
def test_display_names_are_cleaned(raw, clean):
    assert clean_display_name(raw) == clean


def test_failed_transaction_removes_stored_file(claimant):
    case = CaseFactory(created_by=claimant)
    stored = []
    with pytest.raises(RuntimeError), atomic_with_file_cleanup():
        doc = store_case_document(case=case, upload=pdf_upload(), kind="evidence", by=claimant)
        stored.append((doc.file.storage, doc.file.name))
        raise RuntimeError("later step failed")
    storage, name = stored[0]
    assert not storage.exists(name)
    assert not CaseDocument.objects.exists()


def test_wizard_upload_rejection_shows_message_and_saves_nothing(client, claimant):
    client = verified_client(client, claimant)
    case = CaseFactory(created_by=claimant)
    response = client.post(reverse("filing_step", args=[case.ref, "evidence"]),
                           {"upload": "1", "kind": "evidence", "file": SimpleUploadedFile("a.pdf", EXE)})
    assert response.status_code == 200
    assert "文件类型不受支持" in response.content.decode()  # the user's language: Chinese by default
    assert not case.documents.exists()


def test_only_the_uploader_removes_an_evidence_file(client, claimant):
    from tests.factories import DocumentFactory, UserFactory

    case = CaseFactory(created_by=claimant)
    other = UserFactory()
    doc = DocumentFactory(case=case, uploaded_by=other)
    client = verified_client(client, claimant)
    client.post(reverse("filing_step", args=[case.ref, "evidence"]), {"delete": str(doc.uid)})
    assert CaseDocument.objects.filter(pk=doc.pk).exists()
