"""Tokens and webhook endpoints are issued in the back office: the secret is
shown once, only the token's hash is kept, and tokens are revoked, not deleted."""

import re

import pytest
from django.contrib.messages import get_messages

from portal.models import ApiToken, Organisation, WebhookEndpoint
from portal.models.api import hash_token
from tests.api.helpers import ApiClient
from tests.conftest import verified_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SECRET = re.compile(r"<code>(ipdr_[A-Za-z0-9_-]+)</code>")
WEBHOOK_SECRET = re.compile(r"<code>(whsec_[A-Za-z0-9_-]+)</code>")


@pytest.fixture
def admin_client(client):
    return verified_client(client, UserFactory(is_staff=True, is_superuser=True, role="admin"))


@pytest.fixture
def platform_org(db):
    return Organisation.objects.create(name="某电商平台", kind=Organisation.Kind.PLATFORM)


def shown_secret(response, pattern=SECRET) -> str:
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    found = [pattern.search(m) for m in messages]
    [secret] = [f.group(1) for f in found if f]
    return secret


def test_a_token_created_in_django_admin_is_shown_once_and_stored_as_a_hash(admin_client, platform_org):
    response = admin_client.post("/django-admin/portal/apitoken/add/",
                                 {"organisation": platform_org.pk, "name": "订单系统"}, follow=True)
    assert response.status_code == 200
    secret = shown_secret(response)
    token = ApiToken.objects.get()
    assert token.token_hash == hash_token(secret) and token.prefix == secret[:12]
    assert token.created_by.is_superuser
    again = admin_client.get(f"/django-admin/portal/apitoken/{token.pk}/change/")
    assert secret.encode() not in again.content
    assert ApiClient(admin_client, secret).get("/api/v1/complaints").status_code == 200


def test_tokens_are_revoked_in_django_admin_not_deleted(admin_client, platform_org):
    from portal.api.services import issue_token

    token, secret = issue_token(organisation=platform_org, name="old", by=None)
    response = admin_client.post("/django-admin/portal/apitoken/",
                                 {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiClient(admin_client, secret).get("/api/v1/complaints").status_code == 401
    assert admin_client.get(f"/django-admin/portal/apitoken/{token.pk}/delete/").status_code == 403


def test_a_token_created_in_wagtail_is_shown_once(admin_client, platform_org):
    response = admin_client.post("/admin/api-tokens/new/", {"organisation": platform_org.pk, "name": "ERP"},
                                 follow=True)
    assert response.status_code == 200
    secret = shown_secret(response)
    assert ApiToken.objects.get().token_hash == hash_token(secret)


def test_a_token_is_revoked_in_wagtail(admin_client, platform_org):
    from portal.api.services import issue_token

    token, secret = issue_token(organisation=platform_org, name="old", by=None)
    response = admin_client.post(f"/admin/api-tokens/edit/{token.pk}/", {"name": "old", "revoke": "on"})
    assert response.status_code == 302, response.content[:2000]
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiClient(admin_client, secret).get("/api/v1/complaints").status_code == 401


def test_a_webhook_endpoints_secret_is_shown_once_on_creation(admin_client, platform_org):
    response = admin_client.post("/admin/webhooks/new/", {
        "organisation": platform_org.pk, "url": "https://erp.example.cn/hooks", "events": ["case.docketed"],
        "active": "on"}, follow=True)
    assert response.status_code == 200
    secret = shown_secret(response, WEBHOOK_SECRET)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == secret and endpoint.events == ["case.docketed"]
    edit = admin_client.get(f"/admin/webhooks/edit/{endpoint.pk}/")
    assert secret.encode() not in edit.content


def test_a_court_organisation_must_name_its_court(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Organisation.objects.create(name="某法院", kind=Organisation.Kind.COURT)


def test_the_wagtail_pages_render_and_offer_no_token_deletion(admin_client, platform_org):
    from portal.api.services import issue_token

    token, _ = issue_token(organisation=platform_org, name="ERP", by=None)
    for path in ("/admin/api-tokens/", "/admin/api-tokens/new/", f"/admin/api-tokens/edit/{token.pk}/",
                 "/admin/webhooks/", "/admin/webhooks/new/"):
        assert admin_client.get(path).status_code == 200, path
    assert f"/admin/api-tokens/delete/{token.pk}/".encode() not in admin_client.get("/admin/api-tokens/").content
    admin_client.post(f"/admin/api-tokens/delete/{token.pk}/")
    assert ApiToken.objects.filter(pk=token.pk).exists()
