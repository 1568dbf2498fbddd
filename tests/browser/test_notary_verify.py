"""Journey: anyone checks a notarised file on the public verification page;
the file is hashed in the browser and never uploaded."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notary.services.items import register_file
from tests.factories import PDF_BYTES, CaseFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_public_verification_hashes_in_the_browser(new_page, shot):
    user = UserFactory()
    case = CaseFactory(created_by=user, complete=True)
    data = PDF_BYTES + b"%browser-verify"
    item = register_file(case=case, fileobj=SimpleUploadedFile("证据.pdf", data), original_name="证据.pdf",
                         content_type="application/pdf", submitter=user)
    page = new_page()
    posted = []
    page.on("request", lambda request: posted.append(request) if request.method != "GET" else None)
    page.goto("/notary/verify/")
    page.set_input_files("#file-input", files=[{"name": "证据.pdf", "mimeType": "application/pdf", "buffer": data}])
    page.wait_for_url(f"**/notary/verify/?q={hashlib.sha256(data).hexdigest()}")
    page.wait_for_selector(".badge.docketed")
    assert item.certificate_number in page.content()
    assert "证据.pdf" not in page.inner_text("main")  # the public sees no file names or cases
    assert posted == []  # nothing was uploaded
    shot(page, "20-notary-verify")

    page.goto("/notary/verify/?q=" + "0" * 64)
    assert page.locator(".badge.docketed").count() == 0
