"""Test settings: fast and isolated (cookiecutter-django style)."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105 - test settings only
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

_TMP = Path(tempfile.mkdtemp(prefix="portal-test-"))
MEDIA_ROOT = _TMP / "media"
STATIC_ROOT = _TMP / "static"
NOTARY_DIR = _TMP / "notary"
FILE_UPLOAD_TEMP_DIR = str(_TMP / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
PRIVATE_MEDIA_ROOT = _TMP / "private"
STORAGES = {
    **STORAGES,
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="sqlite:///:memory:"),
}
PORTAL_REQUIRE_STAFF_2FA = True
AXES_FAILURE_LIMIT = 3
NOTARY_CAPTURE_ALLOW_PRIVATE = True  # tests capture pages served on localhost
SMS_BACKEND = "portal.sms.LocmemBackend"
WEBHOOK_ALLOW_PRIVATE = True  # tests run a receiver on loopback
