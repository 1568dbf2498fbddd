"""XSS payloads stored in every text the portal shows back, opened in Chromium.

Case titles (party names), facts and claims, timeline notes, notification
text, the names of uploaded files (case documents, notary evidence, session
attachments), arbitration submissions and the answer, chat messages (live over
the WebSocket and replayed from history after a reload), the site search's
echo of the query and a refused registration form's echo of its input.

Each page is opened with the Content-Security-Policy switched off
(bypass_csp), so that only escaping stands between the payload and the page:
no dialog may open, window.__xss must stay undefined, no element may carry a
payload's script, event handler, javascript: link or srcdoc, and the payload
must be visible as text.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.conftest import browser as browser  # a fixture (module scope: one Chromium)
from tests.browser.conftest import outside_event_loop
from tests.live_servers import asgi_servers
from tests.security import corpora

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]

NAME = '"><img src=x onerror=window.__xss=1>'
SCRIPT = "<script>window.__xss=1</script>"
FILE_NAME = '"><img src=x onerror=window.__xss=1>.pdf'

#: Script that lists what an escaping failure would have put in the page.
INJECTED = """() => {
  const found = [];
  for (const s of document.querySelectorAll('script')) if (s.textContent.includes('__xss')) found.push('script');
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const value = a.value || '';
      if (/^on/i.test(a.name) && value.includes('__xss')) found.push(`${el.tagName}[${a.name}]`);
      if ((a.name === 'srcdoc' || a.name === 'src') && value.includes('__xss')) found.push(`${el.tagName}[${a.name}]`);
      if ((a.name === 'href' || a.name === 'action' || a.name === 'formaction')
          && /^\\s*javascript:/i.test(value)) found.push(`${el.tagName}[${a.name}]=${value.slice(0, 40)}`);
    }
  }
  return found;
}"""


def build_world() -> dict:
    """A mediation in progress and an arbitration in its proceedings, with
    payloads in every text a party or the public sees."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from arbitration import services as arbitration_services
    from notary.services.items import register_file
    from portal.models import Party
    from portal.notifications import notify
    from portal.services.documents import atomic_with_file_cleanup, store_case_document
    from tests.arbitration.helpers import in_proceedings
    from tests.arbitration.helpers import make_world as arbitration_world
    from tests.mediation.sessions_support import build_session_world, cookie_for

    class NoCapture:
        """make_world wants django_capture_on_commit_callbacks; transactions commit here anyway."""

        def __call__(self, execute=False):
            from contextlib import nullcontext

            return nullcontext([])

    w = build_session_world(NoCapture())
    case = w["case"]
    Party.objects.filter(case=case, side="claimant").update(name=NAME)
    Party.objects.filter(case=case, side="respondent").update(name=SCRIPT, address=corpora.XSS[2])
    case.facts = corpora.combined()
    case.claim_other = corpora.combined(2000)
    case.save(update_fields=["facts", "claim_other"])
    with atomic_with_file_cleanup():
        store_case_document(case=case, upload=SimpleUploadedFile(FILE_NAME, corpora.PDF), kind="evidence",
                            by=w["claimant"], description=corpora.XSS[4])
    register_file(case=case, fileobj=SimpleUploadedFile("x.pdf", corpora.PDF), original_name=FILE_NAME,
                  content_type="application/pdf", submitter=w["claimant"], description=corpora.XSS[5])
    notify(users=[w["claimant"]], event="case_transition", category="case", case=case, url=case.get_absolute_url(),
           context={"transition": "return_for_correction", "note": corpora.combined(2000)})
    # A session attachment with a hostile name, through the upload view.
    client = Client()
    client.cookies["sessionid"] = w["cookies"]["claimant"]
    response = client.post(f"/mediation/{w['key']}/sessions/joint/attachments/",
                           {"client_id": "xss-attachment", "file": SimpleUploadedFile(FILE_NAME, corpora.PDF)})
    assert response.status_code == 201, response.content

    a = arbitration_world(NoCapture())
    in_proceedings(a)
    Party.objects.filter(case=a["case"], side="claimant").update(name=NAME)
    for payload in corpora.XSS:
        arbitration_services.submit(arbitration=a["arbitration"], by=a["claimant"], kind="statement", text=payload)
    w["arbitration_key"] = a["case"].number
    w["arbitration_cookie"] = cookie_for(a["claimant"])
    w["manager_cookie"] = cookie_for(a["manager"])
    return w


