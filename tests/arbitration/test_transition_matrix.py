"""Every arbitration transition a person triggers, allowed and refused, by role and by state.

One world per (transition, state); each role's attempt runs in a savepoint that
is rolled back, so every role meets the same starting point."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from arbitration import awards, services
from arbitration.models import (
    OPEN_STATES,
    Arbitration,
    ArbitrationState,
    Award,
    AwardSignature,
    FeeAssessment,
    FeeSchedule,
    RuleSet,
    Submission,
    TribunalMember,
)
from portal.models import CaseEvent
from tests.arbitration.helpers import AWARD
from tests.factories import ArbitratorFactory, CaseFactory, ClerkFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db

OPEN = {str(s) for s in OPEN_STATES}
RULES = {
    "assess_fees": ({"filed"}, {"manager"}),
    "serve_notice": ({"fees_paid"}, {"manager"}),
    "begin_constitution": ({"notice_served"}, {"respondent", "manager"}),
    "constitute": ({"constitution"}, {"manager"}),
    "open_proceedings": ({"constituted"}, {"presiding", "co_arbitrator"}),
    "close_proceedings": ({"proceedings"}, {"presiding"}),
    "reopen_proceedings": ({"proceedings_closed"}, {"presiding"}),
    "draft_award": ({"proceedings_closed", "award_drafted"}, {"presiding"}),
    "issue_award": ({"award_drafted"}, {"manager"}),
    "withdraw": (OPEN, {"claimant"}),
    "terminate": (OPEN, {"manager"}),
}
ROLES = ["claimant", "respondent", "presiding", "co_arbitrator", "manager", "clerk", "stranger"]


def make(state: str):
    claimant, respondent = UserFactory(), UserFactory()
    case = CaseFactory(created_by=claimant, complete=True, state="docketed", number="ZJIP-A-2026-900001",
                       track="arbitration", arbitration_agreement="uploaded")
    case.parties.filter(side="respondent").update(user=respondent)
    now = timezone.now()
    arbitration = Arbitration.objects.create(
        case=case, rule_set=RuleSet.objects.get(code="ordinary"), state=state, fees_due=now + timedelta(days=5),
        notice_served_at=now, answer_due=now + timedelta(days=5), nomination_due=now + timedelta(days=5),
        award_due=now + timedelta(days=90))
    schedule = FeeSchedule.current()
    FeeAssessment.objects.create(arbitration=arbitration, kind="claim", payer_side="claimant", schedule=schedule,
                                 amount_claimed=Decimal(10000), registration_fee=500, admin_fee=550, total=1050,
                                 due_at=now + timedelta(days=5), paid_at=now)
    Submission.objects.create(arbitration=arbitration, kind="answer", side="respondent", text="答辩", by=respondent)
    manager = ManagerFactory()
    arbitrators = [ArbitratorFactory() for _ in range(3)]
    members = [TribunalMember.objects.create(arbitration=arbitration, arbitrator=a, role=role, nominated_by=by,
                                             status="accepted", accepted_at=now, appointed_by=manager)
               for a, (role, by) in zip(arbitrators, [("presiding", "centre"), ("co", "claimant"),
                                                      ("co", "respondent")], strict=True)]
    award = Award.objects.create(arbitration=arbitration, number=1, content=AWARD, sha256="a" * 64,
                                 drafted_by=arbitrators[0])
    for m in members[:2]:
        AwardSignature.objects.create(award=award, member=m, content_sha256=award.sha256)
    people = {"claimant": claimant, "respondent": respondent, "presiding": arbitrators[0],
              "co_arbitrator": arbitrators[1], "manager": manager, "clerk": ClerkFactory(), "stranger": UserFactory()}
    return arbitration, people


def run(name, arbitration, user):
    if name == "assess_fees":
        return services.assess_fees(arbitration=arbitration, by=user)
    if name == "serve_notice":
        return services.serve_notice(arbitration=arbitration, by=user)[0]
    if name == "draft_award":
        awards.draft(arbitration=arbitration, by=user, content=AWARD)
        return Arbitration.objects.get(pk=arbitration.pk)
    if name == "issue_award":
        return awards.issue(arbitration=arbitration, by=user)
    return services.transition(arbitration=arbitration, name=name, by=user, note="理由")


@pytest.mark.parametrize(("name", "state"), [
    pytest.param(n, s, id=f"{n}-{s}") for n, s in itertools.product(RULES, ArbitrationState.values)])
def test_arbitration_transition_matrix(name, state):
    arbitration, people = make(state)
    states, roles = RULES[name]
    for role in ROLES:
        before = CaseEvent.objects.filter(case=arbitration.case).count()
        with transaction.atomic():
            if state in states and role in roles:
                result = run(name, arbitration, people[role])
                assert result.state != state or name == "draft_award", (role, result.state)
                event = CaseEvent.objects.filter(case=arbitration.case, process="arbitration").latest("id")
                assert event.actor == people[role]
            else:
                with pytest.raises((PermissionDenied, ValidationError)):
                    run(name, arbitration, people[role])
                assert Arbitration.objects.get(pk=arbitration.pk).state == state, role
                assert CaseEvent.objects.filter(case=arbitration.case).count() == before, role
            transaction.set_rollback(True)


def test_the_matrix_covers_every_person_triggered_transition():
    """A new transition on the model must be added to RULES (or to the system list)."""
    from django_fsm import get_available_FIELD_transitions  # noqa: F401  (import check only)

    system = {"fees_received", "deem_withdrawn", "lapse_without_agreement", "close", "settle", "reconstitute"}
    declared = {t.name for t in Arbitration._meta.get_field("state").get_all_transitions(Arbitration)}
    assert declared == set(RULES) | system
