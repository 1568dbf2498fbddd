"""Hostile text through the portal's own forms: registration, login, two-factor,
password change, the filing wizard (start, claimants, respondents, IP rights,
facts and claims, evidence description), screening, the intake queue and case
list filters, notification preferences.

XSS, template and SQL-ish strings are valid text: stored exactly, shown
escaped. NUL characters, text over a field's limit and a megabyte of text are
refused with the field's error in the user's language, and nothing is saved.
Bytes that are not UTF-8 are decoded to U+FFFD, never to markup.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import Agent, Case, CaseEvent, IPRight, Notification, Party, User
from tests.conftest import verified_client
from tests.factories import CaseFactory, valid_credit_code
from tests.security import corpora
from tests.security.corpora import (
    MEGABYTE_TEXT,
    NUL,
    Checks,
    error_texts,
    lang_headers,
    max_length_message,
    nul_message,
    refused,
    stored_and_escaped,
    too_long,
    translated,
)

pytestmark = pytest.mark.django_db


def _poster(client, url):
    def post(data, lang):
        return client.post(url, data, headers=lang_headers(lang), follow=True)
    return post


def refuse_text_field(checks, post, base: dict, field: str, limit: int | None, *models, label: str) -> None:
    """NUL, one character too many and a megabyte: each refused with the field's message."""
    refused(checks, post, {**base, field: NUL}, nul_message, *models, label=f"{label} {field} NUL")
    if limit:
        for value, what in ((too_long(limit), "too long"), (MEGABYTE_TEXT, "1 MiB")):
            refused(checks, post, {**base, field: value}, lambda lang, v=value: max_length_message(limit, v, lang),
                    *models, label=f"{label} {field} {what}")


# --- accounts ------------------------------------------------------------------------------------

REGISTRATION = {"full_name": "张三", "email": "new@example.test", "phone": "13800000000",
                "preferred_language": "zh-hans", "password1": "Xk9#mP2$vL7q-long", "password2": "Xk9#mP2$vL7q-long"}


def test_registration_stores_hostile_names_verbatim_and_refuses_bad_ones(client):
    checks = Checks("registration")
    url = reverse("register")
    post = _poster(client, url)
    for field, limit in (("full_name", 120), ("phone", 30)):
        refuse_text_field(checks, post, REGISTRATION, field, limit, User, label="register")
    for email in corpora.XSS[:3] + corpora.SQLISH[:2] + ["a\x00b@example.test", "x" * 300 + "@example.test"]:
        refused(checks, post, {**REGISTRATION, "email": email}, None, User, label=f"register email {email[:40]!r}")
    for n, payload in enumerate(corpora.short_payloads(120)):
        email = f"hostile{n}@example.test"
        client.post(url, {**REGISTRATION, "full_name": payload, "email": email})
        user = User.objects.filter(email=email).first()
        page = client.get(reverse("dashboard")).content.decode()
        stored_and_escaped(checks, user.full_name if user else None, payload, page, label=f"register {payload!r}")
        client.logout()
    checks.done()


def test_login_with_hostile_credentials_fails_cleanly(client, claimant):
    checks = Checks("login")
    url = reverse("login")
    for n, value in enumerate(corpora.TEXTS + [NUL, MEGABYTE_TEXT[:5000], "user@example.test' OR 1=1--"]):
        for field in ("username", "password"):
            for lang in corpora.LANGUAGES:
                data = {"username": f"nobody{n}-{field}-{lang}@example.test", "password": "wrong-password",
                        field: value}
                response = client.post(url, data, headers=lang_headers(lang))
                where = f"login {field}={value[:40]!r} {lang}"
                checks.check(response.status_code == 200, f"{where}: status {response.status_code}")
                texts = error_texts(response)
                checks.check(bool(texts), f"{where}: no error shown")
                if lang == "zh-hans":
                    checks.check(all(corpora.has_cjk(t) for t in texts), f"{where}: not Chinese: {texts}")
                checks.check("_auth_user_id" not in client.session, f"{where}: logged in")
                corpora.assert_escaped(response.content.decode(), value)
    checks.done()


