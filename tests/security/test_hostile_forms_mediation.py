"""Hostile text through the mediation forms: the respondent's invitation and
its decline reason, objections to the mediator and their decision, the
mediator's disclosure, suspension and termination reasons, the settlement
agreement's terms, comments, signing, and the court's ruling.

Refused text (NUL, over the limit, a megabyte) gets the field's error in the
user's language and changes nothing; valid hostile text is stored exactly and
shown escaped on the mediation panel (and goes into the issued PDFs without
breaking them).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from mediation.models import (
    AgreementComment,
    AgreementSignature,
    AgreementVersion,
    Mediation,
    MediatorAppointment,
    MediatorObjection,
)
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
    translated,
)
from tests.security.test_hostile_uploads import applied_world  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def action_poster(client, key, name):
    url = reverse("mediation_action", args=[key, name])

    def post(data, lang):
        return client.post(url, data, headers=lang_headers(lang), follow=True)
    return post


def refuse_text(checks, post, base, field, limit, *models, label):
    refused(checks, post, {**base, field: NUL}, nul_message, *models, label=f"{label} NUL")
    for value, what in ((too_long(limit), "too long"), (MEGABYTE_TEXT, "1 MiB")):
        refused(checks, post, {**base, field: value}, lambda lang, v=value: max_length_message(limit, v, lang),
                *models, label=f"{label} {what}")


def panel(client, key) -> str:
    return client.get(reverse("mediation_panel", args=[key])).content.decode()


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    from tests.mediation.helpers import make_world

    w = make_world(django_capture_on_commit_callbacks)
    w["key"] = w["case"].number
    w["clients"] = {name: verified_client(Client(), w[name]) for name in ("claimant", "respondent", "manager",
                                                                          "mediator")}
    return w


def state(w) -> str:
    return Mediation.objects.get(pk=w["mediation"].pk).state


def test_invitation_links_that_are_not_tokens_are_just_not_found(world):
    checks = Checks("invitation tokens")
    client = world["clients"]["respondent"]
    for token in corpora.TEXTS + ["../../etc/passwd", "%00", "x" * 5000]:
        url = "/mediation/invitations/" + quote(token, safe="") + "/"
        for method in ("get", "post"):
            response = getattr(client, method)(url, follow=True)
            checks.check(response.status_code in (200, 404), f"{method} {token[:30]!r}: {response.status_code}")
            corpora.assert_escaped(response.content.decode(), token)
    checks.check(state(world) == "awaiting_consent", "a hostile token changed the mediation")
    checks.done()


def test_decline_reason_is_checked_and_a_hostile_one_is_kept_verbatim(world, django_capture_on_commit_callbacks):
    from mediation import services

    w = world
    checks = Checks("decline")
    services.claim_invitation(token=w["token"], user=w["respondent"])
    post = action_poster(w["clients"]["respondent"], w["key"], "decline")
    refuse_text(checks, post, {}, "reason", 2000, CaseEvent, label="decline reason")
    checks.check(state(w) == "awaiting_consent", "declined on a refused reason")
    reason = corpora.combined(2000)
    with django_capture_on_commit_callbacks(execute=True):
        post({"reason": reason}, "zh-hans")
    mediation = Mediation.objects.get(pk=w["mediation"].pk)
    checks.check(mediation.state == "declined", f"not declined: {mediation.state}")
    stored_and_escaped(checks, mediation.decline_reason, reason, panel(w["clients"]["claimant"], w["key"]),
                       label="decline reason")
    checks.check(mediation.termination_certificate_id is not None, "no termination certificate for a hostile reason")
    checks.done()


def test_objection_decision_and_disclosure_are_checked_and_kept_verbatim(world):
    from mediation import services

    w = world
    checks = Checks("objection and disclosure")
    services.claim_invitation(token=w["token"], user=w["respondent"])
    services.consent(mediation=w["mediation"], by=w["respondent"])
    # Ids that are not ids, where a mediator (or a court) is chosen.
    for name, who, field, message in (("propose", "manager", "mediator", "Choose a mediator from the centre's list."),
                                      ("nominate", "respondent", "mediator", "Choose a mediator from the centre's list."),
                                      ("apply", "claimant", "court", "Choose one of the courts offered.")):
        for value in ("' OR 1=1--", "<script>", "1e3", "-1", "１", NUL, "9" * 30):
            refused(checks, action_poster(w["clients"][who], w["key"], name), {field: value, "password": "x"},
                    lambda lang, m=message: translated(m, lang), MediatorAppointment,
                    label=f"{name} {field}={value!r}")
    services.propose_mediator(mediation=w["mediation"], mediator=w["mediator"], by=w["manager"])

    objection = action_poster(w["clients"]["respondent"], w["key"], "object")
    refuse_text(checks, objection, {}, "reason", 2000, MediatorObjection, label="objection reason")
    reason = corpora.combined(2000)
    objection({"reason": reason}, "zh-hans")
    stored = MediatorObjection.objects.filter(mediation=w["mediation"]).first()
    stored_and_escaped(checks, stored.reason if stored else None, reason, panel(w["clients"]["manager"], w["key"]),
                       label="objection reason")

    decide = action_poster(w["clients"]["manager"], w["key"], "decide_objection")
    base = {"objection": str(stored.pk), "decision": "dismiss"}
    refuse_text(checks, decide, base, "note", 2000, MediatorObjection, label="objection decision note")
    checks.check(MediatorObjection.objects.get(pk=stored.pk).decision == "", "decided on a refused note")
    for value in ("' OR 1=1--", "<script>", NUL, "99999999999999999999999", "-1", "１"):
        response = decide({"objection": value, "decision": "dismiss"}, "zh-hans")
        checks.check(response.status_code == 404, f"objection id {value!r}: {response.status_code}")
    decide({**base, "note": corpora.combined(2000)}, "zh-hans")
    checks.check(MediatorObjection.objects.get(pk=stored.pk).decision_note == corpora.combined(2000),
                 "decision note not stored verbatim")

    accept = action_poster(w["clients"]["mediator"], w["key"], "accept")
    refuse_text(checks, accept, {}, "disclosure", 4000, MediatorAppointment, CaseEvent, label="disclosure")
    checks.check(state(w) == "consented", "started on a refused disclosure")
    disclosure = corpora.combined(4000)
    accept({"disclosure": disclosure}, "zh-hans")
    appointment = MediatorAppointment.objects.get(mediation=w["mediation"], mediator=w["mediator"])
    checks.check(state(w) == "in_progress", f"not started: {state(w)}")
    stored_and_escaped(checks, appointment.disclosure, disclosure, panel(w["clients"]["claimant"], w["key"]),
                       label="disclosure")
    checks.done()


@pytest.fixture
def started(world):
    from tests.mediation.helpers import started as start

    world["mediation"] = start(world)
    return world


TERMS = {"payment_amount": "30000", "instalments": "2026-12-31 10000\n2027-01-31 20000", "cease_infringement": "on",
         "remove_urls": "https://shop.example.cn/item/1", "remove_by": "2026-12-10", "public_apology": "",
         "confidentiality": "on", "costs": "各自承担", "default_consequences": "", "other": ""}


def test_agreement_terms_are_checked_and_hostile_terms_are_kept_verbatim(started):
    w = started
    checks = Checks("agreement terms")
    draft = action_poster(w["clients"]["mediator"], w["key"], "draft")
    for field, limit in (("public_apology", 1000), ("costs", 500), ("default_consequences", 1000), ("other", 4000),
                         ("instalments", 2000), ("remove_urls", 20000)):
        refuse_text(checks, draft, TERMS, field, limit, AgreementVersion, label=f"terms {field}")
    for line in ("'; DROP TABLE x;--", "<script>window.__xss=1</script>", "2026-13-45 30000", "2026-02-30 30000",
                 "2026-12-31 1e9"):
        refused(checks, draft, {**TERMS, "instalments": line},
                lambda lang: translated("Line %(n)s: write a date and an amount, e.g. 2026-12-31 10000", lang, n=1),
                AgreementVersion, label=f"instalment {line!r}")
    for url in ("javascript:window.__xss=1", "data:text/html,<script>window.__xss=1</script>", "file:///etc/passwd"):
        refused(checks, draft, {**TERMS, "remove_urls": url}, lambda lang: translated("Enter a valid URL.", lang),
                AgreementVersion, label=f"remove url {url!r}")
    for value in ("1 OR 1=1", "NaN", "-5", "1" * 30):
        refused(checks, draft, {**TERMS, "payment_amount": value}, None, AgreementVersion,
                label=f"payment {value!r}")
    checks.check(state(w) == "in_progress", "drafted on refused terms")

    hostile = {**TERMS, "public_apology": corpora.combined(1000), "costs": corpora.combined(500),
               "default_consequences": corpora.SQLISH[0], "other": corpora.combined(4000),
               "remove_urls": 'https://shop.example.cn/item/1?q="><script>window.__xss=1</script>'}
    draft(hostile, "zh-hans")
    version = AgreementVersion.objects.filter(agreement__mediation=w["mediation"]).order_by("-number").first()
    page = panel(w["clients"]["claimant"], w["key"])
    for field in ("public_apology", "costs", "default_consequences", "other"):
        stored_and_escaped(checks, version.terms[field] if version else None, hostile[field], page,
                           label=f"terms {field}")
    stored_and_escaped(checks, version.terms["remove_urls"][0] if version else None, hostile["remove_urls"], page,
                       label="terms remove_urls")
    checks.done()


def test_comments_are_checked_and_hostile_comments_are_kept_verbatim(started):
    from mediation import agreements
    from tests.mediation.helpers import TERMS as SERVICE_TERMS

    w = started
    checks = Checks("comments")
    version = agreements.draft_version(mediation=w["mediation"], by=w["mediator"], terms=SERVICE_TERMS)
    comment = action_poster(w["clients"]["claimant"], w["key"], "comment")
    base = {"version": str(version.pk)}
    refuse_text(checks, comment, base, "text", 5000, AgreementComment, label="comment")
    for value in ("' OR 1=1--", "<script>", NUL, "1e5"):
        refused(checks, comment, {"version": value, "text": "评论"},
                lambda lang: translated("This version has been replaced; read and sign the current one.", lang),
                AgreementComment, label=f"version {value!r}")
    for payload in corpora.TEXTS:
        comment({**base, "text": payload}, "zh-hans")
        stored = AgreementComment.objects.filter(version=version).order_by("-pk").first()
        stored_and_escaped(checks, stored.text if stored else None, payload, panel(w["clients"]["mediator"], w["key"]),
                           label=f"comment {payload!r}")

    sign = action_poster(w["clients"]["claimant"], w["key"], "sign")
    for password in corpora.TEXTS[:6] + [NUL, "x" * 100000]:
        for lang in corpora.LANGUAGES:
            response = sign({**base, "password": password, "otp_token": password[:6]}, lang)
            checks.check(response.status_code == 200, f"sign {password[:20]!r}: {response.status_code}")
            checks.check(bool(corpora.error_texts(response)), f"sign {password[:20]!r} {lang}: no error shown")
    checks.check(not AgreementSignature.objects.filter(version=version).exists(), "signed with a hostile password")
    checks.done()


def test_suspension_and_termination_reasons_are_checked_and_kept_verbatim(started,
                                                                          django_capture_on_commit_callbacks):
    w = started
    checks = Checks("suspend and terminate")
    for name in ("suspend", "terminate"):
        refuse_text(checks, action_poster(w["clients"]["mediator"], w["key"], name), {}, "reason", 2000, CaseEvent,
                    label=f"{name} reason")
    checks.check(state(w) == "in_progress", "moved on a refused reason")
    reason = corpora.combined(2000)
    action_poster(w["clients"]["mediator"], w["key"], "suspend")({"reason": reason}, "zh-hans")
    event = CaseEvent.objects.filter(case=w["case"], transition="suspend").first()
    checks.check(event is not None and event.note == reason, "suspension reason not stored verbatim")
    action_poster(w["clients"]["mediator"], w["key"], "resume")({}, "zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        action_poster(w["clients"]["mediator"], w["key"], "terminate")({"reason": reason}, "zh-hans")
    mediation = Mediation.objects.get(pk=w["mediation"].pk)
    checks.check(mediation.state == "terminated", f"not terminated: {mediation.state}")
    stored_and_escaped(checks, mediation.termination_reason, reason, panel(w["clients"]["claimant"], w["key"]),
                       label="termination reason")
    certificate = mediation.termination_certificate
    with certificate.file.open("rb") as fh:
        checks.check(fh.read(5) == b"%PDF-", "the termination certificate is not a PDF")
    checks.done()


def test_court_ruling_form_checks_its_text(applied_world):  # noqa: F811
    from mediation.models import JudicialConfirmation

    w = applied_world
    checks = Checks("ruling form")
    client = verified_client(Client(), w["clerk"])
    url = reverse("mediation_ruling", args=[w["case"].number])

    def post(data, lang):
        return client.post(url, data, headers=lang_headers(lang), follow=True)

    base = {"result": "confirmed", "ruling_number": "(2026)浙0106民特1号", "ruling_date": "2026-05-01"}
    refuse_text(checks, post, base, "ruling_number", 80, JudicialConfirmation, label="ruling number")
    for field, value in (("ruling_date", "'; DROP TABLE x;--"), ("ruling_date", "2026-02-30"),
                         ("result", "confirmed' OR 1=1--"), ("result", "<script>")):
        refused(checks, post, {**base, field: value}, None, label=f"ruling {field} {value!r}")
    checks.check(JudicialConfirmation.objects.get(pk=w["application"].pk).ruling == "", "ruled on refused input")
    post({**base, "ruling_number": corpora.XSS[1][:80]}, "zh-hans")
    application = JudicialConfirmation.objects.get(pk=w["application"].pk)
    stored_and_escaped(checks, application.ruling_number, corpora.XSS[1][:80], panel(client, w["case"].number),
                       label="ruling number")
    checks.done()
