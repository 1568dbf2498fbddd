"""Hostile input on the notary pages and the public site: web capture
addresses, withdrawal reasons, the public verification page, the log's
checkpoint and consistency endpoints, site search (both languages) and the
objection form of the infringer list.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import verified_client
from tests.factories import CaseFactory
from tests.security import corpora
from tests.security.corpora import (
    MEGABYTE_TEXT,
    NUL,
    Checks,
    lang_headers,
    max_length_message,
    nul_message,
    refused,
    stored_and_escaped,
    too_long,
    translated,
)

pytestmark = pytest.mark.django_db

#: Full-text query syntax (SQLite FTS5, PostgreSQL tsquery) and LIKE wildcards.
SEARCH_SYNTAX = ['"', '""', '"unbalanced', "*", "a*", "NEAR(a b)", "a AND OR NOT b", "-", "^a", "a:b", "(", ")",
                 "{a b}", "%", "_", "\\", "a & | ! b", "'", "''", "调解 OR 1=1", "\u3000", "😀" * 50]


def poster(client, url):
    def post(data, lang):
        return client.post(url, data, headers=lang_headers(lang), follow=True)
    return post


def test_web_capture_refuses_addresses_that_are_not_web_pages(claimant):
    from notary.models import WebCapture

    checks = Checks("web capture")
    case = CaseFactory(created_by=claimant, complete=True)
    post = poster(verified_client(Client(), claimant), reverse("notary_case_capture", args=[case.url_key]))
    for url in ("javascript:window.__xss=1", "data:text/html,<script>window.__xss=1</script>", "file:///etc/passwd",
                "vbscript:msgbox(1)", "<script>window.__xss=1</script>", "' OR 1=1--", "http://", "\\\\evil\\share",
                "http://exa mple.cn/"):
        refused(checks, post, {"url": url}, lambda lang: translated("Enter a valid URL.", lang), WebCapture,
                label=f"capture {url!r}")
    refused(checks, post, {"url": "https://example.cn/" + "a" * 2000},
            lambda lang: max_length_message(2000, "https://example.cn/" + "a" * 2000, lang), WebCapture,
            label="capture too long")
    refused(checks, post, {"url": "https://example.cn/\x00"}, None, WebCapture, label="capture NUL")
    checks.done()


def test_withdrawing_evidence_checks_the_reason(claimant):
    from notary.models import CustodyEvent, NotaryItem
    from notary.services.items import register_file
    from tests.factories import pdf_upload

    checks = Checks("withdraw")
    case = CaseFactory(created_by=claimant, complete=True)
    item = register_file(case=case, fileobj=pdf_upload(), original_name="证据.pdf", content_type="application/pdf",
                         submitter=claimant)
    client = verified_client(Client(), claimant)
    post = poster(client, reverse("notary_item_withdraw", args=[item.uid]))
    # (Opening the item page records a "viewed" custody event: only status changes count here.)
    refused(checks, post, {"reason": NUL}, nul_message, label="withdraw NUL")
    for value in (too_long(280), MEGABYTE_TEXT):
        refused(checks, post, {"reason": value}, lambda lang, v=value: max_length_message(280, v, lang),
                label=f"withdraw {len(value)} characters")
    checks.check(NotaryItem.objects.get(pk=item.pk).status == "active", "withdrawn on a refused reason")
    checks.check(not CustodyEvent.objects.filter(item=item, action="status").exists(), "custody on a refused reason")
    reason = corpora.combined(280)
    post({"reason": reason}, "zh-hans")
    event = CustodyEvent.objects.filter(item=item, action="status").first()
    page = client.get(reverse("notary_item", args=[item.uid])).content.decode()
    stored_and_escaped(checks, event.detail if event else None, f"withdrawn: {reason}".strip(), page,
                       label="withdraw reason")
    checks.done()


def test_public_verification_and_log_endpoints_take_any_query(client):
    checks = Checks("verify and log")
    for value in corpora.TEXTS + SEARCH_SYNTAX + [NUL, "a" * 5000, "NC-2026-' OR 1=1--", "0" * 64 + "'"]:
        for lang in corpora.LANGUAGES:
            response = client.get(reverse("notary_verify"), {"q": value}, headers=lang_headers(lang))
            checks.check(response.status_code == 200, f"verify {value[:30]!r}: {response.status_code}")
            corpora.assert_escaped(response.content.decode(), value)
        for path, params in ((reverse("notary_checkpoint"), {"size": value}),
                             (reverse("notary_consistency"), {"old": value, "new": value}),
                             (reverse("notary_checkpoints"), {"page": value})):
            response = client.get(path, params)
            checks.check(response.status_code in (200, 400, 404), f"{path} {value[:30]!r}: {response.status_code}")
    for value in ("9" * 30, "１", "-1", "0"):
        for path, params in ((reverse("notary_checkpoint"), {"size": value}),
                             (reverse("notary_consistency"), {"old": value, "new": value})):
            response = client.get(path, params)
            checks.check(response.status_code in (200, 400, 404), f"{path} {value!r}: {response.status_code}")
    checks.done()


def test_site_search_takes_any_query_in_both_languages(client):
    checks = Checks("site search")
    for value in corpora.TEXTS + SEARCH_SYNTAX + [NUL, "调解" * 3000, "x" * 100000]:
        for path in ("/search/", "/en/search/"):
            response = client.get(path, {"q": value, "page": value})
            checks.check(response.status_code == 200, f"{path} {value[:30]!r}: {response.status_code}")
            page = response.content.decode()
            corpora.assert_escaped(page, value)
            if value == "{{7*7}}":
                checks.check("{{7*7}}" in page, "the query echo is not literal")
    checks.done()


@pytest.fixture
def listing(db, manager):
    from cms.infringers.services import approve_candidate, find_infringer_candidates
    from tests.cms.helpers import confirmed_settlement
    from tests.factories import valid_credit_code

    code = valid_credit_code(4242)
    for _ in range(2):
        confirmed_settlement(name="义乌市某某商行", credit_code=code, ruling_date=timezone.localdate(),
                             email="shop@example.test")
    return approve_candidate(candidate=find_infringer_candidates()[0], by=manager)


OBJECTION = {"name": "王经理", "email": "objector@example.test", "phone": "", "grounds": "第二起案件的被申请人并非本商行。"}


def test_infringer_objection_form_checks_its_fields(client, listing):
    from cms.infringers.models import InfringerListing, InfringerObjection
    from cms.infringers.services import objection_path

    checks = Checks("infringer objection")
    post = poster(client, objection_path(listing))
    for field, limit in (("name", 120), ("phone", 30), ("grounds", 5000)):
        refused(checks, post, {**OBJECTION, field: NUL}, nul_message, InfringerObjection, label=f"{field} NUL")
        for value in (too_long(limit), MEGABYTE_TEXT):
            refused(checks, post, {**OBJECTION, field: value},
                    lambda lang, v=value, n=limit: max_length_message(n, v, lang), InfringerObjection,
                    label=f"{field} {len(value)}")
    for email in corpora.XSS[:2] + corpora.SQLISH[:2]:
        refused(checks, post, {**OBJECTION, "email": email}, None, InfringerObjection, label=f"email {email!r}")
    checks.check(InfringerListing.objects.get(pk=listing.pk).status == "published", "suspended on refused input")
    for token in corpora.TEXTS[:6] + ["../../etc/passwd"]:
        response = client.post("/objections/infringer-list/" + quote(token, safe="") + "/", OBJECTION)
        checks.check(response.status_code == 404, f"token {token!r}: {response.status_code}")
    grounds = corpora.combined(5000)
    response = post({**OBJECTION, "name": corpora.XSS[1][:120], "grounds": grounds}, "zh-hans")
    objection = InfringerObjection.objects.filter(listing=listing).first()
    stored_and_escaped(checks, objection.grounds if objection else None, grounds, response.content.decode(),
                       label="objection grounds")
    stored_and_escaped(checks, objection.name if objection else None, corpora.XSS[1][:120],
                       response.content.decode(), label="objection name")
    checks.done()