def test_two_factor_codes_that_are_not_codes_are_refused(client, manager):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    checks = Checks("two-factor")
    TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    client.force_login(manager)
    for value in corpora.TEXTS + [NUL, "1" * 10000, "１２３４５６", "000000\x00"]:
        for lang in corpora.LANGUAGES:
            response = client.post(reverse("two_factor_verify"), {"token": value}, headers=lang_headers(lang))
            checks.check(response.status_code == 200, f"2fa {value!r}: status {response.status_code}")
            checks.check(translated("That code is not valid.", lang) in error_texts(response), f"2fa {value!r}")
    checks.done()


def test_password_change_refuses_nul_and_keeps_the_old_password(client, claimant):
    checks = Checks("password change")
    client.force_login(claimant)
    post = _poster(client, reverse("password_change"))
    base = {"old_password": "pw-123456!", "new_password1": "Xk9#mP2$vL7q-long", "new_password2": "Xk9#mP2$vL7q-long"}
    for field in ("old_password", "new_password1"):
        for lang in corpora.LANGUAGES:
            response = post({**base, field: "pw-123456!\x00"}, lang)
            checks.check(response.status_code == 200, f"{field}: {response.status_code}")
            checks.check(bool(error_texts(response)), f"{field} {lang}: no error shown")
    claimant.refresh_from_db()
    checks.check(claimant.check_password("pw-123456!"), "the password changed")
    checks.done()


# --- the filing wizard --------------------------------------------------------------------------------

def formset(prefix: str, rows: list[dict], initial: int = 0, max_num: int = 20) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "1", f"{prefix}-MAX_NUM_FORMS": str(max_num)}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


@pytest.fixture
def wizard(claimant):
    case = CaseFactory(created_by=claimant)
    return verified_client(Client(), claimant), case


def step(case, slug):
    return reverse("filing_step", args=[case.ref, slug])


CLAIMANT = {"kind": "entity", "name": "权利人公司", "credit_code": valid_credit_code(7), "phone": "13800000000",
            "address": "杭州市西湖区", "email": "legal@rights.example.test", "related_parties": ""}
RESPONDENT = {"kind": "entity", "name": "卖家", "address": "杭州市", "email": "seller@example.test",
              "shop_url": "https://shop.example.cn/s/1", "phone": "", "related_parties": ""}
RIGHT = {"ip_type": "trademark", "title": "西湖龙井", "registration_number": "12345678", "holder": "权利人公司",
         "valid_from": "2020-01-01", "valid_until": "2030-01-01"}
CLAIMS = {"facts": "被申请人销售侵权商品。", "claim_amount": "10000", "claim_cease_infringement": "on",
          "claim_other": ""}


