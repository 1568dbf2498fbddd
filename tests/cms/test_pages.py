"""Public site: page types, the demo content, and the filing page feeding the wizard."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import FilingPage, GuidePage, HomePage
from portal import filing
from portal.models import Case, CaseState, IPType, User
from tests.conftest import verified_client


class PageTreeTests(WagtailPageTestCase):
    def test_home_page_takes_guides_the_filing_page_and_the_public_sections(self):
        from cms.models import (
            CaseStudyIndexPage,
            InfringerListPage,
            NeutralDirectoryPage,
            NewsIndexPage,
            RulesPage,
            StatisticsPage,
        )

        self.assertAllowedSubpageTypes(HomePage, {GuidePage, FilingPage, NeutralDirectoryPage, CaseStudyIndexPage,
                                                  StatisticsPage, InfringerListPage, NewsIndexPage, RulesPage})

    def test_guides_nest_only_under_home_or_guides(self):
        self.assertAllowedParentPageTypes(GuidePage, {HomePage, GuidePage})

    def test_filing_page_is_a_leaf_under_home(self):
        self.assertAllowedSubpageTypes(FilingPage, {})
        self.assertAllowedParentPageTypes(FilingPage, {HomePage})


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_home_page_is_served_in_chinese_by_default(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "知识产权纠纷" in html
    assert "提交纠纷" in html  # navigation, translated


def test_language_switcher_serves_english(client, demo):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "File a dispute" in html


def test_every_guide_page_renders_its_real_text(client, demo):
    for page in GuidePage.objects.live():
        response = client.get(page.url)
        assert response.status_code == 200
        assert page.title in response.content.decode()
    assert client.get("/mediation/").content.decode().count("司法确认") >= 1


def test_filing_page_lists_categories_and_links_to_the_wizard(client, demo):
    page = FilingPage.objects.get(locale=Locale.get_default())
    response = client.get(page.url)
    html = response.content.decode()
    assert reverse("filing_start") in html
    assert "商标" in html and "专利" in html


def test_editors_choice_of_categories_limits_the_wizard(client, demo):
    page = FilingPage.objects.get(locale=Locale.get_default())
    page.categories.exclude(ip_type__in=["trademark", "copyright"]).delete()
    guidance = filing.get_guidance()
    assert set(guidance.offered_ip_types) == {"trademark", "copyright"}
    user = User.objects.get(email="claimant@demo.test")
    client = verified_client(client, user)
    case = Case.objects.filter(created_by=user, state=CaseState.DRAFT).first()
    response = client.get(reverse("filing_step", args=[case.ref, "rights"]))
    choices = {v for v, _ in response.context["formset"].forms[0].fields["ip_type"].choices if v}
    assert choices == {"trademark", "copyright"}
    assert "商标注册证" in response.content.decode()  # the editor's per-category guidance


def test_filing_guidance_falls_back_when_no_page_is_published(db):
    Page.objects.type(FilingPage).delete()
    assert filing.get_guidance().offered_ip_types == tuple(IPType.values)


def test_case_manager_reaches_the_wagtail_back_office(client, demo):
    manager = User.objects.get(email="manager@demo.test")
    response = verified_client(client, manager).get("/admin/")
    assert response.status_code == 200


def test_parties_do_not_reach_the_back_office(client, demo):
    user = User.objects.get(email="claimant@demo.test")
    response = verified_client(client, user).get("/admin/")
    assert response.status_code == 302


def test_case_manager_manages_courts_in_the_back_office(client, demo):
    manager = User.objects.get(email="manager@demo.test")
    client = verified_client(client, manager)
    assert client.get("/admin/courts/").status_code == 200
    response = client.post("/admin/courts/new/", {"name": "杭州互联网法院", "name_en": "", "level": "basic",
                                                  "region_code": "330100", "address": "", "accepts_referrals": "on"})
    assert response.status_code == 302
    from portal.models import Court

    assert Court.objects.filter(name="杭州互联网法院").exists()
