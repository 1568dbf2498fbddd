"""The arbitration pages: who sees what, every form through the view for the
right role, refusals (403 for members of the case, 404 for everyone else),
bad input that saves nothing, the simulated gateway, downloads, the fee calculator."""

import io
import json
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from arbitration import services
from arbitration.models import (
    Arbitration,
    ArbitrationState,
    Award,
    AwardSignature,
    Challenge,
    CorrectionRequest,
    DeadlineExtension,
    FeeAssessment,
    FeeSchedule,
    Hearing,
    Nomination,
    Payment,
    ProceduralOrder,
    Submission,
    TribunalMember,
)
from arbitration.payments import DevelopmentProvider
from tests.arbitration import helpers
from tests.conftest import verified_client
from tests.factories import ArbitratorFactory, NeutralProfileFactory, UserFactory, pdf_upload

pytestmark = pytest.mark.django_db
S = ArbitrationState


@pytest.fixture
def login():
    """A separate logged-in client per user (staff pass two-factor)."""
    return lambda user: verified_client(Client(), user)


def fresh(w) -> Arbitration:
    return Arbitration.objects.get(pk=w["arbitration"].pk)


def panel_url(w) -> str:
    return reverse("arbitration_panel", args=[w["case"].url_key])


def act(w, name) -> str:
    return reverse("arbitration_action", args=[w["case"].url_key, name])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def in_ui_language(message: str) -> str:
    """A message as the panel shows it (the default language, Simplified Chinese)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


def later(days=5) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def with_hearing_and_award(w):
    """Proceedings with a scheduled hearing, then the award issued."""
    helpers.in_proceedings(w)
    hearing = services.schedule_hearing(arbitration=w["arbitration"], by=w["presiding"], mode="online",
                                        starts_at=timezone.now() + timedelta(days=3))
    services.transition(arbitration=w["arbitration"], name="close_proceedings", by=w["presiding"])
    award = services_draft(w)
    from arbitration import awards

    for member in w["members"][:2] if len(w["members"]) == 3 else w["members"]:
        awards.sign(award=award, by=member.arbitrator, password=helpers.set_password(member.arbitrator))
    awards.issue(arbitration=w["arbitration"], by=w["manager"])
    return hearing


def services_draft(w):
    from arbitration import awards

    return awards.draft(arbitration=w["arbitration"], by=w["presiding"], content=helpers.AWARD)


# --- outsiders ---------------------------------------------------------------------------------------

def test_outsiders_get_404_on_every_arbitration_url(world, login):
    hearing = with_hearing_and_award(world)
    payment = Payment.objects.first()
    key = world["case"].url_key
    for outsider in (UserFactory(), ArbitratorFactory()):
        client = login(outsider)
        assert client.get(panel_url(world)).status_code == 404
        for name in ["assess_fees", "pay", "answer", "appoint", "issue_order", "sign_award", "issue_award",
                     "withdraw", "no_such_action"]:
            assert client.post(act(world, name), {"note": "x"}).status_code == 404, name
        assert client.get(reverse("arbitration_hearing_ics", args=[key, hearing.pk])).status_code == 404
        assert client.get(reverse("arbitration_packet", args=[key])).status_code == 404
        assert client.get(reverse("arbitration_dev_gateway", args=[payment.reference])).status_code == 404
    assert fresh(world).state == S.AWARD_ISSUED


def test_anonymous_visitors_are_sent_to_log_in(world):
    response = Client().get(panel_url(world))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_unknown_action_is_404_and_get_is_not_allowed(world, login):
    client = login(world["manager"])
    assert client.post(act(world, "no_such_action")).status_code == 404
    assert client.get(act(world, "assess_fees")).status_code == 405
    assert fresh(world).state == S.FILED


# --- the panel for each role --------------------------------------------------------------------------

@pytest.mark.parametrize("stage", ["filed", "served", "answered", "constituted", "in_proceedings", "drafted",
                                   "issued"])
def test_panel_renders_for_every_participant_at_every_stage(world, login, stage):
    if stage != "filed":
        getattr(helpers, stage)(world)
    users = [world["claimant"], world["manager"]]
    if stage != "filed":
        users.append(world["respondent"])
    if "presiding" in world:
        users.append(world["presiding"])
    for user in users:
        response = login(user).get(panel_url(world))
        assert response.status_code == 200, (stage, user)
        assert fresh(world).get_state_display() in response.content.decode()


def test_panel_queries_do_not_grow_with_the_record(big_world, login, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hearing = with_hearing_and_award(big_world)
    arbitration = fresh(big_world)
    users = (big_world["manager"], big_world["claimant"], big_world["presiding"])
    before = {}
    for user in users:
        with CaptureQueriesContext(connection) as queries:
            assert login(user).get(panel_url(big_world)).status_code == 200
        before[user.pk] = len(queries)
    order = arbitration.orders.get()
    for n in range(2, 6):  # a longer record: more orders, filings, hearings, extensions
        ProceduralOrder.objects.create(arbitration=arbitration, number=n, title=f"PO{n}", text="…",
                                       issued_by=big_world["presiding"])
        Submission.objects.create(arbitration=arbitration, kind=Submission.Kind.STATEMENT, side="claimant",
                                  text="…", order=order, by=big_world["claimant"])
        Hearing.objects.create(arbitration=arbitration, uid=f"{n}@test", mode="online", scheduled_by=hearing.scheduled_by,
                               starts_at=hearing.starts_at + timedelta(days=n))
        DeadlineExtension.objects.create(arbitration=arbitration, field="award_due", old_value=arbitration.award_due,
                                         new_value=arbitration.award_due, reason="…", by=big_world["manager"])
    for user in users:
        with django_assert_max_num_queries(before[user.pk]):
            assert login(user).get(panel_url(big_world)).status_code == 200


def test_each_form_is_shown_only_to_the_role_that_may_use_it(world, login):
    helpers.answered(world)
    NeutralProfileFactory(user=world["arbitrators"][0], is_arbitrator=True, is_mediator=False)
    manager_page = login(world["manager"]).get(panel_url(world)).content.decode()
    claimant_page = login(world["claimant"]).get(panel_url(world)).content.decode()
    assert "/actions/appoint/" in manager_page and "/actions/appoint/" not in claimant_page
    assert "/actions/nominate/" in claimant_page and "/actions/nominate/" not in manager_page
    assert "/actions/extend_deadline/" in manager_page and "/actions/extend_deadline/" not in claimant_page
    assert "/actions/withdraw/" in claimant_page and "/actions/terminate/" in manager_page
    assert "/actions/terminate/" not in claimant_page


# --- fees and the simulated gateway -----------------------------------------------------------------

def test_manager_assesses_fees_and_claimant_pays_through_the_dev_gateway(world, login):
    assert login(world["manager"]).post(act(world, "assess_fees")).status_code == 302
    assert fresh(world).state == S.FEES_ASSESSED
    assessment = FeeAssessment.objects.get(arbitration=world["arbitration"])
    claimant = login(world["claimant"])
    assert f"¥{assessment.total}" in claimant.get(panel_url(world)).content.decode()
    response = claimant.post(act(world, "pay"), {"assessment": assessment.pk})
    payment = Payment.objects.get(assessment=assessment)
    assert response["Location"] == reverse("arbitration_dev_gateway", args=[payment.reference])
    page = claimant.get(response["Location"])
    assert page.status_code == 200 and payment.reference in page.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    response = claimant.post(response["Location"], {"token": token})
    assert response.status_code == 302 and response["Location"] == panel_url(world)
    assert fresh(world).state == S.FEES_PAID


def test_only_the_payer_side_may_pay(world, login):
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    assessment = FeeAssessment.objects.get(arbitration=world["arbitration"])
    assert login(world["manager"]).post(act(world, "pay"), {"assessment": assessment.pk}).status_code == 403
    assert not Payment.objects.exists()


def test_dev_gateway_refuses_a_forged_token_and_other_users(world, login):
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    assessment = FeeAssessment.objects.get(arbitration=world["arbitration"])
    payment = services.start_payment(assessment=assessment, by=world["claimant"])
    url = reverse("arbitration_dev_gateway", args=[payment.reference])
    forged = DevelopmentProvider().confirmation_token(Payment(reference=payment.reference, amount=Decimal("0.01")))
    response = login(world["claimant"]).post(url, {"token": forged})
    assert response.status_code == 400
    assert login(world["claimant"]).post(url, {"token": "not-signed"}).status_code == 400
    for other in (world["respondent"], world["manager"], UserFactory()):
        assert login(other).get(url).status_code == 404
        token = DevelopmentProvider().confirmation_token(payment)
        assert login(other).post(url, {"token": token}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert fresh(world).state == S.FEES_ASSESSED


def test_dev_gateway_is_gone_with_another_provider(world, login, settings):
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    payment = services.start_payment(assessment=FeeAssessment.objects.get(), by=world["claimant"])
    settings.ARBITRATION_PAYMENT_PROVIDER = "arbitration.payments.BankTransferProvider"
    url = reverse("arbitration_dev_gateway", args=[payment.reference])
    assert login(world["claimant"]).get(url).status_code == 404


def test_bank_transfer_shows_the_reference_and_the_manager_records_the_receipt(world, login, settings):
    settings.ARBITRATION_PAYMENT_PROVIDER = "arbitration.payments.BankTransferProvider"
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    assessment = FeeAssessment.objects.get()
    claimant = login(world["claimant"])
    response = claimant.post(act(world, "pay"), {"assessment": assessment.pk}, follow=True)
    payment = Payment.objects.get()
    assert payment.reference in response.content.decode()
    manager = login(world["manager"])
    assert "/actions/record_receipt/" in manager.get(panel_url(world)).content.decode()
    manager.post(act(world, "record_receipt"), {"assessment": assessment.pk, "reference": "BANK-77",
                                                "amount": str(assessment.total)})
    assessment.refresh_from_db()
    assert assessment.paid_at is not None
    assert fresh(world).state == S.FEES_PAID


def test_bad_bank_receipt_shows_the_error_and_saves_nothing(world, login, settings):
    settings.ARBITRATION_PAYMENT_PROVIDER = "arbitration.payments.BankTransferProvider"
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    assessment = FeeAssessment.objects.get()
    response = login(world["manager"]).post(act(world, "record_receipt"), {"assessment": assessment.pk,
                                                                           "reference": "", "amount": "-5"})
    assert response.status_code == 200
    assert response.context["fee_rows"][0]["receipt_form"].errors.keys() == {"reference", "amount"}
    assert not Payment.objects.exists()


def test_claimant_cannot_record_a_bank_receipt(world, login):
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    assessment = FeeAssessment.objects.get()
    response = login(world["claimant"]).post(act(world, "record_receipt"), {
        "assessment": assessment.pk, "reference": "BANK-1", "amount": str(assessment.total)})
    assert response.status_code == 403
    assert not Payment.objects.exists()


# --- notice and answer -------------------------------------------------------------------------------------

def test_manager_serves_the_notice_and_the_respondent_claims_it(world, login, django_capture_on_commit_callbacks):
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    helpers.pay(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        login(world["manager"]).post(act(world, "serve_notice"))
    assert fresh(world).state == S.NOTICE_SERVED
    notice = next(m for m in mail.outbox if m.to == ["seller@example.test"])
    link = re.search(r"(/arbitration/notices/[^/\s]+/)", notice.body).group(1)
    page = Client().get(link)
    assert page.status_code == 200 and world["case"].number in page.content.decode()
    respondent = login(world["respondent"])
    assert respondent.get(panel_url(world)).status_code == 404
    response = respondent.post(link)
    assert response["Location"] == panel_url(world)
    assert respondent.get(panel_url(world)).status_code == 200
    assert "/actions/answer/" in respondent.get(panel_url(world)).content.decode()


def test_notice_link_refuses_staff_accounts(world, login):
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    helpers.pay(world)
    _arbitration, sent = services.serve_notice(arbitration=world["arbitration"], by=world["manager"])
    url = reverse("arbitration_notice", args=[sent[0][1]])
    response = login(world["manager"]).post(url, follow=True)
    assert in_ui_language("Log in with a party account (not a staff account) to answer the notice.") in messages_of(
        response)
    assert world["case"].parties.get(side="respondent").user is None


def test_notice_link_cannot_be_used_by_a_second_user(world, login):
    helpers.served(world)
    token = world["token"]
    url = reverse("arbitration_notice", args=[token])
    response = login(UserFactory()).post(url, follow=True)
    assert in_ui_language("This link has already been used.") in messages_of(response)
    assert world["case"].parties.get(side="respondent").user == world["respondent"]
    assert Client().get(reverse("arbitration_notice", args=["nonsense"])).status_code == 200


def test_respondent_agrees_to_arbitrate_when_there_is_no_clause(db, login, django_capture_on_commit_callbacks):
    w = helpers.make_world(django_capture_on_commit_callbacks, agreement="ask_respondent")
    helpers.served(w)
    respondent = login(w["respondent"])
    assert "/actions/agree/" in respondent.get(panel_url(w)).content.decode()
    assert login(w["claimant"]).post(act(w, "agree")).status_code == 403
    assert fresh(w).respondent_agreed_at is None
    respondent.post(act(w, "agree"))
    assert fresh(w).respondent_agreed_at is not None


def test_respondent_files_an_answer_with_a_file_and_a_counterclaim(world, login):
    helpers.served(world)
    response = login(world["respondent"]).post(act(world, "answer"), {
        "text": "不同意。", "upload": pdf_upload("答辩书.pdf"), "counterclaim_text": "反请求：赔偿损失。",
        "counterclaim_amount": "2000"})
    assert response.status_code == 302
    answer = Submission.objects.get(kind=Submission.Kind.ANSWER)
    assert answer.item is not None and answer.item.original_name == "答辩书.pdf"
    assert Submission.objects.get(kind=Submission.Kind.COUNTERCLAIM).amount == Decimal("2000")
    assert FeeAssessment.objects.filter(kind=FeeAssessment.Kind.COUNTERCLAIM, payer_side="respondent").exists()
    page = login(world["claimant"]).get(panel_url(world)).content.decode()
    assert reverse("notary_item_download", args=[answer.item.uid]) in page


def test_bad_answer_shows_the_error_and_saves_nothing(world, login):
    helpers.served(world)
    client = login(world["respondent"])
    response = client.post(act(world, "answer"), {"text": "", "counterclaim_amount": "-1"})
    assert response.status_code == 200
    assert "counterclaim_amount" in response.context["answer_form"].errors
    response = client.post(act(world, "answer"), {"text": "  "}, follow=True)
    assert in_ui_language("Write the answer or attach it.") in messages_of(response)
    assert not Submission.objects.exists()


def test_claimant_cannot_answer(world, login):
    helpers.served(world)
    assert login(world["claimant"]).post(act(world, "answer"), {"text": "x"}).status_code == 403
    assert not Submission.objects.exists()


# --- the tribunal ---------------------------------------------------------------------------------------

def test_side_nominates_from_the_directory(world, login):
    helpers.answered(world)
    arbitrator = world["arbitrators"][0]
    NeutralProfileFactory(user=arbitrator, is_arbitrator=True, is_mediator=False)
    login(world["claimant"]).post(act(world, "nominate"), {"arbitrator": arbitrator.pk})
    assert Nomination.objects.get().arbitrator == arbitrator


def test_nomination_needs_one_of_directory_or_name(world, login):
    helpers.answered(world)
    arbitrator = world["arbitrators"][0]
    NeutralProfileFactory(user=arbitrator, is_arbitrator=True, is_mediator=False)
    response = login(world["claimant"]).post(act(world, "nominate"), {"arbitrator": arbitrator.pk,
                                                                      "nominee_name": "王教授"})
    assert response.status_code == 200 and response.context["nomination_form"].non_field_errors()
    assert not Nomination.objects.exists()


def test_manager_appoints_and_the_arbitrator_accepts(world, login):
    helpers.answered(world)
    arbitrator = world["arbitrators"][0]
    manager = login(world["manager"])
    page = manager.get(panel_url(world)).content.decode()
    assert 'name="seat" value="sole:centre"' in page
    manager.post(act(world, "appoint"), {"seat": "sole:centre", "arbitrator": arbitrator.pk})
    member = TribunalMember.objects.get()
    assert member.status == TribunalMember.Status.PROPOSED
    client = login(arbitrator)
    assert "/actions/accept_seat/" in client.get(panel_url(world)).content.decode()
    client.post(act(world, "accept_seat"), {"disclosure": "曾与申请人代理律师同校任教。"})
    member.refresh_from_db()
    assert member.status == TribunalMember.Status.ACCEPTED and "同校" in member.disclosure
    manager.post(act(world, "constitute"), {"note": ""})
    assert fresh(world).state == S.CONSTITUTED


def test_appointing_is_for_the_manager_only(world, login):
    helpers.answered(world)
    response = login(world["claimant"]).post(act(world, "appoint"), {"seat": "sole:centre",
                                                                    "arbitrator": world["arbitrators"][0].pk})
    assert response.status_code == 403
    assert not TribunalMember.objects.exists()


def test_appointing_to_a_seat_that_does_not_exist_is_404(world, login):
    helpers.answered(world)
    response = login(world["manager"]).post(act(world, "appoint"), {"seat": "co:claimant",
                                                                   "arbitrator": world["arbitrators"][0].pk})
    assert response.status_code == 404


def test_arbitrator_declines_and_leaves_the_case(world, login):
    helpers.answered(world)
    member = services.appoint(arbitration=world["arbitration"], by=world["manager"],
                              arbitrator=world["arbitrators"][0], role="sole", nominated_by="centre")
    client = login(member.arbitrator)
    response = client.post(act(world, "decline_seat"), {"reason": "时间冲突"})
    assert response["Location"] == reverse("dashboard")
    member.refresh_from_db()
    assert member.status == TribunalMember.Status.DECLINED
    assert client.get(panel_url(world)).status_code == 404


def test_another_arbitrator_cannot_accept_someone_elses_seat(world, login):
    helpers.answered(world)
    services.appoint(arbitration=world["arbitration"], by=world["manager"], arbitrator=world["arbitrators"][0],
                     role="sole", nominated_by="centre")
    assert login(world["claimant"]).post(act(world, "accept_seat"), {"disclosure": ""}).status_code == 403
    assert TribunalMember.objects.get().status == TribunalMember.Status.PROPOSED


def test_party_challenges_and_the_manager_decides(world, login):
    helpers.constituted(world)
    member = world["members"][0]
    respondent = login(world["respondent"])
    response = respondent.post(act(world, "challenge"), {"member": member.pk, "reason": ""})
    assert response.status_code == 200 and not Challenge.objects.exists()
    respondent.post(act(world, "challenge"), {"member": member.pk, "reason": "仲裁员曾担任申请人的顾问。"})
    challenge = Challenge.objects.get()
    assert login(world["claimant"]).post(act(world, "decide_challenge"), {
        "challenge": challenge.pk, "decision": "dismissed", "note": "x"}).status_code == 403
    login(world["manager"]).post(act(world, "decide_challenge"), {"challenge": challenge.pk,
                                                                   "decision": "dismissed", "note": "理由不成立。"})
    challenge.refresh_from_db()
    assert challenge.upheld is False


# --- proceedings --------------------------------------------------------------------------------------------

def test_tribunal_issues_an_order_and_parties_submit_evidence(world, login):
    helpers.constituted(world)
    presiding = login(world["presiding"])
    presiding.post(act(world, "issue_order"), {"title": "程序令一", "text": "双方于十日内提交证据。",
                                               "submissions_due": later(10)})
    order = ProceduralOrder.objects.get()
    assert fresh(world).state == S.PROCEEDINGS
    claimant = login(world["claimant"])
    claimant.post(act(world, "submit"), {"kind": "evidence", "text": "购买公证书", "upload": pdf_upload("公证书.pdf"),
                                         "order": order.pk})
    submission = Submission.objects.get(kind=Submission.Kind.EVIDENCE)
    assert submission.order == order and submission.item is not None
    download = reverse("notary_item_download", args=[submission.item.uid])
    assert download in login(world["respondent"]).get(panel_url(world)).content.decode()
    assert login(world["respondent"]).get(download).status_code == 200


def test_parties_cannot_issue_orders(world, login):
    helpers.constituted(world)
    response = login(world["claimant"]).post(act(world, "issue_order"), {"title": "x", "text": "y"})
    assert response.status_code == 403
    assert not ProceduralOrder.objects.exists() and fresh(world).state == S.CONSTITUTED


def test_evidence_without_a_file_is_refused(world, login):
    helpers.in_proceedings(world)
    response = login(world["claimant"]).post(act(world, "submit"), {"kind": "evidence", "text": "见附件"},
                                             follow=True)
    assert in_ui_language("Attach the evidence file.") in messages_of(response)
    assert not Submission.objects.filter(kind=Submission.Kind.EVIDENCE).exists()


def test_presiding_schedules_a_hearing_and_everyone_gets_the_ics(world, login):
    helpers.in_proceedings(world)
    login(world["presiding"]).post(act(world, "schedule_hearing"), {
        "mode": "in_person", "starts_at": later(7), "duration_minutes": "90", "location": "中心第一仲裁庭"})
    hearing = Hearing.objects.get()
    url = reverse("arbitration_hearing_ics", args=[world["case"].url_key, hearing.pk])
    for user in (world["claimant"], world["respondent"], world["presiding"], world["manager"]):
        page = login(user).get(panel_url(world)).content.decode()
        assert url in page
    response = login(world["respondent"]).get(url)
    assert response["Content-Type"].startswith("text/calendar")
    assert hearing.uid in response.content.decode()
    assert "attachment" in response["Content-Disposition"]


def test_bad_hearing_input_saves_nothing(world, login):
    helpers.in_proceedings(world)
    presiding = login(world["presiding"])
    response = presiding.post(act(world, "schedule_hearing"), {"mode": "online", "starts_at": "not a date",
                                                               "duration_minutes": "5"})
    assert response.status_code == 200
    assert set(response.context["hearing_form"].errors) == {"starts_at", "duration_minutes"}
    response = presiding.post(act(world, "schedule_hearing"), {"mode": "in_person", "starts_at": later(2),
                                                               "duration_minutes": "60"}, follow=True)
    assert messages_of(response)
    assert not Hearing.objects.exists()


def test_only_the_presiding_arbitrator_schedules(world, login):
    helpers.in_proceedings(world)
    response = login(world["claimant"]).post(act(world, "schedule_hearing"), {
        "mode": "online", "starts_at": later(7), "duration_minutes": "60"})
    assert response.status_code == 403 and not Hearing.objects.exists()


def test_presiding_cancels_and_records_hearings(world, login):
    helpers.in_proceedings(world)
    first = services.schedule_hearing(arbitration=world["arbitration"], by=world["presiding"], mode="online",
                                      starts_at=timezone.now() + timedelta(days=1))
    second = services.schedule_hearing(arbitration=world["arbitration"], by=world["presiding"], mode="online",
                                       starts_at=timezone.now() + timedelta(days=2))
    presiding = login(world["presiding"])
    presiding.post(act(world, "cancel_hearing"), {"hearing": first.pk})
    first.refresh_from_db()
    assert first.cancelled and first.sequence == 1
    Hearing.objects.filter(pk=second.pk).update(starts_at=timezone.now() - timedelta(hours=3))
    presiding.post(act(world, "record_hearing"), {"hearing": second.pk, "record": "双方到庭，进行了质证。"})
    second.refresh_from_db()
    assert second.record_item is not None


# --- the award ------------------------------------------------------------------------------------------------

AWARD_POST = {"kind": "final", "claims": "停止侵权。", "findings": "申请人享有商标权。", "reasoning": "构成侵权。",
              "operative": "被申请人停止销售侵权商品。\n\n被申请人赔偿 30,000 元。", "claimant_percent": "20",
              "costs_note": ""}


def test_presiding_drafts_signs_and_the_manager_issues(world, login):
    helpers.in_proceedings(world)
    password = helpers.set_password(world["presiding"])  # before logging in: a new password ends sessions
    presiding = login(world["presiding"])
    presiding.post(act(world, "close_proceedings"), {"note": ""})
    assert fresh(world).state == S.PROCEEDINGS_CLOSED
    presiding.post(act(world, "draft_award"), AWARD_POST)
    award = Award.objects.get()
    assert award.content["operative"] == ["被申请人停止销售侵权商品。", "被申请人赔偿 30,000 元。"]
    assert Decimal(award.content["costs"]["respondent_percent"]) == 80
    page = presiding.get(panel_url(world)).content.decode()
    assert award.sha256 in page and "/actions/sign_award/" in page
    presiding.post(act(world, "sign_award"), {"award": award.pk, "password": password})
    assert AwardSignature.objects.filter(award=award, content_sha256=award.sha256).exists()
    manager = login(world["manager"])
    assert "/actions/issue_award/" in manager.get(panel_url(world)).content.decode()
    manager.post(act(world, "issue_award"))
    award.refresh_from_db()
    assert fresh(world).state == S.AWARD_ISSUED and award.document is not None
    page = login(world["claimant"]).get(panel_url(world)).content.decode()
    assert reverse("notary_item_download", args=[award.document.uid]) in page
    assert reverse("arbitration_packet", args=[world["case"].url_key]) in page


def test_costs_shares_are_written_as_plain_numbers(world, login):
    helpers.in_proceedings(world)
    services.transition(arbitration=world["arbitration"], name="close_proceedings", by=world["presiding"])
    login(world["presiding"]).post(act(world, "draft_award"), AWARD_POST)
    assert Award.objects.get().content["costs"] == {"claimant_percent": "20", "respondent_percent": "80", "note": ""}


def test_incomplete_award_draft_shows_the_errors_and_saves_nothing(world, login):
    helpers.in_proceedings(world)
    services.transition(arbitration=world["arbitration"], name="close_proceedings", by=world["presiding"])
    response = login(world["presiding"]).post(act(world, "draft_award"), {**AWARD_POST, "operative": "",
                                                                          "claimant_percent": "120"})
    assert response.status_code == 200
    assert set(response.context["award_form"].errors) == {"operative", "claimant_percent"}
    assert not Award.objects.exists() and fresh(world).state == S.PROCEEDINGS_CLOSED


def test_wrong_password_does_not_sign(world, login):
    award = helpers.drafted(world)
    helpers.set_password(world["presiding"])
    response = login(world["presiding"]).post(act(world, "sign_award"), {"award": award.pk, "password": "wrong"},
                                              follow=True)
    assert messages_of(response)
    assert not AwardSignature.objects.exists()


def test_parties_cannot_draft_sign_or_issue(world, login):
    award = helpers.drafted(world)
    claimant = login(world["claimant"])
    assert claimant.post(act(world, "draft_award"), AWARD_POST).status_code == 403
    assert claimant.post(act(world, "sign_award"), {"award": award.pk, "password": "pw-123456!"}).status_code == 403
    assert claimant.post(act(world, "issue_award")).status_code == 403
    assert Award.objects.count() == 1 and not AwardSignature.objects.exists()
    assert fresh(world).state == S.AWARD_DRAFTED


def test_dissent_is_recorded_instead_of_a_signature(big_world, login):
    award = helpers.drafted(big_world)
    co = big_world["members"][0].arbitrator
    login(co).post(act(big_world, "dissent"), {"award": award.pk, "opinion": "我认为赔偿数额过高。"})
    assert award.dissents.get().opinion == "我认为赔偿数额过高。"


def test_enforcement_packet_downloads_as_a_zip_with_a_manifest(world, login):
    helpers.issued(world)
    response = login(world["claimant"]).get(reverse("arbitration_packet", args=[world["case"].url_key]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert any(f["name"].startswith("files/裁决书") for f in manifest["files"])


def test_no_packet_before_the_award(world, login):
    helpers.in_proceedings(world)
    response = login(world["claimant"]).get(reverse("arbitration_packet", args=[world["case"].url_key]))
    assert response.status_code == 403


def test_party_requests_a_correction_and_the_tribunal_decides(world, login):
    helpers.issued(world)
    login(world["respondent"]).post(act(world, "request_correction"), {"text": "第二项金额应为 3,000 元。"})
    request = CorrectionRequest.objects.get()
    assert login(world["claimant"]).post(act(world, "decide_correction"), {
        "request": request.pk, "granted": "no", "decision": "x"}).status_code == 403
    login(world["presiding"]).post(act(world, "decide_correction"), {"request": request.pk, "granted": "no",
                                                                     "decision": "原裁决数额无误。"})
    request.refresh_from_db()
    assert request.granted is False and request.decided_at is not None


# --- deadlines and transitions ------------------------------------------------------------------------------

def test_manager_extends_a_deadline_with_a_reason(world, login):
    helpers.served(world)
    new = timezone.localtime(fresh(world).answer_due + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    manager = login(world["manager"])
    manager.post(act(world, "extend_deadline"), {"field": "answer_due", "new_value": new, "reason": "当事人申请"})
    extension = DeadlineExtension.objects.get()
    assert extension.reason == "当事人申请"
    assert "当事人申请" in login(world["respondent"]).get(panel_url(world)).content.decode()


def test_extension_must_move_the_deadline_later(world, login):
    helpers.served(world)
    before = fresh(world).answer_due
    earlier = timezone.localtime(before - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = login(world["manager"]).post(act(world, "extend_deadline"), {
        "field": "answer_due", "new_value": earlier, "reason": "x"}, follow=True)
    assert messages_of(response)
    assert not DeadlineExtension.objects.exists() and fresh(world).answer_due == before


def test_parties_cannot_extend_deadlines(world, login):
    helpers.served(world)
    response = login(world["claimant"]).post(act(world, "extend_deadline"), {
        "field": "answer_due", "new_value": later(60), "reason": "x"})
    assert response.status_code == 403 and not DeadlineExtension.objects.exists()


def test_withdrawal_needs_a_reason(world, login):
    claimant = login(world["claimant"])
    response = claimant.post(act(world, "withdraw"), {"note": ""}, follow=True)
    assert messages_of(response) and fresh(world).state == S.FILED
    claimant.post(act(world, "withdraw"), {"note": "已和解"})
    assert fresh(world).state == S.WITHDRAWN


def test_parties_cannot_terminate(world, login):
    assert login(world["claimant"]).post(act(world, "terminate"), {"note": "x"}).status_code == 403
    assert fresh(world).state == S.FILED


def test_respondent_begins_the_constitution_after_answering(world, login):
    helpers.served(world)
    services.file_answer(arbitration=world["arbitration"], by=world["respondent"], text="不同意。")
    assert login(world["claimant"]).post(act(world, "begin_constitution"), {"note": ""}).status_code == 403
    login(world["respondent"]).post(act(world, "begin_constitution"), {"note": ""})
    assert fresh(world).state == S.CONSTITUTION


def test_tribunal_opens_closes_and_reopens_the_proceedings(world, login):
    helpers.constituted(world)
    presiding = login(world["presiding"])
    presiding.post(act(world, "open_proceedings"), {"note": ""})
    presiding.post(act(world, "close_proceedings"), {"note": ""})
    assert fresh(world).state == S.PROCEEDINGS_CLOSED
    presiding.post(act(world, "reopen_proceedings"), {"note": "需要补充质证。"})
    assert fresh(world).state == S.PROCEEDINGS


def test_manager_terminates_with_a_reason(world, login):
    login(world["manager"]).post(act(world, "terminate"), {"note": "申请人死亡，无人承继。"})
    arbitration = fresh(world)
    assert arbitration.state == S.TERMINATED and arbitration.end_reason == "申请人死亡，无人承继。"


def test_consent_award_settles_the_case(world, login):
    helpers.constituted(world)
    password = helpers.set_password(world["presiding"])
    presiding = login(world["presiding"])
    presiding.post(act(world, "draft_award"), {**AWARD_POST, "kind": "consent"})
    award = Award.objects.get(kind=Award.Kind.CONSENT)
    presiding.post(act(world, "sign_award"), {"award": award.pk, "password": password})
    login(world["manager"]).post(act(world, "issue_award"))
    assert fresh(world).state == S.SETTLED


def test_timeline_shows_the_arbitration_steps(world, login):
    helpers.served(world)
    page = login(world["claimant"]).get(panel_url(world))
    events = list(page.context["events"])
    assert [e.transition for e in events][:3] == ["assess_fees", "fees_received", "serve_notice"]


# --- fee calculator ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("amount", ["0", "1000", "1000.01", "50000", "50000.01", "5000000"])
def test_fee_calculator_json_matches_the_schedule_at_tier_edges(client, amount):
    response = client.get(reverse("arbitration_fee_calculator"), {"amount": amount, "format": "json"})
    assert response.status_code == 200
    data = response.json()
    schedule = FeeSchedule.current()
    assert Decimal(data["admin_fee"]) == schedule.admin_fee(Decimal(amount))
    assert Decimal(data["total"]) == schedule.registration_fee + schedule.admin_fee(Decimal(amount))


def test_fee_calculator_edges_follow_the_tiers(client):
    def fee(amount):
        return client.get(reverse("arbitration_fee_calculator"), {"amount": amount, "format": "json"}).json()["admin_fee"]

    assert fee("1000") == "100.00" and fee("1000.01") == "100.00"
    assert fee("50000") == "2550.00" and fee("50000.01") == "2550.00"
    assert fee("60000") == "2950.00"


def test_fee_calculator_refuses_bad_amounts(client):
    for amount in ("-1", "abc", ""):
        response = client.get(reverse("arbitration_fee_calculator"), {"amount": amount, "format": "json"})
        assert response.status_code == 400 and response.json()["errors"]


def test_fee_calculator_page_shows_the_table_and_works_without_javascript(client):
    page = client.get(reverse("arbitration_fee_calculator")).content.decode()
    assert "data-fee-calculator" in page and "fee-calculator.js" in page
    assert page.count("<tr>") >= len(FeeSchedule.current().ordered_tiers())
    result = client.get(reverse("arbitration_fee_calculator"), {"amount": "10000"}).content.decode()
    assert "¥1050.00" in result


# --- case page and dashboards -----------------------------------------------------------------------------

def test_case_page_links_the_arbitration(world, login):
    page = login(world["claimant"]).get(world["case"].get_absolute_url()).content.decode()
    assert panel_url(world) in page


def test_arbitrator_dashboard_lists_tasks_and_deadlines(world, login, django_assert_max_num_queries):
    helpers.answered(world)
    arbitrator = world["arbitrators"][0]
    services.appoint(arbitration=world["arbitration"], by=world["manager"], arbitrator=arbitrator, role="sole",
                     nominated_by="centre")
    client = login(arbitrator)
    page = client.get(reverse("dashboard")).content.decode()
    assert f"{panel_url(world)}#appointment" in page
    services.accept_seat(member=TribunalMember.objects.get(), by=arbitrator)
    services.transition(arbitration=world["arbitration"], name="constitute", by=world["manager"])
    with django_assert_max_num_queries(30):
        page = client.get(reverse("dashboard")).content.decode()
    assert f"{panel_url(world)}#proceedings" in page
    assert str(fresh(world).deadline_label) in page


def test_arbitrator_dashboard_lists_drafts_to_sign(big_world, login):
    award = helpers.drafted(big_world)
    page = login(big_world["members"][0].arbitrator).get(reverse("dashboard")).content.decode()
    assert f"{panel_url(big_world)}#award" in page and award.sha256 not in page


def test_party_and_manager_dashboards_show_the_current_deadline(world, login, django_assert_max_num_queries):
    helpers.served(world)
    due = timezone.localtime(fresh(world).answer_due).strftime("%Y-%m-%d %H:%M")
    for user in (world["respondent"], world["manager"]):
        client = login(user)
        with django_assert_max_num_queries(40):
            page = client.get(reverse("dashboard")).content.decode()
        assert due in page and panel_url(world) in page
