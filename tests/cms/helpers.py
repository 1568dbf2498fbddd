"""Cases in a given end state, made directly in the database (the state
machines' own tests cover how they get there)."""

from datetime import date, datetime

from django.utils import timezone

from mediation.models import JudicialConfirmation, Mediation, MediationState
from portal.models import Case, CaseEvent, Channel, IPRight, IPType, Party
from tests.factories import CaseFactory, CourtFactory, PartyFactory, UserFactory, valid_credit_code

SETTLED_STATES = {MediationState.AGREEMENT_SIGNED, MediationState.CONFIRMATION_APPLIED, MediationState.CONFIRMED,
                  MediationState.NOT_CONFIRMED}


def at(*args) -> datetime:
    """An aware datetime in Beijing time."""
    return timezone.make_aware(datetime(*args))


def docketed_case(*, docketed_at: datetime | None = None, channel: str = Channel.ONLINE,
                  ip_type: str = IPType.TRADEMARK, number: str | None = None, facts: str = "被申请人销售假冒商品。",
                  respondent: dict | None = None) -> Case:
    """A docketed mediation case with one claimant, one respondent and one IP right."""
    docketed_at = docketed_at or at(2026, 1, 1, 10)
    extra = {"referring_court": CourtFactory()} if channel == Channel.COURT else {}
    case = CaseFactory(created_by=UserFactory(), channel=channel, **extra)
    case.facts = facts
    case.claim_amount = 50000
    case.claim_cease_infringement = True
    case.save()
    PartyFactory(case=case, side=Party.Side.CLAIMANT, user=case.created_by)
    PartyFactory(case=case, side=Party.Side.RESPONDENT, **(respondent or {}))
    IPRight.objects.create(case=case, ip_type=ip_type, title="测试权利", holder="测试公司")
    Case.objects.filter(pk=case.pk).update(state="docketed", number=number or f"ZJIP-M-T-{case.pk:06d}",
                                           docketed_at=docketed_at)
    return Case.objects.get(pk=case.pk)


def end_mediation(case: Case, state: str, *, closed_at: datetime | None = None,
                  ruling_date: date | None = None, reason: str = "") -> Mediation:
    """Give the case a mediation in `state`, with the timeline event that ended it."""
    closed_at = closed_at or at(2026, 1, 11, 10)
    mediation = Mediation.objects.create(
        case=case, state=state, consent_due=closed_at, agreement_effective_at=closed_at if state in SETTLED_STATES
        else None, termination_reason=reason)
    ending = MediationState.AGREEMENT_SIGNED if state in SETTLED_STATES else state
    CaseEvent.objects.create(case=case, process="mediation", transition="end", from_state="in_progress",
                             to_state=ending, at=closed_at)
    if state == MediationState.CONFIRMED:
        CaseEvent.objects.create(case=case, process="mediation", transition="confirm",
                                 from_state="confirmation_applied", to_state=state, at=closed_at)
        JudicialConfirmation.objects.create(
            mediation=mediation, court=CourtFactory(), created_by=case.created_by, ruling="confirmed",
            ruling_date=ruling_date or timezone.localdate(closed_at))
    return mediation


def confirmed_settlement(*, name: str = "义乌市某某商行", credit_code: str | None = None, ruling_date: date,
                         email: str = "", user=None) -> Case:
    """A docketed case against this respondent whose settlement a court confirmed on `ruling_date`."""
    respondent = {"name": name, "credit_code": valid_credit_code(90000) if credit_code is None else credit_code,
                  "email": email, "user": user}
    case = docketed_case(respondent=respondent)
    end_mediation(case, MediationState.CONFIRMED, ruling_date=ruling_date)
    return case
