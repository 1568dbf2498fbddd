"""Errors are RFC 9457 problem+json in the requester's language; rate limits
answer 429 with Retry-After; oversized bodies 413."""

import pytest

from tests.api.helpers import ApiClient, bulk
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db
BULK = "/api/v1/complaints/bulk"


def invalid_bulk() -> dict:
    data = bulk(1)
    del data["complaints"][0]["respondent"]["shop_url"]
    del data["complaints"][0]["facts"]
    return data


def test_a_validation_problem_has_the_rfc_9457_members_and_field_errors(platform_api):
    response = platform_api.post(BULK, invalid_bulk())
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert set(problem) == {"type", "title", "status", "detail", "instance", "errors"}
    assert problem["status"] == 400
    assert problem["type"].startswith("http") and problem["type"].endswith("/api/problems/validation")
    assert problem["instance"] == BULK
    assert problem["errors"] == [{"pointer": "/complaints/0/facts", "detail": "This field is required.",
                                  "code": "required"}]


def test_problems_are_in_chinese_by_default(client, platform):
    api = ApiClient(client, platform.secret, language="")
    response = api.post(BULK, invalid_bulk(), headers={"Accept-Language": ""})
    assert response["Content-Language"] == "zh-hans"
    assert response.json()["errors"][0]["detail"] == "必需字段"


def test_problems_follow_accept_language(client, platform):
    zh = ApiClient(client, platform.secret, language="zh-Hans").post(BULK, invalid_bulk())
    en = ApiClient(client, platform.secret, language="en").post(BULK, invalid_bulk())
    assert zh["Content-Language"] == "zh-hans" and en["Content-Language"] == "en"
    assert zh.json()["errors"][0]["detail"] == "必需字段"
    assert en.json()["errors"][0]["detail"] == "This field is required."
    unauthenticated = ApiClient(client, None, language="zh-Hans").get("/api/v1/complaints").json()
    assert unauthenticated["detail"] == "身份认证信息未提供。"


def test_the_problem_type_uri_can_be_dereferenced(client, platform_api):
    problem = platform_api.post(BULK, invalid_bulk()).json()
    path = "/api/problems/validation"
    assert problem["type"].endswith(path)
    description = client.get(path).json()
    assert description["status"] == 400 and description["type"] == problem["type"]


def test_unknown_api_paths_answer_with_a_problem(platform_api):
    response = platform_api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_malformed_json_is_a_problem(client, platform_api):
    response = client.post(BULK, "{not json", content_type="application/json",
                           headers=platform_api.headers({"Idempotency-Key": "x1"}))
    assert response.status_code == 400
    assert response.json()["type"].endswith("/api/problems/malformed-request")


def test_over_the_rate_limit_a_token_gets_429_with_retry_after(platform_api, settings):
    settings.API_RATE = "3/min"
    for _ in range(3):
        assert platform_api.get("/api/v1/complaints").status_code == 200
    response = platform_api.get("/api/v1/complaints")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["type"].endswith("/api/problems/rate-limited")


def test_rate_limits_are_per_token(platform_api, client, other_platform, settings):
    settings.API_RATE = "2/min"
    for _ in range(2):
        platform_api.get("/api/v1/complaints")
    assert platform_api.get("/api/v1/complaints").status_code == 429
    assert ApiClient(client, other_platform.secret).get("/api/v1/complaints").status_code == 200


def test_bulk_filings_have_their_own_lower_limit(platform_api, settings):
    settings.API_BULK_RATE = "1/min"
    assert platform_api.post(BULK, bulk(1)).status_code == 201
    assert platform_api.post(BULK, bulk(1, start=1)).status_code == 429
    assert platform_api.get("/api/v1/complaints").status_code == 200


def test_a_json_body_over_the_limit_gets_413_before_it_is_read(platform_api, settings):
    settings.API_MAX_JSON_BYTES = 2048
    response = platform_api.post(BULK, bulk(5))
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 413


def test_an_upload_over_the_limit_gets_413(platform_api, settings):
    ref = platform_api.post(BULK, bulk(1)).json()["complaints"][0]["id"]
    settings.PORTAL_UPLOAD_MAX_BYTES = 100
    response = platform_api.upload(f"/api/v1/complaints/{ref}/evidence", {"file": pdf_upload()})
    assert response.status_code == 413


def test_an_upload_of_a_refused_type_is_a_field_error(platform_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ref = platform_api.post(BULK, bulk(1)).json()["complaints"][0]["id"]
    fake = SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00 this is not a pdf" * 10, content_type="application/pdf")
    response = platform_api.upload(f"/api/v1/complaints/{ref}/evidence", {"file": fake})
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/file"


def test_a_post_to_an_unknown_path_is_a_problem_too(platform_api):
    response = platform_api.post("/api/v1/complaints/not-a-uuid/evidence", {})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_unknown_query_parameters_are_refused(platform_api):
    response = platform_api.get("/api/v1/complaints", stauts="submitted")
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/stauts"
    assert platform_api.get("/api/v1/complaints", limit="0").status_code == 400
    assert platform_api.get("/api/v1/complaints", limit="2", offset="1").status_code == 200


def test_a_path_with_an_encoded_newline_is_a_problem_too(platform_api):
    response = platform_api.get("/api/v1/complaints/x%0Ay")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