def test_wizard_party_steps_refuse_bad_text_and_store_hostile_text_verbatim(wizard):
    client, case = wizard
    checks = Checks("wizard parties")
    claimants = _poster(client, step(case, "claimants"))
    base = {**formset("claimant", [CLAIMANT], max_num=10), "filing_as": "self"}
    for field, limit in (("name", 200), ("address", 300), ("phone", 30), ("related_parties", 2000)):
        refuse_text_field(checks, claimants, {**base, f"claimant-0-{field}": "x"}, f"claimant-0-{field}", limit,
                          Party, Agent, label="claimants")
    for field, value in (("credit_code", "9135010OM000100Y43"), ("credit_code", "' OR 1=1--"),
                         ("credit_code", "<script>x</script>"), ("id_number", "' OR '1'='1"),
                         ("email", "javascript:alert(1)"), ("email", corpora.XSS[1]), ("kind", "entity' OR 1=1--")):
        refused(checks, claimants, {**base, f"claimant-0-{field}": value}, None, Party,
                label=f"claimant {field} {value!r}")
    refused(checks, claimants, {**base, "filing_as": "agent", "agent_name": NUL}, nul_message, Party, Agent,
            label="agent name NUL")
    refused(checks, claimants, {**base, "filing_as": "agent", "agent_name": "李律师", "law_firm": too_long(200)},
            lambda lang: max_length_message(200, too_long(200), lang), Party, Agent, label="law firm too long")

    respondents = _poster(client, step(case, "respondents"))
    rbase = formset("respondent", [RESPONDENT])
    for field, limit in (("name", 200), ("address", 300), ("related_parties", 2000)):
        refuse_text_field(checks, respondents, rbase, f"respondent-0-{field}", limit, Party, label="respondents")
    for url in ("javascript:window.__xss=1", "data:text/html,<script>window.__xss=1</script>",
                "vbscript:msgbox(1)", "ftp://shop.example.cn/x", "http://" + "a" * 600 + ".cn",
                "file:///etc/passwd"):
        expected = (lambda lang, u=url: max_length_message(500, u, lang)) if len(url) > 500 else \
            (lambda lang: translated("Enter a valid URL.", lang))
        refused(checks, respondents, {**rbase, "respondent-0-shop_url": url}, expected, Party,
                label=f"shop url {url[:30]!r}")

    # Valid hostile text: stored exactly, escaped wherever the case is shown.
    names = corpora.short_payloads(200)
    for payload in names:
        party = case.parties.filter(side="claimant").first()
        row = {**CLAIMANT, "name": payload, "address": payload[:300], "related_parties": corpora.combined(2000)}
        if party:
            row["id"] = str(party.pk)
        data = {**formset("claimant", [row], initial=1 if party else 0, max_num=10), "filing_as": "self"}
        response = client.post(step(case, "claimants"), data)
        checks.check(response.status_code == 302, f"claimant {payload!r}: {response.status_code} "
                                                   f"{error_texts(response)}")
        party = case.parties.filter(side="claimant").order_by("pk").first()
        checks.check(case.parties.filter(side="claimant").count() == 1, "claimants were added, not changed")
        review = client.get(step(case, "review")).content.decode()
        stored_and_escaped(checks, party.name, payload, review, label=f"claimant name {payload!r}")
        stored_and_escaped(checks, party.related_parties, corpora.combined(2000), review,
                           label="related parties")
    shop = 'https://shop.example.cn/s/1?q="><script>window.__xss=1</script>'
    data = formset("respondent", [{**RESPONDENT, "name": corpora.XSS[1], "address": corpora.SQLISH[0],
                                   "shop_url": shop}])
    checks.check(client.post(step(case, "respondents"), data).status_code == 302, "respondent with XSS name")
    respondent = case.parties.filter(side="respondent").order_by("-pk").first()
    review = client.get(step(case, "review")).content.decode()
    stored_and_escaped(checks, respondent.name, corpora.XSS[1], review, label="respondent name")
    stored_and_escaped(checks, respondent.shop_url, shop, review, label="respondent shop URL")
    checks.check(respondent.address == corpora.SQLISH[0], "respondent address stored")
    checks.check(case.parties.filter(side="respondent").count() == 1, "refused respondents were saved")
    checks.done()


def test_wizard_rights_and_claims_refuse_bad_text_and_store_hostile_text(wizard):
    client, case = wizard
    checks = Checks("wizard rights and claims")
    rights = _poster(client, step(case, "rights"))
    base = formset("rights", [RIGHT])
    for field, limit in (("title", 200), ("registration_number", 64), ("holder", 200)):
        refuse_text_field(checks, rights, base, f"rights-0-{field}", limit, IPRight, label="rights")
    for value in ("'; DROP TABLE portal_case;--", "2026-02-30", "<script>", "9999-99-99", "\x00"):
        refused(checks, rights, {**base, "rights-0-valid_from": value},
                lambda lang: translated("Enter a valid date.", lang), IPRight, label=f"valid_from {value!r}")
    refused(checks, rights, {**base, "rights-0-ip_type": "patent' OR 1=1--"},
            lambda lang: translated("Select a valid choice. %(value)s is not one of the available choices.", lang,
                                    value="patent' OR 1=1--"), IPRight, label="ip_type")

    claims = _poster(client, step(case, "claims"))
    for field, limit in (("facts", 20000), ("claim_other", 2000)):
        refuse_text_field(checks, claims, CLAIMS, field, limit, Case, label="claims")
    for value in ("1 OR 1=1", "1e999999", "NaN", "-1", "Infinity", "1" * 40, "0x10"):
        response = claims({**CLAIMS, "claim_amount": value}, "zh-hans")
        checks.check(response.status_code == 200 and bool(error_texts(response)), f"amount {value!r}")
    case.refresh_from_db()
    checks.check(case.facts == "" and case.claim_amount is None, "refused claims were saved")

    for payload in corpora.TEXTS:
        client.post(step(case, "rights"), formset("rights", [{**RIGHT, "title": payload[:200],
                                                              "holder": payload[:200]}]))
        client.post(step(case, "claims"), {**CLAIMS, "facts": payload, "claim_other": payload})
        case.refresh_from_db()
        review = client.get(step(case, "review")).content.decode()
        stored_and_escaped(checks, case.facts, payload, review, label=f"facts {payload!r}")
        stored_and_escaped(checks, case.claim_other, payload, review, label=f"claim_other {payload!r}")
        right = case.ip_rights.order_by("-pk").first()
        stored_and_escaped(checks, right.title if right else None, payload[:200], review, label=f"title {payload!r}")
        if payload == "{{7*7}}":
            checks.check("{{7*7}}" in review and ">49<" not in review, "template text evaluated")
    checks.done()


