"""Real ASGI servers for tests that need WebSockets over the network (the
Redis scale-out test, the browser session test): pytest-django's live_server is
WSGI and has no WebSockets, and channels' live server cannot share an
in-memory test database. So the test copies its database into a SQLite file
and starts uvicorn processes on it (settings: tests/live_settings.py)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_test_database(path: Path) -> None:
    """Copy the test database (committed data: use transactional tests) into a file."""
    from django.db import connection

    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@contextmanager
def asgi_servers(tmp_path: Path, count: int = 1, *, redis_url: str = "", extra_env: dict | None = None):
    """Start `count` uvicorn processes serving portal.asgi on the copied
    database; yields their base URLs (http://127.0.0.1:PORT)."""
    from django.conf import settings

    db_path = tmp_path / "live.sqlite3"
    copy_test_database(db_path)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.live_settings", "PYTHONPATH": str(ROOT),
           "LIVE_DB_PATH": str(db_path), "LIVE_REDIS_URL": redis_url, "LIVE_NOTARY_DIR": str(settings.NOTARY_DIR),
           "LIVE_PRIVATE_DIR": str(settings.STORAGES["private"]["OPTIONS"]["location"]), **(extra_env or {})}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    ports = [free_port() for _ in range(count)]
    logs = [tmp_path / f"server-{port}.log" for port in ports]
    processes = []
    for port, log in zip(ports, logs, strict=True):
        with log.open("wb") as log_file:  # the child keeps its own handle
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "portal.asgi:application", "--host", "127.0.0.1",
                 "--port", str(port), "--lifespan", "off", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_file))
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process, log in zip(urls, processes, logs, strict=True):
            wait_for(url + "/accounts/login/", process, log)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
