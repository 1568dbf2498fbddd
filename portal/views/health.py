"""GET /healthz: can this worker serve? For load balancers, nginx and monitoring.

Checks, each bounded by CHECK_TIMEOUT seconds:

* database: ``SELECT 1`` on the default database;
* cache: a value written to and read back from the cache (Redis in production);
* channel_layer: a message sent to and received from a channel of this process
  (Redis in production: what the live sessions of two workers rely on);
* notary_keys: the notary's signing keys and certificates (notary/keys.py) exist
  and load. Missing keys are reported, never generated here: a worker that made a
  new log key would sign checkpoints nobody can verify against the published key.

200 with {"status": "ok", "checks": {...}}, or 503 with the failed check marked
"fail". The answer carries no error text, versions or settings; the reason is
logged. No authentication, no session, never cached. Exempt from the staff
two-factor redirect (portal.middleware) and, in production, from the HTTPS
redirect (SECURE_REDIRECT_EXEMPT), so a probe can ask a worker directly over HTTP.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import secrets
from pathlib import Path

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

CHECK_TIMEOUT = 3.0


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("SELECT 1 did not return 1")


def check_cache() -> None:
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return the value just written")
    finally:
        cache.delete(key)


async def check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel()
    token = secrets.token_hex(8)
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RuntimeError("the channel layer returned another message")


# Loading three RSA keys costs about half a second: each file is loaded once per
# process and version (path, size, mtime, inode), and only stat()ed afterwards.
_loaded_key_files: dict[Path, tuple] = {}


def _notary_files() -> dict[str, Path]:
    directory = Path(settings.NOTARY_DIR)
    pki = directory / "pki"
    files = {
        "log_key": Path(settings.NOTARY_LOG_KEY_FILE) if settings.NOTARY_LOG_KEY_FILE else directory / "log-ed25519.pem",
        "signing_key": pki / "signing-key.pem",
        "signing_cert": pki / "signing-cert.pem",
        "root_cert": pki / "root-ca.pem",
    }
    if not settings.NOTARY_TSA_URL:  # the built-in timestamping authority signs with local keys too
        files["tsa_key"] = pki / "tsa-key.pem"
        files["tsa_cert"] = pki / "tsa-cert.pem"
    return files


def check_notary_keys() -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    files = _notary_files()
    versions = {}
    for path in files.values():
        stat = path.stat()  # missing or unreadable: OSError, reported as a failure
        if not os.access(path, os.R_OK):
            raise PermissionError(f"{path} is not readable")
        versions[path] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    if all(_loaded_key_files.get(path) == version for path, version in versions.items()):
        return

    def key(name):
        return serialization.load_pem_private_key(files[name].read_bytes(), password=None)

    def cert(name):
        return x509.load_pem_x509_certificate(files[name].read_bytes())

    key("log_key")
    cert("root_cert")
    pairs = [("signing_key", "signing_cert")] + ([("tsa_key", "tsa_cert")] if "tsa_key" in files else [])
    for key_name, cert_name in pairs:
        if key(key_name).public_key() != cert(cert_name).public_key():
            raise ValueError(f"{files[key_name]} does not belong to {files[cert_name]}")
    _loaded_key_files.update(versions)


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "notary_keys": check_notary_keys,
}


async def _run(name: str, check) -> str:
    try:
        if inspect.iscoroutinefunction(check):
            await asyncio.wait_for(check(), CHECK_TIMEOUT)
        else:
            await asyncio.wait_for(sync_to_async(check)(), CHECK_TIMEOUT)
    except Exception:  # any failure is a failed check; the reason goes to the log, not to the client
        logger.warning("health check %s failed", name, exc_info=True)
        return "fail"
    return "ok"


@never_cache
@require_safe
async def healthz(request: HttpRequest) -> JsonResponse:
    checks = {name: await _run(name, check) for name, check in CHECKS.items()}
    healthy = all(result == "ok" for result in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)
