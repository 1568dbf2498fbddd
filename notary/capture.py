"""Web-page capture: the server opens a page in its own headless Chromium and
preserves what it saw — a full-page screenshot (PNG), the page's HTML, and the
capture's metadata (JSON: requested and final URL, HTTP status, time, user
agent, capturing host, browser version). Each artefact is notarised.

The capturing browser refuses to load anything from private, loopback or
link-local addresses unless NOTARY_CAPTURE_ALLOW_PRIVATE is set (development
and tests), so a capture request cannot be used to probe the centre's network.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import shutil
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


class CaptureError(RuntimeError):
    pass


@dataclass
class CaptureResult:
    final_url: str
    status: int | None
    user_agent: str
    browser_version: str
    screenshot: bytes
    html: bytes


def address_is_public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_global


def host_is_allowed(host: str, *, allow_private: bool | None = None) -> bool:
    """Whether every address `host` resolves to is public (or private ones are
    allowed: NOTARY_CAPTURE_ALLOW_PRIVATE, or `allow_private` for other callers
    such as the webhook sender)."""
    if settings.NOTARY_CAPTURE_ALLOW_PRIVATE if allow_private is None else allow_private:
        return True
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return bool(infos) and all(address_is_public(info[4][0]) for info in infos)


def fetch(url: str, *, timeout_ms: int = 30000) -> CaptureResult:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    chromium = settings.NOTARY_CHROMIUM_PATH or shutil.which("chromium") or "/usr/bin/chromium"
    if urlsplit(url).scheme not in ("http", "https") or not host_is_allowed(urlsplit(url).hostname or ""):
        raise CaptureError("This address cannot be captured.")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
                page = context.new_page()

                def guard(route):
                    host = urlsplit(route.request.url).hostname or ""
                    if route.request.url.startswith(("data:", "blob:")) or host_is_allowed(host):
                        route.continue_()
                    else:
                        route.abort("blockedbyclient")

                page.route("**/*", guard)
                response = page.goto(url, wait_until="load", timeout=timeout_ms)
                screenshot = page.screenshot(full_page=True, type="png")
                html = page.content().encode("utf-8")
                user_agent = page.evaluate("navigator.userAgent")
                return CaptureResult(final_url=page.url, status=response.status if response else None,
                                     user_agent=user_agent, browser_version=browser.version,
                                     screenshot=screenshot, html=html)
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise CaptureError(str(exc).splitlines()[0]) from exc


@task()
def capture_page(capture_id: int) -> None:
    """Capture one requested page and notarise its artefacts (runs on the task worker)."""
    from notary.models import NotaryItem, WebCapture
    from notary.services.items import register_file

    capture = WebCapture.objects.select_related("case", "requested_by").get(pk=capture_id)
    try:
        result = fetch(capture.requested_url)
    except CaptureError as exc:
        capture.error = str(exc)
        capture.save(update_fields=["error"])
        return
    captured_at = timezone.now()
    metadata = {
        "requested_url": capture.requested_url, "final_url": result.final_url, "http_status": result.status,
        "captured_at": captured_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "user_agent": result.user_agent, "browser": result.browser_version, "capturing_host": socket.gethostname(),
        "requested_by": capture.requested_by_id, "capture": str(capture.uid),
    }
    with transaction.atomic():
        capture.final_url, capture.http_status, capture.user_agent = result.final_url, result.status, result.user_agent
        capture.capturing_host, capture.captured_at = metadata["capturing_host"], captured_at
        capture.save()
        artefacts = [
            ("screenshot.png", result.screenshot, "image/png", "页面截图 / Screenshot"),
            ("page.html", result.html, "text/html", "页面源代码 / Page HTML"),
            ("capture.json", json.dumps(metadata, ensure_ascii=False, indent=2).encode(), "application/json",
             "取证信息 / Capture metadata"),
        ]
        for name, data, content_type, label in artefacts:
            register_file(case=capture.case, fileobj=ContentFile(data, name=name), original_name=name,
                          content_type=content_type, submitter=capture.requested_by, kind=NotaryItem.Kind.CAPTURE,
                          description=f"{label}: {capture.requested_url}"[:300], capture=capture)
