"""Content-Security-Policy: every portal page gets a strict policy (no
'unsafe-inline', no 'unsafe-eval') and its HTML needs nothing that policy would
block: no inline script or style, no style="" attribute, no on…="" handler.
Only the two back offices (Wagtail's /admin/ and Django's /django-admin/) are
left out; they are staff-only, behind two-factor authentication."""

import hashlib
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path
from wagtail.models import Page

from cms.demo import seed_pages
from mediation.sessions import rooms
from notary.services.items import register_file
from portal import urls as portal_urls
from portal.models import Case, User
from portal.views.filing import STEPS, step_url
from tests.arbitration.helpers import make_world as arbitration_world
from tests.arbitration.helpers import served
from tests.conftest import verified_client
from tests.factories import PDF_BYTES, CaseFactory, UserFactory
from tests.mediation.helpers import make_world as mediation_world
from tests.mediation.helpers import started

pytestmark = pytest.mark.django_db

UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'")
TEMPLATE_COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)
# Script types a browser never runs: data blocks such as Django's json_script.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def policy_of(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def nonce_of(policy: dict[str, list[str]]) -> str | None:
    nonces = {source[len("'nonce-"):-1] for source in policy.get("script-src", []) + policy.get("style-src", [])
              if source.startswith("'nonce-")}
    assert len(nonces) <= 1, nonces
    return nonces.pop() if nonces else None


