"""Every intake transition, allowed and refused, by role and by state."""

import itertools

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from portal.models import Case, CaseEvent, CaseState, Channel
from portal.services import intake
from tests.factories import (
    AgentFactory,
    AssignmentFactory,
    CaseFactory,
    ClerkFactory,
    ManagerFactory,
    MediatorFactory,
    PartyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# transition -> (source states, who may do it)
RULES = {
    "submit": ({CaseState.DRAFT, CaseState.RETURNED}, {"filer"}),
    "docket": ({CaseState.SUBMITTED}, {"manager"}),
    "return_for_correction": ({CaseState.SUBMITTED}, {"manager"}),
    "reject": ({CaseState.SUBMITTED}, {"manager"}),
    "withdraw": ({CaseState.DRAFT, CaseState.SUBMITTED, CaseState.RETURNED}, {"filer", "claimant_agent"}),
}
ACTORS = ["filer", "claimant_agent", "respondent", "manager", "clerk", "mediator", "stranger"]


def make_case(state: str) -> tuple[Case, dict]:
    filer = UserFactory()
    number = "ZJIP-M-2026-999999" if state == CaseState.DOCKETED else None
    case = CaseFactory(created_by=filer, state=state, number=number, complete=True)
    agent_user = UserFactory()
    claimant = case.parties.get(side="claimant")
    AgentFactory(case=case, party=claimant, user=agent_user)
    case.agents.update(power_of_attorney=None)
    from tests.factories import DocumentFactory

    poa = DocumentFactory(case=case, kind="power_of_attorney")
    case.agents.update(power_of_attorney=poa)
    respondent_user = UserFactory()
    case.parties.filter(side="respondent").update(user=respondent_user)
    mediator = MediatorFactory()
    AssignmentFactory(case=case, user=mediator)
    actors = {
        "filer": filer, "claimant_agent": agent_user, "respondent": respondent_user,
        "manager": ManagerFactory(), "clerk": ClerkFactory(), "mediator": mediator, "stranger": UserFactory(),
    }
    return case, actors


def run(name: str, case: Case, user):
    if name == "submit":
        return intake.submit_case(case=case, by=user)
    return intake.ACTIONS[name](case=case, by=user, note="理由")


CASES = [
    pytest.param(name, state, actor, id=f"{name}-{state}-{actor}")
    for name, state, actor in itertools.product(RULES, CaseState.values, ACTORS)
]


@pytest.mark.parametrize(("name", "state", "actor"), CASES)
def test_transition_matrix(name, state, actor):
    case, actors = make_case(state)
    sources, allowed_actors = RULES[name]
    before = CaseEvent.objects.filter(case=case).count()
    if state in sources and actor in allowed_actors:
        result = run(name, case, actors[actor])
        assert result.state != state
        event = CaseEvent.objects.filter(case=case).latest("id")
        assert event.actor == actors[actor]
        assert event.from_state == state
        assert event.to_state == result.state
    else:
        with pytest.raises((PermissionDenied, intake.CaseActionError)):
            run(name, case, actors[actor])
        case.refresh_from_db()
        assert case.state == state
        assert CaseEvent.objects.filter(case=case).count() == before


def test_docketing_assigns_number_and_logs_note(manager):
    case, _ = make_case(CaseState.SUBMITTED)
    case = intake.docket_case(case=case, by=manager, note="材料齐全")
    assert case.number.startswith("ZJIP-M-")
    assert case.docketed_at is not None
    assert case.events.latest("id").note == "材料齐全"


@pytest.mark.parametrize("name", ["return_for_correction", "reject"])
def test_screening_refusals_require_a_reason(manager, name):
    case, _ = make_case(CaseState.SUBMITTED)
    with pytest.raises(intake.CaseActionError) as exc:
        intake.ACTIONS[name](case=case, by=manager, note="   ")
    assert exc.value.code == "reason_required"
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_incomplete_draft_cannot_be_submitted(claimant):
    case = CaseFactory(created_by=claimant)
    with pytest.raises(intake.CaseActionError) as exc:
        intake.submit_case(case=case, by=claimant)
    assert exc.value.code == "incomplete"
    assert "respondent" in exc.value.messages[0] or "被申请人" in exc.value.messages[0]


def test_returned_filing_is_resubmitted_and_clears_correction_deadline(manager):
    case, actors = make_case(CaseState.SUBMITTED)
    case = intake.return_case(case=case, by=manager, note="补充证据")
    assert case.correction_due is not None
    case = intake.submit_case(case=case, by=actors["filer"])
    assert case.state == CaseState.SUBMITTED
    assert case.correction_due is None
    assert case.events.latest("id").transition == "resubmit"


def test_agent_without_power_of_attorney_blocks_submission(claimant):
    case = CaseFactory(created_by=claimant, complete=True)
    AgentFactory(case=case, party=case.parties.get(side="claimant"))
    assert "power of attorney" in " ".join(case.missing_items()).lower() or "授权委托书" in " ".join(case.missing_items())
    with pytest.raises(intake.CaseActionError):
        intake.submit_case(case=case, by=claimant)


def test_arbitration_needs_agreement_basis(claimant):
    case = CaseFactory(created_by=claimant, complete=True, track="arbitration")
    with pytest.raises(intake.CaseActionError):
        intake.submit_case(case=case, by=claimant)
    case.arbitration_agreement = "ask_respondent"
    case.save()
    assert intake.submit_case(case=case, by=claimant).state == CaseState.SUBMITTED


@pytest.mark.parametrize("name", ["docket", "return_for_correction", "reject"])
def test_claimant_side_is_emailed_about_screening_decisions(django_capture_on_commit_callbacks, manager, name):
    case, actors = make_case(CaseState.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        run(name, case, manager)
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {actors["filer"].email, actors["claimant_agent"].email}
    assert all(m.alternatives and m.alternatives[0][1] == "text/html" for m in mail.outbox)


def test_submission_sends_no_email(django_capture_on_commit_callbacks, claimant):
    case = CaseFactory(created_by=claimant, complete=True)
    with django_capture_on_commit_callbacks(execute=True):
        intake.submit_case(case=case, by=claimant)
    assert mail.outbox == []


def test_notification_sent_after_commit(django_capture_on_commit_callbacks, manager):
    case, actors = make_case(CaseState.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        case = intake.docket_case(case=case, by=manager)
    recipients = {m.to[0] for m in mail.outbox}
    assert actors["filer"].email in recipients
    assert actors["claimant_agent"].email in recipients
    assert actors["respondent"].email not in recipients
    assert any(case.number in m.subject for m in mail.outbox)


def test_staff_intake_links_claimant_account_by_email(manager):
    existing = UserFactory(email="owner@example.test")
    case = intake.start_filing(by=manager, channel=Channel.WALK_IN, intake_note="窗口")
    PartyFactory(case=case, side="claimant", email="Owner@example.test")
    PartyFactory(case=case, side="respondent")
    from tests.factories import IPRightFactory

    IPRightFactory(case=case)
    case.facts = "事实"
    case.claim_apology = True
    case.save()
    intake.submit_case(case=case, by=manager)
    assert case.parties.get(side="claimant").user == existing


def test_online_filing_does_not_link_named_parties_by_email(claimant):
    other = UserFactory(email="someone@example.test")
    case = CaseFactory(created_by=claimant, complete=True)
    PartyFactory(case=case, side="claimant", email=other.email)
    intake.submit_case(case=case, by=claimant)
    assert not case.parties.filter(user=other).exists()


@pytest.mark.parametrize(("role", "channel"), [
    ("party", Channel.WALK_IN), ("party", Channel.COURT), ("manager", Channel.COURT), ("clerk", Channel.HOTLINE),
    ("mediator", Channel.ONLINE), ("party", Channel.PLATFORM),
])
def test_channels_are_reserved_to_their_roles(role, channel):
    user = {"party": UserFactory, "manager": ManagerFactory, "clerk": ClerkFactory,
            "mediator": MediatorFactory}[role]()
    with pytest.raises(PermissionDenied):
        intake.start_filing(by=user, channel=channel)


def test_court_referral_is_mediation_for_the_clerks_court(clerk):
    case = intake.start_filing(by=clerk, channel=Channel.COURT, track="arbitration", court_reference="(2026)浙0106民诉前调1号")
    assert case.track == "mediation"
    assert case.referring_court == clerk.court
