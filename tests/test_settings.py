"""Settings: production refuses to start without its secrets and passes the deploy check."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-key-for-tests",
    "DJANGO_ALLOWED_HOSTS": "portal.example.cn",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_production_passes_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_sqlite():
    result = manage("check", env={**PROD_ENV, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"})
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def production_settings(*names: str, env: dict | None = None) -> dict:
    """The values of these settings as production loads them (in a fresh process)."""
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=repr))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **PROD_ENV, **(env or {})},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_keeps_cookies_secure_and_staff_2fa_on():
    s = production_settings("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE",
                            "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE",
                            "PORTAL_REQUIRE_STAFF_2FA", "DEBUG")
    assert s["SESSION_COOKIE_SECURE"] is True and s["CSRF_COOKIE_SECURE"] is True and s["LANGUAGE_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True  # scripts never see the session
    # Lax: sent when a person follows an emailed link to the portal, never with cross-site POSTs.
    assert s["SESSION_COOKIE_SAMESITE"] == "Lax" and s["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert s["PORTAL_REQUIRE_STAFF_2FA"] is True
    assert s["DEBUG"] is False


def test_production_sends_everyone_to_https_and_keeps_them_there():
    s = production_settings("SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
                            "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF",
                            "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY")
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]  # nginx terminates TLS
    assert s["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and s["SECURE_HSTS_PRELOAD"] is True
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert s["SECURE_REFERRER_POLICY"] == "same-origin"


def test_production_content_security_policy_allows_no_inline_code():
    s = production_settings("CONTENT_SECURITY_POLICY", "MIDDLEWARE")
    directives = s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    for name in ("default-src", "script-src", "style-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'"} & set(directives[name]), name
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert s["CONTENT_SECURITY_POLICY"]["EXCLUDE_URL_PREFIXES"] == ["/admin/", "/django-admin/"]
    assert "portal.middleware.ContentSecurityPolicyMiddleware" in s["MIDDLEWARE"]


def test_production_refuses_to_turn_staff_2fa_off():
    """PORTAL_REQUIRE_STAFF_2FA is read from the environment in development only."""
    s = production_settings("PORTAL_REQUIRE_STAFF_2FA", env={"PORTAL_REQUIRE_STAFF_2FA": "False"})
    assert s["PORTAL_REQUIRE_STAFF_2FA"] is True


def test_no_secret_is_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    assert not [p for p in tracked if p.startswith("var/") or p.endswith((".pem", ".key"))]
