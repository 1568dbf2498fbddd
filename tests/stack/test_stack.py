"""The production-like stack (scripts/stack, docs/deployment.md), end to end.

Runs against a stack that is up, with the demo data: `make stack-start SEED=1`,
then `STACK_URL=https://127.0.0.1:8443 .venv/bin/python -m pytest -m stack -n 0`
(CI does this after the PostgreSQL pass). Skipped when STACK_URL is not set.

Optional: STACK_CA (the certificate to trust; default var/stack/tls/cert.pem),
STACK_HTTP_URL (nginx's plain HTTP port, default http://127.0.0.1:8080) and
STACK_WORKER_URLS (the uvicorn workers, default http://127.0.0.1:8101,http://127.0.0.1:8102).
"""

from __future__ import annotations

import asyncio
import functools
import http.client
import json
import os
import re
import ssl
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
STACK_URL = os.environ.get("STACK_URL", "").rstrip("/")
CA = Path(os.environ.get("STACK_CA", ROOT / "var" / "stack" / "tls" / "cert.pem"))
HTTP_URL = os.environ.get("STACK_HTTP_URL", "http://127.0.0.1:8080").rstrip("/")
WORKER_URLS = os.environ.get("STACK_WORKER_URLS", "http://127.0.0.1:8101,http://127.0.0.1:8102").split(",")
DEMO_PASSWORD = "demo12345"  # noqa: S105 - the documented demo password (portal/demo/seed.py)

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(not STACK_URL, reason="no stack: `make stack-start SEED=1`, then set STACK_URL"),
]


def demo_case_ref() -> str:
    """The demo mediation in progress (mediation/demo.py), whose joint room takes messages."""
    from portal.demo.seed import _ref

    return str(_ref("med-in-progress"))


def session() -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # neither a CA bundle nor a proxy from the environment: the stack's own certificate
    s.verify = str(CA)
    return s


def login(email: str) -> requests.Session:
    s = session()
    page = s.get(f"{STACK_URL}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = s.post(f"{STACK_URL}/accounts/login/", timeout=30, allow_redirects=False,
                      data={"username": email, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
                      headers={"Referer": f"{STACK_URL}/accounts/login/"})
    assert response.status_code == 302, f"{email} cannot log in: was the stack seeded (make stack-start SEED=1)?"
    return s


def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(CA))


# --- HTTP through nginx ------------------------------------------------------------------------------

def test_health_through_nginx_and_on_each_worker():
    response = session().get(f"{STACK_URL}/healthz", timeout=30)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "channel_layer": "ok",
                                                         "notary_keys": "ok"}}
    assert "no-store" in response.headers["Cache-Control"]
    workers = set()
    for url in WORKER_URLS:  # what a load balancer's probe does: plain HTTP, straight to the worker
        direct = session().get(f"{url}/healthz", headers={"Host": "127.0.0.1"}, timeout=30, allow_redirects=False)
        assert direct.status_code == 200 and direct.json()["status"] == "ok"
        workers.add(direct.headers["X-Portal-Worker"])
    assert len(workers) == len(WORKER_URLS)


def test_plain_http_redirects_to_https():
    response = session().get(f"{HTTP_URL}/accounts/login/?next=/cases/", timeout=30, allow_redirects=False)
    assert response.status_code == 301
    assert response.headers["Location"] == f"{STACK_URL}/accounts/login/?next=/cases/"
    # A worker asked directly over HTTP (nginx bypassed) redirects too: production settings.
    direct = session().get(f"{WORKER_URLS[0]}/accounts/login/", headers={"Host": "127.0.0.1"}, timeout=30,
                          allow_redirects=False)
    assert direct.status_code == 301 and direct.headers["Location"].startswith("https://")


def test_cookies_are_secure_and_the_session_cookie_http_only():
    s = login("claimant@demo.test")
    cookies = {c.name: c for c in s.cookies}
    assert cookies["sessionid"].secure and cookies["csrftoken"].secure
    assert cookies["sessionid"].has_nonstandard_attr("HttpOnly")
    assert s.get(f"{STACK_URL}/dashboard/", timeout=30, allow_redirects=False).status_code == 200


def test_security_headers_and_no_versions():
    response = session().get(f"{STACK_URL}/accounts/login/", timeout=30)
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Server"] == "nginx"  # server_tokens off; uvicorn's own Server header is off
    # nginx adds each header only where the application did not: never twice.
    assert headers["X-Content-Type-Options"].count("nosniff") == 1
    # nginx's own answers carry them too.
    missing = session().get(f"{STACK_URL}/media/documents/nothing.pdf", timeout=30)
    assert missing.status_code == 404
    assert missing.headers["X-Content-Type-Options"] == "nosniff" and missing.headers["X-Frame-Options"] == "DENY"


