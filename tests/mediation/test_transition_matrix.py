"""Every mediation process transition, allowed and refused, by role and by state."""

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mediation import services
from mediation.models import Mediation, MediationState
from portal.models import CaseEvent
from tests.factories import CaseFactory, ClerkFactory, ManagerFactory, MediatorFactory, UserFactory

pytestmark = pytest.mark.django_db

OPEN = {"awaiting_consent", "consented", "in_progress", "agreement_drafted", "suspended"}
RULES = {
    "consent": ({"awaiting_consent"}, {"respondent"}),
    "decline": ({"awaiting_consent"}, {"respondent"}),
    "suspend": ({"consented", "in_progress"}, {"mediator", "manager"}),
    "resume": ({"suspended"}, {"mediator", "manager"}),
    "terminate": (OPEN, {"claimant", "respondent", "mediator", "manager"}),
}
ROLES = ["claimant", "respondent", "mediator", "manager", "clerk", "stranger"]


def make(state: str):
    claimant, respondent, mediator = UserFactory(), UserFactory(), MediatorFactory()
    case = CaseFactory(created_by=claimant, complete=True, state="docketed", number="ZJIP-M-2026-900001")
    case.parties.filter(side="respondent").update(user=respondent)
    now = timezone.now()
    mediation = Mediation.objects.create(
        case=case, state=state, consent_due=now + timedelta(days=7), period_ends=now + timedelta(days=30),
        mediator=mediator, suspended_from="in_progress" if state == "suspended" else "",
        suspended_at=now if state == "suspended" else None)
    people = {"claimant": claimant, "respondent": respondent, "mediator": mediator, "manager": ManagerFactory(),
              "clerk": ClerkFactory(), "stranger": UserFactory()}
    return mediation, people


def run(name, mediation, user):
    if name in ("consent", "resume"):
        return getattr(services, name)(mediation=mediation, by=user)
    return getattr(services, name)(mediation=mediation, by=user, reason="理由")


@pytest.mark.parametrize(("name", "state", "role"), [
    pytest.param(n, s, r, id=f"{n}-{s}-{r}")
    for n, s, r in itertools.product(RULES, MediationState.values, ROLES)])
def test_mediation_transition_matrix(name, state, role):
    mediation, people = make(state)
    states, roles = RULES[name]
    before = CaseEvent.objects.filter(case=mediation.case).count()
    if state in states and role in roles:
        result = run(name, mediation, people[role])
        assert result.state != state or name == "resume"
        event = CaseEvent.objects.filter(case=mediation.case, process="mediation").latest("id")
        assert event.transition == name and event.actor == people[role]
    else:
        with pytest.raises((PermissionDenied, services.MediationError)):
            run(name, mediation, people[role])
        mediation.refresh_from_db()
        assert mediation.state == state
        assert CaseEvent.objects.filter(case=mediation.case).count() == before
