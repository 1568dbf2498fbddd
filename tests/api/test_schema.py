"""The OpenAPI schema generates without warnings (the deploy check runs the
same generation) and the interactive docs are served from our own static files."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_generates_and_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"),
                 stdout=StringIO(), stderr=StringIO())
    text = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/complaints/bulk" in text and "/admin/api/" not in text


def test_every_post_requires_an_idempotency_key_in_the_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    posts = [op for item in schema["paths"].values() for method, op in item.items() if method == "post"]
    assert len(posts) == 4
    for op in posts:
        assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" and p["required"]
                   for p in op["parameters"]), op["operationId"]


def test_the_docs_are_served_without_a_cdn(client):
    for path in ("/api/docs/", "/api/redoc/"):
        page = client.get(path).content.decode()
        assert "/static/drf_spectacular_sidecar/" in page
        assert "cdn." not in page and "unpkg" not in page