class InlineCode(HTMLParser):
    """Everything in a page that a policy without 'unsafe-inline' would block."""

    def __init__(self, nonce: str | None):
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, dict(attrs))

    def handle_startendtag(self, tag, attrs):
        self._check(tag, dict(attrs))

    def _check(self, tag, attrs):
        where = self.get_starttag_text()[:120]
        nonced = self.nonce is not None and attrs.get("nonce") == self.nonce
        if tag == "script" and not attrs.get("src") and not nonced \
                and (attrs.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
            self.problems.append(f"inline script: {where}")
        if tag == "script" and attrs.get("src") and not _same_origin(attrs["src"]):
            self.problems.append(f"script from elsewhere: {where}")
        if tag == "style" and not nonced:
            self.problems.append(f"<style> without the nonce: {where}")
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and not _same_origin(attrs.get("href", "")):
            self.problems.append(f"stylesheet from elsewhere: {where}")
        for name, value in attrs.items():
            if name == "style":
                self.problems.append(f"style attribute: {where}")
            elif name.startswith("on"):
                self.problems.append(f"event handler attribute {name}: {where}")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.problems.append(f"javascript: URL: {where}")


def _same_origin(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def assert_strict_policy(response, *, status: int = 200) -> None:
    """The response has a strict policy, and its HTML needs no exception to it."""
    assert response.status_code == status, (response.request["PATH_INFO"], response.status_code)
    policy = policy_of(response)
    for directive in ("default-src", "script-src", "style-src"):
        assert directive in policy
        assert not set(policy[directive]) & set(UNSAFE), (directive, policy[directive])
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    checker = InlineCode(nonce_of(policy))
    checker.feed(response.content.decode())
    checker.close()
    assert checker.problems == [], (response.request["PATH_INFO"], checker.problems)


def assert_pages(client: Client, urls: list[str]) -> None:
    for url in urls:
        assert_strict_policy(client.get(url))


# --- the policy itself ------------------------------------------------------------------------------

def test_the_policy_allows_only_this_site_and_no_inline_code(client):
    policy = policy_of(client.get("/accounts/login/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # a nonce only on pages that ask for one
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_websockets_may_reach_this_host_only(client):
    """The live sessions' WebSocket (static/js/chat.js) goes to the page's own
    host, ws: over HTTP and wss: over HTTPS; never to any host (a bare wss:)."""
    assert policy_of(client.get("/accounts/login/"))["connect-src"] == ["'self'", "ws://testserver"]
    assert policy_of(client.get("/accounts/login/", secure=True))["connect-src"] == ["'self'", "wss://testserver"]


def test_only_the_back_offices_are_left_without_a_policy(client, settings):
    assert settings.CONTENT_SECURITY_POLICY["EXCLUDE_URL_PREFIXES"] == ["/admin/", "/django-admin/"]
    assert "Content-Security-Policy" not in client.get("/admin/login/").headers
    assert "Content-Security-Policy" not in client.get("/django-admin/login/").headers
    # Neighbours of the exempt prefixes are ordinary pages.
    for url in ("/administration/", "/django-administration/", "/api/docs/", "/api/redoc/", "/api/schema/",
                "/notary/verify/"):
        assert "Content-Security-Policy" in client.get(url).headers, url


def test_no_web_template_holds_inline_code():
    """A static guard for templates no test renders: web templates (not the PDF
    and email ones) hold no inline script or style, style="" or on…="". The API
    documentation pages' start-up scripts carry the nonce."""
    from django.conf import settings

    root = settings.BASE_DIR / "templates"
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*application/json)[^>]*>|<style(?![^>]*\bnonce=)"
                        r"|\sstyle=|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
    found = []
    for template in sorted(root.rglob("*.html")):
        if template.relative_to(root).parts[0] in ("pdf", "notifications"):
            continue
        text = TEMPLATE_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), template.read_text())
        for number, line in enumerate(text.splitlines(), 1):
            if inline.search(line):
                found.append(f"{template.relative_to(root)}:{number}: {line.strip()[:100]}")
    assert found == []


# --- public pages -------------------------------------------------------------------------------------

def test_every_public_page_in_both_languages_search_and_a_missing_page(client):
    """The demo public site, in Chinese (/) and English (/en/): every page type of cms/,
    the statistics page's SVG charts among them (sized and coloured with attributes, which CSP allows)."""
    from cms.models import StatisticsPage

    CaseFactory(complete=True)
    seed_pages()
    pages = [page for page in Page.objects.live().public().specific() if page.depth > 1]
    urls = {page.get_url() for page in pages} - {None}
    assert {"/", "/en/"} <= urls and len(urls) > 20
    assert_pages(client, sorted(urls))
    statistics = client.get(StatisticsPage.objects.get(locale__language_code="zh-hans").url).content.decode()
    assert 'class="bar-chart"' in statistics
    assert_strict_policy(client.get("/search/?q=调解"))
    assert_strict_policy(client.get("/en/search/?q=mediation"))
    assert_strict_policy(client.get("/no-such-page/"), status=404)


def test_login_registration_and_lockout_pages(client):
    assert_pages(client, ["/accounts/login/", "/accounts/register/"])


def test_fee_calculator_empty_and_with_a_result(client):
    assert_pages(client, ["/arbitration/fees/calculator/", "/arbitration/fees/calculator/?amount=100000"])
    response = client.get("/arbitration/fees/calculator/")
    assert "js/fee-calculator.js" in response.content.decode()


def test_public_verification_page_found_and_not_found(client):
    user = UserFactory()
    case = CaseFactory(created_by=user, complete=True)
    data = PDF_BYTES + b"%csp"
    register_file(case=case, fileobj=SimpleUploadedFile("e.pdf", data), original_name="e.pdf",
                  content_type="application/pdf", submitter=user)
    found = client.get(f"/notary/verify/?q={hashlib.sha256(data).hexdigest()}")
    assert_strict_policy(found)
    assert "badge docketed" in found.content.decode() or "badge returned" in found.content.decode()
    assert_pages(client, ["/notary/verify/", "/notary/verify/?q=" + "0" * 64, "/notary/checkpoints/"])


# --- error pages -------------------------------------------------------------------------------------

def test_csrf_failure_page(db):
    client = Client(enforce_csrf_checks=True)
    assert_strict_policy(client.post("/accounts/login/", {"username": "a@example.test", "password": "x"}),
                         status=403)


def test_server_error_page_needs_no_inline_style():
    checker = InlineCode(nonce=None)
    checker.feed(render_to_string("500.html"))
    assert checker.problems == []


def _boom(request) -> HttpResponse:
    raise RuntimeError("CSP test: an unexpected error")


urlpatterns = [path("csp-test-boom/", _boom), *portal_urls.urlpatterns]


@pytest.mark.urls(__name__)
def test_server_error_response_has_the_policy(db):
    client = Client(raise_request_exception=False)
    assert_strict_policy(client.get("/csp-test-boom/"), status=500)


# --- pages of parties and staff --------------------------------------------------------------------------

def test_claimant_dashboard_cases_and_notifications(client):
    claimant = UserFactory()
    case = CaseFactory(created_by=claimant, complete=True)
    verified_client(client, claimant)
    assert_pages(client, ["/dashboard/", "/cases/", f"/cases/{case.url_key}/", "/notifications/",
                          "/notifications/preferences/", "/accounts/password/change/"])



def test_every_step_of_the_filing_wizard(client):
    """The wizard's formsets clone <template> rows in portal.js; their markup must be clean too."""
    claimant = UserFactory()
    verified_client(client, claimant)
    assert_strict_policy(client.get("/cases/file/"))
    first_step = client.post("/cases/file/", {"track": "mediation"}, follow=True)
    assert first_step.redirect_chain
    assert_strict_policy(first_step)
    draft = Case.objects.get(created_by=claimant, state="draft")
    assert_pages(client, [step_url(draft, step.slug) for step in STEPS])


def test_case_detail_and_evidence_of_a_docketed_mediation_as_claimant(client, django_capture_on_commit_callbacks):
    w = mediation_world(django_capture_on_commit_callbacks)
    case = w["case"]
    verified_client(client, w["claimant"])
    assert_pages(client, [f"/cases/{case.url_key}/", f"/mediation/{case.url_key}/",
                          f"/notary/cases/{case.url_key}/items/"])


def test_mediation_session_page_as_claimant_and_mediator(django_capture_on_commit_callbacks):
    w = mediation_world(django_capture_on_commit_callbacks)
    w["mediation"] = started(w)
    rooms.set_caucus(mediation=w["mediation"], by=w["mediator"], side="claimant", open_=True)
    key = w["case"].url_key
    for name in ("claimant", "mediator"):
        client = verified_client(Client(), w[name])
        assert_pages(client, [f"/mediation/{key}/sessions/joint/", f"/mediation/{key}/sessions/claimant/"])
        page = client.get(f"/mediation/{key}/sessions/joint/").content.decode()
        assert "js/chat.js" in page and "data-ws-path=" in page


def test_arbitration_panel_as_claimant_respondent_and_manager(django_capture_on_commit_callbacks):
    w = arbitration_world(django_capture_on_commit_callbacks)
    served(w)
    key = w["case"].url_key
    for user in (w["claimant"], w["respondent"], w["manager"]):
        assert_pages(verified_client(Client(), user), [f"/arbitration/{key}/", f"/cases/{key}/"])


def test_manager_dashboard_queue_and_case(manager_client):
    case = CaseFactory(complete=True, state="submitted")
    assert_pages(manager_client, ["/dashboard/", "/cases/queue/", f"/cases/{case.url_key}/", "/notifications/"])


def test_clerk_and_neutral_dashboards(clerk):
    assert_strict_policy(verified_client(Client(), clerk).get("/dashboard/"))
    mediator = UserFactory(role=User.Role.MEDIATOR)
    assert_strict_policy(verified_client(Client(), mediator).get("/dashboard/"))


def test_two_factor_pages_for_staff(manager):
    client = Client()
    client.force_login(manager)
    assert_strict_policy(client.get("/accounts/2fa/setup/"))


# --- API documentation ------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_api_documentation_runs_its_start_up_script_with_the_nonce(client, url):
    response = client.get(url)
    assert_strict_policy(response)
    nonce = nonce_of(policy_of(response))
    assert nonce and len(nonce) >= 16
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert "fonts.googleapis.com" not in response.content.decode()  # no CDN
    assert nonce_of(policy_of(client.get(url))) != nonce  # a fresh nonce for each response
