"""Scale-out: two ASGI servers share a Redis channel layer (as in production);
a client on one server receives, in order, what a client on the other sends."""

import asyncio
import json
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.live_servers import asgi_servers, free_port

REDIS_SERVER = next((p for p in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if Path(p).exists()), None)

def _on_sqlite() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


pytestmark = [
    pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)"),
    # The servers run on a file copy of the SQLite test database (tests/live_servers.py); the
    # SQLite pass of CI runs this test, the PostgreSQL pass skips it.
    pytest.mark.skipif(not _on_sqlite(), reason="the ASGI servers use a copy of the SQLite test database"),
    pytest.mark.xdist_group("redis"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]


@pytest.fixture
def redis_url():
    port = free_port()
    process = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--daemonize", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


async def _frames(ws):
    while True:
        yield json.loads(await asyncio.wait_for(ws.recv(), timeout=15))


async def _join(base_url: str, key: str, cookie: str):
    from websockets.asyncio.client import connect

    ws = await connect(base_url.replace("http://", "ws://") + f"/ws/mediation/{key}/joint/", origin=base_url,
                       additional_headers={"Cookie": f"sessionid={cookie}"})
    async for frame in _frames(ws):
        if frame["type"] == "welcome":
            break
    await ws.send(json.dumps({"type": "hello", "last_seq": 0}))
    async for frame in _frames(ws):
        if frame["type"] == "synced":
            return ws


def test_client_on_one_server_receives_in_order_what_a_client_on_another_sends(session_world, redis_url, tmp_path):
    w = session_world
    total = 50
    env = {"SESSION_RATE_PER_SEC": "1000", "SESSION_RATE_BURST": "1000"}

    async def run(first: str, second: str) -> list[dict]:
        receiver = await _join(first, w["key"], w["cookies"]["respondent"])
        sender = await _join(second, w["key"], w["cookies"]["claimant"])
        for i in range(total):
            await sender.send(json.dumps({"type": "message", "client_id": f"m{i}", "text": f"第 {i} 条"}))
        received = []
        async for frame in _frames(receiver):
            if frame["type"] == "message":
                received.append(frame)
                if len(received) == total:
                    break
        acks = 0
        async for frame in _frames(sender):
            acks += frame["type"] == "ack"
            if acks == total:
                break
        await sender.close()
        await receiver.close()
        return received

    with asgi_servers(tmp_path, count=2, redis_url=redis_url, extra_env=env) as (server_1, server_2):
        received = asyncio.run(run(server_1, server_2))
    assert [m["seq"] for m in received] == list(range(1, total + 1))
    assert [m["body"]["text"] for m in received] == [f"第 {i} 条" for i in range(total)]
    assert {m["author"]["id"] for m in received} == {w["claimant"].pk}