def test_wizard_evidence_description_and_start_notes(wizard, manager, clerk):
    from portal.models import CaseDocument

    client_, case = wizard
    checks = Checks("wizard evidence and start")
    evidence = step(case, "evidence")

    def upload(data, lang):
        from tests.factories import pdf_upload

        return client_.post(evidence, {**data, "file": pdf_upload()}, headers=lang_headers(lang), follow=True)

    refuse_text_field(checks, upload, {"upload": "1", "kind": "evidence"}, "description", 200, CaseDocument,
                      label="evidence")
    refused(checks, upload, {"upload": "1", "kind": "evidence'; DROP TABLE x;--"},
            lambda lang: translated("Select a valid choice. %(value)s is not one of the available choices.", lang,
                                    value="evidence'; DROP TABLE x;--"), CaseDocument, label="evidence kind")
    for payload in corpora.short_payloads(200):
        upload({"upload": "1", "kind": "evidence", "description": payload}, "zh-hans")
        doc = case.documents.order_by("-pk").first()
        page = client_.get(evidence).content.decode()
        stored_and_escaped(checks, doc.description, payload, page, label=f"description {payload!r}")
    # A document uid that is not a uid, in the delete button.
    for value in ("'; DROP TABLE portal_casedocument;--", "../../etc/passwd", "<script>", NUL):
        response = client_.post(evidence, {"delete": value})
        checks.check(response.status_code == 302, f"delete {value!r}: {response.status_code}")

    manager_client = verified_client(Client(), manager)
    start = _poster(manager_client, reverse("filing_start"))
    refuse_text_field(checks, start, {"channel": "walk_in"}, "intake_note", 2000, Case, label="staff start")
    refused(checks, start, {"channel": "walk_in' OR 1=1--"},
            lambda lang: translated("Select a valid choice. %(value)s is not one of the available choices.", lang,
                                    value="walk_in' OR 1=1--"), Case, label="channel")
    response = manager_client.post(reverse("filing_start"), {"channel": "walk_in", "intake_note": corpora.combined(2000)})
    created = Case.objects.order_by("-pk").first()
    checks.check(response.status_code == 302 and created.intake_note == corpora.combined(2000), "intake note stored")
    page = manager_client.get(created.get_absolute_url()).content.decode()
    stored_and_escaped(checks, created.intake_note, corpora.combined(2000), page, label="intake note")

    clerk_client = verified_client(Client(), clerk)
    refuse_text_field(checks, _poster(clerk_client, reverse("filing_start")), {}, "court_reference", 64, Case,
                      label="court start")
    checks.done()


# --- screening, filters, preferences ------------------------------------------------------------

def test_screening_note_refuses_bad_text_and_hostile_notes_reach_the_claimant_escaped(
        manager, claimant, django_capture_on_commit_callbacks):
    checks = Checks("screening")
    case = CaseFactory(created_by=claimant, complete=True, state="submitted")
    manager_client = verified_client(Client(), manager)
    url = reverse("case_action", args=[case.url_key, "return_for_correction"])
    post = _poster(manager_client, url)
    refused(checks, post, {"note": NUL}, nul_message, CaseEvent, Notification, label="note NUL")
    refused(checks, post, {"note": too_long(2000)}, lambda lang: max_length_message(2000, too_long(2000), lang),
            CaseEvent, Notification, label="note too long")
    checks.check(Case.objects.get(pk=case.pk).state == "submitted", "the case moved on a refused note")

    note = corpora.combined(2000)
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url, {"note": note})
    event = CaseEvent.objects.filter(case=case, transition="return_for_correction").first()
    page = manager_client.get(case.get_absolute_url()).content.decode()
    stored_and_escaped(checks, event.note if event else None, note, page, label="screening note")
    claimant_client = verified_client(Client(), claimant)
    notification = Notification.objects.filter(user=claimant).first()
    checks.check(notification is not None and corpora.XSS[0] in notification.body, "note not in the notification")
    listing = claimant_client.get(reverse("notification_list")).content.decode()
    for line in note.splitlines():
        if "<" in line:
            checks.check(line not in listing, f"unescaped in notifications: {line!r}")
    checks.done()


