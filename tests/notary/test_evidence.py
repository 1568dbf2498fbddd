"""Evidence through the UI: streamed upload, notarisation, custody, proofs,
the public verification page, checkpoints, and the audit catching tampering."""

import base64
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from notary import merkle
from notary.checkpoint import open_signed
from notary.entry import parse_entry
from notary.keys import log_verifier_key
from notary.models import Checkpoint, CustodyEvent, LogLeaf, LogNode, NotaryItem
from notary.services.audit import audit
from notary.services.items import register_file
from tests.conftest import verified_client
from tests.factories import PDF_BYTES, CaseFactory, ClerkFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(claimant):
    return CaseFactory(created_by=claimant, complete=True, state="submitted")


def upload(client, case, name="证据.pdf", data=PDF_BYTES, description="权利证明"):
    return client.post(reverse("notary_case_items", args=[case.url_key]),
                       {"file": SimpleUploadedFile(name, data), "description": description})


def test_party_uploads_evidence_and_it_is_notarised(client, claimant, case):
    client = verified_client(client, claimant)
    response = upload(client, case)
    assert response.status_code == 302
    item = NotaryItem.objects.get()
    assert item.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert item.size == len(PDF_BYTES)
    assert item.content_type == "application/pdf"
    assert item.original_name == "证据.pdf"
    assert item.submitter == claimant
    fields = parse_entry(bytes(item.leaf.entry))
    assert fields["sha256"] == item.sha256 and fields["case"] == str(case.ref) and fields["kind"] == "evidence"
    assert item.custody.filter(action=CustodyEvent.Action.REGISTERED).exists()
    assert Checkpoint.objects.order_by("-size").first().size == LogLeaf.objects.count()
    assert "notary" in item.file.name and "证据" not in item.file.name


def test_upload_streams_through_the_hashing_handler(client, claimant, case):
    """The digest comes from the handler (computed while receiving), not a second read."""
    from notary import uploads

    seen = []
    original = uploads.HashingUploadHandler.file_complete

    def spy(self, size):
        result = original(self, size)
        seen.append(result.sha256)
        return result

    uploads.HashingUploadHandler.file_complete = spy
    try:
        upload(verified_client(client, claimant), case)
    finally:
        uploads.HashingUploadHandler.file_complete = original
    assert seen == [hashlib.sha256(PDF_BYTES).hexdigest()]


def test_oversize_upload_is_refused_with_a_message(client, claimant, case, settings):
    settings.NOTARY_MAX_UPLOAD_BYTES = 100
    response = upload(verified_client(client, claimant), case, data=PDF_BYTES + b"0" * 2000)
    assert response.status_code == 302
    assert not NotaryItem.objects.exists()


def test_bad_type_is_refused_and_nothing_saved(client, claimant, case):
    response = upload(verified_client(client, claimant), case, name="x.pdf", data=b"MZ\x90\x00" + b"\x00" * 100)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not NotaryItem.objects.exists() and not LogLeaf.objects.exists()


def test_outsiders_and_clerks_cannot_add_evidence(client, case):
    for user in (UserFactory(), ClerkFactory()):
        response = upload(verified_client(client, user), case)
        assert response.status_code == 404
    assert not NotaryItem.objects.exists()


def test_items_of_other_cases_are_404(client, claimant, case):
    item = register_file(case=case, fileobj=SimpleUploadedFile("a.pdf", PDF_BYTES), original_name="a.pdf",
                         content_type="application/pdf", submitter=claimant)
    stranger = verified_client(client, UserFactory())
    for name in ("notary_item", "notary_item_download", "notary_item_proof", "notary_item_certificate"):
        assert stranger.get(reverse(name, args=[item.uid])).status_code == 404
    assert not item.custody.exclude(action="registered").exists()


