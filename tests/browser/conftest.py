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
def shot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take
