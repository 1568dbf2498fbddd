"""The repeat and wilful infringer list: eligibility, approval, objections, expiry."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.test.utils import WagtailPageTestCase

from cms.infringers.models import InfringerCandidate, InfringerListing, InfringerObjection
from cms.infringers.services import (
    approve_candidate,
    decide_objection,
    dismiss_candidate,
    find_infringer_candidates,
    object_to_listing,
    objection_path,
)
from cms.infringers.sources import INFRINGEMENT_SOURCE_HOOK
from cms.models import HomePage, InfringerListPage
from portal.models import Notification
from tests.cms.conftest import publish
from tests.cms.helpers import confirmed_settlement
from tests.conftest import verified_client
from tests.factories import UserFactory, valid_credit_code

CODE = valid_credit_code(4242)


def today():
    return timezone.localdate()


def names(candidates) -> set[str]:
    return {c.name for c in candidates}


class InfringerListTreeTests(WagtailPageTestCase):
    def test_list_page_is_a_leaf_under_home(self):
        self.assertAllowedParentPageTypes(InfringerListPage, {HomePage})
        self.assertAllowedSubpageTypes(InfringerListPage, {})


# --- eligibility -------------------------------------------------------------------------------

def test_two_confirmed_settlements_make_a_candidate_one_does_not(db):
    confirmed_settlement(name="甲商行", credit_code=valid_credit_code(1), ruling_date=today())
    confirmed_settlement(name="甲商行", credit_code=valid_credit_code(1), ruling_date=today())
    confirmed_settlement(name="乙商行", credit_code=valid_credit_code(2), ruling_date=today())
    found = find_infringer_candidates()
    assert names(found) == {"甲商行"}
    assert found[0].case_count == 2


def test_threshold_follows_the_setting(db, settings):
    settings.INFRINGER_MIN_CASES = 3
    for _ in range(2):
        confirmed_settlement(credit_code=CODE, ruling_date=today())
    assert find_infringer_candidates() == []


def test_window_includes_its_first_day_and_no_earlier(db, settings):
    settings.INFRINGER_WINDOW_DAYS = 730
    confirmed_settlement(name="边界商行", credit_code=CODE, ruling_date=today())
    confirmed_settlement(name="边界商行", credit_code=CODE, ruling_date=today() - timedelta(days=730))
    confirmed_settlement(name="过期商行", credit_code=valid_credit_code(7), ruling_date=today())
    confirmed_settlement(name="过期商行", credit_code=valid_credit_code(7), ruling_date=today() - timedelta(days=731))
    assert names(find_infringer_candidates()) == {"边界商行"}


def test_grouped_by_credit_code_whatever_the_name(db):
    confirmed_settlement(name="义乌市某某商行", credit_code=CODE, ruling_date=today() - timedelta(days=30))
    confirmed_settlement(name="义乌某某商行（更名后）", credit_code=CODE, ruling_date=today())
    found = find_infringer_candidates()
    assert [(c.credit_code, c.name, c.case_count) for c in found] == [(CODE, "义乌某某商行（更名后）", 2)]


def test_same_name_with_different_codes_is_not_one_respondent(db):
    confirmed_settlement(name="某某商行", credit_code=valid_credit_code(11), ruling_date=today())
    confirmed_settlement(name="某某商行", credit_code=valid_credit_code(12), ruling_date=today())
    assert find_infringer_candidates() == []


def test_without_a_code_grouped_by_normalised_name(db):
    confirmed_settlement(name="某某 商行(义乌)", credit_code="", ruling_date=today())
    confirmed_settlement(name="某某商行（义乌）", credit_code="", ruling_date=today())
    assert [c.key for c in find_infringer_candidates()] == ["name:某某商行(义乌)"]


def test_other_apps_add_sources_through_the_hook(db):
    first = confirmed_settlement(credit_code=CODE, ruling_date=today())
    award_case = confirmed_settlement(credit_code=valid_credit_code(99), ruling_date=today() - timedelta(days=5000))

    def awards(since):
        return [(CODE, "义乌市某某商行", award_case.pk, timezone.now())]

    with hooks.register_temporarily(INFRINGEMENT_SOURCE_HOOK, awards):
        found = find_infringer_candidates()
    assert [set(c.cases.all()) for c in found] == [{first, award_case}]


def test_running_again_updates_instead_of_duplicating(db):
    for _ in range(2):
        confirmed_settlement(credit_code=CODE, ruling_date=today())
    find_infringer_candidates()
    confirmed_settlement(credit_code=CODE, ruling_date=today())
    find_infringer_candidates()
    assert list(InfringerCandidate.objects.values_list("case_count", flat=True)) == [3]


def test_dismissed_respondent_returns_only_with_a_new_case(db, manager):
    for _ in range(2):
        confirmed_settlement(credit_code=CODE, ruling_date=today())
    dismiss_candidate(candidate=find_infringer_candidates()[0], by=manager, note="证据不足")
    assert find_infringer_candidates() == []
    confirmed_settlement(credit_code=CODE, ruling_date=today())
    assert [c.case_count for c in find_infringer_candidates()] == [3]


# --- approval and the public list --------------------------------------------------------------

@pytest.fixture
def list_page(home):
    return publish(home, InfringerListPage(title="重复侵权、故意侵权企业名录", slug="infringer-list"))


@pytest.fixture
def candidate(db):
    seller = UserFactory(email="owner@example.test")
    confirmed_settlement(name="义乌市某某商行", credit_code=CODE, ruling_date=today(), user=seller,
                         email="shop@example.test")
    confirmed_settlement(name="义乌市某某商行", credit_code=CODE, ruling_date=today(), email="shop@example.test")
    return find_infringer_candidates()[0]


def shown_names(client, page) -> list[str]:
    return [listing.name for listing in client.get(page.url).context["listings"]]


def test_nothing_is_published_without_approval(client, list_page, candidate):
    assert candidate.status == InfringerCandidate.Status.PENDING
    assert shown_names(client, list_page) == []
    assert "义乌市某某商行" not in client.get(list_page.url).content.decode()


def test_approval_publishes_for_the_listing_period(client, list_page, candidate, manager, settings,
                                                    django_capture_on_commit_callbacks):
    settings.INFRINGER_LISTING_DAYS = 365
    with django_capture_on_commit_callbacks(execute=True):
        listing = approve_candidate(candidate=candidate, by=manager)
    assert listing.expires_at - listing.approved_at == timedelta(days=365)
    assert listing.ip_types == ["trademark"]
    html = client.get(list_page.url).content.decode()
    assert "义乌市某某商行" in html and CODE in html


def test_only_case_managers_approve(candidate):
    with pytest.raises(PermissionDenied):
        approve_candidate(candidate=candidate, by=UserFactory())


def test_a_candidate_is_decided_once(candidate, manager):
    dismiss_candidate(candidate=candidate, by=manager)
    with pytest.raises(ValidationError):
        approve_candidate(candidate=candidate, by=manager)


def test_respondent_is_told_with_an_objection_link(candidate, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        listing = approve_candidate(candidate=candidate, by=manager)
    link = objection_path(listing)
    assert Notification.objects.filter(user__email="owner@example.test", event="infringer_listed", url=link).exists()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["owner@example.test", "shop@example.test"]
    assert all(link in message.body for message in mail.outbox)


def test_expired_entries_are_not_shown(client, list_page, candidate, manager):
    listing = approve_candidate(candidate=candidate, by=manager)
    InfringerListing.objects.filter(pk=listing.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert shown_names(client, list_page) == []


# --- objections --------------------------------------------------------------------------------

OBJECTION = {"name": "王经理", "email": "objector@example.test", "phone": "", "grounds": "第二起案件的被申请人并非本商行。"}


@pytest.fixture
def listing(candidate, manager):
    return approve_candidate(candidate=candidate, by=manager)


def test_objection_through_the_signed_link_suspends_the_entry(client, list_page, listing):
    response = client.post(objection_path(listing), OBJECTION)
    assert response.status_code == 200
    listing.refresh_from_db()
    assert listing.status == InfringerListing.Status.SUSPENDED
    assert shown_names(client, list_page) == []
    assert InfringerObjection.objects.get().grounds == OBJECTION["grounds"]


def test_objection_form_is_labelled(client, listing):
    html = client.get(objection_path(listing)).content.decode()
    for field in ("name", "email", "phone", "grounds"):
        assert f'for="id_{field}"' in html


def test_tampered_token_is_not_found(client, listing):
    assert client.get(objection_path(listing)[:-3] + "xx/").status_code == 404


def test_one_objection_at_a_time(listing):
    object_to_listing(listing=listing, **OBJECTION)
    with pytest.raises(ValidationError):
        object_to_listing(listing=listing, **OBJECTION)


def test_dismissed_objection_republishes(client, list_page, listing, manager, django_capture_on_commit_callbacks):
    objection = object_to_listing(listing=listing, **OBJECTION)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_objection(objection=objection, by=manager, uphold=False, note="两起案件被申请人信用代码一致。")
    assert shown_names(client, list_page) == ["义乌市某某商行"]
    assert [m.to for m in mail.outbox] == [["objector@example.test"]]


def test_upheld_objection_removes_the_entry(client, list_page, listing, manager):
    objection = object_to_listing(listing=listing, **OBJECTION)
    decide_objection(objection=objection, by=manager, uphold=True)
    listing.refresh_from_db()
    assert listing.status == InfringerListing.Status.REMOVED
    assert shown_names(client, list_page) == []
    assert find_infringer_candidates() == []  # the same cases are not proposed again


# --- back office -------------------------------------------------------------------------------

def test_case_manager_approves_in_the_back_office(client, list_page, candidate, back_office_manager):
    client = verified_client(client, back_office_manager)
    review = client.get(reverse("cms_infringer_review")).content.decode()
    assert "义乌市某某商行" in review
    response = client.post(reverse("cms_infringer_candidate", args=[candidate.pk, "approve"]), {"note": "核实无误"})
    assert response.status_code == 302
    assert shown_names(client, list_page) == ["义乌市某某商行"]


def test_back_office_review_is_not_found_for_other_staff(client, candidate):
    from django.contrib.auth.models import Permission

    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = verified_client(client, editor)
    assert client.get(reverse("cms_infringer_review")).status_code == 404
    assert client.post(reverse("cms_infringer_candidate", args=[candidate.pk, "approve"])).status_code == 404
    assert not InfringerListing.objects.exists()


def test_case_manager_decides_an_objection_in_the_back_office(client, list_page, listing, back_office_manager):
    objection = object_to_listing(listing=listing, **OBJECTION)
    client = verified_client(client, back_office_manager)
    assert OBJECTION["grounds"] in client.get(reverse("cms_infringer_review")).content.decode()
    client.post(reverse("cms_infringer_objection", args=[objection.pk, "uphold"]), {"note": "异议成立"})
    objection.refresh_from_db()
    assert objection.decision == InfringerObjection.Decision.UPHELD and objection.decision_note == "异议成立"
    assert shown_names(client, list_page) == []


def test_management_command_proposes_candidates(db):
    from io import StringIO

    from django.core.management import call_command

    for _ in range(2):
        confirmed_settlement(name="命令商行", credit_code=CODE, ruling_date=today())
    out = StringIO()
    call_command("find_infringer_candidates", stdout=out)
    assert "命令商行" in out.getvalue()
    assert InfringerCandidate.objects.get().status == InfringerCandidate.Status.PENDING