def test_view_download_and_export_are_custody_logged_and_hashed_into_the_log(client, claimant, case):
    item = register_file(case=case, fileobj=SimpleUploadedFile("a.pdf", PDF_BYTES), original_name="a.pdf",
                         content_type="application/pdf", submitter=claimant)
    client = verified_client(client, claimant)
    client.get(reverse("notary_item", args=[item.uid]))
    response = client.get(reverse("notary_item_download", args=[item.uid]))
    assert b"".join(response.streaming_content) == PDF_BYTES
    client.get(reverse("notary_item_proof", args=[item.uid]))
    actions = list(item.custody.values_list("action", flat=True))
    assert actions == ["registered", "viewed", "downloaded", "exported"]
    for event in item.custody.all():
        assert parse_entry(bytes(event.leaf.entry))["kind"] == "custody"
        assert event.actor == claimant
    assert set(item.custody.exclude(action="registered").values_list("ip", flat=True)) == {"127.0.0.1"}


def test_proof_file_verifies_with_the_pure_functions(client, claimant, case, settings):
    item = register_file(case=case, fileobj=SimpleUploadedFile("a.pdf", PDF_BYTES), original_name="a.pdf",
                         content_type="application/pdf", submitter=claimant)
    proof = json.loads(verified_client(client, claimant).get(reverse("notary_item_proof", args=[item.uid])).content)
    checkpoint = open_signed(proof["checkpoint"], log_verifier_key(), origin=settings.NOTARY_LOG_ORIGIN)
    entry = base64.b64decode(proof["entry"])
    assert merkle.verify_inclusion(merkle.leaf_hash(entry), proof["leaf_index"], proof["tree_size"],
                                   [base64.b64decode(h) for h in proof["inclusion"]], checkpoint.root)
    assert proof["tree_size"] == checkpoint.size


def test_public_verification_by_hash_shows_existence_but_not_the_case(client, claimant, case):
    item = register_file(case=case, fileobj=SimpleUploadedFile("a.pdf", PDF_BYTES), original_name="秘密.pdf",
                         content_type="application/pdf", submitter=claimant)
    response = client.get(reverse("notary_verify"), {"q": item.sha256})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["results"][0]["verified"] is True
    assert item.certificate_number in html
    assert "秘密.pdf" not in html and str(case) not in html
    member = verified_client(client, claimant).get(reverse("notary_verify"), {"q": item.certificate_number})
    assert "秘密.pdf" in member.content.decode()


def test_public_verification_of_an_unknown_hash(client):
    response = client.get(reverse("notary_verify"), {"q": "0" * 64})
    assert response.context["results"] == []


def test_checkpoint_endpoint_serves_signed_text_and_history(client, claimant, case, settings):
    for i in range(3):
        register_file(case=case, fileobj=SimpleUploadedFile(f"{i}.pdf", PDF_BYTES + bytes([i])),
                      original_name=f"{i}.pdf", content_type="application/pdf", submitter=claimant)
    response = client.get("/notary/checkpoint")
    assert response["Content-Type"].startswith("text/plain")
    latest = open_signed(response.content.decode(), client.get("/notary/key").content.decode(),
                         origin=settings.NOTARY_LOG_ORIGIN)
    assert latest.size == LogLeaf.objects.count()
    sizes = list(Checkpoint.objects.order_by("size").values_list("size", flat=True))
    assert len(sizes) >= 3
    old = client.get("/notary/checkpoint", {"size": sizes[0]}).content.decode()
    proof = client.get("/notary/consistency", {"old": sizes[0], "new": latest.size}).json()
    assert merkle.verify_consistency(sizes[0], latest.size, open_signed(old, log_verifier_key()).root, latest.root,
                                     [base64.b64decode(h) for h in proof["proof"]])
    assert client.get(reverse("notary_checkpoints")).status_code == 200


def test_filed_documents_are_notarised_on_submission(django_capture_on_commit_callbacks, claimant):
    from portal.services import intake
    from portal.services.documents import store_case_document

    case = CaseFactory(created_by=claimant, complete=True)
    doc = store_case_document(case=case, upload=SimpleUploadedFile("e.pdf", PDF_BYTES), kind="evidence", by=claimant)
    with django_capture_on_commit_callbacks(execute=True):
        intake.submit_case(case=case, by=claimant)
    item = NotaryItem.objects.get(case_document=doc)
    assert item.sha256 == doc.sha256 and item.file.name == doc.file.name


