"""Idempotency-Key: a retried POST does the work once and gets the same answer;
the same key for a different request is refused."""

import json

import pytest

from portal.models import Case, IdempotentRequest
from tests.api.helpers import ApiClient, bulk, complaint, referral
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db
BULK = "/api/v1/complaints/bulk"


def test_the_same_key_and_body_twice_files_once_and_answers_the_same(platform_api):
    first = platform_api.post(BULK, bulk(3), key="retry-me-1")
    second = platform_api.post(BULK, bulk(3), key="retry-me-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 3


def test_key_order_and_whitespace_do_not_make_a_different_request(platform_api, client):
    data = bulk(2)
    platform_api.post(BULK, data, key="same-content")
    reordered = json.dumps({"complaints": [dict(reversed(list(c.items()))) for c in data["complaints"]]}, indent=2)
    response = client.post(BULK, reordered, content_type="application/json",
                           headers=platform_api.headers({"Idempotency-Key": "same-content"}))
    assert response.status_code == 201
    assert Case.objects.count() == 2


def test_the_same_key_with_a_different_body_is_refused_with_422(platform_api):
    assert platform_api.post(BULK, bulk(2), key="k-2").status_code == 201
    response = platform_api.post(BULK, bulk(3), key="k-2")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("/api/problems/idempotency-key-reused")
    assert Case.objects.count() == 2


def test_a_post_without_a_key_is_refused(platform_api):
    response = platform_api.post(BULK, bulk(1), key=None)
    assert response.status_code == 400
    assert response.json()["type"].endswith("/api/problems/idempotency-key-missing")
    assert Case.objects.count() == 0


def test_a_failed_request_stores_nothing_so_the_corrected_one_may_reuse_the_key(platform_api):
    bad = bulk(1)
    bad["complaints"][0]["facts"] = ""
    assert platform_api.post(BULK, bad, key="fix-and-retry").status_code == 400
    assert not IdempotentRequest.objects.exists()
    assert platform_api.post(BULK, bulk(1), key="fix-and-retry").status_code == 201


def test_keys_belong_to_one_organisation(platform_api, client, other_platform):
    assert platform_api.post(BULK, bulk(1), key="shared-key").status_code == 201
    other = ApiClient(client, other_platform.secret)
    assert other.post(BULK, {"complaints": [complaint(9)]}, key="shared-key").status_code == 201
    assert Case.objects.count() == 2


def test_referrals_are_idempotent_too(court_api):
    first = court_api.post("/api/v1/referrals", referral(), key="ref-1")
    second = court_api.post("/api/v1/referrals", referral(), key="ref-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert court_api.post("/api/v1/referrals", referral(2), key="ref-1").status_code == 422
    assert Case.objects.count() == 1


def test_a_retried_evidence_upload_notarises_the_file_once(platform_api):
    ref = platform_api.post(BULK, bulk(1)).json()["complaints"][0]["id"]
    path = f"/api/v1/complaints/{ref}/evidence"
    first = platform_api.upload(path, {"file": pdf_upload("invoice.pdf")}, key="upload-1")
    second = platform_api.upload(path, {"file": pdf_upload("invoice.pdf")}, key="upload-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Case.objects.get(ref=ref).notary_items.count() == 1
