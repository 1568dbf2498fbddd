"""GET /healthz: 200 when the database, the cache, the channel layer and the notary
keys all work, 503 naming the one that does not — and nothing else in the answer."""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

from notary.keys import local_pki, log_signing_key, reset_caches
from portal.views import health
from tests.factories import ManagerFactory

ROOT = Path(__file__).resolve().parents[2]
ALL_OK = {"database": "ok", "cache": "ok", "channel_layer": "ok", "notary_keys": "ok"}

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("notary_keys", "fresh_layer")]


@pytest.fixture
def notary_keys(settings, tmp_path):
    """The notary's keys in a folder of this test's own, made as at a first start."""
    settings.NOTARY_DIR = tmp_path / "notary"
    reset_caches()
    health._loaded_key_files.clear()
    local_pki()
    log_signing_key()
    yield settings.NOTARY_DIR
    reset_caches()
    health._loaded_key_files.clear()


@pytest.fixture
def fresh_layer(settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def get(client, **extra):
    response = client.get("/healthz", **extra)
    return response, json.loads(response.content)


def test_all_checks_pass(client):
    response, body = get(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body == {"status": "ok", "checks": ALL_OK}
    assert reverse("healthz") == "/healthz"


def test_the_answer_is_never_cached_and_sets_no_cookie(client):
    response, _ = get(client)
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert not response.cookies


def test_only_get_and_head(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_a_database_failure_is_503_naming_the_database(client, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("could not connect to server: Connection refused, password=hunter2")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    response, body = get(client)
    assert response.status_code == 503
    assert body == {"status": "fail", "checks": {**ALL_OK, "database": "fail"}}
    assert b"hunter2" not in response.content and b"Traceback" not in response.content


def test_an_unreachable_redis_cache_is_503(client, settings):
    # A real Redis client towards a port where nothing listens (connection refused).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:9/0"}}
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"] == {**ALL_OK, "cache": "fail"}


def test_a_cache_that_loses_values_is_503(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"]["cache"] == "fail"


def test_an_unreachable_redis_channel_layer_is_503(client, settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]}}}
    channel_layers.backends.clear()
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"] == {**ALL_OK, "channel_layer": "fail"}


def test_a_channel_layer_that_never_delivers_times_out_as_503(client, monkeypatch):
    from channels.layers import InMemoryChannelLayer

    async def never(self, channel):
        await asyncio.sleep(60)

    assert get(client)[0].status_code == 200  # the keys are loaded (slow) once, before the short timeout
    monkeypatch.setattr(InMemoryChannelLayer, "receive", never)
    monkeypatch.setattr(health, "CHECK_TIMEOUT", 0.3)
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"] == {**ALL_OK, "channel_layer": "fail"}


def test_no_channel_layer_is_503(client, settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {}
    channel_layers.backends.clear()
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"]["channel_layer"] == "fail"


def test_missing_notary_keys_are_503_and_not_generated(client, settings, tmp_path):
    settings.NOTARY_DIR = tmp_path / "empty-notary"
    reset_caches()
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"] == {**ALL_OK, "notary_keys": "fail"}
    assert not (tmp_path / "empty-notary" / "log-ed25519.pem").exists()
    assert not (tmp_path / "empty-notary" / "pki").exists()


@pytest.mark.parametrize("name", ["log-ed25519.pem", "pki/signing-key.pem", "pki/tsa-cert.pem"])
def test_a_damaged_notary_key_file_is_503(client, notary_keys, name):
    assert get(client)[0].status_code == 200  # loaded once and remembered…
    (notary_keys / name).write_bytes(b"-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n")
    response, body = get(client)  # …but a changed file is loaded again
    assert response.status_code == 503
    assert body["checks"] == {**ALL_OK, "notary_keys": "fail"}


def test_a_signing_key_that_does_not_match_its_certificate_is_503(client, notary_keys):
    pki = notary_keys / "pki"
    (pki / "signing-key.pem").write_bytes((pki / "tsa-key.pem").read_bytes())
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"]["notary_keys"] == "fail"


def test_an_external_tsa_needs_no_local_tsa_key(client, settings, notary_keys):
    settings.NOTARY_TSA_URL = "https://tsa.example.cn/tsr"
    (notary_keys / "pki" / "tsa-key.pem").unlink()
    assert get(client)[0].status_code == 200


def test_several_failures_are_all_named(client, settings, tmp_path):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.NOTARY_DIR = tmp_path / "nothing-here"
    response, body = get(client)
    assert response.status_code == 503
    assert body == {"status": "fail",
                    "checks": {"database": "ok", "cache": "fail", "channel_layer": "ok", "notary_keys": "fail"}}


def test_staff_who_have_not_passed_two_factor_are_not_redirected(client):
    """A case manager's browser (or a monitor using a staff session) gets the check, not the 2FA page."""
    client.force_login(ManagerFactory())
    assert client.get(reverse("dashboard")).status_code == 302  # every page asks for two-factor first…
    response, body = get(client)
    assert response.status_code == 200 and body["status"] == "ok"  # …but not the health check


def _production_redirect_exempt() -> list[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.production",
           "DJANGO_SECRET_KEY": "k" * 50, "DJANGO_ALLOWED_HOSTS": "portal.example.cn",
           "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.SECURE_SSL_REDIRECT, s.SECURE_REDIRECT_EXEMPT]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    redirect, exempt = json.loads(result.stdout.strip().splitlines()[-1])
    assert redirect is True
    return exempt


def test_production_answers_a_plain_http_probe_but_redirects_everything_else(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = _production_redirect_exempt()
    assert client.get("/healthz").status_code == 200
    for path in ("/accounts/login/", "/healthz/", "/healthzx"):
        response = client.get(path)
        assert response.status_code == 301 and response["Location"].startswith("https://"), path
