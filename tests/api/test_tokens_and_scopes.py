"""Tokens: only their hash is stored; revoked or unknown ones get 401; each
organisation kind reaches its own endpoints only, and sees only its own cases."""

import uuid

import pytest

from portal.api.services import revoke_token
from portal.models import ApiToken, Organisation
from portal.models.api import hash_token
from tests.api.helpers import ApiClient, bulk, connect, referral

pytestmark = pytest.mark.django_db

SOME_REF = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"  # fixed: test ids must be the same in every xdist worker
PLATFORM_PATHS = ["/api/v1/complaints", f"/api/v1/complaints/{SOME_REF}", f"/api/v1/complaints/{SOME_REF}/outcome"]
COURT_PATHS = ["/api/v1/referrals", "/api/v1/confirmation-packets", "/api/v1/confirmation-packets/1",
               "/api/v1/confirmation-packets/1/download"]


def file_one(api) -> str:
    response = api.post("/api/v1/complaints/bulk", bulk(1))
    assert response.status_code == 201, response.content
    return response.json()["complaints"][0]["id"]


def test_only_the_hash_of_a_token_is_stored(platform):
    token = ApiToken.objects.get(pk=platform.token.pk)
    assert token.token_hash == hash_token(platform.secret)
    assert platform.secret not in {token.prefix, token.token_hash, token.name}
    assert platform.secret.startswith(token.prefix) and len(token.prefix) == 12


def test_a_request_without_a_token_gets_401_with_a_bearer_challenge(client):
    response = ApiClient(client, None).get("/api/v1/complaints")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_token_gets_401(client):
    response = ApiClient(client, "ipdr_not-a-real-token").get("/api/v1/complaints")
    assert response.status_code == 401


def test_a_revoked_token_gets_401(platform_api, platform):
    assert platform_api.get("/api/v1/complaints").status_code == 200
    revoke_token(token=platform.token)
    response = platform_api.get("/api/v1/complaints")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_use_is_noted_on_the_token(platform_api, platform):
    platform_api.get("/api/v1/complaints")
    assert ApiToken.objects.get(pk=platform.token.pk).last_used_at is not None


@pytest.mark.parametrize("path", COURT_PATHS)
def test_a_platform_token_cannot_use_court_endpoints(platform_api, path):
    assert platform_api.get(path).status_code == 403


def test_a_platform_token_cannot_refer_or_rule(platform_api):
    assert platform_api.post("/api/v1/referrals", referral()).status_code == 403
    assert platform_api.post("/api/v1/confirmation-packets/1/ruling", {}).status_code == 403


@pytest.mark.parametrize("path", PLATFORM_PATHS)
def test_a_court_token_cannot_use_platform_endpoints(court_api, path):
    assert court_api.get(path).status_code == 403


def test_a_court_token_cannot_file_complaints(court_api):
    assert court_api.post("/api/v1/complaints/bulk", bulk(1)).status_code == 403


def test_a_token_of_another_kind_of_organisation_can_do_nothing(client, db):
    company = connect(kind=Organisation.Kind.COMPANY)
    api = ApiClient(client, company.secret)
    assert api.get("/api/v1/complaints").status_code == 403
    assert api.get("/api/v1/referrals").status_code == 403


def test_another_platforms_complaint_is_not_found(platform_api, client, other_platform):
    ref = file_one(platform_api)
    other = ApiClient(client, other_platform.secret)
    for path in (f"/api/v1/complaints/{ref}", f"/api/v1/complaints/{ref}/outcome",
                 f"/api/v1/complaints/{ref}/documents/{uuid.uuid4()}"):
        assert other.get(path).status_code == 404, path
    assert other.get("/api/v1/complaints").json()["count"] == 0
    assert platform_api.get(f"/api/v1/complaints/{ref}").status_code == 200


def test_another_platform_cannot_add_evidence_to_a_complaint(platform_api, client, other_platform):
    from tests.factories import pdf_upload

    ref = file_one(platform_api)
    other = ApiClient(client, other_platform.secret)
    assert other.upload(f"/api/v1/complaints/{ref}/evidence", {"file": pdf_upload()}).status_code == 404


def test_another_courts_referral_is_not_found(court_api, client):
    from tests.factories import CourtFactory

    response = court_api.post("/api/v1/referrals", referral())
    assert response.status_code == 201, response.content
    other_court = connect(kind=Organisation.Kind.COURT, court=CourtFactory())
    other = ApiClient(client, other_court.secret)
    assert other.get(f"/api/v1/referrals/{response.json()['id']}").status_code == 404
    assert other.get("/api/v1/referrals").json()["count"] == 0