class Visit:
    def __init__(self, chromium, base_url: str, cookie: str | None):
        self.context = chromium.new_context(base_url=base_url, locale="zh-CN", bypass_csp=True)
        self.context.set_default_timeout(20000)
        if cookie:
            self.context.add_cookies([{"name": "sessionid", "value": cookie, "url": base_url}])
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.failures: list[str] = []

    def check(self, label: str, *must_show: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # let late handlers (img onerror) fire if anything was injected
        if page.evaluate("() => typeof window.__xss") != "undefined":
            self.failures.append(f"{label}: window.__xss is set")
        injected = page.evaluate(INJECTED)
        if injected:
            self.failures.append(f"{label}: injected {injected}")
        text = page.evaluate("() => document.body.innerText")
        for expected in must_show:
            if expected not in text:
                self.failures.append(f"{label}: {expected!r} is not shown as text")

    def open(self, path: str, label: str, *must_show: str) -> None:
        response = self.page.goto(path)
        if response is None or response.status >= 400:
            self.failures.append(f"{label}: {path} answered {response and response.status}")
        self.check(label, *must_show)

    def close(self) -> list[str]:
        self.context.close()
        return self.failures + [f"dialog: {message}" for message in self.dialogs]


def test_no_stored_payload_runs_on_any_page(browser, tmp_path):
    w = outside_event_loop(build_world)
    key = w["key"]
    failures: list[str] = []
    with asgi_servers(tmp_path) as (base_url,):
        # The check itself: a page that does run a payload is caught.
        probe = Visit(browser, base_url, None)
        probe.page.goto("/accounts/login/")
        probe.page.set_content('<p>x</p><img src=x onerror="window.__xss=1; alert(1)">')
        probe.check("probe")
        assert len(probe.close()) == 3, "the XSS check does not see a payload that ran"

        claimant = Visit(browser, base_url, w["cookies"]["claimant"])
        claimant.open("/dashboard/", "dashboard", NAME)
        claimant.open("/cases/", "case list", NAME)
        claimant.open(f"/cases/{key}/", "case detail", NAME, SCRIPT, FILE_NAME, corpora.XSS[6])
        claimant.open("/notifications/", "notifications", SCRIPT)
        claimant.open(f"/notary/cases/{key}/items/", "notary evidence", FILE_NAME)
        claimant.open(f"/mediation/{key}/", "mediation panel", NAME)

        # Chat: the mediator sends every payload; the claimant sees them arrive live, then after a reload.
        mediator = Visit(browser, base_url, w["cookies"]["mediator"])
        mediator.open(f"/mediation/{key}/sessions/joint/", "chat (mediator)")
        claimant.open(f"/mediation/{key}/sessions/joint/", "chat (claimant, live)")
        for page in (mediator.page, claimant.page):
            page.wait_for_selector("[data-status][data-state=online]")
        for payload in corpora.XSS:
            mediator.page.fill("#chat-text", payload)
            mediator.page.press("#chat-text", "Enter")
        last = corpora.XSS[-1]
        claimant.page.locator(".chat-log .chat-msg:not(.pending) .chat-body", has_text=last).first.wait_for()
        claimant.check("chat (claimant, live)", *corpora.XSS, FILE_NAME)
        mediator.check("chat (mediator, own messages)", *corpora.XSS)
        claimant.page.reload()
        claimant.page.locator(".chat-log .chat-msg .chat-body", has_text=last).first.wait_for()
        claimant.check("chat (claimant, history)", *corpora.XSS, FILE_NAME)
        failures += mediator.close()
        failures += claimant.close()

        party = Visit(browser, base_url, w["arbitration_cookie"])
        party.open(f"/arbitration/{w['arbitration_key']}/", "arbitration panel", NAME, *corpora.XSS[:6])
        failures += party.close()

        manager = Visit(browser, base_url, w["manager_cookie"])
        manager.open("/cases/queue/?q=" + quote(SCRIPT), "intake queue search echo")
        failures += manager.close()

        public = Visit(browser, base_url, None)
        for payload in corpora.XSS + corpora.TEMPLATE_INJECTION:
            public.open("/search/?q=" + quote(payload), f"search {payload!r}", payload)
            public.open("/en/search/?q=" + quote(payload), f"English search {payload!r}", payload)
        public.open("/accounts/register/", "registration")
        public.page.fill("#id_full_name", NAME)
        public.page.fill("#id_email", "not-an-email")
        public.page.locator("main form button.primary").click()
        public.page.wait_for_load_state("load")
        public.check("registration echo")
        if public.page.input_value("#id_full_name") != NAME:
            public.failures.append("registration: the name is not echoed back as it was typed")
        public.open("/notary/verify/?q=" + quote(SCRIPT), "public verification echo")
        failures += public.close()
    assert not failures, "\n".join(failures)
