"""The settlement-agreement and judicial-confirmation transitions, allowed and
refused, by role and by state (the process transitions are in test_transition_matrix.py).

draft_agreement (the mediator drafts), agreement_takes_effect (the last party
signs), apply_for_confirmation (the second side signs the joint application),
confirm / reject_confirmation (a clerk of the addressed court rules).

One world per (transition, state); each role's attempt runs in a savepoint
that is rolled back."""

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mediation import agreements, confirmation
from mediation.models import (
    AgreementSignature,
    AgreementVersion,
    JudicialConfirmation,
    Mediation,
    MediationState,
    SettlementAgreement,
)
from portal.models import CaseEvent, Court
from tests.factories import CaseFactory, ClerkFactory, CourtFactory, ManagerFactory, MediatorFactory, UserFactory
from tests.mediation.helpers import TERMS

pytestmark = pytest.mark.django_db
PASSWORD = "sign-pass-1"

RULES = {
    "draft_agreement": ({"in_progress", "agreement_drafted"}, {"mediator"}),
    "agreement_takes_effect": ({"agreement_drafted"}, {"claimant"}),
    "apply_for_confirmation": ({"agreement_signed"}, {"respondent"}),
    "confirm": ({"confirmation_applied"}, {"clerk"}),
    "reject_confirmation": ({"confirmation_applied"}, {"clerk"}),
}
ROLES = ["claimant", "respondent", "mediator", "manager", "clerk", "other_clerk", "stranger"]


def make(state: str, settings):
    settings.PORTAL_CENTRE_REGION_CODE = "330106"
    people = {"claimant": UserFactory(), "respondent": UserFactory(), "mediator": MediatorFactory(),
              "manager": ManagerFactory(), "stranger": UserFactory()}
    court = CourtFactory(name="杭州市西湖区人民法院", region_code="330106", level=Court.Level.BASIC)
    people["clerk"] = ClerkFactory(court=court)
    people["other_clerk"] = ClerkFactory(court=CourtFactory(name="宁波市海曙区人民法院", region_code="330203"))
    for user in people.values():
        user.set_password(PASSWORD)
        user.save()
    case = CaseFactory(created_by=people["claimant"], complete=True, state="docketed", number="ZJIP-M-2026-900002")
    case.parties.filter(side="respondent").update(user=people["respondent"])
    now = timezone.now()
    mediation = Mediation.objects.create(case=case, state=state, consent_due=now + timedelta(days=7),
                                         period_ends=now + timedelta(days=30), mediator=people["mediator"],
                                         agreement_effective_at=now - timedelta(days=1))
    agreement = SettlementAgreement.objects.create(mediation=mediation)
    terms = agreements.clean_terms(TERMS)
    version = AgreementVersion.objects.create(
        agreement=agreement, number=1, terms=terms, created_by=people["mediator"],
        sha256=agreements.version_hash(case_number=case.number, number=1, terms=terms))
    respondent_party = case.parties.get(side="respondent")
    AgreementSignature.objects.create(version=version, party=respondent_party, signer=people["respondent"],
                                      version_sha256=version.sha256)
    JudicialConfirmation.objects.create(mediation=mediation, court=court, created_by=people["claimant"],
                                        claimant_signed_by=people["claimant"], claimant_signed_at=now)
    return mediation, people, court


def run(name, mediation, user, court):
    if name == "draft_agreement":
        agreements.draft_version(mediation=mediation, by=user, terms=TERMS)
    elif name == "agreement_takes_effect":
        agreements.sign(version=mediation.agreement.current_version(), by=user, password=PASSWORD)
    elif name == "apply_for_confirmation":
        confirmation.sign_application(mediation=mediation, by=user, court=court, password=PASSWORD)
    else:
        confirmation.record_ruling(mediation=mediation, by=user, confirmed=name == "confirm",
                                   ruling_number="（2026）浙0106民特1号", ruling_date=timezone.localdate())
    return Mediation.objects.get(pk=mediation.pk)


@pytest.mark.parametrize(("name", "state"), [
    pytest.param(n, s, id=f"{n}-{s}") for n, s in itertools.product(RULES, MediationState.values)])
def test_agreement_and_confirmation_matrix(name, state, settings):
    mediation, people, court = make(state, settings)
    states, roles = RULES[name]
    for role in ROLES:
        with transaction.atomic():
            before = CaseEvent.objects.filter(case=mediation.case, process="mediation").count()
            if state in states and role in roles:
                result = run(name, mediation, people[role], court)
                event = CaseEvent.objects.filter(case=mediation.case, process="mediation").latest("id")
                assert event.transition == name and event.actor == people[role], role
                assert result.state != state or name == "draft_agreement", role
            elif name == "apply_for_confirmation" and state in states and role == "claimant":
                # The claimant side already signed: signing again records nothing new and files nothing.
                result = run(name, mediation, people[role], court)
                assert result.state == state
            else:
                with pytest.raises((PermissionDenied, ValidationError)):
                    run(name, mediation, people[role], court)
                assert Mediation.objects.get(pk=mediation.pk).state == state, role
                assert CaseEvent.objects.filter(case=mediation.case, process="mediation").count() == before, role
            transaction.set_rollback(True)