def test_static_files_come_compressed_with_far_future_cache_headers():
    page = session().get(f"{STACK_URL}/accounts/login/", timeout=30).text
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "no hashed stylesheet on the login page (collectstatic with the manifest storage?)"
    response = session().get(f"{STACK_URL}{stylesheet.group(1)}", timeout=30,
                             headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "text/css" in response.headers["Content-Type"]
    assert response.headers["Content-Encoding"] == "gzip"
    cache_control = response.headers["Cache-Control"]
    assert "immutable" in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= 365 * 24 * 3600


def _post_status(path: str, length: int, *, send_body: bool) -> int:
    """POST a body of `length` bytes (or only declare it: nginx refuses a too large one on the headers)."""
    parts = urlsplit(STACK_URL)
    conn = http.client.HTTPSConnection(parts.hostname, parts.port, context=tls_context(), timeout=60)
    try:
        conn.putrequest("POST", path)
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        if send_body:
            chunk = b"\0" * (1024 * 1024)
            for offset in range(0, length, len(chunk)):
                conn.send(chunk[: length - offset])
        return conn.getresponse().status
    finally:
        conn.close()


def test_request_bodies_are_limited_as_the_application_limits_uploads():
    size = 56 * 1024 * 1024  # over PORTAL_UPLOAD_MAX_BYTES (50 MiB), far under NOTARY_MAX_UPLOAD_BYTES (2 GiB)
    assert _post_status("/accounts/login/", size, send_body=False) == 413
    # The same body to the notary's evidence upload goes through to the application (which, for an
    # anonymous request, answers with the login redirect once it has the body).
    assert _post_status(f"/notary/cases/{demo_case_ref()}/items/", size, send_body=True) == 302


def test_the_stack_script_reports_every_process_running():
    if not (ROOT / "var" / "stack" / "env").exists():
        pytest.skip("the stack at STACK_URL was not started by this checkout's scripts/stack")
    result = subprocess.run([str(ROOT / "scripts" / "stack"), "status"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("nginx", "web-1", "web-2", "tasks", "deadlines", "redis", "postgres"):
        assert f"{name}: running" in result.stdout


def test_the_task_worker_runs_queued_tasks():
    if not (ROOT / "var" / "stack" / "env").exists():
        pytest.skip("the stack at STACK_URL was not started by this checkout's scripts/stack")
    code = """
import time
from django_tasks.base import TaskResultStatus
from portal.api.webhooks import send_delivery
result = send_delivery.enqueue(0)  # no such delivery: the task answers "not pending"
deadline = time.monotonic() + 60
while result.status not in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED) and time.monotonic() < deadline:
    time.sleep(0.5)
    result.refresh()
print("TASK", result.status, result.return_value if result.status == TaskResultStatus.SUCCESSFUL else "")
"""
    result = subprocess.run([str(ROOT / "scripts" / "stack"), "manage", "shell", "-c", code], capture_output=True,
                            text=True, timeout=120)
    assert "TASK SUCCESSFUL not pending" in result.stdout, result.stdout + result.stderr


# --- a live session across the two workers ----------------------------------------------------------

async def _frames(ws):
    while True:
        yield json.loads(await asyncio.wait_for(ws.recv(), timeout=20))


async def _join(base_url: str, cookie: str, replayed: list | None = None):
    """Open the joint room, read the welcome, say hello, read up to "synced" (the replayed
    messages are appended to `replayed`)."""
    from websockets.asyncio.client import connect

    scheme = "wss" if base_url.startswith("https") else "ws"
    url = f"{scheme}://{urlsplit(base_url).netloc}/ws/mediation/{demo_case_ref()}/joint/"
    ws = await connect(url, origin=STACK_URL, additional_headers={"Cookie": f"sessionid={cookie}"},
                       ssl=tls_context() if scheme == "wss" else None, open_timeout=20)
    async for frame in _frames(ws):
        if frame["type"] == "welcome":
            break
    await ws.send(json.dumps({"type": "hello", "last_seq": 0}))
    async for frame in _frames(ws):
        if frame["type"] == "message" and replayed is not None:
            replayed.append(frame)
        if frame["type"] == "synced":
            return ws
    raise AssertionError("the room closed before it was synced")


def _worker(ws) -> str:
    return ws.response.headers["X-Portal-Worker"]


async def _exchange(sender, receiver) -> dict:
    """`sender` says something; returns the frame `receiver` gets (after the sender's ack)."""
    client_id = uuid.uuid4().hex
    text = f"跨进程消息 {client_id[:8]}"
    await sender.send(json.dumps({"type": "message", "client_id": client_id, "text": text}))
    async for frame in _frames(sender):
        if frame["type"] == "ack" and frame.get("client_id") == client_id:
            break
        assert frame["type"] != "error", frame
    async for frame in _frames(receiver):
        if frame["type"] == "message" and frame["body"]["text"] == text:
            return frame


@functools.cache
def _cookies() -> tuple[str, str]:
    """Session cookies of the demo claimant and mediator (both in the demo mediation in progress)."""
    return (login("claimant@demo.test").cookies["sessionid"], login("mediator@demo.test").cookies["sessionid"])


def test_a_chat_through_nginx_crosses_the_two_workers():
    claimant_cookie, mediator_cookie = _cookies()

    async def run():
        claimant = await _join(STACK_URL, claimant_cookie)
        mediator, tried = None, []
        for _ in range(8):  # least_conn sends a second connection to the other worker; retry if not
            candidate = await _join(STACK_URL, mediator_cookie)
            tried.append(_worker(candidate))
            if _worker(candidate) != _worker(claimant):
                mediator = candidate
                break
            await candidate.close()
        assert mediator is not None, f"every connection went to {_worker(claimant)} ({tried})"
        there = await _exchange(claimant, mediator)
        back = await _exchange(mediator, claimant)
        workers = (_worker(claimant), _worker(mediator))
        await claimant.close()
        await mediator.close()
        return workers, there, back

    workers, there, back = asyncio.run(run())
    assert workers[0] != workers[1]
    assert there["author"]["id"] != back["author"]["id"]
    assert back["seq"] > there["seq"]


def test_a_chat_between_clients_connected_straight_to_each_worker():
    """Independent of how nginx balances: one client on each worker, and the channel layer (Redis) between."""
    claimant_cookie, mediator_cookie = _cookies()

    async def run():
        claimant = await _join(WORKER_URLS[0], claimant_cookie)
        mediator = await _join(WORKER_URLS[1], mediator_cookie)
        assert _worker(claimant) != _worker(mediator)
        there = await _exchange(claimant, mediator)
        back = await _exchange(mediator, claimant)
        await claimant.close()
        await mediator.close()
        return there, back

    there, back = asyncio.run(run())
    assert there["body"]["text"].startswith("跨进程消息") and back["body"]["text"].startswith("跨进程消息")


def test_a_websocket_from_a_foreign_origin_is_refused():
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    claimant_cookie, _ = _cookies()

    async def run():
        url = f"wss://{urlsplit(STACK_URL).netloc}/ws/mediation/{demo_case_ref()}/joint/"
        with pytest.raises(InvalidStatus) as refused:
            await connect(url, origin="https://evil.example", ssl=tls_context(),
                          additional_headers={"Cookie": f"sessionid={claimant_cookie}"}, open_timeout=20)
        return refused.value.response.status_code

    assert asyncio.run(run()) == 403


# --- last: the stack survives a backup and restore round trip ---------------------------------------

def _stack(*args, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "scripts" / "stack"), *args], capture_output=True, text=True, timeout=timeout)


def test_the_stack_survives_a_backup_and_restore_round_trip(tmp_path):
    """scripts/stack backup, a chat message after it, scripts/stack restore --force (which stops and
    restarts the application processes): healthy, the notary audit passes, the message written
    after the backup is gone, and a chat crosses the two workers again. Runs last: it restarts the workers."""
    if not (ROOT / "var" / "stack" / "env").exists():
        pytest.skip("the stack at STACK_URL was not started by this checkout's scripts/stack")
    archive = tmp_path / "stack.tar.gz"
    backup = _stack("backup", "--output", str(archive))
    assert backup.returncode == 0 and archive.exists(), backup.stdout + backup.stderr
    claimant_cookie, mediator_cookie = _cookies()

    async def say_after_backup():
        claimant = await _join(WORKER_URLS[0], claimant_cookie)
        mediator = await _join(WORKER_URLS[1], mediator_cookie)
        frame = await _exchange(claimant, mediator)
        await claimant.close()
        await mediator.close()
        return frame["body"]["text"]

    lost = asyncio.run(say_after_backup())
    restore = _stack("restore", str(archive), "--force")
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "Restored" in restore.stdout and '"status": "ok"' in restore.stdout

    audit = _stack("manage", "notary_audit")
    assert audit.returncode == 0 and "notary audit:" in audit.stdout, audit.stdout + audit.stderr
    health = session().get(f"{STACK_URL}/healthz", timeout=30)
    assert health.status_code == 200 and health.json()["status"] == "ok"

    # Log in again: sessions opened after the backup went with the restore.
    claimant_cookie = login("claimant@demo.test").cookies["sessionid"]
    mediator_cookie = login("mediator@demo.test").cookies["sessionid"]

    async def chat_after_restore():
        replayed: list[dict] = []
        claimant = await _join(STACK_URL, claimant_cookie, replayed)
        mediator = await _join(WORKER_URLS[1] if _worker(claimant) == "web-1" else WORKER_URLS[0], mediator_cookie)
        workers = {_worker(claimant), _worker(mediator)}
        frame = await _exchange(mediator, claimant)
        await claimant.close()
        await mediator.close()
        return replayed, workers, frame

    replayed, workers, frame = asyncio.run(chat_after_restore())
    assert lost not in [m["body"]["text"] for m in replayed]
    assert workers == {"web-1", "web-2"} and frame["body"]["text"].startswith("跨进程消息")
