"""Typical cases: drafts from closed cases only, anonymised, moderated, then public without the source case."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import WorkflowPage, WorkflowState
from wagtail.test.utils import WagtailPageTestCase

from cms.case_studies import EDITORS_GROUP, ERROR_CASE_OPEN, WORKFLOW_NAME, create_case_study_draft
from cms.models import CaseStudyIndexPage, CaseStudyPage, HomePage
from mediation.models import MediationState
from portal.models import Case, Party
from tests.cms.conftest import publish
from tests.cms.helpers import docketed_case, end_mediation
from tests.conftest import verified_client
from tests.factories import CaseFactory, UserFactory

FACTS = ("申请人杭州某某贸易有限公司系“某某”商标权利人。被申请人义乌市某某商行在网店 https://shop.example.cn/s/1 "
         "销售假冒商品，经营者张三（电话13912345678）称货源来自某某贸易。")
RESPONDENT = {"name": "义乌市某某商行", "kind": Party.Kind.ENTITY, "address": "浙江省义乌市福田街道 12 号",
              "email": "seller@example.com"}


class CaseStudyTreeTests(WagtailPageTestCase):
    def test_case_studies_live_under_their_index_under_home(self):
        self.assertAllowedParentPageTypes(CaseStudyIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CaseStudyIndexPage, {CaseStudyPage})
        self.assertAllowedSubpageTypes(CaseStudyPage, {})


@pytest.fixture
def index(home):
    return publish(home, CaseStudyIndexPage(title="典型案例", slug="typical-cases"))


@pytest.fixture
def closed_case(db):
    case = docketed_case(facts=FACTS, respondent=RESPONDENT)
    case.parties.filter(side="claimant").update(name="杭州某某贸易有限公司")
    Party.objects.create(case=case, side=Party.Side.RESPONDENT, kind=Party.Kind.PERSON, name="张三")
    end_mediation(case, MediationState.TERMINATED, reason="张三不同意赔偿金额。")
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def editor(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    return user


def test_every_intake_end_state_has_an_outcome():
    from cms.outcomes import INTAKE_OUTCOMES
    from portal.models.neutrals import CLOSED_CASE_STATES

    assert set(INTAKE_OUTCOMES) == set(CLOSED_CASE_STATES)


def test_open_case_cannot_become_a_case_study(index, manager):
    with pytest.raises(ValidationError):
        create_case_study_draft(case=docketed_case(), by=manager)
    with pytest.raises(ValidationError):
        create_case_study_draft(case=CaseFactory(complete=True), by=manager)  # a draft filing
    assert not CaseStudyPage.objects.exists()


def test_only_case_managers_draft_case_studies(index, closed_case):
    with pytest.raises(PermissionDenied):
        create_case_study_draft(case=closed_case, by=UserFactory())


def test_withdrawn_case_can_become_a_case_study(index, manager):
    case = CaseFactory(complete=True)
    Case.objects.filter(pk=case.pk).update(state="withdrawn")
    page = create_case_study_draft(case=Case.objects.get(pk=case.pk), by=manager)
    assert page.outcome == "withdrawn"


def test_draft_is_anonymised(index, closed_case, manager):
    page = create_case_study_draft(case=closed_case, by=manager)
    text = page.facts + page.result + page.summary + page.title
    for secret in ("杭州某某贸易有限公司", "某某贸易", "义乌市某某商行", "张三", "13912345678", "shop.example.cn",
                   closed_case.number):
        assert secret not in text
    assert "A公司" in page.facts and "B商行" in page.facts and "C某" in page.facts
    assert "C某不同意赔偿金额" in page.result
    assert (page.ip_type, page.track, page.outcome) == ("trademark", "mediation", "not_settled")


def test_draft_is_not_live_and_waits_in_the_editors_review(index, closed_case, manager):
    page = create_case_study_draft(case=closed_case, by=manager)
    page.refresh_from_db()
    assert not page.live
    assert page.source_case == closed_case
    state = WorkflowState.objects.for_instance(page).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == WORKFLOW_NAME
    assert WorkflowPage.objects.get(page=index).workflow == state.workflow
    assert list(state.current_task_state.task.specific.groups.values_list("name", flat=True)) == [EDITORS_GROUP]


def test_drafting_twice_returns_the_same_page(index, closed_case, manager):
    first = create_case_study_draft(case=closed_case, by=manager)
    assert create_case_study_draft(case=closed_case, by=manager).pk == first.pk
    assert CaseStudyPage.objects.count() == 1


def test_approval_publishes_it_and_the_source_case_never_shows(client, index, closed_case, manager, editor):
    page = create_case_study_draft(case=closed_case, by=manager)
    assert client.get(page.url or f"{index.url}{page.slug}/").status_code == 404

    page.current_workflow_task_state.approve(user=editor)

    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.live
    for url in (page.url, index.url, reverse("site_search") + "?q=商标"):
        html = client.get(url).content.decode()
        assert page.title in html
        assert closed_case.number not in html
        assert str(closed_case.ref) not in html and closed_case.short_ref not in html
        assert "义乌市某某商行" not in html


def test_case_manager_drafts_from_the_tool_and_lands_in_the_editor(client, index, closed_case, manager):
    response = verified_client(client, manager).post(reverse("create_case_study", args=[closed_case.number]))
    page = CaseStudyPage.objects.get(source_case=closed_case)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])


def test_editor_shows_the_source_case_to_the_back_office_only(client, index, closed_case, manager):
    page = create_case_study_draft(case=closed_case, by=manager)
    admin = UserFactory(is_staff=True, is_superuser=True, role="admin")
    response = verified_client(client, admin).get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    assert closed_case.number in response.content.decode()


def test_open_case_in_the_tool_is_refused_with_a_message(client, index, back_office_manager):
    case = docketed_case()
    response = verified_client(client, back_office_manager).post(reverse("create_case_study", args=[case.number]), follow=True)
    assert not CaseStudyPage.objects.exists()
    assert [str(m) for m in response.context["messages"]] == [str(ERROR_CASE_OPEN)]


@pytest.mark.parametrize("who", ["anonymous", "party", "mediator"])
def test_tool_is_not_found_for_anyone_but_case_managers(client, index, closed_case, who):
    from tests.factories import MediatorFactory

    if who != "anonymous":
        verified_client(client, UserFactory() if who == "party" else MediatorFactory())
    assert client.post(reverse("create_case_study", args=[closed_case.number])).status_code == 404
    assert not CaseStudyPage.objects.exists()


def test_back_office_lists_closed_cases_for_drafting(client, index, closed_case, back_office_manager):
    open_case = docketed_case()
    html = verified_client(client, back_office_manager).get(reverse("cms_case_study_drafts")).content.decode()
    assert closed_case.number in html
    assert open_case.number not in html
    assert reverse("create_case_study", args=[closed_case.number]) in html


def test_index_filters_by_type_of_right(client, index):
    common = {"track": "mediation", "outcome": "settled", "year": 2025, "summary": "s", "facts": "<p>f</p>",
              "result": "<p>r</p>"}
    publish(index, CaseStudyPage(title="商标案", slug="tm", ip_type="trademark", **common))
    publish(index, CaseStudyPage(title="专利案", slug="pt", ip_type="patent", **common))
    response = client.get(index.url, {"ip": "patent"})
    assert [p.title for p in response.context["studies"]] == ["专利案"]
