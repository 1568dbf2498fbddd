"""Shared set-up for the arbitration tests: a docketed arbitration case, and
helpers that walk it forward step by step through the real services."""

from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.utils import timezone

from arbitration import awards, services
from arbitration.models import Arbitration, FeeAssessment, RuleSet
from arbitration.payments import DevelopmentProvider
from portal.models import CaseDocument
from portal.services import intake
from tests.factories import ArbitratorFactory, CaseFactory, DocumentFactory, ManagerFactory, UserFactory

AWARD = {"claims": "1. 被申请人停止侵权；2. 赔偿经济损失。", "findings": "申请人享有涉案商标专用权。",
         "reasoning": "被申请人销售的商品使用了与涉案商标相同的标识。",
         "operative": ["被申请人立即停止销售侵权商品。", "被申请人赔偿申请人经济损失人民币 30,000 元。"],
         "costs": {"claimant_percent": "20", "note": ""}}


def make_world(capture_on_commit, *, amount=Decimal("10000"), agreement="uploaded"):
    claimant, respondent, manager = UserFactory(), UserFactory(), ManagerFactory()
    arbitrators = [ArbitratorFactory() for _ in range(4)]
    case = CaseFactory(created_by=claimant, complete=True, state="submitted", track="arbitration",
                       arbitration_agreement=agreement)
    case.claim_amount = amount
    case.save()
    if agreement == "uploaded":
        DocumentFactory(case=case, kind=CaseDocument.Kind.ARBITRATION_AGREEMENT, uploaded_by=claimant)
    case.parties.filter(side="respondent").update(email="seller@example.test", phone="13900000000")
    with capture_on_commit(execute=True):
        case = intake.docket_case(case=case, by=manager)
    return {"case": case, "claimant": claimant, "respondent": respondent, "manager": manager,
            "arbitrators": arbitrators, "arbitration": Arbitration.objects.get(case=case)}


def pay(w, assessment=None):
    arbitration = Arbitration.objects.get(pk=w["arbitration"].pk)
    assessment = assessment or arbitration.assessments.get(kind=FeeAssessment.Kind.CLAIM)
    payer = w["claimant"] if assessment.payer_side == "claimant" else w["respondent"]
    payment = services.start_payment(assessment=assessment, by=payer)
    return services.payment_succeeded(payment=payment, provider_data={"dev": True})


def served(w, capture_on_commit=None):
    services.assess_fees(arbitration=w["arbitration"], by=w["manager"])
    pay(w)
    mail.outbox.clear()
    arbitration, sent = services.serve_notice(arbitration=w["arbitration"], by=w["manager"])
    w["token"] = sent[0][1]
    services.claim_notice(token=w["token"], user=w["respondent"])
    return arbitration


def answered(w):
    served(w)
    services.file_answer(arbitration=w["arbitration"], by=w["respondent"], text="不同意申请人的请求。")
    return services.transition(arbitration=w["arbitration"], name="begin_constitution", by=w["respondent"])


def constituted(w):
    arbitration = answered(w)
    a = w["arbitrators"]
    if arbitration.tribunal_size == 1:
        members = [services.appoint(arbitration=arbitration, by=w["manager"], arbitrator=a[0], role="sole",
                                    nominated_by="centre")]
    else:
        services.nominate(arbitration=arbitration, by=w["claimant"], arbitrator=a[0])
        services.nominate(arbitration=arbitration, by=w["respondent"], arbitrator=a[1])
        members = [services.appoint(arbitration=arbitration, by=w["manager"], arbitrator=a[0], role="co",
                                    nominated_by="claimant"),
                   services.appoint(arbitration=arbitration, by=w["manager"], arbitrator=a[1], role="co",
                                    nominated_by="respondent"),
                   services.appoint(arbitration=arbitration, by=w["manager"], arbitrator=a[2], role="presiding",
                                    nominated_by="centre")]
    for m in members:
        services.accept_seat(member=m, by=m.arbitrator, disclosure="")
    w["members"] = members
    w["presiding"] = next(m.arbitrator for m in members if m.role in ("sole", "presiding"))
    return services.transition(arbitration=arbitration, name="constitute", by=w["manager"])


def in_proceedings(w):
    constituted(w)
    services.issue_order(arbitration=w["arbitration"], by=w["presiding"], title="程序令", text="双方提交证据。",
                         submissions_due=timezone.now() + timedelta(days=10))
    return Arbitration.objects.get(pk=w["arbitration"].pk)


def set_password(user, password="sign-pass-1"):
    user.set_password(password)
    user.save()
    return password


def drafted(w):
    in_proceedings(w)
    services.transition(arbitration=w["arbitration"], name="close_proceedings", by=w["presiding"])
    return awards.draft(arbitration=w["arbitration"], by=w["presiding"], content=AWARD)


def issued(w):
    award = drafted(w)
    for m in w["members"][:2] if len(w["members"]) == 3 else w["members"]:
        awards.sign(award=award, by=m.arbitrator, password=set_password(m.arbitrator))
    return awards.issue(arbitration=w["arbitration"], by=w["manager"])


def expedited():
    return RuleSet.objects.get(code="expedited")


__all__ = ["DevelopmentProvider", "make_world", "AWARD"]
