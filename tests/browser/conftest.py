"""Real-browser tests: Playwright (Python) driving Debian's chromium.

The browser is never downloaded (`playwright install` cannot work here);
we launch /usr/bin/chromium, which `make test` and .ci/run install with apt.
Screenshots are kept in test-artifacts/screenshots/ for people to look at.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the test thread; the ORM calls
# the tests make around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


# Module scope: Playwright's sync API runs an event loop in this thread while it
# is open, which would break asyncio tests that the same worker runs later.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium (make test does it).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(locale: str = "zh-CN", width: int = 1280):
        context = browser.new_context(base_url=live_server.url, locale=locale,
                                      viewport={"width": width, "height": 900})
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def outside_event_loop(fn, *args, **kwargs):
    """Run fn in a plain thread: Playwright's sync API keeps an asyncio loop
    running in the test thread, and pyHanko (PDF signing) calls asyncio.run()."""
    import threading

    result, error = [], []

    def target():
        from django.db import connections

        try:
            result.append(fn(*args, **kwargs))
        except BaseException as exc:  # re-raised in the test thread
            error.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0] if result else None


@pytest.fixture
def seed_demo():
    from django.core.management import call_command

    return lambda: outside_event_loop(call_command, "seed_demo", stdout=open(os.devnull, "w"))


@pytest.fixture
def seed_people_and_pages():
    """The part of the demo data a journey that files its own case needs: the
    demo accounts, courts, the directory of neutrals and the public site
    (Chinese and English) -- without the demo cases, which take most of
    seed_demo's time."""
    from django.db import transaction

    from cms.demo import seed_pages
    from portal.demo.seed import seed_neutrals, seed_users

    def seed():
        with transaction.atomic():
            users = seed_users()
            seed_neutrals(users)
            seed_pages(users)

    return lambda: outside_event_loop(seed)


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


# --------------------------------------------------------------------------
# Journeys on a real ASGI server (WebSockets), with the server's outbound mail
# kept as files so that a test follows emailed links as their recipients do.
# --------------------------------------------------------------------------

DEMO_PASSWORD = "demo12345"


def sign_in(page, email: str, password: str = DEMO_PASSWORD):
    """Log in through the login form; staff asked to enrol two-factor
    authentication on their first login read the key off the page and enter
    the current TOTP code, as they would from an authenticator app."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form button.primary")
    if "/accounts/2fa/setup/" in page.url:
        import base64

        from django_otp.oath import totp

        secret = page.inner_text("code.secret").strip()
        page.fill("input[name=token]", f"{totp(base64.b32decode(secret)):06d}")
        with page.expect_navigation():
            page.click("form button.primary")
    assert "/accounts/login/" not in page.url and "/accounts/2fa/" not in page.url, page.url
    return page


class Mailbox:
    """The messages a server process sent (Django's file-based email backend)."""

    SEPARATOR = b"\n" + b"-" * 79 + b"\n"

    def __init__(self, directory: Path):
        self.directory = directory

    def messages(self) -> list:
        import email
        from email import policy

        found = []
        for path in sorted(self.directory.glob("*.log")):
            for raw in path.read_bytes().split(self.SEPARATOR):
                if raw.strip():
                    found.append(email.message_from_bytes(raw, policy=policy.default))
        return found

    def find(self, *, to: str, containing: str):
        """The last message to `to` whose plain text contains `containing`: (subject, text)."""
        for message in reversed(self.messages()):
            text = message.get_body(preferencelist=("plain",)).get_content()
            if to in message["To"] and containing in text:
                return str(message["Subject"]), text
        raise AssertionError(f"no email to {to} containing {containing!r}; sent: "
                             f"{[(str(m['To']), str(m['Subject'])) for m in self.messages()]}")


class LiveSite:
    """A running uvicorn process serving the portal over HTTP and WebSockets."""

    def __init__(self, url: str, mailbox: Mailbox, database: Path):
        self.url, self.mailbox, self.database = url, mailbox, database

    def query(self, sql: str, *params):
        """Read the server's database (SQLite, WAL: safe while it runs)."""
        import sqlite3

        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()


@pytest.fixture
def live_site(tmp_path):
    """Call it (as a context manager) once the test's data is committed: the
    database is copied to a file and served by uvicorn (tests/live_servers.py);
    links in emails are relative, so the test opens them on that server."""
    from contextlib import contextmanager

    from tests.live_servers import asgi_servers

    @contextmanager
    def start():
        mail_dir = tmp_path / "mail"
        mail_dir.mkdir()
        env = {"DJANGO_SETTINGS_MODULE": "tests.browser.live_mail_settings", "LIVE_EMAIL_DIR": str(mail_dir),
               "PORTAL_PUBLIC_URL": ""}
        with asgi_servers(tmp_path, extra_env=env) as (url,):
            yield LiveSite(url, Mailbox(mail_dir), tmp_path / "live.sqlite3")

    return start


@pytest.fixture
def site_page(browser):
    """Pages on a given server, each in its own browser context (own cookies:
    one person each)."""
    contexts = []

    def make(base_url: str, *, locale: str = "zh-CN", width: int = 1280):
        context = browser.new_context(base_url=base_url, locale=locale, viewport={"width": width, "height": 900},
                                      accept_downloads=True)
        context.set_default_timeout(20000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # data-confirm buttons
        return page

    yield make
    for context in contexts:
        context.close()


def verify_packet(zip_path: Path, workdir: Path) -> dict[str, str]:
    """Unpack a court or enforcement packet and check every file in it as a
    court would, following its README: `python -m notary.verify files/<name>
    --proof proofs/<name>.proof.json --key log.pub`, in a separate process that
    has only the repository on its path (no Django settings). Asserts each exits
    0 and reports VERIFIED; returns each file's report, by file name."""
    import json
    import re
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parents[2]
    workdir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(workdir)
    manifest = json.loads((workdir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"], "the packet holds no file"
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(root), "LANG": "C.UTF-8"}
    reports = {}
    for entry in manifest["files"]:
        done = subprocess.run(
            [sys.executable, "-m", "notary.verify", entry["name"], "--proof", entry["proof"], "--key", "log.pub"],
            cwd=workdir, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, f"{entry['name']}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        assert "RESULT: VERIFIED" in done.stdout, done.stdout
        for check in ("file", "entry", "checkpoint", "inclusion", "timestamp"):
            assert re.search(rf"^OK +{check}:", done.stdout, re.MULTILINE), (check, done.stdout)
        reports[entry["name"].removeprefix("files/")] = done.stdout
    return reports