def test_queue_and_case_list_filters_take_any_text(manager, claimant):
    checks = Checks("filters")
    manager_client, claimant_client = verified_client(Client(), manager), verified_client(Client(), claimant)
    CaseFactory(created_by=claimant, complete=True, state="submitted")
    values = corpora.TEXTS + [NUL, "x" * 5000, "%", "_", "\\", "' OR '1'='1", "1 UNION SELECT 1--"]
    for value in values:
        for params in ({"q": value}, {"channel": value}, {"ip_type": value}, {"state": value}, {"page": value}):
            response = manager_client.get(reverse("intake_queue"), params)
            checks.check(response.status_code == 200, f"queue {params!r}: {response.status_code}")
            corpora.assert_escaped(response.content.decode(), value)
        response = claimant_client.get(reverse("case_list"), {"state": value, "page": value})
        checks.check(response.status_code == 200, f"case list {value!r}: {response.status_code}")
        corpora.assert_escaped(response.content.decode(), value)
    for key in ("' OR 1=1--", "<script>window.__xss=1</script>", "../../etc/passwd", "%00", "ZJIP-M-2026-0000001' --"):
        response = claimant_client.get("/cases/" + quote(key, safe="") + "/")
        checks.check(response.status_code == 404, f"case key {key!r}: {response.status_code}")
    checks.done()


def test_notification_preferences_take_only_booleans(claimant_client, claimant):
    from portal.models import NotificationPreference

    checks = Checks("preferences")
    url = reverse("notification_preferences")
    for value in corpora.TEXTS[:8] + [NUL, "x" * 100000]:
        data = {"case__email": value, "case__sms": value, "deadline__in_app": "", "<script>": value,
                "case__in_app' OR 1=1--": "on"}
        response = claimant_client.post(url, data, follow=True)
        checks.check(response.status_code == 200, f"preferences {value[:30]!r}: {response.status_code}")
    pref = NotificationPreference.objects.get(user=claimant, category="case")
    checks.check(pref.email is True and pref.in_app is False, "preferences are booleans of the known fields")
    checks.check(NotificationPreference.objects.get(user=claimant, category="deadline").in_app, "deadline in-app off")
    checks.done()


# --- bytes that are not UTF-8 ---------------------------------------------------------------------

def test_form_bodies_that_are_not_utf8_are_decoded_to_replacement_characters(wizard):
    client, case = wizard
    checks = Checks("invalid UTF-8")
    for name, (raw, decoded) in corpora.RAW_FORM_VALUES.items():
        body = b"facts=" + raw + b"&claim_amount=100&claim_cease_infringement=on&claim_other="
        response = client.post(step(case, "claims"), body, content_type="application/x-www-form-urlencoded")
        case.refresh_from_db()
        checks.check(response.status_code == 302, f"{name}: {response.status_code}")
        checks.check(case.facts == decoded, f"{name}: stored {case.facts!r}")
        checks.check("<" not in case.facts, f"{name}: an overlong encoding became markup")
    raw_multipart, content_type = corpora.multipart({"facts": b"\xc0\xbcscript\xc0\xbe \xed\xa0\x80 \xff",
                                                     "claim_amount": "100", "claim_cease_infringement": "on"})
    response = client.post(step(case, "claims"), raw_multipart, content_type=content_type)
    case.refresh_from_db()
    checks.check(response.status_code == 302 and "<" not in case.facts and "\ufffd" in case.facts,
                 f"multipart invalid UTF-8: {response.status_code} {case.facts!r}")
    checks.done()


def test_a_form_body_over_the_memory_limit_gets_a_clear_400_and_saves_nothing(wizard, settings):
    client, case = wizard
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    for lang in corpora.LANGUAGES:
        with corpora.NothingSaved(Case, label=f"too big {lang}"):
            response = client.post(step(case, "claims"), {**CLAIMS, "facts": "长" * 40000},
                                   headers=lang_headers(lang))
        assert response.status_code == 400
        page = response.content.decode()
        assert "服务器无法处理" in page and "could not be processed" in page
    case.refresh_from_db()
    assert case.facts == ""
