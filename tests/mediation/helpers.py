"""Shared set-up for the mediation tests: a docketed case whose respondent was invited."""

from django.core import mail

from mediation import services
from mediation.models import Mediation
from portal.services import intake
from portal.sms import LocmemBackend
from tests.factories import CaseFactory, ManagerFactory, MediatorFactory, UserFactory


def make_world(capture_on_commit):
    claimant, respondent, manager, mediator = UserFactory(), UserFactory(), ManagerFactory(), MediatorFactory()
    case = CaseFactory(created_by=claimant, complete=True, state="submitted")
    case.parties.filter(side="respondent").update(email="seller@example.test", phone="13900000000")
    LocmemBackend.outbox.clear()
    with capture_on_commit(execute=True):
        case = intake.docket_case(case=case, by=manager)
    invitation_mail = next(m for m in mail.outbox if m.to == ["seller@example.test"])
    token = invitation_mail.body.split("/mediation/invitations/")[1].split("/")[0]
    return {"case": case, "claimant": claimant, "respondent": respondent, "manager": manager, "mediator": mediator,
            "token": token, "mediation": Mediation.objects.get(case=case)}


def claim_and_consent(w):
    services.claim_invitation(token=w["token"], user=w["respondent"])
    return services.consent(mediation=w["mediation"], by=w["respondent"])


def started(w):
    m = claim_and_consent(w)
    services.propose_mediator(mediation=m, mediator=w["mediator"], by=w["manager"])
    return services.accept_appointment(mediation=m, by=w["mediator"], disclosure="")


TERMS = {"payment_amount": "30000", "instalments": [{"date": "2026-12-31", "amount": "10000"},
                                                    {"date": "2027-01-31", "amount": "20000"}],
         "cease_infringement": True, "remove_urls": ["https://shop.example.cn/item/1"], "remove_by": "2026-12-10",
         "destroy_stock": True, "public_apology": "", "confidentiality": True, "costs": "各自承担",
         "default_consequences": "逾期付款按日万分之五支付违约金", "other": ""}


def set_password(user, password="sign-pass-1"):
    user.set_password(password)
    user.save()
    return password