# --- tampering: the audit notices every kind of change --------------------------------------

@pytest.fixture
def notarised(claimant, case):
    items = [register_file(case=case, fileobj=SimpleUploadedFile(f"{i}.pdf", PDF_BYTES + bytes([i])),
                           original_name=f"{i}.pdf", content_type="application/pdf", submitter=claimant)
             for i in range(5)]
    assert audit() == []
    return items


def test_audit_passes_on_an_untouched_log(notarised):
    call_command("notary_audit")


def test_audit_detects_a_changed_byte_in_a_stored_file(notarised):
    item = notarised[2]
    path = item.file.path
    data = bytearray(open(path, "rb").read())
    data[10] ^= 0x01
    open(path, "wb").write(bytes(data))
    assert any(str(item.uid) in p and "stored file" in p for p in audit())
    with pytest.raises(Exception, match="notary audit failed"):
        call_command("notary_audit")


def test_audit_detects_a_changed_hash_in_the_database(notarised):
    item = notarised[1]
    NotaryItem.objects.filter(pk=item.pk).update(sha256="f" * 64)
    assert any(str(item.uid) in p for p in audit())


def test_audit_detects_a_changed_tree_node(notarised):
    node = LogNode.objects.filter(level=1).first()
    LogNode.objects.filter(pk=node.pk).update(hash=bytes(32))
    assert any(f"node 1/{node.index}" in p or "root differs" in p for p in audit())


def test_audit_detects_a_changed_log_entry(notarised):
    leaf = notarised[0].leaf
    LogLeaf.objects.filter(pk=leaf.pk).update(entry=bytes(leaf.entry).replace(b'"size":', b'"size":1'))
    assert audit()


def test_audit_detects_a_changed_checkpoint(notarised):
    cp = Checkpoint.objects.order_by("-size").first()
    Checkpoint.objects.filter(pk=cp.pk).update(note=cp.note.replace(f"\n{cp.size}\n", f"\n{cp.size + 1}\n"))
    assert any(f"checkpoint {cp.size}" in p for p in audit())


def test_audit_detects_a_changed_timestamp_token(notarised):
    item = notarised[3]
    token = bytearray(bytes(item.timestamp_token))
    token[-20] ^= 0x01
    NotaryItem.objects.filter(pk=item.pk).update(timestamp_token=bytes(token))
    assert any(str(item.uid) in p and "timestamp" in p for p in audit())


def test_audit_detects_a_changed_custody_record(notarised):
    event = notarised[0].custody.first()
    CustodyEvent.objects.filter(pk=event.pk).update(ip="10.0.0.1")
    assert any(f"custody event {event.pk}" in p for p in audit())


def test_submitter_withdraws_evidence_and_the_status_change_is_in_the_custody_log(client, claimant, case):
    item = register_file(case=case, fileobj=SimpleUploadedFile("a.pdf", PDF_BYTES), original_name="a.pdf",
                         content_type="application/pdf", submitter=claimant)
    c = verified_client(client, claimant)
    assert c.post(reverse("notary_item_withdraw", args=[item.uid]), {"reason": " "}).status_code == 302
    item.refresh_from_db()
    assert item.status == "active"  # a reason is required
    c.post(reverse("notary_item_withdraw", args=[item.uid]), {"reason": "提交错误"})
    item.refresh_from_db()
    assert item.status == "withdrawn"
    event = item.custody.get(action=CustodyEvent.Action.STATUS)
    assert event.detail == "withdrawn: 提交错误"
    assert parse_entry(bytes(event.leaf.entry))["action"] == "status"
    assert audit() == []


def test_others_cannot_withdraw_someone_elses_evidence(client, claimant, case):
    from portal.models import Party

    item = register_file(case=case, fileobj=SimpleUploadedFile("a.pdf", PDF_BYTES), original_name="a.pdf",
                         content_type="application/pdf", submitter=claimant)
    respondent = UserFactory()
    Party.objects.filter(case=case, side="respondent").update(user=respondent)
    response = verified_client(client, respondent).post(reverse("notary_item_withdraw", args=[item.uid]),
                                                        {"reason": "不认可"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "active"
