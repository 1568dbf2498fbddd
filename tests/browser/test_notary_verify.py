"""Journey: anyone checks a file on the public verification page. The file is
hashed in the browser (WebCrypto) and never uploaded: only its SHA-256 goes to
the server, in the query string. A notarised file, chosen or dropped, is shown
as verified against the latest checkpoint, and the proof file the page offers
verifies it offline with `python -m notary.verify`; the same file with one byte
changed is not found, and fails that check."""

import base64
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from notary.services.items import register_file
from tests.factories import PDF_BYTES, CaseFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROOT = Path(__file__).resolve().parents[2]


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def drop(page, selector: str, name: str, data: bytes, mime: str):
    """Drop a file on an element, as a person dragging it from their desktop would."""
    transfer = page.evaluate_handle(
        """([name, b64, mime]) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], name, {type: mime}));
          return transfer;
        }""", [name, base64.b64encode(data).decode(), mime])
    page.dispatch_event(selector, "dragenter", {"dataTransfer": transfer})
    page.dispatch_event(selector, "dragover", {"dataTransfer": transfer})
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def offline_verify(file: Path, proof: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "notary.verify", str(file), "--proof", str(proof)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"})


def test_public_verification_hashes_in_the_browser(new_page, shot, tmp_path):
    user = UserFactory()
    case = CaseFactory(created_by=user, complete=True)
    data = PDF_BYTES + b"%browser-verify"
    item = register_file(case=case, fileobj=SimpleUploadedFile("证据.pdf", data), original_name="证据.pdf",
                         content_type="application/pdf", submitter=user)
    digest = hashlib.sha256(data).hexdigest()
    tampered = data[:-1] + bytes([data[-1] ^ 0x01])  # one bit of one byte
    tampered_digest = hashlib.sha256(tampered).hexdigest()

    page = new_page()
    sent = []
    page.on("request", lambda request: sent.append(request))

    # 1. Choose the notarised file: the page hashes it and looks the hash up.
    page.goto("/notary/verify/")
    page.set_input_files("#file-input", files=[{"name": "证据.pdf", "mimeType": "application/pdf", "buffer": data}])
    page.wait_for_url(f"**/notary/verify/?q={digest}")
    result = page.locator("main .card", has=page.locator("h2 .badge"))
    assert result.locator("h2 .badge.docketed").inner_text() == zh("Verified")
    assert zh("Notarised and proven in the log") in result.inner_text()
    assert item.certificate_number in result.inner_text() and digest in result.inner_text()
    assert "证据.pdf" not in page.inner_text("main")  # the public sees no file names or cases
    shot(page, "20-notary-verify-chosen")

    # The page offers the proof file: with it, the file verifies offline too.
    with page.expect_download() as download:
        page.click(f"a[href$='/notary/verify/proof/{item.leaf.index}.json']")
    proof = tmp_path / download.value.suggested_filename
    download.value.save_as(proof)
    (tmp_path / "证据.pdf").write_bytes(data)
    checked = offline_verify(tmp_path / "证据.pdf", proof)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "RESULT: VERIFIED" in checked.stdout

    # 2. Drop the same file on the page: the same answer.
    page.goto("/notary/verify/")
    with page.expect_navigation(url=f"**/notary/verify/?q={digest}"):
        drop(page, "#dropzone", "证据.pdf", data, "application/pdf")
    assert page.locator("main h2 .badge.docketed").inner_text() == zh("Verified")
    assert page.input_value("#id_q") == digest
    shot(page, "21-notary-verify-dropped")

    # 3. The file with one byte changed: not found, and the proof no longer fits it.
    page.goto("/notary/verify/")
    with page.expect_navigation(url=f"**/notary/verify/?q={tampered_digest}"):
        drop(page, "#dropzone", "证据.pdf", tampered, "application/pdf")
    assert page.locator("main h2 .badge").count() == 0
    assert zh("Not found") in page.inner_text("main h2")
    assert zh("No notarised file has this fingerprint or certificate number.") in page.inner_text("main")
    assert item.certificate_number not in page.inner_text("main")
    shot(page, "22-notary-verify-tampered")
    (tmp_path / "tampered.pdf").write_bytes(tampered)
    checked = offline_verify(tmp_path / "tampered.pdf", proof)
    assert checked.returncode == 1 and "RESULT: NOT VERIFIED" in checked.stdout, checked.stdout + checked.stderr
    assert "FAIL entry" in checked.stdout

    # Nothing but GET requests left the browser, and no file bytes: only hashes.
    assert [r.method for r in sent if r.method != "GET"] == []
    assert not any(r.post_data for r in sent)
