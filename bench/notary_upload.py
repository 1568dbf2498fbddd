"""Notarising a large file through the real HTTP upload path vs sha256sum.

    .venv/bin/python bench/notary_upload.py [--size-mib 1024]

Starts the ASGI server (daphne, development settings, a throwaway var/),
logs a claimant in, and POSTs the file as multipart/form-data to the evidence
upload of a case, streaming it from disk with an exact Content-Length — the
same request a browser sends. Reports the wall time until the server answered
(upload + SHA-256 + timestamp + log append + checkpoint), `sha256sum` of the
same file, and the server's memory: resident size before the upload and its
peak (VmHWM) after.
"""

import argparse
import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import ROOT, setup  # noqa: E402

PORT = 8766


def proc_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def make_file(path: Path, size: int) -> None:
    if path.exists() and path.stat().st_size == size:
        return
    with open(path, "wb") as fh:
        remaining = size
        block = os.urandom(1024 * 1024)
        while remaining:
            n = min(remaining, len(block))
            fh.write(block[:n])
            remaining -= n
            block = block[1:] + block[:1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--file", default="/tmp/bench-upload.bin")
    parser.add_argument("--server", choices=["uvicorn", "daphne"], default="uvicorn")
    args = parser.parse_args()
    var = setup()
    path = Path(args.file)
    make_file(path, args.size_mib * 1024 * 1024)
    # A txt-like header keeps libmagic's verdict stable for random data: we upload it as .bin? No:
    # the evidence path accepts only known types, so random bytes go up as a PDF-headed file.
    data_path = path.with_suffix(".pdf")
    if not data_path.exists() or data_path.stat().st_size != path.stat().st_size:
        with open(path, "rb") as src, open(data_path, "wb") as dst:
            dst.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
            src.seek(len(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"))
            while chunk := src.read(8 * 1024 * 1024):
                dst.write(chunk)

    t0 = time.perf_counter()
    out = subprocess.run(["sha256sum", str(data_path)], capture_output=True, text=True, check=True)
    sha_time = time.perf_counter() - t0
    expected = out.stdout.split()[0]

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from portal.models import User
    from tests.factories import CaseFactory

    user = User.objects.create_user(email="bench@example.test", password="x", full_name="Bench")
    case = CaseFactory(created_by=user, complete=True)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()

    env = {**os.environ, "PORTAL_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "portal.settings.dev"}
    command = {
        "uvicorn": [str(ROOT / ".venv/bin/uvicorn"), "--host", "127.0.0.1", "--port", str(PORT), "--no-access-log",
                    "portal.asgi:application"],
        "daphne": [str(ROOT / ".venv/bin/daphne"), "-b", "127.0.0.1", "-p", str(PORT), "portal.asgi:application"],
    }[args.server]
    server = subprocess.Popen(command, cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        url = f"/notary/cases/{case.ref}/items/"
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
                conn.request("GET", url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                body = response.read()
                break
            except ConnectionRefusedError:
                time.sleep(0.2)
        csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        rss_before = proc_kib(server.pid, "VmRSS")

        boundary = "----benchboundary7MA4YWxkTrZu0gW"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{token}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nbench\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.pdf\"\r\n"
                f"Content-Type: application/pdf\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        size = data_path.stat().st_size
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=3600)
        conn.putrequest("POST", url)
        conn.putheader("Cookie", f"{cookie}; csrftoken={csrf}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(head) + size + len(tail)))
        conn.endheaders()
        conn.send(head)
        with open(data_path, "rb") as fh:
            while chunk := fh.read(1024 * 1024):
                conn.send(chunk)
        conn.send(tail)
        response = conn.getresponse()
        answer = response.read()
        upload_time = time.perf_counter() - t0
        peak = proc_kib(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait()

    from notary.models import NotaryItem

    item = NotaryItem.objects.filter(case=case).first()
    if item is None:
        sys.exit(f"upload failed: HTTP {response.status} {response.getheader('Location')} {answer[:300]!r}")
    assert item.sha256 == expected and item.size == size
    print(f"server: {args.server}; file: {size / 2**20:.0f} MiB")
    print(f"sha256sum: {sha_time:.2f} s")
    print(f"notarise through HTTP upload: {upload_time:.2f} s = {upload_time / sha_time:.2f}x sha256sum")
    print(f"server memory: {rss_before / 1024:.0f} MiB before, peak {peak / 1024:.0f} MiB "
          f"(growth {(peak - rss_before) / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
