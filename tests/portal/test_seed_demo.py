"""seed_demo: idempotent, every demo login works, both claimants have cases in every state."""

import pytest
from django.core.management import call_command

from portal.models import Case, CaseState, Channel, User
from portal.services import intake

pytestmark = pytest.mark.django_db

LOGINS = ["claimant", "claimant2", "respondent", "mediator", "arbitrator", "clerk", "manager", "admin",
          "mediator2", "mediator3", "arbitrator2", "arbitrator3"]


def seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_seed_is_idempotent():
    seed()
    def snapshot():
        numbers = sorted(Case.objects.exclude(number=None).values_list("number", flat=True))
        return User.objects.count(), Case.objects.count(), numbers

    before = snapshot()
    seed()
    assert snapshot() == before


@pytest.mark.parametrize("name", LOGINS)
def test_every_demo_login_works(client, name):
    seed()
    response = client.post("/accounts/login/", {"username": f"{name}@demo.test", "password": "demo12345"})
    assert response.status_code == 302, name


def test_both_claimants_have_cases_in_every_intake_state():
    seed()
    for email in ("claimant@demo.test", "claimant2@demo.test"):
        user = User.objects.get(email=email)
        states = set(Case.objects.filter(created_by=user).values_list("state", flat=True))
        assert states == set(CaseState.values), email


def test_demo_covers_every_channel_but_platform_and_both_tracks():
    seed()
    assert set(Case.objects.values_list("channel", flat=True)) >= {Channel.ONLINE, Channel.WALK_IN, Channel.COURT}
    assert set(Case.objects.filter(state="docketed").values_list("track", flat=True)) == {"mediation", "arbitration"}


def test_demo_submitted_cases_can_be_docketed():
    seed()
    manager = User.objects.get(email="manager@demo.test")
    case = Case.objects.filter(state=CaseState.SUBMITTED).first()
    assert intake.docket_case(case=case, by=manager).state == CaseState.DOCKETED
