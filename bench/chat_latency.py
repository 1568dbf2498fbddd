"""Chat message latency through the mediation session consumer vs a bare Channels consumer.

    .venv/bin/python bench/chat_latency.py [--messages 500] [--rate 50] [--warmup 20] [--no-redis]

Builds a mediation in progress (the test helpers' world: a claimant, a
respondent who consented, an appointed mediator) in a migrated SQLite file,
logs the claimant and the respondent in (session cookies), and starts uvicorn
on it the way the tests do (tests/live_servers.py: settings
tests/live_settings.py, WAL, `--lifespan off`), serving bench/chat_asgi.py:
the portal's WebSocket stack plus a bare AsyncJsonWebsocketConsumer that only
broadcasts and acks (no access check, no rate limit, no database).

In each layout a receiver (the respondent) and a sender (the claimant) join
the room, both synced; the sender posts `--warmup` + `--messages` text
messages at a steady `--rate` per second (scheduled on absolute times, so a
slow answer does not slow the sender down), and the receiver notes, for each
message, the time from just before the sender's `send()` to the arrival of
the `message` frame at the receiver (one process, one monotonic clock). The
warm-up messages are not counted. Reported: p50, p99 (nearest rank) and max
of that latency, their ratio to the bare consumer in the same layout, the
sender's send->ack p50, and messages lost. Before the servers start, the
database work the session consumer does per text message (access check and
post_text) is also timed in process, with its query count, to tell service
time from queueing.

Layouts: one uvicorn process with the in-memory channel layer; and, when
redis-server is installed, two uvicorn processes on one Redis (channels-redis),
receiver on the first and sender on the second (as in
tests/mediation/test_sessions_redis.py). Unless --no-redis.

The per-connection rate limit (SESSION_RATE_PER_SEC=5, SESSION_RATE_BURST=20
by default) would refuse a steady 50 messages a second, so the servers run
with SESSION_RATE_PER_SEC and SESSION_RATE_BURST raised (environment, as the
Redis test does); the token bucket costs the same whatever its numbers are.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live_servers import free_port, wait_for  # noqa: E402

REDIS_SERVER = next((p for p in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if Path(p).exists()), None)


# --- set-up: database, world, cookies ----------------------------------------------------------------------

def prepare(tmp: Path) -> tuple[dict, str, dict]:
    """Migrate a SQLite file, build a mediation in progress; the servers' base
    environment, the case key and the two parties' session cookies."""
    base_env = {"DJANGO_SETTINGS_MODULE": "tests.live_settings", "LIVE_DB_PATH": str(tmp / "live.sqlite3"),
                "LIVE_NOTARY_DIR": str(tmp / "notary"), "LIVE_PRIVATE_DIR": str(tmp / "private"),
                "LIVE_REDIS_URL": ""}
    for name in ("notary", "private"):
        (tmp / name).mkdir()
    os.environ.update(base_env)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from tests.mediation.helpers import make_world, started

    call_command("migrate", verbosity=0)

    @contextlib.contextmanager
    def on_commit_runs_anyway(execute=True):  # outside a test transaction on_commit callbacks run at commit
        yield []

    w = make_world(on_commit_runs_anyway)
    w["mediation"] = started(w)
    cookies = {}
    for name in ("claimant", "respondent"):
        client = Client()
        client.force_login(w[name])
        cookies[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    key = w["case"].number
    connections.close_all()
    return base_env, key, cookies


def database_work(cookie: str, count: int = 100) -> tuple[float, float, int]:
    """What the session consumer does in its database thread for one text
    message (rooms.access_for_frame, then rooms.post_text: the transaction,
    with its broadcast after commit going nowhere), timed here in process on
    the same SQLite file: p50 and p90 in ms, and the queries it takes."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    from mediation.models import Mediation
    from mediation.sessions import rooms
    from mediation.sessions.access import find_room

    room = find_room(Mediation.objects.get(), "joint")
    user_id = int(SessionStore(cookie).get("_auth_user_id"))

    def one(i: int) -> None:
        ctx = rooms.access_for_frame(room_id=room.pk, user_id=user_id, session_key=cookie)
        rooms.post_text(room=ctx[0], author=ctx[1], client_id=f"inproc-{i}", text=f"第 {i} 条 bench message")

    with CaptureQueriesContext(connection) as queries:
        one(0)
    times = []
    for i in range(1, count + 1):
        start = time.perf_counter()
        one(i)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    connections.close_all()
    return pct(times, .5), pct(times, .9), len(queries.captured_queries)


@contextlib.contextmanager
def redis_server():
    port = free_port()
    process = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--daemonize", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def uvicorn_servers(tmp: Path, base_env: dict, count: int, *, redis_url: str, rate_env: dict):
    """`count` uvicorn processes serving bench/chat_asgi.py, started as tests/live_servers.py starts them."""
    env = {**os.environ, **base_env, "PYTHONPATH": str(ROOT), "LIVE_REDIS_URL": redis_url, **rate_env}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    ports = [free_port() for _ in range(count)]
    logs = [tmp / f"server-{port}.log" for port in ports]
    processes = []
    try:
        for port, log in zip(ports, logs, strict=True):
            with log.open("wb") as log_file:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "bench"), "chat_asgi:application",
                     "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off", "--log-level", "warning"],
                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_file))
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


# --- clients ----------------------------------------------------------------------------------------

async def _connect(base_url: str, path: str, cookie: str):
    from websockets.asyncio.client import connect

    return await connect(base_url.replace("http://", "ws://") + path, origin=base_url,
                         additional_headers={"Cookie": f"sessionid={cookie}"}, open_timeout=30)


async def _until(ws, type_: str) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
        if frame["type"] == type_:
            return frame
        if frame["type"] == "error":
            raise RuntimeError(f"error frame while waiting for {type_}: {frame}")


async def join_session(base_url: str, key: str, cookie: str):
    """The mediation's joint room: welcome, hello, synced (docs/sessions.md §5)."""
    ws = await _connect(base_url, f"/ws/mediation/{key}/joint/", cookie)
    welcome = await _until(ws, "welcome")
    if not welcome["room"]["writable"]:
        raise RuntimeError(f"the joint room is not writable: {welcome['room']}")
    await ws.send(json.dumps({"type": "hello", "last_seq": welcome["room"]["head"]}))
    await _until(ws, "synced")
    ws.limits = welcome["limits"]
    return ws


async def join_bare(base_url: str, cookie: str):
    return await _connect(base_url, "/ws/bench/chat/joint/", cookie)


async def measure(sender, receiver, *, label: str, count: int, warmup: int, rate: float) -> dict:
    total = warmup + count
    sent: dict[str, float] = {}
    latency: dict[str, float] = {}
    ack: dict[str, float] = {}
    errors: list[dict] = []
    done = asyncio.Event()

    async def receive():
        async for raw in receiver:
            now = time.perf_counter()
            frame = json.loads(raw)
            client_id = frame.get("client_id")
            if frame["type"] == "message" and client_id in sent and client_id not in latency:
                latency[client_id] = now - sent[client_id]
                if len(latency) == total:
                    done.set()
                    return

    async def drain_sender():  # acks (and the sender's own copy of each message)
        async for raw in sender:
            now = time.perf_counter()
            frame = json.loads(raw)
            if frame["type"] == "ack" and frame.get("client_id") in sent:
                ack.setdefault(frame["client_id"], now - sent[frame["client_id"]])
            elif frame["type"] == "error":
                errors.append(frame)

    tasks = [asyncio.create_task(receive()), asyncio.create_task(drain_sender())]
    start = time.perf_counter() + 0.2
    for i in range(total):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        client_id = f"{label}-{i}"
        frame = json.dumps({"type": "message", "client_id": client_id, "text": f"第 {i} 条 bench message"})
        sent[client_id] = time.perf_counter()
        await sender.send(frame)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), timeout=20)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    counted = [f"{label}-{i}" for i in range(warmup, total)]
    values = sorted(latency[c] * 1000 for c in counted if c in latency)
    acks = sorted(ack[c] * 1000 for c in counted if c in ack)
    return {"latency": values, "ack": acks, "lost": count - len(values), "errors": errors}


