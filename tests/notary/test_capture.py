"""Web-page capture with the server's headless Chromium, against a page served on localhost."""

import http.server
import json
import threading

import pytest
from django.urls import reverse

from notary.capture import CaptureError, fetch, host_is_allowed
from notary.models import NotaryItem, WebCapture
from tests.conftest import verified_client
from tests.factories import CaseFactory

PAGE = "<!doctype html><html><head><meta charset='utf-8'><title>侵权商品</title></head>" \
       "<body><h1>假冒西湖龙井 特价 ¥9.9</h1><p>店铺：义乌某某网店</p></body></html>"


@pytest.fixture
def local_site():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/listing")
                self.end_headers()
                return
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_capture_notarises_screenshot_html_and_metadata(client, local_site):
    from tests.factories import UserFactory

    user = UserFactory()
    case = CaseFactory(created_by=user, complete=True)
    response = verified_client(client, user).post(reverse("notary_case_capture", args=[case.url_key]),
                                                  {"url": f"{local_site}/moved"})
    assert response.status_code == 302
    capture = WebCapture.objects.get()
    assert capture.error == ""
    assert capture.http_status == 200
    assert capture.final_url == f"{local_site}/listing"
    assert "Chrome" in capture.user_agent
    items = {i.original_name: i for i in NotaryItem.objects.filter(capture=capture)}
    assert set(items) == {"screenshot.png", "page.html", "capture.json"}
    assert items["screenshot.png"].content_type == "image/png"
    with items["page.html"].file.open("rb") as fh:
        assert "假冒西湖龙井" in fh.read().decode()
    with items["capture.json"].file.open("rb") as fh:
        meta = json.loads(fh.read())
    assert meta["requested_url"] == f"{local_site}/moved" and meta["http_status"] == 200
    assert meta["capturing_host"] and meta["captured_at"].endswith("Z")
    assert all(i.leaf is not None for i in items.values())


def test_private_addresses_are_refused_unless_allowed(settings):
    settings.NOTARY_CAPTURE_ALLOW_PRIVATE = False
    assert not host_is_allowed("127.0.0.1")
    assert not host_is_allowed("10.1.2.3")
    assert not host_is_allowed("169.254.169.254")
    with pytest.raises(CaptureError):
        fetch("http://127.0.0.1:9/")


def test_only_web_addresses_are_captured(settings):
    settings.NOTARY_CAPTURE_ALLOW_PRIVATE = True
    with pytest.raises(CaptureError):
        fetch("file:///etc/passwd")
