"""seed_demo: idempotent, every demo login works, both claimants have cases in every
intake state, mediations and arbitrations in every state.

Seeding renders and signs real PDFs, so one test seeds (twice, for idempotency)
and checks everything on the result."""

import pytest
from django.core.management import call_command
from django.db import transaction

from portal.models import Case, CaseState, Channel, User
from portal.services import intake

pytestmark = pytest.mark.django_db

LOGINS = ["claimant", "claimant2", "respondent", "mediator", "arbitrator", "clerk", "manager", "admin",
          "mediator2", "mediator3", "arbitrator2", "arbitrator3"]


def seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def snapshot():
    numbers = sorted(Case.objects.exclude(number=None).values_list("number", flat=True))
    return User.objects.count(), Case.objects.count(), numbers


def test_seed_demo(client):
    from arbitration.models import Arbitration, ArbitrationState
    from mediation.models import Mediation

    seed()
    before = snapshot()

    for name in LOGINS:
        response = client.post("/accounts/login/", {"username": f"{name}@demo.test", "password": "demo12345"})
        assert response.status_code == 302, name
        client.logout()

    for email in ("claimant@demo.test", "claimant2@demo.test"):
        user = User.objects.get(email=email)
        states = set(Case.objects.filter(created_by=user).values_list("state", flat=True))
        assert states == set(CaseState.values), email

    assert set(Case.objects.values_list("channel", flat=True)) >= {Channel.ONLINE, Channel.WALK_IN, Channel.COURT}
    assert set(Case.objects.filter(state="docketed").values_list("track", flat=True)) == {"mediation", "arbitration"}
    assert Mediation.objects.values("state").distinct().count() >= 9
    for code in ("expedited", "ordinary"):
        states = set(Arbitration.objects.filter(rule_set__code=code).values_list("state", flat=True))
        assert states == set(ArbitrationState.values), code

    with transaction.atomic():
        manager = User.objects.get(email="manager@demo.test")
        case = Case.objects.filter(state=CaseState.SUBMITTED).first()
        assert intake.docket_case(case=case, by=manager).state == CaseState.DOCKETED
        transaction.set_rollback(True)

    seed()
    assert snapshot() == before
