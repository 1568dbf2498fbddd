"""Nobody sees a case they are not part of: 404, never 403, never the data."""

import pytest
from django.urls import reverse

from portal.models import CaseState
from portal.selectors import cases_visible_to
from tests.conftest import verified_client
from tests.factories import (
    AgentFactory,
    AssignmentFactory,
    CaseFactory,
    ClerkFactory,
    CourtFactory,
    DocumentFactory,
    ManagerFactory,
    MediatorFactory,
    PartyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Cases of two claimants, a referral from one court, and the people around them."""
    court, other_court = CourtFactory(), CourtFactory()
    alice, bob = UserFactory(), UserFactory()
    people = {
        "alice": alice, "bob": bob, "alice_lawyer": UserFactory(), "respondent": UserFactory(),
        "mediator": MediatorFactory(), "other_mediator": MediatorFactory(), "manager": ManagerFactory(),
        "clerk": ClerkFactory(court=court), "other_clerk": ClerkFactory(court=other_court), "stranger": UserFactory(),
    }
    alice_draft = CaseFactory(created_by=alice, complete=True)
    alice_submitted = CaseFactory(created_by=alice, complete=True, state=CaseState.SUBMITTED)
    AgentFactory(case=alice_submitted, party=alice_submitted.parties.first(), user=people["alice_lawyer"])
    alice_submitted.parties.filter(side="respondent").update(user=people["respondent"])
    AssignmentFactory(case=alice_submitted, user=people["mediator"])
    bob_docketed = CaseFactory(created_by=bob, complete=True, state=CaseState.DOCKETED, number="ZJIP-M-2026-000777")
    referral = CaseFactory(created_by=people["clerk"], complete=True, channel="court", referring_court=court,
                           state=CaseState.SUBMITTED)
    cases = {"alice_draft": alice_draft, "alice_submitted": alice_submitted, "bob_docketed": bob_docketed,
             "referral": referral}
    return people, cases


# who sees which case
EXPECTED = {
    "alice": {"alice_draft", "alice_submitted"},
    "bob": {"bob_docketed"},
    "alice_lawyer": {"alice_submitted"},
    "respondent": {"alice_submitted"},
    "mediator": {"alice_submitted"},
    "other_mediator": set(),
    "manager": {"alice_submitted", "bob_docketed", "referral"},  # never someone else's draft
    "clerk": {"referral"},
    "other_clerk": set(),
    "stranger": set(),
}


def test_visibility_rule_and_query_agree_with_the_expected_table(world):
    people, cases = world
    for who, user in people.items():
        by_query = {name for name, c in cases.items() if cases_visible_to(user).filter(pk=c.pk).exists()}
        by_rule = {name for name, c in cases.items() if user.has_perm("portal.view_case", c)}
        assert by_query == EXPECTED[who], who
        assert by_rule == EXPECTED[who], who


@pytest.mark.parametrize("who", list(EXPECTED))
def test_case_pages_return_404_to_outsiders(client, world, who):
    people, cases = world
    client = verified_client(client, people[who])
    for name, case in cases.items():
        doc = DocumentFactory(case=case)
        urls = [reverse("case_detail", args=[case.url_key]), reverse("case_detail", args=[str(case.ref)]),
                reverse("document_download", args=[case.url_key, doc.uid])]
        for url in urls:
            response = client.get(url)
            if name in EXPECTED[who]:
                assert response.status_code == 200, (who, name, url)
            else:
                assert response.status_code == 404, (who, name, url)
                assert case.facts.encode() not in response.content


def test_guessing_a_case_number_returns_404(client, world):
    people, cases = world
    client = verified_client(client, people["stranger"])
    for n in range(770, 780):
        assert client.get(f"/cases/ZJIP-M-2026-000{n}/").status_code == 404


def test_outsider_cannot_act_on_a_case(client, world):
    people, cases = world
    client = verified_client(client, people["stranger"])
    case = cases["alice_submitted"]
    response = client.post(reverse("case_action", args=[case.url_key, "withdraw"]))
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_party_cannot_docket_own_case(client, world):
    people, cases = world
    client = verified_client(client, people["alice"])
    case = cases["alice_submitted"]
    response = client.post(reverse("case_action", args=[case.url_key, "docket"]), follow=True)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_intake_queue_is_404_for_non_staff(client, world):
    people, _ = world
    for who in ("alice", "clerk", "mediator"):
        assert verified_client(client, people[who]).get(reverse("intake_queue")).status_code == 404


def test_wizard_of_someone_elses_draft_is_404(client, world):
    people, cases = world
    client = verified_client(client, people["bob"])
    assert client.get(reverse("filing_step", args=[cases["alice_draft"].ref, "claimants"])).status_code == 404


def test_case_list_shows_only_visible_cases(client, world):
    people, cases = world
    response = verified_client(client, people["bob"]).get(reverse("case_list"))
    assert b"ZJIP-M-2026-000777" in response.content
    assert cases["alice_submitted"].short_ref.encode() not in response.content


def test_anonymous_users_are_sent_to_login(client, world):
    _, cases = world
    response = client.get(reverse("case_detail", args=[cases["bob_docketed"].url_key]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_document_download_is_an_attachment_with_safe_headers(client, world):
    people, cases = world
    case = cases["bob_docketed"]
    doc = DocumentFactory(case=case, original_name='evil"; filename=x.html')
    response = verified_client(client, people["bob"]).get(reverse("document_download", args=[case.url_key, doc.uid]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="evil_; filename=x.html"'


def test_removed_assignment_revokes_access(client, world):
    people, cases = world
    case = cases["alice_submitted"]
    case.assignments.update(active=False)
    assert verified_client(client, people["mediator"]).get(case.get_absolute_url()).status_code == 404


def test_party_named_without_account_link_has_no_access(client, world):
    people, cases = world
    case = cases["bob_docketed"]
    PartyFactory(case=case, side="respondent", email=people["stranger"].email)
    assert verified_client(client, people["stranger"]).get(case.get_absolute_url()).status_code == 404
