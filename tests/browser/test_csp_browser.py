"""The Content-Security-Policy in a real browser: pages load and their scripts
work (the public verification page hashes a file, the fee calculator computes
in place, the API documentation renders, the live session connects over its
WebSocket and delivers a message), and Chromium reports no violation: no
"Refused to …" console message, no securitypolicyviolation event."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.models import StatisticsPage
from notary.services.items import register_file
from tests.browser.conftest import outside_event_loop
from tests.factories import PDF_BYTES, CaseFactory, UserFactory
from tests.live_servers import asgi_servers
from tests.mediation.sessions_support import build_session_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Runs before any page script, outside the page's policy (Playwright injects it).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                              + ` at ${event.sourceFile || document.URL}:${event.lineNumber}`);
});
"""


class Violations:
    """Every CSP violation a browser context reports, from the console and from the DOM event."""

    def __init__(self, context):
        self.console: list[str] = []
        context.add_init_script(RECORD_VIOLATIONS)
        context.on("console", self._console)
        self.pages = []

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            self.console.append(f"{message.page.url if message.page else '?'}: {text}")

    def watch(self, page):
        self.pages.append(page)
        return page

    def all(self) -> list[str]:
        events = []
        for page in self.pages:
            if not page.is_closed():
                events += [f"{page.url}: {v}" for v in page.evaluate("window.__cspViolations || []")]
        return self.console + events


def _goto(page, url):
    response = page.goto(url)
    assert response.ok, (url, response.status)
    policy = response.headers.get("content-security-policy", "")  # Playwright lower-cases header names
    assert policy, url
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, policy
    return response


@pytest.fixture
def browser_context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    yield context
    context.close()


def test_public_pages_verification_and_fee_calculator_run_under_the_policy(browser_context, shot):
    from cms.demo import seed_pages

    outside_event_loop(seed_pages)
    user = UserFactory()
    case = CaseFactory(created_by=user, complete=True)
    data = PDF_BYTES + b"%csp-browser"
    register_file(case=case, fileobj=SimpleUploadedFile("e.pdf", data), original_name="e.pdf",
                  content_type="application/pdf", submitter=user)
    violations = Violations(browser_context)
    page = violations.watch(browser_context.new_page())

    for url in ("/", "/en/", "/accounts/login/", "/accounts/register/"):
        _goto(page, url)
    for statistics in StatisticsPage.objects.live():
        _goto(page, statistics.url)
        page.locator("svg.bar-chart").first.wait_for()

    # The verification page hashes the chosen file in the browser (verify.js) and submits the hash.
    _goto(page, "/notary/verify/")
    page.set_input_files("#file-input", files=[{"name": "e.pdf", "mimeType": "application/pdf", "buffer": data}])
    page.wait_for_url(f"**/notary/verify/?q={hashlib.sha256(data).hexdigest()}")
    page.locator(".badge.docketed, .badge.returned").first.wait_for()
    shot(page, "csp-notary-verify")

    # The fee calculator fetches the quote and shows it in place (fee-calculator.js): no navigation.
    _goto(page, "/arbitration/fees/calculator/")
    page.fill("form[data-fee-calculator] input[name=amount]", "100000")
    page.locator("form[data-fee-calculator] [data-fee-result] dl.fee-quote").wait_for()
    assert page.url.endswith("/arbitration/fees/calculator/")
    assert "¥" in page.inner_text("[data-fee-result]")
    shot(page, "csp-fee-calculator")

    assert not violations.all(), "\n".join(violations.all())


def test_swagger_ui_renders_with_its_nonce(browser_context, shot):
    violations = Violations(browser_context)
    page = violations.watch(browser_context.new_page())
    _goto(page, "/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".swagger-ui .opblock").first.wait_for()
    shot(page, "csp-api-swagger")
    assert not violations.all(), "\n".join(violations.all())


def test_redoc_renders_and_searches_with_its_nonce(browser_context, shot):
    """Redoc's footer always asks Redocly's CDN for a logo: the policy refuses that on purpose
    (no third-party requests; the image hides itself). Nothing else may be refused."""
    violations = Violations(browser_context)
    page = violations.watch(browser_context.new_page())
    _goto(page, "/api/redoc/")
    page.locator("#redoc-container .api-content h1").first.wait_for()
    page.locator("#redoc-container input.search-input").fill("complaint")
    page.locator("#redoc-container [data-role='search:results'] li").first.wait_for()  # the blob: worker ran
    shot(page, "csp-api-redoc")
    unexpected = [v for v in violations.all() if "https://cdn.redoc.ly/" not in v]
    assert not unexpected, "\n".join(unexpected)


def test_live_session_connects_and_chats_under_the_policy(browser, shot, tmp_path,
                                                         django_capture_on_commit_callbacks):
    """The session page's WebSocket goes to the page's own host: connect-src allows exactly that."""
    w = outside_event_loop(build_session_world, django_capture_on_commit_callbacks)
    key = w["key"]
    with asgi_servers(tmp_path) as (base_url,):
        contexts, pages, recorders = [], {}, []
        try:
            for name in ("mediator", "claimant"):
                context = browser.new_context(base_url=base_url, locale="zh-CN",
                                              viewport={"width": 1280, "height": 900})
                context.set_default_timeout(15000)
                context.add_cookies([{"name": "sessionid", "value": w["cookies"][name], "url": base_url}])
                contexts.append(context)
                recorders.append(Violations(context))
                pages[name] = recorders[-1].watch(context.new_page())
                _goto(pages[name], f"/mediation/{key}/sessions/joint/")
            for page in pages.values():
                page.wait_for_selector("[data-status][data-state=online]")
            pages["mediator"].fill("#chat-text", "CSP：联席会谈开始。")
            pages["mediator"].press("#chat-text", "Enter")
            pages["claimant"].locator(".chat-log .chat-msg:not(.pending) .chat-body",
                                      has_text="联席会谈开始").first.wait_for()
            shot(pages["claimant"], "csp-live-session")
            found = [v for recorder in recorders for v in recorder.all()]
        finally:
            for context in contexts:
                context.close()
    assert not found, "\n".join(found)