def pct(values: list[float], q: float) -> float:
    return values[max(0, math.ceil(q * len(values)) - 1)] if values else float("nan")


async def run_layout(urls: list[str], key: str, cookies: dict, args, tag: str) -> dict:
    receive_url, send_url = urls[0], urls[-1]
    results = {}
    for consumer in ("bare", "session"):
        if consumer == "bare":
            receiver = await join_bare(receive_url, cookies["respondent"])
            sender = await join_bare(send_url, cookies["claimant"])
        else:
            receiver = await join_session(receive_url, key, cookies["respondent"])
            sender = await join_session(send_url, key, cookies["claimant"])
        results[consumer] = await measure(sender, receiver, label=f"{tag}-{consumer}", count=args.messages,
                                          warmup=args.warmup, rate=args.rate)
        await sender.close()
        await receiver.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=500, help="messages measured per run")
    parser.add_argument("--rate", type=float, default=50.0, help="messages a second, steady")
    parser.add_argument("--warmup", type=int, default=20, help="messages sent first and not counted")
    parser.add_argument("--no-redis", action="store_true", help="skip the two-process Redis layout")
    args = parser.parse_args()
    command = shlex.join([".venv/bin/python", "bench/chat_latency.py", *sys.argv[1:]])
    rate_env = {"SESSION_RATE_PER_SEC": str(max(1000.0, 2 * args.rate)),
                "SESSION_RATE_BURST": str(max(1000, int(2 * args.rate)))}
    load_before = os.getloadavg()

    tmp = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    rows = []
    try:
        base_env, key, cookies = prepare(tmp)
        work = database_work(cookies["claimant"])
        layouts = [("1 uvicorn, in-memory layer", 1, False)]
        if REDIS_SERVER and not args.no_redis:
            layouts.append(("2 uvicorn, channels-redis", 2, True))
        for name, count, use_redis in layouts:
            with contextlib.ExitStack() as stack:
                redis_url = stack.enter_context(redis_server()) if use_redis else ""
                urls = stack.enter_context(uvicorn_servers(tmp, base_env, count, redis_url=redis_url,
                                                           rate_env=rate_env))
                results = asyncio.run(run_layout(urls, key, cookies, args, tag=f"l{count}"))
            rows.append((name, results))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()

    import channels
    import uvicorn
    import websockets

    print(f"command: {command}")
    print(f"{args.messages} messages (+{args.warmup} warm-up) at {args.rate:g}/s, one sender, one receiver, joint room; "
          f"servers with SESSION_RATE_PER_SEC={rate_env['SESSION_RATE_PER_SEC']} "
          f"SESSION_RATE_BURST={rate_env['SESSION_RATE_BURST']}")
    print(f"uvicorn {uvicorn.__version__}, channels {channels.__version__}, websockets {websockets.__version__}, "
          f"Python {sys.version.split()[0]}, SQLite (WAL); {os.cpu_count()} CPUs; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"session consumer's database work per message (access check + post_text, in process, same file): "
          f"p50 {work[0]:.1f} ms, p90 {work[1]:.1f} ms, {work[2]} queries")
    if not REDIS_SERVER:
        print("redis-server not installed: two-process layout skipped")
    print()
    header = ("layout", "consumer", "p50 ms", "p99 ms", "max ms", "p50 ratio", "p99 ratio", "ack p50 ms", "lost")
    table = []
    for name, results in rows:
        bare = results["bare"]["latency"]
        for consumer in ("bare", "session"):
            r = results[consumer]
            values = r["latency"]
            table.append((name, consumer, f"{pct(values, .5):.2f}", f"{pct(values, .99):.2f}",
                          f"{values[-1] if values else float('nan'):.2f}",
                          f"{pct(values, .5) / pct(bare, .5):.2f}x", f"{pct(values, .99) / pct(bare, .99):.2f}x",
                          f"{pct(r['ack'], .5):.2f}", str(r["lost"])))
            if r["errors"]:
                print(f"{name} / {consumer}: {len(r['errors'])} error frames, first: {r['errors'][0]}")
    widths = [max(len(row[i]) for row in (header, *table)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *table):
        print("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))))


if __name__ == "__main__":
    main()
