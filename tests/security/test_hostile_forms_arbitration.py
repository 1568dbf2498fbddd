"""Hostile text through the arbitration forms: the answer and counterclaim,
nominations, challenges and their decision, procedural orders, written
submissions, hearings and their record, the award, corrections, deadline
extensions, transition notes and the public fee calculator.

Refused input gets the field's error in the user's language and changes
nothing; valid hostile text is stored exactly and shown escaped on the panel
(and rendered into the issued PDFs and the .ics without breaking them).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from arbitration.models import Award, Challenge, CorrectionRequest, Hearing, Nomination, ProceduralOrder, Submission
from portal.models import CaseEvent
from tests.conftest import verified_client
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
)

pytestmark = pytest.mark.django_db
LONG = 50000


def poster(client, key, name):
    url = reverse("arbitration_action", args=[key, name])

    def post(data, lang):
        return client.post(url, data, headers=lang_headers(lang), follow=True)
    return post


def refuse_text(checks, post, base, field, limit, *models, label):
    refused(checks, post, {**base, field: NUL}, nul_message, *models, label=f"{label} NUL")
    values = ((too_long(limit), "too long"), (MEGABYTE_TEXT, "1 MiB")) if limit < len(MEGABYTE_TEXT) else \
        ((too_long(limit), "too long"),)
    for value, what in values:
        refused(checks, post, {**base, field: value}, lambda lang, v=value: max_length_message(limit, v, lang),
                *models, label=f"{label} {what}")


def panel(client, key) -> str:
    return client.get(reverse("arbitration_panel", args=[key])).content.decode()


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    from tests.arbitration.helpers import make_world

    w = make_world(django_capture_on_commit_callbacks)
    w["key"] = w["case"].number
    return w


def clients(w, *names):
    return [verified_client(Client(), w[name]) for name in names]


def test_answer_counterclaim_and_nomination_check_their_text(world):
    from arbitration.models import FeeAssessment
    from tests.arbitration.helpers import served

    w = world
    served(w)
    checks = Checks("answer and nomination")
    respondent, claimant = clients(w, "respondent", "claimant")
    answer = poster(respondent, w["key"], "answer")
    base = {"text": "不同意。", "counterclaim_text": "", "counterclaim_amount": ""}
    for field in ("text", "counterclaim_text"):
        refuse_text(checks, answer, base, field, LONG, Submission, FeeAssessment, label=f"answer {field}")
    for value in ("1 OR 1=1", "NaN", "-1", "1" * 30, "<script>"):
        refused(checks, answer, {**base, "counterclaim_amount": value}, None, Submission, FeeAssessment,
                label=f"counterclaim amount {value!r}")

    nominate = poster(claimant, w["key"], "nominate")
    for field, limit in (("nominee_name", 120), ("nominee_contact", 200)):
        refuse_text(checks, nominate, {"nominee_name": "王仲裁", "nominee_contact": "电话"}, field, limit, Nomination,
                    label=f"nominate {field}")
    for value in ("' OR 1=1--", "<script>", "99999999999999999999"):
        refused(checks, nominate, {"arbitrator": value}, None, Nomination, label=f"nominate arbitrator {value!r}")

    text = corpora.combined()
    answer({"text": text, "counterclaim_text": text, "counterclaim_amount": "5000"}, "zh-hans")
    nominate({"nominee_name": corpora.XSS[1][:120], "nominee_contact": corpora.combined(200)}, "zh-hans")
    page = panel(claimant, w["key"])
    stored = {s.kind: s.text for s in Submission.objects.filter(arbitration=w["arbitration"])}
    stored_and_escaped(checks, stored.get("answer"), text, page, label="answer")
    stored_and_escaped(checks, stored.get("counterclaim"), text, page, label="counterclaim")
    nomination = Nomination.objects.filter(arbitration=w["arbitration"]).first()
    stored_and_escaped(checks, nomination.nominee_name if nomination else None, corpora.XSS[1][:120], page,
                       label="nominee")
    checks.done()


@pytest.fixture
def proceedings(world):
    from tests.arbitration.helpers import in_proceedings

    in_proceedings(world)
    return world


def test_challenges_orders_and_submissions_check_their_text(proceedings):
    w = proceedings
    checks = Checks("challenges, orders, submissions")
    claimant, manager, presiding = clients(w, "claimant", "manager", "presiding")
    member = w["members"][0]

    challenge = poster(claimant, w["key"], "challenge")
    refuse_text(checks, challenge, {"member": str(member.pk)}, "reason", 4000, Challenge, label="challenge")
    for value in ("' OR 1=1--", "<script>", NUL):
        response = challenge({"member": value, "reason": "理由"}, "zh-hans")
        checks.check(response.status_code == 404, f"challenge member {value!r}: {response.status_code}")
    reason = corpora.combined(4000)
    challenge({"member": str(member.pk), "reason": reason}, "zh-hans")
    stored = Challenge.objects.filter(member=member).first()
    stored_and_escaped(checks, stored.reason if stored else None, reason, panel(manager, w["key"]),
                       label="challenge reason")

    decide = poster(manager, w["key"], "decide_challenge")
    base = {"challenge": str(stored.pk), "decision": "dismissed"}
    refuse_text(checks, decide, base, "note", 4000, label="challenge decision")
    refused(checks, decide, {**base, "decision": "upheld' OR 1=1--", "note": "理由"}, None,
            label="challenge decision choice")
    checks.check(Challenge.objects.get(pk=stored.pk).upheld is None, "decided on refused input")

    order = poster(presiding, w["key"], "issue_order")
    obase = {"title": "第二号程序令", "text": "提交补充证据。", "submissions_due": ""}
    refuse_text(checks, order, obase, "title", 200, ProceduralOrder, label="order title")
    refuse_text(checks, order, obase, "text", LONG, ProceduralOrder, label="order text")
    for value in ("'; DROP TABLE x;--", "2026-02-30T10:00", "<script>"):
        refused(checks, order, {**obase, "submissions_due": value}, None, ProceduralOrder, label=f"due {value!r}")
    text = corpora.combined()
    order({"title": corpora.XSS[0], "text": text, "submissions_due": ""}, "zh-hans")
    issued = ProceduralOrder.objects.filter(arbitration=w["arbitration"]).order_by("-pk").first()
    page = panel(claimant, w["key"])
    stored_and_escaped(checks, issued.title, corpora.XSS[0], page, label="order title")
    stored_and_escaped(checks, issued.text, text, page, label="order text")

    submit = poster(claimant, w["key"], "submit")
    sbase = {"kind": "statement", "text": "书面意见"}
    refuse_text(checks, submit, sbase, "text", LONG, Submission, label="submission")
    for field, value in (("kind", "statement' OR 1=1--"), ("order", "' OR 1=1--"), ("order", "<script>")):
        refused(checks, submit, {**sbase, field: value}, None, Submission, label=f"submission {field} {value!r}")
    for payload in corpora.TEXTS:
        submit({"kind": "statement", "text": payload}, "zh-hans")
        latest = Submission.objects.filter(arbitration=w["arbitration"], kind="statement").order_by("-pk").first()
        stored_and_escaped(checks, latest.text if latest else None, payload, panel(presiding, w["key"]),
                           label=f"submission {payload!r}")
    checks.done()


def test_hearings_and_their_record_check_their_text(proceedings):
    w = proceedings
    checks = Checks("hearings")
    presiding, claimant = clients(w, "presiding", "claimant")
    schedule = poster(presiding, w["key"], "schedule_hearing")
    starts = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    base = {"mode": "in_person", "starts_at": starts, "duration_minutes": "120", "location": "仲裁庭一号厅"}
    refuse_text(checks, schedule, base, "location", 200, Hearing, label="hearing location")
    for field, value in (("starts_at", "'; DROP TABLE x;--"), ("starts_at", "9999-99-99T99:99"),
                         ("duration_minutes", "1e9"), ("duration_minutes", "-5"), ("mode", "<script>")):
        refused(checks, schedule, {**base, field: value}, None, Hearing, label=f"hearing {field} {value!r}")
    location = corpora.XSS[1] + "\r\nATTENDEE:mailto:evil@example.test"
    schedule({**base, "location": location[:200]}, "zh-hans")
    hearing = Hearing.objects.filter(arbitration=w["arbitration"]).order_by("-pk").first()
    stored_and_escaped(checks, hearing.location if hearing else None, location[:200].strip(), panel(claimant, w["key"]),
                       label="hearing location")
    ics = claimant.get(reverse("arbitration_hearing_ics", args=[w["key"], hearing.pk]))
    checks.check(ics.status_code == 200 and b"\r\nATTENDEE:mailto:evil@" not in ics.content,
                 "a location broke out of its .ics property")

    # The record of a hearing that took place (moved into the past directly).
    Hearing.objects.filter(pk=hearing.pk).update(starts_at=timezone.now() - timedelta(hours=3))
    record = poster(presiding, w["key"], "record_hearing")
    refuse_text(checks, record, {"hearing": str(hearing.pk)}, "record", LONG, Hearing, label="hearing record")
    record({"hearing": str(hearing.pk), "record": corpora.combined()}, "zh-hans")
    hearing.refresh_from_db()
    checks.check(hearing.record == corpora.combined(), "the hearing record is not stored verbatim")
    checks.check(hearing.record_item_id is not None, "no record PDF for a hostile record")
    checks.done()


def test_award_corrections_extensions_and_notes_check_their_text(world):
    from tests.arbitration.helpers import drafted, set_password

    w = world
    drafted(w)
    checks = Checks("award and corrections")
    presiding, manager, claimant = clients(w, "presiding", "manager", "claimant")
    award = poster(presiding, w["key"], "draft_award")
    base = {"kind": "final", "claims": "请求", "findings": "事实", "reasoning": "理由", "operative": "裁决如下",
            "claimant_percent": "20", "costs_note": ""}
    for field in ("claims", "findings", "reasoning", "operative"):
        refuse_text(checks, award, base, field, LONG, Award, label=f"award {field}")
    refuse_text(checks, award, base, "costs_note", 1000, Award, label="award costs note")
    for field, value in (("claimant_percent", "1 OR 1=1"), ("claimant_percent", "101"), ("kind", "<script>")):
        refused(checks, award, {**base, field: value}, None, Award, label=f"award {field} {value!r}")
    text = corpora.combined()
    award({**base, "claims": text, "findings": text, "reasoning": text, "operative": text,
           "costs_note": corpora.combined(1000)}, "zh-hans")
    latest = Award.objects.filter(arbitration=w["arbitration"]).order_by("-number").first()
    page = panel(claimant, w["key"])
    for part in ("claims", "findings", "reasoning"):
        stored_and_escaped(checks, latest.content[part], text, page, label=f"award {part}")
    checks.check(latest.content["operative"] == [line.strip() for line in text.splitlines() if line.strip()],
                 "operative part not kept line by line")

    extend = poster(manager, w["key"], "extend_deadline")
    new_value = (timezone.localtime() + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")
    ebase = {"field": "award_due", "new_value": new_value, "reason": "需要更多时间"}
    refuse_text(checks, extend, ebase, "reason", 2000, CaseEvent, label="extension reason")
    for field, value in (("field", "award_due' OR 1=1--"), ("new_value", "<script>")):
        refused(checks, extend, {**ebase, field: value}, None, CaseEvent, label=f"extend {field} {value!r}")

    terminate = poster(manager, w["key"], "terminate")
    refuse_text(checks, terminate, {}, "note", 2000, CaseEvent, label="terminate note")

    # Issue the award, then ask for a correction.
    from arbitration import awards

    for member in w["members"]:
        awards.sign(award=latest, by=member.arbitrator, password=set_password(member.arbitrator))
    awards.issue(arbitration=w["arbitration"], by=w["manager"])
    presiding, = clients(w, "presiding")  # signing set a new password: log in again
    correction = poster(claimant, w["key"], "request_correction")
    refuse_text(checks, correction, {}, "text", 4000, CorrectionRequest, label="correction request")
    request_text = corpora.combined(4000)
    correction({"text": request_text}, "zh-hans")
    stored = CorrectionRequest.objects.filter(arbitration=w["arbitration"]).first()
    stored_and_escaped(checks, stored.text if stored else None, request_text, panel(presiding, w["key"]),
                       label="correction request")
    decide = poster(presiding, w["key"], "decide_correction")
    refuse_text(checks, decide, {"request": str(stored.pk), "granted": "no"}, "decision", 4000, CorrectionRequest,
                label="correction decision")
    checks.check(CorrectionRequest.objects.get(pk=stored.pk).decided_at is None, "decided on refused input")
    checks.done()


def test_dissenting_opinion_is_limited():
    from arbitration.forms import DissentForm

    form = DissentForm({"opinion": too_long(LONG)})
    assert not form.is_valid() and form.errors["opinion"]
    assert not DissentForm({"opinion": NUL}).is_valid()
    assert DissentForm({"opinion": corpora.combined()}).is_valid()


def test_the_public_fee_calculator_takes_any_amount(client):
    checks = Checks("fee calculator")
    url = reverse("arbitration_fee_calculator")
    for value in corpora.TEXTS + [NUL, "NaN", "Infinity", "-1", "1e999999", "9" * 100, "1" * 5000]:
        for lang in corpora.LANGUAGES:
            page = client.get(url, {"amount": value}, headers=lang_headers(lang))
            checks.check(page.status_code == 200, f"page {value[:30]!r}: {page.status_code}")
            corpora.assert_escaped(page.content.decode(), value)
            answer = client.get(url, {"amount": value, "format": "json"}, headers=lang_headers(lang))
            checks.check(answer.status_code == 400 and answer.json()["errors"], f"json {value[:30]!r}")
            if lang == "zh-hans":
                checks.check(corpora.has_cjk(answer.json()["errors"][0]), f"json {value[:30]!r}: not Chinese")
    checks.done()
