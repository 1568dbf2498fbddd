"""Hostile input through the REST API: every text field of a complaint (bulk)
and a referral, the court's ruling, raw bodies that are not JSON or not
UTF-8, lone surrogates and NUL in JSON strings, hostile query parameters and
Idempotency-Keys.

A refused request is a problem+json (never 500) in the requester's language
(Chinese by default, English on request) and files nothing: all or nothing.
Valid hostile text is stored exactly, and shown escaped in the portal.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from portal.models import Case, IdempotentRequest, IPRight, Organisation, Party, PlatformComplaint
from tests.api.helpers import bulk, complaint, connect, referral
from tests.conftest import verified_client
from tests.security import corpora
from tests.security.corpora import NUL, Checks, stored_and_escaped
from tests.security.test_hostile_uploads import applied_world as applied_world  # a fixture

pytestmark = pytest.mark.django_db
BULK = "/api/v1/complaints/bulk"
FILED = (Case, Party, IPRight, PlatformComplaint, IdempotentRequest)

#: (JSON Pointer, field limit) of every text field of a complaint.
COMPLAINT_TEXT = [
    ("/claimant/name", 200), ("/claimant/address", 300), ("/respondent/name", 200), ("/respondent/address", 300),
    ("/ip_rights/0/title", 200), ("/ip_rights/0/registration_number", 64), ("/ip_rights/0/holder", 200),
    ("/facts", 20000), ("/claims/other", 2000), ("/external_reference", 100),
]


@pytest.fixture(autouse=True)
def _isolated_cache_and_no_rate_limits(settings):
    """Hundreds of refused requests a minute: the rate limits are tested elsewhere (tests/api)."""
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE = settings.API_BULK_RATE = "100000/min"


@pytest.fixture
def platform(db):
    return connect(kind=Organisation.Kind.PLATFORM, name="某电商平台")


def set_at(data: dict, pointer: str, value) -> dict:
    data = json.loads(json.dumps(data))
    *path, last = pointer.strip("/").split("/")
    target = data
    for key in path:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


def post_raw(client, secret, path, body: bytes | str, lang: str = "zh-hans", content_type="application/json",
             key: str | None = None):
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": key or uuid.uuid4().hex}
    if lang != "zh-hans":
        headers["Accept-Language"] = lang
    return client.post(path, body, content_type=content_type, headers=headers)


def problem(checks: Checks, response, label: str, *, status=400, pointer: str | None = None, lang="zh-hans"):
    """A problem+json of this status, in the language, naming the field."""
    ok = checks.check(response.status_code == status, f"{label}: status {response.status_code}")
    ok &= checks.check(response.get("Content-Type") == "application/problem+json", f"{label}: not problem+json")
    if not ok:
        return
    body = response.json()
    texts = [body["detail"], *(e["detail"] for e in body.get("errors") or [])]
    if pointer is not None:
        pointers = [e["pointer"] for e in body.get("errors") or []]
        checks.check(pointer in pointers, f"{label}: {pointer} not in {pointers}")
    if lang == "zh-hans":
        checks.check(response["Content-Language"] == "zh-hans" and all(corpora.has_cjk(t) for t in texts),
                     f"{label}: not Chinese: {texts}")
    else:
        checks.check(response["Content-Language"] == lang and not any(corpora.has_cjk(t) for t in texts),
                     f"{label}: not English: {texts}")


def refuse(checks, client, secret, path, payload_json: str, label: str, *, pointer=None, status=400):
    for lang in corpora.LANGUAGES:
        before = corpora.NothingSaved(*FILED).counts()
        response = post_raw(client, secret, path, payload_json, lang)
        problem(checks, response, f"{label} · {lang}", status=status, pointer=pointer, lang=lang)
        checks.check(corpora.NothingSaved(*FILED).counts() == before, f"{label} · {lang}: something was filed")


def with_escape(data: dict, pointer: str, escape: str) -> str:
    """The JSON text of `data` with a raw JSON escape (e.g. a lone surrogate) in one string."""
    marker = "@@HOSTILE@@"
    return json.dumps(set_at(data, pointer, f"a{marker}b"), ensure_ascii=False).replace(marker, escape)


def test_every_complaint_text_field_refuses_nul_surrogates_and_overlong_text(client, platform):
    checks = Checks("complaint fields")
    for pointer, limit in COMPLAINT_TEXT:
        full = "/complaints/0" + pointer
        data = bulk(1)
        for escape, what in ((corpora.NUL_JSON, "NUL"), (corpora.LONE_SURROGATE_JSON, "lone surrogate"),
                             ("\\udc00\\ud800", "reversed surrogates")):
            refuse(checks, client, platform.secret, BULK, with_escape(data, full, escape), f"{pointer} {what}",
                   pointer=full)
        refuse(checks, client, platform.secret, BULK, json.dumps(set_at(data, full, "长" * (limit + 1))),
               f"{pointer} too long", pointer=full)
        for wrong in (None, ["a"], {"a": 1}, True):  # (a number is taken as its digits, like DRF does)
            if pointer == "/external_reference" and wrong is None:
                continue
            refuse(checks, client, platform.secret, BULK, json.dumps(set_at(data, full, wrong)),
                   f"{pointer} = {wrong!r}", pointer=full)
    for pointer in ("/respondent/shop_url", "/listing_urls/0"):
        full = "/complaints/0" + pointer
        for url in ("javascript:window.__xss=1", "data:text/html,<script>window.__xss=1</script>",
                    "file:///etc/passwd", "<script>window.__xss=1</script>", "' OR 1=1--"):
            refuse(checks, client, platform.secret, BULK, json.dumps(set_at(bulk(1), full, url)), f"{pointer} {url!r}",
                   pointer=full)
    for pointer, value in (("/claimant/credit_code", "' OR 1=1--"), ("/claimant/email", corpora.XSS[1]),
                           ("/claimant/phone", "<script>"), ("/ip_rights/0/type", "trademark' OR 1=1--"),
                           ("/claims/amount", "1 OR 1=1"), ("/claims/amount", "NaN"), ("/track", "<script>"),
                           ("/ip_rights/0/valid_from", "'; DROP TABLE portal_case;--")):
        full = "/complaints/0" + pointer
        refuse(checks, client, platform.secret, BULK, json.dumps(set_at(bulk(1), full, value)), f"{pointer} {value!r}",
               pointer=full)
    checks.done()


def test_one_bad_complaint_in_a_batch_files_none(client, platform):
    checks = Checks("all or nothing")
    data = bulk(50)
    data["complaints"][49]["facts"] = "a\x00b"
    refuse(checks, client, platform.secret, BULK, json.dumps(data), "49 good, 1 NUL", pointer="/complaints/49/facts")
    body = json.dumps(bulk(50), ensure_ascii=False)
    body = body[: body.rindex('"facts": "') + 10] + "\\ud800" + body[body.rindex('"facts": "') + 10:]
    refuse(checks, client, platform.secret, BULK, body, "49 good, 1 lone surrogate", pointer="/complaints/49/facts")
    checks.done()


def test_raw_bodies_that_are_not_json_or_not_utf8_are_problems(client, platform):
    checks = Checks("raw bodies")
    for name, body in corpora.RAW_JSON_BODIES.items():
        refuse(checks, client, platform.secret, BULK, body, f"raw {name}")
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "text/html", "application/xml"):
        response = post_raw(client, platform.secret, BULK, json.dumps(bulk(1)), content_type=content_type)
        problem(checks, response, f"content type {content_type}", status=415)
    checks.done()


def test_hostile_text_in_a_complaint_is_filed_verbatim_and_shown_escaped(client, platform, manager):
    checks = Checks("valid hostile complaints")
    payloads = corpora.short_payloads(100)
    data = {"complaints": []}
    for n, payload in enumerate(payloads):
        item = complaint(n, external_reference=payload, facts=corpora.combined())
        item["claimant"]["name"] = payload
        item["respondent"]["name"] = payload
        item["ip_rights"][0]["title"] = payload
        item["claims"]["other"] = corpora.combined(2000)
        item["listing_urls"] = ['https://shop.example.cn/item/1?q="><script>window.__xss=1</script>']
        data["complaints"].append(item)
    response = post_raw(client, platform.secret, BULK, json.dumps(data, ensure_ascii=False))
    checks.check(response.status_code == 201, f"bulk: {response.status_code} {response.content[:300]!r}")
    manager_client = verified_client(Client(), manager)
    for row, payload in zip(response.json()["complaints"], payloads, strict=True):
        checks.check(row["external_reference"] == payload, f"echoed reference {payload!r}")
        case = Case.objects.get(ref=row["id"])
        page = manager_client.get(case.get_absolute_url()).content.decode()
        stored_and_escaped(checks, case.parties.get(side="claimant").name, payload, page, label=f"claimant {payload!r}")
        stored_and_escaped(checks, case.facts, corpora.combined(), page, label="facts")
        stored_and_escaped(checks, case.ip_rights.get().title, payload, page, label=f"right {payload!r}")
        checks.check(case.platform_complaint.external_reference == payload, f"reference {payload!r}")
    detail = client.get(response.json()["complaints"][0]["url"],
                        headers={"Authorization": f"Bearer {platform.secret}"})
    checks.check(detail["Content-Type"] == "application/json", "a complaint is served as JSON only")
    queue = manager_client.get("/cases/queue/").content.decode()
    for payload in payloads:
        corpora.assert_escaped(queue, payload)
    checks.done()


def test_hostile_query_parameters_and_idempotency_keys(client, platform):
    checks = Checks("query parameters and keys")
    headers = {"Authorization": f"Bearer {platform.secret}"}
    for value in corpora.TEXTS[:10] + [NUL, "-1", "1e9", "１", "9" * 40, "x" * 5000]:
        for params in ({"status": value}, {"external_reference": value}, {"limit": value}, {"offset": value},
                       {value: "1"}):
            response = client.get("/api/v1/complaints", params, headers=headers)
            checks.check(response.status_code in (200, 400), f"list {params!r}: {response.status_code}")
            checks.check(response.status_code == 200 or "problem+json" in response["Content-Type"],
                         f"list {params!r}: not a problem")
        response = client.get("/api/v1/complaints/" + value[:50], headers=headers)
        checks.check(response.status_code == 404, f"complaint id {value[:30]!r}: {response.status_code}")
    for key in ("", " ", "\u00e9t\u00e9", "键", "a" * 256, "a\tb", "<script>"):
        for lang in corpora.LANGUAGES:
            before = corpora.NothingSaved(*FILED).counts()
            response = post_raw(client, platform.secret, BULK, json.dumps(bulk(1)), lang, key=key or " ")
            if key == "<script>":  # visible ASCII: a valid key
                checks.check(response.status_code == 201, f"key {key!r}: {response.status_code}")
                continue
            problem(checks, response, f"key {key!r} {lang}", lang=lang)
            checks.check(corpora.NothingSaved(*FILED).counts() == before, f"key {key!r}: filed")
    checks.done()


def test_referrals_refuse_bad_text_and_keep_hostile_text(client):
    from tests.factories import CourtFactory

    checks = Checks("referrals")
    court = CourtFactory(name="杭州市西湖区人民法院", region_code="330106")
    org = connect(kind=Organisation.Kind.COURT, name=court.name, court=court)
    for pointer, limit in (("/court_reference", 64), ("/facts", 20000), ("/claimant/name", 200)):
        refuse(checks, client, org.secret, "/api/v1/referrals",
               with_escape(referral(1), pointer, corpora.NUL_JSON), f"referral {pointer} NUL", pointer=pointer)
        refuse(checks, client, org.secret, "/api/v1/referrals",
               with_escape(referral(1), pointer, corpora.LONE_SURROGATE_JSON), f"referral {pointer} surrogate",
               pointer=pointer)
        refuse(checks, client, org.secret, "/api/v1/referrals",
               json.dumps(set_at(referral(1), pointer, "长" * (limit + 1))), f"referral {pointer} too long",
               pointer=pointer)
    response = post_raw(client, org.secret, "/api/v1/referrals",
                        json.dumps(referral(2, court_reference=corpora.XSS[1][:64]), ensure_ascii=False))
    checks.check(response.status_code == 201 and response.json()["court_reference"] == corpora.XSS[1][:64],
                 f"referral with hostile reference: {response.status_code}")
    checks.done()


def test_the_json_ruling_refuses_bad_text(client, applied_world):
    from mediation.models import JudicialConfirmation

    checks = Checks("JSON ruling")
    w = applied_world
    org = connect(kind=Organisation.Kind.COURT, name=w["court"].name, court=w["court"])
    path = f"/api/v1/confirmation-packets/{w['application'].pk}/ruling"
    base = {"confirmed": True, "ruling_number": "(2026)浙0106民特1号", "ruling_date": "2026-05-01"}
    for escape, what in ((corpora.NUL_JSON, "NUL"), (corpora.LONE_SURROGATE_JSON, "surrogate")):
        refuse(checks, client, org.secret, path, with_escape(base, "/ruling_number", escape), f"ruling number {what}",
               pointer="/ruling_number")
    for pointer, value in (("/ruling_number", "长" * 81), ("/ruling_date", "'; DROP TABLE x;--"),
                           ("/confirmed", "maybe"), ("/confirmed", None), ("/ruling_date", "2026-02-30")):
        refuse(checks, client, org.secret, path, json.dumps(set_at(base, pointer, value)), f"ruling {pointer} {value!r}",
               pointer=pointer)
    checks.check(JudicialConfirmation.objects.get(pk=w["application"].pk).ruling == "", "ruled on refused input")
    checks.done()

