"""The demo seed fills every public section, in Chinese and in English, through
the real services, and is idempotent."""

import re

from django.core.management import call_command
from wagtail.models import Locale, Page

from cms.infringers.models import InfringerListing
from cms.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    InfringerListPage,
    NeutralDirectoryPage,
    NewsPage,
    RulesPage,
    StatisticsPage,
)


def seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))


CJK = re.compile("[\u4e00-\u9fff]")


def counts():
    return (Page.objects.count(), CaseStudyPage.objects.count(), NewsPage.objects.count(), RulesPage.objects.count(),
            InfringerListing.objects.count())


def test_demo_public_site(client, db):
    seed()
    chinese = Locale.get_default()
    published = CaseStudyPage.objects.live().filter(locale=chinese)
    assert published.count() == 3
    in_review = CaseStudyPage.objects.get(live=False)
    assert in_review.source_case is not None and in_review.workflow_in_progress

    index = CaseStudyIndexPage.objects.get(locale=chinese)
    html = client.get(index.url).content.decode()
    assert all(study.title in html for study in published) and in_review.title not in html

    statistics = StatisticsPage.objects.get(locale=chinese)
    figures = client.get(statistics.url).context["figures"]
    assert figures.total > 0 and figures.confirmed >= 2

    listing = InfringerListing.objects.get()
    # Two court-confirmed settlements seeded here; other apps' demo data may add decided cases.
    assert listing.case_count >= 2 and listing.is_shown
    assert listing.name in client.get(InfringerListPage.objects.get(locale=chinese).url).content.decode()

    assert NewsPage.objects.live().filter(locale=chinese).count() == 3
    assert RulesPage.objects.live().filter(locale=chinese).count() == 3
    home = client.get("/").content.decode()
    for page in (index, statistics, RulesPage.objects.get(slug="rules", locale=chinese)):
        assert f'href="{page.url}"' in home
    results = client.get("/search/", {"q": "司法确认"}).context["results"]
    assert len(results) >= 2 and all(result.locale_id == chinese.pk for result in results)

    before = counts()
    seed()
    assert counts() == before


def test_every_published_page_has_an_english_translation_in_english(client, db):
    seed()
    english = Locale.objects.get(language_code="en")
    chinese_pages = Page.objects.live().filter(locale=Locale.get_default(), depth__gt=1).specific()
    assert chinese_pages.count() >= 20
    for page in chinese_pages:
        translation = page.get_translation(english)
        assert translation.live and translation.url == "/en" + page.url, page.url
        assert not CJK.search(translation.title), translation.title
        response = client.get(translation.url)
        html = response.content.decode()
        assert response.status_code == 200 and '<html lang="en">' in html, translation.url
        if not isinstance(page, (NeutralDirectoryPage, InfringerListPage, RulesPage)):  # names, fee tables
            main = html.split('<main id="main"')[1].split("</main>")[0]
            assert not CJK.search(main), (translation.url, CJK.findall(main)[:20])
    results = client.get("/en/search/", {"q": "judicial confirmation"}).context["results"]
    assert len(results) >= 2 and all(result.locale_id == english.pk for result in results)


def test_public_pages_are_accessible_html(client, db):
    from cms.infringers.services import objection_path
    from tests.cms.html_checks import assert_accessible_html

    seed()
    urls = [page.url for model in (CaseStudyIndexPage, CaseStudyPage, StatisticsPage, InfringerListPage, NewsPage,
                                   RulesPage) for page in model.objects.live()]  # both languages
    urls += ["/", "/en/", "/search/?q=司法确认", "/en/search/?q=mediation", "/search/", "/en/search/",
             "/statistics/?year=2026", "/en/statistics/?year=2026"]
    for language in ("zh-hans", "en"):
        for url in [*urls, objection_path(InfringerListing.objects.get())]:  # an app page: the browser's language
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, url
            try:
                assert_accessible_html(response.content.decode())
            except AssertionError as error:
                raise AssertionError(f"{url}: {error}") from error
