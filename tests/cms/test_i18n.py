"""Bilingual public site: Chinese at /, English at /en/; app pages keep one URL
and follow the language chosen; the switcher leads to the same page in the
other language (portal.i18n, cms_tags.language_options)."""

import pytest
from wagtail.models import Locale

from cms.demo import seed_pages
from cms.models import CaseStudyPage, FilingPage, GuidePage, HomePage, NeutralDirectoryPage, StatisticsPage
from portal import filing
from portal.i18n import has_language_urls
from tests.cms.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    seed_pages()
    return {"zh": Locale.get_default(), "en": Locale.objects.get(language_code="en")}


def html(client, url, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_public_pages_have_language_urls_and_app_pages_do_not():
    assert has_language_urls("/") and has_language_urls("/en/") and has_language_urls("/typical-cases/x/")
    assert has_language_urls("/search/") and has_language_urls("/en/search/")
    for path in ("/accounts/login/", "/cases/", "/dashboard/", "/notary/verify/", "/i18n/setlang/"):
        assert not has_language_urls(path), path


def test_chinese_at_the_root_english_under_en_whatever_the_browser_says(client, site):
    assert '<html lang="zh-Hans">' in html(client, "/", HTTP_ACCEPT_LANGUAGE="en")
    english = html(client, "/en/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert '<html lang="en">' in english and HomePage.objects.get(locale=site["en"]).intro in english


def test_app_pages_follow_the_language_cookie_then_the_browser(client, site):
    assert '<html lang="en">' in html(client, "/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "zh-hans"
    assert '<html lang="zh-Hans">' in html(client, "/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")


def test_reading_the_english_site_carries_on_into_app_pages(client, site):
    response = client.get("/en/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in html(client, "/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "django_language" not in client.get("/en/", HTTP_ACCEPT_LANGUAGE="zh-CN").cookies  # already in step


def test_switcher_links_to_the_translation_of_the_page(client, site):
    study = CaseStudyPage.objects.live().filter(locale=site["zh"]).first()
    translation = study.get_translation(site["en"])
    chinese = html(client, study.url)
    assert f'<a href="{translation.url}" lang="en" hreflang="en">English</a>' in chinese
    assert '<span aria-current="true" lang="zh-Hans">简体中文</span>' in chinese
    assert f'<link rel="alternate" hreflang="en" href="{translation.url}">' in chinese
    assert f'<a href="{study.url}" lang="zh-Hans" hreflang="zh-Hans">简体中文</a>' in html(client, translation.url)


def test_switcher_keeps_routable_sub_paths_and_filters(client, site):
    directory = NeutralDirectoryPage.objects.get(locale=site["en"])
    assert '<a href="/neutrals/?role=mediator" lang="zh-Hans"' in html(client, directory.url + "?role=mediator")
    statistics = StatisticsPage.objects.get(locale=site["zh"])
    assert '<a href="/en/statistics/?year=2026" lang="en"' in html(client, statistics.url + "?year=2026")
    assert '<a href="/en/search/?q=%E8%B0%83%E8%A7%A3" lang="en"' in html(client, "/search/?q=调解")


def test_a_page_without_translation_links_to_the_other_home(client, site):
    home = HomePage.objects.get(locale=site["zh"])
    guide = publish(home, GuidePage(title="新指南", slug="new-guide", body=[("paragraph", "<p>只有中文</p>")]))
    assert '<a href="/en/" lang="en" hreflang="en">English</a>' in html(client, guide.url)
    assert client.get("/en/new-guide/").status_code == 404


def test_without_an_english_site_the_chinese_pages_stand_in_and_keep_their_language(client, home):
    guide = publish(home, GuidePage(title="指南", slug="guide", body=[("paragraph", "<p>只有中文</p>")]))
    english = html(client, "/en" + guide.url)
    assert '<html lang="en">' in english and '<main id="main" class="wrap" lang="zh-Hans">' in english


def test_app_pages_switch_language_with_a_form(client, site):
    page = html(client, "/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert '<button type="submit" name="language" value="en" lang="en" class="lang-button">English</button>' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.url == "/accounts/login/"
    assert '<html lang="en">' in html(client, "/accounts/login/")


def test_setlang_from_a_page_goes_to_its_english_url(client, site):
    study = CaseStudyPage.objects.live().filter(locale=site["zh"]).first()
    response = client.post("/i18n/setlang/", {"language": "en", "next": study.url})
    assert response.url == study.get_translation(site["en"]).url


def test_navigation_and_home_links_stay_in_the_language(client, site):
    english = html(client, "/en/")
    nav = english.split('<nav class="main-nav"')[1].split("</nav>")[0]
    assert '<a href="/en/">Home</a>' in nav and '<a href="/en/statistics/">Statistics</a>' in nav
    assert '<a class="brand" href="/en/">' in english


def test_filing_wizard_guidance_comes_from_the_page_in_the_users_language(site):
    from django.utils import translation

    with translation.override("en"):
        guidance = filing.get_guidance()
    assert guidance.page_url == "/en/file/" and "trademark registration certificate" in guidance.category_guidance[
        "trademark"]
    with translation.override("zh-hans"):
        assert filing.get_guidance().page_url == FilingPage.objects.get(locale=site["zh"]).url == "/file/"


def test_case_study_drafts_go_to_the_chinese_index(site, manager):
    from cms.case_studies import create_case_study_draft
    from mediation.models import MediationState
    from tests.cms.helpers import docketed_case, end_mediation

    case = docketed_case()
    end_mediation(case, MediationState.CONFIRMED)
    draft = create_case_study_draft(case=case, by=manager)
    assert draft.locale == site["zh"] and draft.get_parent().locale == site["zh"]
